"""Suggestions, duplicates and the versioned model store."""

import pytest

from quntuan.routing import services
from quntuan.routing.models import RoutingModel

pytestmark = pytest.mark.django_db

GOOD = [
    ("公司拖欠工资三个月", "union.legal"), ("老板欠薪不给", "union.legal"), ("工地包工头跑了工钱没结", "union.legal"),
    ("想预约科普讲座", "science.popular"), ("科技馆参观预约", "science.popular"), ("科普日活动报名", "science.popular"),
    ("残疾人证到期换证", "disabled.certificate"), ("残疾证丢了补办", "disabled.certificate"),
    ("残疾评定怎么做", "disabled.certificate"), ("申请入团", "youth.league"), ("团组织关系转接", "youth.league"),
    ("团费怎么交", "youth.league"),
] * 3


@pytest.fixture(autouse=True)
def _fresh_cache():
    services.reset_cache()
    yield
    services.reset_cache()


def test_suggest_without_stored_model_uses_catalogue():
    out = services.routing_suggest(text="我在工厂上班,老板三个月没发工资了")
    assert out[0]["category"] == "union.legal"
    assert out[0]["organization"] == "union"
    assert set(out[0]) == {"category", "organization", "confidence", "reason"}


@pytest.mark.parametrize("text", ["", None, "😀😀", "。。。!!!"])
def test_suggest_odd_text_gives_nothing(text):
    assert services.routing_suggest(text=text) == []


def test_suggest_very_long_text():
    out = services.routing_suggest(text="盲道被占用" * 4000)
    assert out[0]["category"] == "disabled.access"


@pytest.mark.usefixtures("lean_router")
def test_retrain_keeps_better_model_and_refuses_worse():
    first = services.routing_retrain(examples=GOOD)
    assert first.is_active is True
    assert first.version == 1
    # trained on wrong labels: the candidate scores worse on the same true held-out slice
    bad = [(t, "other.government") for t, _ in GOOD]
    second = services.routing_retrain(examples=bad, held_out=GOOD[:12])
    assert second.version == 2
    assert second.is_active is False
    assert RoutingModel.objects.get(is_active=True).version == 1
    assert second.metrics["held_out_top1"] < second.metrics["active_top1"]


@pytest.mark.usefixtures("lean_router")
def test_rollback_activates_older_version():
    services.routing_retrain(examples=GOOD)
    services.routing_retrain(examples=GOOD, force=True)
    assert RoutingModel.objects.get(is_active=True).version == 2
    services.routing_activate(version=1)
    assert list(RoutingModel.objects.filter(is_active=True).values_list("version", flat=True)) == [1]


def test_duplicates_share_place_not_wording():
    candidates = [
        {"id": 1, "text": "建设路人民医院门口的盲道被电动车和共享单车占满,盲人没法走", "category": "disabled.access"},
        {"id": 2, "text": "和平路公园的无障碍坡道太陡,轮椅上不去", "category": "disabled.access"},
        {"id": 3, "text": "老板拖欠工资", "category": "union.legal"},
    ]
    found = services.routing_duplicates(text="人民医院那段建设路 盲道上又停满电瓶车了 谁来管管", candidates=candidates)
    assert [f["id"] for f in found] == [1]
    assert "建设路" in found[0]["shared"]
    assert services.routing_duplicates(text="", candidates=candidates) == []


def test_a_unit_named_without_its_kind_is_listed_as_shared():
    candidates = [{"id": 1, "text": "恒达精密机械有限公司拖欠工资三个月,老板躲着不见", "category": "union.legal"}]
    found = services.routing_duplicates(text="恒达那个厂三个月没发钱了 老板天天躲着", candidates=candidates,
                                        categories=("union.legal",))
    assert [f["id"] for f in found] == [1]
    assert "恒达公司" in found[0]["shared"]


def test_a_follow_up_finds_the_request_it_follows():
    candidates = [
        {"id": 1, "text": "外卖骑手能入工会吗", "category": "union.membership"},
        {"id": 2, "text": "网约车司机想加入工会 走什么渠道", "category": "union.membership"},
    ]
    text = "来电人刘先生,外卖骑手,前几天在公众号上问过,想了解入会需要什么手续"
    found = services.routing_duplicates(text=text, candidates=candidates, categories=("union.membership",))
    assert [f["id"] for f in found] == [1]
    # a case known to be someone else's is no earlier request of this requester's …
    theirs = [{**c, "same_requester": False} for c in candidates]
    assert services.routing_duplicates(text=text, candidates=theirs, categories=("union.membership",)) == []
    # … unless the text says others asked before
    told = "外卖骑手入会的事之前已有工友反映过,想了解入会需要什么手续"
    found = services.routing_duplicates(text=told, candidates=theirs, categories=("union.membership",))
    assert [f["id"] for f in found] == [1]
    # told without saying it follows an earlier one, it is a second rider asking the same thing
    assert services.routing_duplicates(text="来电人刘先生,外卖骑手,想了解入会需要什么手续",
                                       candidates=candidates, categories=("union.membership",)) == []


@pytest.mark.django_db
def test_routing_train_if_missing_trains_once():
    """The start script trains a model only when none is active, so that serving processes load
    the stored model instead of each fitting the shipped one."""
    import io
    import json

    from django.core.management import call_command

    from quntuan.routing.model import Router

    def train_if_missing() -> dict:
        out = io.StringIO()
        call_command("routing_train", "--if-missing", stdout=out)
        return json.loads(out.getvalue().strip().splitlines()[-1])

    services.store_model(router=Router().fit([], []), metrics={}, n_examples=0, activate=True)
    assert train_if_missing() == {"skipped": "已有启用的模型"}
    assert RoutingModel.objects.count() == 1
    RoutingModel.objects.update(is_active=False)
    assert train_if_missing()["active"] is True
    assert RoutingModel.objects.filter(is_active=True).count() == 1
