from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from quntuan.activities.models import Activity, ActivityKind, ActivityStatus, CheckIn
from quntuan.assessment import queries
from quntuan.assessment.models import (
    Assignment,
    Budget,
    Cadre,
    CadreTraining,
    Indicator,
    ManualScore,
    MediaReport,
    Post,
    Source,
    SupervisionItem,
    VetoFlag,
)
from quntuan.assessment.tests.conftest import TZ


def test_score_of_rates_counts_and_caps():
    assert queries.score_of(Source.RESPONSE_RATE, 0.875, None) == 87.5
    assert queries.score_of(Source.THREE_RATES, 91.234, None) == 91.23
    assert queries.score_of(Source.ACTIVITIES, 5, Decimal("20")) == 25.0
    assert queries.score_of(Source.ACTIVITIES, 40, Decimal("20")) == 100.0
    assert queries.score_of(Source.ACTIVITIES, None, Decimal("20")) is None


def test_weighted_total_counts_missing_as_zero_and_rank_ties():
    assert queries.weighted_total([(30, 100.0), (70, None)]) == 30.0
    assert queries.weighted_total([]) is None
    rows = [{"vetoed": False, "total": 80.0}, {"vetoed": True, "total": 0.0}, {"vetoed": False, "total": 90.0},
            {"vetoed": False, "total": 80.0}]
    ranked = queries.rank_rows(rows)
    assert [(r["total"], r["vetoed"], r["rank"]) for r in ranked] == [
        (90.0, False, 1), (80.0, False, 2), (80.0, False, 2), (0.0, True, 4)]
    assert [queries.grade_of(t) for t in (95, 85, 60, 59.9, None)] == ["优秀", "良好", "合格", "不合格", "—"]


def test_ledger_figures(world):
    Post.objects.create(organization=world.union, name="机关", kind=Post.Kind.ESTABLISHED, authorized=8, filled=7)
    Post.objects.create(organization=world.union, name="事业", kind=Post.Kind.ESTABLISHED, authorized=2, filled=2)
    Post.objects.create(organization=world.union, name="领导", kind=Post.Kind.LEADERSHIP, authorized=3, filled=2)
    Cadre.objects.create(organization=world.union, name="甲", kind=Cadre.Kind.FULL_TIME, start=date(2025, 1, 1))
    Cadre.objects.create(organization=world.union, name="乙", kind=Cadre.Kind.SECONDED, start=date(2025, 1, 1),
                         end=date(2026, 5, 31))
    Cadre.objects.create(organization=world.union, name="丙", kind=Cadre.Kind.PART_TIME, start=date(2026, 3, 1))
    Budget.objects.create(organization=world.union, year=2025, amount=Decimal("400000"))
    Budget.objects.create(organization=world.union, year=2026, amount=Decimal("500000"))
    Budget.objects.create(organization=world.youth, year=2026, amount=Decimal("100000"))
    ids = [world.union.pk, world.youth.pk]
    assert queries.staffing_by_org(ids)[world.union.pk] == {
        "established_authorized": 10, "established_filled": 9, "leadership_authorized": 3, "leadership_filled": 2}
    assert queries.cadres_serving(ids, date(2026, 6, 15))[world.union.pk] == {
        "full_time": 1, "part_time": 1, "seconded": 0, "total": 2}
    growth = queries.budget_growth(ids, 2026)
    assert growth[world.union.pk] == {"amount": Decimal("500000.00"), "previous": Decimal("400000.00"),
                                      "growth": 0.25}
    assert growth[world.youth.pk]["growth"] is None
    assert queries.budget_total(ids, 2026) == {"amount": Decimal("600000.00"), "previous": Decimal("400000.00"),
                                               "growth": 0.5}
    assert [(r["street"], r["communities"], r["workstations"], r["coverage"])
            for r in queries.coverage_by_street(world.district)] == [
        ("幸福社区所在街道", 2, 1, 0.5), ("光明社区所在街道", 1, 1, 1.0)]
    assert queries.coverage_district(world.district) == {"communities": 3, "workstations": 2, "coverage": 0.6667}


def test_media_and_trainings_by_year(world):
    for level, day in [("city", date(2026, 2, 1)), ("city", date(2026, 3, 1)), ("national", date(2026, 4, 1)),
                       ("provincial", date(2025, 12, 31))]:
        MediaReport.objects.create(district=world.district, organization=world.union, title="报道", outlet="日报",
                                   published_on=day, level=level)
    CadreTraining.objects.create(district=world.district, title="培训", start=date(2026, 3, 3), trainees=45)
    CadreTraining.objects.create(district=world.district, title="培训", start=date(2026, 5, 3), trainees=30)
    assert queries.media_by_level(world.district, date(2026, 1, 1), date(2026, 12, 31)) == {
        "city": 2, "provincial": 0, "national": 1, "total": 3}
    assert queries.media_by_level(world.district, date(2026, 1, 1), date(2026, 12, 31), [world.youth.pk])["total"] == 0
    assert queries.cadre_training_totals(world.district, date(2026, 1, 1), date(2026, 12, 31)) == {
        "trainings": 2, "trainees": 75}


def _activity(world, host, start, checkins=0, street=None):
    a = Activity.objects.create(district=world.district, primary_host=host, kind=ActivityKind.LECTURE, title="讲座",
                                start=start, end=start + timedelta(hours=2), capacity=50,
                                status=ActivityStatus.PUBLISHED, street=street)
    CheckIn.objects.bulk_create([CheckIn(activity=a, walk_in_name=f"人{i}") for i in range(checkins)])
    return a


def _assignment(world, org, due, *, key=False, done_on=None):
    item = SupervisionItem.objects.create(district=world.district, title=f"事项{due}", due_date=due, is_key=key)
    return Assignment.objects.create(item=item, organization=org, due_date=due,
                                     status="done" if done_on else "in_progress", completed_on=done_on)


def test_assessment_computed_with_veto_and_drilldown(world):
    _activity(world, world.union, datetime(2026, 3, 1, 9, tzinfo=TZ), checkins=6, street=world.street1)
    _activity(world, world.union, datetime(2026, 4, 1, 9, tzinfo=TZ), checkins=4)
    _activity(world, world.youth, datetime(2026, 5, 1, 9, tzinfo=TZ), checkins=2)
    _activity(world, world.youth, datetime(2025, 5, 1, 9, tzinfo=TZ), checkins=9)  # last year: not counted
    _assignment(world, world.union, date(2026, 3, 31), done_on=date(2026, 3, 30))
    _assignment(world, world.union, date(2026, 4, 30), done_on=date(2026, 5, 3))
    _assignment(world, world.youth, date(2026, 4, 30), done_on=date(2026, 4, 1))
    acts = Indicator.objects.create(district=world.district, year=2026, name="活动", source=Source.ACTIVITIES,
                                    weight=40, target=Decimal("4"))
    Indicator.objects.create(district=world.district, year=2026, name="人次", source=Source.PERSON_TIMES,
                             weight=20, target=Decimal("10"))
    sup = Indicator.objects.create(district=world.district, year=2026, name="督查", source=Source.SUPERVISION_ON_TIME,
                                   weight=40)
    rows = queries.assessment_results(world.district, 2026)
    summary = [(r["name"], [p["value"] for p in r["indicators"]], r["total"], r["rank"], r["grade"]) for r in rows]
    # union: 2/4 → 50, 10/10 → 100, 1 of 2 on time → 50: (40*50 + 20*100 + 40*50)/100 = 60
    # youth: 1/4 → 25, 2/10 → 20, 1 of 1 → 100: (1000 + 400 + 4000)/100 = 54
    assert summary == [("区总工会", [2, 10, 0.5], 60.0, 1, "合格"), ("共青团区委", [1, 2, 1.0], 54.0, 2, "不合格")]
    kind, qs = queries.indicator_records(acts, world.union.pk)
    assert (kind, qs.count()) == ("activities", 2)
    kind, qs = queries.indicator_records(sup, world.union.pk)
    assert (kind, [a.completed_on for a in qs]) == ("assignments", [date(2026, 3, 30), date(2026, 5, 3)])

    # A flagged major incident fails the union whatever it scored.
    VetoFlag.objects.create(district=world.district, year=2026, organization=world.union, kind="major_incident",
                            reason="安全事故")
    rows = queries.assessment_results(world.district, 2026)
    assert [(r["name"], r["total"], r["computed_total"], r["vetoed"], r["rank"], r["grade"]) for r in rows] == [
        ("共青团区委", 54.0, 54.0, False, 1, "不合格"), ("区总工会", 0.0, 60.0, True, 2, "不合格")]
    assert rows[1]["veto_reasons"] == ["发生重大事件:安全事故"]


def test_unfinished_key_task_vetoes(world):
    Indicator.objects.create(district=world.district, year=2026, name="督查", source=Source.SUPERVISION_ON_TIME,
                             weight=100)
    _assignment(world, world.youth, date(2026, 6, 1), key=True)  # due, not done, today 06-15
    _assignment(world, world.union, date(2026, 12, 1), key=True)  # not yet due
    rows = {r["name"]: r for r in queries.assessment_results(world.district, 2026)}
    assert rows["共青团区委"]["vetoed"] is True
    assert rows["共青团区委"]["veto_reasons"] == ["重点任务未按期完成:事项2026-06-01"]
    assert rows["区总工会"]["vetoed"] is False
    assert rows["区总工会"]["total"] == 0.0  # nothing due yet: no rate, scored 0


def test_street_ranking_from_workstations_and_manual(world):
    Indicator.objects.create(district=world.district, year=2026, scope="street", name="覆盖", source=Source.COVERAGE,
                             weight=50)
    manual = Indicator.objects.create(district=world.district, year=2026, scope="street", name="评议",
                                      source=Source.MANUAL, weight=50)
    ManualScore.objects.create(indicator=manual, street=world.street1, score=Decimal("90"), evidence="材料")
    rows = queries.assessment_results(world.district, 2026, "street")
    # street1: 50 % coverage → 50, manual 90 → 70; street2: 100 → 100, no manual score → 0 → 50
    assert [(r["name"], r["total"], r["rank"]) for r in rows] == [("幸福社区所在街道", 70.0, 1),
                                                                  ("光明社区所在街道", 50.0, 2)]


def test_supervision_stats_and_dispatch_board(world):
    a1 = _assignment(world, world.union, date(2026, 6, 10))  # overdue
    _assignment(world, world.union, date(2026, 6, 30))
    _assignment(world, world.union, date(2026, 5, 20), done_on=date(2026, 5, 25))  # late
    stats = queries.supervision_stats([world.union.pk], date(2026, 1, 1), date(2026, 12, 31))
    assert stats[world.union.pk] == {"assignments": 3, "done": 1, "on_time": 0, "overdue": 2, "on_time_rate": 0.0}
    from quntuan.assessment.models import ProgressReport
    ProgressReport.objects.create(assignment=a1, month=date(2026, 6, 1), text="推进中", percent=40)
    board = queries.dispatch_board(world.district, date(2026, 6, 1))
    assert [(r["assignment"].due_date, r["overdue"], r["report"].percent if r["report"] else None)
            for r in board] == [(date(2026, 6, 10), True, 40), (date(2026, 6, 30), False, None)]


@pytest.mark.django_db
def test_assessment_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    for i in range(30):
        _activity(world, world.union, datetime(2026, 2, 1, 9, tzinfo=TZ) + timedelta(days=i), checkins=2)
    for source, target in [(Source.ACTIVITIES, 10), (Source.PERSON_TIMES, 10), (Source.VOLUNTEER_HOURS, 10),
                           (Source.SUPERVISION_ON_TIME, None), (Source.COVERAGE, None), (Source.THREE_RATES, None)]:
        Indicator.objects.create(district=world.district, year=2026, name=source, source=source, weight=10,
                                 target=target)
    # Grouped queries per indicator; the three-rates indicator costs three queries per organization.
    with django_assert_max_num_queries(25):
        rows = queries.assessment_results(world.district, 2026)
    assert rows[0]["name"] == "区总工会"


def test_format_value():
    assert [queries.format_value(s, v) for s, v in [
        (Source.COVERAGE, 0.6667), (Source.THREE_RATES, 82.91), (Source.ACTIVITIES, 12),
        (Source.VOLUNTEER_HOURS, 6.5), (Source.MANUAL, Decimal("76.00")), (Source.RESPONSE_RATE, None)]] == [
        "66.7%", "82.91", "12", "6.5", "76", "—"]


def test_three_rates_by_org_matches_org_three_rates(world):
    """Cases received by both organizations, some contacted in time, some rated (one case rated
    twice); the grouped figures equal the cases app's per-organization ones."""
    from django.utils import timezone

    from quntuan.cases.models import Case, CaseEvent, Rating
    from quntuan.cases.queries import org_three_rates

    t0 = datetime(2026, 3, 2, 9, tzinfo=TZ)
    n = 0
    for org, contacted, rated in [(world.union, True, ("satisfied", True)), (world.union, False, None),
                                  (world.union, True, ("dissatisfied", False)), (world.youth, True, ("basic", True)),
                                  (world.youth, None, None)]:
        n += 1
        case = Case.objects.create(
            tracking_no=f"T{n:05d}", district=world.district, requester_name="张三", requester_mobile="13900000000",
            title="诉求", first_inquirer=world.union_staff, first_inquirer_org=org, handling_org=org, received_at=t0, clock_start=t0.date(),
            first_contact_due_at=t0 + timedelta(days=1),
            contacted_at=None if contacted is None else t0 + timedelta(hours=2 if contacted else 30),
            due_date=date(2026, 3, 10), remind_on=date(2026, 3, 8), red_flag_after=date(2026, 3, 11))
        if rated:
            for _ in range(2 if n == 1 else 1):  # the first case has two RATED events
                CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.RATED, organization=org, at=t0 + timedelta(5))
            Rating.objects.create(case=case, level=rated[0], solved=rated[1], rated_at=t0 + timedelta(5))
    start, end = date(2026, 1, 1), date(2026, 12, 31)
    grouped = queries.three_rates_by_org([world.union.pk, world.youth.pk], start, end)
    for org in (world.union, world.youth):
        single = org_three_rates(organization=org, start=start, end=end)
        assert {k: grouped[org.pk][k] for k in ("response_rate", "resolution_rate", "satisfaction_rate", "score")} == {
            k: single[k] for k in ("response_rate", "resolution_rate", "satisfaction_rate", "score")}
    assert (grouped[world.union.pk]["response_rate"], grouped[world.union.pk]["resolution_rate"],
            grouped[world.youth.pk]["satisfaction_rate"]) == (0.6667, 0.5, 1.0)
    assert timezone.is_aware(t0)
