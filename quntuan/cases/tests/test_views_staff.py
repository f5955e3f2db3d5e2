# ruff: noqa: F811  (pytest fixtures imported from core_fixtures are used as arguments)
"""Staff pages: workbench queues, intake, overdue boards and 三率; and the requester's list and
the public lookup."""

from datetime import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from quntuan.cases import services
from quntuan.cases.models import Case, CaseStatus, Channel
from quntuan.cases.tests.core_fixtures import SHANGHAI, case, monday, world  # noqa: F401
from quntuan.core.testing import make_resident

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


# ---- access --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/cases/workbench/", "/cases/intake/", "/cases/overdue/", "/cases/stats/"])
def test_anonymous_is_sent_to_login(client, world, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("path", ["/cases/workbench/", "/cases/intake/", "/cases/overdue/", "/cases/stats/"])
def test_resident_is_refused_staff_pages(client, world, path):
    client.force_login(world.resident)
    assert client.get(path).status_code == 403


# ---- workbench -----------------------------------------------------------------------------

def test_workbench_org_queue_lists_the_case_with_flag_and_countdown(client, world, case):
    client.force_login(world.union_staff)
    response = client.get("/cases/workbench/?queue=org")
    html = response.content.decode()
    assert response.status_code == 200
    assert "诉求工作台" in html
    assert 'class="is-active" aria-current="page">本单位</a>' in html
    assert case.tracking_no in html
    assert "工资被拖欠三个月" in html
    assert '<span class="badge flag flag-normal" title="2026-11-30">正常<span class="flag-countdown">剩 5 个工作日</span></span>' in html


def test_workbench_tab_switch_by_htmx_returns_only_the_queue(client, world, case):
    client.force_login(world.union_staff)
    response = client.get("/cases/workbench/?queue=org", **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<div id="queue">')
    assert "<html" not in html
    assert case.tracking_no in html


def test_workbench_unknown_queue_falls_back_to_mine(client, world, case):
    client.force_login(world.union_staff)
    html = client.get("/cases/workbench/?queue=nope").content.decode()
    assert 'class="is-active" aria-current="page">我的待办</a>' in html
    assert "这里没有诉求" in html


def test_other_org_staff_queue_does_not_show_the_case(client, world, case):
    client.force_login(world.youth_staff)
    for queue in ("mine", "org", "first_inquiry", "cohandling", "transfers_in", "overdue", "followups"):
        html = client.get(f"/cases/workbench/?queue={queue}").content.decode()
        assert case.tracking_no not in html, queue


def test_first_inquiry_queue_keeps_transferred_case_with_confirm_button(client, world, case):
    services.case_transfer(case=case, actor=world.union_receiver, to_org=world.women, reason="属妇女权益")
    services.case_transfer_accept(case=case, actor=world.women_staff)
    client.force_login(world.union_receiver)
    html = client.get("/cases/workbench/?queue=first_inquiry").content.decode()
    assert case.tracking_no in html
    assert "区妇联" in html
    assert "确认已告知" in html
    response = client.post(f"/cases/{case.tracking_no}/do/confirm_informed/",
                           {"next": "/cases/workbench/?queue=first_inquiry"})
    assert response.status_code == 302
    assert response["Location"] == "/cases/workbench/?queue=first_inquiry"
    case.refresh_from_db()
    assert case.requester_informed_at is not None
    html = client.get("/cases/workbench/?queue=first_inquiry").content.decode()
    assert '<span class="tag">已告知</span>' in html


def test_confirm_button_not_shown_while_the_case_stays_in_the_first_inquirers_org(client, world, case):
    client.force_login(world.union_receiver)
    html = client.get("/cases/workbench/?queue=first_inquiry").content.decode()
    assert case.tracking_no in html
    assert "确认已告知</button>" not in html
    assert "首问人确认已告知" not in client.get(f"/cases/{case.tracking_no}/").content.decode()


def test_confirm_next_outside_the_workbench_is_ignored(client, world, case):
    client.force_login(world.union_receiver)
    response = client.post(f"/cases/{case.tracking_no}/do/confirm_informed/", {"next": "https://evil.example/"})
    assert response["Location"] == f"/cases/{case.tracking_no}/"


def test_transfers_in_queue(client, world, case):
    services.case_transfer(case=case, actor=world.union_receiver, to_org=world.women, reason="属妇女权益")
    client.force_login(world.women_staff)
    html = client.get("/cases/workbench/?queue=transfers_in").content.decode()
    assert case.tracking_no in html
    assert "转办待接收" in html


def test_overdue_queue_shows_red_flag_later(client, world, case):
    with time_machine.travel(datetime(2026, 12, 3, 10, 0, tzinfo=SHANGHAI), tick=False):
        client.force_login(world.union_staff)
        html = client.get("/cases/workbench/?queue=overdue").content.decode()
    assert case.tracking_no in html
    assert '<span class="badge flag flag-red" title="2026-11-30">红牌<span class="flag-countdown">逾期 3 个工作日</span></span>' in html


def test_workbench_paginates(client, world):
    for i in range(23):
        world.submit(title=f"诉求{i}", idempotency_key=f"key-{i:02d}-aaaaaaaaaaaaaaaa")
    client.force_login(world.union_staff)
    first = client.get("/cases/workbench/?queue=org").content.decode()
    second = client.get("/cases/workbench/?queue=org&page=2").content.decode()
    assert "第 1 / 2 页" in first
    assert first.count('class="case-no"><a href=') == 20
    assert second.count('class="case-no"><a href=') == 3


# ---- intake --------------------------------------------------------------------------------

def intake_data(world, **overrides):
    data = {
        "channel": Channel.PHONE,
        "received_org": "",
        "requester_name": "赵六",
        "requester_mobile": "13600003333",
        "service": str(world.service.pk),
        "title": "来电反映欠薪",
        "content": "来电称工地拖欠工资两个月。",
        "community": str(world.community.pk),
        "missing_materials": "劳动合同\n考勤记录",
        "idempotency_key": "b" * 32,
    }
    data.update(overrides)
    return data


def test_intake_page_renders_with_the_staff_members_organization(client, world):
    client.force_login(world.union_staff)
    response = client.get("/cases/intake/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "受理登记(电话 / 现场)" in html
    assert "区总工会</option>" in html
    assert "需补充的材料(一次性告知)" in html


def test_intake_makes_the_staff_member_first_inquirer(client, world):
    membership = world.union_staff.memberships.get()
    client.force_login(world.union_staff)
    response = client.post("/cases/intake/", intake_data(world, received_org=str(membership.pk)))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.tracking_no}/receipt/"
    assert case.first_inquirer == world.union_staff
    assert case.first_inquirer_org == world.union
    assert case.channel == Channel.PHONE
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.requester is None
    html = client.get(response["Location"]).content.decode()
    assert "<li>劳动合同</li>" in html and "<li>考勤记录</li>" in html
    assert "区总工会 · 李承办" in html


def test_intake_bad_mobile_is_refused(client, world):
    membership = world.union_staff.memberships.get()
    client.force_login(world.union_staff)
    response = client.post("/cases/intake/", intake_data(world, received_org=str(membership.pk),
                                                         requester_mobile="1360000"))
    assert response.status_code == 400
    assert "请输入有效的 11 位手机号码。" in response.content.decode()
    assert Case.objects.count() == 0


def test_intake_with_someone_elses_membership_is_refused(client, world):
    foreign = world.women_staff.memberships.get()
    client.force_login(world.union_staff)
    response = client.post("/cases/intake/", intake_data(world, received_org=str(foreign.pk)))
    assert response.status_code == 400
    assert Case.objects.count() == 0


# ---- overdue boards and 三率 ------------------------------------------------------------------

def test_leader_board_counts_yellow_cases_per_organization(client, world, case):
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        client.force_login(world.union_leader)
        html = client.get("/cases/overdue/").content.decode()
    assert "逾期督办看板" in html
    assert "按单位统计(共 1 件)" in html
    assert '<td>区总工会</td><td class="num">1</td>' in html
    assert case.tracking_no in html


def test_supervisor_board_shows_red_cases_of_the_district(client, world, case):
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        client.force_login(world.supervisor)
        html = client.get("/cases/overdue/").content.decode()
    assert "按单位统计(共 0 件)" in html
    with time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        client = Client()  # a new session: staff sessions end after 30 idle minutes
        client.force_login(world.supervisor)
        html = client.get("/cases/overdue/").content.decode()
    assert "按单位统计(共 1 件)" in html
    assert case.tracking_no in html


def test_other_district_supervisor_does_not_see_it(client, world, case):
    client.force_login(world.other_supervisor)
    with time_machine.travel(datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI), tick=False):
        html = client.get("/cases/overdue/").content.decode()
    assert case.tracking_no not in html


def test_plain_staff_are_refused_the_board(client, world):
    client.force_login(world.union_staff)
    response = client.get("/cases/overdue/")
    assert response.status_code == 403
    assert "逾期督办看板仅供单位负责人和区督查人员查看。" in response.content.decode()


def test_stats_page_shows_three_rates(client, world, case):
    services.case_contact(case=case, actor=world.union_staff)
    services.case_reply_and_close(case=case, actor=world.union_staff, result="已办结")
    services.case_rate(case=case, actor=world.resident, solved=True, level="satisfied")
    client.force_login(world.union_leader)
    response = client.get("/cases/stats/?start=2026-11-01&end=2026-11-30")
    html = response.content.decode()
    assert response.status_code == 200
    assert "三率统计" in html
    assert "<td>区总工会</td>" in html
    assert html.count('<span class="rates-bar" style="width:60px"></span>100%') == 3
    assert '<td class="num">100.0</td>' in html


def test_supervisor_stats_list_every_organization_of_the_district(client, world):
    client.force_login(world.supervisor)
    html = client.get("/cases/stats/?start=2026-11-01&end=2026-11-30").content.decode()
    for name in ("区总工会", "区妇联", "共青团区委"):
        assert f"<td>{name}</td>" in html


def test_stats_bad_period_is_refused(client, world):
    client.force_login(world.union_leader)
    response = client.get("/cases/stats/?start=2026-11-30&end=2026-11-01")
    assert response.status_code == 400
    assert "结束日期不能早于开始日期。" in response.content.decode()
    response = client.get("/cases/stats/?start=abc&end=2026-11-01")
    assert response.status_code == 400
    assert "日期格式不正确。" in response.content.decode()


# ---- my cases ------------------------------------------------------------------------------

def test_my_cases_lists_only_my_own(client, world, case):
    other = world.submit(requester=world.other_resident, requester_mobile="13900002222", title="别人的诉求")
    client.force_login(world.resident)
    html = client.get("/cases/mine/").content.decode()
    assert case.tracking_no in html
    assert other.tracking_no not in html
    assert "承诺 2026-11-30 前办结" in html


def test_my_cases_empty_state(client, world):
    client.force_login(make_resident(world.district))
    html = client.get("/cases/mine/").content.decode()
    assert "您还没有提交过诉求" in html


# ---- public lookup -------------------------------------------------------------------------

def test_lookup_with_the_right_pair_shows_public_status_only(client, world, case):
    services.case_add_note(case=case, actor=world.union_staff, note="内部备注不可外泄")
    response = client.post("/cases/lookup/", {"tracking_no": case.tracking_no.lower(), "mobile_last4": "1111"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "办理状态" in html
    assert "待签收" in html
    assert "区总工会" in html
    assert "职工欠薪维权" in html
    assert "2026年11月30日" in html
    for private in ("张三", "13900001111", "公司拖欠我三个月工资", "内部备注不可外泄", "工资被拖欠三个月"):
        assert private not in html


@pytest.mark.parametrize(("no", "last4"), [("right", "0000"), ("QT-20261123-999999", "1111"), ("QT-X", "0000")])
def test_lookup_wrong_pair_says_not_found_without_hint(client, world, case, no, last4):
    tracking_no = case.tracking_no if no == "right" else no
    response = client.post("/cases/lookup/", {"tracking_no": tracking_no, "mobile_last4": last4})
    html = response.content.decode()
    assert response.status_code == 404
    assert "未找到。请核对受理编号和手机号后 4 位。" in html
    assert "办理状态" not in html


def test_lookup_bad_input(client, world):
    response = client.post("/cases/lookup/", {"tracking_no": "", "mobile_last4": "12a4"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "请输入受理编号。" in html
    assert "请输入手机号后 4 位数字。" in html


def test_lookup_is_throttled_per_address(client, world, case):
    for _ in range(20):
        assert client.post("/cases/lookup/", {"tracking_no": "QT-1", "mobile_last4": "0000"}).status_code == 404
    response = client.post("/cases/lookup/", {"tracking_no": case.tracking_no, "mobile_last4": "1111"})
    assert response.status_code == 429
    assert "查询过于频繁,请 10 分钟后再试。" in response.content.decode()
    other = client.post("/cases/lookup/", {"tracking_no": case.tracking_no, "mobile_last4": "1111"},
                        REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


@pytest.mark.parametrize("path", ["/cases/workbench/?queue=org", "/cases/intake/", "/cases/stats/", "/cases/overdue/"])
def test_staff_pages_render_in_english_too(client, world, case, path):
    client.force_login(world.union_leader)
    client.cookies["django_language"] = "en"
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.parametrize("path", ["/cases/new/", "/cases/lookup/"])
def test_public_pages_render_in_english_too(client, world, path):
    client.cookies["django_language"] = "en"
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()
