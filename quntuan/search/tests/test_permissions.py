"""Search never shows a case to someone the cases policy does not let see it."""

import pytest
from django.contrib.auth.models import AnonymousUser

from quntuan.accounts.models import Role
from quntuan.cases.models import Case
from quntuan.cases.policies import case_policy
from quntuan.cases.services import case_add_cohandler, case_transfer
from quntuan.core.testing import make_community, make_org, make_service, make_staff, make_user
from quntuan.search import permissions
from quntuan.search.models import DocumentKind, SearchDocument
from quntuan.search.queries import search


def case_ids(user, query="拖欠"):
    result = search(user=user, query=query, kind=DocumentKind.CASE, page_size=50)
    return {h.object_id for h in result.hits}


@pytest.fixture
def cases(world, fresh):
    """A union case, a case handled by the youth league, one transferring from union to women,
    one co-handled by women, and one in the other district."""
    with fresh():
        union_case = world.submit(title="公司拖欠工资", content="公司拖欠我三个月工资。")
        youth_case = world.submit(title="学生被拖欠实习补贴", content="实习单位拖欠补贴。",
                                  service=make_service(world.youth, name="青少年权益"))
        transferring = world.submit(title="拖欠工资又遭家暴", content="丈夫拖欠家用并动手。")
        case_transfer(case=transferring, actor=world.union_receiver, to_org=world.women, reason="属妇联职责")
        cohandled = world.submit(title="女职工被拖欠产假工资", content="产假工资被拖欠。")
        case_add_cohandler(case=cohandled, actor=world.union_receiver, organization=world.women, task="协助", days=3)
        other_union = make_org(world.other_district, "union")
        make_staff(other_union, on_duty=True)
        make_community(world.other_district, "邻区社区")
        elsewhere = world.submit(district=world.other_district, title="邻区拖欠工资", content="邻区公司拖欠工资。",
                                 service=make_service(other_union, name="邻区欠薪"), requester=world.other_resident,
                                 requester_mobile=world.other_resident.mobile)
    return {"union": union_case, "youth": youth_case, "transferring": transferring, "cohandled": cohandled,
            "elsewhere": elsewhere}


def everyone(world):
    return [world.union_receiver, world.union_staff, world.union_leader, world.women_receiver, world.women_staff,
            world.women_leader, world.youth_staff, world.resident, world.other_resident, world.supervisor,
            world.other_supervisor, world.auditor, world.admin]


def test_search_finds_exactly_the_cases_the_policy_shows(world, cases):
    assert Case.objects.count() == 5
    for user in everyone(world):
        expected = set(case_policy.visible(user).values_list("pk", flat=True))
        assert case_ids(user) == expected, user.username


def test_permission_keys_mirror_the_policy_for_every_user(world, cases):
    documents = list(SearchDocument.objects.filter(kind=DocumentKind.CASE))
    assert len(documents) == 5
    for user in everyone(world):
        keys = permissions.user_keys(user)
        by_keys = {d.object_id for d in documents if keys is None or set(d.acl.split()) & keys}
        assert by_keys == set(case_policy.visible(user).values_list("pk", flat=True)), user.username


def test_other_organization_never_sees_a_case_until_involved(world, cases):
    union_case = cases["union"]
    assert union_case.pk in case_ids(world.union_staff)
    assert union_case.pk not in case_ids(world.women_staff)
    assert union_case.pk not in case_ids(world.youth_staff)
    assert cases["transferring"].pk in case_ids(world.women_staff)
    assert cases["cohandled"].pk in case_ids(world.women_staff)
    assert cases["youth"].pk not in case_ids(world.women_staff)
    assert cases["elsewhere"].pk not in case_ids(world.union_staff)


def test_residents_see_only_their_own_cases(world, cases):
    own = {c.pk for key, c in cases.items() if key != "elsewhere"}
    assert case_ids(world.resident) == own
    assert case_ids(world.other_resident) == {cases["elsewhere"].pk}
    other = make_user(Role.RESIDENT, world.district, mobile="13900009999")
    assert case_ids(other) == set()


def test_visitors_search_no_cases_at_all(world, cases):
    result = search(user=AnonymousUser(), query="拖欠")
    assert [c.kind for c in result.counts] == ["service", "activity", "plan"]
    assert all(h.kind != "case" for h in result.hits)
    assert search(user=AnonymousUser(), query="拖欠", kind="case").kind is None


def test_supervisors_see_their_district_only(world, cases):
    in_district = {c.pk for key, c in cases.items() if key != "elsewhere"}
    assert case_ids(world.supervisor) == in_district
    assert case_ids(world.other_supervisor) == {cases["elsewhere"].pk}
    assert case_ids(world.admin) == {c.pk for c in cases.values()}


def test_a_stale_index_never_shows_more(world, cases):
    """Even if a document's keys wrongly grant another organization (an index that lags behind),
    the policy check of the page keeps the case out."""
    SearchDocument.objects.filter(kind=DocumentKind.CASE, object_id=cases["union"].pk).update(
        acl=f"kc co{world.youth.pk}x{world.district.pk}")
    assert cases["union"].pk not in case_ids(world.youth_staff)


def test_involvement_after_the_fact_is_indexed_on_commit(world, cases, fresh):
    case = cases["union"]
    assert case.pk not in case_ids(world.youth_staff)
    with fresh():
        case_add_cohandler(case=case, actor=world.union_receiver, organization=world.youth, task="协助", days=3)
    assert case.pk in case_ids(world.youth_staff)


def test_the_policy_sql_is_compiled_once_and_still_reads_the_live_cases(world, cases, django_assert_num_queries):
    """The page's policy check keeps the SQL of ``visible(user)`` per user and generation, and runs
    it against the tables every time: a case the index still grants after it left is hidden."""
    from quntuan.search import queries

    generation = permissions.generation()
    first = queries.visible_sql(world.youth_staff, DocumentKind.CASE, generation)
    with django_assert_num_queries(0):
        assert queries.visible_sql(world.youth_staff, DocumentKind.CASE, generation) is first
    assert queries.visible_sql(world.youth_staff, DocumentKind.CASE, generation + 1) is not first
    assert queries.visible_sql(AnonymousUser(), DocumentKind.CASE, generation) is None  # nothing

    union_case = cases["union"]
    assert union_case.pk in case_ids(world.union_staff)
    SearchDocument.objects.filter(kind=DocumentKind.CASE, object_id=union_case.pk).update(
        acl=f"kc co{world.youth.pk}x{world.district.pk}")  # the index lags: it grants the youth league
    assert union_case.pk not in case_ids(world.youth_staff)
    Case.objects.filter(pk=union_case.pk).update(handling_org=world.women, first_inquirer_org=world.women,
                                                 first_inquirer=world.women_receiver, handler=None)  # the index is not told
    assert union_case.pk not in case_ids(world.union_staff)
    with django_assert_num_queries(1):  # all kinds in one statement
        assert queries.allowed_ids(world.union_staff, {DocumentKind.CASE: [union_case.pk, cases["youth"].pk],
                                                       DocumentKind.SERVICE: []}, generation) == {
            DocumentKind.CASE: {cases["youth"].pk}, DocumentKind.SERVICE: set()}
