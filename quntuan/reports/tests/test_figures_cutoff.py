"""A report generated before its period ends counts only what has happened by the generation
day (the clock is on 2026-11-23 10:00): activities already started, plans already completed,
cadres on post that day."""

from datetime import date

from quntuan.assessment.models import Cadre
from quntuan.programs.models import Plan
from quntuan.reports.figures import Period, Scope, compute_figures, figures_by_key
from quntuan.reports.tests.conftest import add_volunteer_activity

YEAR = Period(kind="year", year=2026)


def values(scope, period=YEAR):
    return {k: f["value"] for k, f in figures_by_key(compute_figures(scope, period)).items()}


def plan(demo, end, status):
    return Plan.objects.create(district=demo.district, organization=demo.union, kind=Plan.Kind.TRAINING,
                               title=f"计划{end}", goal="目标", start_date=date(2026, 1, 1), end_date=end,
                               status=status, trained=5)


def test_period_cutoff_is_the_generation_day(monday):
    assert YEAR.until == date(2026, 11, 23)
    assert Period(kind="month", year=2026, number=10).until == date(2026, 10, 31)


def test_future_activities_plans_and_cadres_are_not_counted(demo):
    scope = Scope(district=demo.district)
    before = values(scope)
    add_volunteer_activity(demo, day=28, served=25, minutes=60)  # scheduled, not yet held
    plan(demo, date(2026, 12, 31), Plan.Status.PUBLISHED)  # still running
    plan(demo, date(2026, 11, 10), Plan.Status.PUBLISHED)  # ended before today
    plan(demo, date(2026, 12, 31), Plan.Status.CLOSED)  # closed early
    Cadre.objects.create(organization=demo.youth, name="未到岗", kind=Cadre.Kind.SECONDED, start=date(2026, 12, 1))
    Cadre.objects.create(organization=demo.youth, name="年底离岗", kind=Cadre.Kind.SECONDED,
                         start=date(2026, 1, 1), end=date(2026, 11, 30))
    after = values(scope)
    assert after["activities_held"] == before["activities_held"]
    assert after["volunteer_activities"] == before["volunteer_activities"]
    assert after["volunteer_hours"] == before["volunteer_hours"]
    assert after["people_served"] == before["people_served"]
    assert after["plans_ended"] == before["plans_ended"] + 2
    assert after["plan_trained"] == before["plan_trained"] + 10
    assert after["seconded_cadres"] == before["seconded_cadres"] + 1
