"""Routing help in Chromium: the resident types, "您要找的可能是…" appears and one click fills the
service; the first inquirer merges a repeat report from the case page (with confirmation)."""

import pytest

from quntuan.cases.models import Case, CaseStatus
from quntuan.cases.tests.core_fixtures import build_world
from quntuan.cases.tests.test_pages_browser import narrow_shot, no_sideways_scroll, open_page, shot
from quntuan.core.testing import make_category, make_service
from quntuan.routing import services as routing

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db):
    routing.reset_cache()
    world = build_world()
    world.legal = make_service(world.union, category=make_category("union.legal", "职工法律援助"), name="劳动争议法律援助")
    # With no trained model the platform fits its fallback on the shipped examples once per
    # process (about 20 s); fit it here so that the page's timeouts measure the page, not the fit.
    routing.routing_suggest(text="老板拖欠工资")
    return world


def test_resident_accepts_a_suggestion(browser, live_server, world):
    context, page = open_page(browser, live_server, 360)
    page.goto(f"{live_server.url}/cases/new/")
    page.fill("#id_title", "老板拖欠工资")
    page.locator("#id_content").press_sequentially("我在工地干了半年,包工头拖欠工资三个月不给", delay=10)
    page.wait_for_selector(".suggest-item", timeout=20000)
    assert page.locator(".suggest-head").inner_text().startswith("您要找的可能是…")
    assert page.locator(".suggest-pick").first.get_attribute("data-category") == "union.legal"
    page.locator(".suggest-pick").first.click()
    page.wait_for_selector("#suggest-chosen:not(:empty)", timeout=20000)
    assert page.eval_on_selector("#id_service", "e => e.value") == str(world.legal.pk)
    assert page.eval_on_selector("#id_category", "e => e.value") == "union.legal"
    assert no_sideways_scroll(page)
    narrow_shot(page, "routing-suggest-resident-360")
    context.close()


def test_first_inquirer_merges_from_the_case_page(browser, live_server, world):
    original = world.submit(community=world.community, service=world.legal, title="华兴公司拖欠工资三个月",
                            content="我在华兴公司上班,公司拖欠我们三个月工资,老板说没钱。")
    repeat = world.submit(community=world.community, service=world.legal, requester=world.other_resident,
                          requester_name="李四", requester_mobile=world.other_resident.mobile,
                          title="华兴公司不发工资", content="华兴公司已经三个月没发工资了,工友们都很着急。")
    context, page = open_page(browser, live_server, 1280, world.union_receiver)
    page.goto(f"{live_server.url}/cases/{repeat.tracking_no}/")
    page.wait_for_selector("#case-duplicates .case-list", timeout=20000)
    messages = []
    page.on("dialog", lambda d: (messages.append(d.message), d.accept()))
    page.locator("#case-duplicates button[type=submit]").first.click()
    page.wait_for_selector(".msg-success", timeout=20000)
    assert messages == [f"确认把本诉求并入 {original.tracking_no}?并入后本诉求结束,诉求人将收到 {original.tracking_no} 的办理进展。"]
    shot(page, "routing-merged-staff")
    repeat = Case.objects.get(pk=repeat.pk)
    assert (repeat.status, repeat.merged_into_id) == (CaseStatus.MERGED, original.pk)
    context.close()
