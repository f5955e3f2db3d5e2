from datetime import timedelta

import pytest

from quntuan.activities.models import ActivityKind
from quntuan.core.exceptions import ApplicationError, Conflict, PermissionDenied
from quntuan.core.testing import make_org, make_resident, make_staff
from quntuan.notifications.models import Notification
from quntuan.volunteers import queries, services
from quntuan.volunteers.models import ServiceRecord, ShiftSignup, Volunteer, VolunteerEvent
from quntuan.volunteers.tests.conftest import (
    at,
    id_number,
    make_volunteer,
    make_volunteer_activity,
    next_id_number,
)


def test_register_gives_number_and_masks_id(world):
    v = world.volunteer
    assert v.number == f"ZYZ{world.district.code[-6:]}{v.pk:07d}"
    assert v.masked_id == "110***********1239"
    assert v.district_id == world.district.pk
    assert list(v.events.values_list("kind", flat=True)) == ["registered"]


def test_register_twice_or_same_id_refused(world):
    with pytest.raises(Conflict, match="您已经注册为志愿者"):
        services.volunteer_register(user=world.resident, real_name="张三", id_type="resident_id",
                                    id_number=next_id_number())
    other = make_resident(world.district)
    with pytest.raises(Conflict, match="该证件已注册过志愿者"):
        services.volunteer_register(user=other, real_name="李四", id_type="resident_id",
                                    id_number="110105199003071239")
    with pytest.raises(ApplicationError, match="居民身份证号码不正确"):
        services.volunteer_register(user=other, real_name="李四", id_type="resident_id",
                                    id_number="110105199003071230")
    assert Volunteer.objects.count() == 1


def test_shift_only_on_volunteer_activity_by_organizer(world):
    lecture = make_volunteer_activity(world, kind=ActivityKind.LECTURE, title="讲座")
    with pytest.raises(ApplicationError, match="只有“志愿服务”类活动"):
        services.shift_create(actor=world.youth_staff, activity=lecture, title="岗", start=at(5, 9), end=at(5, 10),
                              slots=1)
    with pytest.raises(PermissionDenied, match="只有活动主办单位的工作人员"):
        services.shift_create(actor=world.union_staff, activity=world.activity, title="岗", start=at(5, 9),
                              end=at(5, 10), slots=1)
    with pytest.raises(ApplicationError, match="班次时间须在活动时间之内"):
        services.shift_create(actor=world.youth_staff, activity=world.activity, title="岗", start=at(5, 8),
                              end=at(5, 10), slots=1)
    with pytest.raises(ApplicationError, match="名额必须大于 0"):
        services.shift_create(actor=world.youth_staff, activity=world.activity, title="岗", start=at(5, 9),
                              end=at(5, 10), slots=0)
    with pytest.raises(ApplicationError, match="结束时间必须晚于开始时间"):
        services.shift_create(actor=world.youth_staff, activity=world.activity, title="岗", start=at(5, 10),
                              end=at(5, 9), slots=1)


def test_signup_capacity_and_twice(world):
    services.shift_signup(user=world.resident, shift=world.shift)
    with pytest.raises(Conflict, match="您已报名此班次"):
        services.shift_signup(user=world.resident, shift=world.shift)
    b = make_volunteer(world, "李四")
    services.shift_signup(user=b.user, shift=world.shift)
    c = make_volunteer(world, "王五")
    with pytest.raises(Conflict, match="此班次名额已满"):
        services.shift_signup(user=c.user, shift=world.shift)
    assert ShiftSignup.objects.filter(shift=world.shift, status="signed_up").count() == 2
    services.shift_signup_cancel(actor=b.user, signup=b.signups.get())
    services.shift_signup(user=c.user, shift=world.shift)
    assert sorted(ShiftSignup.objects.filter(shift=world.shift, status="signed_up")
                  .values_list("volunteer__real_name", flat=True)) == ["张三", "王五"]


def test_signup_needs_volunteer(world):
    with pytest.raises(ApplicationError, match="请先注册为志愿者"):
        services.shift_signup(user=make_resident(world.district), shift=world.shift)


@pytest.fixture
def signed(world):
    services.shift_signup(user=world.resident, shift=world.shift)
    return world


@pytest.mark.parametrize(("when", "minutes", "message"), [
    (at(4, 9), 60, "班次尚未开始,不能填报未来的服务时长。"),
    (at(5, 11), 60, "班次结束后才能填报服务时长。"),
    (at(5, 13), 181, "服务时长不能超过班次时长(180 分钟)。"),
    (at(5, 13), 0, "服务时长必须大于 0 分钟。"),
])
def test_bad_reports_refused_without_change(signed, when, minutes, message):
    signed.clock.move_to(when)
    with pytest.raises(ApplicationError) as info:
        services.hours_report(user=signed.resident, shift=signed.shift, minutes=minutes)
    assert info.value.message == message
    assert info.value.status_code == 400
    assert ServiceRecord.objects.count() == 0


def test_report_twice_refused(signed):
    signed.clock.move_to(at(5, 13))
    record = services.hours_report(user=signed.resident, shift=signed.shift, minutes=170)
    assert (record.status, record.reported_minutes, record.minutes) == ("reported", 170, 0)
    with pytest.raises(Conflict) as info:
        services.hours_report(user=signed.resident, shift=signed.shift, minutes=100)
    assert info.value.status_code == 409
    assert info.value.message == "此班次的服务时长已填报或已由组织方记录,不能重复填报。"
    assert list(ServiceRecord.objects.values_list("reported_minutes", flat=True)) == [170]


def test_report_without_signup_refused(world):
    world.clock.move_to(at(5, 13))
    with pytest.raises(PermissionDenied, match="您没有报名此班次"):
        services.hours_report(user=world.resident, shift=world.shift, minutes=60)


def test_only_organizer_confirms(signed):
    signed.clock.move_to(at(5, 13))
    record = services.hours_report(user=signed.resident, shift=signed.shift, minutes=170)
    other_org_staff = make_staff(make_org(signed.district, "women"))
    for who in (signed.resident, signed.union_staff, other_org_staff):
        with pytest.raises(PermissionDenied, match="只有活动的组织方工作人员可以确认服务时长"):
            services.hours_confirm(actor=who, record=record)
    record.refresh_from_db()
    assert (record.status, record.minutes, record.confirmed_by) == ("reported", 0, None)
    services.hours_confirm(actor=signed.youth_staff, record=record)
    record.refresh_from_db()
    assert (record.status, record.minutes, record.confirmed_by) == ("confirmed", 170, signed.youth_staff)
    assert queries.totals(signed.volunteer).minutes == 170
    assert Notification.objects.filter(user=signed.resident, title="志愿服务时长已确认").count() == 1


def test_correction_needs_note_and_respects_length(signed):
    signed.clock.move_to(at(5, 13))
    record = services.hours_report(user=signed.resident, shift=signed.shift, minutes=170)
    with pytest.raises(ApplicationError, match="更正时长时请填写说明"):
        services.hours_confirm(actor=signed.youth_staff, record=record, minutes=120)
    with pytest.raises(ApplicationError, match=r"服务时长不能超过班次时长\(180 分钟\)"):
        services.hours_confirm(actor=signed.youth_staff, record=record, minutes=200, note="多")
    services.hours_confirm(actor=signed.youth_staff, record=record, minutes=120, note="10:00 才到岗")
    record.refresh_from_db()
    assert (record.status, record.reported_minutes, record.minutes, record.note) == (
        "confirmed", 170, 120, "10:00 才到岗")
    assert list(signed.volunteer.events.values_list("kind", flat=True)) == [
        "registered", "signed_up", "hours_reported", "hours_corrected"]


def test_reject(signed):
    signed.clock.move_to(at(5, 13))
    record = services.hours_report(user=signed.resident, shift=signed.shift, minutes=170)
    services.hours_reject(actor=signed.youth_staff, record=record, note="未到岗")
    record.refresh_from_db()
    assert (record.status, record.minutes) == ("rejected", 0)
    assert queries.totals(signed.volunteer).minutes == 0


def test_bulk_record_and_bulk_confirm(signed):
    b = make_volunteer(signed, "李四")
    services.shift_signup(user=b.user, shift=signed.shift)
    with pytest.raises(ApplicationError, match="班次结束后才能记录服务时长"):
        services.hours_record_for_shift(actor=signed.youth_staff, shift=signed.shift, entries={b.pk: 60})
    signed.clock.move_to(at(5, 13))
    services.hours_report(user=signed.resident, shift=signed.shift, minutes=150)
    outsider = make_volunteer(signed, "王五")
    with pytest.raises(ApplicationError, match="只能为报名此班次的志愿者记录时长"):
        services.hours_record_for_shift(actor=signed.youth_staff, shift=signed.shift,
                                        entries={b.pk: 60, outsider.pk: 60})
    assert ServiceRecord.objects.count() == 1  # all or nothing
    with pytest.raises(PermissionDenied):
        services.hours_record_for_shift(actor=signed.union_staff, shift=signed.shift, entries={b.pk: 60})
    changed = services.hours_record_for_shift(actor=signed.youth_staff, shift=signed.shift,
                                              entries={b.pk: 180, signed.volunteer.pk: 150})
    assert changed == 2
    assert dict(ServiceRecord.objects.values_list("volunteer__real_name", "minutes")) == {"张三": 150, "李四": 180}
    assert set(ServiceRecord.objects.values_list("status", flat=True)) == {"confirmed"}
    assert VolunteerEvent.objects.filter(kind="hours_recorded").count() == 2


def test_bulk_confirm_reported(signed):
    b = make_volunteer(signed, "李四")
    services.shift_signup(user=b.user, shift=signed.shift)
    signed.clock.move_to(at(5, 13))
    r1 = services.hours_report(user=signed.resident, shift=signed.shift, minutes=100)
    r2 = services.hours_report(user=b.user, shift=signed.shift, minutes=180)
    assert services.hours_confirm_many(actor=signed.youth_staff, records=[r1, r2]) == 2
    assert dict(ServiceRecord.objects.values_list("volunteer__real_name", "minutes")) == {"张三": 100, "李四": 180}


def test_star_level_from_confirmed_hours(signed):
    # 34 shifts of 3 hours = 102 h → 一星
    shifts = [signed.shift] + [
        services.shift_create(actor=signed.youth_staff, activity=signed.activity, title=f"岗{i}",
                              start=at(5, 9), end=at(5, 12), slots=1) for i in range(33)]
    for shift in shifts[1:]:
        services.shift_signup(user=signed.resident, shift=shift)
    signed.clock.move_to(at(5, 13))
    for shift in shifts:
        services.hours_record_for_shift(actor=signed.youth_staff, shift=shift, entries={signed.volunteer.pk: 180})
    totals = queries.totals(signed.volunteer)
    assert (totals.minutes, totals.level, totals.star_name, totals.next_level, totals.minutes_to_next) == (
        6120, 1, "一星志愿者", 2, 300 * 60 - 6120)


def test_people_served(world):
    row = services.people_served_record(actor=world.youth_staff, activity=world.activity, people_served=86)
    assert row.people_served == 86
    services.people_served_record(actor=world.youth_staff, activity=world.activity, people_served=90)
    assert queries.people_served([world.activity.pk]) == {world.activity.pk: 90}
    with pytest.raises(PermissionDenied):
        services.people_served_record(actor=world.union_staff, activity=world.activity, people_served=1)
    with pytest.raises(ApplicationError, match="服务人数须在"):
        services.people_served_record(actor=world.youth_staff, activity=world.activity, people_served=-1)
    assert queries.people_served([world.activity.pk]) == {world.activity.pk: 90}


def test_teams(world):
    team = services.team_create(actor=world.youth_staff, organization=world.youth, name="青年突击队")
    with pytest.raises(Conflict):
        services.team_create(actor=world.youth_staff, organization=world.youth, name="青年突击队")
    with pytest.raises(PermissionDenied):
        services.team_create(actor=world.youth_staff, organization=world.union, name="工会队")
    services.team_add_member(actor=world.youth_staff, team=team, volunteer=world.volunteer)
    assert list(team.members.all()) == [world.volunteer]
    shift = services.shift_create(actor=world.youth_staff, activity=world.activity, title="队内岗", start=at(5, 13),
                                  end=at(5, 15), slots=3, team=team)
    outsider = make_volunteer(world, "李四")
    with pytest.raises(PermissionDenied, match="此班次仅限“青年突击队”队员报名"):
        services.shift_signup(user=outsider.user, shift=shift)
    services.shift_signup(user=world.resident, shift=shift)


def test_suspended_volunteer_cannot_sign_up(world):
    services.volunteer_set_status(actor=world.youth_staff, volunteer=world.volunteer, status="suspended")
    with pytest.raises(PermissionDenied, match="暂停或注销"):
        services.shift_signup(user=world.resident, shift=world.shift)


def test_signup_after_start_refused(world):
    world.clock.move_to(world.shift.start + timedelta(minutes=1))
    with pytest.raises(ApplicationError, match="班次已开始"):
        services.shift_signup(user=world.resident, shift=world.shift)
    assert id_number("11010519900307123")[-1] == "9"
