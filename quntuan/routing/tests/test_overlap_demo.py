"""The demo district shows seed 001's legal-aid overlap: the union (union.legal), the women's
federation (women.rights) and the legal-aid centre (a government partner), in the catalogue and
in the cases that went between them."""

import random
from datetime import date

import pytest
from django.core.cache import cache

from quntuan.cases.models import Case, CaseStatus
from quntuan.cases.services._common import config_cache_clear
from quntuan.organizations.demo import SEED, _Builder, _load_calendar, _quiet, build_plan
from quntuan.organizations.models import Organization
from quntuan.routing import overlap
from quntuan.routing.demo import CASES, KEY_PREFIX, LEGAL_AID_CODE, seed_routing

ANCHOR = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def _fresh_caches():
    cache.clear()
    config_cache_clear()
    yield
    cache.clear()
    config_cache_clear()


@pytest.fixture
def demo(db):
    """The demo district's organizations, catalogue and people (no replayed cases), then the
    routing seeder."""
    _load_calendar(ANCHOR)
    builder = _Builder(build_plan(ANCHOR), ANCHOR, lambda _msg: None)
    builder.build_static()
    with _quiet():
        result = seed_routing(builder.district, random.Random(SEED + 5), today=ANCHOR)
    return builder.district, result


def test_the_seeder_adds_the_legal_aid_centre_and_its_cases_once(demo):
    district, result = demo
    assert result.created and result.counts == {"organizations": 1, "cases": len(CASES)}
    centre = Organization.objects.get(district=district, code=LEGAL_AID_CODE)
    assert centre.kind == Organization.Kind.GOVERNMENT
    assert centre.services.filter(is_active=True).count() == 2
    cases = Case.objects.filter(idempotency_key__startswith=KEY_PREFIX)
    assert cases.count() == len(CASES)
    assert cases.filter(status=CaseStatus.TRANSFERRING, transfer_to_org=centre).count() == 1
    assert cases.filter(handling_org=centre, status=CaseStatus.CLOSED).count() == 5
    again = seed_routing(district, random.Random(SEED + 5), today=ANCHOR)
    assert not again.created
    assert Case.objects.filter(idempotency_key__startswith=KEY_PREFIX).count() == len(CASES)


def test_the_demo_shows_legal_aid_shared_by_the_union_the_womens_federation_and_the_centre(demo):
    district, _ = demo
    orgs = {o.code: o for o in Organization.objects.filter(district=district)}
    union, women, centre = orgs["union"], orgs["women"], orgs[LEGAL_AID_CODE]
    m = overlap.overlap_matrix(district)

    union_centre = m.pair(union.pk, centre.pk)
    assert {s["a"]["category"] for s in union_centre.services} == {"union.legal"}
    assert {"法律援助", "劳动争议"} <= {t for s in union_centre.services for t in s["terms"]}
    assert [(t["category"], t["requested"], t["accepted"], t["returned"]) for t in union_centre.transfers] == [
        ("union.legal", 4, 3, 1)]

    women_centre = m.pair(women.pk, centre.pk)
    assert {s["a"]["category"] for s in women_centre.services} == {"women.rights"}
    assert "家庭暴力" in {t for s in women_centre.services for t in s["terms"]}
    assert [(t["category"], t["requested"], t["accepted"]) for t in women_centre.transfers] == [
        ("women.rights", 3, 2)]

    union_women = m.pair(union.pk, women.pk)
    moved = {(t["from_org"], t["category"]): t["requested"] for t in union_women.transfers}
    assert moved == {(women.pk, "women.rights"): 2, (union.pk, "union.legal"): 1}
    assert union_women.cohandling_count == 1

    # all three pairs are in the list the page shows, filtered by the centre
    assert {p.key for p in m.ranked(centre.pk)} >= {union_centre.key, women_centre.key}
