import pytest

pytestmark = pytest.mark.django_db


def test_api_organizations_and_categories(client, small_catalogue):
    orgs = client.get("/api/catalog/organizations").json()
    assert [(o["code"], o["name"], o["service_count"]) for o in orgs] == [("union", "区总工会", 3), ("women", "区妇联", 1)]
    cats = client.get("/api/catalog/categories", {"org": "union"}).json()
    assert [c["code"] for c in cats] == ["t.legal", "t.welfare"]


def test_api_services_search(client, small_catalogue):
    data = client.get("/api/catalog/services", {"q": "工伤认定"}).json()
    assert data["tokens"] == ["工伤认定"]
    assert data["mode"] == "and"
    assert [s["name"] for s in data["items"]] == ["工伤认定咨询", "劳动争议调解"]
    first = data["items"][0]
    assert first["organization_code"] == "union"
    assert first["time_limit_class"] == "consult"
    assert first["time_limit_label"] == "咨询"
    assert first["url"] == f"/catalog/service/{small_catalogue['a'].pk}/"


def test_api_services_browse_with_filters(client, small_catalogue):
    data = client.get("/api/catalog/services", {"org": "union", "category": "t.welfare"}).json()
    assert data["mode"] == "browse"
    assert [s["name"] for s in data["items"]] == ["职工疗休养"]
    assert data["items"][0]["materials"] == ["单位推荐表", "身份证"]


def test_api_services_no_hits_message(client, small_catalogue):
    data = client.get("/api/catalog/services", {"q": "火星移民"}).json()
    assert (data["count"], data["message"]) == (0, "没有找到与“火星移民”相关的服务。")


def test_api_bad_filters_are_4xx_in_chinese(client, small_catalogue):
    response = client.get("/api/catalog/services", {"org": "nope"})
    assert response.status_code == 400
    assert response.json()["message"] == "没有代码为“nope”的组织。"
    response = client.get("/api/catalog/services", {"district": 999999})
    assert response.status_code == 404
    assert response.json()["message"] == "没有这个区。"
    response = client.get("/api/catalog/services", {"q": "x" * 101})
    assert response.status_code == 422


def test_api_service_detail(client, small_catalogue):
    service = small_catalogue["d"]
    data = client.get(f"/api/catalog/services/{service.pk}").json()
    assert (data["name"], data["organization_name"], data["category_code"]) == ("两癌筛查预约", "区妇联", "t.health")
    response = client.get("/api/catalog/services/999999")
    assert response.status_code == 404
    assert response.json()["message"] == "该服务事项不存在或已停用。"
