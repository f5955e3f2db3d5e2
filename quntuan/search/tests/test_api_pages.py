"""The /search/ page and /api/search/: bad input gets a clear answer, never a 500."""

import pytest
from django.db import connection

from quntuan.core.testing import PASSWORD
from quntuan.search.schemas import SearchOut

BAD = ["", "   ", "🙂🙂🙂", "!!!???。。", "欠" * 20_000, '"', "*", "NEAR(欠薪 工会)", "-欠薪", "title_tokens:欠薪",
       "' OR 1=1 --", "欠薪\" OR \"1", "a:* & !b | c <-> d", "{acl}: pub", "\\", "%", "_"]


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_page_for_visitors_and_staff(client, world):
    response = client.get("/search/", {"q": "欠薪"})
    assert response.status_code == 200
    assert "<mark>欠薪</mark>" in response.content.decode()
    login(client, world.union_staff)
    response = client.get("/search/", {"q": "欠薪", "kind": "case"})
    assert response.status_code == 200
    assert response.context["result"].kind == "case"


def test_page_without_query_shows_the_box(client, world):
    response = client.get("/search/")
    assert response.status_code == 200
    assert response.context["result"] is None


def test_page_htmx_returns_the_results_only(client, world):
    response = client.get("/search/", {"q": "欠薪"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "<mark>欠薪</mark>" in response.content.decode()


@pytest.mark.parametrize("query", [q for q in BAD if len(q) <= 1000])
def test_page_bad_input(client, world, query):
    login(client, world.union_staff)
    response = client.get("/search/", {"q": query, "page": "x", "kind": "nonsense"})
    assert response.status_code == 200
    assert "没有这种搜索范围,已显示全部结果。" in response.content.decode()


@pytest.mark.parametrize("htmx", [False, True])
def test_page_refuses_a_query_of_thousands_of_characters_in_chinese(client, world, htmx):
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get("/search/", {"q": "欠" * 20_000}, headers=headers)
    assert response.status_code == 414
    assert "关键词太长(超过 1000 个字),请缩短到 100 个字以内再搜索。" in response.content.decode()
    assert "欠欠欠" not in response.content.decode()
    # Up to a thousand characters the query is cut to 100 and searched, with a notice.
    response = client.get("/search/", {"q": "欠薪" * 500})
    assert response.status_code == 200
    assert "关键词太长,只按前 100 个字搜索。" in response.content.decode()


@pytest.mark.parametrize("query", BAD)
def test_api_bad_input(client, world, query):
    response = client.get("/api/search/", {"q": query})
    assert response.status_code == 200, response.content
    body = response.json()
    # Syntax characters are plain text: at most the one service about 欠薪 is found.
    assert {r["id"] for r in body["results"]} <= {world.service.pk}
    if not query.strip() or query in ("🙂🙂🙂", "!!!???。。", '"', "*", "\\", "%", "_"):
        assert body["notices"], query


def test_api_messages(client, world):
    assert client.get("/api/search/", {"q": ""}).json()["notices"] == ["请输入要搜索的关键词。"]
    assert client.get("/api/search/", {"q": "🙂"}).json()["notices"] == [
        "关键词里没有可以搜索的文字,请输入中文、字母或数字。"]
    long = client.get("/api/search/", {"q": "欠薪" * 10_000}).json()
    assert long["notices"] == ["关键词太长,只按前 100 个字搜索。"]
    assert long["query"] == "欠薪" * 50


def test_api_rejects_bad_parameters_in_chinese(client, world):
    response = client.get("/api/search/", {"q": "欠薪", "kind": "secret", "page": 0, "page_size": 500})
    assert response.status_code == 422
    assert response.json()["message"].startswith("提交的数据有误")
    too_long = client.get("/api/search/", {"q": "欠" * 20_001})
    assert too_long.status_code == 422


def test_api_result_shape(client, world):
    body = client.get("/api/search/", {"q": "欠薪"}).json()
    assert SearchOut.model_validate(body).model_dump() == body  # what the OpenAPI schema promises, no more
    assert body["query"] == "欠薪"
    assert body["tokens"] == ["欠薪"]
    assert body["mode"] == "all"
    assert [(c["kind"], c["count"]) for c in body["counts"]] == [("service", 1), ("activity", 0), ("plan", 0)]
    hit = body["results"][0]
    assert (hit["kind"], hit["id"], hit["title_html"], hit["url"]) == (
        "service", world.service.pk, "职工<mark>欠薪</mark>维权", f"/catalog/service/{world.service.pk}/")


def test_api_cases_need_login(client, world, fresh):
    with fresh():
        case = world.submit(title="欠薪三个月", content="公司欠薪。")
    assert all(r["kind"] != "case" for r in client.get("/api/search/", {"q": "欠薪"}).json()["results"])
    login(client, world.union_staff)
    found = client.get("/api/search/", {"q": "欠薪", "kind": "case"}).json()
    assert [r["id"] for r in found["results"]] == [case.pk]
    client.logout()
    login(client, world.youth_staff)
    assert client.get("/api/search/", {"q": "欠薪", "kind": "case"}).json()["results"] == []


@pytest.mark.postgres
def test_postgres_index_structures(world):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'search_doc%%fts%%'")
        indexes = dict(cursor.fetchall())
        cursor.execute("SELECT content_tsv::text, acl_tsv::text, sort_at FROM search_document WHERE kind = 'service'")
        content, acl, sort_at = cursor.fetchone()
    assert sorted(indexes) == ["search_doc_fts_activity", "search_doc_fts_case", "search_doc_fts_plan",
                               "search_doc_fts_service"]
    for kind in ("service", "plan", "activity", "case"):
        assert indexes[f"search_doc_fts_{kind}"].endswith(
            f"USING gin (content_tsv, acl_tsv) WHERE ((kind)::text = '{kind}'::text)")
    assert "'欠薪':" in content and "'zgh':" in content
    assert acl == "'ks':1 'pub':2"
    assert sort_at.year >= 2000


@pytest.mark.postgres
@pytest.mark.parametrize("query", BAD)
def test_postgres_bad_input(client, world, query):
    login(client, world.union_staff)
    assert client.get("/api/search/", {"q": query}).status_code == 200
    assert client.get("/search/", {"q": query}).status_code == (200 if len(query) <= 1000 else 414)
