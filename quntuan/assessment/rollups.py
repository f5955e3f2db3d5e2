"""Pre-aggregated counts (rollups) for the dashboards, the yearly assessment and the work report.

What is counted (models.CaseMonthStat and its siblings):
* cases not merged, by month received, district, street, handling and first-inquirer
  organization and status, with the first contacts made in time (响应率);
* closed cases by month closed; running cases by deadline and red-flag day (overdue for any day);
* ratings by month rated and the organization the RATED event names (解决率, 满意率);
* resident accounts by month joined, district, street and active flag.

How it stays exact: on PostgreSQL, row triggers on cases_case, cases_caseevent, cases_rating and
accounts_user append signed delta rows to the rollup tables in the same transaction as the change
(-1 for the row's old state, +1 for its new one; updates that touch no counted column do not fire).
Appending never waits on another transaction (no row is updated, so intake under load does not
queue on a hot counter). A read sums the rows of its keys, deltas included, so it sees every
committed change at once. ``compact()`` (a periodic task) folds each key's rows into one;
``rebuild_all()`` recomputes everything from the source tables (after a bulk load that bypassed
the triggers, e.g. the benchmark generator).

Reading a date range: months wholly covered come from the rollup; a partial month at either edge
is either added from the source table (the days inside the range) or taken whole from the rollup
minus the days outside it — whichever covers fewer days (``plan_range``). The source queries
use the same filters, so the sums are exactly those of a query over the source rows. Where the
rollup tables do not exist (SQLite, the default for tests) every figure comes from the source
tables with the same functions: ``enabled()`` decides.

Months are local calendar months (settings.TIME_ZONE at the time the triggers were installed;
a change of time zone needs ``rebuild_all()`` and new triggers).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

RUNNING = ("pending", "transferring", "in_progress")


def enabled() -> bool:
    """True where the triggers maintain the rollups (PostgreSQL), unless switched off by
    ``QUNTUAN_ROLLUPS = False`` in settings."""
    return connection.vendor == "postgresql" and getattr(settings, "QUNTUAN_ROLLUPS", True)


# --- date ranges -----------------------------------------------------------------------------------

def month_start(d: date) -> date:
    return d.replace(day=1)


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def next_month(d: date) -> date:
    return month_end(d) + timedelta(days=1)


def plan_range(start: date, end: date) -> tuple[tuple[date, date] | None, list[tuple[date, date, int]]]:
    """Pure: how to count [start, end] (inclusive local dates): the months (first, last) read
    whole from the rollup (None for none), and day ranges (lo, hi, sign) read from the source
    rows and added (+1) or subtracted (-1). Each edge month is read whichever way covers fewer
    days; a range ending today subtracts the days after it, which hold no rows yet."""
    if end < start:
        return None, []
    first, last = month_start(start), month_start(end)
    if first == last:
        inside = (end - start).days + 1
        outside = (start - first).days + (month_end(end) - end).days
        if inside <= outside:
            return None, [(start, end, 1)]
        segs = []
        if start > first:
            segs.append((first, start - timedelta(days=1), -1))
        if end < month_end(end):
            segs.append((end + timedelta(days=1), month_end(end), -1))
        return (first, first), segs
    segs: list[tuple[date, date, int]] = []
    lo_month, hi_month = first, last
    if start > first:
        before, after = (start - first).days, (month_end(start) - start).days + 1
        if before <= after:
            segs.append((first, start - timedelta(days=1), -1))
        else:
            lo_month = next_month(first)
            segs.append((start, month_end(start), 1))
    if end < month_end(end):
        after, before = (month_end(end) - end).days, (end - last).days + 1
        if after <= before:
            segs.append((end + timedelta(days=1), month_end(end), -1))
        else:
            hi_month = month_start(last - timedelta(days=1))
            segs.append((last, end, 1))
    return ((lo_month, hi_month) if lo_month <= hi_month else None), segs


def _bounds(lo: date, hi: date):
    from quntuan.assessment.queries import bounds

    return bounds(lo, hi)


def _month_of(value) -> date:
    if hasattr(value, "hour"):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return value.replace(day=1)


def _merge(out: dict, key: tuple, values: dict, sign: int) -> None:
    acc = out.setdefault(key, defaultdict(int))
    for k, v in values.items():
        acc[k] += sign * (v or 0)


def _collect(range_plan, rollup_rows, live_rows, group: tuple[str, ...], measures: tuple[str, ...]) -> dict:
    """Sum rollup rows (a callable taking the month range) and live rows (a callable taking a day
    range) into {group key tuple: {measure: value}}."""
    months, segs = range_plan
    out: dict[tuple, dict] = {}
    if months is not None:
        for r in rollup_rows(*months):
            _merge(out, tuple(r[g] for g in group), {m: r[m] for m in measures}, 1)
    for lo, hi, sign in segs:
        for r in live_rows(lo, hi):
            key = tuple(_month_of(r[g]) if g == "month" else r[g] for g in group)
            _merge(out, key, {m: r[m] for m in measures}, sign)
    return {k: dict(v) for k, v in out.items() if any(v.values())}


def _rollup_filter(qs, *, district_id=None, street_id=None, org_field=None, org_ids=None, **extra):
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    if street_id is not None:
        qs = qs.filter(street_id=street_id)
    if org_field and org_ids is not None:
        qs = qs.filter(**{f"{org_field}__in": list(org_ids)})
    return qs.filter(**extra)


# --- cases received --------------------------------------------------------------------------------

CASE_ORG_FIELDS = {"handling": "handling_org_id", "first_inquirer": "first_inquirer_org_id"}


def counted_cases():
    """Cases that count in statistics: a repeat report merged into another case (status merged,
    or ``merged_into`` set) is that case's matter and is left out."""
    from quntuan.cases.models import Case

    return Case.objects.filter(merged_into__isnull=True).exclude(status="merged")


def case_received(*, start: date, end: date, group: tuple[str, ...], district_id: int | None = None,
                  street_id: int | None = None, org: str | None = None, org_ids=None) -> dict[tuple, dict]:
    """Cases received in [start, end], not merged: {group key: {"received", "contacted_ok"}}.
    ``group`` names among "month", "status", "handling_org_id", "first_inquirer_org_id",
    "district_id"; ``org`` ("handling" or "first_inquirer") with ``org_ids`` narrows to those
    organizations."""
    from quntuan.assessment.models import CaseMonthStat

    org_field = CASE_ORG_FIELDS.get(org) if org else None
    if org_ids is not None:
        org_ids = list(org_ids)

    def rollup_rows(lo, hi):
        qs = _rollup_filter(CaseMonthStat.objects.all(), district_id=district_id, street_id=street_id,
                            org_field=org_field, org_ids=org_ids, month__gte=lo, month__lte=hi)
        return qs.values(*group).annotate(received=Sum("received"), contacted_ok=Sum("contacted_ok")).order_by()

    def live_rows(lo, hi):
        a, b = _bounds(lo, hi)
        qs = counted_cases().filter(received_at__gte=a, received_at__lt=b)
        if district_id is not None:
            qs = qs.filter(district_id=district_id)
        if street_id is not None:
            qs = qs.filter(community__parent_id=street_id)
        if org_field and org_ids is not None:
            qs = qs.filter(**{f"{org_field}__in": org_ids})
        names = {g: F("community__parent_id") if g == "street_id" else F(g) for g in group if g != "month"}
        if "month" in group:
            names["month"] = TruncMonth("received_at")
        return qs.annotate(**{f"g_{k}": v for k, v in names.items()}).values(*[f"g_{g}" for g in group]).annotate(
            received=Count("id"),
            contacted_ok=Count("id", filter=Q(contacted_at__isnull=False, contacted_at__lte=F("first_contact_due_at"))),
        ).order_by()

    def live_named(lo, hi):
        for r in live_rows(lo, hi):
            yield {**{g: r[f"g_{g}"] for g in group}, "received": r["received"], "contacted_ok": r["contacted_ok"]}

    plan = plan_range(start, end) if enabled() else (None, [(start, end, 1)])
    return _collect(plan, rollup_rows, live_named, group, ("received", "contacted_ok"))


def case_closed(*, start: date, end: date, group: tuple[str, ...], district_id: int | None = None,
                street_id: int | None = None, org_ids=None) -> dict[tuple, dict]:
    """Cases closed (status closed) with closed_at in [start, end]: {group key: {"closed"}};
    ``org_ids`` narrows to those handling organizations."""
    from quntuan.assessment.models import CaseClosedMonthStat

    if org_ids is not None:
        org_ids = list(org_ids)

    def rollup_rows(lo, hi):
        qs = _rollup_filter(CaseClosedMonthStat.objects.all(), district_id=district_id, street_id=street_id,
                            org_field="handling_org_id", org_ids=org_ids, month__gte=lo, month__lte=hi)
        return qs.values(*group).annotate(closed=Sum("closed")).order_by()

    def live_rows(lo, hi):
        a, b = _bounds(lo, hi)
        qs = counted_cases().filter(status="closed", closed_at__gte=a, closed_at__lt=b)
        if district_id is not None:
            qs = qs.filter(district_id=district_id)
        if street_id is not None:
            qs = qs.filter(community__parent_id=street_id)
        if org_ids is not None:
            qs = qs.filter(handling_org_id__in=org_ids)
        names = {g: F("community__parent_id") if g == "street_id" else F(g) for g in group if g != "month"}
        if "month" in group:
            names["month"] = TruncMonth("closed_at")
        for r in qs.annotate(**{f"g_{k}": v for k, v in names.items()}).values(*[f"g_{g}" for g in group]).annotate(
                closed=Count("id")).order_by():
            yield {**{g: r[f"g_{g}"] for g in group}, "closed": r["closed"]}

    plan = plan_range(start, end) if enabled() else (None, [(start, end, 1)])
    return _collect(plan, rollup_rows, live_rows, group, ("closed",))


# --- ratings ---------------------------------------------------------------------------------------

def rated_event_q(lo: date, hi: date):
    from django.db.models import Exists, OuterRef

    from quntuan.cases.models import CaseEvent, Rating

    a, b = _bounds(lo, hi)
    has_rating = Rating.objects.filter(case_id=OuterRef("case_id"), rated_at=OuterRef("at"))
    return CaseEvent.objects.filter(kind=CaseEvent.Kind.RATED, at__gte=a, at__lt=b).filter(Exists(has_rating))


def rated_ratings(lo: date, hi: date, organization_id: int | None = None):
    """Ratings given in [lo, hi] with a RATED event written with them (same case, the event's
    time = rated_at), of ``organization_id`` if given: the records behind 解决率 and 满意率."""
    from django.db.models import Exists, OuterRef

    from quntuan.cases.models import CaseEvent, Rating

    a, b = _bounds(lo, hi)
    events = CaseEvent.objects.filter(case_id=OuterRef("case_id"), kind=CaseEvent.Kind.RATED, at=OuterRef("rated_at"))
    if organization_id is not None:
        events = events.filter(organization_id=organization_id)
    return Rating.objects.filter(rated_at__gte=a, rated_at__lt=b).filter(Exists(events))


def ratings(*, start: date, end: date, group: tuple[str, ...], district_id: int | None = None,
            street_id: int | None = None, org_ids=None) -> dict[tuple, dict]:
    """Ratings given in [start, end]: {group key: {"rated", "solved", "satisfied"}} (satisfied
    counts 满意 and 基本满意). A rating counts for each organization a RATED event written with
    it names (the one handling the case when it was rated; once however many such events it has).
    ``group`` among "month", "organization_id", "district_id"; filters by the case's district
    and street and by the event's organization."""
    from django.db.models import OuterRef, Subquery

    from quntuan.assessment.models import RatingMonthStat
    from quntuan.cases.models import Rating

    if org_ids is not None:
        org_ids = list(org_ids)

    def rollup_rows(lo, hi):
        qs = _rollup_filter(RatingMonthStat.objects.all(), district_id=district_id, street_id=street_id,
                            org_field="organization_id", org_ids=org_ids, month__gte=lo, month__lte=hi)
        return qs.values(*group).annotate(rated=Sum("rated"), solved=Sum("solved"), satisfied=Sum("satisfied")
                                          ).order_by()

    def live_rows(lo, hi):
        qs = rated_event_q(lo, hi)
        if district_id is not None:
            qs = qs.filter(case__district_id=district_id)
        if street_id is not None:
            qs = qs.filter(case__community__parent_id=street_id)
        if org_ids is not None:
            qs = qs.filter(organization_id__in=org_ids)
        rating = Rating.objects.filter(case_id=OuterRef("case_id"), rated_at=OuterRef("at"))
        pairs = (qs.annotate(r_solved=Subquery(rating.values("solved")[:1]), r_level=Subquery(rating.values("level")[:1]))
                 .values("case_id", "at", "organization_id", "case__district_id", "r_solved", "r_level")
                 .distinct().order_by())
        out: dict[tuple, dict] = {}
        for p in pairs:
            values = {"month": _month_of(p["at"]), "organization_id": p["organization_id"],
                      "district_id": p["case__district_id"]}
            key = tuple(values[g] for g in group)
            acc = out.setdefault(key, {"rated": 0, "solved": 0, "satisfied": 0})
            acc["rated"] += 1
            acc["solved"] += 1 if p["r_solved"] else 0
            acc["satisfied"] += 1 if p["r_level"] in ("satisfied", "basic") else 0
        for key, acc in out.items():
            yield {**dict(zip(group, key, strict=True)), **acc}

    plan = plan_range(start, end) if enabled() else (None, [(start, end, 1)])
    return _collect(plan, rollup_rows, live_rows, group, ("rated", "solved", "satisfied"))


# --- running cases past their deadline ------------------------------------------------------------

def overdue(*, today: date, district_id: int, street_id: int | None = None, org_ids=None) -> dict[int | None, dict]:
    """Running cases (pending, transferring, in progress; not merged) past their deadline
    ("yellow": due_date before today) and a working day late ("red": red_flag_after before today)
    per handling organization."""
    from quntuan.assessment.models import OpenCaseDueStat

    if org_ids is not None:
        org_ids = list(org_ids)
    if enabled():
        qs = _rollup_filter(OpenCaseDueStat.objects.all(), district_id=district_id, street_id=street_id,
                            org_field="handling_org_id", org_ids=org_ids, due_date__lt=today)
        rows = qs.values("handling_org_id").annotate(yellow=Sum("n"), red=Sum("n", filter=Q(red_flag_after__lt=today))
                                                     ).order_by()
    else:
        qs = counted_cases().filter(district_id=district_id, status__in=RUNNING, due_date__lt=today)
        if street_id is not None:
            qs = qs.filter(community__parent_id=street_id)
        if org_ids is not None:
            qs = qs.filter(handling_org_id__in=org_ids)
        rows = qs.values("handling_org_id").annotate(yellow=Count("id"),
                                                     red=Count("id", filter=Q(red_flag_after__lt=today))).order_by()
    return {r["handling_org_id"]: {"yellow": r["yellow"] or 0, "red": r["red"] or 0} for r in rows if r["yellow"]}


# --- residents -------------------------------------------------------------------------------------

def residents(*, start: date, end: date, district_id: int, street_id: int | None = None, group=("month",),
              active_only: bool = False) -> dict[tuple, dict]:
    """Resident accounts of the district (its region) that joined in [start, end]: {key: {"n"}}."""
    from quntuan.accounts.models import Role, User
    from quntuan.assessment.models import ResidentMonthStat

    def rollup_rows(lo, hi):
        qs = _rollup_filter(ResidentMonthStat.objects.all(), district_id=district_id, street_id=street_id,
                            month__gte=lo, month__lte=hi)
        if active_only:
            qs = qs.filter(is_active=True)
        return qs.values(*group).annotate(n=Sum("n")).order_by()

    def live_rows(lo, hi):
        a, b = _bounds(lo, hi)
        qs = User.objects.filter(role=Role.RESIDENT, region_id=district_id, date_joined__gte=a, date_joined__lt=b)
        if street_id is not None:
            qs = qs.filter(community__parent_id=street_id)
        if active_only:
            qs = qs.filter(is_active=True)
        names = {"month": TruncMonth("date_joined")} if "month" in group else {}
        for r in qs.annotate(**{f"g_{k}": v for k, v in names.items()}).values(*[f"g_{g}" for g in group]).annotate(
                n=Count("id")).order_by():
            yield {**{g: r[f"g_{g}"] for g in group}, "n": r["n"]}

    plan = plan_range(start, end) if enabled() else (None, [(start, end, 1)])
    return _collect(plan, rollup_rows, live_rows, group, ("n",))


def residents_before(*, day: date, district_id: int, street_id: int | None = None, active_only: bool = False) -> int:
    """Resident accounts of the district that joined before ``day``."""
    earliest = date(2000, 1, 1)
    if day <= earliest:
        return 0
    got = residents(start=earliest, end=day - timedelta(days=1), district_id=district_id, street_id=street_id,
                    group=(), active_only=active_only)
    return got.get((), {}).get("n", 0)


# --- activities and volunteer hours ----------------------------------------------------------------

def activities(*, start: date, end: date, group: tuple[str, ...], district_id: int | None = None,
               street_id: int | None = None, host_ids=None, status: str = "published") -> dict[tuple, dict]:
    """Activities (of ``status``) starting in [start, end] and their check-ins (person-times):
    {group key: {"activities", "checkins"}}; ``group`` among "month", "host_id" (the primary
    host), "street_id", "district_id"; ``host_ids`` narrows to those primary hosts."""
    from quntuan.activities.models import Activity, CheckIn
    from quntuan.assessment.models import ActivityMonthStat

    if host_ids is not None:
        host_ids = list(host_ids)
    live_names = {"host_id": "primary_host_id", "street_id": "street_id", "district_id": "district_id"}

    def rollup_rows(lo, hi):
        qs = _rollup_filter(ActivityMonthStat.objects.all(), district_id=district_id, street_id=street_id,
                            org_field="host_id", org_ids=host_ids, month__gte=lo, month__lte=hi, status=status)
        return qs.values(*group).annotate(activities=Sum("activities"), checkins=Sum("checkins")).order_by()

    def live_rows(lo, hi):
        a, b = _bounds(lo, hi)
        acts = Activity.objects.filter(status=status, start__gte=a, start__lt=b)
        if district_id is not None:
            acts = acts.filter(district_id=district_id)
        if street_id is not None:
            acts = acts.filter(street_id=street_id)
        if host_ids is not None:
            acts = acts.filter(primary_host_id__in=host_ids)
        out: dict[tuple, dict] = {}
        names = {f"g_{g}": TruncMonth("start") if g == "month" else F(live_names[g]) for g in group}
        for r in acts.annotate(**names).values(*names).annotate(n=Count("id")).order_by():
            out.setdefault(tuple(r[f"g_{g}"] for g in group), {"activities": 0, "checkins": 0})["activities"] += r["n"]
        cnames = {f"g_{g}": TruncMonth("activity__start") if g == "month" else F(f"activity__{live_names[g]}")
                  for g in group}
        checkins = CheckIn.objects.filter(activity__in=acts.values("pk"))
        for r in checkins.annotate(**cnames).values(*cnames).annotate(n=Count("id")).order_by():
            out.setdefault(tuple(r[f"g_{g}"] for g in group), {"activities": 0, "checkins": 0})["checkins"] += r["n"]
        for key, acc in out.items():
            yield {**dict(zip(group, key, strict=True)), **acc}

    plan = plan_range(start, end) if enabled() else (None, [(start, end, 1)])
    return _collect(plan, rollup_rows, live_rows, group, ("activities", "checkins"))


def volunteer_minutes(*, start: date, end: date, group: tuple[str, ...], district_id: int | None = None,
                      street_id: int | None = None, host_ids=None) -> dict[tuple, dict]:
    """Confirmed volunteer service minutes on shifts starting in [start, end]: {group key:
    {"minutes"}}; ``group`` among "month", "host_id" (the activity's primary host), "street_id"."""
    from quntuan.assessment.models import VolunteerMonthStat
    from quntuan.volunteers.models import ServiceRecord

    if host_ids is not None:
        host_ids = list(host_ids)
    live_names = {"host_id": "shift__activity__primary_host_id", "street_id": "shift__activity__street_id",
                  "district_id": "shift__activity__district_id"}

    def rollup_rows(lo, hi):
        qs = _rollup_filter(VolunteerMonthStat.objects.all(), district_id=district_id, street_id=street_id,
                            org_field="host_id", org_ids=host_ids, month__gte=lo, month__lte=hi)
        return qs.values(*group).annotate(minutes=Sum("minutes")).order_by()

    def live_rows(lo, hi):
        a, b = _bounds(lo, hi)
        qs = ServiceRecord.objects.filter(status=ServiceRecord.Status.CONFIRMED, shift__start__gte=a,
                                          shift__start__lt=b)
        if district_id is not None:
            qs = qs.filter(shift__activity__district_id=district_id)
        if street_id is not None:
            qs = qs.filter(shift__activity__street_id=street_id)
        if host_ids is not None:
            qs = qs.filter(shift__activity__primary_host_id__in=host_ids)
        names = {f"g_{g}": TruncMonth("shift__start") if g == "month" else F(live_names[g]) for g in group}
        for r in qs.annotate(**names).values(*names).annotate(minutes=Sum("minutes")).order_by():
            yield {**{g: r[f"g_{g}"] for g in group}, "minutes": r["minutes"] or 0}

    plan = plan_range(start, end) if enabled() else (None, [(start, end, 1)])
    return _collect(plan, rollup_rows, live_rows, group, ("minutes",))


# --- maintenance -----------------------------------------------------------------------------------

TABLES = {
    "assessment_casemonthstat": (["month", "district_id", "street_id", "handling_org_id", "first_inquirer_org_id",
                                  "status"], ["received", "contacted_ok"]),
    "assessment_caseclosedmonthstat": (["month", "district_id", "street_id", "handling_org_id"], ["closed"]),
    "assessment_ratingmonthstat": (["month", "district_id", "street_id", "organization_id"],
                                   ["rated", "solved", "satisfied"]),
    "assessment_opencaseduestat": (["district_id", "street_id", "handling_org_id", "due_date", "red_flag_after"],
                                   ["n"]),
    "assessment_residentmonthstat": (["month", "district_id", "street_id", "is_active"], ["n"]),
    "assessment_activitymonthstat": (["month", "district_id", "street_id", "host_id", "kind", "status"],
                                     ["activities", "checkins"]),
    "assessment_volunteermonthstat": (["month", "district_id", "street_id", "host_id"], ["minutes"]),
}


def rebuild_sql(tz: str) -> list[str]:
    """Statements recomputing every rollup from the source tables (set-based, one per table)."""
    m = "date_trunc('month', {col} AT TIME ZONE '" + tz + "')::date"
    counted = "c.status <> 'merged' AND c.merged_into_id IS NULL"
    return [
        "TRUNCATE " + ", ".join(TABLES),
        "INSERT INTO assessment_casemonthstat (month, district_id, street_id, handling_org_id, first_inquirer_org_id, "  # noqa: S608 - constant SQL
        "status, received, contacted_ok) "
        f"SELECT {m.format(col='c.received_at')}, c.district_id, rg.parent_id, c.handling_org_id, "
        "c.first_inquirer_org_id, c.status, count(*), "
        "count(*) FILTER (WHERE c.contacted_at IS NOT NULL AND c.contacted_at <= c.first_contact_due_at) "
        f"FROM cases_case c LEFT JOIN organizations_region rg ON rg.id = c.community_id WHERE {counted} "
        "GROUP BY 1, 2, 3, 4, 5, 6",
        "INSERT INTO assessment_caseclosedmonthstat (month, district_id, street_id, handling_org_id, closed) "  # noqa: S608 - constant SQL
        f"SELECT {m.format(col='c.closed_at')}, c.district_id, rg.parent_id, c.handling_org_id, count(*) "
        "FROM cases_case c LEFT JOIN organizations_region rg ON rg.id = c.community_id "
        f"WHERE {counted} AND c.status = 'closed' AND c.closed_at IS NOT NULL GROUP BY 1, 2, 3, 4",
        "INSERT INTO assessment_opencaseduestat (district_id, street_id, handling_org_id, due_date, red_flag_after, n) "  # noqa: S608 - constant SQL
        "SELECT c.district_id, rg.parent_id, c.handling_org_id, c.due_date, c.red_flag_after, count(*) "
        "FROM cases_case c LEFT JOIN organizations_region rg ON rg.id = c.community_id "
        f"WHERE {counted} AND c.status IN ('pending', 'transferring', 'in_progress') GROUP BY 1, 2, 3, 4, 5",
        "INSERT INTO assessment_ratingmonthstat (month, district_id, street_id, organization_id, rated, solved, "  # noqa: S608 - constant SQL
        "satisfied) "
        f"SELECT {m.format(col='e.at')}, c.district_id, rg.parent_id, e.organization_id, count(*), "
        "count(*) FILTER (WHERE r.solved), count(*) FILTER (WHERE r.level IN ('satisfied', 'basic')) "
        "FROM (SELECT DISTINCT case_id, at, organization_id FROM cases_caseevent WHERE kind = 'rated') e "
        "JOIN cases_rating r ON r.case_id = e.case_id AND r.rated_at = e.at "
        "JOIN cases_case c ON c.id = e.case_id LEFT JOIN organizations_region rg ON rg.id = c.community_id "
        "GROUP BY 1, 2, 3, 4",
        "INSERT INTO assessment_residentmonthstat (month, district_id, street_id, is_active, n) "  # noqa: S608 - constant SQL
        f"SELECT {m.format(col='u.date_joined')}, u.region_id, rg.parent_id, u.is_active, count(*) "
        "FROM accounts_user u LEFT JOIN organizations_region rg ON rg.id = u.community_id "
        "WHERE u.role = 'resident' GROUP BY 1, 2, 3, 4",
        "INSERT INTO assessment_activitymonthstat (month, district_id, street_id, host_id, kind, status, activities, "  # noqa: S608 - constant SQL
        f"checkins) SELECT {m.format(col='a.start')}, a.district_id, a.street_id, a.primary_host_id, a.kind, "
        "a.status, count(*), coalesce(sum(c.n), 0) FROM activities_activity a LEFT JOIN (SELECT activity_id, "
        "count(*) AS n FROM activities_checkin GROUP BY activity_id) c ON c.activity_id = a.id "
        "GROUP BY 1, 2, 3, 4, 5, 6",
        "INSERT INTO assessment_volunteermonthstat (month, district_id, street_id, host_id, minutes) "  # noqa: S608 - constant SQL
        f"SELECT {m.format(col='s.start')}, a.district_id, a.street_id, a.primary_host_id, sum(r.minutes) "
        "FROM volunteers_servicerecord r JOIN volunteers_shift s ON s.id = r.shift_id "
        "JOIN activities_activity a ON a.id = s.activity_id WHERE r.status = 'confirmed' "
        "GROUP BY 1, 2, 3, 4 HAVING sum(r.minutes) <> 0",
    ]


def rebuild_all() -> None:
    """Recompute every rollup from the source tables (PostgreSQL only; a no-op elsewhere)."""
    if not enabled():
        return
    with transaction.atomic(), connection.cursor() as cur:
        for stmt in rebuild_sql(settings.TIME_ZONE):
            cur.execute(stmt)
    with connection.cursor() as cur:
        for table in TABLES:
            cur.execute(f'ANALYZE "{table}"')


def compact() -> dict[str, int]:
    """Fold the delta rows of each key into one row (keys whose sums are all zero disappear).
    Safe at any time and concurrently with changes: per table, one statement sums the keys that
    have more than one row, deletes exactly the rows it summed (by ctid) and inserts the sums;
    rows appended meanwhile stay. An advisory lock keeps two compactions from folding the same
    rows twice."""
    out: dict[str, int] = {}
    if not enabled():
        return out
    for table, (keys, values) in TABLES.items():
        key_list = ", ".join(keys)
        sums = ", ".join(f"sum({v}) AS {v}" for v in values)
        nonzero = " OR ".join(f"{v} <> 0" for v in values)
        sql = (
            f"WITH grp AS (SELECT {key_list}, {sums}, array_agg(ctid) AS rows FROM {table} "  # noqa: S608
            f"GROUP BY {key_list} HAVING count(*) > 1), "
            f"gone AS (DELETE FROM {table} WHERE ctid IN (SELECT unnest(rows) FROM grp)) "
            f"INSERT INTO {table} ({key_list}, {', '.join(values)}) "
            f"SELECT {key_list}, {', '.join(values)} FROM grp WHERE {nonzero}"
        )
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"quntuan-rollup:{table}"])
            cur.execute(sql)
            out[table] = cur.rowcount
    return out
