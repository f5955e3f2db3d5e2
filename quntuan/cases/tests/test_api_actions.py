# ruff: noqa: F811  (the shared fixtures are imported by name)
"""Every handling step through the API: the happy path with exact values, a permission matrix in
which every refusal leaves the case as it was, and the refusals that must be 4xx, not 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from quntuan.cases import services as s
from quntuan.cases.models import Case, CaseStatus, CoHandling, ExtensionRequest, FollowUp, Rating
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

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def prepare(world, state: str) -> Case:
    """in_state() plus the states only this module needs."""
    if state == "no_category":
        case = submit(world, service_id=None, organization_id=world.union.pk, title="噪音扰民")
        s.case_contact(case=case, actor=world.handler)
        return Case.objects.get(pk=case.pk)
    if state == "extension_pending":
        case = in_state(world, "in_progress")
        s.case_request_extension(case=case, actor=world.handler, days=3, reason="等待仲裁结果")
        return Case.objects.get(pk=case.pk)
    if state == "cohandling":
        case = in_state(world, "in_progress")
        s.case_add_cohandler(case=case, actor=world.handler, organization=world.women, task="提供意见", days=3)
        return Case.objects.get(pk=case.pk)
    if state == "followup":
        case = in_state(world, "closed")
        FollowUp.objects.create(case=case, round=0, due_date=timezone.localdate())
        return Case.objects.get(pk=case.pk)
    return in_state(world, state)


def url_and_body(world, case: Case, action: str):
    base = f"/api/cases/{case.tracking_no}"
    return {
        "contact": (f"{base}/contact", {"note": "已电话联系"}),
        "transfer": (f"{base}/transfer", {"to_org_id": world.women.pk, "reason": "属于妇联职责"}),
        "accept": (f"{base}/accept", {}),
        "return": (f"{base}/return", {"reason": "不属于本单位职责"}),
        "informed": (f"{base}/informed", {}),
        "cohandlers": (f"{base}/cohandlers", {"organization_id": world.women.pk, "task": "提供意见", "days": 3}),
        "cohandling_reply": (
            f"{base}/cohandlings/{case.cohandlings.values_list('pk', flat=True).first() or 0}/reply",
            {"reply": "已提供意见"}),
        "material_request": (f"{base}/material-request", {"materials": "劳动合同复印件"}),
        "material_supply": (f"{base}/material-supply", {"note": "已上传劳动合同"}),
        "extension": (f"{base}/extension", {"days": 3, "reason": "等待仲裁结果"}),
        "extension_decision": (f"{base}/extension/decision", {"approve": True, "note": "同意"}),
        "transfer_out": (f"{base}/transfer-out", {"department": "区住建局", "note": "噪音问题由住建局处理"}),
        "notes": (f"{base}/notes", {"note": "约周三面谈"}),
        "reply": (f"{base}/reply", {"result": "已协调公司补发工资。"}),
        "rate": (f"{base}/rate", {"solved": True, "level": "satisfied", "comment": "很满意"}),
        "followup": (f"{base}/followups/{case.followups.values_list('pk', flat=True).first() or 0}",
                     {"outcome": "satisfied", "solved": True, "note": "电话回访"}),
    }[action]


# action: (state, {role: status}); roles not listed get the default for their kind below.
STAFF_ONLY = {"resident": 403, "handler": 200, "leader": 200, "supervisor": 403}
MATRIX = {
    "contact": ("pending", STAFF_ONLY),
    "transfer": ("in_progress", STAFF_ONLY),
    "accept": ("transferring", {"resident": 403, "handler": 403, "leader": 403, "supervisor": 403,
                                "women_staff": 200}),
    "return": ("transferring", {"resident": 403, "handler": 403, "leader": 403, "supervisor": 403,
                                "women_staff": 200}),
    "informed": ("in_progress", {"resident": 403, "handler": 403, "leader": 403, "supervisor": 403,
                                 "receiver": 200}),
    "cohandlers": ("in_progress", {**STAFF_ONLY, "handler": 201, "leader": 201}),
    "cohandling_reply": ("cohandling", {"resident": 403, "handler": 403, "leader": 403, "supervisor": 403,
                                        "women_staff": 200}),
    "material_request": ("in_progress", STAFF_ONLY),
    "material_supply": ("awaiting_material", {"resident": 200, "handler": 200, "leader": 200, "supervisor": 403}),
    "extension": ("in_progress", {**STAFF_ONLY, "handler": 201, "leader": 201}),
    "extension_decision": ("extension_pending", {"resident": 403, "handler": 403, "leader": 200,
                                                 "supervisor": 403}),
    "transfer_out": ("no_category", STAFF_ONLY),
    "notes": ("in_progress", {"resident": 403, "handler": 201, "leader": 201, "supervisor": 201}),
    "reply": ("in_progress", STAFF_ONLY),
    "rate": ("closed", {"resident": 201, "handler": 403, "leader": 403, "supervisor": 403}),
    "followup": ("followup", {"resident": 403, "handler": 200, "leader": 200, "supervisor": 403}),
}
DEFAULTS = {"anonymous": 401, "other_resident": 404, "other_org_staff": 404}


def matrix_cases():
    for action, (_state, statuses) in MATRIX.items():
        for role in [*ROLES, *[r for r in statuses if r not in ROLES]]:
            yield pytest.param(action, role, {**DEFAULTS, **statuses}[role], id=f"{action}-{role}")


@pytest.mark.parametrize(("action", "role", "expected"), list(matrix_cases()))
def test_permission_matrix(world, action, role, expected):
    case = prepare(world, MATRIX[action][0])
    user = None if role == "anonymous" else getattr(world, role)
    url, data = url_and_body(world, case, action)
    before = snapshot(case)
    response = post(client_for(user), url, data)
    assert response.status_code == expected, response.content.decode()
    if expected >= 400:
        assert set(response.json()) == {"code", "message"}
        assert snapshot(case) == before
    else:
        assert snapshot(case) != before


def test_refusal_messages(world):
    pending = prepare(world, "pending")
    url, data = url_and_body(world, pending, "contact")
    assert post(client_for(world.resident), url, data).json() == {
        "code": "forbidden", "message": "只有承办单位的工作人员可以办理该诉求。"}
    assert post(client_for(world.other_org_staff), url, data).json() == {
        "code": "not_found", "message": "未找到该诉求,或您无权查看。"}
    assert post(client_for(None), url, data).json() == {
        "code": "unauthenticated", "message": "请先登录,或提供有效的访问令牌。"}


# --- happy paths with exact values --------------------------------------------------------------------


def test_contact(world):
    case = prepare(world, "pending")
    response = post(client_for(world.handler), f"/api/cases/{case.tracking_no}/contact", {"note": "已电话联系"})
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["status_label"], body["handler"]) == (
        "in_progress", "办理中", {"name": "李承办", "phone": "010-88886666"})
    case.refresh_from_db()
    assert (case.status, case.handler, case.contacted_at is not None) == (CaseStatus.IN_PROGRESS, world.handler, True)
    assert case.events.last().kind == "contacted"
    assert case.events.last().note == "已电话联系"
    again = post(client_for(world.leader), f"/api/cases/{case.tracking_no}/contact", {})
    assert again.status_code == 409
    assert again.json() == {"code": "conflict", "message": "该诉求已由 李承办 签收。"}


def test_transfer_accept_and_confirm_informed(world):
    case = prepare(world, "in_progress")
    transferred = post(client_for(world.handler), f"/api/cases/{case.tracking_no}/transfer",
                       {"to_org_id": world.women.pk, "reason": "属于妇联职责"})
    assert transferred.status_code == 200
    assert transferred.json()["status"] == "transferring"
    assert transferred.json()["transfer_to_org"] == {"id": world.women.pk, "name": "区妇联"}

    accepted = post(client_for(world.women_staff), f"/api/cases/{case.tracking_no}/accept")
    assert accepted.status_code == 200
    assert (accepted.json()["status"], accepted.json()["handling_org"], accepted.json()["transfer_to_org"]) == (
        "in_progress", {"id": world.women.pk, "name": "区妇联"}, None)
    # Accepting twice is a conflict with a clear message, not a 500.
    twice = post(client_for(world.women_leader), f"/api/cases/{case.tracking_no}/accept")
    assert twice.status_code == 409
    assert twice.json() == {"code": "conflict", "message": "该诉求不在待接收状态。"}

    # The first inquirer stays accountable and confirms the requester was told.
    detail = client_for(world.receiver).get(f"/api/cases/{case.tracking_no}").json()
    assert detail["actions"]["confirm_informed"] is True
    informed = post(client_for(world.receiver), f"/api/cases/{case.tracking_no}/informed")
    assert informed.status_code == 200
    assert informed.json()["requester_informed_at"] is not None
    assert informed.json()["actions"]["confirm_informed"] is False
    case.refresh_from_db()
    assert (case.handling_org, case.first_inquirer, case.first_inquirer_org) == (
        world.women, world.receiver, world.union)
    assert list(case.events.values_list("kind", flat=True))[-3:] == [
        "transfer_requested", "transfer_accepted", "requester_informed"]


def test_transfer_return_goes_back_to_the_first_inquirer(world):
    case = prepare(world, "transferring")
    response = post(client_for(world.women_staff), f"/api/cases/{case.tracking_no}/return",
                    {"reason": "不属于妇联职责"})
    assert response.status_code == 200
    assert response.json()["handling_org"] == {"id": world.union.pk, "name": "区总工会"}
    assert response.json()["handler"] == {"name": "王首问", "phone": "010-88886666"}
    event = case.events.last()
    assert (event.kind, event.note, event.organization, event.target_org) == (
        "transfer_returned", "不属于妇联职责", world.women, world.union)


@pytest.mark.parametrize("payload", [{"to_org_id": None, "reason": "理由"}, {"reason": "理由"}])
def test_transfer_without_a_target(world, payload):
    case = prepare(world, "in_progress")
    before = snapshot(case)
    response = post(client_for(world.handler), f"/api/cases/{case.tracking_no}/transfer", payload)
    assert response.status_code == 422
    assert response.json()["message"] in ("提交的数据有误:转办单位为必填项。", "提交的数据有误:转办单位的格式不正确。")
    assert snapshot(case) == before


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"to_org_id": 0}, "提交的数据有误:理由为必填项。"),
        ({"to_org_id": 0, "reason": ""}, "提交的数据有误:理由不能为空。"),
        ({"to_org_id": 0, "reason": "   "}, "提交的数据有误:理由不能为空。"),
    ],
)
def test_transfer_without_a_reason(world, payload, message):
    case = prepare(world, "in_progress")
    before = snapshot(case)
    response = post(client_for(world.handler), f"/api/cases/{case.tracking_no}/transfer",
                    {**payload, "to_org_id": world.women.pk})
    assert response.status_code == 422
    assert response.json()["message"] == message
    assert snapshot(case) == before


def test_transfer_to_own_or_unknown_organization(world):
    case = prepare(world, "in_progress")
    url = f"/api/cases/{case.tracking_no}/transfer"
    assert post(client_for(world.handler), url, {"to_org_id": world.union.pk, "reason": "x"}).json() == {
        "code": "invalid", "message": "不能转办给本单位。"}
    assert post(client_for(world.handler), url, {"to_org_id": 999_999, "reason": "x"}).json() == {
        "code": "unknown_organization", "message": "所选转办单位不存在或已停用。"}


def test_cohandling_and_reply(world):
    case = prepare(world, "in_progress")
    added = post(client_for(world.handler), f"/api/cases/{case.tracking_no}/cohandlers",
                 {"organization_id": world.women.pk, "task": "提供妇女维权意见", "days": 3})
    assert added.status_code == 201
    cohandling = CoHandling.objects.get()
    assert added.json() == {"id": cohandling.pk, "organization": {"id": world.women.pk, "name": "区妇联"},
                            "task": "提供妇女维权意见", "due_date": cohandling.due_date.isoformat(), "status": "open",
                            "status_label": "协办中", "reply": "", "replied_at": None}
    # Closing is refused while the co-handler has not answered.
    blocked = post(client_for(world.handler), f"/api/cases/{case.tracking_no}/reply", {"result": "已办结"})
    assert blocked.status_code == 409
    assert blocked.json()["message"] == "协办单位尚未答复:区妇联。"

    replied = post(client_for(world.women_staff),
                   f"/api/cases/{case.tracking_no}/cohandlings/{cohandling.pk}/reply", {"reply": "建议申请法律援助"})
    assert replied.status_code == 200
    assert (replied.json()["status"], replied.json()["reply"]) == ("done", "建议申请法律援助")
    unknown = post(client_for(world.women_staff), f"/api/cases/{case.tracking_no}/cohandlings/999999/reply",
                   {"reply": "x"})
    assert unknown.json() == {"code": "not_found", "message": "未找到该协办事项。"}


def test_material_request_and_supply(world):
    case = prepare(world, "in_progress")
    asked = post(client_for(world.handler), f"/api/cases/{case.tracking_no}/material-request",
                 {"materials": "劳动合同复印件\n工资条"})
    assert asked.status_code == 200
    assert (asked.json()["status"], asked.json()["missing_materials"]) == (
        "awaiting_material", ["劳动合同复印件", "工资条"])
    supplied = post(client_for(world.resident), f"/api/cases/{case.tracking_no}/material-supply",
                    {"note": "已补充"})
    assert supplied.status_code == 200
    case.refresh_from_db()
    assert (supplied.json()["status"], supplied.json()["missing_materials"]) == ("in_progress", [])
    assert (case.clock_start, supplied.json()["due_date"]) == (timezone.localdate(), case.due_date.isoformat())


def test_extension_request_and_decision(world):
    case = prepare(world, "in_progress")
    old_due = case.due_date
    asked = post(client_for(world.handler), f"/api/cases/{case.tracking_no}/extension",
                 {"days": 3, "reason": "等待仲裁结果"})
    assert asked.status_code == 201
    assert {k: asked.json()[k] for k in ("days", "reason", "status", "status_label", "decided_at")} == {
        "days": 3, "reason": "等待仲裁结果", "status": "pending", "status_label": "待审批", "decided_at": None}
    twice = post(client_for(world.handler), f"/api/cases/{case.tracking_no}/extension",
                 {"days": 3, "reason": "再延"})
    assert twice.json() == {"code": "conflict", "message": "每件诉求只能申请一次延期。"}

    assert client_for(world.leader).get(f"/api/cases/{case.tracking_no}").json()["actions"]["decide_extension"]
    decided = post(client_for(world.leader), f"/api/cases/{case.tracking_no}/extension/decision",
                   {"approve": True, "note": "同意"})
    assert decided.status_code == 200
    case.refresh_from_db()
    assert case.extended is True
    assert case.due_date > old_due
    assert decided.json()["extended"] is True
    assert decided.json()["due_date"] == case.due_date.isoformat()
    assert decided.json()["extension"]["status"] == "approved"
    assert ExtensionRequest.objects.get().decided_by == world.leader


@pytest.mark.parametrize(("days", "message"), [(0, "提交的数据有误:延期天数不能小于 1。"),
                                               (61, "提交的数据有误:延期天数不能大于 60。"),
                                               ("three", "提交的数据有误:延期天数的格式不正确。")])
def test_extension_days_validated(world, days, message):
    case = prepare(world, "in_progress")
    response = post(client_for(world.handler), f"/api/cases/{case.tracking_no}/extension",
                    {"days": days, "reason": "理由"})
    assert response.status_code == 422
    assert response.json()["message"] == message
    assert ExtensionRequest.objects.count() == 0


def test_transfer_out(world):
    case = prepare(world, "no_category")
    response = post(client_for(world.handler), f"/api/cases/{case.tracking_no}/transfer-out",
                    {"department": "区住建局", "note": "噪音问题由住建局处理"})
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["status_label"], body["transferred_department"], body["result"]) == (
        "transferred_out", "已转政府部门", "区住建局", "噪音问题由住建局处理")


def test_transfer_out_refused_for_a_mass_organization_matter(world):
    case = prepare(world, "in_progress")
    before = snapshot(case)
    response = post(client_for(world.handler), f"/api/cases/{case.tracking_no}/transfer-out",
                    {"department": "区住建局", "note": "说明"})
    assert response.status_code == 400
    assert response.json()["message"] == "只有属于政府部门职责的诉求才能转出,请先转办给相应的群团组织。"
    assert snapshot(case) == before


def test_internal_note(world):
    case = prepare(world, "in_progress")
    response = post(client_for(world.handler), f"/api/cases/{case.tracking_no}/notes", {"note": "约周三面谈"})
    assert response.status_code == 201
    event = case.events.last()
    assert response.json() == {"id": event.pk, "kind": "note", "kind_label": "内部备注",
                               "at": timezone.localtime(event.at).isoformat(timespec="milliseconds"),
                               "actor": "李承办", "organization": "区总工会", "target_org": "", "note": "约周三面谈",
                               "internal": True}


def test_reply_rate_dissatisfied_reopens_once(world):
    case = prepare(world, "in_progress")
    closed = post(client_for(world.handler), f"/api/cases/{case.tracking_no}/reply", {"result": "已协调补发。"})
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["result"], closed.json()["deadline_state"]) == (
        "closed", "已协调补发。", "done")
    assert closed.json()["closed_at"] is not None
    assert client_for(world.resident).get(f"/api/cases/{case.tracking_no}").json()["actions"]["rate"] is True

    rated = post(client_for(world.resident), f"/api/cases/{case.tracking_no}/rate",
                 {"solved": False, "level": "dissatisfied", "comment": "工资还没到账"})
    assert rated.status_code == 201
    rating = Rating.objects.get()
    assert rated.json() == {"round": 0, "solved": False, "level": "dissatisfied", "level_label": "不满意",
                            "comment": "工资还没到账",
                            "rated_at": timezone.localtime(rating.rated_at).isoformat(timespec="milliseconds")}
    case.refresh_from_db()
    assert (case.status, case.reopen_count) == (CaseStatus.IN_PROGRESS, 1)

    # Rating the reopened (open) case is refused.
    again = post(client_for(world.resident), f"/api/cases/{case.tracking_no}/rate",
                 {"solved": True, "level": "satisfied"})
    assert again.status_code == 409
    assert again.json() == {"code": "conflict", "message": "诉求办结后才能评价。"}


def test_rating_an_open_case(world):
    case = prepare(world, "in_progress")
    before = snapshot(case)
    response = post(client_for(world.resident), f"/api/cases/{case.tracking_no}/rate",
                    {"solved": True, "level": "satisfied"})
    assert response.status_code == 409
    assert response.json() == {"code": "conflict", "message": "诉求办结后才能评价。"}
    assert snapshot(case) == before


def test_rating_validation(world):
    case = prepare(world, "closed")
    response = post(client_for(world.resident), f"/api/cases/{case.tracking_no}/rate",
                    {"solved": "perhaps", "level": "great"})
    assert response.status_code == 422
    assert response.json()["message"] == (
        "提交的数据有误:问题已解决的格式不正确;满意度的取值无效,可选:'satisfied', 'basic' or 'dissatisfied'。")
    assert Rating.objects.count() == 0


def test_rating_twice(world):
    case = prepare(world, "closed")
    url = f"/api/cases/{case.tracking_no}/rate"
    assert post(client_for(world.resident), url, {"solved": True, "level": "satisfied"}).status_code == 201
    second = post(client_for(world.resident), url, {"solved": True, "level": "basic"})
    assert second.status_code == 409
    assert Rating.objects.count() == 1


def test_followup(world):
    case = prepare(world, "followup")
    followup = FollowUp.objects.get()
    response = post(client_for(world.handler), f"/api/cases/{case.tracking_no}/followups/{followup.pk}",
                    {"outcome": "basic", "solved": True, "note": "电话回访,基本满意"})
    assert response.status_code == 200
    followup.refresh_from_db()
    assert response.json() == {"id": followup.pk, "round": 0, "due_date": followup.due_date.isoformat(),
                               "status": "done", "outcome": "basic", "solved": True, "note": "电话回访,基本满意",
                               "done_at": timezone.localtime(followup.done_at).isoformat(timespec="milliseconds")}
    twice = post(client_for(world.handler), f"/api/cases/{case.tracking_no}/followups/{followup.pk}",
                 {"outcome": "basic", "solved": True})
    assert twice.json() == {"code": "conflict", "message": "该回访已记录。"}
    assert post(client_for(world.handler), f"/api/cases/{case.tracking_no}/followups/999999",
                {"outcome": "basic"}).json() == {"code": "not_found", "message": "未找到该回访。"}


# --- attachments -------------------------------------------------------------------------------------


def test_attachment_upload(world):
    case = prepare(world, "in_progress")
    response = client_for(world.resident).post(
        f"/api/cases/{case.tracking_no}/attachments", {"file": SimpleUploadedFile("工资条.png", PNG, "image/png")})
    assert response.status_code == 201
    attachment = case.attachments.get()
    assert response.json() == {"id": attachment.pk, "name": "工资条.png", "content_type": "image/png",
                               "size": len(PNG),
                               "uploaded_at": timezone.localtime(attachment.uploaded_at).isoformat(
                                   timespec="milliseconds")}
    assert client_for(world.handler).get(f"/api/cases/{case.tracking_no}").json()["attachments"] == [response.json()]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "evil.png", "附件只能是 PNG、JPEG 图片或 PDF 文件。"),
        (b"MZ\x90\x00binary", "tool.pdf", "附件只能是 PNG、JPEG 图片或 PDF 文件。"),
        (b"", "empty.png", "附件是空文件。"),
    ],
)
def test_attachment_content_is_checked(world, content, name, message):
    case = prepare(world, "in_progress")
    before = snapshot(case)
    response = client_for(world.resident).post(
        f"/api/cases/{case.tracking_no}/attachments", {"file": SimpleUploadedFile(name, content, "image/png")})
    assert response.status_code == 400
    assert response.json()["message"] == message
    assert snapshot(case) == before


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_oversized_attachment(world):
    case = prepare(world, "in_progress")
    response = client_for(world.resident).post(
        f"/api/cases/{case.tracking_no}/attachments",
        {"file": SimpleUploadedFile("big.png", PNG + b"\x00" * 2048, "image/png")})
    assert response.status_code == 400
    assert response.json() == {"code": "file_too_large", "message": "附件不能超过 0 MB。"}
    assert case.attachments.count() == 0


def test_attachment_missing_file(world):
    case = prepare(world, "in_progress")
    response = client_for(world.resident).post(f"/api/cases/{case.tracking_no}/attachments", {})
    assert response.status_code == 422
    assert response.json()["message"] == "提交的数据有误:附件为必填项。"


@pytest.mark.parametrize(("role", "expected"), [("anonymous", 401), ("other_resident", 404), ("supervisor", 403),
                                                ("handler", 201)])
def test_attachment_permissions(world, role, expected):
    case = prepare(world, "in_progress")
    response = client_for(role_user(world, role)).post(
        f"/api/cases/{case.tracking_no}/attachments", {"file": SimpleUploadedFile("a.png", PNG, "image/png")})
    assert response.status_code == expected
    assert case.attachments.count() == (1 if expected == 201 else 0)
