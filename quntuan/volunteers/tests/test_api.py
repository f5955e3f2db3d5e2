"""The volunteers API: the same services and policies as the pages."""

import json

from django.test import Client

from quntuan.core.testing import make_resident
from quntuan.volunteers import services
from quntuan.volunteers.models import ServiceRecord, Volunteer
from quntuan.volunteers.tests.conftest import at, make_volunteer, next_id_number

BASE = "/api/volunteers"


def post(client, url, data=None):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_register_and_me_masks_id(world):
    resident = make_resident(world.district, name="李四")
    c = login(resident)
    assert c.get(f"{BASE}/me").status_code == 404
    number = next_id_number()
    r = post(c, f"{BASE}/me", {"real_name": "李四", "id_number": number, "skills": "摄影"})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["id_number_masked"] == number[:3] + "*" * 11 + number[-4:]
    assert number not in r.content.decode()
    assert (body["confirmed_minutes"], body["star_level"], body["star_name"]) == (0, 0, "志愿者")
    r = post(c, f"{BASE}/me", {"real_name": "李四", "id_number": number})
    assert (r.status_code, r.json()["message"]) == (409, "您已经注册为志愿者。")


def test_report_errors_are_4xx_in_chinese_without_change(world):
    c = login(world.resident)
    url = f"{BASE}/shifts/{world.shift.pk}/report"
    assert post(c, f"{BASE}/shifts/{world.shift.pk}/signup").status_code == 201
    r = post(c, url, {"minutes": 60})
    assert (r.status_code, r.json()["message"]) == (400, "班次尚未开始,不能填报未来的服务时长。")
    world.clock.move_to(at(5, 13))
    r = post(c, url, {"minutes": 181})
    assert (r.status_code, r.json()["message"]) == (400, "服务时长不能超过班次时长(180 分钟)。")
    assert ServiceRecord.objects.count() == 0
    r = post(c, url, {"minutes": 170})
    assert r.status_code == 201
    assert r.json()["status"] == "reported"
    r = post(c, url, {"minutes": 100})
    assert (r.status_code, r.json()["message"]) == (409, "此班次的服务时长已填报或已由组织方记录,不能重复填报。")
    assert list(ServiceRecord.objects.values_list("reported_minutes", flat=True)) == [170]
    r = post(c, url, {"minutes": "abc"})
    assert r.status_code == 422


def test_only_organizer_confirms_over_api(world):
    services.shift_signup(user=world.resident, shift=world.shift)
    world.clock.move_to(at(5, 13))
    record = services.hours_report(user=world.resident, shift=world.shift, minutes=170)
    # the volunteer sees their record but may not confirm it
    r = post(login(world.resident), f"{BASE}/records/{record.pk}/confirm", {})
    assert (r.status_code, r.json()["message"]) == (403, "只有活动的组织方工作人员可以确认服务时长。")
    # staff of another organization do not even see it
    r = post(login(world.union_staff), f"{BASE}/records/{record.pk}/confirm", {})
    assert r.status_code == 404
    record.refresh_from_db()
    assert (record.status, record.minutes) == ("reported", 0)
    organizer = login(world.youth_staff)
    assert [x["id"] for x in organizer.get(f"{BASE}/records").json()] == [record.pk]
    r = post(organizer, f"{BASE}/records/{record.pk}/confirm", {"minutes": 160, "note": "提前离开"})
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["minutes"]) == ("confirmed", 160)
    me = login(world.resident).get(f"{BASE}/me").json()
    assert (me["confirmed_minutes"], me["pending_minutes"]) == (160, 0)


def test_resident_sees_only_own(world):
    other = make_volunteer(world, "李四")
    services.shift_signup(user=world.resident, shift=world.shift)
    services.shift_signup(user=other.user, shift=world.shift)
    world.clock.move_to(at(5, 13))
    mine = services.hours_report(user=world.resident, shift=world.shift, minutes=100)
    theirs = services.hours_report(user=other.user, shift=world.shift, minutes=120)
    c = login(world.resident)
    assert [r["id"] for r in c.get(f"{BASE}/me/records").json()] == [mine.pk]
    assert [v["id"] for v in c.get(f"{BASE}/volunteers").json()] == [world.volunteer.pk]
    assert c.get(f"{BASE}/volunteers/{other.pk}").status_code == 404
    assert post(c, f"{BASE}/records/{theirs.pk}/confirm").status_code == 404
    assert c.get(f"{BASE}/records").json() == []
    assert c.get(f"{BASE}/courses").json() == []
    # staff of the district see both, masked
    names = {v["real_name"]: v["id_number_masked"] for v in login(world.union_staff).get(f"{BASE}/volunteers").json()}
    assert names["张三"] == "110***********1239"
    assert set(names) == {"张三", "李四"}


def test_bulk_hours_and_people_served(world):
    services.shift_signup(user=world.resident, shift=world.shift)
    world.clock.move_to(at(5, 13))
    organizer = login(world.youth_staff)
    r = post(organizer, f"{BASE}/shifts/{world.shift.pk}/hours",
             {"entries": [{"volunteer_id": world.volunteer.pk, "minutes": 200}]})
    assert (r.status_code, r.json()["message"]) == (400, "服务时长不能超过班次时长(180 分钟)。")
    r = post(organizer, f"{BASE}/shifts/{world.shift.pk}/hours",
             {"entries": [{"volunteer_id": world.volunteer.pk, "minutes": 180}]})
    assert r.json() == {"count": 1}
    r = organizer.put(f"{BASE}/activities/{world.activity.pk}/served",
                      data=json.dumps({"people_served": 64}), content_type="application/json")
    assert r.json()["people_served"] == 64
    r = login(world.union_staff).put(f"{BASE}/activities/{world.activity.pk}/served",
                                     data=json.dumps({"people_served": 1}), content_type="application/json")
    assert r.status_code == 403


def test_certificate_issue_and_public_verify(world):
    services.shift_signup(user=world.resident, shift=world.shift)
    world.clock.move_to(at(5, 13))
    services.hours_record_for_shift(actor=world.youth_staff, shift=world.shift,
                                    entries={world.volunteer.pk: 180})
    r = post(login(world.youth_staff), f"{BASE}/volunteers/{world.volunteer.pk}/certificates",
             {"organization_id": world.youth.pk, "responsible_person": "李书记", "handler": "小李",
              "contact": "010-1"})
    assert r.status_code == 201, r.content
    number = r.json()["number"]
    assert r.json()["id_number_masked"] == "110***********1239"
    r = Client().get(f"{BASE}/verify", {"no": number})
    assert r.json() == {"number": number, "name_masked": "张*", "minutes": 180, "hours_text": "3 小时",
                        "organization": "共青团区委", "issued_on": "2026-12-05"}
    r = Client().get(f"{BASE}/verify", {"no": "NOPE"})
    assert (r.status_code, r.json()["message"]) == (404, "未查到该编号的志愿服务证明,请核对编号。")
    r = post(login(world.union_staff), f"{BASE}/volunteers/{world.volunteer.pk}/certificates",
             {"organization_id": world.youth.pk, "responsible_person": "x", "handler": "x", "contact": "x"})
    assert r.status_code == 403


def test_training_over_api(world):
    c = login(world.union_staff)
    r = post(c, f"{BASE}/courses", {"organization_id": world.union.pk, "title": "育婴师培训"})
    assert r.status_code == 201
    course_id = r.json()["id"]
    r = post(c, f"{BASE}/courses/{course_id}/sessions",
             {"start": "2026-12-01T08:00:00+08:00", "end": "2026-12-01T09:30:00+08:00"})
    session_id = r.json()["id"]
    trainee = make_resident(world.district, mobile="13900001111", name="王芳")
    r = post(c, f"{BASE}/courses/{course_id}/enrollments", {"mobile": "13900001111"})
    enrollment_id = r.json()["id"]
    r = c.put(f"{BASE}/courses/{course_id}/sessions/{session_id}/attendance",
              data=json.dumps({"enrollment_ids": [enrollment_id]}), content_type="application/json")
    assert r.json() == {"count": 1}
    assert post(c, f"{BASE}/courses/{course_id}/complete").json() == {"count": 1}
    r = c.put(f"{BASE}/enrollments/{enrollment_id}/outcome",
              data=json.dumps({"kind": "reemployed", "on": "2026-12-01"}), content_type="application/json")
    assert r.json()["outcome_label"] == "实现再就业"
    r = c.get(f"{BASE}/training/figures", {"start": "2026-12-01", "end": "2026-12-31"})
    assert r.json() == [{"organization": {"id": world.union.pk, "name": "区总工会"}, "person_times": 1, "trainees": 1,
                         "completed": 1, "reemployed": 1, "changed_job": 0, "businesses_started": 0}]
    mine = login(trainee).get(f"{BASE}/me/trainings").json()
    assert [(e["course_title"], e["completed"]) for e in mine] == [("育婴师培训", True)]
    assert post(login(world.youth_staff), f"{BASE}/courses/{course_id}/complete").status_code == 403
    assert Volunteer.objects.count() == 1
