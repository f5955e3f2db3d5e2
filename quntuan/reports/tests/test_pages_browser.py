"""The work report page in Chromium against a live server: pick a scope and period, wait for
the generated draft, edit a narrative part. Screenshots go to test-artifacts/reports/."""

import os
from pathlib import Path

import pytest
import time_machine
from django.test import Client

from quntuan.cases.tests.core_fixtures import MONDAY, build_world
from quntuan.reports.tests.conftest import build_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(os.environ.get("QUNTUAN_ARTIFACTS", "test-artifacts")) / "reports"


@pytest.fixture
def demo(transactional_db):
    with time_machine.travel(MONDAY, tick=False):
        return build_demo(build_world())


def test_report_page(browser, demo, live_server):
    client = Client()
    client.force_login(demo.supervisor)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/reports/")
    page.select_option("#id_period_kind", "month")
    page.fill("#id_year", "2026")
    page.select_option("#id_number", "11")
    page.click(".report-form button[type=submit]")
    page.wait_for_selector(".report-preview")
    assert "测试区2026年11月群团改革工作汇报" in page.inner_text("h1")
    assert "办结2件" in page.inner_text(".report-preview")
    page.fill("#id_brand", "打造“工匠”评选品牌。")
    page.click(".narrative-form button[type=submit]")
    page.wait_for_selector("text=打造“工匠”评选品牌。")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-draft-1280.png"), full_page=True)
    context.close()
