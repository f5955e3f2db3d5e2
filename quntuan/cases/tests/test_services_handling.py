from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from quntuan.accounts.models import AuditRecord
from quntuan.cases.models import Attachment, CaseEvent, CaseStatus, CoHandling
from quntuan.cases.services import (
    case_add_cohandler,
    case_add_note,
    case_attachment_add,
    case_cohandler_reply,
    case_contact,
    case_personal_data_view,
    case_reply_and_close,
    case_request_material,
    case_supply_material,
    case_transfer_out,
)
from quntuan.cases.tests.core_fixtures import SHANGHAI, snapshot
from quntuan.core.exceptions import ApplicationError, Conflict, PermissionDenied
from quntuan.core.testing import make_category
from quntuan.notifications.models import Notification, OutboundMessage

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16
PDF = b"%PDF-1.7\n%\xe2\xe3\n"


def requester_titles(world, case):
    return list(Notification.objects.filter(user=world.resident, case=case).order_by("id")
                .values_list("title", flat=True))


# --- contact ---------------------------------------------------------------------------------------------
def test_contact_signs_for_the_case(world, case):
    case = case_contact(case=case, actor=world.union_staff, note="已电话联系")
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.handler == world.union_staff
    assert case.contacted_at == datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)
    event = case.events.get(kind=CaseEvent.Kind.CONTACTED)
    assert (event.actor, event.organization, event.note) == (world.union_staff, world.union, "已电话联系")


def test_second_contact_is_told_who_signed(world, case):
    case_contact(case=case, actor=world.union_staff)
    with pytest.raises(Conflict) as exc:
        case_contact(case=case, actor=world.union_receiver)
    assert exc.value.message == "该诉求已由 李承办 签收。"


@pytest.mark.parametrize("actor", ["women_staff", "resident", "other_resident", "supervisor", "admin"])
def test_contact_refused_outside_the_handling_org(world, case, actor):
    before = snapshot(case)
    with pytest.raises(PermissionDenied):
        case_contact(case=case, actor=getattr(world, actor))
    assert snapshot(case) == before


def test_anonymous_is_refused(world, case):
    from django.contrib.auth.models import AnonymousUser

    before = snapshot(case)
    with pytest.raises(PermissionDenied):
        case_contact(case=case, actor=AnonymousUser())
    assert snapshot(case) == before


# --- co-handling ---------------------------------------------------------------------------------------
def test_cohandling_with_own_deadline_and_reply(world, case):
    cohandling = case_add_cohandler(case=case, actor=world.union_staff, organization=world.women,
                                    task="核实家庭情况", days=3)
    assert cohandling.due_date == date(2026, 11, 26)
    assert cohandling.status == CoHandling.Status.OPEN
    assert Notification.objects.filter(user=world.women_staff, case=case).count() == 1
    with pytest.raises(Conflict):
        case_add_cohandler(case=case, actor=world.union_staff, organization=world.women, task="再次", days=1)
    with pytest.raises(PermissionDenied):
        case_cohandler_reply(cohandling=cohandling, actor=world.youth_staff, reply="答复")
    cohandling = case_cohandler_reply(cohandling=cohandling, actor=world.women_staff, reply="情况属实")
    assert (cohandling.status, cohandling.reply, cohandling.replied_by) == ("done", "情况属实", world.women_staff)
    with pytest.raises(Conflict):
        case_cohandler_reply(cohandling=cohandling, actor=world.women_staff, reply="再答")
    assert [e.kind for e in case.events.filter(internal=True)] == ["cohandler_added", "cohandler_replied"]


def test_cohandler_checks(world, case):
    before = snapshot(case)
    with pytest.raises(ApplicationError) as exc:
        case_add_cohandler(case=case, actor=world.union_staff, organization=world.union, task="x", days=2)
    assert exc.value.message == "承办单位不能作为自己的协办单位。"
    with pytest.raises(ApplicationError) as exc:
        case_add_cohandler(case=case, actor=world.union_staff, organization=world.women, task="x", days=0)
    assert exc.value.message == "协办时限应在 1 至 60 个工作日之间。"
    with pytest.raises(PermissionDenied):
        case_add_cohandler(case=case, actor=world.women_staff, organization=world.youth, task="x", days=2)
    assert snapshot(case) == before
    assert CoHandling.objects.count() == 0


def test_close_waits_for_open_cohandlers(world, case):
    case_add_cohandler(case=case, actor=world.union_staff, organization=world.women, task="核实", days=3)
    before = snapshot(case)
    with pytest.raises(Conflict) as exc:
        case_reply_and_close(case=case, actor=world.union_staff, result="已解决")
    assert exc.value.message == "协办单位尚未答复:区妇联。"
    assert snapshot(case) == before


# --- material ----------------------------------------------------------------------------------------------
def test_material_stops_and_restarts_the_clock(world, case, monday):
    case = case_request_material(case=case, actor=world.union_staff, materials="劳动合同复印件")
    assert case.status == CaseStatus.AWAITING_MATERIAL
    assert case.missing_materials == "劳动合同复印件"
    assert requester_titles(world, case)[-1] == "请补充材料:QT-20261123-000001"
    monday.move_to(datetime(2026, 11, 26, 9, 0, tzinfo=SHANGHAI))  # Thursday
    case = case_supply_material(case=case, actor=world.resident, note="已上传合同",
                                attachments=[SimpleUploadedFile("合同.pdf", PDF)])
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.clock_start == date(2026, 11, 26)
    assert case.due_date == date(2026, 12, 3)
    assert case.remind_on == date(2026, 12, 2)
    assert case.red_flag_after == date(2026, 12, 4)
    assert case.missing_materials == ""
    assert case.attachments.get().content_type == "application/pdf"
    event = case.events.get(kind=CaseEvent.Kind.MATERIAL_SUPPLIED)
    assert event.data == {"requested": "劳动合同复印件", "due_date": "2026-12-03"}


def test_supply_refused_for_others_and_when_not_asked(world, case):
    with pytest.raises(Conflict):
        case_supply_material(case=case, actor=world.resident, note="x")
    case = case_request_material(case=case, actor=world.union_staff, materials="身份证")
    before = snapshot(case)
    for actor in (world.other_resident, world.women_staff):
        with pytest.raises(PermissionDenied):
            case_supply_material(case=case, actor=actor, note="x")
    assert snapshot(case) == before


# --- transfer out -------------------------------------------------------------------------------------------
def test_transfer_out_to_a_government_department(world):
    category = make_category("other.government", "政府部门职责事项")
    case = world.submit(service=None, category=category, organization=world.union)
    case = case_transfer_out(case=case, actor=world.union_receiver, department="区人社局劳动监察大队",
                             note="欠薪投诉由劳动监察受理")
    assert case.status == CaseStatus.TRANSFERRED_OUT
    assert case.transferred_department == "区人社局劳动监察大队"
    assert case.closed_at is not None
    assert requester_titles(world, case)[-1] == "您的诉求已转交政府部门:QT-20261123-000001"
    assert OutboundMessage.objects.filter(channel="sms", body__contains="区人社局劳动监察大队").count() == 1
    assert case.events.get(kind=CaseEvent.Kind.TRANSFERRED_OUT).data == {"department": "区人社局劳动监察大队"}


def test_transfer_out_refused_for_a_mass_organization_matter(world, case):
    before = snapshot(case)
    with pytest.raises(ApplicationError):
        case_transfer_out(case=case, actor=world.union_staff, department="区人社局", note="x")
    assert snapshot(case) == before


# --- notes ----------------------------------------------------------------------------------------------------
def test_internal_note(world, case):
    event = case_add_note(case=case, actor=world.union_staff, note="<b>内部</b>备注")
    assert (event.kind, event.internal, event.note) == ("note", True, "<b>内部</b>备注")
    with pytest.raises(PermissionDenied):
        case_add_note(case=case, actor=world.resident, note="我也想写")
    with pytest.raises(PermissionDenied):
        case_add_note(case=case, actor=world.youth_staff, note="别的单位")
    with pytest.raises(ApplicationError) as exc:
        case_add_note(case=case, actor=world.union_staff, note="x" * 5001)
    assert exc.value.message == "备注不能超过 5000 个字(当前 5001 个字)。"


# --- reply and close ----------------------------------------------------------------------------------------
def test_reply_and_close(world, case):
    case = case_contact(case=case, actor=world.union_staff)
    case = case_reply_and_close(case=case, actor=world.union_staff, result="已协调公司补发工资")
    assert case.status == CaseStatus.CLOSED
    assert case.result == "已协调公司补发工资"
    assert case.closed_at is not None
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds[-2:] == ["replied", "closed"]
    assert case.events.get(kind="closed").data == {"round": 0, "on_time": True}
    assert requester_titles(world, case)[-1] == "您的诉求已办结:QT-20261123-000001"


def test_reply_on_a_pending_case_counts_as_contact(world, case):
    case = case_reply_and_close(case=case, actor=world.union_receiver, result="政策已解答")
    assert case.handler == world.union_receiver
    assert case.contacted_at is not None
    assert list(case.events.values_list("kind", flat=True))[-3:] == ["contacted", "replied", "closed"]


def test_close_refusals_leave_the_case_unchanged(world, case):
    before = snapshot(case)
    with pytest.raises(ApplicationError):
        case_reply_and_close(case=case, actor=world.union_staff, result="")
    with pytest.raises(PermissionDenied):
        case_reply_and_close(case=case, actor=world.women_staff, result="结果")
    with pytest.raises(PermissionDenied):
        case_reply_and_close(case=case, actor=world.resident, result="结果")
    assert snapshot(case) == before
    case_reply_and_close(case=case, actor=world.union_staff, result="结果")
    closed = snapshot(case)
    with pytest.raises(Conflict):
        case_reply_and_close(case=case, actor=world.union_staff, result="再办结")
    assert snapshot(case) == closed


# --- attachments ---------------------------------------------------------------------------------------------
def test_attachment_checks_real_content(world, case, settings):
    ok = case_attachment_add(case=case, actor=world.resident, uploaded_file=SimpleUploadedFile("a.jpg", JPEG))
    assert (ok.content_type, ok.size, ok.original_name) == ("image/jpeg", 20, "a.jpg")
    assert ok.file.name.endswith(".jpg") and not ok.file.name.endswith("/a.jpg")
    for upload, message in (
        (SimpleUploadedFile("a.png", b"<script>alert(1)</script>"), "附件只能是 PNG、JPEG 图片或 PDF 文件。"),
        (SimpleUploadedFile("a.png", b""), "附件是空文件。"),
    ):
        with pytest.raises(ApplicationError) as exc:
            case_attachment_add(case=case, actor=world.resident, uploaded_file=upload)
        assert exc.value.message == message
    settings.ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ApplicationError) as exc:
        case_attachment_add(case=case, actor=world.resident, uploaded_file=SimpleUploadedFile("b.png", PNG))
    assert exc.value.code == "file_too_large"
    with pytest.raises(PermissionDenied):
        case_attachment_add(case=case, actor=world.other_resident, uploaded_file=SimpleUploadedFile("c.png", PNG))
    assert Attachment.objects.count() == 1
    assert case.events.filter(kind="attachment_added").count() == 1


def test_attachment_count_limit(world, case, settings):
    settings.ATTACHMENT_MAX_COUNT = 1
    case_attachment_add(case=case, actor=world.resident, uploaded_file=SimpleUploadedFile("a.png", PNG))
    with pytest.raises(ApplicationError) as exc:
        case_attachment_add(case=case, actor=world.resident, uploaded_file=SimpleUploadedFile("b.png", PNG))
    assert exc.value.message == "每件诉求最多 1 个附件。"


# --- personal data -----------------------------------------------------------------------------------------------
def test_personal_data_view_is_audited(world, case):
    data = case_personal_data_view(case=case, actor=world.union_staff)
    assert data["requester_mobile"] == "13900001111"
    record = AuditRecord.objects.get(action="case.personal_data_view")
    assert (record.actor, record.object_id, record.detail) == (world.union_staff, str(case.pk),
                                                               {"tracking_no": "QT-20261123-000001"})
    event = case.events.get(kind="personal_data_viewed")
    assert (event.actor, event.internal) == (world.union_staff, True)


@pytest.mark.parametrize("actor", ["women_staff", "other_resident", "supervisor"])
def test_personal_data_refused_without_rights(world, case, actor):
    with pytest.raises(PermissionDenied):
        case_personal_data_view(case=case, actor=getattr(world, actor))
    assert AuditRecord.objects.filter(action="case.personal_data_view").count() == 0
    assert case.events.filter(kind="personal_data_viewed").count() == 0
