# ruff: noqa: F811  (pytest fixtures imported from core_fixtures are used as arguments)
"""Duplicate checks at intake: the routing API's duplicates endpoint on real cases (pre-filtered
by community and time, only visible cases), odd input answered without a 500, and the
service's own guards (another organization's matter, categories passed in, cached clues)."""

import json

import pytest
from django.test import Client

from quntuan.cases.tests.core_fixtures import monday, world  # noqa: F401
from quntuan.core.testing import make_category, make_service
from quntuan.routing import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    services.reset_cache()
    services._clues_of.cache_clear()
    yield
    services.reset_cache()


@pytest.fixture
def original(world):
    legal = make_service(world.union, category=make_category("union.legal", "职工法律援助"))
    return world.submit(community=world.community, service=legal, title="华兴公司拖欠工资三个月",
                        content="我在华兴公司上班,公司拖欠我们三个月工资,老板说没钱。")


def post(client, data):
    return client.post("/api/routing/duplicates", data=json.dumps(data), content_type="application/json")


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_finds_the_same_matter_in_the_community(world, original):
    r = post(client_for(world.union_receiver), {"text": "华兴公司三个月不发工资了", "community_id": world.community.pk})
    assert r.status_code == 200
    rows = r.json()
    assert [row["tracking_no"] for row in rows] == [original.tracking_no]
    assert "华兴公司" in rows[0]["shared"]
    assert 0.4 <= rows[0]["score"] <= 1


def test_address_alone_is_enough(world, original):
    original.address = "建设路 12 号"
    original.save(update_fields=["address"])
    r = post(client_for(world.union_receiver), {"text": "华兴公司三个月不发工资了", "address": "建设路 12 号"})
    assert [row["tracking_no"] for row in r.json()] == [original.tracking_no]


def test_address_part_finds_the_longer_stored_address(world, original):
    original.address = "新桥社区宏达服装厂"
    original.save(update_fields=["address"])
    r = post(client_for(world.union_receiver), {"text": "华兴公司三个月不发工资了", "address": "宏达服装厂"})
    assert [row["tracking_no"] for row in r.json()] == [original.tracking_no]
    # too short to be a place by itself: only an exact match counts
    r = post(client_for(world.union_receiver), {"text": "华兴公司三个月不发工资了", "address": "厂"})
    assert r.json() == []


def test_address_containment_stays_in_the_district_and_the_scan(world, original, monkeypatch):
    from quntuan.cases import queries

    original.address = "新桥社区宏达服装厂"
    original.save(update_fields=["address"])
    other = post(client_for(world.union_receiver), {"text": "华兴公司三个月不发工资了", "address": "宏达服装厂",
                                                    "district_id": world.other_district.pk})
    assert other.json() == []
    # only the district's newest ADDRESS_SCAN cases are searched for the address
    world.submit(community=world.community, title="另一件诉求", content="路灯坏了")
    monkeypatch.setattr(queries, "ADDRESS_SCAN", 1)
    r = post(client_for(world.union_receiver), {"text": "华兴公司三个月不发工资了", "address": "宏达服装厂"})
    assert r.json() == []


def test_nothing_without_a_place(world, original):
    r = post(client_for(world.union_receiver), {"text": "华兴公司三个月不发工资了"})
    assert (r.status_code, r.json()) == (200, [])


def test_only_cases_the_user_may_see(world, original):
    r = post(client_for(world.youth_staff), {"text": "华兴公司三个月不发工资了", "community_id": world.community.pk})
    assert (r.status_code, r.json()) == (200, [])
    r = post(client_for(world.other_resident), {"text": "华兴公司三个月不发工资了", "community_id": world.community.pk})
    assert (r.status_code, r.json()) == (200, [])


@pytest.mark.parametrize("text", ["", "   ", "😀😀😀", "。。。!!!", "字" * 20000,
                                  "Boss 不发 salary ❗ الراتب зарплата 😀"])
def test_odd_text_is_a_clear_answer(world, original, text):
    r = post(client_for(world.union_receiver), {"text": text, "community_id": world.community.pk})
    assert r.status_code == 200
    assert isinstance(r.json(), list)
    if text.strip() in ("", "😀😀😀", "。。。!!!"):
        assert r.json() == []


def test_bad_input_is_4xx(world):
    c = client_for(world.union_receiver)
    assert post(c, {"text": "欠薪", "community_id": 999999}).status_code == 400
    assert post(c, {"text": "字" * 20001, "community_id": world.community.pk}).status_code == 422
    assert post(c, {"text": "欠薪", "address": "路" * 201}).status_code == 422


def test_another_organizations_matter_is_not_a_duplicate():
    candidates = [{"id": 1, "text": "华兴公司拖欠工资三个月", "category": "youth.care"}]
    found = services.routing_duplicates(text="华兴公司拖欠工资三个月,老板跑了", candidates=candidates,
                                        categories=("union.legal",))
    assert found == []


def test_categories_passed_in_and_clues_remembered():
    candidates = [{"id": 7, "text": "华兴公司拖欠工资三个月", "category": "union.legal"}]
    found = services.routing_duplicates(text="华兴公司三个月没发工资", candidates=candidates,
                                        categories=("union.legal",))
    assert [f["id"] for f in found] == [7]
    assert services._clues_of.cache_info().currsize == 1
    services.routing_duplicates(text="华兴公司欠薪", candidates=candidates, categories=("union.legal",))
    assert services._clues_of.cache_info().hits == 1


# --- the same requester again ---------------------------------------------------------------------
ASKED_AGAIN = "上次反映的工资还是没发,已经三个月了,老板一直拖。"  # no place, no company named


def test_the_same_requester_asking_again_is_found_wherever(world, original):
    mobile = original.requester_mobile
    r = post(client_for(world.union_receiver), {"text": ASKED_AGAIN, "requester_mobile": mobile})
    rows = r.json()
    assert [row["tracking_no"] for row in rows] == [original.tracking_no]
    assert rows[0]["shared"][0] == "同一诉求人" and "工资" in rows[0]["shared"]  # said first
    # another requester with the same words: nothing concrete in common, no duplicate
    r = post(client_for(world.union_receiver), {"text": ASKED_AGAIN, "requester_mobile": "13700001111",
                                                "community_id": world.community.pk})
    assert r.json() == []
    # a bad number is no requester (and no 500)
    r = post(client_for(world.union_receiver), {"text": ASKED_AGAIN, "requester_mobile": "12345"})
    assert (r.status_code, r.json()) == (200, [])


def test_the_same_requester_about_another_problem_is_not(world, original):
    r = post(client_for(world.union_receiver), {"text": "想报名参加工会组织的春季职工运动会。",
                                                "requester_mobile": original.requester_mobile})
    assert r.json() == []


def test_the_same_requester_only_among_cases_the_user_may_see(world, original):
    r = post(client_for(world.youth_staff), {"text": ASKED_AGAIN, "requester_mobile": original.requester_mobile})
    assert r.json() == []


def test_the_intake_page_sends_the_mobile_and_shows_the_same_requester(world, original):
    from django.urls import reverse

    c = client_for(world.union_receiver)
    r = c.post(reverse("cases:intake_duplicates"), {"title": "", "content": ASKED_AGAIN,
                                                    "requester_mobile": original.requester_mobile})
    page = r.content.decode()
    assert r.status_code == 200 and original.tracking_no in page and "同一诉求人" in page
    form = c.get(reverse("cases:intake")).content.decode()
    assert "#id_requester_mobile" in form  # the box re-checks when the number is typed


def test_rows_say_same_requester_and_never_carry_the_number(world, original):
    from quntuan.cases.queries import likely_duplicates

    mine = likely_duplicates(user=world.union_receiver, text=ASKED_AGAIN, district_id=world.district.pk,
                             requester_mobile=original.requester_mobile)
    assert [(r["tracking_no"], r["same_requester"]) for r in mine] == [(original.tracking_no, True)]
    other = likely_duplicates(user=world.union_receiver, text="华兴公司三个月不发工资了", district_id=world.district.pk,
                              community_id=world.community.pk, requester_mobile="13700001111")
    assert [(r["tracking_no"], r["same_requester"]) for r in other] == [(original.tracking_no, False)]
    assert all("requester_mobile" not in r for r in mine + other)
