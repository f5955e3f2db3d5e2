from datetime import date
from decimal import Decimal

import pytest

from quntuan.assessment import queries
from quntuan.assessment.models import Budget, Indicator, ManualScore, Source
from quntuan.core.testing import make_community, make_district, make_org


@pytest.mark.django_db
def test_assessment_results_manual_and_coverage_rank_organizations():
    district = make_district()
    make_community(district, "甲社区")
    make_community(district, "乙社区", workstation=False)
    union, youth = make_org(district, "union"), make_org(district, "youth")
    manual = Indicator.objects.create(district=district, year=2026, name="品牌创建", source=Source.MANUAL, weight=50)
    Indicator.objects.create(district=district, year=2026, name="覆盖率", source=Source.COVERAGE, weight=50)
    ManualScore.objects.create(indicator=manual, organization=union, score=Decimal("90"), evidence="材料")
    ManualScore.objects.create(indicator=manual, organization=youth, score=Decimal("70"), evidence="材料")
    rows = queries.assessment_results(district, 2026)
    assert [(r["name"], r["total"], r["rank"]) for r in rows] == [("区总工会", 70.0, 1), ("共青团区委", 60.0, 2)]
    Budget.objects.create(organization=union, year=2025, amount=Decimal("100000"))
    Budget.objects.create(organization=union, year=2026, amount=Decimal("112500"))
    assert queries.budget_growth([union.pk], 2026)[union.pk]["growth"] == 0.125
    assert queries.coverage_district(district) == {"communities": 2, "workstations": 1, "coverage": 0.5}
    assert queries.year_range(2026) == (date(2026, 1, 1), date(2026, 12, 31))
