"""Home, catalogue and service detail in Chromium at 360 px and 1280 px: nothing wider than the
screen, the live search updates the results as the resident types, the language switch works.
Screenshots go to test-artifacts/catalogue/."""

import os
from pathlib import Path

import pytest

from quntuan.catalog.models import Service
from quntuan.catalog.services import catalog_seed
from quntuan.core.testing import make_district

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(os.environ.get("QUNTUAN_ARTIFACTS", "test-artifacts")) / "catalogue"


@pytest.fixture
def seeded(transactional_db):
    catalog_seed(make_district("示范区"))
    return Service.objects.get(name="盲道被占用反映")


@pytest.mark.parametrize("width", [360, 1280])
def test_pages_fit_the_screen(browser, live_server, seeded, width):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="en-US")
    page = context.new_page()
    for name, path in [("home", "/"), ("catalogue", "/catalog/"), ("search", "/catalog/?q=残疾人证"),
                       ("service", f"/catalog/service/{seeded.pk}/")]:
        page.goto(live_server.url + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
    # an English browser still gets Chinese until the visitor switches
    page.goto(live_server.url + "/")
    assert page.locator("h1").first.inner_text() == "有事找群团,一个窗口办到底"
    context.close()


def test_live_search_and_language_switch(browser, live_server, seeded):
    context = browser.new_context(viewport={"width": 360, "height": 760})
    page = context.new_page()
    page.goto(live_server.url + "/catalog/")
    page.fill("#cat-q", "盲道")
    page.wait_for_selector("#results >> text=盲道被占用反映")
    assert "找到" in page.locator("#results h2").first.inner_text()
    assert "q=%E7%9B%B2%E9%81%93" in page.url  # the search is in the address bar (back button works)
    page.locator("#results a.service-item").first.click()
    page.wait_for_url(f"**/catalog/service/{seeded.pk}/")
    assert page.get_attribute("text=就此事项反映", "href") == f"/cases/new/?service={seeded.pk}"
    page.click("form.lang-switch button")
    page.wait_for_selector("text=Submit a request about this")
    page.screenshot(path=str(ARTIFACTS / "service-en-360.png"), full_page=True)
    context.close()
