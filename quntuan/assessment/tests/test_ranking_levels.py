"""The dashboard's ranking chart ranks streets at street level, organizations otherwise."""

from django.test import Client

from quntuan.assessment.models import Indicator, Source


def test_street_level_ranks_streets(world):
    Indicator.objects.create(district=world.district, year=2026, name="工作站覆盖率", source=Source.COVERAGE,
                             weight=10, scope=Indicator.Scope.STREET)
    Indicator.objects.create(district=world.district, year=2026, name="活动", source=Source.ACTIVITIES, weight=10,
                             target=5)
    c = Client()
    c.force_login(world.supervisor)
    street = c.get("/api/assessment/charts/ranking", {"street": world.street1.pk}).json()
    assert street["target"] == "street"
    assert world.street1.name in street["categories"] and "区总工会" not in street["categories"]
    assert street["selected"][street["categories"].index(world.street1.name)] is True
    assert all("scope=street" in link for link in street["links"])
    district = c.get("/api/assessment/charts/ranking").json()
    assert district["target"] == "organization" and world.street1.name not in district["categories"]
