"""Dashboard data: each function returns one chart's data (categories, series) plus, for every
point, the filter that opens the records behind it (``drill``: query parameters for the
records page). District, organization and street levels through ``Scope``; all grouped queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from quntuan.accounts.models import Role, User
from quntuan.activities.models import Activity, ActivityStatus, CheckIn
from quntuan.assessment.models import Assignment
from quntuan.assessment.queries import assessment_results, bounds, supervision_stats
from quntuan.cases.models import Case, CaseStatus, Rating
from quntuan.cases.queries import overdue_q
from quntuan.organizations.models import Organization, Region
from quntuan.volunteers.models import ServiceRecord


@dataclass(frozen=True)
class Scope:
    """What a dashboard shows: a district, optionally narrowed to one organization or street."""

    district: Region
    start: date
    end: date
    organization: Organization | None = None
    street: Region | None = None

    @property
    def level(self) -> str:
        return "organization" if self.organization else "street" if self.street else "district"

    def base_params(self) -> dict:
        p = {"district": self.district.pk, "start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.organization:
            p["org"] = self.organization.pk
        if self.street:
            p["street"] = self.street.pk
        return p


def months_between(start: date, end: date) -> list[date]:
    out, d = [], start.replace(day=1)
    while d <= end:
        out.append(d)
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


def _month_key(value) -> str:
    if hasattr(value, "astimezone") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{value.year:04d}-{value.month:02d}"


def _month_labels(scope: Scope) -> list[str]:
    return [f"{m.year:04d}-{m.month:02d}" for m in months_between(scope.start, scope.end)]


# --- record querysets shared by charts and the drill-down page -----------------------------------

def cases_in(scope: Scope) -> QuerySet[Case]:
    lo, hi = bounds(scope.start, scope.end)
    qs = Case.objects.filter(district=scope.district, received_at__gte=lo, received_at__lt=hi)
    if scope.organization:
        qs = qs.filter(handling_org=scope.organization)
    if scope.street:
        qs = qs.filter(community__parent=scope.street)
    return qs


def residents_in(scope: Scope) -> QuerySet[User]:
    qs = User.objects.filter(role=Role.RESIDENT, region=scope.district)
    if scope.street:
        qs = qs.filter(community__parent=scope.street)
    return qs


def activities_in(scope: Scope) -> QuerySet[Activity]:
    lo, hi = bounds(scope.start, scope.end)
    qs = Activity.objects.filter(district=scope.district, status=ActivityStatus.PUBLISHED, start__gte=lo, start__lt=hi)
    if scope.organization:
        qs = qs.filter(primary_host=scope.organization)
    if scope.street:
        qs = qs.filter(street=scope.street)
    return qs


def checkins_in(scope: Scope) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(activity__in=activities_in(scope).values("pk"))


def service_records_in(scope: Scope) -> QuerySet[ServiceRecord]:
    lo, hi = bounds(scope.start, scope.end)
    qs = ServiceRecord.objects.filter(status=ServiceRecord.Status.CONFIRMED, shift__activity__district=scope.district,
                                      shift__start__gte=lo, shift__start__lt=hi)
    if scope.organization:
        qs = qs.filter(shift__activity__primary_host=scope.organization)
    if scope.street:
        qs = qs.filter(shift__activity__street=scope.street)
    return qs


def assignments_in(scope: Scope) -> QuerySet[Assignment]:
    qs = Assignment.objects.filter(item__district=scope.district, due_date__gte=scope.start, due_date__lte=scope.end)
    if scope.organization:
        qs = qs.filter(organization=scope.organization)
    return qs


# --- charts --------------------------------------------------------------------------------------

def residents_chart(scope: Scope) -> dict:
    """New registrations per month, the running total and month-on-month growth."""
    labels = _month_labels(scope)
    lo, hi = bounds(scope.start, scope.end)
    base = residents_in(scope)
    before = base.filter(date_joined__lt=lo).count()
    per = {_month_key(r["m"]): r["n"] for r in base.filter(date_joined__gte=lo, date_joined__lt=hi)
           .annotate(m=TruncMonth("date_joined")).values("m").annotate(n=Count("id")).order_by()}
    new = [per.get(m, 0) for m in labels]
    total, running, growth = [], before, []
    for n in new:
        prev = running
        running += n
        total.append(running)
        growth.append(round(n / prev, 4) if prev else None)
    return {"categories": labels, "new": new, "total": total, "growth": growth, "before": before,
            "drill": [{**scope.base_params(), "kind": "residents", "month": m} for m in labels]}


def cases_by_state_chart(scope: Scope) -> dict:
    counts = dict(cases_in(scope).values("status").annotate(n=Count("id")).values_list("status", "n").order_by())
    items = [{"name": label, "value": counts.get(value, 0), "drill": {**scope.base_params(), "kind": "cases",
                                                                        "status": value}}
             for value, label in CaseStatus.choices]
    return {"items": items, "total": sum(i["value"] for i in items)}


def cases_by_org_chart(scope: Scope) -> dict:
    rows = list(cases_in(scope).values("handling_org_id", "handling_org__name").annotate(
        n=Count("id"), open=Count("id", filter=Q(status__in=[CaseStatus.PENDING, CaseStatus.TRANSFERRING,
                                                             CaseStatus.IN_PROGRESS,
                                                             CaseStatus.AWAITING_MATERIAL]))
    ).order_by("-n", "handling_org_id"))
    return {"categories": [r["handling_org__name"] or "未指定" for r in rows],
            "total": [r["n"] for r in rows], "open": [r["open"] for r in rows],
            "drill": [{**scope.base_params(), "kind": "cases", "org": r["handling_org_id"] or ""} for r in rows]}


def three_rates_trend(scope: Scope) -> dict:
    """Monthly 响应率 (first contact in time over received), 解决率 and 满意率 (over ratings given
    in the month on the scope's cases). Two grouped queries."""
    labels = _month_labels(scope)
    lo, hi = bounds(scope.start, scope.end)
    received = Case.objects.filter(district=scope.district, received_at__gte=lo, received_at__lt=hi)
    if scope.organization:
        received = received.filter(first_inquirer_org=scope.organization)
    if scope.street:
        received = received.filter(community__parent=scope.street)
    resp = {_month_key(r["m"]): r for r in received.annotate(m=TruncMonth("received_at")).values("m").annotate(
        n=Count("id"), ok=Count("id", filter=Q(contacted_at__isnull=False,
                                              contacted_at__lte=F("first_contact_due_at")))).order_by()}
    ratings = Rating.objects.filter(case__district=scope.district, rated_at__gte=lo, rated_at__lt=hi)
    if scope.organization:
        ratings = ratings.filter(case__handling_org=scope.organization)
    if scope.street:
        ratings = ratings.filter(case__community__parent=scope.street)
    rat = {_month_key(r["m"]): r for r in ratings.annotate(m=TruncMonth("rated_at")).values("m").annotate(
        n=Count("id"), solved=Count("id", filter=Q(solved=True)),
        sat=Count("id", filter=Q(level__in=[Rating.Level.SATISFIED, Rating.Level.BASIC]))).order_by()}

    def pct(part, whole):
        return round(part * 100 / whole, 1) if whole else None

    return {"categories": labels,
            "response": [pct(resp.get(m, {}).get("ok", 0), resp.get(m, {}).get("n", 0)) for m in labels],
            "resolution": [pct(rat.get(m, {}).get("solved", 0), rat.get(m, {}).get("n", 0)) for m in labels],
            "satisfaction": [pct(rat.get(m, {}).get("sat", 0), rat.get(m, {}).get("n", 0)) for m in labels],
            "drill": [{**scope.base_params(), "kind": "cases", "month": m} for m in labels]}


def overdue_chart(scope: Scope) -> dict:
    """Open cases past their deadline (yellow) and a working day late (red) per handling organization."""
    today = timezone.localdate()
    qs = Case.objects.filter(district=scope.district).filter(overdue_q(today, "yellow"))
    if scope.organization:
        qs = qs.filter(handling_org=scope.organization)
    if scope.street:
        qs = qs.filter(community__parent=scope.street)
    rows = list(qs.values("handling_org_id", "handling_org__name").annotate(
        yellow=Count("id"), red=Count("id", filter=Q(red_flag_after__lt=today))).order_by("-yellow",
                                                                                       "handling_org_id"))
    return {"categories": [r["handling_org__name"] or "未指定" for r in rows],
            "overdue": [r["yellow"] for r in rows], "red": [r["red"] for r in rows],
            "drill": [{**scope.base_params(), "kind": "overdue", "org": r["handling_org_id"] or ""} for r in rows]}


def activities_chart(scope: Scope) -> dict:
    labels = _month_labels(scope)
    acts = {_month_key(r["m"]): r["n"] for r in activities_in(scope).annotate(m=TruncMonth("start")).values("m")
            .annotate(n=Count("id")).order_by()}
    times = {_month_key(r["m"]): r["n"] for r in checkins_in(scope).annotate(m=TruncMonth("activity__start"))
             .values("m").annotate(n=Count("id")).order_by()}
    by_org = list(activities_in(scope).values("primary_host_id", "primary_host__name")
                  .annotate(n=Count("id")).order_by("-n", "primary_host_id"))
    org_times = dict(checkins_in(scope).values("activity__primary_host_id").annotate(n=Count("id"))
                     .values_list("activity__primary_host_id", "n").order_by())
    return {"categories": labels, "activities": [acts.get(m, 0) for m in labels],
            "person_times": [times.get(m, 0) for m in labels],
            "drill": [{**scope.base_params(), "kind": "activities", "month": m} for m in labels],
            "orgs": [r["primary_host__name"] for r in by_org], "org_activities": [r["n"] for r in by_org],
            "org_person_times": [org_times.get(r["primary_host_id"], 0) for r in by_org],
            "org_drill": [{**scope.base_params(), "kind": "activities", "org": r["primary_host_id"]} for r in by_org]}


def volunteer_hours_chart(scope: Scope) -> dict:
    labels = _month_labels(scope)
    per = {_month_key(r["m"]): r["mins"] for r in service_records_in(scope).annotate(m=TruncMonth("shift__start"))
           .values("m").annotate(mins=Sum("minutes")).order_by()}
    return {"categories": labels, "hours": [round((per.get(m) or 0) / 60, 1) for m in labels],
            "drill": [{**scope.base_params(), "kind": "service_records", "month": m} for m in labels]}


def supervision_chart(scope: Scope) -> dict:
    orgs = list(Organization.objects.filter(district=scope.district, is_active=True).order_by("id"))
    if scope.organization:
        orgs = [scope.organization]
    stats = supervision_stats([o.pk for o in orgs], scope.start, scope.end)
    shown = [o for o in orgs if stats[o.pk]["assignments"]]
    return {"categories": [o.name for o in shown],
            "on_time": [stats[o.pk]["on_time"] for o in shown],
            "late_done": [stats[o.pk]["done"] - stats[o.pk]["on_time"] for o in shown],
            "in_progress": [stats[o.pk]["assignments"] - stats[o.pk]["done"] for o in shown],
            "overdue": [stats[o.pk]["overdue"] for o in shown],
            "drill": [{**scope.base_params(), "kind": "assignments", "org": o.pk} for o in shown]}


def ranking_chart(scope: Scope, year: int, visible_org_ids: set[int] | None = None) -> dict:
    rows = assessment_results(scope.district, year)
    if visible_org_ids is not None:
        rows = [r for r in rows if r["target_id"] in visible_org_ids]
    return {"year": year, "categories": [r["name"] for r in rows],
            "totals": [r["total"] for r in rows], "vetoed": [r["vetoed"] for r in rows],
            "ranks": [r["rank"] for r in rows],
            "links": [f"/assessment/results/{year}/?district={scope.district.pk}#org-{r['target_id']}" for r in rows]}


CHARTS = {
    "residents": residents_chart,
    "cases_by_state": cases_by_state_chart,
    "cases_by_org": cases_by_org_chart,
    "three_rates": three_rates_trend,
    "overdue": overdue_chart,
    "activities": activities_chart,
    "volunteer_hours": volunteer_hours_chart,
    "supervision": supervision_chart,
}
