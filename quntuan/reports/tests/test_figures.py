from datetime import date

import pytest

from quntuan.assessment import queries as aq
from quntuan.cases.queries import org_three_rates
from quntuan.core.exceptions import ApplicationError
from quntuan.reports.figures import Period, Scope, compute_figures, figures_by_key
from quntuan.reports.tests.conftest import add_volunteer_activity
from quntuan.volunteers.queries import training_figures

NOV = Period(kind="month", year=2026, number=11)


def values(scope, period=NOV):
    return {k: f["value"] for k, f in figures_by_key(compute_figures(scope, period)).items()}


def test_period_bounds():
    assert (NOV.start, NOV.end, NOV.label) == (date(2026, 11, 1), date(2026, 11, 30), "2026年11月")
    q = Period(kind="quarter", year=2026, number=4)
    assert (q.start, q.end, q.label) == (date(2026, 10, 1), date(2026, 12, 31), "2026年第四季度")
    h = Period(kind="half", year=2026, number=1)
    assert (h.start, h.end, h.label) == (date(2026, 1, 1), date(2026, 6, 30), "2026年上半年")
    y = Period(kind="year", year=2026)
    assert (y.start, y.end) == (date(2026, 1, 1), date(2026, 12, 31))
    with pytest.raises(ApplicationError):
        Period(kind="quarter", year=2026, number=5)
    with pytest.raises(ApplicationError):
        Period(kind="week", year=2026)


def test_district_figures_exact(demo):
    v = values(Scope(district=demo.district))
    assert v["registered_residents"] == 2
    assert v["new_residents"] == 2
    assert v["cases_received"] == 3
    assert v["services_delivered"] == 2
    assert v["response_rate"] == pytest.approx(0.6667)
    assert v["resolution_rate"] == 1.0
    assert v["satisfaction_rate"] == 1.0
    assert (v["training_person_times"], v["trainees"], v["reemployed"]) == (2, 2, 1)
    assert (v["activities_held"], v["activity_person_times"]) == (1, 3)
    assert (v["volunteer_activities"], v["people_served"], v["volunteer_hours"]) == (1, 40, 2.5)
    assert (v["communities"], v["workstations"], v["workstation_coverage"]) == (1, 1, 1.0)
    assert (v["cadre_trainings"], v["cadre_trainees"]) == (1, 30)
    assert (v["media_total"], v["media_city"], v["media_provincial"], v["media_national"]) == (3, 2, 1, 0)
    assert (v["established_posts"], v["seconded_cadres"]) == (5, 1)
    assert v["budget_amount"] == 11.5
    assert v["budget_growth"] == 0.15


def test_figures_are_the_queries(demo):
    """The report's numbers are what the apps' own queries give."""
    scope = Scope(district=demo.district)
    v = values(scope)
    rates = org_three_rates(organization=demo.union, start=NOV.start, end=NOV.end)
    assert v["response_rate"] == rates["response_rate"]
    assert v["resolution_rate"] == rates["resolution_rate"]
    tf = training_figures(organization_ids=scope.organization_ids, start=NOV.start, end=NOV.end)
    assert v["training_person_times"] == sum(f.person_times for f in tf.values())
    assert v["workstation_coverage"] == aq.coverage_district(demo.district)["coverage"]
    assert v["media_total"] == aq.media_by_level(demo.district, NOV.start, NOV.end)["total"]
    assert v["budget_growth"] == aq.budget_total(scope.organization_ids, 2026)["growth"]


def test_organization_scope_counts_only_its_own(demo):
    union = values(Scope(district=demo.district, organization=demo.union))
    youth = values(Scope(district=demo.district, organization=demo.youth))
    assert (union["cases_received"], union["services_delivered"], union["training_person_times"]) == (3, 2, 2)
    assert (youth["cases_received"], youth["services_delivered"], youth["training_person_times"]) == (0, 0, 0)
    assert (union["volunteer_activities"], youth["volunteer_activities"]) == (0, 1)
    assert (union["media_total"], youth["media_total"]) == (2, 1)
    assert (union["budget_growth"], youth["budget_growth"]) == (0.15, None)


def test_changing_data_changes_figures(demo):
    scope = Scope(district=demo.district)
    before = values(scope)
    add_volunteer_activity(demo, day=15, served=25, walk_ins=2, minutes=60)
    after = values(scope)
    assert after["volunteer_activities"] == before["volunteer_activities"] + 1
    assert after["people_served"] == before["people_served"] + 25
    assert after["volunteer_hours"] == before["volunteer_hours"] + 1.0
    assert after["activity_person_times"] == before["activity_person_times"] + 2


def test_other_months_are_empty(demo):
    v = values(Scope(district=demo.district), Period(kind="month", year=2026, number=10))
    assert (v["cases_received"], v["services_delivered"], v["volunteer_activities"], v["media_total"]) == (0, 0, 0, 0)
    assert v["response_rate"] is None
    assert v["registered_residents"] == 0
