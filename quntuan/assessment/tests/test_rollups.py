"""Rollups: the range planner (pure), the triggers following every kind of change (PostgreSQL),
and the dashboards and the work report seeing a change at once, merged repeat reports left out
(both databases: on SQLite the same functions read the source rows)."""

import random
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import override_settings

from quntuan.assessment import charts, queries, rollups
from quntuan.assessment.tests.conftest import TZ
from quntuan.cases.models import Case, CaseEvent, Rating
from quntuan.reports.figures import Period, services_delivered, three_rates
from quntuan.reports.figures import Scope as ReportScope

# --- plan_range (pure) -----------------------------------------------------------------------------


def _coverage(start: date, end: date) -> dict[date, int]:
    months, segs = rollups.plan_range(start, end)
    count: dict[date, int] = {}
    if months is not None:
        m = months[0]
        while m <= months[1]:
            d = m
            while d <= rollups.month_end(m):
                count[d] = count.get(d, 0) + 1
                d += timedelta(days=1)
            m = rollups.next_month(m)
    for lo, hi, sign in segs:
        d = lo
        while d <= hi:
            count[d] = count.get(d, 0) + sign
            d += timedelta(days=1)
    return {d: n for d, n in count.items() if n}


def test_plan_range_counts_every_day_of_the_range_once_and_nothing_else():
    rnd = random.Random(5)
    for _ in range(400):
        start = date(2025, 1, 1) + timedelta(days=rnd.randrange(700))
        end = start + timedelta(days=rnd.choice([0, 1, 5, 20, 29, 31, 45, 90, 200, 400]))
        expected = {start + timedelta(days=k): 1 for k in range((end - start).days + 1)}
        assert _coverage(start, end) == expected, (start, end)


def test_plan_range_takes_the_cheaper_side_of_each_edge_month():
    # Whole months: no source rows at all.
    assert rollups.plan_range(date(2026, 1, 1), date(2026, 12, 31)) == ((date(2026, 1, 1), date(2026, 12, 1)), [])
    # The dashboard's default (1 January to today, 23 November): November whole, minus the days after today.
    assert rollups.plan_range(date(2026, 1, 1), date(2026, 11, 23)) == (
        (date(2026, 1, 1), date(2026, 11, 1)), [(date(2026, 11, 24), date(2026, 11, 30), -1)])
    # Ending on the 3rd: October whole plus three days of November from the source rows.
    assert rollups.plan_range(date(2026, 1, 1), date(2026, 11, 3)) == (
        (date(2026, 1, 1), date(2026, 10, 1)), [(date(2026, 11, 1), date(2026, 11, 3), 1)])
    # A few days inside one month: the source rows only.
    assert rollups.plan_range(date(2026, 3, 10), date(2026, 3, 12)) == (None, [(date(2026, 3, 10), date(2026, 3, 12), 1)])
    assert rollups.plan_range(date(2026, 3, 12), date(2026, 3, 10)) == (None, [])


# --- helpers ------------------------------------------------------------------------------------------

_seq = iter(range(1, 10_000))


def make_case(world, *, org, at, status="in_progress", community=None, contacted_in_time=True, first_org=None,
              due=None, closed_at=None):
    n = next(_seq)
    due = due or (at.date() + timedelta(days=10))
    return Case.objects.create(
        tracking_no=f"R{n:06d}", district=world.district, community=community or world.c1, requester_name="张三",
        requester_mobile="13900000000", title=f"诉求{n}", first_inquirer=world.union_staff,
        first_inquirer_org=first_org or org, handling_org=org, received_at=at, clock_start=at.date(),
        first_contact_due_at=at + timedelta(days=1),
        contacted_at=at + timedelta(hours=2 if contacted_in_time else 30), status=status, closed_at=closed_at,
        due_date=due, remind_on=due - timedelta(days=2), red_flag_after=due + timedelta(days=1))


def rate(case, org, at, *, level="satisfied", solved=True, event_first=False):
    def event():
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.RATED, organization=org, at=at)

    if event_first:
        event()
    Rating.objects.create(case=case, level=level, solved=solved, rated_at=at)
    if not event_first:
        event()


def figures_of(world, start: date, end: date) -> dict:
    """Every rollup-backed figure of the district, as a comparable dict."""
    d = world.district.pk
    return {
        "by_status_month": rollups.case_received(start=start, end=end, group=("status", "month"), district_id=d),
        "by_street": rollups.case_received(start=start, end=end, group=("handling_org_id",), district_id=d,
                                           street_id=world.street1.pk),
        "first_org": rollups.case_received(start=start, end=end, group=("first_inquirer_org_id",),
                                           org="first_inquirer", org_ids=[world.union.pk, world.youth.pk]),
        "closed": rollups.case_closed(start=start, end=end, group=("handling_org_id", "month"), district_id=d),
        "ratings": rollups.ratings(start=start, end=end, group=("organization_id", "month"), district_id=d),
        "ratings_street": rollups.ratings(start=start, end=end, group=(), street_id=world.street2.pk),
        "overdue": rollups.overdue(today=end, district_id=d),
        "residents": rollups.residents(start=start, end=end, district_id=d),
        "before": rollups.residents_before(day=end, district_id=d),
    }


def live_figures_of(world, start, end) -> dict:
    with override_settings(QUNTUAN_ROLLUPS=False):
        return figures_of(world, start, end)


# --- the triggers (PostgreSQL) ------------------------------------------------------------------------


@pytest.mark.postgres
def test_rollups_follow_inserts_updates_merges_ratings_and_deletes(world):
    assert rollups.enabled()
    t = datetime(2026, 3, 2, 9, tzinfo=TZ)
    a = make_case(world, org=world.union, at=t)
    b = make_case(world, org=world.union, at=t + timedelta(days=31), contacted_in_time=False, community=world.c3)
    c = make_case(world, org=world.youth, at=t + timedelta(days=40), first_org=world.union)
    d = make_case(world, org=world.youth, at=datetime(2026, 5, 31, 23, 30, tzinfo=TZ))  # May in Beijing, not UTC
    start, end = date(2026, 2, 10), date(2026, 6, 14)
    got = figures_of(world, start, end)
    assert got == live_figures_of(world, start, end)
    assert got["by_status_month"] == {("in_progress", date(2026, 3, 1)): {"received": 1, "contacted_ok": 1},
                                      ("in_progress", date(2026, 4, 1)): {"received": 2, "contacted_ok": 1},
                                      ("in_progress", date(2026, 5, 1)): {"received": 1, "contacted_ok": 1}}

    # closing, moving to another organization and community, extending the deadline
    Case.objects.filter(pk=a.pk).update(status="closed", closed_at=t + timedelta(days=3))
    Case.objects.filter(pk=b.pk).update(handling_org=world.youth, community=world.c1)
    Case.objects.filter(pk=c.pk).update(due_date=date(2026, 7, 1), red_flag_after=date(2026, 7, 2))
    # a repeat report merged into its original is counted once, as the original
    dup = make_case(world, org=world.union, at=t + timedelta(days=2))
    Case.objects.filter(pk=dup.pk).update(status="merged", merged_into=a)
    # ratings: event after the rating, event before it, two events of one organization (counted once)
    rate(a, world.union, t + timedelta(days=5))
    rate(b, world.youth, t + timedelta(days=50), level="dissatisfied", solved=False, event_first=True)
    rate(c, world.youth, t + timedelta(days=60), level="basic")
    CaseEvent.objects.create(case=c, kind=CaseEvent.Kind.RATED, organization=world.youth, at=t + timedelta(days=60))
    got = figures_of(world, start, end)
    assert got == live_figures_of(world, start, end)
    assert got["first_org"] == {(world.union.pk,): {"received": 3, "contacted_ok": 2},
                                (world.youth.pk,): {"received": 1, "contacted_ok": 1}}
    assert got["ratings"] == {
        (world.union.pk, date(2026, 3, 1)): {"rated": 1, "solved": 1, "satisfied": 1},
        (world.youth.pk, date(2026, 4, 1)): {"rated": 1, "solved": 0, "satisfied": 0},
        (world.youth.pk, date(2026, 5, 1)): {"rated": 1, "solved": 1, "satisfied": 1},
    }

    # compaction keeps every sum and leaves one row per key
    rollups.compact()
    assert figures_of(world, start, end) == got
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM (SELECT month, district_id, street_id, handling_org_id, first_inquirer_org_id,"
                    " status, count(*) FROM assessment_casemonthstat GROUP BY 1, 2, 3, 4, 5, 6 HAVING count(*) > 1) x")
        assert cur.fetchone()[0] == 0

    # deleting a rating, an event and a case
    Rating.objects.filter(case=a).delete()
    CaseEvent.objects.filter(case=b, kind=CaseEvent.Kind.RATED).delete()
    Case.objects.filter(pk=d.pk).delete()
    got = figures_of(world, start, end)
    assert got == live_figures_of(world, start, end)
    assert got["ratings"] == {(world.youth.pk, date(2026, 5, 1)): {"rated": 1, "solved": 1, "satisfied": 1}}

    # a rebuild from the source rows gives the same sums
    rollups.rebuild_all()
    assert figures_of(world, start, end) == got


# --- dashboards and report follow a change; merged cases never counted (both databases) -----------------


def test_dashboard_and_report_see_a_change_at_once_and_count_a_merged_matter_once(world):
    t = datetime(2026, 3, 2, 9, tzinfo=TZ)
    original = make_case(world, org=world.union, at=t)
    make_case(world, org=world.union, at=t + timedelta(days=1))
    scope = charts.Scope(district=world.district, start=date(2026, 1, 1), end=date(2026, 6, 15))
    report_scope, period = ReportScope(district=world.district), Period(kind="half", year=2026, number=1)

    def state():
        by_state = {i["name"]: i["value"] for i in charts.cases_by_state_chart(scope)["items"] if i["value"]}
        by_org = charts.cases_by_org_chart(scope)
        figures = {f.key: f.value for f in services_delivered(report_scope, period) + three_rates(report_scope, period)}
        received = queries.three_rates_by_org([world.union.pk], scope.start, scope.end)[world.union.pk]["received"]
        return by_state, by_org["total"], figures["cases_received"], figures["services_delivered"], received, \
            charts.cases_in(scope).count()

    assert state() == ({"办理中": 2}, [2], 2, 0, 2, 2)

    Case.objects.filter(pk=original.pk).update(status="closed", closed_at=t + timedelta(days=3))
    assert state() == ({"办理中": 1, "已办结": 1}, [2], 2, 1, 2, 2)

    duplicate = make_case(world, org=world.union, at=t + timedelta(days=2))
    assert state()[0] == {"办理中": 2, "已办结": 1}
    Case.objects.filter(pk=duplicate.pk).update(status="merged", merged_into=original)
    assert state() == ({"办理中": 1, "已办结": 1}, [2], 2, 1, 2, 2)
    # merged_into set alone (whatever the status) is enough to leave a case out
    Case.objects.filter(pk=duplicate.pk).update(status="in_progress")
    assert state() == ({"办理中": 1, "已办结": 1}, [2], 2, 1, 2, 2)

    rate(original, world.union, t + timedelta(days=4), level="basic", solved=True)
    trend = charts.three_rates_trend(scope)
    assert trend["resolution"][2] == 100.0 and trend["satisfaction"][2] == 100.0
    figures = {f.key: f.value for f in three_rates(report_scope, period)}
    assert (figures["resolution_rate"], figures["satisfaction_rate"]) == (1.0, 1.0)


def test_overdue_chart_counts_running_cases_past_their_deadline(world):
    t = datetime(2026, 5, 4, 9, tzinfo=TZ)
    make_case(world, org=world.union, at=t, due=date(2026, 6, 1))  # red: red flag after 6-02 < 6-15
    make_case(world, org=world.union, at=t, due=date(2026, 6, 14))  # yellow only (red flag after 6-15)
    make_case(world, org=world.youth, at=t, due=date(2026, 6, 30))  # not yet due
    done = make_case(world, org=world.youth, at=t, due=date(2026, 6, 1))
    Case.objects.filter(pk=done.pk).update(status="closed", closed_at=t)
    scope = charts.Scope(district=world.district, start=date(2026, 1, 1), end=date(2026, 6, 15))
    chart = charts.overdue_chart(scope)
    assert (chart["categories"], chart["overdue"], chart["red"]) == ([world.union.name], [2], [1])


@pytest.mark.postgres
def test_activity_and_volunteer_rollups_follow_checkins_records_and_activity_changes(world):
    from quntuan.activities.models import Activity, ActivityKind, ActivityStatus, CheckIn
    from quntuan.core.testing import make_resident
    from quntuan.volunteers.models import ServiceRecord, Shift, Volunteer

    start = datetime(2026, 4, 30, 19, tzinfo=TZ)
    act = Activity.objects.create(district=world.district, primary_host=world.union, kind=ActivityKind.VOLUNTEER,
                                  title="助老", start=start, end=start + timedelta(hours=2), capacity=50,
                                  status=ActivityStatus.PUBLISHED, street=world.street1)
    other = Activity.objects.create(district=world.district, primary_host=world.youth, kind=ActivityKind.LECTURE,
                                    title="讲座", start=start + timedelta(days=20), end=start + timedelta(days=20, hours=2),
                                    capacity=50, status=ActivityStatus.PUBLISHED, street=world.street2)
    CheckIn.objects.bulk_create([CheckIn(activity=act, walk_in_name=f"人{i}") for i in range(3)])
    CheckIn.objects.create(activity=other, walk_in_name="甲")
    shift = Shift.objects.create(activity=act, title="引导", start=start, end=start + timedelta(hours=2), slots=5)
    vols = [Volunteer.objects.create(user=make_resident(world.district), district=world.district, real_name=f"志愿者{i}",
                                     id_number=f"11010119900101{i:04d}") for i in range(3)]
    ServiceRecord.objects.create(shift=shift, volunteer=vols[0], status="confirmed", minutes=120, content="服务")
    ServiceRecord.objects.create(shift=shift, volunteer=vols[1], status="reported", minutes=0, content="服务")
    d = world.district.pk
    s, e = date(2026, 4, 1), date(2026, 6, 14)

    def both():
        got = (rollups.activities(start=s, end=e, group=("month", "host_id", "street_id"), district_id=d),
               rollups.volunteer_minutes(start=s, end=e, group=("month", "host_id"), district_id=d),
               queries.person_times_by_org([world.union.pk, world.youth.pk], s, e),
               queries.volunteer_hours_by_org([world.union.pk, world.youth.pk], s, e))
        with override_settings(QUNTUAN_ROLLUPS=False):
            live = (rollups.activities(start=s, end=e, group=("month", "host_id", "street_id"), district_id=d),
                    rollups.volunteer_minutes(start=s, end=e, group=("month", "host_id"), district_id=d),
                    queries.person_times_by_org([world.union.pk, world.youth.pk], s, e),
                    queries.volunteer_hours_by_org([world.union.pk, world.youth.pk], s, e))
        assert got == live
        return got

    got = both()
    assert got[0] == {(date(2026, 4, 1), world.union.pk, world.street1.pk): {"activities": 1, "checkins": 3},
                      (date(2026, 5, 1), world.youth.pk, world.street2.pk): {"activities": 1, "checkins": 1}}
    assert got[2:] == ({world.union.pk: 3, world.youth.pk: 1}, {world.union.pk: 2.0, world.youth.pk: 0.0})

    # a record confirmed, another added; the activity moved to May and re-hosted: it takes its
    # check-ins and hours with it; the other one cancelled
    ServiceRecord.objects.filter(volunteer=vols[1]).update(status="confirmed", minutes=60)
    ServiceRecord.objects.create(shift=shift, volunteer=vols[2], status="confirmed", minutes=30, content="服务")
    Activity.objects.filter(pk=act.pk).update(start=start + timedelta(days=2), end=start + timedelta(days=2, hours=2),
                                              primary_host=world.youth)
    Shift.objects.filter(pk=shift.pk).update(start=start + timedelta(days=2), end=start + timedelta(days=2, hours=2))
    Activity.objects.filter(pk=other.pk).update(status=ActivityStatus.CANCELLED)
    CheckIn.objects.filter(activity=act).first().delete()
    got = both()
    assert got[0] == {(date(2026, 5, 1), world.youth.pk, world.street1.pk): {"activities": 1, "checkins": 2}}
    assert got[1] == {(date(2026, 5, 1), world.youth.pk): {"minutes": 210}}
    rollups.compact()
    assert both() == got
    rollups.rebuild_all()
    assert both() == got
