"""The plan-outcome indicator (computed from programs.Plan outcomes, with its records), the plan
outcomes dashboard chart and the work report's plan figures."""

from datetime import date
from decimal import Decimal

import pytest

from quntuan.assessment import charts, queries
from quntuan.assessment.models import Indicator, Source
from quntuan.programs.models import Plan
from quntuan.reports.figures import Period, plan_outcomes
from quntuan.reports.figures import Scope as ReportScope


def make_plan(world, org, end, *, status=Plan.Status.PUBLISHED, community=None, **outcomes):
    return Plan.objects.create(district=world.district, organization=org, kind=Plan.Kind.TRAINING,
                               title=f"计划{end}", goal="目标", start_date=date(end.year, 1, 1), end_date=end,
                               status=status, community=community, **outcomes)


@pytest.fixture
def plans(world):
    return {
        "a": make_plan(world, world.union, date(2026, 3, 31), trained=10, reemployed=3, businesses_started=1,
                       jobs_created=4, people_served=50, community=world.c1),
        "b": make_plan(world, world.union, date(2026, 5, 31), status=Plan.Status.CLOSED, trained=5,
                       people_served=20),
        "draft": make_plan(world, world.union, date(2026, 4, 30), status=Plan.Status.DRAFT, trained=100),
        "last_year": make_plan(world, world.union, date(2025, 12, 31), trained=100),
        "youth": make_plan(world, world.youth, date(2026, 6, 1), people_served=7, community=world.c3),
    }


def test_plan_outcomes_by_org_sums_the_five_outcomes_of_plans_ending_in_the_period(world, plans):
    got = queries.plan_outcomes_by_org([world.union.pk, world.youth.pk], date(2026, 1, 1), date(2026, 12, 31))
    assert got[world.union.pk] == {"plans": 2, "trained": 15, "reemployed": 3, "businesses_started": 1,
                                   "jobs_created": 4, "people_served": 70, "total": 93}
    assert got[world.youth.pk] == {"plans": 1, "trained": 0, "reemployed": 0, "businesses_started": 0,
                                   "jobs_created": 0, "people_served": 7, "total": 7}


def test_plan_outcome_indicator_scores_against_its_target_and_opens_its_plans(world, plans):
    ind = Indicator.objects.create(district=world.district, year=2026, name="计划成效", source=Source.PLAN_OUTCOMES,
                                   weight=10, target=Decimal("186"))
    rows = {r["target_id"]: r for r in queries.assessment_results(world.district, 2026)}
    part = rows[world.union.pk]["indicators"][0]
    assert (part["value"], part["score"], part["display"]) == (93, 50.0, "93")
    assert rows[world.youth.pk]["indicators"][0]["score"] == round(7 / 186 * 100, 2)
    kind, qs = queries.indicator_records(ind, world.union.pk)
    assert kind == "plans"
    assert [p.pk for p in qs] == [plans["a"].pk, plans["b"].pk]


def test_plan_outcomes_chart_by_organization_with_drill_down(world, plans):
    scope = charts.Scope(district=world.district, start=date(2026, 1, 1), end=date(2026, 6, 15))
    chart = charts.plan_outcomes_chart(scope)
    assert chart["categories"] == [world.union.name, world.youth.name]
    assert chart["plans"] == [2, 1]
    assert {s["key"]: s["data"] for s in chart["series"]} == {
        "trained": [15, 0], "reemployed": [3, 0], "businesses_started": [1, 0], "jobs_created": [4, 0],
        "people_served": [70, 7]}
    assert chart["drill"][0] == {**scope.base_params(), "kind": "plans", "org": world.union.pk}
    assert list(charts.plans_in(scope).filter(organization=world.union).order_by("id")) == [plans["a"], plans["b"]]
    # a street sees the plans of its communities only
    street = charts.Scope(district=world.district, start=scope.start, end=scope.end, street=world.street2)
    assert charts.plan_outcomes_chart(street)["categories"] == [world.youth.name]
    assert charts.CHARTS["plan_outcomes"] is charts.plan_outcomes_chart


def test_work_report_quotes_plan_outcomes_and_follows_a_change(world, plans):
    scope, period = ReportScope(district=world.district), Period(kind="year", year=2026)
    figures = {f.key: f.value for f in plan_outcomes(scope, period)}
    assert figures == {"plans_ended": 3, "plan_trained": 15, "plan_reemployed": 3, "plan_businesses_started": 1,
                       "plan_jobs_created": 4, "plan_people_served": 77}
    Plan.objects.filter(pk=plans["b"].pk).update(jobs_created=6)
    assert {f.key: f.value for f in plan_outcomes(scope, period)}["plan_jobs_created"] == 10
    org_figures = {f.key: f.value for f in plan_outcomes(ReportScope(district=world.district, organization=world.youth),
                                                         period)}
    assert (org_figures["plans_ended"], org_figures["plan_people_served"]) == (1, 7)


def test_generated_report_text_quotes_the_plan_figures(world, plans):
    from quntuan.core.testing import make_resident
    from quntuan.reports.compose import compose
    from quntuan.reports.figures import compute_figures
    from quntuan.reports.models import ReportDraft

    make_resident(world.district)  # a zero figure is left out of the sentences
    draft = ReportDraft(district=world.district, period_kind="year", year=2026, number=1, title="汇报",
                        narrative={}, figures=compute_figures(ReportScope(district=world.district),
                                                              Period(kind="year", year=2026)))
    text = "".join(b.text for b in compose(draft))
    assert "完成工作计划3项" in text and "带动就业岗位4个" in text and "服务群众77人次" in text
    # a year report generated in June reads "as of" the day it was generated, not 31 December
    assert "截至2026年6月15日" in text and "2026年12月31日" not in text
    table = next(b for b in compose(draft) if b.kind == "table")
    assert ["带动就业岗位", "4个"] in table.rows


def test_plan_outcomes_chart_shows_a_plan_running_through_the_year(world):
    make_plan(world, world.youth, date(2026, 12, 31), trained=12)
    scope = charts.Scope(district=world.district, start=date(2026, 1, 1), end=date(2026, 6, 15))
    chart = charts.plan_outcomes_chart(scope)
    assert chart["categories"] == [world.youth.name]
    assert {s["key"]: s["data"] for s in chart["series"]}["trained"] == [12]
    later = charts.Scope(district=world.district, start=date(2027, 1, 1), end=date(2027, 3, 1))
    assert charts.plan_outcomes_chart(later)["categories"] == []
