"""A browser journey in Chromium: a volunteer reports hours after a shift on a 360-px phone, the
organizer confirms them in bulk on a 1280-px screen, and the volunteer's page shows the new total
and star level. Screenshots go to test-artifacts/volunteers/."""

import os
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from quntuan.activities import services as activity_services
from quntuan.activities.models import ActivityKind
from quntuan.core.testing import (
    browser_login,
    make_community,
    make_district,
    make_org,
    make_resident,
    make_staff,
)
from quntuan.volunteers import services
from quntuan.volunteers.models import ServiceRecord
from quntuan.volunteers.tests.conftest import id_number, next_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(os.environ.get("QUNTUAN_ARTIFACTS", "test-artifacts")) / "volunteers"
PHONE = {"width": 360, "height": 760}
DESK = {"width": 1280, "height": 900}
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)


def _activity(staff, org, community, title, start, end):
    activity = activity_services.activity_create(
        actor=staff, primary_host=org,
        data=activity_services.ActivityInput(kind=ActivityKind.VOLUNTEER, title=title, start=start, end=end,
                                             capacity=30, address="湖滨社区广场", community=community),
    )
    activity_services.activity_publish(actor=staff, activity=activity, now=start - timedelta(days=5))
    return activity


@pytest.fixture
def scene(transactional_db):
    with time_machine.travel(NOW, tick=True):
        district = make_district("示例区")
        community = make_community(district, "湖滨社区")
        youth = make_org(district, "youth")
        staff = make_staff(youth, username="youth_staff", name="李团委")
        resident = make_resident(district, mobile="13900002222", name="张三")
        me = services.volunteer_register(user=resident, real_name="张三", id_type="resident_id",
                                         id_number=id_number("11010519900307123"), skills="急救、手语")
        # three weeks of 8-hour posts last month: 168 hours → 一星
        post = _activity(staff, youth, community, "社区便民服务站志愿值守", datetime(2026, 11, 2, 8, tzinfo=TZ),
                         datetime(2026, 11, 22, 20, tzinfo=TZ))
        for day in range(21):
            start = datetime(2026, 11, 2 + day, 8, tzinfo=TZ)
            shift = services.shift_create(actor=staff, activity=post, title="值守", start=start,
                                          end=start + timedelta(hours=8), slots=3)
            services.shift_signup(user=resident, shift=shift, now=start - timedelta(days=1))
            services.hours_record_for_shift(actor=staff, shift=shift, entries={me.pk: 480},
                                            now=start + timedelta(hours=9))
        # this morning's shift, ended at 09:00
        today = _activity(staff, youth, community, "湖滨社区助老助餐", datetime(2026, 12, 1, 6, tzinfo=TZ),
                          datetime(2026, 12, 1, 9, tzinfo=TZ))
        shift = services.shift_create(actor=staff, activity=today, title="助餐配送", start=today.start,
                                      end=today.end, slots=5)
        others = []
        for name in ("李四", "王五"):
            person = make_resident(district, name=name)
            services.volunteer_register(user=person, real_name=name, id_type="resident_id",
                                        id_number=next_id_number())
            services.shift_signup(user=person, shift=shift, now=shift.start - timedelta(days=1))
            others.append(person)
        services.shift_signup(user=resident, shift=shift, now=shift.start - timedelta(days=1))
        services.hours_report(user=others[0], shift=shift, minutes=180)
        services.hours_report(user=others[1], shift=shift, minutes=150, note="8:30 到岗")
        # an upcoming shift
        later = _activity(staff, youth, community, "周末河道清洁", datetime(2026, 12, 5, 9, tzinfo=TZ),
                          datetime(2026, 12, 5, 12, tzinfo=TZ))
        upcoming = services.shift_create(actor=staff, activity=later, title="垃圾分拣", start=later.start,
                                         end=later.end, slots=10)
        services.shift_signup(user=resident, shift=upcoming)
    return {"staff": staff, "resident": resident, "shift": shift}


def shot(page, name, full_page=True):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def test_report_confirm_and_see_hours(scene, browser, live_server):
    with time_machine.travel(NOW + timedelta(minutes=5), tick=True):
        phone, page = browser_login(browser, live_server, PHONE, "13900002222", "/volunteers/")
        assert "168 小时" in page.inner_text(".star-card")
        assert "一星志愿者" in page.inner_text(".star-card")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        shot(page, "mine-360-before")
        # the field stops more than the shift's length before the server would refuse it
        assert page.get_attribute(f"form[action$='/shifts/{scene['shift'].pk}/report/'] input[name=minutes]",
                                  "max") == "180"
        page.fill(f"form[action$='/shifts/{scene['shift'].pk}/report/'] input[name=minutes]", "170")
        page.click(f"form[action$='/shifts/{scene['shift'].pk}/report/'] button[type=submit]")
        page.wait_for_selector("text=已提交服务时长,等待组织方确认。")
        assert "自报 170 分钟" in page.content()
        shot(page, "mine-360-reported")

        desk, staff_page = browser_login(browser, live_server, DESK, "youth_staff", "/volunteers/staff/hours/")
        assert "待确认 3 条" in staff_page.inner_text("h1 + span")
        shot(staff_page, "hours-1280")
        staff_page.check("thead input[type=checkbox]")
        staff_page.click("button[form=bulk]")
        staff_page.wait_for_selector("text=已确认 3 条服务时长。")
        shot(staff_page, "hours-1280-confirmed")
        assert ServiceRecord.objects.filter(shift=scene["shift"], status="confirmed").count() == 3

        page.goto(f"{live_server.url}/volunteers/")
        assert "170 小时 50 分钟" in page.inner_text(".star-card")
        assert "认定 170 分钟" in page.content()
        shot(page, "mine-360-after")
        shot(page, "mine-360-after-top", full_page=False)
        phone.close()
        desk.close()
