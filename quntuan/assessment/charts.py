"""Dashboard data: each function returns one chart's data (categories, series) plus, for every
point, the filter that opens the records behind it (``drill``: query parameters for the
records page). District, organization and street levels through ``Scope``; all grouped queries.

The case, rating and resident charts read the rollups (quntuan/assessment/rollups.py: exact,
kept by triggers in the same transaction as every change); the others group the source rows.
Cases merged into another case (a repeat report of the same matter) are never counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from quntuan.accounts.models import Role, User
from quntuan.activities.models import Activity, ActivityStatus, CheckIn
from quntuan.assessment import rollups
from quntuan.assessment.models import Assignment, Indicator
from quntuan.assessment.queries import PLAN_OUTCOME_FIELDS, assessment_results, bounds, supervision_stats
from quntuan.cases.models import Case, CaseStatus
from quntuan.organizations.models import Organization, Region
from quntuan.programs.models import Plan
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
    """The scope's cases received in the range, merged repeat reports left out."""
    lo, hi = bounds(scope.start, scope.end)
    qs = rollups.counted_cases().filter(district=scope.district, received_at__gte=lo, received_at__lt=hi)
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


def plans_in(scope: Scope) -> QuerySet[Plan]:
    """Work plans (not drafts) of the district running during the range (start ≤ range end and
    end ≥ range start), so a plan for the whole year shows from January on; a street's are those
    of its communities. (The yearly indicator and the work report count plans ending in the year.)"""
    qs = Plan.objects.filter(district=scope.district, start_date__lte=scope.end, end_date__gte=scope.start
                             ).exclude(status=Plan.Status.DRAFT)
    if scope.organization:
        qs = qs.filter(organization=scope.organization)
    if scope.street:
        qs = qs.filter(community__parent=scope.street)
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
    street_id = scope.street.pk if scope.street else None
    before = rollups.residents_before(day=scope.start, district_id=scope.district.pk, street_id=street_id)
    per = {f"{k[0]:%Y-%m}": v["n"] for k, v in rollups.residents(
        start=scope.start, end=scope.end, district_id=scope.district.pk, street_id=street_id).items()}
    new = [per.get(m, 0) for m in labels]
    total, running, growth = [], before, []
    for n in new:
        prev = running
        running += n
        total.append(running)
        growth.append(round(n / prev, 4) if prev else None)
    return {"categories": labels, "new": new, "total": total, "growth": growth, "before": before,
            "drill": [{**scope.base_params(), "kind": "residents", "month": m} for m in labels]}


def _case_filters(scope: Scope, org: str = "handling") -> dict:
    return {"district_id": scope.district.pk, "street_id": scope.street.pk if scope.street else None,
            "org": org if scope.organization else None,
            "org_ids": [scope.organization.pk] if scope.organization else None}


def cases_by_state_chart(scope: Scope) -> dict:
    got = rollups.case_received(start=scope.start, end=scope.end, group=("status",), **_case_filters(scope))
    counts = {k[0]: v["received"] for k, v in got.items()}
    items = [{"name": label, "value": counts.get(value, 0), "drill": {**scope.base_params(), "kind": "cases",
                                                                        "status": value}}
             for value, label in CaseStatus.choices if value != CaseStatus.MERGED]
    return {"items": items, "total": sum(i["value"] for i in items)}


OPEN = {CaseStatus.PENDING, CaseStatus.TRANSFERRING, CaseStatus.IN_PROGRESS, CaseStatus.AWAITING_MATERIAL}


def _org_names(ids) -> dict[int, str]:
    return dict(Organization.objects.filter(pk__in=[i for i in ids if i]).values_list("pk", "name"))


def cases_by_org_chart(scope: Scope) -> dict:
    got = rollups.case_received(start=scope.start, end=scope.end, group=("handling_org_id", "status"),
                                **_case_filters(scope))
    per: dict = {}
    for (org_id, status), v in got.items():
        acc = per.setdefault(org_id, {"n": 0, "open": 0})
        acc["n"] += v["received"]
        if status in OPEN:
            acc["open"] += v["received"]
    rows = sorted(((org_id, acc) for org_id, acc in per.items() if acc["n"]),
                  key=lambda r: (-r[1]["n"], r[0] or 0))
    names = _org_names(per)
    return {"categories": [names.get(org_id) or "未指定" for org_id, _acc in rows],
            "total": [acc["n"] for _o, acc in rows], "open": [acc["open"] for _o, acc in rows],
            "drill": [{**scope.base_params(), "kind": "cases", "org": org_id or ""} for org_id, _acc in rows]}


def three_rates_trend(scope: Scope) -> dict:
    """Monthly 响应率 (first contact in time over cases received; for an organization, those it
    received as first inquirer), 解决率 and 满意率 (over the ratings given in the month; for an
    organization, those its RATED events name: it was handling the case when rated)."""
    labels = _month_labels(scope)
    resp = {f"{k[0]:%Y-%m}": v for k, v in rollups.case_received(
        start=scope.start, end=scope.end, group=("month",), **_case_filters(scope, "first_inquirer")).items()}
    rat = {f"{k[0]:%Y-%m}": v for k, v in rollups.ratings(
        start=scope.start, end=scope.end, group=("month",), district_id=scope.district.pk,
        street_id=scope.street.pk if scope.street else None,
        org_ids=[scope.organization.pk] if scope.organization else None).items()}

    def pct(part, whole):
        return round(part * 100 / whole, 1) if whole else None

    return {"categories": labels,
            "response": [pct(resp.get(m, {}).get("contacted_ok", 0), resp.get(m, {}).get("received", 0))
                         for m in labels],
            "resolution": [pct(rat.get(m, {}).get("solved", 0), rat.get(m, {}).get("rated", 0)) for m in labels],
            "satisfaction": [pct(rat.get(m, {}).get("satisfied", 0), rat.get(m, {}).get("rated", 0)) for m in labels],
            "drill": [{**scope.base_params(), "kind": "cases", "month": m} for m in labels]}


def overdue_chart(scope: Scope) -> dict:
    """Running cases past their deadline (yellow) and a working day late (red) per handling organization."""
    got = rollups.overdue(today=timezone.localdate(), district_id=scope.district.pk,
                          street_id=scope.street.pk if scope.street else None,
                          org_ids=[scope.organization.pk] if scope.organization else None)
    rows = sorted(got.items(), key=lambda r: (-r[1]["yellow"], r[0] or 0))
    names = _org_names(got)
    return {"categories": [names.get(org_id) or "未指定" for org_id, _v in rows],
            "overdue": [v["yellow"] for _o, v in rows], "red": [v["red"] for _o, v in rows],
            "drill": [{**scope.base_params(), "kind": "overdue", "org": org_id or ""} for org_id, _v in rows]}


def _activity_filters(scope: Scope) -> dict:
    return {"district_id": scope.district.pk, "street_id": scope.street.pk if scope.street else None,
            "host_ids": [scope.organization.pk] if scope.organization else None}


def activities_chart(scope: Scope) -> dict:
    labels = _month_labels(scope)
    per_month = {f"{k[0]:%Y-%m}": v for k, v in rollups.activities(
        start=scope.start, end=scope.end, group=("month",), **_activity_filters(scope)).items()}
    by_org = rollups.activities(start=scope.start, end=scope.end, group=("host_id",), **_activity_filters(scope))
    rows = sorted(((k[0], v) for k, v in by_org.items() if v.get("activities")),
                  key=lambda r: (-r[1]["activities"], r[0]))
    names = _org_names([h for h, _v in rows])
    return {"categories": labels, "activities": [per_month.get(m, {}).get("activities", 0) for m in labels],
            "person_times": [per_month.get(m, {}).get("checkins", 0) for m in labels],
            "drill": [{**scope.base_params(), "kind": "activities", "month": m} for m in labels],
            "orgs": [names.get(h, "") for h, _v in rows], "org_activities": [v["activities"] for _h, v in rows],
            "org_person_times": [v.get("checkins", 0) for _h, v in rows],
            "org_drill": [{**scope.base_params(), "kind": "activities", "org": h} for h, _v in rows]}


def volunteer_hours_chart(scope: Scope) -> dict:
    labels = _month_labels(scope)
    per = {f"{k[0]:%Y-%m}": v["minutes"] for k, v in rollups.volunteer_minutes(
        start=scope.start, end=scope.end, group=("month",), **_activity_filters(scope)).items()}
    return {"categories": labels, "hours": [round((per.get(m) or 0) / 60, 1) for m in labels],
            "drill": [{**scope.base_params(), "kind": "service_records", "month": m} for m in labels]}


PLAN_OUTCOME_LABELS = {f: str(Plan._meta.get_field(f).verbose_name) for f in PLAN_OUTCOME_FIELDS}


def plan_outcomes_chart(scope: Scope) -> dict:
    """The five outcomes of the work plans running in the range, per organization (one grouped
    query); each bar opens that organization's plans."""
    rows = list(plans_in(scope).values("organization_id", "organization__name").annotate(
        plans=Count("id"), **{f: Sum(f) for f in PLAN_OUTCOME_FIELDS}).order_by("organization_id"))
    return {"categories": [r["organization__name"] for r in rows],
            "plans": [r["plans"] for r in rows],
            "series": [{"key": f, "name": PLAN_OUTCOME_LABELS[f], "data": [r[f] or 0 for r in rows]}
                       for f in PLAN_OUTCOME_FIELDS],
            "totals": {f: sum(r[f] or 0 for r in rows) for f in PLAN_OUTCOME_FIELDS},
            "drill": [{**scope.base_params(), "kind": "plans", "org": r["organization_id"]} for r in rows]}


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
    """The year's assessment ranking: of the organizations, or at street level of the streets
    (by their workstations' indicators), the chosen street marked."""
    streets = scope.street is not None and visible_org_ids is None
    target = Indicator.Scope.STREET if streets else Indicator.Scope.ORGANIZATION
    rows = assessment_results(scope.district, year, target)
    if visible_org_ids is not None:
        rows = [r for r in rows if r["target_id"] in visible_org_ids]
    suffix = "&scope=street" if streets else ""
    return {"year": year, "target": target, "categories": [r["name"] for r in rows],
            "totals": [r["total"] for r in rows], "vetoed": [r["vetoed"] for r in rows],
            "ranks": [r["rank"] for r in rows],
            "selected": [bool(streets and r["target_id"] == scope.street.pk) for r in rows],
            "links": [f"/assessment/results/{year}/?district={scope.district.pk}{suffix}#org-{r['target_id']}"
                      for r in rows]}


CHARTS = {
    "residents": residents_chart,
    "cases_by_state": cases_by_state_chart,
    "cases_by_org": cases_by_org_chart,
    "three_rates": three_rates_trend,
    "overdue": overdue_chart,
    "activities": activities_chart,
    "volunteer_hours": volunteer_hours_chart,
    "supervision": supervision_chart,
    "plan_outcomes": plan_outcomes_chart,
}
