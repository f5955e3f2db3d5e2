# ruff: noqa: F811  (pytest fixtures imported from core_fixtures are used as arguments)
"""The resident's submission form, the one-time code and the receipt."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.urls import reverse

from quntuan.cases.models import Attachment, Case, CaseStatus, Channel
from quntuan.cases.tests.core_fixtures import monday, world  # noqa: F401
from quntuan.catalog.services import service_reindex
from quntuan.notifications.sms import LoggingSmsBackend

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SUBMIT = "/cases/new/"
KEY = "a" * 32


def form_data(world, **overrides):
    data = {
        "service": str(world.service.pk),
        "title": "工资被拖欠三个月",
        "content": "公司拖欠我三个月工资,请帮助维权。",
        "community": str(world.community.pk),
        "address": "幸福路 1 号",
        "requester_name": "张三",
        "requester_mobile": "13900001111",
        "requester_email": "",
        "idempotency_key": KEY,
    }
    data.update(overrides)
    return data


@pytest.fixture
def resident_client(client, world):
    client.force_login(world.resident)
    return client


def test_urls_are_named():
    assert reverse("cases:submit") == SUBMIT
    assert reverse("cases:mine") == "/cases/mine/"
    assert reverse("cases:lookup") == "/cases/lookup/"
    assert reverse("cases:workbench") == "/cases/workbench/"
    assert reverse("cases:detail", args=["QT-20261123-000001"]) == "/cases/QT-20261123-000001/"
    assert reverse("cases:receipt", args=["QT-20261123-000001"]) == "/cases/QT-20261123-000001/receipt/"


def test_anonymous_form_groups_services_by_organization_and_asks_for_a_code(client, world):
    response = client.get(SUBMIT)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<optgroup label="区总工会">' in html
    assert f'<option value="{world.service.pk}">职工欠薪维权</option>' in html
    assert "获取验证码" in html
    assert 'name="otp_code"' in html
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', html)
    assert key is not None


def test_service_in_query_is_preselected(client, world):
    response = client.get(f"{SUBMIT}?service={world.service.pk}")
    assert f'<option value="{world.service.pk}" selected>职工欠薪维权</option>' in response.content.decode()


def test_logged_in_resident_has_name_and_mobile_prefilled_and_no_code(resident_client):
    html = resident_client.get(SUBMIT).content.decode()
    assert 'value="张三"' in html
    assert 'value="13900001111"' in html
    assert "获取验证码" not in html
    assert 'name="otp_code"' not in html


def test_resident_submits_and_gets_the_receipt(resident_client, world):
    response = resident_client.post(SUBMIT, form_data(world))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.tracking_no}/receipt/"
    assert case.tracking_no == "QT-20261123-000001"
    assert case.requester == world.resident
    assert case.service == world.service
    assert case.community == world.community
    assert case.address == "幸福路 1 号"
    assert case.first_inquirer == world.union_receiver
    assert case.status == CaseStatus.PENDING
    assert case.channel == Channel.WEB

    receipt = resident_client.get(response["Location"])
    html = receipt.content.decode()
    assert receipt.status_code == 200
    assert "受理回执" in html
    assert "QT-20261123-000001" in html
    assert "区总工会 · 王首问" in html
    assert "010-12345678" in html
    assert "2026年11月30日" in html
    assert "目前无需补充材料" in html
    assert "打印回执" in html


def test_double_submit_with_the_same_key_makes_one_case(resident_client, world):
    first = resident_client.post(SUBMIT, form_data(world))
    second = resident_client.post(SUBMIT, form_data(world))
    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"] == "/cases/QT-20261123-000001/receipt/"


def test_submission_with_attachments(resident_client, world):
    files = [SimpleUploadedFile("现场.png", PNG, content_type="image/png"),
             SimpleUploadedFile("合同.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")]
    response = resident_client.post(SUBMIT, {**form_data(world), "attachments": files})
    assert response.status_code == 302
    stored = list(Attachment.objects.order_by("id").values_list("original_name", "content_type"))
    assert stored == [("现场.png", "image/png"), ("合同.pdf", "application/pdf")]


@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        ({"title": ""}, "请填写标题。"),
        ({"title": "   "}, "请填写标题。"),
        ({"content": ""}, "请填写诉求内容。"),
        ({"content": "长" * 10000}, "诉求内容不能超过 5000 个字。"),
        ({"title": "题" * 101}, "标题不能超过 100 个字。"),
        ({"requester_mobile": "12345"}, "请输入有效的 11 位手机号码。"),
        ({"requester_mobile": "23900001111"}, "请输入有效的 11 位手机号码。"),
        ({"service": "999999"}, "所选服务事项不存在或已停用。"),
        ({"service": "abc"}, "所选服务事项不存在或已停用。"),
        ({"requester_name": ""}, "请填写联系人姓名。"),
        ({"idempotency_key": "x"}, "页面已过期,请刷新后重新提交。"),
    ],
)
def test_bad_input_shows_the_form_again_with_a_chinese_message(resident_client, world, overrides, field_error):
    response = resident_client.post(SUBMIT, form_data(world, **overrides))
    assert response.status_code == 400
    assert field_error in response.content.decode()
    assert Case.objects.count() == 0


def test_wrong_attachment_suffix_is_refused(resident_client, world):
    bad = SimpleUploadedFile("run.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = resident_client.post(SUBMIT, {**form_data(world), "attachments": [bad]})
    assert response.status_code == 400
    assert "附件“run.exe”的类型不支持,仅支持 PNG、JPEG 图片或 PDF 文件。" in response.content.decode()
    assert Case.objects.count() == 0


def test_attachment_whose_content_is_not_an_image_is_refused_by_the_service(resident_client, world):
    fake = SimpleUploadedFile("photo.png", b"<html>not an image</html>", content_type="image/png")
    response = resident_client.post(SUBMIT, {**form_data(world), "attachments": [fake]})
    assert response.status_code == 400
    assert "附件只能是 PNG、JPEG 图片或 PDF 文件。" in response.content.decode()
    assert Case.objects.count() == 0
    assert Attachment.objects.count() == 0


def test_oversized_attachment_is_refused(resident_client, world, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * 2048, content_type="image/png")
    response = resident_client.post(SUBMIT, {**form_data(world), "attachments": [big]})
    assert response.status_code == 400
    assert f"附件“big.png”超过 {filesizeformat(1024)}。" in response.content.decode()
    assert Case.objects.count() == 0


def test_script_in_title_is_shown_escaped(resident_client, world):
    response = resident_client.post(SUBMIT, form_data(world, title="<script>alert(1)</script>"))
    html = resident_client.get(response["Location"]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


# ---- anonymous submission with a one-time code ----------------------------------------------

def _send_code(client, mobile, django_capture_on_commit_callbacks):
    LoggingSmsBackend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/cases/otp/", {"requester_mobile": mobile}, HTTP_HX_REQUEST="true")
    text = " ".join(LoggingSmsBackend.messages_for(mobile))
    code = re.search(r"验证码是 (\d{6})", text)
    return response, code.group(1) if code else None


def test_otp_button_sends_a_code(client, world, django_capture_on_commit_callbacks):
    response, code = _send_code(client, "13700001234", django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert "验证码已发送至 13700001234,10 分钟内有效。" in response.content.decode()
    assert code is not None


def test_otp_button_refuses_an_invalid_mobile(client, world):
    response = client.post("/cases/otp/", {"requester_mobile": "123"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert "请输入有效的 11 位手机号码。" in response.content.decode()


def test_anonymous_submission_with_the_right_code(client, world, django_capture_on_commit_callbacks):
    _, code = _send_code(client, "13700001234", django_capture_on_commit_callbacks)
    data = form_data(world, requester_name="王五", requester_mobile="13700001234", otp_code=code)
    response = client.post(SUBMIT, data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.requester is None
    assert case.requester_mobile == "13700001234"
    # The browser that submitted it sees the receipt; another one does not.
    assert client.get(response["Location"]).status_code == 200
    assert Client().get(response["Location"]).status_code == 404


def test_anonymous_submission_with_a_wrong_code(client, world, django_capture_on_commit_callbacks):
    _, code = _send_code(client, "13700001234", django_capture_on_commit_callbacks)
    wrong = "000000" if code != "000000" else "111111"
    data = form_data(world, requester_name="王五", requester_mobile="13700001234", otp_code=wrong)
    response = client.post(SUBMIT, data)
    assert response.status_code == 400
    assert "验证码不正确,还可尝试 4 次。" in response.content.decode()
    assert Case.objects.count() == 0


def test_anonymous_submission_without_a_code(client, world):
    data = form_data(world, requester_name="王五", requester_mobile="13700001234")
    response = client.post(SUBMIT, data)
    assert response.status_code == 400
    assert "请输入短信验证码。" in response.content.decode()
    assert Case.objects.count() == 0


def test_anonymous_double_submit_makes_one_case(client, world, django_capture_on_commit_callbacks):
    _, code = _send_code(client, "13700001234", django_capture_on_commit_callbacks)
    data = form_data(world, requester_name="王五", requester_mobile="13700001234", otp_code=code)
    first = client.post(SUBMIT, data)
    second = client.post(SUBMIT, data)
    assert first.status_code == second.status_code == 302
    assert Case.objects.count() == 1


def test_staff_are_sent_to_the_intake_page(client, world):
    client.force_login(world.union_staff)
    response = client.get(f"{SUBMIT}?service={world.service.pk}")
    assert response.status_code == 302
    assert response["Location"] == f"/cases/intake/?service={world.service.pk}"


def test_service_search_narrows_the_select(client, world):
    from quntuan.core.testing import make_service

    make_service(world.women, name="春蕾助学申请")
    service_reindex()
    response = client.get("/cases/new/services/", {"service_q": "欠薪"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith('<select name="service" id="id_service">')
    assert '<option value="">找到 1 项服务,请选择(也可不选)</option>' in html
    assert f'<optgroup label="区总工会"><option value="{world.service.pk}" selected>职工欠薪维权</option></optgroup>' in html
    assert "春蕾助学申请" not in html


def test_service_search_without_match_and_empty_query(client, world):
    service_reindex()
    html = client.get("/cases/new/services/", {"service_q": "火星移民"}).content.decode()
    assert '<option value="">没有找到相关服务,可不选,直接描述诉求</option>' in html
    assert "<optgroup" not in html
    html = client.get("/cases/new/services/", {"service_q": ""}).content.decode()
    assert '<option value="">不确定,只描述诉求</option>' in html
    assert f'<option value="{world.service.pk}">职工欠薪维权</option>' in html


def test_inactive_service_cannot_be_submitted(resident_client, world):
    world.service.is_active = False
    world.service.save(update_fields=["is_active"])
    response = resident_client.post(SUBMIT, form_data(world))
    assert response.status_code == 400
    assert "所选服务事项不存在或已停用。" in response.content.decode()
    assert Case.objects.count() == 0
