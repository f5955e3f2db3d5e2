# ruff: noqa: F811  (the shared fixtures are imported by name)
"""Reading through the API: my cases, queues, detail, timeline, personal data, public lookup, 三率."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from quntuan.accounts.models import AuditRecord
from quntuan.cases import services as s
from quntuan.cases.models import CaseEvent
from quntuan.cases.tests.test_api_support import (  # noqa: F401
    ROLES,
    client_for,
    in_state,
    post,
    role_user,
    snapshot,
    submit,
    world,
)


def test_mine_lists_only_my_cases_newest_first(world):
    first = submit(world, title="第一件")
    second = submit(world, title="第二件")
    submit(world, world.other_resident, title="别人的")
    response = client_for(world.resident).get("/api/cases/mine")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [c["tracking_no"] for c in body["items"]] == [second.tracking_no, first.tracking_no]
    assert body["items"][0] == {
        "tracking_no": second.tracking_no,
        "title": "第二件",
        "status": "pending",
        "status_label": "待签收",
        "channel": "web",
        "is_urgent": False,
        "handling_org": {"id": world.union.pk, "name": "区总工会"},
        "received_at": timezone.localtime(second.received_at).isoformat(timespec="milliseconds"),
        "due_date": second.due_date.isoformat(),
        "deadline_state": "normal",
        "escalation_level": 0,
    }
    paged = client_for(world.resident).get("/api/cases/mine?limit=1&offset=1").json()
    assert (paged["count"], [c["title"] for c in paged["items"]]) == (2, ["第一件"])


def test_mine_needs_a_login(world):
    response = Client().get("/api/cases/mine")
    assert response.status_code == 401
    assert response.json() == {"code": "unauthenticated", "message": "请先登录,或提供有效的访问令牌。"}


def test_mine_paging_limits(world):
    response = client_for(world.resident).get("/api/cases/mine?limit=1000")
    assert response.status_code == 422
    assert response.json()["message"] == "提交的数据有误:每页条数不能大于 100。"


def test_queues(world):
    pending = submit(world, title="待签收")
    transferring = in_state(world, "transferring")
    # The handler who signed for the case keeps it in "mine" while the transfer is pending.
    handler_mine = client_for(world.handler).get("/api/cases/queue?queue=mine").json()
    assert [c["tracking_no"] for c in handler_mine["items"]] == [transferring.tracking_no]
    org = client_for(world.handler).get("/api/cases/queue?queue=org").json()
    assert {c["tracking_no"] for c in org["items"]} == {pending.tracking_no, transferring.tracking_no}
    first = client_for(world.receiver).get("/api/cases/queue?queue=first_inquiry").json()
    assert {c["tracking_no"] for c in first["items"]} == {pending.tracking_no, transferring.tracking_no}
    incoming = client_for(world.women_staff).get("/api/cases/queue?queue=transfers_in").json()
    assert [c["tracking_no"] for c in incoming["items"]] == [transferring.tracking_no]
    assert incoming["items"][0]["status"] == "transferring"


def test_queue_is_for_staff_and_validates_its_name(world):
    resident = client_for(world.resident).get("/api/cases/queue?queue=org")
    assert resident.status_code == 403
    assert resident.json() == {"code": "forbidden", "message": "工作台仅对工作人员开放。"}
    unknown = client_for(world.handler).get("/api/cases/queue?queue=everything")
    assert unknown.status_code == 422
    assert unknown.json()["message"].startswith("提交的数据有误:队列的取值无效,可选:'mine', 'org'")
    missing = client_for(world.handler).get("/api/cases/queue")
    assert missing.json()["message"] == "提交的数据有误:队列为必填项。"


# --- detail and timeline, by role ------------------------------------------------------------------

DETAIL_STATUS = {"anonymous": 401, "resident": 200, "other_resident": 404, "other_org_staff": 404,
                 "handler": 200, "leader": 200, "supervisor": 200}


@pytest.mark.parametrize("role", ROLES)
def test_detail_and_timeline_by_role(world, role):
    case = in_state(world, "in_progress")
    s.case_add_note(case=case, actor=world.handler, note="已电话联系,约周三面谈")
    before = snapshot(case)
    client = client_for(role_user(world, role))
    detail = client.get(f"/api/cases/{case.tracking_no}")
    timeline = client.get(f"/api/cases/{case.tracking_no}/timeline")
    assert detail.status_code == timeline.status_code == DETAIL_STATUS[role]
    if DETAIL_STATUS[role] == 404:
        assert detail.json() == {"code": "not_found", "message": "未找到该诉求,或您无权查看。"}
    assert snapshot(case) == before
    if DETAIL_STATUS[role] != 200:
        return
    kinds = [e["kind"] for e in timeline.json()]
    if role == "resident":
        assert kinds == ["submitted", "received", "receipt_sent", "contacted"]
        assert detail.json()["requester_mobile"] == "13912345678"
        assert detail.json()["personal_data_masked"] is False
    else:
        assert kinds == ["submitted", "received", "receipt_sent", "contacted", "note"]
        assert timeline.json()[-1]["note"] == "已电话联系,约周三面谈"
        assert timeline.json()[-1]["internal"] is True
        assert timeline.json()[-1]["actor"] == "李承办"
        assert (detail.json()["requester_name"], detail.json()["requester_mobile"]) == ("张*", "139****5678")
        assert detail.json()["personal_data_masked"] is True


def test_unknown_tracking_number_is_404(world):
    for number in ("QT-20200101-999999", "x" * 200, "<script>"):
        response = client_for(world.supervisor).get(f"/api/cases/{number}")
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": "未找到该诉求,或您无权查看。"}


def test_detail_actions_for_the_handler_and_the_resident(world):
    case = in_state(world, "in_progress")
    handler = client_for(world.handler).get(f"/api/cases/{case.tracking_no}").json()
    assert handler["actions"] == {"handle": True, "transfer": True, "accept_transfer": False,
                                  "confirm_informed": False, "decide_extension": False, "rate": False,
                                  "reveal_personal_data": True}
    assert handler["handler"] == {"name": "李承办", "phone": "010-88886666"}
    resident = client_for(world.resident).get(f"/api/cases/{case.tracking_no}").json()
    assert resident["actions"] == {"handle": False, "transfer": False, "accept_transfer": False,
                                   "confirm_informed": False, "decide_extension": False, "rate": False,
                                   "reveal_personal_data": False}


def test_resident_does_not_see_internal_parts(world):
    case = in_state(world, "in_progress")
    s.case_add_cohandler(case=case, actor=world.handler, organization=world.women, task="提供妇女维权意见", days=3)
    s.case_request_extension(case=case, actor=world.handler, days=5, reason="需等待仲裁结果")
    staff = client_for(world.handler).get(f"/api/cases/{case.tracking_no}").json()
    assert [c["organization"]["name"] for c in staff["cohandlings"]] == ["区妇联"]
    assert staff["extension"]["days"] == 5
    assert staff["extension"]["status"] == "pending"
    resident = client_for(world.resident).get(f"/api/cases/{case.tracking_no}").json()
    assert (resident["cohandlings"], resident["extension"], resident["followups"]) == ([], None, [])
    kinds = [e["kind"] for e in client_for(world.resident).get(f"/api/cases/{case.tracking_no}/timeline").json()]
    assert "cohandler_added" not in kinds and "extension_requested" not in kinds
    assert all(e["internal"] is False
               for e in client_for(world.resident).get(f"/api/cases/{case.tracking_no}/timeline").json())


# --- personal data -----------------------------------------------------------------------------------

REVEAL_STATUS = {"anonymous": 401, "resident": 200, "other_resident": 404, "other_org_staff": 404,
                 "handler": 200, "leader": 200, "supervisor": 403}


@pytest.mark.parametrize("role", ROLES)
def test_personal_data_by_role_is_audited(world, role):
    case = in_state(world, "in_progress")
    user = role_user(world, role)
    response = post(client_for(user), f"/api/cases/{case.tracking_no}/personal-data")
    assert response.status_code == REVEAL_STATUS[role]
    audits = list(AuditRecord.objects.filter(action="case.personal_data_view").values_list("actor_id", "object_id"))
    events = case.events.filter(kind=CaseEvent.Kind.PERSONAL_DATA_VIEWED).count()
    if response.status_code == 200:
        assert response.json() == {"requester_name": "张三", "requester_mobile": "13912345678",
                                   "requester_email": "", "address": ""}
        assert audits == [(user.pk, str(case.pk))]
        assert events == 1
    else:
        assert (audits, events) == ([], 0)


def test_supervisor_reveal_message(world):
    case = in_state(world, "in_progress")
    response = post(client_for(world.supervisor), f"/api/cases/{case.tracking_no}/personal-data")
    assert response.json() == {"code": "forbidden", "message": "您无权查看诉求人的个人信息。"}


# --- public lookup ------------------------------------------------------------------------------------


def test_public_lookup(world):
    case = in_state(world, "in_progress")
    s.case_add_note(case=case, actor=world.handler, note="内部备注")
    response = post(Client(), "/api/cases/lookup", {"tracking_no": case.tracking_no.lower(), "mobile_last4": "5678"})
    assert response.status_code == 200
    body = response.json()
    assert body == {
        "tracking_no": case.tracking_no,
        "title": "工资被拖欠三个月",
        "status": "in_progress",
        "status_label": "办理中",
        "handling_org": "区总工会",
        "received_at": timezone.localtime(case.received_at).isoformat(timespec="milliseconds"),
        "due_date": case.due_date.isoformat(),
        "closed_at": None,
        "events": body["events"],
    }
    assert [e["kind"] for e in body["events"]] == ["submitted", "received", "receipt_sent", "contacted"]
    assert set(body["events"][0]) == {"kind", "kind_label", "at"}


@pytest.mark.parametrize(
    ("tracking_no", "last4"),
    [("QT-20200101-000001", "5678"), (None, "0000"), (None, "5679")],
)
def test_public_lookup_mismatch_is_404(world, tracking_no, last4):
    case = in_state(world, "pending")
    response = post(Client(), "/api/cases/lookup", {"tracking_no": tracking_no or case.tracking_no,
                                                    "mobile_last4": last4})
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到该诉求,或您无权查看。"}


def test_public_lookup_validates_and_is_throttled(world):
    bad = post(Client(), "/api/cases/lookup", {"tracking_no": "QT", "mobile_last4": "12a4"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "mobile_last4"
    cache.clear()
    client = Client()
    statuses = [post(client, "/api/cases/lookup", {"tracking_no": "QT-1", "mobile_last4": "1234"}).status_code
                for _ in range(31)]
    assert statuses[:30] == [404] * 30
    assert statuses[30] == 429


# --- 三率 -------------------------------------------------------------------------------------------


def test_three_rates(world):
    closed = in_state(world, "closed")
    s.case_rate(case=closed, actor=world.resident, solved=True, level="satisfied")
    submit(world, title="未响应")
    today = timezone.localdate()
    url = f"/api/cases/stats/three-rates?organization={world.union.pk}&start={today - timedelta(days=30)}&end={today}"
    response = client_for(world.leader).get(url)
    assert response.status_code == 200
    assert response.json() == {
        "organization": {"id": world.union.pk, "name": "区总工会"},
        "start": (today - timedelta(days=30)).isoformat(),
        "end": today.isoformat(),
        "response_rate": 0.5,
        "resolution_rate": 1.0,
        "satisfaction_rate": 1.0,
        "score": 85.0,
        "weights": {"response_rate": 30, "resolution_rate": 35, "satisfaction_rate": 35},
        "counts": {"received": 2, "contacted_in_time": 1, "rated": 1, "solved": 1, "satisfied": 1, "basic": 0,
                   "dissatisfied": 0},
    }
    assert client_for(world.supervisor).get(url).status_code == 200


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("resident", 403), ("other_org_staff", 403)])
def test_three_rates_refused(world, role, status):
    today = timezone.localdate()
    url = f"/api/cases/stats/three-rates?organization={world.union.pk}&start={today}&end={today}"
    assert client_for(role_user(world, role)).get(url).status_code == status


def test_three_rates_bad_input(world):
    client = client_for(world.leader)
    assert client.get(f"/api/cases/stats/three-rates?organization={world.union.pk}&start=2026-02-01"
                      "&end=2026-01-01").json() == {"code": "invalid", "message": "截止日期不能早于起始日期。"}
    assert client.get("/api/cases/stats/three-rates?organization=999999&start=2026-01-01&end=2026-01-31"
                      ).json() == {"code": "unknown_organization", "message": "所选组织不存在或已停用。"}
    bad_date = client.get(f"/api/cases/stats/three-rates?organization={world.union.pk}&start=yesterday&end=2026-01-31")
    assert bad_date.status_code == 422
    assert bad_date.json()["message"] == "提交的数据有误:起始日期的格式不正确。"


def test_another_districts_staff_and_supervisor_see_nothing(world):
    from quntuan.accounts.models import Role
    from quntuan.core import testing as f

    case = in_state(world, "in_progress")
    elsewhere = f.make_district("远方区")
    union_elsewhere = f.make_staff(f.make_org(elsewhere, "union"), name="外区工会干部")
    supervisor_elsewhere = f.make_user(Role.SUPERVISOR, elsewhere, name="外区督查")
    before = snapshot(case)
    for user in (union_elsewhere, supervisor_elsewhere):
        client = client_for(user)
        assert client.get(f"/api/cases/{case.tracking_no}").status_code == 404
        assert post(client, f"/api/cases/{case.tracking_no}/contact", {}).status_code == 404
        assert client.get("/api/cases/queue?queue=overdue").json()["count"] == 0
    assert snapshot(case) == before
