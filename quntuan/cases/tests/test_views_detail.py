# ruff: noqa: F811  (pytest fixtures imported from core_fixtures are used as arguments)
"""The case page for the requester and for staff, and every action posted from it."""

from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from quntuan.accounts.models import AuditRecord
from quntuan.cases import services
from quntuan.cases.models import CaseEvent, CaseStatus, CoHandling, ExtensionRequest, FollowUp, Rating
from quntuan.cases.tests.core_fixtures import case, monday, world  # noqa: F401
from quntuan.core.testing import make_category

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(case, suffix=""):
    return f"/cases/{case.tracking_no}/{suffix}"


def act(case, name):
    return f"/cases/{case.tracking_no}/do/{name}/"


def snapshot(case):
    case.refresh_from_db()
    return (case.status, case.handling_org_id, case.handler_id, case.transfer_to_org_id, case.closed_at,
            case.events.count(), Rating.objects.filter(case=case).count())


def close(world, case, result="已协调公司补发工资。"):
    services.case_contact(case=case, actor=world.union_staff, note="已电话联系")
    return services.case_reply_and_close(case=case, actor=world.union_staff, result=result)


# ---- the requester's view ------------------------------------------------------------------

def test_requester_sees_status_promised_date_and_public_timeline(client, world, case):
    services.case_add_note(case=case, actor=world.union_staff, note="内部:公司负责人难以联系")
    client.force_login(world.resident)
    response = client.get(url(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert "工资被拖欠三个月" in html
    assert "待签收" in html
    assert "2026年11月30日" in html
    assert "提交诉求" in html and "受理登记" in html and "出具回执" in html
    assert "内部:公司负责人难以联系" not in html
    assert "内部备注" not in html
    assert "查看完整信息" not in html


def test_another_resident_gets_404_and_nothing_changes(client, world, case):
    before = snapshot(case)
    client.force_login(world.other_resident)
    assert client.get(url(case)).status_code == 404
    assert client.get(url(case, "receipt/")).status_code == 404
    response = client.post(act(case, "rate"), {"level": "satisfied", "solved": "yes"})
    assert response.status_code == 404
    assert snapshot(case) == before


def test_anonymous_is_sent_to_login_for_a_case(client, case):
    response = client.get(url(case))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_rating_an_open_case_is_refused(client, world, case):
    before = snapshot(case)
    client.force_login(world.resident)
    response = client.post(act(case, "rate"), {"level": "satisfied", "solved": "yes"}, **HTMX)
    assert response.status_code == 409
    assert "诉求办结后才能评价。" in response.content.decode()
    assert snapshot(case) == before


def test_rating_form_shown_only_when_closed_and_rating_is_saved(client, world, case):
    client.force_login(world.resident)
    assert "评价本次办理" not in client.get(url(case)).content.decode()
    close(world, case)
    html = client.get(url(case)).content.decode()
    assert "评价本次办理" in html
    assert "已协调公司补发工资。" in html
    response = client.post(act(case, "rate"), {"level": "basic", "solved": "yes", "comment": "还算及时"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<div id="case-detail"')
    assert "感谢您的评价。" in html
    assert "评价本次办理" not in html
    rating = Rating.objects.get(case=case)
    assert (rating.level, rating.solved, rating.comment, rating.round) == ("basic", True, "还算及时", 0)


def test_dissatisfied_rating_reopens_the_case(client, world, case):
    close(world, case)
    client.force_login(world.resident)
    response = client.post(act(case, "rate"), {"level": "dissatisfied", "solved": "no", "comment": "没解决"})
    assert response.status_code == 302
    assert response["Location"] == url(case)
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.reopen_count == 1


def test_rating_without_choices_shows_chinese_errors(client, world, case):
    close(world, case)
    client.force_login(world.resident)
    response = client.post(act(case, "rate"), {}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 400
    assert "请选择满意度。" in html
    assert "请选择问题是否解决。" in html
    assert Rating.objects.count() == 0


def test_requester_supplies_missing_material(client, world, case):
    services.case_contact(case=case, actor=world.union_staff)
    services.case_request_material(case=case, actor=world.union_staff, materials="劳动合同复印件\n工资条")
    client.force_login(world.resident)
    html = client.get(url(case)).content.decode()
    assert "请补充材料" in html
    assert "<li>劳动合同复印件</li>" in html
    upload = SimpleUploadedFile("合同.png", PNG, content_type="image/png")
    response = client.post(act(case, "supply"), {"note": "已上传合同", "attachments": [upload]}, **HTMX)
    assert response.status_code == 200
    assert "补充材料已提交,办理时限重新起算。" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert list(case.attachments.values_list("original_name", flat=True)) == ["合同.png"]


def test_resident_cannot_post_a_staff_action(client, world, case):
    before = snapshot(case)
    client.force_login(world.resident)
    response = client.post(act(case, "close"), {"result": "自己办结"}, **HTMX)
    assert response.status_code == 403
    assert "您无权执行此操作。" in response.content.decode()
    assert snapshot(case) == before


def test_unknown_action_is_404(client, world, case):
    client.force_login(world.union_staff)
    assert client.post(act(case, "explode"), {}).status_code == 404


# ---- the staff view ------------------------------------------------------------------------

def test_staff_sees_full_detail_with_masked_mobile_and_internal_notes(client, world, case):
    services.case_add_note(case=case, actor=world.union_staff, note="公司负责人难以联系")
    client.force_login(world.union_staff)
    response = client.get(url(case))
    html = response.content.decode()
    assert response.status_code == 200
    assert "139****1111" in html
    assert "13900001111" not in html
    assert "张*" in html
    assert "查看完整信息" in html
    assert "公司负责人难以联系" in html
    assert "签收联系" in html
    assert "转办" in html
    assert "答复并办结" in html
    assert "区总工会 · 王首问" in html


def test_reveal_writes_an_audit_record(client, world, case):
    client.force_login(world.union_staff)
    response = client.post(url(case, "reveal/"), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "13900001111" in html
    assert "本次查看已记入审计日志。" in html
    record = AuditRecord.objects.get(action="case.personal_data_view")
    assert record.actor == world.union_staff
    assert record.object_id == str(case.pk)
    assert case.events.filter(kind=CaseEvent.Kind.PERSONAL_DATA_VIEWED).count() == 1


def test_cohandler_sees_the_case_but_not_the_full_mobile(client, world, case):
    services.case_add_cohandler(case=case, actor=world.union_staff, organization=world.women, task="妇女权益咨询", days=3)
    client.force_login(world.women_staff)
    html = client.get(url(case)).content.decode()
    assert "139****1111" in html
    assert "查看完整信息" not in html
    assert "协办答复(区妇联)" in html
    response = client.post(url(case, "reveal/"), **HTMX)
    assert response.status_code == 403
    assert "您无权查看诉求人的个人信息。" in response.content.decode()
    assert AuditRecord.objects.filter(action="case.personal_data_view").count() == 0


def test_other_org_staff_cannot_see_the_case(client, world, case):
    before = snapshot(case)
    client.force_login(world.youth_staff)
    assert client.get(url(case)).status_code == 404
    assert client.post(act(case, "close"), {"result": "越权办结"}).status_code == 404
    assert client.post(url(case, "reveal/")).status_code == 404
    assert snapshot(case) == before


def test_contact_action(client, world, case):
    client.force_login(world.union_staff)
    response = client.post(act(case, "contact"), {"note": "已电话联系张三"}, **HTMX)
    assert response.status_code == 200
    assert "已签收,并记录了与诉求人的联系。" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.contacted_at is not None
    assert case.events.filter(kind=CaseEvent.Kind.CONTACTED).count() == 1


def test_transfer_accept_flow(client, world, case):
    client.force_login(world.union_receiver)
    response = client.post(act(case, "transfer"), {"to_org": str(world.women.pk), "reason": "属妇女权益"}, **HTMX)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.TRANSFERRING
    assert case.transfer_to_org == world.women

    client.force_login(world.women_staff)
    html = client.get(url(case)).content.decode()
    assert "接收转办" in html
    response = client.post(act(case, "accept"), {}, **HTMX)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.handling_org == world.women
    assert case.first_inquirer == world.union_receiver


def test_transfer_return_flow(client, world, case):
    services.case_transfer(case=case, actor=world.union_receiver, to_org=world.women, reason="属妇女权益")
    client.force_login(world.women_staff)
    response = client.post(act(case, "return"), {"reason": "不属本单位职责"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.handling_org == world.union
    assert case.status != CaseStatus.TRANSFERRING
    assert case.transfer_to_org is None


def test_transfer_without_reason_is_refused(client, world, case):
    before = snapshot(case)
    client.force_login(world.union_staff)
    response = client.post(act(case, "transfer"), {"to_org": str(world.women.pk), "reason": ""}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 400
    assert "请填写转办理由。" in html
    assert snapshot(case) == before


def test_transfer_to_an_organization_of_another_district_is_refused(client, world, case):
    from quntuan.core.testing import make_org

    far = make_org(world.other_district, "union", name="邻区总工会")
    client.force_login(world.union_staff)
    response = client.post(act(case, "transfer"), {"to_org": str(far.pk), "reason": "试试"}, **HTMX)
    assert response.status_code == 400
    assert "请选择转至单位。" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.PENDING


def test_cohandler_add_and_reply(client, world, case):
    client.force_login(world.union_staff)
    response = client.post(act(case, "cohandler"),
                           {"organization": str(world.women.pk), "task": "提供法律咨询", "days": "3"}, **HTMX)
    assert response.status_code == 200
    cohandling = CoHandling.objects.get(case=case)
    assert (cohandling.organization, cohandling.task, cohandling.status) == (world.women, "提供法律咨询", "open")

    client.force_login(world.women_staff)
    response = client.post(act(case, "cohandler_reply"), {"cohandling": str(cohandling.pk), "reply": "已提供咨询"},
                           **HTMX)
    assert response.status_code == 200
    cohandling.refresh_from_db()
    assert (cohandling.status, cohandling.reply) == ("done", "已提供咨询")


def test_close_is_refused_while_a_cohandler_has_not_replied(client, world, case):
    services.case_add_cohandler(case=case, actor=world.union_staff, organization=world.women, task="咨询", days=3)
    client.force_login(world.union_staff)
    response = client.post(act(case, "close"), {"result": "已办结"}, **HTMX)
    assert response.status_code == 409
    assert "协办单位尚未答复:区妇联。" in response.content.decode()
    case.refresh_from_db()
    assert case.status != CaseStatus.CLOSED


def test_request_material(client, world, case):
    client.force_login(world.union_staff)
    response = client.post(act(case, "request_material"), {"materials": "身份证复印件"}, **HTMX)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.AWAITING_MATERIAL
    assert "身份证复印件" in case.missing_materials


def test_extension_request_and_leader_decision(client, world, case):
    client.force_login(world.union_staff)
    response = client.post(act(case, "request_extension"), {"days": "5", "reason": "需调取材料"}, **HTMX)
    assert response.status_code == 200
    assert ExtensionRequest.objects.get(case=case).status == "pending"
    assert "审批延期" not in response.content.decode()

    client.force_login(world.union_leader)
    html = client.get(url(case)).content.decode()
    assert "审批延期" in html
    response = client.post(act(case, "decide_extension"), {"approve": "yes", "note": "同意"}, **HTMX)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.extended is True
    assert ExtensionRequest.objects.get(case=case).status == "approved"


def test_extension_days_out_of_range(client, world, case):
    client.force_login(world.union_staff)
    response = client.post(act(case, "request_extension"), {"days": "0", "reason": "x"}, **HTMX)
    assert response.status_code == 400
    assert "延期至少 1 个工作日。" in response.content.decode()
    assert ExtensionRequest.objects.count() == 0


def test_internal_note_with_script_is_escaped(client, world, case):
    client.force_login(world.union_staff)
    response = client.post(act(case, "note"), {"note": "<script>alert('x')</script>"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<script>alert('x')</script>" not in html


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_note_is_refused(client, world, case, text):
    before = snapshot(case)
    client.force_login(world.union_staff)
    response = client.post(act(case, "note"), {"note": text}, **HTMX)
    assert response.status_code == 400
    assert "请填写内部备注。" in response.content.decode()
    assert snapshot(case) == before


def test_ten_thousand_characters_are_refused(client, world, case):
    before = snapshot(case)
    client.force_login(world.union_staff)
    response = client.post(act(case, "close"), {"result": "长" * 10000}, **HTMX)
    assert response.status_code == 400
    assert "办理结果(答复诉求人)不能超过 5000 个字。" in response.content.decode()
    assert snapshot(case) == before


def test_reply_and_close_without_htmx_redirects(client, world, case):
    client.force_login(world.union_staff)
    response = client.post(act(case, "close"), {"result": "已协调公司补发工资。"})
    assert response.status_code == 302
    assert response["Location"] == url(case)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.result == "已协调公司补发工资。"
    html = client.get(url(case)).content.decode()
    assert "已答复并办结。" in html


def test_transfer_out_for_a_government_matter(client, world):
    gov = make_category("other.government", "政府部门职责")
    case = world.submit(service=None, category=gov, organization=world.union)
    client.force_login(world.union_receiver)
    assert "转政府部门" in client.get(url(case)).content.decode()
    response = client.post(act(case, "transfer_out"), {"department": "区人社局", "note": "属劳动监察职责"}, **HTMX)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.status == CaseStatus.TRANSFERRED_OUT
    assert case.transferred_department == "区人社局"


def test_transfer_out_not_offered_for_a_union_matter(client, world, case):
    client.force_login(world.union_staff)
    assert "转政府部门" not in client.get(url(case)).content.decode()


def test_first_inquirer_confirms_the_requester_was_told(client, world, case):
    services.case_transfer(case=case, actor=world.union_receiver, to_org=world.women, reason="属妇女权益")
    services.case_transfer_accept(case=case, actor=world.women_staff)
    client.force_login(world.union_receiver)
    response = client.post(act(case, "confirm_informed"), {}, **HTMX)
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.requester_informed_at is not None


def test_followup_record(client, world, case):
    close(world, case)
    followup = FollowUp.objects.create(case=case, round=0, due_date=case.due_date)
    client.force_login(world.union_staff)
    assert "回访记录" in client.get(url(case)).content.decode()
    response = client.post(act(case, "followup"),
                           {"followup": str(followup.pk), "outcome": "satisfied", "solved": "yes", "note": "电话回访"},
                           **HTMX)
    assert response.status_code == 200
    followup.refresh_from_db()
    assert (followup.status, followup.outcome, followup.solved) == ("done", "satisfied", True)


def test_attachment_is_served_only_to_who_may_see_the_case(client, world):
    upload = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    case = world.submit(attachments=[upload])
    attachment = case.attachments.get()
    client.force_login(world.resident)
    response = client.get(url(case, f"files/{attachment.pk}/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    client.force_login(world.other_resident)
    assert client.get(url(case, f"files/{attachment.pk}/")).status_code == 404


def test_requester_sees_the_first_inquirers_phone(client, world, case):
    client.force_login(world.resident)
    html = client.get(url(case)).content.decode()
    assert '<a href="tel:010-12345678">010-12345678</a>' in html


def test_extension_not_offered_after_the_deadline(client, world, case):
    import time_machine

    from quntuan.cases.tests.core_fixtures import SHANGHAI

    client.force_login(world.union_staff)
    assert "申请延期" in client.get(url(case)).content.decode()
    with time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=SHANGHAI), tick=False):
        client = Client()
        client.force_login(world.union_staff)
        assert "申请延期" not in client.get(url(case)).content.decode()


def test_awaiting_material_pauses_the_countdown(client, world, case):
    services.case_request_material(case=case, actor=world.union_staff, materials="身份证复印件")
    client.force_login(world.union_staff)
    html = client.get("/cases/workbench/?queue=org").content.decode()
    assert '<span class="flag-countdown">计时暂停</span>' in html
