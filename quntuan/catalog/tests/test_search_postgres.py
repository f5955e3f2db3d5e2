"""The same search gives the same results on PostgreSQL (icontains → ILIKE) as on SQLite."""

import pytest

from quntuan.catalog.models import Service
from quntuan.catalog.search import search_services
from quntuan.catalog.services import catalog_seed
from quntuan.core.testing import make_district

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def names(result):
    return [s.name for s in result.services]


def test_ranked_results_on_postgres(small_catalogue):
    assert names(search_services(Service.objects.all(), "工伤认定")) == ["工伤认定咨询", "劳动争议调解"]
    assert names(search_services(Service.objects.all(), "工伤 调解")) == ["劳动争议调解"]
    result = search_services(Service.objects.all(), "工伤 两癌")
    assert (result.mode, names(result)) == ("or", ["工伤认定咨询", "两癌筛查预约", "劳动争议调解"])


def test_seeded_catalogue_on_postgres():
    catalog_seed(make_district())
    assert names(search_services(Service.objects.all(), "两癌筛查"))[0] == "两癌免费筛查预约"
    assert names(search_services(Service.objects.all(), "VOLUNTEER")) == []
    assert names(search_services(Service.objects.all(), "残疾人证"))[:3] == [
        "残疾人证首次申领", "残疾人证换领与补办", "残疾人证迁移",
    ]
