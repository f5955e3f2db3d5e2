"""The overlap page in Chromium: the supervisor clicks a matrix cell, the pair panel opens with
htmx, records who leads; a 360 px phone does not scroll the page sideways (the matrix scrolls in
its own box). Screenshots go to test-artifacts/routing/."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.cache import cache

from quntuan.core.testing import browser_login
from quntuan.routing.overlap_models import OverlapLead
from quntuan.routing.tests.overlap_world import MONDAY, build_overlap_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(os.environ.get("QUNTUAN_ARTIFACTS", "test-artifacts")) / "routing"


@pytest.fixture(autouse=True)
def _just_after_the_cases():
    """The periods (the last year, the last 90 days) count back from now: now is the world's Monday."""
    with time_machine.travel(MONDAY + timedelta(hours=3), tick=True):
        yield


@pytest.fixture
def w(transactional_db):
    cache.clear()
    return build_overlap_world()


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_supervisor_opens_a_pair_from_the_matrix_and_records_who_leads(browser, live_server, w):
    context, page = browser_login(browser, live_server, {"width": 1280, "height": 900},
                                  w.supervisor.username, "/routing/overlap/")
    try:
        assert page.locator("h1").inner_text().endswith("职能交叉矩阵")
        cell = page.locator(f'td a[href*="a={w.union.pk}&b={w.legal.pk}"]')
        assert cell.inner_text() == "3"  # two overlapping services and one transfer
        cell.click()
        panel = page.locator("#pair-detail .ov-detail")
        panel.wait_for()
        assert "区总工会 ↔ 测试区法律援助中心" in panel.locator("h2").inner_text()
        assert w.cases["wages"].tracking_no in panel.inner_text()
        assert f"a={w.union.pk}" in page.url  # the panel's address can be shared
        shot(page, "overlap-pair")

        panel.locator("select[name=lead_org]").select_option(str(w.union.pk))
        panel.locator("textarea[name=note]").fill("劳动关系中的法律援助由工会牵头,需要律师代理诉讼的转法律援助中心。")
        panel.locator("button[type=submit]").click()
        page.locator("#pair-detail .msg-success").wait_for()
        assert "牵头单位:区总工会" in page.locator("#pair-detail").inner_text()
        assert OverlapLead.objects.get().lead_org_id == w.union.pk
    finally:
        context.close()


def test_the_page_fits_a_phone(browser, live_server, w):
    context, page = browser_login(browser, live_server, {"width": 360, "height": 780},
                                  w.union_duty.username, "/routing/overlap/")
    try:
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, "overlap-phone")
    finally:
        context.close()
