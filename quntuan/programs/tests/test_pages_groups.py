"""The target-group builder: live count by community (counts only), bad input, save and reuse."""

import json
import re
from datetime import date

import pytest

from quntuan.core.testing import make_resident
from quntuan.programs import services
from quntuan.programs.forms import CriteriaForm
from quntuan.programs.models import TargetGroup
from quntuan.programs.tests.conftest import resident_with


def _base(world, **extra):
    return {"organization": world["union"].pk, "purpose": "employment", "combine": "all", **extra}


@pytest.fixture
def people(world):
    """Three unemployed who agreed to employment notices (two in 幸福社区, one in 和平社区), one
    unemployed without that consent, one employed."""
    names = ["张三丰", "李四海", "王五岳"]
    resident_with(world, employment_status="unemployed", birth_date=date(1992, 1, 1))
    resident_with(world, employment_status="unemployed", birth_date=date(1980, 1, 1))
    resident_with(world, community=world["b"], employment_status="unemployed", birth_date=date(1995, 1, 1))
    resident_with(world, consent=("culture",), employment_status="unemployed", birth_date=date(1992, 1, 1))
    resident_with(world, employment_status="employed", birth_date=date(1992, 1, 1))
    return names


def test_live_preview_counts_by_community_and_never_names(client, world, people):
    client.force_login(world["union_staff"])
    response = client.post("/programs/groups/preview/", _base(world, employment_status=["unemployed"]),
                           headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-total="3"' in html
    assert "<td>幸福社区</td><td class=\"num\">2</td>" in html
    assert "<td>和平社区</td><td class=\"num\">1</td>" in html
    assert "<html" not in html
    from quntuan.accounts.models import User
    for user in User.objects.filter(role="resident"):
        assert user.name not in html and user.mobile not in html
    # a range and a region narrow it: aged 30–40 in 幸福社区 → one (born 1992)
    response = client.post("/programs/groups/preview/", _base(
        world, employment_status=["unemployed"], age_min="30", age_max="40", community=[world["a"].pk]))
    assert 'data-total="1"' in response.content.decode()
    # “any”: unemployed or aged under 40 → the employed one joins
    response = client.post("/programs/groups/preview/", _base(
        world, combine="any", employment_status=["unemployed"], age_max="40"))
    assert 'data-total="4"' in response.content.decode()


@pytest.mark.parametrize("extra, message", [
    ({}, "筛选条件不能为空。"),
    ({"age_min": "60", "age_max": "30"}, "年龄范围自相矛盾:最小 60 岁大于最大 30 岁。"),
    ({"advanced": '{"attr": "income", "op": "eq", "value": 1}'}, "未知的筛选属性:income"),
    ({"advanced": '{"all": [{"attr": "gender", "op": "eq", "value": "male"}, '
                  '{"attr": "gender", "op": "eq", "value": "female"}]}'},
     "筛选条件自相矛盾:“性别”不能同时取不同的值。"),
    ({"advanced": "{all: ["}, "高级条件不是有效的 JSON"),
    ({"age_min": "abc"}, "年龄不小于:"),
    ({"gender": ["robot"]}, "性别:"),
])
def test_bad_criteria_get_a_400_with_a_chinese_message(client, world, extra, message):
    client.force_login(world["union_staff"])
    response = client.post("/programs/groups/preview/", _base(world, **extra), headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert 'class="msg msg-error"' in response.content.decode()
    assert message in response.content.decode()
    saved = client.post("/programs/groups/", _base(world, name="测试人群", **extra))
    assert saved.status_code == 400
    assert message.rstrip(":") in saved.content.decode()
    assert not TargetGroup.objects.exists()


def test_save_and_reuse_a_group(client, world, people):
    client.force_login(world["union_staff"])
    response = client.post("/programs/groups/", _base(world, name="失业青年", employment_status=["unemployed"],
                                                      age_max="35"))
    group = TargetGroup.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/programs/groups/?group={group.pk}"
    assert group.criteria == {"all": [{"attr": "age", "op": "lte", "value": 35},
                                      {"attr": "employment_status", "op": "in", "value": ["unemployed"]}]}
    assert (group.organization, group.name) == (world["union"], "失业青年")
    page = client.get(f"/programs/groups/?group={group.pk}").content.decode()
    assert re.search(r'name="employment_status" value="unemployed"[^>]*checked', page)
    assert not re.search(r'name="employment_status" value="student"[^>]*checked', page)
    assert 'name="age_max" value="35"' in page
    assert 'hx-trigger="load, change, input delay:600ms"' in page
    # edit in place
    client.post("/programs/groups/", _base(world, group=group.pk, name="失业青年(35岁以下)",
                                           employment_status=["unemployed"], age_max="35"))
    group.refresh_from_db()
    assert group.name == "失业青年(35岁以下)"
    # the notice form offers it
    assert f'<option value="{group.pk}">失业青年(35岁以下)</option>' in client.get(
        f"/programs/notices/new/?group={group.pk}").content.decode().replace(" selected", "")


def test_another_organization_reuses_but_cannot_change_a_group(client, world):
    group = services.target_group_save(actor=world["union_staff"], organization=world["union"], name="工会会员",
                                       criteria={"all": [{"attr": "union_member", "op": "eq", "value": True}]})
    client.force_login(world["women_staff"])
    page = client.get(f"/programs/groups/?group={group.pk}").content.decode()
    assert "另存为本组织的人群" in page and "保存修改" not in page
    response = client.post("/programs/groups/", {"organization": world["women"].pk, "purpose": "employment",
                                                 "combine": "all", "group": group.pk, "name": "工会会员(妇联用)",
                                                 "union_member": "yes", "gender": ["female"]})
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "工会会员"
    copy = TargetGroup.objects.exclude(pk=group.pk).get()
    assert copy.organization == world["women"]


def test_residents_cannot_use_the_builder(client, world):
    client.force_login(make_resident(world["district"]))
    assert client.get("/programs/groups/").status_code == 403
    assert client.post("/programs/groups/preview/", _base(world, gender=["male"])).status_code == 403


def test_saved_criteria_fill_the_form_or_the_advanced_box():
    flat = {"any": [{"attr": "age", "op": "between", "value": [18, 35]}, {"attr": "league_member", "op": "eq",
                                                                          "value": True}]}
    assert CriteriaForm.initial_from(flat) == {"combine": "any", "age_min": 18, "age_max": 35, "league_member": "yes"}
    nested = {"all": [{"any": [{"attr": "gender", "op": "eq", "value": "female"}]}]}
    assert json.loads(CriteriaForm.initial_from(nested)["advanced"]) == nested
