"""The API's documentation works offline: every asset of /api/docs is served by this site."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_docs_page_uses_only_local_assets(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "cdn" not in html.lower()
    sources = re.findall(r'<(?:script|link)[^>]*?(?:src|href)="([^"]+)"', html)
    assert "/static/ninja/swagger-ui-bundle.js" in sources
    assert "/static/ninja/swagger-ui.css" in sources
    assert all(src.startswith("/") and not src.startswith("//") for src in sources), sources
    assert not re.search(r"https?://", html)


def test_docs_settings_disable_the_online_validator(client):
    html = client.get("/api/docs").content.decode()
    settings = re.search(r'<script type="application/json" id="swagger-settings">(.*?)</script>', html, re.S)
    assert '"validatorUrl": null' in settings.group(1)
    assert '"url": "/api/openapi.json"' in settings.group(1)


def test_docs_static_files_exist():
    from django.contrib.staticfiles import finders

    for name in ("ninja/swagger-ui-bundle.js", "ninja/swagger-ui.css", "ninja/swagger-ui-init.js"):
        assert finders.find(name), name


def test_openapi_schema_is_served_with_catalogue_paths(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "群团服务云平台 API"
    for path in ("/api/catalog/organizations", "/api/catalog/categories", "/api/catalog/services",
                 "/api/catalog/services/{service_id}"):
        assert path in schema["paths"], path
