"""The overlap computation: catalogue similarity (pure and cached), case-flow aggregates, the
matrix, and example cases limited to what the viewer may see."""


import pytest

from quntuan.catalog.services import service_save
from quntuan.routing import overlap
from quntuan.routing.overlap import ServiceDoc, similar_services

pytestmark = pytest.mark.usefixtures("overlap_caches", "overlap_clock")


def doc(pk, org, words, name=None):
    return ServiceDoc(id=pk, name=name or f"服务{pk}", organization_id=org, category_code=f"c{org}",
                      category_name="", words=tuple(words))


# --- pure similarity ------------------------------------------------------------------------------------
def test_similar_services_pairs_only_different_organizations_with_their_shared_words():
    docs = [
        doc(1, 10, ["法律援助", "律师", "劳动争议", "工伤"]),
        doc(2, 10, ["法律援助", "律师", "劳动争议", "欠薪"]),  # same organization as 1: never paired with it
        doc(3, 20, ["法律援助", "律师", "家庭暴力"]),
        doc(4, 30, ["科普", "讲座", "科技馆"]),
    ]
    pairs = similar_services(docs, threshold=0.1)
    assert [(p["a"]["id"], p["b"]["id"]) for p in pairs] == [(1, 3), (2, 3)]
    assert set(pairs[0]["terms"]) == {"法律援助", "律师"}
    assert all(p["a"]["organization_id"] < p["b"]["organization_id"] for p in pairs)


def test_one_shared_word_is_not_an_overlap():
    docs = [doc(1, 10, ["免费", "筛查", "两癌"]), doc(2, 20, ["免费", "律师", "咨询律师"])]
    assert similar_services(docs, threshold=0.0, min_shared=2) == []
    assert len(similar_services(docs, threshold=0.0, min_shared=1)) == 1


def test_similarity_of_identical_texts_is_one_and_empty_documents_are_ignored():
    docs = [doc(1, 10, ["欠薪", "讨薪"]), doc(2, 20, ["欠薪", "讨薪"]), doc(3, 30, [])]
    pairs = similar_services(docs)
    assert len(pairs) == 1 and pairs[0]["score"] == pytest.approx(1.0)
    assert similar_services([doc(1, 10, [])]) == []


def test_document_words_drop_generic_words():
    words = overlap.document_words(name="法律援助申请", description="协助办理相关材料,提供法律咨询")
    assert "法律援助" in words and "法律咨询" in words
    assert not {"申请", "协助", "办理", "相关", "材料", "提供"} & set(words)


# --- the catalogue of a district --------------------------------------------------------------------
def test_catalogue_overlaps_find_legal_aid_between_the_union_the_womens_federation_and_the_centre(w):
    pairs = overlap.catalog_overlaps(w.district.pk)
    by_orgs = {}
    for p in pairs:
        by_orgs.setdefault((p["a"]["organization_id"], p["b"]["organization_id"]), []).append(p)
    legal_union = by_orgs[(w.union.pk, w.legal.pk)]
    legal_women = by_orgs[(w.women.pk, w.legal.pk)]
    assert {"律师", "劳动争议"} <= {t for p in legal_union for t in p["terms"]}
    assert "家庭暴力" in {t for p in legal_women for t in p["terms"]}
    assert not any(w.youth.pk in key for key in by_orgs)  # psychological counselling overlaps with nobody


def test_catalogue_overlaps_are_cached_and_recomputed_when_the_catalogue_changes(w, monkeypatch,
                                                                                django_assert_max_num_queries):
    calls = []
    real = overlap._load_docs
    monkeypatch.setattr(overlap, "_load_docs", lambda district_id: calls.append(district_id) or real(district_id))
    first = overlap.catalog_overlaps(w.district.pk)
    with django_assert_max_num_queries(3):  # the fingerprint only
        assert overlap.catalog_overlaps(w.district.pk) == first
    assert calls == [w.district.pk]

    youth = w.services["青少年心理咨询预约"]
    youth.description = "未成年人遭受家庭暴力的,协助申请法律援助,由律师代理。"
    service_save(service=youth)
    changed = overlap.catalog_overlaps(w.district.pk)
    assert len(calls) == 2
    assert any(youth.pk in (p["a"]["id"], p["b"]["id"]) for p in changed)


def test_an_inactive_service_leaves_the_overlaps(w):
    centre_service = w.services["值班律师法律咨询"]
    assert any(centre_service.pk in (p["a"]["id"], p["b"]["id"]) for p in overlap.catalog_overlaps(w.district.pk))
    centre_service.is_active = False
    service_save(service=centre_service)
    assert not any(centre_service.pk in (p["a"]["id"], p["b"]["id"])
                   for p in overlap.catalog_overlaps(w.district.pk))


# --- the cases ---------------------------------------------------------------------------------------
def test_case_flows_count_transfers_cohandlings_and_needs_handled_elsewhere(w):
    flows = overlap.case_flows(w.district.pk)
    assert flows.transfers == {
        (w.union.pk, w.legal.pk, "union.legal"): {"requested": 1, "accepted": 1, "returned": 0},
        (w.women.pk, w.legal.pk, "women.rights"): {"requested": 1, "accepted": 0, "returned": 1},
        (w.women.pk, w.union.pk, "women.rights"): {"requested": 1, "accepted": 1, "returned": 0},
    }
    assert flows.cohandlings == {(w.union.pk, w.women.pk, "union.legal"): 1}
    # the walk-in the union's window took and handled; the transferred ones are not counted again
    assert flows.elsewhere == {(w.women.pk, w.union.pk, "women.rights"): 1}


def test_case_flows_are_a_fixed_number_of_queries(w, django_assert_num_queries):
    with django_assert_num_queries(7):  # organizations, categories, five grouped counts
        overlap.case_flows(w.district.pk)


def test_case_flows_of_another_district_or_before_the_period_are_empty(w):
    assert overlap.case_flows(w.other_district.pk).transfers == {}
    from datetime import datetime
    from zoneinfo import ZoneInfo

    later = datetime(2026, 12, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    flows = overlap.case_flows(w.district.pk, since=later)
    assert (flows.transfers, flows.cohandlings, flows.elsewhere) == ({}, {}, {})


# --- the matrix ---------------------------------------------------------------------------------------
def test_matrix_cells_add_service_pairs_transfers_cohandlings_and_cases_handled_elsewhere(w):
    m = overlap.overlap_matrix(w.district)
    union_legal = m.pair(w.legal.pk, w.union.pk)
    assert union_legal is m.pair(w.union.pk, w.legal.pk)
    assert union_legal.transfer_count == 1
    assert union_legal.weight == len(union_legal.services) + 1
    union_women = m.pair(w.union.pk, w.women.pk)
    assert (union_women.transfer_count, union_women.cohandling_count, union_women.shared_case_count) == (1, 1, 1)
    assert union_women.weight == len(union_women.services) + 3
    assert "women.rights" in union_women.categories
    assert m.pair(w.youth.pk, w.legal.pk) is None
    top = max(p.weight for p in m.pairs.values())
    assert m.max_weight == top and m.level(top) == overlap.LEVELS and m.level(0) == 0
    ranked = m.ranked(w.legal.pk)
    assert ranked and all(w.legal.pk in p.key for p in ranked)
    row = next(r for r in m.rows() if r["org"].pk == w.union.pk)
    assert [c["self"] for c in row["cells"]].count(True) == 1


# --- examples -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("pair_of, who, expected", [
    (("women", "legal"), "supervisor", {"violence"}),
    (("women", "legal"), "women_duty", {"violence"}),
    (("women", "legal"), "legal_staff", set()),  # returned: no longer the centre's case
    (("women", "legal"), "union_duty", set()),
    (("women", "legal"), "youth_staff", set()),
    (("women", "legal"), "other_supervisor", set()),
    (("union", "legal"), "supervisor", {"wages", "night_shift"}),
    (("union", "legal"), "legal_staff", {"wages"}),
    (("union", "legal"), "union_duty", {"wages", "night_shift"}),
    (("union", "legal"), "women_duty", {"night_shift"}),  # co-handled by the women's federation
])
def test_examples_are_only_cases_the_viewer_may_see(w, pair_of, who, expected):
    m = overlap.overlap_matrix(w.district)
    pair = m.pair(getattr(w, pair_of[0]).pk, getattr(w, pair_of[1]).pk)
    examples = overlap.pair_examples(getattr(w, who), w.district, pair)
    assert {k for k, c in w.cases.items() if c.pk in {e.pk for e in examples}} == expected


def test_examples_put_the_cases_that_went_between_the_two_first(w):
    m = overlap.overlap_matrix(w.district)
    pair = m.pair(w.union.pk, w.women.pk)
    everything = overlap.pair_examples(w.supervisor, w.district, pair)
    assert {e.pk for e in everything} == {w.cases[k].pk for k in ("woman_wages", "night_shift", "walk_in", "violence")}
    first_two = overlap.pair_examples(w.supervisor, w.district, pair, limit=2)
    assert {e.pk for e in first_two} == {w.cases["woman_wages"].pk, w.cases["night_shift"].pk}


def test_the_matrix_keeps_the_case_figures_for_a_few_minutes(w, django_assert_max_num_queries):
    overlap.overlap_matrix(w.district)
    with django_assert_max_num_queries(6):  # organizations, catalogue fingerprint, category names
        m = overlap.overlap_matrix(w.district)
    assert m.pair(w.union.pk, w.legal.pk).transfer_count == 1


@pytest.mark.parametrize("who, expected", [
    ("supervisor", {"wages", "violence", "woman_wages", "night_shift"}),
    ("union_duty", {"wages", "woman_wages", "night_shift"}),
    ("youth_staff", set()),
])
def test_the_lists_examples_are_only_cases_the_viewer_may_see(w, who, expected):
    m = overlap.overlap_matrix(w.district)
    found = overlap.examples_for_pairs(getattr(w, who), w.district, m.ranked(), per_pair=5)
    ids = {c.pk for cases in found.values() for c in cases}
    assert {k for k, c in w.cases.items() if c.pk in ids} == expected
