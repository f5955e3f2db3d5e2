import re

import pytest
from django.urls import reverse

from quntuan.catalog.models import Service
from quntuan.catalog.services import catalog_seed
from quntuan.core.testing import make_district

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_catalogue_overview_lists_organizations_and_categories(client, small_catalogue):
    response = client.get(reverse("catalog:index"))
    assert response.status_code == 200
    body = text(response)
    assert "区总工会" in body and "区妇联" in body
    assert "职工维权 2 项" in body
    assert "职工福利 1 项" in body


def test_browse_by_organization_and_category(client, small_catalogue):
    body = text(client.get(reverse("catalog:index"), {"org": "union"}))
    assert "工伤认定咨询" in body and "职工疗休养" in body and "两癌筛查预约" not in body
    body = text(client.get(reverse("catalog:index"), {"org": "union", "category": "t.welfare"}))
    assert "职工疗休养" in body and "工伤认定咨询" not in body


def test_unknown_filters_are_explained_not_errors(client, small_catalogue):
    response = client.get(reverse("catalog:index"), {"org": "nope", "category": "x.y"})
    assert response.status_code == 200
    body = text(response)
    assert "没有找到代码为“nope”的组织" in body
    assert "没有找到这个服务类别" in body


def test_search_page_orders_results_and_highlights(client, small_catalogue):
    response = client.get(reverse("catalog:index"), {"q": "工伤认定"})
    html = response.content.decode()
    assert html.index("工伤认定</mark>咨询") < html.index("劳动争议调解")
    assert "找到 2 项与“工伤认定”相关的服务" in text(response)


def test_search_messages_for_empty_query_and_no_results(client, small_catalogue):
    assert "请输入要搜索的关键词" in text(client.get(reverse("catalog:index"), {"q": ""}))
    body = text(client.get(reverse("catalog:index"), {"q": "火星移民"}))
    assert "没有找到与“火星移民”相关的服务" in body
    assert "直接反映" in body


def test_search_htmx_returns_results_fragment(client, small_catalogue):
    response = client.get(reverse("catalog:index"), {"q": "两癌"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert "两癌</mark>筛查预约" in html
    assert "HX-Request" in response["Vary"]


def test_overlong_query_is_cut_with_a_notice(client, small_catalogue):
    response = client.get(reverse("catalog:index"), {"q": "工伤" * 80})
    assert response.status_code == 200
    assert "关键词太长,只按前 100 个字搜索" in text(response)


def test_service_detail(client, small_catalogue):
    service = small_catalogue["c"]
    response = client.get(reverse("catalog:service", args=[service.pk]))
    assert response.status_code == 200
    body = text(response)
    assert "职工疗休养" in body
    assert "区总工会" in body
    assert "5 个工作日内办结" in body
    assert "单位推荐表" in body and "身份证" in body
    assert f'href="/cases/new/?service={service.pk}"' in response.content.decode()


def test_inactive_or_missing_service_is_404(client, small_catalogue):
    service = small_catalogue["a"]
    Service.objects.filter(pk=service.pk).update(is_active=False)
    assert client.get(reverse("catalog:service", args=[service.pk])).status_code == 404
    response = client.get("/catalog/service/999999/")
    assert response.status_code == 404
    assert "页面不存在" in text(response)


def test_seeded_catalogue_search_finds_the_expected_service_first(client):
    catalog_seed(make_district())
    for query, first in [("欠薪", "欠薪求助与讨薪协调"), ("残疾人证", "残疾人证首次申领"),
                         ("两癌筛查", "两癌免费筛查预约"), ("盲道", "盲道被占用反映"),
                         ("家暴", "家庭暴力求助"), ("志愿者注册", "志愿者注册")]:
        response = client.get(reverse("catalog:index"), {"q": query})
        assert response.context["result"].services[0].name == first, query


def test_highlight_escapes_and_never_cuts_entities():
    from quntuan.catalog.templatetags.catalog_tags import highlight

    assert highlight("A&B <script>", ["amp", "script"]) == "A&amp;B &lt;<mark>script</mark>&gt;"
    assert highlight("欠薪求助", ["欠薪"]) == "<mark>欠薪</mark>求助"
    assert highlight("<b>", []) == "&lt;b&gt;"


def test_script_in_query_is_escaped(client, small_catalogue):
    response = client.get(reverse("catalog:index"), {"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
