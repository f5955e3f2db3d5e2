"""Staff pages: the workbench queues, intake of calls and walk-ins, overdue boards, 三率."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from quntuan.accounts.decorators import staff_required
from quntuan.accounts.models import Role
from quntuan.accounts.services import user_memberships, user_org_ids
from quntuan.cases.forms import StaffIntakeForm, StatsPeriodForm
from quntuan.cases.policies import user_leader_org_ids
from quntuan.cases.queries import case_queue, org_three_rates, overdue_board
from quntuan.cases.services import case_submit
from quntuan.cases.views.common import (
    confirm_informed_needed,
    decorate_rows,
    local_today,
    paginate,
    paginate_capped,
)
from quntuan.core.exceptions import ApplicationError
from quntuan.organizations.models import Organization, Region

QUEUES = [
    ("mine", gettext_lazy("我的待办")),
    ("org", gettext_lazy("本单位")),
    ("first_inquiry", gettext_lazy("我首问的")),
    ("cohandling", gettext_lazy("协办")),
    ("transfers_in", gettext_lazy("转入待接收")),
    ("overdue", gettext_lazy("逾期")),
    ("followups", gettext_lazy("待回访")),
]
QUEUE_NAMES = {key for key, _label in QUEUES}
DISTRICT_ROLES = {Role.SUPERVISOR, Role.PLATFORM_ADMIN, Role.AUDITOR}
# Columns the queue rows never show.
ROW_DEFERRED = ("content", "address", "missing_materials", "transfer_reason", "result", "requester_name",
                "requester_mobile", "requester_email", "transferred_department")


@require_GET
@staff_required
def workbench(request):
    queue = request.GET.get("queue", "mine")
    if queue not in QUEUE_NAMES:
        queue = "mine"
    # The rows show the handling and target organizations' names; nothing else is joined, and
    # the long texts stay in the database.
    cases = (case_queue(user=request.user, queue=queue).select_related(None)
             .select_related("handling_org", "transfer_to_org").defer(*ROW_DEFERRED))
    page = paginate_capped(request, cases)
    rows = decorate_rows(page.object_list)
    if queue == "first_inquiry":
        for c in rows:
            c.needs_confirm = confirm_informed_needed(request.user, c)
    page.object_list = rows
    ctx = {"queues": QUEUES, "queue": queue, "queue_label": dict(QUEUES)[queue], "page": page, "cases": rows,
           "confirm_col": queue == "first_inquiry"}
    if request.htmx and not request.htmx.boosted:
        return render(request, "cases/partials/queue.html", ctx)
    return render(request, "cases/pages/workbench.html", ctx)


@require_http_methods(["GET", "POST"])
@staff_required
def intake(request):
    user = request.user
    memberships = list(user_memberships(user).select_related("organization", "workstation", "organization__district"))
    if not memberships:
        return render(request, "cases/pages/no_membership.html", status=403)
    district = memberships[0].organization.district
    if request.method == "POST":
        form = StaffIntakeForm(request.POST, request.FILES, user=user, district=district, memberships=memberships)
        if form.is_valid():
            data = form.cleaned_data
            membership = data["received_org"]
            service = data["service"]
            try:
                case = case_submit(
                    district=membership.organization.district,
                    title=data["title"],
                    content=data["content"],
                    requester_name=data["requester_name"],
                    requester_mobile=data["requester_mobile"],
                    requester_email=data["requester_email"],
                    channel=data["channel"],
                    service=service,
                    category=service.category if service else data["category"],
                    community=data["community"],
                    address=data["address"],
                    is_urgent=data["is_urgent"],
                    attachments=data["attachments"],
                    idempotency_key=data["idempotency_key"],
                    received_by=user,
                    received_org=membership.organization,
                    workstation=membership.workstation,
                    missing_materials=data["missing_materials"],
                    suggested=data["suggested"].strip() or None,
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                return redirect("cases:receipt", tracking_no=case.tracking_no)
        return render(request, "cases/pages/intake.html",
                      {"form": form, "suggested": (form["suggested"].value() or "")[:40]}, status=400)
    initial = {}
    if request.GET.get("service", "").isdigit():
        initial["service"] = request.GET["service"]
    form = StaffIntakeForm(initial=initial, user=user, district=district, memberships=memberships)
    return render(request, "cases/pages/intake.html", {"form": form})


def _board_levels(user) -> list[tuple[str, str]]:
    if user.role in DISTRICT_ROLES:
        return [("red", _("红牌督办(逾期一个工作日以上)")), ("yellow", _("已到期未办结"))]
    if user_leader_org_ids(user):
        return [("yellow", _("黄牌及以上(已到期未办结)")), ("red", _("红牌督办(逾期一个工作日以上)"))]
    return []


@require_GET
@staff_required
def overdue(request):
    levels = _board_levels(request.user)
    if not levels:
        return render(request, "cases/pages/overdue.html",
                      {"levels": [], "refused": _("逾期督办看板仅供单位负责人和区督查人员查看。")}, status=403)
    level = request.GET.get("level", levels[0][0])
    if level not in dict(levels):
        level = levels[0][0]
    cases = overdue_board(user=request.user, level=level)
    per_org = list(
        cases.order_by().values("handling_org__name").annotate(n=Count("id")).order_by("-n", "handling_org__name")
    )
    page = paginate(request, cases.select_related("handling_org", "first_inquirer_org"))
    page.object_list = decorate_rows(page.object_list)
    ctx = {"levels": levels, "level": level, "level_label": dict(levels)[level], "per_org": per_org,
           "total": sum(row["n"] for row in per_org), "page": page, "cases": page.object_list}
    return render(request, "cases/pages/overdue.html", ctx)


def _stats_organizations(user):
    """Organizations whose figures this user may see: the whole district (or city) for district
    roles, their own organizations for staff and leaders."""
    if user.role in DISTRICT_ROLES and user.region_id:
        region = user.region
        scope = Q(district=region) | Q(district__parent=region) if region.level == Region.Level.CITY \
            else Q(district=region.district or region)
        return list(Organization.objects.filter(scope, is_active=True).order_by("district_id", "id"))
    return list(Organization.objects.filter(pk__in=user_org_ids(user)).order_by("id"))


def _period_presets(today: date) -> list[tuple[str, date, date]]:
    month_start = today.replace(day=1)
    last_month_end = month_start - timedelta(days=1)
    return [
        (_("本月"), month_start, today),
        (_("上月"), last_month_end.replace(day=1), last_month_end),
        (_("今年"), today.replace(month=1, day=1), today),
    ]


@require_GET
@staff_required
def stats(request):
    today = local_today()
    if "start" in request.GET or "end" in request.GET:
        form = StatsPeriodForm(request.GET)
    else:
        form = StatsPeriodForm({"start": today.replace(day=1).isoformat(), "end": today.isoformat()})
    rows = []
    status = 200
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        for org in _stats_organizations(request.user):
            rows.append({"org": org, "rates": org_three_rates(organization=org, start=start, end=end)})
    else:
        status = 400
    ctx = {"form": form, "rows": rows, "presets": _period_presets(today)}
    return render(request, "cases/pages/stats.html", ctx, status=status)
