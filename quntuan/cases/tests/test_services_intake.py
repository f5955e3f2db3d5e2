from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from quntuan.cases.models import Case, CaseEvent, CaseStatus, Channel, TrackingSequence
from quntuan.cases.services import case_receipt
from quntuan.cases.tests.core_fixtures import SHANGHAI
from quntuan.catalog.models import TimeLimitClass
from quntuan.core.exceptions import ApplicationError, Conflict
from quntuan.core.testing import make_service
from quntuan.notifications.models import Notification, OutboundMessage
from quntuan.organizations.models import DistrictRules

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def kinds(case):
    return list(case.events.order_by("at", "id").values_list("kind", flat=True))


def test_online_submission_goes_to_the_services_on_duty_receiver(world, case):
    assert case.tracking_no == "QT-20261123-000001"
    assert case.status == CaseStatus.PENDING
    assert case.first_inquirer == world.union_receiver
    assert case.first_inquirer_org == world.union
    assert case.handling_org == world.union
    assert case.handler is None
    assert case.time_limit_class == TimeLimitClass.HELP
    assert case.clock_start == date(2026, 11, 23)
    assert case.due_date == date(2026, 11, 30)
    assert case.remind_on == date(2026, 11, 27)
    assert case.red_flag_after == date(2026, 12, 1)
    assert case.first_contact_due_at == datetime(2026, 11, 24, 23, 59, 59, tzinfo=SHANGHAI)
    assert case.deadline_provisional is False
    assert kinds(case) == ["submitted", "received", "receipt_sent"]


def test_receipt_names_first_inquirer_promised_date_and_missing_materials(world):
    case = world.submit(missing_materials="劳动合同复印件\n工资条")
    receipt = case_receipt(case)
    assert receipt["tracking_no"] == "QT-20261123-000001"
    assert receipt["first_inquirer_name"] == "王首问"
    assert receipt["first_inquirer_org"] == "区总工会"
    assert receipt["first_inquirer_contact"] == "010-12345678"
    assert receipt["promised_date"] == "2026-11-30"
    assert receipt["missing_materials"] == ["劳动合同复印件", "工资条"]
    assert receipt["provisional"] is False
    event = case.events.get(kind=CaseEvent.Kind.RECEIPT_SENT)
    assert event.data["tracking_no"] == "QT-20261123-000001"


def test_receipt_reaches_requester_by_inbox_and_sms(world, case):
    note = Notification.objects.get(user=world.resident, case=case)
    assert note.title == "您的诉求已受理:QT-20261123-000001"
    sms = OutboundMessage.objects.get(channel="sms", recipient="13900001111")
    assert "QT-20261123-000001" in sms.body


def test_tracking_numbers_count_per_day(world):
    first = world.submit()
    second = world.submit()
    assert [first.tracking_no, second.tracking_no] == ["QT-20261123-000001", "QT-20261123-000002"]
    if connection.vendor == "sqlite":  # a counter there; on PostgreSQL the row holds the sequence base
        assert TrackingSequence.objects.get(day=date(2026, 11, 23)).last == 2


def test_urgent_case_must_be_contacted_within_two_hours(world):
    case = world.submit(is_urgent=True)
    assert case.first_contact_due_at == datetime(2026, 11, 23, 12, 0, tzinfo=SHANGHAI)


def test_time_limit_follows_the_service_class(world):
    consult = make_service(world.union, name="政策咨询", time_limit_class=TimeLimitClass.CONSULT)
    complaint = make_service(world.union, name="投诉", time_limit_class=TimeLimitClass.COMPLAINT)
    immediate = make_service(world.union, name="即办", time_limit_class=TimeLimitClass.IMMEDIATE)
    assert world.submit(service=consult).due_date == date(2026, 11, 24)
    assert world.submit(service=complaint).due_date == date(2026, 12, 14)
    assert world.submit(service=immediate).due_date == date(2026, 11, 23)


def test_missing_district_rules_are_created_with_defaults(world):
    DistrictRules.objects.filter(district=world.district).delete()
    case = world.submit()
    assert case.due_date == date(2026, 11, 30)
    assert DistrictRules.objects.get(district=world.district).limit_help_days == 5


def test_district_rules_change_the_limit(world):
    DistrictRules.objects.filter(district=world.district).update(limit_help_days=3, first_contact_days=2)
    case = world.submit()
    assert case.due_date == date(2026, 11, 26)
    assert case.first_contact_due_at == datetime(2026, 11, 25, 23, 59, 59, tzinfo=SHANGHAI)


def test_without_service_goes_to_chosen_organization(world):
    case = world.submit(service=None, organization=world.women)
    assert case.first_inquirer == world.women_receiver
    assert case.handling_org == world.women
    assert case.time_limit_class == TimeLimitClass.HELP


def test_without_service_or_organization_goes_to_any_receiver_in_district(world):
    case = world.submit(service=None)
    assert case.first_inquirer == world.union_receiver  # the first on-duty receiver


def test_community_workstation_receiver_is_preferred_to_district(world):
    from quntuan.core.testing import make_staff

    station = world.community.workstation
    receiver = make_staff(world.youth, on_duty=True, workstation=station, name="工作站值班")
    case = world.submit(service=None, community=world.community)
    assert case.first_inquirer == receiver
    assert case.workstation == station


def test_no_receiver_in_district_is_refused_with_message(world):
    from quntuan.organizations.models import Membership

    Membership.objects.update(is_on_duty_receiver=False)
    with pytest.raises(ApplicationError) as exc:
        world.submit(service=None)
    assert "暂无值班受理人员" in exc.value.message
    assert Case.objects.count() == 0


def test_staff_entry_makes_the_receiver_first_inquirer_and_counts_as_contact(world):
    case = world.submit(channel=Channel.WALK_IN, requester=None, received_by=world.women_staff,
                        service=world.service)
    assert case.first_inquirer == world.women_staff
    assert case.first_inquirer_org == world.women
    assert case.handling_org == world.women
    assert case.handler == world.women_staff
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.contacted_at is not None
    assert kinds(case) == ["received", "contacted", "receipt_sent"]


def test_staff_with_several_memberships_must_choose(world):
    from quntuan.organizations.models import Membership

    Membership.objects.create(user=world.union_staff, organization=world.women)
    with pytest.raises(ApplicationError) as exc:
        world.submit(channel=Channel.PHONE, received_by=world.union_staff)
    assert exc.value.message == "您在多个单位任职,请选择受理单位。"
    case = world.submit(channel=Channel.PHONE, received_by=world.union_staff, received_org=world.women)
    assert case.first_inquirer_org == world.women


def test_staff_of_another_district_cannot_enter_a_case(world):
    from quntuan.core.testing import make_org, make_staff

    outsider = make_staff(make_org(world.other_district, "union"))
    with pytest.raises(ApplicationError):
        world.submit(channel=Channel.PHONE, received_by=outsider)
    assert Case.objects.count() == 0


def test_phone_channel_needs_staff(world):
    with pytest.raises(ApplicationError):
        world.submit(channel=Channel.PHONE)
    assert Case.objects.count() == 0


def test_same_idempotency_key_gives_the_same_case(world):
    first = world.submit(idempotency_key="abc-123")
    second = world.submit(idempotency_key="abc-123")
    assert second.pk == first.pk
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(kind="received").count() == 1


def test_idempotency_key_of_someone_else_is_refused(world):
    world.submit(idempotency_key="abc-123")
    with pytest.raises(Conflict):
        world.submit(idempotency_key="abc-123", requester=world.other_resident, requester_mobile="13900002222")
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("content", "", "诉求内容不能为空。"),
        ("content", "   ", "诉求内容不能为空。"),
        ("content", "字" * 10000, "诉求内容不能超过 5000 个字(当前 10000 个字)。"),
        ("title", "", "标题不能为空。"),
        ("title", "题" * 101, "标题不能超过 100 个字(当前 101 个字)。"),
        ("requester_name", "", "诉求人姓名不能为空。"),
        ("requester_mobile", "12345", "请填写正确的 11 位手机号码。"),
        ("requester_mobile", "1390000111a", "请填写正确的 11 位手机号码。"),
        ("requester_email", "not-an-email", "电子邮箱格式不正确。"),
        ("channel", "fax", "受理渠道不正确。"),
        ("service", 999999, "所选服务事项不存在或已停用。"),
        ("service", "abc", "所选服务事项不存在或已停用。"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_is_stored(world, field, value, message):
    with pytest.raises(ApplicationError) as exc:
        world.submit(**{field: value})
    assert exc.value.message == message
    assert exc.value.status_code == 400
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert not TrackingSequence.objects.exists()


def test_content_of_5000_chars_is_accepted(world):
    case = world.submit(content="字" * 5000)
    assert len(case.content) == 5000


def test_script_tags_are_stored_as_text(world):
    case = world.submit(title="<script>alert(1)</script>", content="<img src=x onerror=alert(1)>求助")
    case.refresh_from_db()
    assert case.title == "<script>alert(1)</script>"
    assert case.content == "<img src=x onerror=alert(1)>求助"


def test_inactive_service_and_service_of_another_district_are_unknown(world):
    from quntuan.core.testing import make_org

    inactive = make_service(world.union, name="已停用")
    inactive.is_active = False
    inactive.save()
    foreign = make_service(make_org(world.other_district, "union"), name="邻区服务")
    for service in (inactive, foreign, inactive.pk):
        with pytest.raises(ApplicationError) as exc:
            world.submit(service=service)
        assert exc.value.code == "unknown_service"
    assert Case.objects.count() == 0


def test_service_given_by_id(world):
    case = world.submit(service=world.service.pk)
    assert case.service == world.service


def test_attachments_at_submission(world):
    case = world.submit(attachments=[SimpleUploadedFile("照片.png", PNG, content_type="image/png")])
    attachment = case.attachments.get()
    assert attachment.original_name == "照片.png"
    assert attachment.content_type == "image/png"
    assert attachment.size == 40
    assert kinds(case) == ["submitted", "received", "attachment_added", "receipt_sent"]


def test_wrong_attachment_refuses_the_whole_submission(world):
    fake = SimpleUploadedFile("virus.png", b"MZ\x90\x00 not an image", content_type="image/png")
    with pytest.raises(ApplicationError) as exc:
        world.submit(attachments=[fake])
    assert exc.value.message == "附件只能是 PNG、JPEG 图片或 PDF 文件。"
    assert Case.objects.count() == 0


def test_deadline_across_new_year_into_a_year_without_table_is_provisional(world, monday):
    from zoneinfo import ZoneInfo

    monday.move_to(datetime(2026, 12, 28, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    complaint = make_service(world.union, name="投诉", time_limit_class=TimeLimitClass.COMPLAINT)
    case = world.submit(service=complaint)
    assert case.deadline_provisional is True
    assert case_receipt(case)["provisional"] is True


def test_receipt_by_email_when_given(world):
    case = world.submit(requester=None, requester_email="zhangsan@example.com")
    email = OutboundMessage.objects.get(channel="email")
    assert email.recipient == "zhangsan@example.com"
    assert email.subject == "您的诉求已受理:QT-20261123-000001"
    assert Notification.objects.filter(case=case).count() == 0  # no account, no inbox
