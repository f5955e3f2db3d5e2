"""The staff lists of the assessment pages, filtered by the policy. The pages and their Excel
exports (quntuan.reports.exports) both build their rows here, so an export holds exactly the
rows of the page."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from quntuan.assessment import queries
from quntuan.assessment.models import Assignment, Indicator
from quntuan.assessment.policies import assessment_policy
from quntuan.assessment.scoping import check_year, parse_int, parse_month
from quntuan.core.exceptions import ApplicationError


def year_param(value) -> int:
    return check_year(parse_int(value, _("年度")) or timezone.localdate().year)


def month_param(value) -> date:
    return parse_month(value, timezone.localdate())


def supervision_assignments(user, scope) -> QuerySet[Assignment]:
    visible = assessment_policy.visible_orgs(user)
    return (Assignment.objects.filter(item__district=scope.district, organization__in=visible)
            .select_related("item", "organization").order_by("due_date", "item_id", "organization_id"))


def supervision_rows(user, scope, today: date | None = None) -> list[dict]:
    today = today or timezone.localdate()
    return [{"a": a, "overdue": a.is_overdue(today)} for a in supervision_assignments(user, scope)]


def dispatch_rows(user, scope, month: date) -> list[dict]:
    visible = set(assessment_policy.visible_orgs(user).values_list("pk", flat=True))
    return [r for r in queries.dispatch_board(scope.district, month) if r["assignment"].organization_id in visible]


def result_rows(user, scope, year: int, target: str) -> tuple[list[dict], list[Indicator], bool]:
    """(rows, indicators, whole district) of the yearly assessment as the user may see it."""
    if target not in Indicator.Scope.values:
        raise ApplicationError(_("考核对象无效。"))
    whole = assessment_policy.sees_whole_district(user, scope.district)
    if target == Indicator.Scope.STREET and not whole:
        raise ApplicationError(_("只有区督查和审计人员可以查看街道排名。"), status=403)
    rows = queries.assessment_results(scope.district, year, target)
    if not whole:
        visible = set(assessment_policy.visible_orgs(user).values_list("pk", flat=True))
        rows = [r for r in rows if r["target_id"] in visible]
    indicators = list(Indicator.objects.filter(district=scope.district, year=year, scope=target))
    return rows, indicators, whole


def veto_rows(user, scope, year: int):
    from quntuan.assessment.models import VetoFlag

    visible = assessment_policy.visible_orgs(user).filter(district=scope.district)
    return (VetoFlag.objects.filter(district=scope.district, year=year, organization__in=visible)
            .select_related("organization", "flagged_by").order_by("withdrawn", "organization_id", "id"))


def ledger_orgs(user, scope) -> list:
    return list(assessment_policy.visible_orgs(user).filter(district=scope.district).order_by("id"))


def ledger_summary_rows(user, scope, year: int) -> list[dict]:
    """One row per visible organization: staffing, cadres serving, budget with growth, office."""
    orgs = ledger_orgs(user, scope)
    ids = [o.pk for o in orgs]
    _start, end = queries.year_range(year)
    staffing = queries.staffing_by_org(ids)
    cadres = queries.cadres_serving(ids, min(end, timezone.localdate()))
    budgets = queries.budget_growth(ids, year)
    office = queries.office_space_by_org(ids)
    return [{"org": o, "staffing": staffing[o.pk], "cadres": cadres[o.pk], "budget": budgets[o.pk],
             "office": office[o.pk]} for o in orgs]


def ledger_scoped_ids(user, scope) -> list[int] | None:
    """None for district-wide viewers (district-level rows included), else their organizations."""
    if assessment_policy.sees_whole_district(user, scope.district):
        return None
    return [o.pk for o in ledger_orgs(user, scope)]


def media_rows(user, scope, year: int):
    start, end = queries.year_range(year)
    return queries.media_reports(scope.district, start, end, ledger_scoped_ids(user, scope))


def training_rows(user, scope, year: int):
    start, end = queries.year_range(year)
    return queries.cadre_trainings(scope.district, start, end, ledger_scoped_ids(user, scope))


def cadre_rows(user, scope, year: int):
    _start, end = queries.year_range(year)
    ids = [o.pk for o in ledger_orgs(user, scope)]
    return queries.cadres_serving_qs(ids, min(end, timezone.localdate())).select_related("organization")


def budget_history(budgets) -> list[dict]:
    """Budgets sorted by year with the growth over the previous year's amount (None when there
    is no previous year or it was zero)."""
    rows = sorted(budgets, key=lambda b: b.year)
    by_year = {b.year: b.amount for b in rows}
    out = []
    for b in rows:
        prev = by_year.get(b.year - 1)
        growth = float((b.amount - prev) / prev) if prev else None
        out.append({"budget": b, "previous": prev, "growth": growth,
                    "growth_pct": None if growth is None else round(growth * 100, 1)})
    return out


RECORD_KINDS = {
    "cases": _("诉求"), "overdue": _("逾期诉求"), "residents": _("注册群众"), "activities": _("活动"),
    "checkins": _("签到记录"), "service_records": _("志愿服务记录"), "assignments": _("督查任务"),
    "plans": _("工作计划"),
}


def _month_filter(qs, field: str, month: str | None):
    if not month:
        return qs
    first = parse_month(month, timezone.localdate())
    lo, _hi = queries.bounds(first, first)
    hi = queries.bounds(queries.next_month(first), queries.next_month(first))[0]
    return qs.filter(**{f"{field}__gte": lo, f"{field}__lt": hi})


def record_rows(user, params) -> tuple[str, object, QuerySet]:
    """(kind, scope, queryset) of the records behind a chart point."""
    from quntuan.assessment import charts
    from quntuan.assessment.scoping import scope_from_params
    from quntuan.cases.policies import case_policy
    from quntuan.cases.queries import overdue_q

    kind = params.get("kind", "cases")
    if kind not in RECORD_KINDS:
        raise ApplicationError(_("未知的记录类型。"))
    scope = scope_from_params(user, {k: params.get(k) for k in ("district", "org", "street", "start", "end")})
    month = params.get("month")
    if kind in ("cases", "overdue"):
        if kind == "overdue":
            qs = charts.Case.objects.filter(district=scope.district).filter(overdue_q(timezone.localdate(), "yellow"))
            if scope.organization:
                qs = qs.filter(handling_org=scope.organization)
            if scope.street:
                qs = qs.filter(community__parent=scope.street)
        else:
            qs = _month_filter(charts.cases_in(scope), "received_at", month)
        status = params.get("status")
        if status:
            qs = qs.filter(status=status)
        qs = qs.filter(pk__in=case_policy.visible(user).values("pk")).select_related("handling_org")
        qs = qs.order_by("-received_at")
    elif kind == "residents":
        if not assessment_policy.sees_whole_district(user, scope.district):
            raise ApplicationError(_("只有区督查和审计人员可以查看注册群众名单。"), status=403)
        qs = _month_filter(charts.residents_in(scope), "date_joined", month).select_related("community")
        qs = qs.order_by("-date_joined")
    elif kind == "activities":
        qs = _month_filter(charts.activities_in(scope), "start", month).select_related("primary_host").order_by("start")
    elif kind == "checkins":
        qs = _month_filter(charts.checkins_in(scope), "activity__start", month).select_related("activity")
    elif kind == "service_records":
        qs = _month_filter(charts.service_records_in(scope), "shift__start", month).select_related(
            "volunteer", "shift__activity").order_by("shift__start")
    elif kind == "plans":
        qs = charts.plans_in(scope).select_related("organization").order_by("end_date", "id")
    else:
        qs = charts.assignments_in(scope).select_related("item", "organization").order_by("due_date")
    return kind, scope, qs
