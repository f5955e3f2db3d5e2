"""The committed docs/openapi.json is the live schema: an API change must show in the diff."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client

from quntuan.core.management.commands.export_openapi import openapi_text

COMMITTED = Path(settings.BASE_DIR) / "docs" / "openapi.json"


def test_committed_schema_matches_the_live_one():
    assert COMMITTED.exists(), "docs/openapi.json is missing: run `manage.py export_openapi docs/openapi.json`"
    assert COMMITTED.read_text(encoding="utf-8") == openapi_text(), (
        "docs/openapi.json is out of date: run `uv run python manage.py export_openapi docs/openapi.json` "
        "and commit the result"
    )


def test_export_command_writes_and_checks(tmp_path):
    target = tmp_path / "openapi.json"
    call_command("export_openapi", str(target))
    assert target.read_text(encoding="utf-8") == openapi_text()
    call_command("export_openapi", str(target), "--check")
    target.write_text("{}\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("export_openapi", str(target), "--check")


def test_schema_documents_authentication_and_chinese_descriptions():
    schema = json.loads(openapi_text())
    schemes = schema["components"]["securitySchemes"]
    assert schemes["SessionCookie"]["in"] == "cookie"
    assert schemes["BearerToken"] == {"type": "http", "scheme": "bearer", "bearerFormat": "signed",
                                      "description": "访问令牌:先调用 POST /api/auth/token 获取,12 小时内有效;修改密码后作废。"}
    assert schemes["BasicAuth"]["scheme"] == "basic"
    submit = schema["paths"]["/api/cases/"]["post"]
    assert submit["summary"] == "提交诉求"
    assert submit["security"] == [{"SessionCookie": []}, {"BearerToken": []}, {"BasicAuth": []}, {}]
    params = {p["name"]: p for p in submit["parameters"]}
    assert params["Idempotency-Key"]["in"] == "header"
    case_out = schema["components"]["schemas"]["CaseOut"]["properties"]
    assert case_out["requester_mobile"]["description"] == "联系电话(工作人员看到的是脱敏号码)"
    rate = schema["paths"]["/api/cases/{tracking_no}/rate"]["post"]
    assert set(rate["responses"]) >= {"201", "401", "403", "404", "409", "422"}


def test_schema_and_docs_are_served():
    client = Client()
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert "/api/cases/{tracking_no}/transfer" in response.json()["paths"]
