# ruff: noqa: F811  (pytest fixtures imported from core_fixtures are used as arguments)
"""The duplicate check reads each candidate's clues as stored at intake (never segmenting the
candidates' texts): stored at submission under the extraction version, recomputed and written
back when missing or of another version (without touching ``updated_at``), filled in batches by
``manage.py case_clues``; the candidates come from one statement (after the user's memberships),
without their content."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quntuan.cases.models import Case
from quntuan.cases.queries import clue_text, duplicate_candidates, likely_duplicates
from quntuan.cases.services import case_transfer
from quntuan.cases.tests.core_fixtures import case, monday, world  # noqa: F401
from quntuan.core.testing import make_category, make_service
from quntuan.routing import services as routing

CATS = ("union.legal",)


@pytest.fixture(autouse=True)
def _fresh():
    routing.reset_cache()
    routing._clues_of.cache_clear()
    yield
    routing.reset_cache()


@pytest.fixture
def legal(world):
    return make_service(
        world.union, category=make_category("union.legal", "职工法律援助"), name="劳动争议法律援助"
    )


@pytest.fixture
def original(world, legal):
    return world.submit(
        community=world.community,
        service=legal,
        title="华兴公司拖欠工资三个月",
        content="我在华兴公司上班,公司拖欠我们三个月工资,老板说没钱。",
    )


def check(world, text, **kw):
    return likely_duplicates(
        user=world.union_receiver,
        text=text,
        district_id=world.district.pk,
        community_id=world.community.pk,
        categories=CATS,
        **kw,
    )


def test_intake_stores_the_clues_of_title_and_first_lines(world, original):
    stored = Case.objects.get(pk=original.pk).clues
    spec, gen = routing.clue_sets(clue_text(original.title, original.content))
    assert stored == {"v": routing.clue_version(), "s": sorted(spec), "g": sorted(gen)}
    assert "华兴公司" in stored["s"]


def test_the_check_reads_stored_clues_not_the_text(world, original):
    assert [r["id"] for r in check(world, "华兴公司三个月不发工资")] == [original.pk]
    # stored clues of another matter: the case no longer matches, whatever its text says
    other = routing.clues_to_store("光明小区电梯坏了一个月没人修")
    Case.objects.filter(pk=original.pk).update(clues=other)
    assert check(world, "华兴公司三个月不发工资") == []
    assert check(world, "光明小区电梯坏了很久")[0]["id"] == original.pk


@pytest.mark.parametrize("stale", [None, {"v": -1, "s": [], "g": []}, {"v": 1}, "broken"])
def test_missing_or_stale_clues_are_recomputed_and_written_back(world, original, stale):
    Case.objects.filter(pk=original.pk).update(clues=stale)
    before = Case.objects.get(pk=original.pk).updated_at
    found = check(world, "华兴公司三个月不发工资")
    assert [r["id"] for r in found] == [original.pk]
    assert "clues" not in found[0]
    row = Case.objects.get(pk=original.pk)
    assert row.clues == routing.clues_to_store(clue_text(original.title, original.content))
    assert row.updated_at == before  # the search refresh sees no change


def test_two_statements_read_the_candidates_without_their_content(world, original):
    with CaptureQueriesContext(connection) as ctx:
        rows = list(
            duplicate_candidates(
                user=world.union_receiver,
                district_id=world.district.pk,
                community_id=world.community.pk,
                categories=CATS,
            )
        )
    assert [r["id"] for r in rows] == [original.pk]
    assert len(ctx.captured_queries) == 2  # the user's memberships (the case policy), the candidates
    assert '"content"' not in ctx.captured_queries[-1]["sql"].split("FROM")[0]
    assert rows[0]["clues"] == Case.objects.get(pk=original.pk).clues


def test_candidates_respect_the_policy_and_categories(world, original, legal):
    kw = dict(district_id=world.district.pk, community_id=world.community.pk)
    assert [r["id"] for r in duplicate_candidates(user=world.union_staff, categories=CATS, **kw)] == [
        original.pk
    ]
    assert list(duplicate_candidates(user=world.women_staff, categories=CATS, **kw)) == []  # not visible
    assert list(duplicate_candidates(user=world.union_staff, categories=("women.rights",), **kw)) == []
    # transferred to the women's federation: now visible to it as an incoming transfer
    case_transfer(case=original, actor=world.union_receiver, to_org=world.women, reason="转办")
    assert [r["id"] for r in duplicate_candidates(user=world.women_staff, categories=CATS, **kw)] == [
        original.pk
    ]


def test_backfill_command_fills_missing_and_stale_clues(world, original):
    second = world.submit(community=world.community, title="光明小区电梯坏了", content="电梯坏了一个月")
    Case.objects.filter(pk=original.pk).update(clues=None)
    Case.objects.filter(pk=second.pk).update(clues={"v": -1, "s": [], "g": []})
    out = StringIO()
    call_command("case_clues", "--batch", "1", stdout=out)
    assert "共写入 2 条" in out.getvalue()
    for c in (original, second):
        assert Case.objects.get(pk=c.pk).clues == routing.clues_to_store(clue_text(c.title, c.content))
    out = StringIO()
    call_command("case_clues", stdout=out)
    assert "共写入 0 条" in out.getvalue()


def test_the_duplicate_check_reuses_the_suggestions_of_the_same_text(world):
    text = "华兴公司三个月不发工资"
    shown = tuple(s["category"] for s in routing.routing_suggest(text=text))
    assert routing._recent[(routing._cache["key"], text)] == shown
    assert routing.routing_categories(text=text) == shown
    routing.reset_cache()  # a new model: nothing reused
    assert not routing._recent
    again = routing.routing_categories(text=text)
    assert routing._recent[(routing._cache["key"], text)] == again
    assert again == tuple(s["category"] for s in routing.routing_suggest(text=text))
