"""The case pages in Chromium against a live server: resident pages at 360 px (no sideways
scrolling), staff pages at 1280 px, htmx actions clicked for real. Screenshots go to
test-artifacts/cases/ (not kept in git)."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from quntuan.cases import services
from quntuan.cases.models import Case
from quntuan.cases.tests.core_fixtures import build_world
from quntuan.catalog.models import Service
from quntuan.catalog.services import service_reindex
from quntuan.core.testing import make_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(os.environ.get("QUNTUAN_ARTIFACTS", "test-artifacts")) / "cases"


@pytest.fixture
def world(transactional_db):
    world = build_world()
    make_service(world.women, name="春蕾计划女童助学")
    service_reindex()
    return world


def session_cookie(user, base_url):
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}


def open_page(browser, live_server, width, user=None):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    if user is not None:
        context.add_cookies([session_cookie(user, live_server.url)])
    return context, context.new_page()


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def narrow_shot(page, name):
    shot(page, name)
    wide = page.evaluate(
        "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id)"
    )
    assert no_sideways_scroll(page), (name, wide)


def test_resident_pages_at_360px(browser, live_server, world):
    case = world.submit()
    services.case_contact(case=case, actor=world.union_staff, note="已电话联系,约定周三到公司调解")
    closed = world.submit(title="咨询职工医疗互助报销流程", idempotency_key="k" * 32)
    services.case_contact(case=closed, actor=world.union_staff)
    services.case_reply_and_close(case=closed, actor=world.union_staff,
                                  result="已电话告知报销所需材料和办理地点,可到区总工会一楼窗口办理。")

    context, page = open_page(browser, live_server, 360)
    page.goto(f"{live_server.url}/cases/new/")
    assert page.locator("h1").inner_text() == "我要反映"
    assert page.locator("#id_service option").count() == 3
    page.fill("#service-search", "助学")
    page.wait_for_selector("#id_service option:has-text('找到 1 项服务')", state="attached")
    assert page.input_value("#id_service") == str(Service.objects.get(name="春蕾计划女童助学").pk)
    page.goto(f"{live_server.url}/cases/new/?service={world.service.pk}")
    narrow_shot(page, "resident-01-submit-anonymous")
    page.goto(f"{live_server.url}/cases/lookup/")
    page.fill("input[name=tracking_no]", case.tracking_no)
    page.fill("input[name=mobile_last4]", "1111")
    page.click("main button:has-text('查询')")
    assert page.locator("text=办理状态").count() == 1
    narrow_shot(page, "resident-02-lookup")
    context.close()

    context, page = open_page(browser, live_server, 360, world.resident)
    page.goto(f"{live_server.url}/cases/new/")
    assert page.input_value("input[name=requester_mobile]") == "13900001111"
    page.select_option("select[name=service]", str(world.service.pk))
    page.fill("input[name=title]", "小区门口工地夜间施工扰民")
    page.fill("textarea[name=content]", "工地每晚十点后仍在施工,噪音很大,影响休息。")
    page.click("button:has-text('提交诉求')")
    page.wait_for_url("**/receipt/")
    assert "受理回执" in page.locator("h1").inner_text()
    narrow_shot(page, "resident-03-receipt")

    page.goto(f"{live_server.url}/cases/mine/")
    assert page.locator(".case-list li").count() == 3
    narrow_shot(page, "resident-04-mine")

    page.goto(f"{live_server.url}/cases/{case.tracking_no}/")
    narrow_shot(page, "resident-05-detail-open")

    page.goto(f"{live_server.url}/cases/{closed.tracking_no}/")
    page.check("input[name=level][value=dissatisfied]")
    page.check("input[name=solved][value=no]")
    page.fill("textarea[name=comment]", "材料清单和窗口说的不一致")
    page.click("button:has-text('提交评价')")
    page.wait_for_selector("text=感谢您的评价。")
    narrow_shot(page, "resident-06-detail-rated")
    context.close()
    closed.refresh_from_db()
    assert closed.reopen_count == 1


def test_staff_pages_at_1280px(browser, live_server, world):
    case = world.submit()
    transferred = world.submit(title="单亲妈妈申请困难帮扶", idempotency_key="t" * 32)
    services.case_transfer(case=transferred, actor=world.union_receiver, to_org=world.women,
                           reason="属妇女儿童权益事项,由区妇联承办")
    late = world.submit(title="农民工工伤认定咨询", idempotency_key="l" * 32)
    today = timezone.localdate()
    Case.objects.filter(pk=late.pk).update(due_date=today - timedelta(days=3), remind_on=today - timedelta(days=6),
                                           red_flag_after=today - timedelta(days=2))
    services.case_add_note(case=case, actor=world.union_staff, note="公司负责人电话暂时无法接通")

    context, page = open_page(browser, live_server, 1280, world.union_receiver)
    page.goto(f"{live_server.url}/cases/workbench/?queue=org")
    assert page.locator(".case-table tbody tr").count() == 3
    shot(page, "staff-01-workbench-org")
    page.click(".queue-tabs a:has-text('我首问的')")
    page.wait_for_selector(".queue-tabs a.is-active:has-text('我首问的')")
    assert page.url.endswith("queue=first_inquiry")
    assert page.locator(".case-table tbody tr").count() == 3
    shot(page, "staff-02-workbench-first-inquiry")

    page.goto(f"{live_server.url}/cases/{case.tracking_no}/")
    shot(page, "staff-03-detail")
    page.click("button:has-text('签收并记录联系')")
    page.wait_for_selector("text=已签收,并记录了与诉求人的联系。")
    page.click("button:has-text('查看完整信息')")
    page.wait_for_selector("text=本次查看已记入审计日志。")
    assert page.locator("#requester-info").inner_text().count("13900001111") == 1
    page.click("summary:has-text('转办')")
    page.click("form[action$='/do/transfer/'] button[type=submit]")
    page.wait_for_selector("text=请选择转至单位。")
    shot(page, "staff-04-detail-after-actions")

    page.goto(f"{live_server.url}/cases/intake/")
    shot(page, "staff-05-intake")
    context.close()

    context, page = open_page(browser, live_server, 1280, world.women_staff)
    page.goto(f"{live_server.url}/cases/{transferred.tracking_no}/")
    page.click("button:has-text('接收')")
    page.wait_for_selector("text=已接收转办,由本单位承办。")
    shot(page, "staff-06-accepted-transfer")
    context.close()

    context, page = open_page(browser, live_server, 1280, world.union_leader)
    page.goto(f"{live_server.url}/cases/overdue/")
    assert "按单位统计(共 1 件)" in page.content()
    shot(page, "staff-07-overdue-leader")
    page.goto(f"{live_server.url}/cases/stats/")
    shot(page, "staff-08-stats")
    context.close()
