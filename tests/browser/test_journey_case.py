"""The whole life of a case in Chromium, each person logging in through the login page:

resident submits on a 360-px phone → the first inquirer (区总工会) transfers it → 区妇联 accepts,
replies and closes → the resident rates 不满意 → the case is reopened (重办), and the first
inquirer still sees it among their first-inquiry cases.

Screenshots of every step go to test-artifacts/journey/.
"""

import os
from pathlib import Path

import pytest

from quntuan.cases.models import Case, CaseEvent, CaseStatus, Rating
from quntuan.catalog.models import TimeLimitClass
from quntuan.core.testing import (
    browser_login,
    make_community,
    make_district,
    make_org,
    make_resident,
    make_service,
    make_staff,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(os.environ.get("QUNTUAN_ARTIFACTS", "test-artifacts")) / "journey"
PHONE = {"width": 360, "height": 760}
DESK = {"width": 1280, "height": 900}


@pytest.fixture
def people(transactional_db):
    district = make_district("示例区")
    make_community(district, "湖滨社区")
    union = make_org(district, "union")
    women = make_org(district, "women")
    return {
        "union": union,
        "women": women,
        "service": make_service(union, name="职工欠薪维权", time_limit_class=TimeLimitClass.HELP),
        "first_inquirer": make_staff(union, on_duty=True, username="union_duty", name="王首问"),
        "union_leader": make_staff(union, leader=True, username="union_leader", name="赵主席"),
        "women_staff": make_staff(women, username="women_staff", name="周承办"),
        "women_leader": make_staff(women, leader=True, username="women_leader", name="吴主任"),
        "resident": make_resident(district, mobile="13900001111", name="张三"),
    }


class Step:
    """Numbered screenshots, full page."""

    def __init__(self):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.n = 0

    def shot(self, page, name):
        self.n += 1
        page.screenshot(path=str(ARTIFACTS / f"{self.n:02d}-{name}.png"), full_page=True)


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def act(page, action, fields=None, *, expect):
    """Open an action's panel on the staff case page, fill it, submit (htmx) and wait for the
    confirmation message."""
    form = page.locator(f"form[action$='/do/{action}/']")
    if not form.is_visible():
        form.locator("xpath=ancestor::details[1]/summary").click()
    for name, value in (fields or {}).items():
        field = form.locator(f"[name={name}]")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(label=value)
        else:
            field.fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"text={expect}")


def test_case_journey_submit_transfer_close_rate_reopen(browser, live_server, people):
    step = Step()

    # 1. The resident submits from a phone.
    context, page = browser_login(browser, live_server, PHONE, "13900001111", "/cases/new/")
    assert page.input_value("input[name=requester_mobile]") == "13900001111"
    page.select_option("select[name=service]", str(people["service"].pk))
    page.fill("input[name=title]", "公司拖欠三个月工资")
    page.fill("textarea[name=content]", "我在一家装修公司做水电工,公司已经三个月没发工资,想请工会帮忙讨薪。")
    step.shot(page, "resident-submit-form")
    assert no_sideways_scroll(page)
    page.click("button:has-text('提交诉求')")
    page.wait_for_url("**/receipt/")
    case = Case.objects.get()
    assert case.tracking_no in page.content()
    assert "王首问" in page.content()  # the receipt names the first inquirer
    step.shot(page, "resident-receipt")
    assert no_sideways_scroll(page)
    context.close()
    assert case.first_inquirer == people["first_inquirer"]
    assert case.status == CaseStatus.PENDING

    # 2. The first inquirer (区总工会) signs for it and transfers it to 区妇联.
    context, page = browser_login(browser, live_server, DESK, "union_duty", "/cases/workbench/?queue=org")
    assert case.tracking_no in page.content()
    step.shot(page, "first-inquirer-workbench")
    page.goto(f"{live_server.url}/cases/{case.tracking_no}/")
    act(page, "contact", {"note": "已电话联系诉求人,了解到其为女职工,涉及孕期被降薪。"},
        expect="已签收,并记录了与诉求人的联系。")
    act(page, "transfer", {"to_org": "区妇联", "reason": "涉及女职工孕期权益,请区妇联承办。"},
        expect="已转办,等待对方单位接收。")
    step.shot(page, "first-inquirer-transferred")
    context.close()
    case.refresh_from_db()
    assert (case.status, case.transfer_to_org) == (CaseStatus.TRANSFERRING, people["women"])

    # 3. 区妇联 accepts, replies and closes.
    context, page = browser_login(browser, live_server, DESK, "women_staff", f"/cases/{case.tracking_no}/")
    act(page, "accept", expect="已接收转办,由本单位承办。")
    step.shot(page, "women-accepted")
    act(page, "close", {"result": "已约谈用人单位,公司承诺本月底前补发工资。"}, expect="已答复并办结。")
    step.shot(page, "women-closed")
    context.close()
    case.refresh_from_db()
    assert (case.status, case.handling_org) == (CaseStatus.CLOSED, people["women"])

    # 4. The resident rates 不满意, which reopens the case.
    context, page = browser_login(browser, live_server, PHONE, "13900001111", f"/cases/{case.tracking_no}/")
    assert "已约谈用人单位" in page.content()
    step.shot(page, "resident-sees-result")
    page.check("input[name=level][value=dissatisfied]")
    page.check("input[name=solved][value=no]")
    page.fill("textarea[name=comment]", "工资至今没有到账,问题没有解决。")
    page.click("button:has-text('提交评价')")
    page.wait_for_selector("text=感谢您的评价。")
    page.reload()
    assert "已重办 1 次" in page.content()
    step.shot(page, "resident-rated-reopened")
    assert no_sideways_scroll(page)
    context.close()

    case.refresh_from_db()
    assert case.reopen_count == 1
    assert case.status in (CaseStatus.PENDING, CaseStatus.IN_PROGRESS)
    assert case.first_inquirer == people["first_inquirer"]
    rating = Rating.objects.get(case=case)
    assert (rating.level, rating.solved) == (Rating.Level.DISSATISFIED, False)
    kinds = list(case.events.values_list("kind", flat=True))
    for kind in ("submitted", "received", "contacted", "transfer_requested", "transfer_accepted", "closed",
                 "rated", "reopened"):
        assert kind in kinds, kind
    assert kinds.index("rated") < kinds.index("reopened")
    assert case.events.filter(kind=CaseEvent.Kind.REOPENED).count() == 1

    # 5. The first inquirer still sees the reopened case among their first-inquiry cases.
    context, page = browser_login(browser, live_server, DESK, "union_duty", "/cases/workbench/?queue=first_inquiry")
    assert case.tracking_no in page.content()
    step.shot(page, "first-inquirer-still-sees-it")
    context.close()
