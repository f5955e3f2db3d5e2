# ruff: noqa: F811  (pytest fixtures imported from core_fixtures are used as arguments)
"""The staff transfer form's optional category: the receiving organization's categories, grouped
by organization; a chosen one corrects the case's category through ``case_transfer`` (as the
API's ``category``) and becomes a routing label; a wrong choice is a 400 with a Chinese message
and changes nothing; only the handling organization's staff may transfer."""

import pytest

from quntuan.cases.models import CaseEvent, CaseStatus
from quntuan.cases.tests.core_fixtures import case, monday, world  # noqa: F401
from quntuan.core.testing import make_category
from quntuan.routing.models import RoutingLabel

HTMX = {"HTTP_HX_REQUEST": "true"}


def act(case, name="transfer"):
    return f"/cases/{case.tracking_no}/do/{name}/"


@pytest.fixture
def categories(world):
    return {
        code: make_category(code, name)
        for code, name in [
            ("women.rights", "妇女维权"),
            ("women.family", "婚姻家庭"),
            ("youth.care", "青少年关爱"),
            ("union.legal", "职工法律援助"),
        ]
    }


def state(case):
    case.refresh_from_db()
    return (
        case.status,
        case.transfer_to_org_id,
        case.category_id,
        case.events.count(),
        RoutingLabel.objects.filter(case=case).count(),
    )


def test_form_offers_the_receiving_organizations_categories(client, world, case, categories):
    client.force_login(world.union_receiver)
    html = client.get(f"/cases/{case.tracking_no}/").content.decode()
    form = html[html.index(f'action="{act(case)}"') :]
    form = form[: form.index("</form>")]
    assert "更正服务类别(选填)" in form
    assert '<option value="" selected>不更改</option>' in form
    assert '<optgroup label="区妇联">' in form and '<optgroup label="共青团区委">' in form
    women = form[form.index('<optgroup label="区妇联">') :]
    women = women[: women.index("</optgroup>")]
    assert '<option value="women.family">婚姻家庭</option>' in women
    assert '<option value="women.rights">妇女维权</option>' in women
    assert "union.legal" not in form  # the handling organization itself is not a receiver


def test_transfer_with_a_category_corrects_it_and_records_a_label(client, world, case, categories):
    client.force_login(world.union_receiver)
    response = client.post(
        act(case), {"to_org": str(world.women.pk), "category": "women.rights", "reason": "属妇女权益"}, **HTMX
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert (case.status, case.transfer_to_org, case.category) == (
        CaseStatus.TRANSFERRING,
        world.women,
        categories["women.rights"],
    )
    label = RoutingLabel.objects.get(case=case)
    assert (label.category.code, label.source, label.actor) == (
        "women.rights",
        "corrected",
        world.union_receiver,
    )
    assert case.events.filter(kind=CaseEvent.Kind.TRANSFER_REQUESTED, target_org=world.women).count() == 1


def test_transfer_without_a_category_keeps_it(client, world, case, categories):
    before = case.category_id
    client.force_login(world.union_receiver)
    response = client.post(
        act(case), {"to_org": str(world.women.pk), "category": "", "reason": "属妇女权益"}, **HTMX
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert (case.status, case.category_id) == (CaseStatus.TRANSFERRING, before)
    assert not RoutingLabel.objects.exists()


@pytest.mark.parametrize(
    ("category", "message"),
    [
        ("youth.care", "所选服务类别不属于接收单位,请重新选择。"),
        ("union.legal", "所选服务类别不存在。"),  # not among the receivers' categories
        ("no.such", "所选服务类别不存在。"),
    ],
)
def test_wrong_category_is_refused_in_chinese_and_changes_nothing(
    client, world, case, categories, category, message
):
    before = state(case)
    client.force_login(world.union_receiver)
    response = client.post(
        act(case), {"to_org": str(world.women.pk), "category": category, "reason": "转办"}, **HTMX
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert state(case) == before


@pytest.mark.parametrize("who", ["women_staff", "youth_staff", "supervisor", "resident", "other_resident"])
def test_others_may_not_transfer_with_a_category(client, world, case, categories, who):
    before = state(case)
    client.force_login(getattr(world, who))
    response = client.post(
        act(case), {"to_org": str(world.women.pk), "category": "women.rights", "reason": "转办"}, **HTMX
    )
    assert response.status_code in (403, 404)
    assert state(case) == before


def test_anonymous_is_sent_to_login(client, world, case, categories):
    before = state(case)
    response = client.post(
        act(case), {"to_org": str(world.women.pk), "category": "women.rights", "reason": "转办"}
    )
    assert response.status_code == 302 and "/login" in response["Location"]
    assert state(case) == before
