import pytest

from quntuan.catalog.models import Category
from quntuan.catalog.services import service_create
from quntuan.core.testing import make_district, make_org


@pytest.fixture
def small_catalogue(db):
    """Three services of one union in one district, with category texts that do not interfere."""
    district = make_district("检索区")
    union = make_org(district, "union")
    women = make_org(district, "women")
    legal = Category.objects.create(code="t.legal", org_code="union", name="职工维权")
    welfare = Category.objects.create(code="t.welfare", org_code="union", name="职工福利")
    health = Category.objects.create(code="t.health", org_code="women", name="妇女健康")
    a = service_create(organization=union, category=legal, name="工伤认定咨询", time_limit_class="consult",
                       description="讲解认定流程。")
    b = service_create(organization=union, category=legal, name="劳动争议调解", time_limit_class="complaint",
                       description="涉及工伤认定的争议也可调解。")
    c = service_create(organization=union, category=welfare, name="职工疗休养", time_limit_class="help",
                       description="一线职工按名额参加。", materials="单位推荐表\n身份证")
    d = service_create(organization=women, category=health, name="两癌筛查预约", time_limit_class="consult",
                       description="适龄妇女免费检查。")
    return {"district": district, "union": union, "women": women, "a": a, "b": b, "c": c, "d": d,
            "legal": legal, "welfare": welfare}
