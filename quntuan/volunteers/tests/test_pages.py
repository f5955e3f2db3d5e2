"""Pages: 我的志愿, reporting hours, the public certificate check, staff hours confirmation,
certificates and training pages."""

import io

import pytest
from django.test import Client
from docx import Document

from quntuan.core.testing import make_resident
from quntuan.volunteers import services
from quntuan.volunteers.models import Certificate, ServiceRecord, Volunteer
from quntuan.volunteers.tests.conftest import at, make_volunteer, next_id_number


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def text(response) -> str:
    return response.content.decode()


def test_register_page_then_mine(world):
    resident = make_resident(world.district, name="李四")
    c = login(resident)
    page = c.get("/volunteers/")
    assert page.status_code == 200
    assert "注册成为志愿者" in text(page)
    bad = c.post("/volunteers/register/", {"real_name": "李四", "id_type": "resident_id",
                                           "id_number": "110105199003071230"})
    assert bad.status_code == 400
    assert "居民身份证号码不正确,请核对后重新填写。" in text(bad)
    assert not Volunteer.objects.filter(user=resident).exists()
    number = next_id_number()
    r = c.post("/volunteers/register/", {"real_name": "李四", "id_type": "resident_id", "id_number": number})
    assert r.status_code == 302
    page = c.get("/volunteers/")
    body = text(page)
    assert Volunteer.objects.get(user=resident).number in body
    assert number[:3] + "*" * 11 + number[-4:] in body
    assert number not in body


def test_report_hours_on_page(world):
    services.shift_signup(user=world.resident, shift=world.shift)
    c = login(world.resident)
    body = text(c.get("/volunteers/"))
    assert "班次结束后可填报时长" in body
    early = c.post(f"/volunteers/shifts/{world.shift.pk}/report/", {"minutes": "60"})
    assert early.status_code == 400
    assert "班次尚未开始,不能填报未来的服务时长。" in text(early)
    world.clock.move_to(at(5, 13))
    over = c.post(f"/volunteers/shifts/{world.shift.pk}/report/", {"minutes": "999"})
    assert over.status_code == 400
    assert "服务时长不能超过班次时长(180 分钟)。" in text(over)
    assert ServiceRecord.objects.count() == 0
    assert c.post(f"/volunteers/shifts/{world.shift.pk}/report/", {"minutes": "170"}).status_code == 302
    twice = c.post(f"/volunteers/shifts/{world.shift.pk}/report/", {"minutes": "100"})
    assert twice.status_code == 409
    assert "不能重复填报" in text(twice)
    assert "自报 170 分钟" in text(c.get("/volunteers/"))


def test_staff_hours_bulk_confirm_page(world):
    other = make_volunteer(world, "李四")
    services.shift_signup(user=world.resident, shift=world.shift)
    services.shift_signup(user=other.user, shift=world.shift)
    world.clock.move_to(at(5, 13))
    r1 = services.hours_report(user=world.resident, shift=world.shift, minutes=150)
    r2 = services.hours_report(user=other.user, shift=world.shift, minutes=180)
    # another organization's staff see nothing to confirm and cannot confirm
    union = login(world.union_staff)
    assert "没有待确认的服务时长" in text(union.get("/volunteers/staff/hours/"))
    refused = union.post("/volunteers/staff/hours/confirm/", {"record": [r1.pk]})
    assert refused.status_code == 404
    organizer = login(world.youth_staff)
    page = text(organizer.get("/volunteers/staff/hours/"))
    assert "张三" in page and "李四" in page and "待确认 2 条" in page
    r = organizer.post("/volunteers/staff/hours/confirm/", {"record": [r1.pk, r2.pk]})
    assert r.status_code == 302
    assert dict(ServiceRecord.objects.values_list("pk", "minutes")) == {r1.pk: 150, r2.pk: 180}
    assert set(ServiceRecord.objects.values_list("status", flat=True)) == {"confirmed"}


def test_staff_correct_without_note_refused(world):
    services.shift_signup(user=world.resident, shift=world.shift)
    world.clock.move_to(at(5, 13))
    record = services.hours_report(user=world.resident, shift=world.shift, minutes=150)
    organizer = login(world.youth_staff)
    r = organizer.post(f"/volunteers/staff/hours/{record.pk}/", {"minutes": "100", "decision": "confirm"})
    assert r.status_code == 400
    assert "更正时长时请填写说明。" in text(r)
    record.refresh_from_db()
    assert record.status == "reported"


def test_staff_pages_refuse_residents(world):
    c = login(world.resident)
    for url in ("/volunteers/staff/", "/volunteers/staff/hours/", "/volunteers/staff/training/"):
        assert c.get(url).status_code == 403


def test_certificate_download_and_verify_page(world):
    services.shift_signup(user=world.resident, shift=world.shift)
    world.clock.move_to(at(5, 13))
    services.hours_record_for_shift(actor=world.youth_staff, shift=world.shift, entries={world.volunteer.pk: 180})
    organizer = login(world.youth_staff)
    r = organizer.post(f"/volunteers/staff/volunteers/{world.volunteer.pk}/certificate/", {
        "organization": world.youth.pk, "responsible_person": "李书记", "handler": "小李", "contact": "010-1"})
    assert r.status_code == 302
    cert = Certificate.objects.get()
    download = login(world.resident).get(f"/volunteers/certificates/{cert.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{cert.number}.docx"'
    doc = Document(io.BytesIO(download.content))
    assert {r.cells[0].text: r.cells[1].text for r in doc.tables[0].rows}["证明编号"] == cert.number
    stranger = make_volunteer(world, "王五")
    assert login(stranger.user).get(f"/volunteers/certificates/{cert.pk}/download/").status_code == 404
    page = Client().get("/volunteers/verify/", {"no": cert.number})
    body = text(page)
    assert page.status_code == 200
    assert "该证明真实有效" in body and "张*" in body and "3 小时" in body and "共青团区委" in body
    assert "张三" not in body
    missing = Client().get("/volunteers/verify/", {"no": "ZYFW0000"})
    assert missing.status_code == 404
    assert "未查到该编号的志愿服务证明" in text(missing)


@pytest.mark.parametrize("url", ["/volunteers/staff/", "/volunteers/staff/teams/", "/volunteers/staff/activities/",
                                 "/volunteers/staff/certificates/", "/volunteers/staff/training/",
                                 "/volunteers/staff/training/figures/", "/volunteers/shifts/", "/volunteers/verify/"])
def test_staff_and_public_pages_render(world, url):
    assert login(world.youth_staff).get(url).status_code == 200


def test_shift_and_course_pages(world):
    organizer = login(world.youth_staff)
    r = organizer.post(f"/volunteers/staff/activities/{world.activity.pk}/shifts/", {
        "title": "引导", "start": "2026-12-05T13:00", "end": "2026-12-05T20:00", "slots": "3"})
    assert r.status_code == 400
    assert "班次时间须在活动时间之内。" in text(r)
    r = organizer.post(f"/volunteers/staff/activities/{world.activity.pk}/shifts/", {
        "title": "引导", "start": "2026-12-05T13:00", "end": "2026-12-05T15:00", "slots": "3"})
    assert r.status_code == 302
    assert "引导" in text(organizer.get(f"/volunteers/staff/activities/{world.activity.pk}/"))
    assert login(world.union_staff).get(f"/volunteers/staff/activities/{world.activity.pk}/").status_code == 404
    r = organizer.post("/volunteers/staff/training/new/", {"organization": world.youth.pk, "title": "青年创业营"})
    assert r.status_code == 302
    from quntuan.volunteers.models import TrainingCourse

    course = TrainingCourse.objects.get()
    r = organizer.post(f"/volunteers/staff/training/{course.pk}/sessions/",
                       {"start": "2026-12-01T08:00", "end": "2026-12-01T09:00", "topic": "开班"})
    assert r.status_code == 302
    make_resident(world.district, mobile="13900002222", name="赵六")
    assert organizer.post(f"/volunteers/staff/training/{course.pk}/enroll/",
                          {"mobile": "13900002222"}).status_code == 302
    page = text(organizer.get(f"/volunteers/staff/training/{course.pk}/"))
    assert "赵六" in page and "开班" in page
    r = organizer.post(f"/volunteers/staff/training/{course.pk}/enroll/", {"mobile": "123"})
    assert r.status_code == 400
    assert "请输入正确的 11 位手机号。" in text(r)
