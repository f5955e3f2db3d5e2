"""The assessment demo: the plan-outcome indicator is among this year's indicators and this
month's dispatch meeting has progress reports to show."""

import random

from django.utils import timezone

from quntuan.assessment import queries
from quntuan.assessment.demo import seed_assessment
from quntuan.assessment.models import Indicator, Source


def test_demo_has_plan_indicator_and_reports_this_month(world):
    result = seed_assessment(world.district, random.Random(11))
    assert result.created
    assert Indicator.objects.filter(district=world.district, source=Source.PLAN_OUTCOMES).exists()
    board = queries.dispatch_board(world.district, timezone.localdate())
    reported = [r for r in board if r["report"] is not None]
    assert reported and any(not r["done"] for r in reported)
    assert any(r["overdue"] for r in board)
