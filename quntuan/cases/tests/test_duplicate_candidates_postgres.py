# ruff: noqa: F811  (pytest fixtures imported from core_fixtures are used as arguments)
"""On PostgreSQL the duplicate check's candidates come from a statement written by hand, with the
case policy's condition compiled once per user (``_candidates_postgresql``). It must give exactly
the rows of the ORM's statement (``_candidates_orm``) for every kind of user and call, and a
change of memberships must reach it at once."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quntuan.accounts.models import Role
from quntuan.cases.models import Case, CaseStatus, CoHandling
from quntuan.cases.policies import visible_where
from quntuan.cases.queries import _candidates_orm, _candidates_postgresql, duplicate_candidates
from quntuan.cases.services import case_transfer
from quntuan.cases.tests.core_fixtures import monday, world  # noqa: F401
from quntuan.core.testing import make_category, make_community, make_staff, make_user
from quntuan.organizations.models import Membership
from quntuan.search.permissions import generation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

MOBILE = "13900003333"


@pytest.fixture
def cases(world):
    """Cases of every kind the statement tells apart: two communities, an address, a mobile, an
    older open case and an older closed one, merged, transferred, co-handled, another category."""
    legal = make_category("union.legal", "职工法律援助")
    rights = make_category("women.rights", "妇女维权")
    other_place = make_community(world.district, "和平社区")
    made = [
        world.submit(community=world.community, title="华兴公司拖欠工资", category=legal),
        world.submit(community=world.community, title="华兴公司又欠薪", category=legal,
                     requester_mobile=MOBILE),
        world.submit(community=world.community, title="家暴求助", category=rights),
        world.submit(community=world.community, title="没有分类的求助", service=None),
        world.submit(community=other_place, title="和平社区的欠薪", category=legal),
        world.submit(address="新桥社区宏达服装厂", title="宏达服装厂欠薪", category=legal),
        world.submit(address="宏达服装厂", title="宏达厂欠薪", category=legal, requester_mobile=MOBILE),
        world.submit(community=world.community, title="早先的欠薪(仍在办)", category=legal),
        world.submit(community=world.community, title="早先的欠薪(已办结)", category=legal),
        world.submit(community=world.community, title="已合并的重复件", category=legal),
        world.submit(community=world.community, title="转给妇联的件", category=legal),
        world.submit(community=world.community, title="青年团协办的件", category=legal),
    ]
    for minutes, c in enumerate(made):  # one after another, newest last
        Case.objects.filter(pk=c.pk).update(received_at=timezone.now() - timedelta(minutes=len(made) - minutes))
    long_ago = timezone.now() - timedelta(days=90)
    Case.objects.filter(pk__in=[made[7].pk, made[8].pk]).update(received_at=long_ago)
    Case.objects.filter(pk=made[8].pk).update(status=CaseStatus.CLOSED, closed_at=long_ago)
    Case.objects.filter(pk=made[9].pk).update(status=CaseStatus.MERGED, merged_into=made[0])
    case_transfer(case=made[10], actor=world.union_receiver, to_org=world.women, reason="转办")
    CoHandling.objects.create(case=made[11], organization=world.youth, due_date=timezone.localdate())
    return made


def users(world):
    city_supervisor = make_user(Role.SUPERVISOR, world.district.parent)
    street_user = make_user(Role.SUPERVISOR, world.community.parent)
    no_member = make_user(Role.STAFF, world.district)
    return {
        "union_receiver": world.union_receiver, "union_staff": world.union_staff,
        "women_staff": world.women_staff, "youth_staff": world.youth_staff,
        "resident": world.resident, "supervisor": world.supervisor,
        "other_supervisor": world.other_supervisor, "auditor": world.auditor, "admin": world.admin,
        "city_supervisor": city_supervisor, "street_user": street_user, "no_member": no_member,
    }


CALLS = {
    "community": dict(community=True),
    "community and categories": dict(community=True, categories=("union.legal",)),
    "another organization's categories": dict(community=True, categories=("women.rights", "union.legal")),
    "community, excluding the first": dict(community=True, exclude_first=True),
    "address": dict(address="宏达服装厂"),
    "address contained": dict(address="服装厂"),
    "short address": dict(address="厂"),
    "mobile alone": dict(mobile=MOBILE),
    "community and mobile": dict(community=True, mobile=MOBILE, categories=("union.legal",)),
    "nothing to look by": dict(),
}


@pytest.mark.parametrize("call", CALLS)
def test_the_written_statement_gives_the_rows_of_the_orm(world, cases, call):
    spec = CALLS[call]
    now = timezone.now() + timedelta(minutes=1)
    kw = dict(district_id=world.district.pk, community_id=world.community.pk if spec.get("community") else None,
              address=spec.get("address", ""), exclude_id=cases[0].pk if spec.get("exclude_first") else None,
              since=now - timedelta(days=60), now=now, categories=spec.get("categories"),
              mobile=spec.get("mobile", ""))
    seen_by_someone = False
    for name, user in users(world).items():
        written = _candidates_postgresql(user=user, **kw)
        orm = _candidates_orm(user=user, **kw)
        assert written == orm, name
        seen_by_someone |= bool(written)
    assert seen_by_someone or call in ("short address", "nothing to look by")  # "厂" only matches exactly


def test_the_policy_is_compiled_once_per_user_and_a_membership_change_reaches_it(world, cases):
    kw = dict(user=world.youth_staff, district_id=world.district.pk, community_id=world.community.pk)
    cohandled = {cases[11].pk}
    assert {r["id"] for r in duplicate_candidates(**kw)} == cohandled
    with CaptureQueriesContext(connection) as ctx:
        assert {r["id"] for r in duplicate_candidates(**kw)} == cohandled
    assert len(ctx.captured_queries) == 1  # the candidates alone: no memberships query
    # the cases themselves are read live: a co-handling ended is seen at once, in the same generation
    before = generation()
    CoHandling.objects.filter(case=cases[11]).delete()
    assert duplicate_candidates(**kw) == []
    # the youth league staff member joins the union: a new generation, the policy is compiled again
    Membership.objects.create(user=world.youth_staff, organization=world.union)
    assert generation() != before
    assert {r["id"] for r in duplicate_candidates(**kw)} >= {cases[0].pk, cases[11].pk}


def test_visible_where_for_everyone_nobody_and_a_joined_policy(world):
    g = generation()
    assert visible_where(world.admin, g) == ("", ())
    assert visible_where(None, g) is None
    city = make_user(Role.SUPERVISOR, world.district.parent)
    sql, params = visible_where(city, g)
    assert sql.startswith('"cases_case"."id" IN (SELECT')
    staff = make_staff(world.union, name="新来的")
    sql, params = visible_where(staff, g)
    assert "IN (" in sql and world.union.pk in params
