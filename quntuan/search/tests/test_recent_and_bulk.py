"""The newest matches first (the newest-first probe, then the full-text index), the bulk load (``search_reindex --fresh``) and the cached
permission keys. The PostgreSQL variants run with ``-m postgres``."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from quntuan.cases.models import Case
from quntuan.cases.policies import case_policy
from quntuan.organizations.models import Membership
from quntuan.search import permissions, queries
from quntuan.search.documents import COPY_COLUMNS
from quntuan.search.models import DocumentKind, SearchDocument
from quntuan.search.queries import search
from quntuan.search.services import index_rebuild

from .test_permissions import case_ids, cases, everyone  # noqa: F401 - the fixture


def _dated_cases(world, fresh, *, recent: int, old: int) -> tuple[list[int], list[int]]:
    """``recent`` cases received now and ``old`` cases received a year and more ago (newest first)."""
    with fresh():
        cases = [world.submit(title=f"电梯故障第{n}次", content="电梯又坏了。") for n in range(recent + old)]
    now = timezone.now()
    recent_ids, old_ids = [], []
    for n, case in enumerate(cases):
        if n < recent:
            at = now - timedelta(minutes=n)
            recent_ids.append(case.pk)
        else:
            at = now - timedelta(days=400 + n)
            old_ids.append(case.pk)
        Case.objects.filter(pk=case.pk).update(received_at=at)
    index_rebuild(kinds=[DocumentKind.CASE])
    return recent_ids, old_ids


def _check_newest_first(world, fresh, monkeypatch):
    monkeypatch.setattr(queries, "CANDIDATES", 3)
    recent, old = _dated_cases(world, fresh, recent=4, old=3)
    # Four recent matches: the three newest are ranked, the count is capped.
    result = search(user=world.union_staff, query="电梯故障", kind=DocumentKind.CASE)
    assert {h.object_id for h in result.hits} == set(recent[:3])
    assert (result.counts[-1].count, result.counts[-1].capped, result.capped) == (3, True, True)
    # One recent match only: the older ones fill up to three, newest first.
    Case.objects.filter(pk__in=recent[1:]).update(title="水管爆裂", content="水管爆裂。")
    index_rebuild(kinds=[DocumentKind.CASE])
    result = search(user=world.union_staff, query="电梯故障", kind=DocumentKind.CASE)
    assert {h.object_id for h in result.hits} == {recent[0], *old[:2]}
    assert result.counts[-1].capped is True
    # Nobody else's: other organizations find none of them, recent or old.
    assert search(user=world.youth_staff, query="电梯故障", kind=DocumentKind.CASE).hits == []
    assert search(user=world.other_supervisor, query="电梯故障", kind=DocumentKind.CASE).hits == []
    # The administrator (no key filter) takes the same two paths.
    result = search(user=world.admin, query="电梯故障", kind=DocumentKind.CASE)
    assert {h.object_id for h in result.hits} == {recent[0], *old[:2]}


def test_newest_matches_first_and_older_only_when_needed(world, fresh, monkeypatch):
    _check_newest_first(world, fresh, monkeypatch)


@pytest.mark.postgres
def test_postgres_newest_matches_first_and_older_only_when_needed(world, fresh, monkeypatch):
    _check_newest_first(world, fresh, monkeypatch)


def _check_permissions_exact(world, fresh):
    """Every kind of user finds exactly the cases the policy shows, recent and a year old."""
    _dated_cases(world, fresh, recent=2, old=2)
    with fresh():
        world.submit(title="拖欠工资", content="公司拖欠工资。")
        world.submit(title="单位拖欠加班费", content="拖欠加班费。", service=None)
    Case.objects.filter(title__startswith="电梯").update(title="拖欠物业费", content="拖欠物业费。")
    index_rebuild(kinds=[DocumentKind.CASE])
    for user in everyone(world):
        expected = set(case_policy.visible(user).filter(title__contains="拖欠").values_list("pk", flat=True))
        assert case_ids(user) == expected, user.username


def test_permissions_exact_across_the_window(world, fresh):
    _check_permissions_exact(world, fresh)


@pytest.mark.postgres
def test_postgres_permissions_exact_across_the_window(world, fresh):
    _check_permissions_exact(world, fresh)


def _documents():
    return {(d["kind"], d["object_id"]): tuple(d[c] for c in COPY_COLUMNS if c != "updated_at")
            for d in SearchDocument.objects.values(*COPY_COLUMNS)}


def _check_fresh_load(world, fresh):
    with fresh():
        world.submit(title="噪音扰民", content="夜间施工噪音。")
        world.submit(title="路灯不亮", content="小区路灯坏了。", address="幸福社区3号楼")
    index_rebuild()
    before = _documents()
    assert {k[0] for k in before} >= {"service", "case"}
    call_command("search_reindex", "--fresh", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _documents() == before
    assert {h.title for h in search(user=world.union_staff, query="路灯", kind="case").hits} == {"<mark>路灯</mark>不亮"}


def test_fresh_bulk_load_writes_the_same_documents(world, fresh):
    _check_fresh_load(world, fresh)


@pytest.mark.postgres
def test_postgres_fresh_bulk_load_writes_the_same_documents(world, fresh):
    _check_fresh_load(world, fresh)


def test_cached_keys_follow_a_new_membership_at_once(world, fresh):
    with fresh():
        case = world.submit(title="拖欠工资", content="公司拖欠工资。")
    assert case.pk not in case_ids(world.youth_staff)
    assert permissions.cached_user_keys(world.youth_staff) == permissions.user_keys(world.youth_staff)
    membership = Membership.objects.create(user=world.youth_staff, organization=world.union)
    assert case.pk in case_ids(world.youth_staff)
    membership.delete()
    assert case.pk not in case_ids(world.youth_staff)
    assert permissions.cached_user_keys(world.youth_staff) == permissions.user_keys(world.youth_staff)


def test_the_generation_and_the_keys_are_one_cache_round_trip(world, monkeypatch):
    from django.core.cache import cache

    first = permissions.generation_and_keys(world.youth_staff)
    calls, inside = [], []

    def counted(name, real):
        def call(*args, **kwargs):
            if not inside:  # the local-memory cache's get_many calls get: count the outer call only
                calls.append(name)
            inside.append(name)
            try:
                return real(*args, **kwargs)
            finally:
                inside.pop()
        return call

    for name in ("get", "get_many", "set"):
        monkeypatch.setattr(cache, name, counted(name, getattr(cache, name)))
    assert permissions.generation_and_keys(world.youth_staff) == first
    assert calls == ["get_many"]
    permissions.keys_generation_bump()  # a membership changed: the stored keys are of an old generation
    calls.clear()
    generation, keys = permissions.generation_and_keys(world.youth_staff)
    assert (generation, keys) == (first[0] + 1, permissions.user_keys(world.youth_staff))
    assert calls == ["get_many", "set"]


def test_candidate_cache_is_per_key_set_and_follows_this_process_writes(world, fresh, monkeypatch):
    from django.contrib.auth.models import AnonymousUser

    from quntuan.core.testing import make_service

    monkeypatch.setattr(queries, "CANDIDATE_CACHE_SECONDS", 60.0)
    with fresh():
        case = world.submit(title="拖欠工资", content="公司拖欠工资。")
    hits = dict(queries.cache_stats)
    assert case.pk in case_ids(world.union_staff)
    assert case.pk in case_ids(world.union_staff)
    assert queries.cache_stats["hits"] > hits["hits"]
    # Another user's keys are another entry: the youth league never gets the union's list.
    assert case.pk not in case_ids(world.youth_staff)
    assert search(user=AnonymousUser(), query="快递").hits == []
    with fresh():
        make_service(world.union, name="快递小哥入会")
    assert [h.object_id for h in search(user=AnonymousUser(), query="快递").hits] != []


def test_words_in_nearly_every_case_are_left_out_while_others_remain():
    common = frozenset({"社区", "号"})
    terms = [[("光明",)], [("公寓",)], [("社区",)]]
    assert queries.without_common(terms, common) == [[("光明",)], [("公寓",)]]
    # A group with a rarer alternative stays; a query of common words only is kept whole.
    assert queries.without_common([[("社区",), ("居委会",)], [("光明",)]], common) == [[("社区",), ("居委会",)],
                                                                                      [("光明",)]]
    assert queries.without_common([[("社区",)], [("号",)]], common) == [[("社区",)], [("号",)]]


@pytest.mark.postgres
def test_postgres_common_words_come_from_the_statistics(world, fresh):
    from django.db import connection

    with fresh():
        for n in range(12):
            world.submit(title=f"幸福社区第{n}件事", content="幸福社区的事。")
    index_rebuild()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE search_document")
    queries._common["at"] = float("-inf")
    assert "社区" in queries.common_words()
    assert "拖欠" not in queries.common_words()
    titles = {h.object_id for h in search(user=world.union_staff, query="幸福社区", kind="case").hits}
    assert len(titles) == 12


def _check_every_role(world, cases):  # noqa: F811
    """Handled, transferring, co-handled and other-district cases: the handled part (by
    organization and date) and the keys part together give exactly what the policy shows."""
    for user in everyone(world):
        expected = set(case_policy.visible(user).values_list("pk", flat=True))
        assert case_ids(user) == expected, user.username
    union_keys = permissions.user_keys(world.union_staff)
    assert f"ch{world.union.pk}x{world.district.pk}" in union_keys
    assert SearchDocument.objects.get(kind="case", object_id=cases["union"].pk).acl.split().count(
        f"ch{world.union.pk}x{world.district.pk}") == 1


def test_every_role_finds_exactly_its_cases(world, cases):  # noqa: F811
    _check_every_role(world, cases)


@pytest.mark.postgres
def test_postgres_every_role_finds_exactly_its_cases(world, cases):  # noqa: F811
    _check_every_role(world, cases)


@pytest.mark.postgres
def test_postgres_documents_indexed_before_the_handling_key_are_found_once(world, cases):  # noqa: F811
    """An index built before ``ch`` keys (handling organization under ``co``): found, never twice."""
    for doc in SearchDocument.objects.filter(kind="case"):
        doc.acl = doc.acl.replace(" ch", " co")
        doc.save(update_fields=["acl"])
    result = search(user=world.union_staff, query="拖欠", kind="case", page_size=50)
    ids = [h.object_id for h in result.hits]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(case_policy.visible(world.union_staff).values_list("pk", flat=True))


# --- the newest cases week by week ------------------------------------------------------------------

def test_week_keys_scope_each_key_to_the_cases_week_in_utc():
    monday = datetime(2026, 11, 23, tzinfo=UTC)
    week = permissions.week_number(monday)
    assert permissions.week_number(monday - timedelta(microseconds=1)) == week - 1
    assert permissions.week_number(monday + timedelta(days=6, hours=23, minutes=59)) == week
    # 07:00 on Monday in Shanghai is still Sunday in UTC: the week is UTC's, whatever the clock.
    assert permissions.week_number(datetime(2026, 11, 23, 7, tzinfo=ZoneInfo("Asia/Shanghai"))) == week - 1
    assert permissions.week_keys(["cd2", "ch3x2"], week) == [f"cd2t{week}", f"ch3x2t{week}"]


def test_case_documents_carry_their_keys_scoped_to_their_week(world, cases):  # noqa: F811
    case = cases["union"]
    week = permissions.week_number(Case.objects.get(pk=case.pk).received_at)
    acl = SearchDocument.objects.get(kind="case", object_id=case.pk).acl.split()
    keys = [k for k in acl if k != "kc" and not k.endswith(f"t{week}")]
    assert f"ch{world.union.pk}x{world.district.pk}" in keys
    assert acl == ["kc", *keys, *(f"{k}t{week}" for k in keys)]


def test_the_window_is_sized_from_the_201st_match_or_from_what_it_found():
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)  # a Wednesday
    key = ("case", "'电梯'", ("ch1x2",))
    learn = queries._window_learn
    learn(key, 8, 201, None, now - timedelta(days=7), now)  # the 201st last week: two weeks do
    assert queries._probe_sizes[key] == 2
    learn(key, 8, 201, None, now - timedelta(weeks=5), now)
    assert queries._probe_sizes[key] == 6
    learn(key, 6, 201, None, now - timedelta(hours=1), now)  # never less than this week and the last
    assert queries._probe_sizes[key] == queries.WINDOW_MIN
    # 50 in two weeks (9.5 days) and more in all: 201 need about 48 days, so eight weeks.
    learn(key, 2, 50, 201, None, now)
    assert queries._probe_sizes[key] == 8
    # Fewer than 201 in all: no window can help. None in the window, many in all: too sparse.
    learn(key, 2, 50, 120, None, now)
    assert queries._probe_sizes[key] == 0
    learn(key, 4, 0, 201, None, now)
    assert queries._probe_sizes[key] == 0


def _check_every_window(world, fresh, monkeypatch):
    """Whatever the window, the answer is the newest matches: cases spread over a year and more."""
    monkeypatch.setattr(queries, "CANDIDATES", 3)
    with fresh():
        made = [world.submit(title=f"电梯故障第{n}次", content="电梯又坏了。") for n in range(9)]
    now = timezone.now()
    for case, days in zip(made, (400, 0, 90, 3, 22, 1, 40, 8, 15), strict=True):
        Case.objects.filter(pk=case.pk).update(received_at=now - timedelta(days=days, minutes=5))
    index_rebuild(kinds=[DocumentKind.CASE])
    by_date = list(Case.objects.filter(pk__in=[c.pk for c in made]).order_by("-received_at").values_list("pk", flat=True))
    for weeks in (1, 2, 3, 5, 8, 20, 0):
        monkeypatch.setattr(queries, "WINDOW_START", weeks)
        queries._probe_sizes.clear()
        for _ in range(3):  # the first window, then the learnt ones
            result = search(user=world.union_staff, query="电梯故障", kind=DocumentKind.CASE)
            assert {h.object_id for h in result.hits} == set(by_date[:3]), weeks
            assert result.capped is True
            supervised = search(user=world.supervisor, query="电梯故障", kind=DocumentKind.CASE)
            assert {h.object_id for h in supervised.hits} == set(by_date[:3]), weeks
    assert search(user=world.youth_staff, query="电梯故障", kind=DocumentKind.CASE).hits == []


def test_every_window_gives_the_newest_matches(world, fresh, monkeypatch):
    _check_every_window(world, fresh, monkeypatch)


@pytest.mark.postgres
def test_postgres_every_window_gives_the_newest_matches(world, fresh, monkeypatch):
    _check_every_window(world, fresh, monkeypatch)


def _check_week_key_migration(world, cases):  # noqa: F811
    """Documents indexed before the week keys get exactly what the index writes today, once."""
    import importlib
    import re
    from types import SimpleNamespace

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("quntuan.search.migrations.0006_case_week_keys")
    today = dict(SearchDocument.objects.filter(kind="case").values_list("id", "acl"))
    assert len(today) >= 3
    for doc in SearchDocument.objects.filter(kind="case"):
        doc.acl = " ".join(k for k in doc.acl.split() if not re.search(r"t\d+$", k))
        doc.save(update_fields=["acl"])
    assert dict(SearchDocument.objects.filter(kind="case").values_list("id", "acl")) != today
    for _ in range(2):
        migration.add_week_keys(apps, SimpleNamespace(connection=connection))
        assert dict(SearchDocument.objects.filter(kind="case").values_list("id", "acl")) == today
    for user in everyone(world):
        assert case_ids(user) == set(case_policy.visible(user).values_list("pk", flat=True)), user.username


def test_week_keys_are_added_to_documents_indexed_before(world, cases):  # noqa: F811
    _check_week_key_migration(world, cases)


@pytest.mark.postgres
def test_postgres_week_keys_are_added_to_documents_indexed_before(world, cases):  # noqa: F811
    _check_week_key_migration(world, cases)


@settings(max_examples=300, deadline=None)
@given(weeks=st.integers(1, queries.WINDOW_MAX), age_hours=st.integers(0, 24 * 7 * queries.WINDOW_MAX),
       at=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31),  # noqa: DTZ001 - hypothesis bounds are naive
                       timezones=st.sampled_from([UTC, ZoneInfo("Asia/Shanghai")])))
def test_a_window_learnt_from_the_201st_match_still_holds_it(weeks, age_hours, at):
    """Whatever the clock, a window sized from the 201st match's date covers that date's week and
    every week after it up to the next one: the 201 matches found are all inside it again."""
    now = at
    oldest = now - timedelta(hours=age_hours)
    if permissions.week_number(now) - permissions.week_number(oldest) + 1 > weeks:
        return  # the 201st was outside the window that found it: impossible
    key = ("case", "'x'", ("cd1",))
    queries._window_learn(key, weeks, queries.CANDIDATES + 1, None, oldest, now)
    learnt = queries._probe_sizes.pop(key)
    assert queries.WINDOW_MIN <= learnt <= max(weeks, queries.WINDOW_MIN)
    keys = set(queries.window_keys(["cd1"], learnt, now))
    for week in range(permissions.week_number(oldest), permissions.week_number(now) + 2):
        assert f"cd1t{week}" in keys
