"""Reading ledgers, supervision and the yearly assessment. Stable names for other apps (reports):

Ledgers (``organization_ids`` is any iterable of ids; dates are local dates, ranges inclusive):
- ``staffing_by_org(organization_ids) -> dict[int, dict]``: {established_authorized,
  established_filled, leadership_authorized, leadership_filled} from Post rows.
- ``cadres_serving(organization_ids, on: date) -> dict[int, dict]``: {full_time, part_time,
  seconded, total} cadres whose period covers ``on``.
- ``budget_growth(organization_ids, year) -> dict[int, dict]``: {amount, previous, growth}
  (Decimal amounts; growth a float ratio such as 0.125 for +12.5 %, None without a previous year).
- ``budget_total(organization_ids, year) -> dict``: the same, summed over the organizations.
- ``office_space_by_org(organization_ids) -> dict[int, dict]``: {area, rooms, places}.
- ``coverage_by_street(district) -> list[dict]``: per street {street_id, street, communities,
  workstations, coverage}; ``coverage_district(district) -> dict`` the district total.
- ``media_reports(district, start, end, organization_ids=None) -> QuerySet[MediaReport]`` and
  ``media_by_level(...) -> dict`` {city, provincial, national, total}.
- ``cadre_trainings(district, start, end, organization_ids=None) -> QuerySet[CadreTraining]`` and
  ``cadre_training_totals(...) -> dict`` {trainings, trainees}.

Platform figures per organization over [start, end] (activities, person-times and volunteer
hours from the rollups of quntuan/assessment/rollups.py; plans one grouped query):
- ``activities_by_org(organization_ids, start, end) -> dict[int, int]`` published activities
  hosted (primary host) that started in the period.
- ``person_times_by_org(organization_ids, start, end) -> dict[int, int]`` check-ins at them.
- ``volunteer_hours_by_org(organization_ids, start, end) -> dict[int, float]`` confirmed service
  hours on shifts of their activities.
- ``plan_outcomes_by_org(organization_ids, start, end) -> dict[int, dict]``: {plans, trained,
  reemployed, businesses_started, jobs_created, people_served, total} summed over the
  organizations' work plans (programs.Plan, not drafts) that end in the period; ``total`` is the
  sum of the five outcomes, the value of the PLAN_OUTCOMES indicator.

Supervision:
- ``supervision_stats(organization_ids, start, end, today=None) -> dict[int, dict]``:
  {assignments, done, on_time, overdue, on_time_rate} over assignments due in the period.
- ``dispatch_board(district, month: date) -> list[dict]``: one row per assignment open in or
  due by the month, with that month's report.

Assessment:
- ``three_rates_by_org(organization_ids, start, end) -> dict[int, dict]``: org_three_rates's
  figures {response_rate, resolution_rate, satisfaction_rate, score} and their counts {received,
  contacted_ok, rated, solved, satisfied} for many organizations at once, from the rollups
  (merged cases left out; a rating counts for the organization its RATED event names).
- ``assessment_results(district, year, scope="organization") -> list[dict]``: ranked rows
  {target_id, name, indicators: [{indicator_id, name, weight, value, score, source}], total,
  vetoed, veto_reasons, rank}; total None when no indicator; vetoed rows rank last with total 0.
- ``indicator_records(indicator, target_id, ...)``: the records behind one computed number.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from quntuan.activities.models import Activity, ActivityStatus, CheckIn
from quntuan.assessment.models import (
    Assignment,
    Budget,
    Cadre,
    CadreTraining,
    Indicator,
    ManualScore,
    MediaReport,
    OfficeSpace,
    Post,
    ProgressReport,
    Source,
    VetoFlag,
)
from quntuan.assessment.rollups import counted_cases
from quntuan.cases.models import Case
from quntuan.organizations.models import Organization, Region, Workstation
from quntuan.programs.models import Plan
from quntuan.volunteers.models import ServiceRecord

PLAN_OUTCOME_FIELDS = ("trained", "reemployed", "businesses_started", "jobs_created", "people_served")


def bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """Aware datetimes [start 00:00, end+1 00:00) in the site's time zone."""
    tz = timezone.get_default_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), tz),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz))


def year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _ratio(part, whole) -> float | None:
    return round(part / whole, 4) if whole else None


# --- ledgers -------------------------------------------------------------------------------------

def staffing_by_org(organization_ids) -> dict[int, dict]:
    ids = list(organization_ids)
    out = {i: {"established_authorized": 0, "established_filled": 0,
               "leadership_authorized": 0, "leadership_filled": 0} for i in ids}
    rows = (Post.objects.filter(organization_id__in=ids).values("organization_id", "kind")
            .annotate(a=Sum("authorized"), f=Sum("filled")).order_by())
    for r in rows:
        prefix = "established" if r["kind"] == Post.Kind.ESTABLISHED else "leadership"
        out[r["organization_id"]][f"{prefix}_authorized"] = r["a"] or 0
        out[r["organization_id"]][f"{prefix}_filled"] = r["f"] or 0
    return out


def cadres_serving_qs(organization_ids, on: date) -> QuerySet[Cadre]:
    return Cadre.objects.filter(Q(end__isnull=True) | Q(end__gte=on), organization_id__in=list(organization_ids),
                                start__lte=on)


def cadres_serving(organization_ids, on: date) -> dict[int, dict]:
    ids = list(organization_ids)
    out = {i: {"full_time": 0, "part_time": 0, "seconded": 0, "total": 0} for i in ids}
    for r in cadres_serving_qs(ids, on).values("organization_id", "kind").annotate(n=Count("id")).order_by():
        out[r["organization_id"]][r["kind"]] = r["n"]
        out[r["organization_id"]]["total"] += r["n"]
    return out


def _growth(amount, previous) -> float | None:
    if amount is None or not previous:
        return None
    return round(float((amount - previous) / previous), 4)


def budget_growth(organization_ids, year: int) -> dict[int, dict]:
    ids = list(organization_ids)
    amounts = {(b.organization_id, b.year): b.amount
               for b in Budget.objects.filter(organization_id__in=ids, year__in=[year, year - 1])}
    out = {}
    for i in ids:
        amount, previous = amounts.get((i, year)), amounts.get((i, year - 1))
        out[i] = {"amount": amount, "previous": previous, "growth": _growth(amount, previous)}
    return out


def budget_total(organization_ids, year: int) -> dict:
    ids = list(organization_ids)
    sums = dict(Budget.objects.filter(organization_id__in=ids, year__in=[year, year - 1])
                .values("year").annotate(s=Sum("amount")).values_list("year", "s"))
    amount, previous = sums.get(year), sums.get(year - 1)
    return {"amount": amount or Decimal("0"), "previous": previous, "growth": _growth(amount, previous)}


def office_space_by_org(organization_ids) -> dict[int, dict]:
    ids = list(organization_ids)
    out = {i: {"area": Decimal("0"), "rooms": 0, "places": 0} for i in ids}
    for r in (OfficeSpace.objects.filter(organization_id__in=ids).values("organization_id")
              .annotate(area=Sum("area"), rooms=Sum("rooms"), places=Count("id")).order_by()):
        out[r["organization_id"]] = {"area": r["area"], "rooms": r["rooms"], "places": r["places"]}
    return out


def coverage_by_street(district: Region) -> list[dict]:
    """Communities and workstations per street of ``district`` (two grouped queries)."""
    streets = list(Region.objects.filter(district=district, level=Region.Level.STREET).order_by("code"))
    communities = dict(Region.objects.filter(district=district, level=Region.Level.COMMUNITY)
                       .values("parent_id").annotate(n=Count("id")).values_list("parent_id", "n").order_by())
    stations = dict(Workstation.objects.filter(community__district=district)
                    .values("community__parent_id").annotate(n=Count("id"))
                    .values_list("community__parent_id", "n").order_by())
    return [{"street_id": s.pk, "street": s.name, "communities": communities.get(s.pk, 0),
             "workstations": stations.get(s.pk, 0),
             "coverage": _ratio(stations.get(s.pk, 0), communities.get(s.pk, 0))} for s in streets]


def coverage_district(district: Region) -> dict:
    rows = coverage_by_street(district)
    c = sum(r["communities"] for r in rows)
    w = sum(r["workstations"] for r in rows)
    return {"communities": c, "workstations": w, "coverage": _ratio(w, c)}


def media_reports(district: Region, start: date, end: date, organization_ids=None) -> QuerySet[MediaReport]:
    qs = MediaReport.objects.filter(district=district, published_on__gte=start, published_on__lte=end)
    if organization_ids is not None:
        qs = qs.filter(organization_id__in=list(organization_ids))
    return qs.select_related("organization")


def media_by_level(district: Region, start: date, end: date, organization_ids=None) -> dict:
    counts = dict(media_reports(district, start, end, organization_ids).values("level")
                  .annotate(n=Count("id")).values_list("level", "n").order_by())
    out = {level: counts.get(level, 0) for level in MediaReport.Level.values}
    out["total"] = sum(out.values())
    return out


def cadre_trainings(district: Region, start: date, end: date, organization_ids=None) -> QuerySet[CadreTraining]:
    qs = CadreTraining.objects.filter(district=district, start__gte=start, start__lte=end)
    if organization_ids is not None:
        qs = qs.filter(organization_id__in=list(organization_ids))
    return qs.select_related("organization")


def cadre_training_totals(district: Region, start: date, end: date, organization_ids=None) -> dict:
    agg = cadre_trainings(district, start, end, organization_ids).aggregate(trainings=Count("id"),
                                                                           trainees=Sum("trainees"))
    return {"trainings": agg["trainings"], "trainees": agg["trainees"] or 0}


# --- platform figures ----------------------------------------------------------------------------

def activities_qs(organization_ids, start: date, end: date) -> QuerySet[Activity]:
    lo, hi = bounds(start, end)
    return Activity.objects.filter(primary_host_id__in=list(organization_ids), status=ActivityStatus.PUBLISHED,
                                   start__gte=lo, start__lt=hi)


def activities_by_org(organization_ids, start: date, end: date) -> dict[int, int]:
    from quntuan.assessment import rollups

    ids = list(organization_ids)
    got = rollups.activities(start=start, end=end, group=("host_id",), host_ids=ids)
    return {i: got.get((i,), {}).get("activities", 0) for i in ids}


def checkins_qs(organization_ids, start: date, end: date) -> QuerySet[CheckIn]:
    lo, hi = bounds(start, end)
    return CheckIn.objects.filter(activity__primary_host_id__in=list(organization_ids),
                                  activity__status=ActivityStatus.PUBLISHED,
                                  activity__start__gte=lo, activity__start__lt=hi)


def person_times_by_org(organization_ids, start: date, end: date) -> dict[int, int]:
    from quntuan.assessment import rollups

    ids = list(organization_ids)
    got = rollups.activities(start=start, end=end, group=("host_id",), host_ids=ids)
    return {i: got.get((i,), {}).get("checkins", 0) for i in ids}


def service_records_qs(organization_ids, start: date, end: date) -> QuerySet[ServiceRecord]:
    lo, hi = bounds(start, end)
    return ServiceRecord.objects.filter(shift__activity__primary_host_id__in=list(organization_ids),
                                        status=ServiceRecord.Status.CONFIRMED,
                                        shift__start__gte=lo, shift__start__lt=hi)


def volunteer_hours_by_org(organization_ids, start: date, end: date) -> dict[int, float]:
    from quntuan.assessment import rollups

    ids = list(organization_ids)
    got = rollups.volunteer_minutes(start=start, end=end, group=("host_id",), host_ids=ids)
    return {i: round(got.get((i,), {}).get("minutes", 0) / 60, 1) for i in ids}


def plans_qs(organization_ids, start: date, end: date, completed_before: date | None = None) -> QuerySet[Plan]:
    """Work plans (published or closed, not drafts) of the organizations ending in [start, end].
    With ``completed_before``, only the plans done by that day: closed, or ended before it."""
    qs = Plan.objects.filter(organization_id__in=list(organization_ids), end_date__gte=start,
                             end_date__lte=end).exclude(status=Plan.Status.DRAFT)
    if completed_before is not None:
        qs = qs.filter(Q(status=Plan.Status.CLOSED) | Q(end_date__lt=completed_before))
    return qs


def plan_outcomes_by_org(organization_ids, start: date, end: date,
                         completed_before: date | None = None) -> dict[int, dict]:
    ids = list(organization_ids)
    empty = {"plans": 0, **{f: 0 for f in PLAN_OUTCOME_FIELDS}, "total": 0}
    out = {i: dict(empty) for i in ids}
    rows = (plans_qs(ids, start, end, completed_before).values("organization_id")
            .annotate(plans=Count("id"), **{f: Sum(f) for f in PLAN_OUTCOME_FIELDS}).order_by())
    for r in rows:
        rec = {"plans": r["plans"], **{f: r[f] or 0 for f in PLAN_OUTCOME_FIELDS}}
        rec["total"] = sum(rec[f] for f in PLAN_OUTCOME_FIELDS)
        out[r["organization_id"]] = rec
    return out


# --- supervision ---------------------------------------------------------------------------------

def assignments_due(organization_ids, start: date, end: date) -> QuerySet[Assignment]:
    return Assignment.objects.filter(organization_id__in=list(organization_ids), due_date__gte=start,
                                     due_date__lte=end).select_related("item", "organization")


def overdue_q(today: date) -> Q:
    return (Q(status=Assignment.Status.IN_PROGRESS, due_date__lt=today)
            | Q(status=Assignment.Status.DONE, completed_on__gt=F("due_date")))


def supervision_stats(organization_ids, start: date, end: date, today: date | None = None) -> dict[int, dict]:
    today = today or timezone.localdate()
    ids = list(organization_ids)
    out = {i: {"assignments": 0, "done": 0, "on_time": 0, "overdue": 0, "on_time_rate": None} for i in ids}
    rows = (assignments_due(ids, start, end).values("organization_id").annotate(
        assignments=Count("id"),
        done=Count("id", filter=Q(status=Assignment.Status.DONE)),
        on_time=Count("id", filter=Q(status=Assignment.Status.DONE, completed_on__lte=F("due_date"))),
        overdue=Count("id", filter=overdue_q(today)),
    ).order_by())
    for r in rows:
        r = dict(r)
        org = r.pop("organization_id")
        r["on_time_rate"] = _ratio(r["on_time"], r["assignments"])
        out[org] = r
    return out


def month_start(d: date) -> date:
    return d.replace(day=1)


def next_month(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1)


def dispatch_board(district: Region, month: date, today: date | None = None) -> list[dict]:
    """Every assignment of the district that was open during ``month`` (created by its end and
    not completed before its first day), with that month's progress report (or None). Status as
    of the month's end (or today, for the current month): ``done`` and ``overdue``."""
    today = today or timezone.localdate()
    first = month_start(month)
    last = next_month(first) - timedelta(days=1)
    ref = min(today, last)
    qs = (Assignment.objects.filter(item__district=district, item__created_at__lt=bounds(last, last)[1])
          .exclude(completed_on__lt=first)
          .select_related("item", "organization").order_by("organization_id", "due_date", "id"))
    rows = list(qs)
    reports = {r.assignment_id: r for r in ProgressReport.objects.filter(assignment__in=[a.pk for a in rows],
                                                                          month=first)
               .prefetch_related("evidence")}
    out = []
    for a in rows:
        done = a.completed_on is not None and a.completed_on <= ref
        overdue = (a.completed_on > a.due_date) if done else (a.due_date < ref)
        out.append({"assignment": a, "report": reports.get(a.pk), "done": done, "overdue": overdue})
    return out


# --- assessment ----------------------------------------------------------------------------------

RATE_SOURCES = {Source.THREE_RATES, Source.RESPONSE_RATE, Source.RESOLUTION_RATE, Source.SATISFACTION_RATE,
                Source.SUPERVISION_ON_TIME, Source.COVERAGE}
STREET_SOURCES = {Source.ACTIVITIES, Source.PERSON_TIMES, Source.COVERAGE, Source.RESOLUTION_RATE, Source.MANUAL}


def score_of(source: str, value, target) -> float | None:
    """Pure: a rate scores rate × 100 (the three-rates score is already out of 100); a count
    scores value / target × 100, capped at 100. None when there is no value."""
    if value is None:
        return None
    if source == Source.THREE_RATES or source == Source.MANUAL:
        return round(float(value), 2)
    if source in RATE_SOURCES:
        return round(float(value) * 100, 2)
    if not target:
        return None
    return round(min(float(value) / float(target), 1.0) * 100, 2)


def format_value(source: str, value) -> str:
    """Pure: how a raw indicator value reads: rates as percentages, the rest as numbers."""
    if value is None:
        return "—"
    if source in RATE_SOURCES and source != Source.THREE_RATES:
        return f"{float(value) * 100:.1f}%"
    if isinstance(value, int):
        return str(value)
    return f"{float(value):g}"


def weighted_total(parts: list[tuple[int, float | None]]) -> float | None:
    """Pure: Σ weight × score / Σ weight over parts with a score; None when none has one. A part
    without a score (no data) counts as 0 so that missing work is not rewarded."""
    if not parts:
        return None
    total_weight = sum(w for w, _s in parts)
    if not total_weight:
        return None
    return round(sum(w * (s or 0) for w, s in parts) / total_weight, 2)


def rank_rows(rows: list[dict]) -> list[dict]:
    """Pure: sort by (not vetoed, total) descending and give competition ranks (1, 2, 2, 4)."""
    rows.sort(key=lambda r: (not r["vetoed"], r["total"] if r["total"] is not None else -1), reverse=True)
    prev_key, prev_rank = None, 0
    for i, r in enumerate(rows, start=1):
        key = (r["vetoed"], r["total"])
        if key != prev_key:
            prev_rank, prev_key = i, key
        r["rank"] = prev_rank
    return rows


def three_rates_by_org(organization_ids, start: date, end: date) -> dict[int, dict]:
    """响应率, 解决率 and 满意率 and the weighted score (as cases.queries.org_three_rates) for many
    organizations at once, from the rollups (quntuan/assessment/rollups.py): cases received as
    first inquirer in the period (merged repeat reports left out) and their first contacts in
    time; ratings given in the period that the organization's RATED events name (each rating
    with the event written with it). Also the counts behind the rates: received, contacted_ok,
    rated, solved, satisfied (满意 and 基本满意)."""
    from quntuan.assessment import rollups
    from quntuan.organizations.models import DistrictRules

    ids = list(organization_ids)
    received = {k[0]: v for k, v in rollups.case_received(start=start, end=end, group=("first_inquirer_org_id",),
                                                           org="first_inquirer", org_ids=ids).items()}
    rated = {k[0]: v for k, v in rollups.ratings(start=start, end=end, group=("organization_id",),
                                                  org_ids=ids).items()}
    orgs = dict(Organization.objects.filter(pk__in=ids).values_list("pk", "district_id"))
    rules = {r.district_id: r for r in DistrictRules.objects.filter(district_id__in=set(orgs.values()))}
    out = {}
    for org_id in ids:
        rec = received.get(org_id, {})
        rat = rated.get(org_id, {})
        counts = {"received": rec.get("received", 0), "contacted_ok": rec.get("contacted_ok", 0),
                  "rated": rat.get("rated", 0), "solved": rat.get("solved", 0), "satisfied": rat.get("satisfied", 0)}
        rates = {"response_rate": _ratio(counts["contacted_ok"], counts["received"]),
                 "resolution_rate": _ratio(counts["solved"], counts["rated"]),
                 "satisfaction_rate": _ratio(counts["satisfied"], counts["rated"])}
        rule = rules.get(orgs.get(org_id)) or DistrictRules()
        weights = {"response_rate": rule.weight_response, "resolution_rate": rule.weight_resolution,
                   "satisfaction_rate": rule.weight_satisfaction}
        used = {k: w for k, w in weights.items() if rates[k] is not None}
        total = sum(used.values())
        score = round(sum(rates[k] * w for k, w in used.items()) * 100 / total, 2) if total else None
        out[org_id] = {**rates, "score": score, **counts}
    return out


def _org_values(source: str, org_ids: list[int], start: date, end: date, district: Region,
                memo: dict | None = None) -> dict[int, object]:
    """One computed indicator's values per organization. ``memo`` shares one computation between
    indicators of the same family (the three rates and their score; activities and person-times)."""
    memo = {} if memo is None else memo

    def once(name, fn):
        if name not in memo:
            memo[name] = fn(org_ids, start, end)
        return memo[name]

    if source in (Source.THREE_RATES, Source.RESPONSE_RATE, Source.RESOLUTION_RATE, Source.SATISFACTION_RATE):
        key = "score" if source == Source.THREE_RATES else str(source)
        return {i: r[key] for i, r in once("three_rates", three_rates_by_org).items()}
    if source in (Source.ACTIVITIES, Source.PERSON_TIMES):
        from quntuan.assessment import rollups

        got = once("activities", lambda ids, s, e: rollups.activities(start=s, end=e, group=("host_id",),
                                                                       host_ids=ids))
        field = "activities" if source == Source.ACTIVITIES else "checkins"
        return {i: got.get((i,), {}).get(field, 0) for i in org_ids}
    if source == Source.VOLUNTEER_HOURS:
        return volunteer_hours_by_org(org_ids, start, end)
    if source == Source.PLAN_OUTCOMES:
        return {i: r["total"] for i, r in plan_outcomes_by_org(org_ids, start, end).items()}
    if source == Source.SUPERVISION_ON_TIME:
        stats = supervision_stats(org_ids, start, end)
        return {i: s["on_time_rate"] for i, s in stats.items()}
    if source == Source.COVERAGE:
        cov = coverage_district(district)["coverage"]
        return {i: cov for i in org_ids}
    return {}


def _street_values(source: str, street_ids: list[int], start: date, end: date, district: Region) -> dict[int, object]:
    lo, hi = bounds(start, end)
    if source == Source.COVERAGE:
        return {r["street_id"]: r["coverage"] for r in coverage_by_street(district)}
    if source in (Source.ACTIVITIES, Source.PERSON_TIMES):
        from quntuan.assessment import rollups

        field = "activities" if source == Source.ACTIVITIES else "checkins"
        got = rollups.activities(start=start, end=end, group=("street_id",), district_id=district.pk)
        return {i: got.get((i,), {}).get(field, 0) for i in street_ids}
    if source == Source.RESOLUTION_RATE:
        # Cases received at the street's workstations in the period: closed over received.
        rows = (counted_cases().filter(workstation__community__parent_id__in=street_ids, received_at__gte=lo,
                                       received_at__lt=hi)
                .values("workstation__community__parent_id")
                .annotate(n=Count("id"), closed=Count("id", filter=Q(status="closed"))).order_by())
        got = {r["workstation__community__parent_id"]: _ratio(r["closed"], r["n"]) for r in rows}
        return {i: got.get(i) for i in street_ids}
    return {}


def vetoes(district: Region, year: int) -> dict[int, list[str]]:
    """Organization id → reasons: flags not withdrawn, and key supervision tasks due in the year
    that are not done on time (unfinished, or finished late)."""
    out: dict[int, list[str]] = defaultdict(list)
    for flag in VetoFlag.objects.filter(district=district, year=year, withdrawn=False):
        out[flag.organization_id].append(f"{flag.get_kind_display()}:{flag.reason}")
    start, end = year_range(year)
    today = timezone.localdate()
    key_late = (Assignment.objects.filter(item__district=district, item__is_key=True, due_date__gte=start,
                                          due_date__lte=end).filter(overdue_q(today))
                .select_related("item"))
    for a in key_late:
        out[a.organization_id].append(f"重点任务未按期完成:{a.item.title}")
    return dict(out)


def assessment_targets(district: Region, scope: str) -> list[tuple[int, str]]:
    if scope == Indicator.Scope.STREET:
        return list(Region.objects.filter(district=district, level=Region.Level.STREET).order_by("code")
                    .values_list("pk", "name"))
    return list(Organization.objects.filter(district=district, is_active=True).order_by("id")
                .values_list("pk", "name"))


def assessment_results(district: Region, year: int, scope: str = Indicator.Scope.ORGANIZATION) -> list[dict]:
    """The ranked yearly assessment of every organization (or street) of the district."""
    indicators = list(Indicator.objects.filter(district=district, year=year, scope=scope))
    targets = assessment_targets(district, scope)
    ids = [t for t, _n in targets]
    start, end = year_range(year)
    manual: dict[tuple[int, int], Decimal] = {}
    target_field = "street_id" if scope == Indicator.Scope.STREET else "organization_id"
    for m in ManualScore.objects.filter(indicator__in=indicators).values("indicator_id", target_field, "score"):
        manual[(m["indicator_id"], m[target_field])] = m["score"]
    values: dict[int, dict] = {}
    memo: dict = {}
    for ind in indicators:
        if ind.source == Source.MANUAL:
            values[ind.pk] = {t: manual.get((ind.pk, t)) for t in ids}
        elif scope == Indicator.Scope.STREET:
            values[ind.pk] = _street_values(ind.source, ids, start, end, district)
        else:
            values[ind.pk] = _org_values(ind.source, ids, start, end, district, memo)
    veto = vetoes(district, year) if scope == Indicator.Scope.ORGANIZATION else {}
    rows = []
    for target_id, name in targets:
        parts = []
        for ind in indicators:
            value = values[ind.pk].get(target_id)
            parts.append({"indicator_id": ind.pk, "name": ind.name, "weight": ind.weight, "source": ind.source,
                          "value": value, "display": format_value(ind.source, value),
                          "score": score_of(ind.source, value, ind.target)})
        total = weighted_total([(p["weight"], p["score"]) for p in parts])
        reasons = veto.get(target_id, [])
        rows.append({"target_id": target_id, "name": name, "indicators": parts,
                     "computed_total": total, "total": 0.0 if reasons else total,
                     "vetoed": bool(reasons), "veto_reasons": reasons,
                     "grade": _("不合格") if reasons else grade_of(total)})
    return rank_rows(rows)


def grade_of(total: float | None) -> str:
    """Pure: 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, else 不合格; "—" without a total."""
    if total is None:
        return "—"
    if total >= 90:
        return _("优秀")
    if total >= 80:
        return _("良好")
    if total >= 60:
        return _("合格")
    return _("不合格")


def indicator_records(indicator: Indicator, target_id: int) -> tuple[str, QuerySet]:
    """(kind, queryset) of the records behind one computed value: "cases", "ratings",
    "activities", "checkins", "service_records", "plans", "assignments", "workstations" or
    "manual"."""

    start, end = year_range(indicator.year)
    lo, hi = bounds(start, end)
    src = indicator.source
    street = indicator.scope == Indicator.Scope.STREET
    if src == Source.MANUAL:
        field = "street_id" if street else "organization_id"
        return "manual", ManualScore.objects.filter(indicator=indicator, **{field: target_id}).order_by("id")
    if src == Source.COVERAGE:
        qs = Workstation.objects.filter(community__district=indicator.district).select_related("community")
        if street:
            qs = qs.filter(community__parent_id=target_id)
        return "workstations", qs.order_by("community__code")
    if street:
        if src == Source.ACTIVITIES:
            return "activities", Activity.objects.filter(street_id=target_id, status=ActivityStatus.PUBLISHED,
                                                         start__gte=lo, start__lt=hi).order_by("start")
        if src == Source.PERSON_TIMES:
            return "checkins", CheckIn.objects.filter(activity__street_id=target_id,
                                                      activity__status=ActivityStatus.PUBLISHED,
                                                      activity__start__gte=lo, activity__start__lt=hi
                                                      ).select_related("activity").order_by("id")
        return "cases", counted_cases().filter(workstation__community__parent_id=target_id, received_at__gte=lo,
                                               received_at__lt=hi).order_by("received_at")
    if src == Source.RESPONSE_RATE:
        return "cases", counted_cases().filter(first_inquirer_org_id=target_id, received_at__gte=lo,
                                               received_at__lt=hi).order_by("received_at")
    if src in (Source.THREE_RATES, Source.RESOLUTION_RATE, Source.SATISFACTION_RATE):
        from quntuan.assessment.rollups import rated_ratings

        return "ratings", rated_ratings(start, end, target_id).select_related("case").order_by("rated_at")
    if src == Source.ACTIVITIES:
        return "activities", activities_qs([target_id], start, end).order_by("start")
    if src == Source.PERSON_TIMES:
        return "checkins", checkins_qs([target_id], start, end).select_related("activity").order_by("id")
    if src == Source.VOLUNTEER_HOURS:
        return "service_records", service_records_qs([target_id], start, end).select_related(
            "volunteer", "shift__activity").order_by("id")
    if src == Source.PLAN_OUTCOMES:
        return "plans", plans_qs([target_id], start, end).select_related("organization").order_by("end_date", "id")
    if src == Source.SUPERVISION_ON_TIME:
        return "assignments", assignments_due([target_id], start, end).order_by("due_date")
    return "none", Case.objects.none()
