# ruff: noqa: F811  (the shared fixtures are imported by name)
"""POST /api/cases/ (submission), POST /api/cases/otp, idempotency and bad input."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from quntuan.api.auth import token_issue
from quntuan.cases.models import Case, CaseStatus
from quntuan.cases.tests.test_api_support import client_for, post, world  # noqa: F401

URL = "/api/cases/"


def body(world, **fields):
    data = {"title": "工资被拖欠三个月", "content": "公司拖欠工资三个月,希望得到法律帮助。", "service_id": world.service.pk}
    data.update(fields)
    return data


@pytest.fixture
def fixed_otp(monkeypatch):
    """Every one-time code sent is 123456."""
    monkeypatch.setattr("quntuan.notifications.services.secrets.randbelow", lambda n: 123456)
    return "123456"


def test_resident_submits_and_gets_the_receipt(world):
    response = post(client_for(world.resident), URL, body(world, address="和平路 1 号", is_urgent=False))
    assert response.status_code == 201
    case = Case.objects.get()
    today = timezone.localdate()
    receipt = response.json()["receipt"]
    assert receipt == {
        "tracking_no": f"QT-{today:%Y%m%d}-000001",
        "status": "pending",
        "status_label": "待签收",
        "received_at": timezone.localtime(case.received_at).isoformat(timespec="milliseconds"),
        "first_inquirer": {"name": "王首问", "phone": "010-88886666"},
        "first_inquirer_org": {"id": world.union.pk, "name": "区总工会"},
        "first_contact_due_at": timezone.localtime(case.first_contact_due_at).isoformat(),
        "promised_date": case.due_date.isoformat(),
        "missing_materials": [],
        "deadline_provisional": case.deadline_provisional,
    }
    detail = response.json()["case"]
    assert detail["tracking_no"] == case.tracking_no
    assert detail["requester_name"] == "张三"
    assert detail["requester_mobile"] == "13912345678"
    assert detail["personal_data_masked"] is False
    assert detail["address"] == "和平路 1 号"
    assert detail["service"] == {"id": world.service.pk, "name": "劳动争议法律咨询"}
    assert detail["category"] == {"code": "union.legal", "name": "职工法律援助"}
    assert detail["cohandlings"] == [] and detail["followups"] == [] and detail["extension"] is None
    assert case.requester == world.resident
    assert (case.requester_name, case.requester_mobile, case.channel) == ("张三", "13912345678", "web")
    assert (case.first_inquirer, case.handling_org, case.status) == (world.receiver, world.union, CaseStatus.PENDING)
    assert list(case.events.values_list("kind", flat=True)) == ["submitted", "received", "receipt_sent"]


def test_submission_without_a_service_goes_to_the_chosen_organization(world):
    response = post(client_for(world.resident), URL, {"title": "想参加妇联的培训", "content": "请问如何报名?",
                                                      "organization_id": world.women.pk})
    assert response.status_code == 201
    case = Case.objects.get()
    assert (case.first_inquirer, case.handling_org, case.service) == (world.women_staff, world.women, None)


def test_bearer_token_submission(world):
    token, _ = token_issue(world.resident)
    response = Client().post(URL, data=json.dumps(body(world)), content_type="application/json",
                             HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 201
    assert Case.objects.get().requester == world.resident


def test_anonymous_submission_needs_name_mobile_and_code(world, fixed_otp):
    client = Client()
    no_mobile = post(client, URL, body(world))
    assert no_mobile.status_code == 400
    assert no_mobile.json() == {"code": "requester_required", "message": "未登录提交诉求须填写姓名和手机号。"}
    no_code = post(client, URL, body(world, requester_name="王五", requester_mobile="13700001111"))
    assert no_code.json() == {"code": "otp_required", "message": "请填写短信验证码。"}

    sent = post(client, "/api/cases/otp", {"mobile": "13700001111"})
    assert sent.status_code == 200
    assert sent.json() == {"message": "验证码已发送,10 分钟内有效。"}
    wrong = post(client, URL, body(world, requester_name="王五", requester_mobile="13700001111", otp_code="000000"))
    assert wrong.status_code == 400
    assert wrong.json() == {"code": "otp_wrong", "message": "验证码不正确,还可尝试 4 次。"}
    assert Case.objects.count() == 0

    ok = post(client, URL, body(world, requester_name="王五", requester_mobile="13700001111", otp_code=fixed_otp))
    assert ok.status_code == 201
    assert ok.json()["case"] is None  # a visitor gets the receipt, not the case record
    case = Case.objects.get()
    assert ok.json()["receipt"]["tracking_no"] == case.tracking_no
    assert (case.requester, case.requester_name, case.requester_mobile) == (None, "王五", "13700001111")

    again = post(client, URL, body(world, requester_name="王五", requester_mobile="13700001111", otp_code=fixed_otp))
    assert again.status_code == 400
    assert again.json()["code"] == "otp_missing"
    assert Case.objects.count() == 1


def test_otp_with_a_bad_mobile_is_refused(world):
    response = post(Client(), "/api/cases/otp", {"mobile": "12345"})
    assert response.status_code == 422
    assert response.json()["message"] == "提交的数据有误:手机号至少 11 个字符。"


# --- idempotency -------------------------------------------------------------------------------


def test_same_idempotency_key_twice_gives_one_case(world):
    client = client_for(world.resident)
    first = post(client, URL, body(world), HTTP_IDEMPOTENCY_KEY="b7c1d1e0-0001")
    second = post(client, URL, body(world), HTTP_IDEMPOTENCY_KEY="b7c1d1e0-0001")
    assert first.status_code == second.status_code == 201
    assert first.json()["receipt"]["tracking_no"] == second.json()["receipt"]["tracking_no"]
    assert Case.objects.count() == 1
    assert Case.objects.get().events.filter(kind="submitted").count() == 1


def test_idempotency_key_in_the_body_works_too(world):
    client = client_for(world.resident)
    first = post(client, URL, body(world, idempotency_key="form-7"))
    second = post(client, URL, body(world, idempotency_key="form-7"))
    assert first.json()["receipt"]["tracking_no"] == second.json()["receipt"]["tracking_no"]
    assert Case.objects.count() == 1
    third = post(client, URL, body(world, idempotency_key="form-8"))
    assert third.json()["receipt"]["tracking_no"] != first.json()["receipt"]["tracking_no"]
    assert Case.objects.count() == 2


def test_the_same_key_from_two_accounts_gives_two_cases(world):
    mine = post(client_for(world.resident), URL, body(world), HTTP_IDEMPOTENCY_KEY="k-1")
    theirs = post(client_for(world.other_resident), URL, body(world), HTTP_IDEMPOTENCY_KEY="k-1")
    assert mine.json()["receipt"]["tracking_no"] != theirs.json()["receipt"]["tracking_no"]
    assert sorted(Case.objects.values_list("requester_name", flat=True)) == ["张三", "李四"]


def test_anonymous_retry_with_the_same_key_returns_the_same_case(world, fixed_otp):
    client = Client()
    post(client, "/api/cases/otp", {"mobile": "13700001111"})
    data = body(world, requester_name="王五", requester_mobile="13700001111", otp_code=fixed_otp)
    first = post(client, URL, data, HTTP_IDEMPOTENCY_KEY="retry-1")
    second = post(client, URL, data, HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["receipt"]["tracking_no"] == second.json()["receipt"]["tracking_no"]
    assert Case.objects.count() == 1
    # Another mobile number cannot replay the key.
    other = post(client, URL, {**data, "requester_mobile": "13700002222"}, HTTP_IDEMPOTENCY_KEY="retry-1")
    assert other.status_code == 400
    assert other.json()["code"] == "otp_missing"


# --- staff entry -------------------------------------------------------------------------------


def test_staff_registers_a_phone_call(world):
    response = post(client_for(world.handler), URL, body(
        world, channel="phone", requester_name="赵六", requester_mobile="13600003333",
        missing_materials="身份证复印件\n劳动合同"))
    assert response.status_code == 201
    receipt = response.json()["receipt"]
    assert receipt["first_inquirer"] == {"name": "李承办", "phone": "010-88886666"}
    assert receipt["missing_materials"] == ["身份证复印件", "劳动合同"]
    assert receipt["status"] == "in_progress"
    case = Case.objects.get()
    assert (case.channel, case.requester, case.first_inquirer, case.handler) == (
        "phone", None, world.handler, world.handler)
    # The staff member is the first inquirer, so they see the number whole only on request.
    assert response.json()["case"]["requester_mobile"] == "136****3333"


@pytest.mark.parametrize(("suggested", "source"), [
    ("union.legal", "accepted"), ("other.government", "overridden"), (None, "intake"), ("no.such", "intake"),
])
def test_staff_intake_records_the_label_by_the_suggestion_shown(world, suggested, source):
    from quntuan.routing.models import RoutingLabel

    response = post(client_for(world.handler), URL, body(
        world, channel="phone", requester_name="赵六", requester_mobile="13600003333",
        category_code="union.legal", suggested_code=suggested))
    assert response.status_code == 201
    label = RoutingLabel.objects.get()
    assert (label.case, label.category.code, label.source) == (Case.objects.get(), "union.legal", source)
    assert (label.suggested.code if label.suggested else None) == (None if source == "intake" else suggested)


def test_a_resident_sending_a_suggestion_records_no_label(world):
    response = post(client_for(world.resident), URL, body(world, category_code="union.legal",
                                                          suggested_code="union.legal"))
    assert response.status_code == 201
    from quntuan.routing.models import RoutingLabel

    assert not RoutingLabel.objects.exists()


def test_residents_cannot_use_staff_channels(world):
    response = post(client_for(world.resident), URL, body(world, channel="walk_in"))
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "message": "电话和现场诉求须由工作人员登记。"}
    assert Case.objects.count() == 0


# --- bad input: 4xx with a Chinese message, never a 500 -----------------------------------------


@pytest.mark.parametrize(
    ("raw", "status", "message"),
    [
        ('{"title": ', 400, "提交的数据有误:请求体不是有效的 JSON(应为 UTF-8 编码的 JSON 对象)。"),
        (b"\xff\xfe\x00", 400, "提交的数据有误:请求体不是有效的 JSON(应为 UTF-8 编码的 JSON 对象)。"),
        ("", 422, "提交的数据有误:请求体为必填项。"),
        ('{"title": [1], "content": 5, "is_urgent": "maybe", "service_id": "abc"}', 422,
         "提交的数据有误:标题的格式不正确;诉求内容的格式不正确;服务事项的格式不正确;紧急的格式不正确。"),
        ('{"title": "   ", "content": "内容"}', 422, "提交的数据有误:标题不能为空。"),
        ('{"content": "内容"}', 422, "提交的数据有误:标题为必填项。"),
        ('{"title": "标题", "content": "内容", "channel": "fax"}', 422,
         "提交的数据有误:渠道的取值无效,可选:'web', 'mobile', 'wechat', 'phone' or 'walk_in'。"),
        ('{"title": "标题", "content": "内容", "requester_mobile": "1391234"}', 422,
         "提交的数据有误:联系电话应为正确的 11 位手机号码。"),
        ('{"title": "标题", "content": "内容", "requester_email": "not-an-email"}', 422,
         "提交的数据有误:电子邮箱格式不正确。"),
    ],
)
def test_malformed_submissions(world, raw, status, message):
    response = client_for(world.resident).post(URL, data=raw, content_type="application/json")
    assert response.status_code == status
    assert response.json()["message"] == message
    assert response.json()["code"] == "invalid"
    assert Case.objects.count() == 0


def test_huge_strings_are_refused(world):
    response = post(client_for(world.resident), URL, body(world, title="长" * 101, content="字" * 10_000))
    assert response.status_code == 422
    assert response.json()["message"] == "提交的数据有误:标题不能超过 100 个字符;诉求内容不能超过 5000 个字符。"
    assert [e["field"] for e in response.json()["errors"]] == ["title", "content"]
    assert Case.objects.count() == 0


def test_script_tags_are_refused(world):
    response = post(client_for(world.resident), URL, body(
        world, title="<script>alert(1)</script>", content='<img src=x onerror="alert(1)">'))
    assert response.status_code == 422
    assert response.json()["message"] == "提交的数据有误:标题不能包含 HTML 标签或脚本;诉求内容不能包含 HTML 标签或脚本。"
    assert Case.objects.count() == 0


def test_a_less_than_sign_in_plain_text_is_fine(world):
    response = post(client_for(world.resident), URL, body(world, content="月工资<3000 元,低于最低工资标准。"))
    assert response.status_code == 201
    assert Case.objects.get().content == "月工资<3000 元,低于最低工资标准。"


def test_unknown_service_is_refused(world):
    response = post(client_for(world.resident), URL, body(world, service_id=999_999))
    assert response.status_code == 400
    assert response.json() == {"code": "unknown_service", "message": "所选服务事项不存在或已停用。"}
    assert Case.objects.count() == 0


def test_unknown_category_and_organization_are_refused(world):
    client = client_for(world.resident)
    assert post(client, URL, body(world, category_code="no.such")).json() == {
        "code": "unknown_category", "message": "所选服务类别不存在。"}
    assert post(client, URL, {"title": "标题", "content": "内容", "organization_id": 999_999}).json() == {
        "code": "unknown_organization", "message": "所选受理组织不存在或已停用。"}
    assert Case.objects.count() == 0


def test_submission_without_any_place_to_send_it(world):
    world.resident.region = None
    world.resident.save(update_fields=["region"])
    response = post(client_for(world.resident), URL, {"title": "标题", "content": "内容"})
    assert response.status_code == 400
    assert response.json() == {"code": "district_required", "message": "请选择服务事项、受理组织或所在社区。"}


def test_too_long_idempotency_key(world):
    response = post(client_for(world.resident), URL, body(world), HTTP_IDEMPOTENCY_KEY="k" * 65)
    assert response.status_code == 422
    assert response.json()["message"] == "提交的数据有误:幂等键不能超过 64 个字符。"
    assert Case.objects.count() == 0


def test_oversized_body_is_413_in_chinese(world):
    huge = json.dumps({"title": "标题", "content": "字" * (5 * 1024 * 1024)})  # 15 MB of UTF-8
    response = client_for(world.resident).post(URL, data=huge, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"code": "too_large", "message": "提交的数据过大,请求体不能超过 12 MB。"}
    assert Case.objects.count() == 0


def test_wrong_method_is_405(world):
    response = client_for(world.resident).put(URL, data="{}", content_type="application/json")
    assert response.status_code == 405
