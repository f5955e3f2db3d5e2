"""Home page and health check."""

from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from quntuan.catalog.models import TimeLimitClass
from quntuan.organizations.queries import current_district, public_organizations

logger = logging.getLogger(__name__)

SEARCH_SUGGESTIONS = ["欠薪", "工伤认定", "两癌筛查", "残疾人证", "志愿者", "家庭教育"]


@require_GET
def home(request: HttpRequest):
    user = request.user
    is_staff_member = user.is_authenticated and getattr(user, "is_staff_member", False)
    district = current_district(request)
    context = {
        "is_staff_member": is_staff_member,
        "district": district,
        "organizations": public_organizations(district),
        "suggestions": SEARCH_SUGGESTIONS,
        "time_limits": _time_limit_promises(district),
    }
    return render(request, "core/home.html", context)


def _time_limit_promises(district) -> list[dict]:
    """The district's time limits per class, for the "our promise" panel."""
    rules = getattr(district, "rules", None) if district is not None else None
    defaults = {"immediate": 0, "consult": 1, "help": 5, "complaint": 15}
    out = []
    for value, label in TimeLimitClass.choices:
        days = rules.limit_days(value) if rules is not None else defaults[value]
        out.append({"code": value, "label": label, "days": days})
    return out


@never_cache
@require_GET
def healthz(request: HttpRequest):
    """200 with the database backend and whether background work runs; 503 if the database fails."""
    from quntuan.core.scheduler import background_status

    vendor = connection.vendor
    backend = "postgresql" if vendor == "postgresql" else vendor
    db_ok = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("健康检查:数据库不可用")
        db_ok = False
    try:
        background = background_status() if db_ok else {"mode": "unknown", "running": False, "last_beat": None}
    except Exception:
        logger.exception("健康检查:无法读取后台任务状态")
        background = {"mode": "unknown", "running": False, "last_beat": None}
    payload = {
        "status": "ok" if db_ok else "error",
        "database": {"backend": backend, "ok": db_ok},
        "background": background,
    }
    return JsonResponse(payload, status=200 if db_ok else 503, json_dumps_params={"ensure_ascii": False})
