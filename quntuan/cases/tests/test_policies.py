import pytest
from django.contrib.auth.models import AnonymousUser

from quntuan.accounts.models import Role
from quntuan.cases.policies import case_policy
from quntuan.cases.services import case_add_cohandler, case_contact, case_reply_and_close, case_transfer
from quntuan.core.testing import make_org, make_region, make_staff, make_user
from quntuan.organizations.models import Region

USERS = ["anonymous", "resident", "other_resident", "youth_staff", "union_receiver", "union_staff",
         "union_leader", "women_staff", "women_leader", "supervisor", "other_supervisor", "auditor", "admin",
         "foreign_union_staff"]


def user(world, name):
    if name == "anonymous":
        return AnonymousUser()
    if name == "foreign_union_staff":
        return make_staff(make_org(world.other_district, "union"))
    return getattr(world, name)


@pytest.fixture
def handled(world, case):
    """A union case signed for by union_staff."""
    return case_contact(case=case, actor=world.union_staff)


VISIBLE = {"resident", "union_receiver", "union_staff", "union_leader", "supervisor", "auditor", "admin"}


@pytest.mark.parametrize("name", USERS)
def test_visible(world, handled, name):
    expected = name in VISIBLE
    u = user(world, name)
    assert (handled in case_policy.visible(u)) is expected
    assert case_policy.can_view(u, handled) is expected


HANDLERS = {"union_receiver", "union_staff", "union_leader"}


@pytest.mark.parametrize("name", USERS)
def test_can_handle_and_transfer(world, handled, name):
    u = user(world, name)
    assert case_policy.can_handle(u, handled) is (name in HANDLERS)
    assert case_policy.can_transfer(u, handled) is (name in HANDLERS)
    assert case_policy.can_decide_extension(u, handled) is (name == "union_leader")
    assert case_policy.can_confirm_informed(u, handled) is (name == "union_receiver")
    assert case_policy.can_rate(u, handled) is False  # still open


FULL_MOBILE = {"resident", "union_receiver", "union_staff", "union_leader"}


@pytest.mark.parametrize("name", USERS)
def test_mobile_is_masked_outside_the_handling_org(world, handled, name):
    u = user(world, name)
    assert case_policy.can_see_full_mobile(u, handled) is (name in FULL_MOBILE)
    expected = "13900001111" if name in FULL_MOBILE else "139****1111"
    assert case_policy.requester_mobile_for(u, handled) == expected


@pytest.mark.parametrize("name", USERS)
def test_transferring_case(world, handled, name):
    case = case_transfer(case=handled, actor=world.union_staff, to_org=world.women, reason="妇女权益")
    u = user(world, name)
    expected_visible = VISIBLE | {"women_staff", "women_leader"}
    assert case_policy.can_view(u, case) is (name in expected_visible)
    assert case_policy.can_accept_transfer(u, case) is (name in {"women_staff", "women_leader"})
    assert case_policy.can_transfer(u, case) is False


@pytest.mark.parametrize("name", USERS)
def test_cohandling_org_sees_the_case(world, handled, name):
    case_add_cohandler(case=handled, actor=world.union_staff, organization=world.youth, task="就业帮扶", days=3)
    u = user(world, name)
    assert case_policy.can_view(u, handled) is (name in VISIBLE | {"youth_staff"})
    assert case_policy.can_handle(u, handled) is (name in HANDLERS)


@pytest.mark.parametrize("name", USERS)
def test_only_the_requester_rates_a_closed_case(world, handled, name):
    case = case_reply_and_close(case=handled, actor=world.union_staff, result="已解决")
    u = user(world, name)
    assert case_policy.can_rate(u, case) is (name == "resident")
    assert case_policy.can_handle(u, case) is False


def test_first_inquirer_keeps_seeing_after_transfer(world, case):
    from quntuan.cases.services import case_transfer_accept

    case = case_transfer(case=case, actor=world.union_receiver, to_org=world.women, reason="妇女权益")
    case = case_transfer_accept(case=case, actor=world.women_staff)
    assert case_policy.can_view(world.union_receiver, case) is True
    assert case_policy.can_view(world.union_leader, case) is True  # first-inquiry organization
    assert case_policy.can_handle(world.union_receiver, case) is False
    assert case_policy.can_handle(world.women_staff, case) is True
    assert case_policy.can_see_full_mobile(world.union_receiver, case) is True


def test_city_supervisor_sees_every_district_of_the_city(world, case):
    city = world.district.parent
    city_supervisor = make_user(Role.SUPERVISOR, city)
    assert case_policy.can_view(city_supervisor, case) is True
    other_city = make_region("别市", Region.Level.CITY)
    assert case_policy.can_view(make_user(Role.SUPERVISOR, other_city), case) is False
    assert case_policy.can_view(make_user(Role.SUPERVISOR, None), case) is False


def test_inactive_user_sees_nothing(world, case):
    world.union_staff.is_active = False
    world.union_staff.save()
    assert case_policy.visible(world.union_staff).count() == 0


def test_visible_counts_exactly(world):
    mine = world.submit()
    other = world.submit(requester=world.other_resident, requester_mobile="13900002222", service=None,
                         organization=world.women)
    assert list(case_policy.visible(world.resident)) == [mine]
    assert list(case_policy.visible(world.other_resident)) == [other]
    assert list(case_policy.visible(world.union_staff)) == [mine]
    assert list(case_policy.visible(world.women_staff)) == [other]
    assert list(case_policy.visible(world.supervisor).order_by("id")) == [mine, other]
    assert case_policy.visible(world.other_supervisor).count() == 0


def test_admin_is_read_only_and_keeps_the_mobile_masked(client, world, case):
    from quntuan.accounts.models import User

    root = User.objects.create_superuser("root1", password="Root-Pass-2026")
    client.force_login(root)
    for url in ("/admin/cases/case/", f"/admin/cases/case/{case.pk}/change/", "/admin/cases/rating/",
                "/admin/cases/followup/", "/admin/cases/cohandling/", "/admin/cases/extensionrequest/"):
        assert client.get(url).status_code == 200, url
    html = client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert "139****1111" in html
    assert "13900001111" not in html
    assert client.get("/admin/cases/case/add/").status_code == 403
