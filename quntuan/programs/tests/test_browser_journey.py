"""One journey in Chromium: a trade-union worker builds a target group and sees the count by
community, composes a notice inviting to a training, confirms the audience and publishes; a
resident on a phone opens the notice and signs up; the worker sees the sign-up counted.
Screenshots go to test-artifacts/programs/."""

import os
import re
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from quntuan.activities import services as activity_services
from quntuan.activities.models import ActivityKind, Registration
from quntuan.core.testing import (
    browser_login,
    make_community,
    make_district,
    make_org,
    make_resident,
    make_staff,
)
from quntuan.programs import services
from quntuan.programs.models import Notice, NoticeDelivery, ProgramRules, TargetGroup

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(os.environ.get("QUNTUAN_ARTIFACTS", "test-artifacts")) / "programs"
DESK = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


def test_group_count_publish_open_and_sign_up(browser, live_server):
    district = make_district("示范区")
    ProgramRules.objects.create(district=district, quiet_start=time(0), quiet_end=time(0))
    happy, peace = make_community(district, "幸福社区"), make_community(district, "和平社区")
    union = make_org(district, "union")
    worker = make_staff(union, username="union_worker", name="工会小王")
    start = timezone.localtime() + timedelta(days=7)
    training = activity_services.activity_create(
        actor=worker, primary_host=union, data=activity_services.ActivityInput(
            kind=ActivityKind.TRAINING, title="育婴师培训(第一期)", start=start, end=start + timedelta(hours=3),
            capacity=30, address="区职工服务中心三楼"))
    activity_services.activity_publish(actor=worker, activity=training)
    people = []
    for i, (community, status) in enumerate([(happy, "unemployed"), (happy, "unemployed"), (peace, "unemployed"),
                                             (peace, "employed")]):
        person = make_resident(district, community=community, mobile=f"1390000{i:04d}", name=f"居民{i}")
        services.consent_grant(resident=person, purposes=["employment"])
        services.profile_update(resident=person, attributes={"employment_status": status,
                                                             "birth_date": date(1990, 1, 1)})
        people.append(person)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    # the worker builds the group and sees the count, by community, before saving
    ctx, page = browser_login(browser, live_server, DESK, "union_worker", "/programs/groups/")
    page.check("input[name=employment_status][value=unemployed]")
    page.wait_for_selector("#pg-preview [data-total='3']")
    preview = page.inner_text("#pg-preview")
    assert "幸福社区\t2" in preview and "和平社区\t1" in preview
    assert not any(p.name in preview for p in people)
    page.fill("input[name=age_min]", "60")
    page.fill("input[name=age_max]", "30")
    page.wait_for_selector("#pg-preview .msg-error")
    assert "年龄范围自相矛盾" in page.inner_text("#pg-preview")
    page.fill("input[name=age_min]", "18")
    page.fill("input[name=age_max]", "45")
    page.wait_for_selector("#pg-preview [data-total='3']")
    page.fill("input[name=name]", "18–45岁失业人员")
    page.screenshot(path=str(ARTIFACTS / "journey-1-group.png"), full_page=True)
    page.click("button:has-text('保存人群')")
    page.wait_for_selector("text=已保存,发布推送时可以选用")
    group = TargetGroup.objects.get()

    # compose, confirm the audience, publish; the fan-out runs and the bar reaches 100 %
    page.goto(f"{live_server.url}/programs/notices/new/?group={group.pk}")
    page.fill("input[name=title]", "免费育婴师培训开始报名")
    page.fill("textarea[name=body]", "区总工会面向失业人员开设育婴师培训,免费,结业后推荐就业。")
    page.select_option("select[name=activity]", str(training.pk))
    page.click("button:has-text('保存并确认人数')")
    page.wait_for_selector("text=确认发布给 3 位居民")
    page.screenshot(path=str(ARTIFACTS / "journey-2-confirm.png"), full_page=True)
    page.click("button:has-text('确认发布给 3 位居民')")
    page.wait_for_selector("[role=progressbar][aria-valuenow='100']")
    notice = Notice.objects.get()
    assert (notice.status, notice.audience_size, notice.deliveries.count()) == ("done", 3, 3)

    # a resident on a phone opens it from the inbox list and signs up
    rctx, phone = browser_login(browser, live_server, PHONE, people[0].mobile, "/programs/me/")
    phone.click("text=免费育婴师培训开始报名")
    phone.wait_for_selector("h1:has-text('免费育婴师培训开始报名')")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.click("button:has-text('报名参加')")
    phone.wait_for_selector("text=报名成功。")
    phone.screenshot(path=str(ARTIFACTS / "journey-3-resident-signed-up.png"), full_page=True)
    rctx.close()
    assert Registration.objects.filter(activity=training, resident=people[0]).count() == 1
    delivery = NoticeDelivery.objects.get(notice=notice, resident=people[0])
    assert delivery.opened_at is not None and delivery.signup_ref.startswith("activity:")

    # the worker sees the figures
    page.goto(f"{live_server.url}/programs/notices/")
    row = re.sub(r"\s+", " ", page.inner_text("tbody tr"))
    assert row.endswith("3 3 1 1")
    page.screenshot(path=str(ARTIFACTS / "journey-4-figures.png"), full_page=True)
    ctx.close()
