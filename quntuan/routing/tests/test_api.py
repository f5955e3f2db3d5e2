"""The routing API answers odd input with a clear 200 or 4xx, never a 500."""

import pytest
from django.test import Client

from quntuan.routing import services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    services.reset_cache()
    yield


def post(client, path, data):
    return client.post(path, data=data, content_type="application/json")


def test_suggest_returns_top3():
    r = post(Client(), "/api/routing/suggest", {"text": "孩子在学校被同学欺负,天天被打"})
    assert r.status_code == 200
    body = r.json()
    assert body["suggestions"][0]["category"] == "youth.care"
    assert len(body["suggestions"]) == 3


@pytest.mark.parametrize("text", ["", "😀😀😀", "!!!???", "x" * 20000, "Hello 工资 مرحبا 😀"])
def test_suggest_odd_input_is_not_an_error(text):
    r = post(Client(), "/api/routing/suggest", {"text": text})
    assert r.status_code == 200
    assert isinstance(r.json()["suggestions"], list)


def test_suggest_too_long_or_malformed_is_4xx():
    c = Client()
    assert post(c, "/api/routing/suggest", {"text": "字" * 20001}).status_code == 422
    assert c.post("/api/routing/suggest", data="{not json", content_type="application/json").status_code in (400, 422)
    assert post(c, "/api/routing/suggest", {"text": 5}).status_code == 422


def test_duplicates_needs_login():
    assert post(Client(), "/api/routing/duplicates", {"text": "盲道"}).status_code == 401
