"""Who may do what: a matrix over anonymous, resident, other organization, host staff, co-host
staff, host leader and platform administrator; refusals change nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser

from quntuan.accounts.models import Role
from quntuan.activities.policies import activity_policy, registration_policy, venue_policy
from quntuan.activities.tests.conftest import make_activity
from quntuan.core.testing import make_org, make_resident, make_staff, make_user

ACTORS = ["anonymous", "resident", "other_org", "host_staff", "co_host_staff", "host_leader", "admin"]


@pytest.fixture
def actors(world):
    women = make_org(world.district, "women")
    return {
        "anonymous": AnonymousUser(),
        "resident": world.resident,
        "other_org": make_staff(women),
        "host_staff": world.union_staff,
        "co_host_staff": world.youth_staff,
        "host_leader": make_staff(world.union, leader=True),
        "admin": make_user(Role.PLATFORM_ADMIN, world.district),
    }


@pytest.fixture
def cohosted(world):
    from quntuan.activities import services
    from quntuan.activities.tests.conftest import activity_input

    return services.activity_create(actor=world.union_staff, primary_host=world.union,
                                    data=activity_input(venue=world.venue), co_hosts=[world.youth])


@pytest.mark.parametrize(("who", "edit", "sees_draft"), [
    ("anonymous", False, False), ("resident", False, False), ("other_org", False, True),
    ("host_staff", True, True), ("co_host_staff", True, True), ("host_leader", True, True),
    ("admin", False, True),
])
def test_activity_matrix(actors, cohosted, who, edit, sees_draft):
    user = actors[who]
    assert activity_policy.can_edit(user, cohosted) is edit
    assert activity_policy.can_view(user, cohosted) is sees_draft  # still a draft
    assert (cohosted in activity_policy.editable(user)) is edit


@pytest.mark.parametrize(("who", "sees"), [
    ("anonymous", []), ("resident", ["resident"]), ("other_org", []), ("host_staff", ["resident", "other"]),
    ("host_leader", ["resident", "other"]), ("admin", ["resident", "other"]),
])
def test_registration_visibility(world, actors, who, sees):
    from quntuan.activities import services

    activity = make_activity(world)
    mine = services.registration_create(resident=world.resident, activity=activity)
    other = services.registration_create(resident=make_resident(world.district), activity=activity)
    names = {mine.pk: "resident", other.pk: "other"}
    visible = sorted(names[pk] for pk in registration_policy.visible(actors[who]).values_list("pk", flat=True))
    assert visible == sorted(sees)


@pytest.mark.parametrize(("who", "edit"), [
    ("anonymous", False), ("resident", False), ("other_org", False), ("host_staff", True),
    ("co_host_staff", False), ("host_leader", True), ("admin", True),
])
def test_venue_matrix(world, actors, who, edit):
    assert venue_policy.can_edit(actors[who], world.venue) is edit


def test_bookable_by(world, actors):
    women = actors["other_org"].memberships.get().organization
    assert venue_policy.may_book(world.venue, world.union) is True
    assert venue_policy.may_book(world.venue, world.youth) is True
    assert venue_policy.may_book(world.venue, women) is False
    assert list(venue_policy.bookable_for([women])) == []
    assert list(venue_policy.bookable_for([world.youth])) == [world.venue]
