"""A browser journey in Chromium, each person logging in through the login page:

区总工会 books 职工之家 for a lecture and publishes it → 共青团区委 tries the same room at an
overlapping time, is refused with the clash named, picks an offered free slot and saves → a
resident registers on a 360-px phone and gets a QR code → staff type the code on the check-in
page → the resident's "我的活动" shows the activity as attended.

The server's clock is fixed near the activity (time-machine, ticking) so check-in is open.
Screenshots go to test-artifacts/activities/.
"""

import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from quntuan.activities import services
from quntuan.activities.models import Activity, CheckIn, Registration
from quntuan.core.testing import (
    browser_login,
    make_community,
    make_district,
    make_org,
    make_resident,
    make_staff,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(os.environ.get("QUNTUAN_ARTIFACTS", "test-artifacts")) / "activities"
PHONE = {"width": 360, "height": 760}
DESK = {"width": 1280, "height": 900}
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def people(transactional_db):
    district = make_district("示例区")
    community = make_community(district, "湖滨社区")
    union, youth = make_org(district, "union"), make_org(district, "youth")
    union_staff = make_staff(union, username="union_staff", name="王工会")
    venue = services.venue_create(actor=union_staff, owner=union, community=community, name="职工之家",
                                  address="湖滨路8号", capacity=60, bookable_by=[youth])
    return {
        "union_staff": union_staff, "venue": venue,
        "youth_staff": make_staff(youth, username="youth_staff", name="李团委"),
        "resident": make_resident(district, mobile="13900002222", name="张三"),
    }


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def fill_activity(page, *, title, start, end, venue_id):
    page.select_option("select[name=kind]", "lecture")
    page.fill("input[name=title]", title)
    page.fill("input[name=start]", start)
    page.fill("input[name=end]", end)
    page.select_option("select[name=venue]", str(venue_id))
    page.fill("input[name=capacity]", "30")


def test_book_conflict_register_checkin(browser, live_server, people):
    with time_machine.travel(datetime(2026, 12, 7, 12, 30, tzinfo=TZ), tick=True):
        # 1. 区总工会 books the room and publishes.
        ctx, page = browser_login(browser, live_server, DESK, "union_staff", "/activities/staff/new/")
        fill_activity(page, title="职工法律讲座", start="2026-12-07T14:00", end="2026-12-07T16:00",
                      venue_id=people["venue"].pk)
        page.click("button:has-text('保存')")
        page.wait_for_selector("text=报名名单")
        page.click("button:has-text('发布')")
        page.wait_for_selector("text=活动已发布。")
        lecture = Activity.objects.get(title="职工法律讲座")
        page.goto(f"{live_server.url}/activities/staff/?month=2026-12")
        shot(page, "01-staff-calendar-month")
        ctx.close()

        # 2. 共青团区委 tries an overlapping time: refused, the clash named, a free slot offered.
        ctx, page = browser_login(browser, live_server, DESK, "youth_staff", "/activities/staff/new/")
        fill_activity(page, title="青年交友会", start="2026-12-07T15:00", end="2026-12-07T16:00",
                      venue_id=people["venue"].pk)
        page.click("button:has-text('保存')")
        page.wait_for_selector("text=《职工法律讲座》(主办:区总工会")
        shot(page, "02-conflict-with-free-slots")
        assert Activity.objects.filter(title="青年交友会").count() == 0
        page.click("button.chip:has-text('16:30–21:00')")
        assert page.input_value("input[name=start]") == "2026-12-07T16:30"
        assert page.input_value("input[name=end]") == "2026-12-07T17:30"
        page.click("button:has-text('保存')")
        page.wait_for_selector("text=活动已保存为草稿")
        assert Activity.objects.get(title="青年交友会").bookings.get().block_start.astimezone(TZ).hour == 16
        ctx.close()

        # 3. The resident registers on a phone and sees the QR code.
        ctx, page = browser_login(browser, live_server, PHONE, "13900002222", f"/activities/{lecture.pk}/")
        page.click("button:has-text('立即报名')")
        page.wait_for_selector("text=报名成功")
        assert page.locator(".qr svg").count() == 1
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, "03-phone-registered-qr")
        code = page.inner_text(".qr .code").strip()
        registration = Registration.objects.get(resident=people["resident"])
        assert code == services.registration_short_code(registration)

        # 4. Staff type the code on the check-in page.
        staff_ctx, staff = browser_login(browser, live_server, DESK, "union_staff", f"/activities/staff/{lecture.pk}/checkin/")
        staff.fill("input[name=code]", code + "x")
        staff.click("form button:has-text('签到')")
        staff.wait_for_selector("text=签到码无效,请核对后重新输入。")
        staff.fill("input[name=code]", code)
        staff.click("form button:has-text('签到')")
        staff.wait_for_selector("text=张三 签到成功。")
        staff.wait_for_selector("text=已签到 1 人次")
        shot(staff, "04-staff-checkin")
        assert CheckIn.objects.filter(registration=registration).count() == 1
        staff_ctx.close()

        # 5. The resident's page shows the activity as attended.
        page.goto(f"{live_server.url}/activities/mine/")
        assert page.locator(".badge:has-text('已签到')").count() == 1
        shot(page, "05-phone-mine")
        ctx.close()
