"""Ledger and scoring pages in Chromium against a live server: an organization's staff member
enters this year's budget and sees the growth over last year; the supervisor scores by hand
with an evidence file. Screenshots go to test-artifacts/assessment/."""

import os
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from quntuan.accounts.models import Role
from quntuan.assessment.models import Budget, Indicator, ManualScore, Source
from quntuan.core.testing import make_district, make_org, make_staff, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(os.environ.get("QUNTUAN_ARTIFACTS", "test-artifacts")) / "assessment"


def _page(browser, live_server, user, width=1280):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    return context, context.new_page()


def test_budget_growth_and_hand_score_with_file(browser, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    district = make_district("浏览区")
    union = make_org(district, "union")
    staff = make_staff(union, name="工会小王")
    supervisor = make_user(Role.SUPERVISOR, district, name="督查老赵")
    Budget.objects.create(organization=union, year=2025, amount=Decimal("200000"))
    ind = Indicator.objects.create(district=district, year=2026, name="品牌创建", source=Source.MANUAL, weight=10)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    context, page = _page(browser, live_server, staff)
    page.goto(f"{live_server.url}/assessment/ledgers/budget/new/?org={union.pk}&year=2026")
    page.fill("#id_amount", "230000")
    assert page.inner_text("#growth-preview") == "较上年增长 15.0%"
    page.click(".ledger-form button[type=submit]")
    page.wait_for_url(f"**/assessment/ledgers/org/{union.pk}/**")
    assert "15.0%" in page.inner_text(".ledger-block:nth-of-type(3)")
    page.screenshot(path=str(ARTIFACTS / "ledger-org-1280.png"), full_page=True)
    context.close()

    evidence = tmp_path / "品牌材料.pdf"
    evidence.write_bytes(b"%PDF-1.4 brand")
    context, page = _page(browser, live_server, supervisor)
    page.goto(f"{live_server.url}/assessment/indicators/{ind.pk}/scores/")
    row = page.locator(f"#t-{union.pk}")
    row.locator("input[name=score]").fill("88")
    row.locator("input[name=evidence_file]").set_input_files(str(evidence))
    row.locator("button[type=submit]").click()
    page.wait_for_selector("text=品牌材料.pdf")
    page.screenshot(path=str(ARTIFACTS / "hand-scores-1280.png"), full_page=True)
    context.close()
    score = ManualScore.objects.get()
    assert (score.organization, score.score, score.evidence_name) == (union, Decimal("88.00"), "品牌材料.pdf")
