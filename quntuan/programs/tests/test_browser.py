"""The plans board at 1280 px and the resident's consent page at 360 px in Chromium: nothing
wider than the screen; withdrawing a consent on the phone takes effect; a resident confirms a
referral on the phone. Screenshots go to test-artifacts/programs/."""

import os
from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from quntuan.core.testing import make_community, make_district, make_org, make_resident, make_staff
from quntuan.programs import services
from quntuan.programs.models import Plan, ResidentProfile

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(os.environ.get("QUNTUAN_ARTIFACTS", "test-artifacts")) / "programs"


def _context(browser, live_server, user, width):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": live_server.url}])
    return context


def test_plans_board_at_1280(browser, live_server):
    district = make_district("示范区")
    community = make_community(district, "幸福社区")
    plans = [("union", "职工技能提升计划", Plan.Kind.TRAINING, "workers", "面向失业职工开展电工、育婴师、养老护理员培训"),
             ("women", "巾帼创业行动", Plan.Kind.ENTREPRENEURSHIP, "women", "为有意创业的妇女提供培训、贷款对接和导师帮带"),
             ("youth", "青春建功行动", Plan.Kind.VOLUNTEERING, "youth", "组织青年志愿者参与社区治理和为老服务")]
    staff = None
    for code, title, kind, audience, goal in plans:
        org = make_org(district, code)
        staff = make_staff(org)
        services.plan_create(actor=staff, organization=org, data=services.PlanInput(
            title=title, goal=goal, kind=kind, audience=audience, start_date=date(2026, 3, 1),
            end_date=date(2026, 12, 31), capacity=200, community=community if code == "women" else None))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = _context(browser, live_server, staff, 1280)
    page = context.new_page()
    page.goto(live_server.url + "/programs/")
    assert page.locator("article.card").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path=str(ARTIFACTS / "board-1280.png"), full_page=True)
    context.close()


def test_consent_page_at_360(browser, live_server):
    district = make_district("示范区")
    community = make_community(district, "幸福社区")
    resident = make_resident(district, community=community, name="李秀英")
    services.consent_grant(resident=resident, purposes=["employment", "culture"])
    services.profile_update(resident=resident, attributes={"gender": "female", "employment_status": "unemployed",
                                                            "birth_date": date(1988, 4, 2)})
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = _context(browser, live_server, resident, 360)
    page = context.new_page()
    page.goto(live_server.url + "/programs/me/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=str(ARTIFACTS / "consent-360.png"), full_page=True)
    page.uncheck("input[value=culture]")
    page.click("text=保存授权")
    page.wait_for_selector("text=授权设置已保存,立即生效。")
    assert ResidentProfile.objects.get(user=resident).consent_culture is False
    context.close()


def test_resident_confirms_a_referral_at_360(browser, live_server):
    from quntuan.programs.models import Referral

    district = make_district("示范区")
    community = make_community(district, "幸福社区")
    union, women = make_org(district, "union"), make_org(district, "women")
    union_staff, women_staff = make_staff(union), make_staff(women)
    plan = services.plan_create(actor=women_staff, organization=women, data=services.PlanInput(
        title="巾帼创业行动", goal="扶持创业", start_date=date(2026, 3, 1), end_date=date(2026, 12, 31)))
    resident = make_resident(district, community=community, name="陈美玲")
    services.consent_grant(resident=resident, purposes=["hardship"])
    services.profile_update(resident=resident, attributes={"hardship": "zero_job"})
    referral = services.referral_create(actor=union_staff, from_organization=union, resident=resident,
                                        reason="失业女职工,想开网店", plan=plan)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = _context(browser, live_server, resident, 360)
    page = context.new_page()
    page.goto(live_server.url + "/programs/me/")
    page.click("text=去确认")
    page.wait_for_selector("text=您是否同意这次转介?")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.check("input[name=share][value=hardship]")
    page.screenshot(path=str(ARTIFACTS / "referral-confirm-360.png"), full_page=True)
    page.click("button[value=yes]")
    page.wait_for_selector("text=您已同意,接收组织现在可以看到这条转介并与您联系。")
    referral.refresh_from_db()
    assert (referral.status, referral.shared_categories) == (Referral.Status.PENDING, ["hardship"])
    context.close()
