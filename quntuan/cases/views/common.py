"""Helpers shared by the case pages."""

from __future__ import annotations

from datetime import date

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quntuan.cases.models import CaseStatus
from quntuan.cases.policies import case_policy
from quntuan.cases.queries import case_deadline_state
from quntuan.workdays.services import calendar_around

PAGE_SIZE = 20

FLAG_LABELS = {
    "normal": gettext_lazy("正常"),
    "reminder": gettext_lazy("临期"),
    "yellow": gettext_lazy("黄牌"),
    "red": gettext_lazy("红牌"),
    "done": gettext_lazy("已结束"),
}

# Which session key remembers the cases an anonymous requester submitted from this browser.
SESSION_RECEIPTS = "cases_submitted"
SESSION_VERIFIED_MOBILE = "cases_verified_mobile"


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def throttled(request, scope: str, limit: int, seconds: int) -> bool:
    """Count one attempt for this address; True once more than ``limit`` attempts were made
    within the window."""
    key = f"cases:throttle:{scope}:{client_ip(request)}"
    if cache.add(key, 1, seconds):
        return False
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, seconds)
        return False
    return count > limit


def visible_case(user, tracking_no: str):
    """The case if the policy lets this user see it, else 404 (no hint whether it exists)."""
    case = (
        case_policy.visible(user)
        .select_related("service", "category", "first_inquirer", "first_inquirer_org", "handling_org",
                        "handler", "transfer_to_org", "community", "workstation", "district")
        .filter(tracking_no=tracking_no)
        .first()
    )
    if case is None:
        raise Http404(_("未找到该诉求,或您无权查看。"))
    return case


def confirm_informed_needed(user, case) -> bool:
    """The first inquirer must confirm the requester was told once the case left their
    organization (transferred to another one, or out to a government department)."""
    return (
        case.requester_informed_at is None
        and (case.handling_org_id != case.first_inquirer_org_id or case.status == CaseStatus.TRANSFERRED_OUT)
        and case_policy.can_confirm_informed(user, case)
    )


def local_today() -> date:
    return timezone.localdate()


def countdown(case, today: date, cal) -> str:
    """How much time is left, in working days, as a short Chinese phrase."""
    if not case.is_open:
        return _("已结束")
    if case.status == CaseStatus.AWAITING_MATERIAL:
        return _("计时暂停")
    if case.due_date > today:
        n = cal.count_workdays(today, case.due_date)
        return _("剩 %(n)s 个工作日") % {"n": n}
    if case.due_date == today:
        return _("今日到期")
    n = max(1, cal.count_workdays(case.due_date, today))
    return _("逾期 %(n)s 个工作日") % {"n": n}


def decorate_rows(cases, today: date | None = None):
    """Add ``flag``, ``flag_label`` and ``countdown`` to each case for the lists."""
    today = today or local_today()
    cal = calendar_around(today)
    rows = list(cases)
    for c in rows:
        c.flag = case_deadline_state(c, today)
        c.flag_label = FLAG_LABELS.get(c.flag, c.flag)
        c.countdown = countdown(c, today, cal)
    return rows


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    return page
