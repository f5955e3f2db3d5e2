import pytest

from quntuan.catalog import data
from quntuan.catalog.models import Category, Service
from quntuan.catalog.services import catalog_seed
from quntuan.core.testing import make_district
from quntuan.organizations.models import Organization

pytestmark = pytest.mark.django_db


def test_catalog_seed_creates_everything_once():
    district = make_district()
    first = catalog_seed(district)
    expected_services = sum(len(v) for v in data.SERVICES.values())
    assert first == {"organizations": 7, "categories": 27, "services": expected_services}
    assert catalog_seed(district) == {"organizations": 0, "categories": 0, "services": 0}
    assert Organization.objects.filter(district=district).count() == 7
    assert sorted(Organization.objects.filter(district=district, kind="mass").values_list("code", flat=True)) == sorted(
        data.MASS_ORG_CODES
    )
    assert Category.objects.count() == 27
    assert Service.objects.count() == expected_services
    assert not Service.objects.filter(search_text="").exists()


def test_every_category_has_two_to_four_services_with_valid_class():
    assert {c["code"] for c in data.CATEGORIES} == set(data.SERVICES)
    for code, services in data.SERVICES.items():
        assert 2 <= len(services) <= 4, code
        for spec in services:
            assert spec["time_limit_class"] in {"immediate", "consult", "help", "complaint"}
            assert len(spec["name"]) <= 80


def test_seed_serves_second_district_with_shared_categories():
    first, second = make_district("甲区"), make_district("乙区")
    catalog_seed(first)
    result = catalog_seed(second)
    assert result["categories"] == 0
    assert result["organizations"] == 7
    assert Service.objects.filter(organization__district=second).count() == result["services"]
