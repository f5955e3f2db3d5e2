"""Registration: capacity, waitlist promotion in order, approval, window, QR check-in, walk-ins,
reminders, attendance and no-show rates."""

import pytest
import time_machine

from quntuan.activities import queries, services
from quntuan.activities.models import ActivityEvent, CheckIn, Registration
from quntuan.activities.tests.conftest import at, make_activity
from quntuan.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from quntuan.core.testing import make_resident
from quntuan.notifications.models import Notification


def residents(world, n):
    return [make_resident(world.district, name=f"居民{i}") for i in range(n)]


def test_capacity_then_waitlist_and_promotion_in_order(world):
    activity = make_activity(world, capacity=2)
    people = residents(world, 4)
    regs = [services.registration_create(resident=p, activity=activity) for p in people]
    assert [r.status for r in regs] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [r.seq for r in regs] == [1, 2, 3, 4]
    assert [queries.waitlist_position(r) for r in regs] == [None, None, 1, 2]
    services.registration_cancel(actor=people[0], registration=regs[0])
    statuses = dict(Registration.objects.values_list("resident_id", "status"))
    assert [statuses[p.pk] for p in people] == ["cancelled", "confirmed", "confirmed", "waitlisted"]
    assert Notification.objects.filter(user=people[2], title="候补成功").count() == 1
    assert queries.waitlist_position(Registration.objects.get(resident=people[3])) == 1


def test_raising_capacity_promotes_the_waitlist(world):
    from quntuan.activities.tests.conftest import activity_input

    activity = make_activity(world, capacity=1)
    people = residents(world, 3)
    for p in people:
        services.registration_create(resident=p, activity=activity)
    services.activity_update(actor=world.union_staff, activity=activity,
                             data=activity_input(venue=world.venue, capacity=2))
    assert list(activity.registrations.order_by("seq").values_list("status", flat=True)) == [
        "confirmed", "confirmed", "waitlisted"]
    with pytest.raises(Conflict) as err:
        services.activity_update(actor=world.union_staff, activity=activity,
                                 data=activity_input(venue=world.venue, capacity=1))
    assert err.value.message == "名额不能少于已确认报名的人数(2 人)。"


def test_no_double_registration(world):
    activity = make_activity(world)
    services.registration_create(resident=world.resident, activity=activity)
    with pytest.raises(Conflict) as err:
        services.registration_create(resident=world.resident, activity=activity)
    assert err.value.message == "您已报名该活动(状态:已报名),不能重复报名。"
    assert err.value.status_code == 409
    assert Registration.objects.count() == 1


def test_register_again_after_cancelling_goes_to_the_back(world):
    activity = make_activity(world, capacity=1)
    other = make_resident(world.district)
    first = services.registration_create(resident=world.resident, activity=activity)
    services.registration_cancel(actor=world.resident, registration=first)
    services.registration_create(resident=other, activity=activity)
    again = services.registration_create(resident=world.resident, activity=activity)
    assert (again.pk, again.status, again.seq) == (first.pk, "waitlisted", 3)


@pytest.mark.parametrize(("overrides", "when", "message"), [
    ({"registration_opens": at(3, 9)}, at(2, 9), "报名尚未开始,将于 12-03 09:00 开始。"),
    ({"registration_closes": at(5, 18)}, at(5, 18), "报名已截止。"),
    ({}, at(7, 14), "报名已截止。"),
])
def test_registration_window(world, overrides, when, message):
    activity = make_activity(world, **overrides)
    with pytest.raises(ApplicationError) as err:
        services.registration_create(resident=world.resident, activity=activity, now=when)
    assert (err.value.message, err.value.status_code) == (message, 400)
    assert Registration.objects.count() == 0


def test_draft_and_cancelled_activities_refuse_registration(world):
    draft = make_activity(world, publish=False)
    with pytest.raises(ApplicationError) as err:
        services.registration_create(resident=world.resident, activity=draft)
    assert err.value.message == "该活动未发布或已取消,不能报名。"


def test_approval_flow(world):
    activity = make_activity(world, capacity=1, needs_approval=True)
    a, b, c = residents(world, 3)
    ra, rb, rc = (services.registration_create(resident=p, activity=activity) for p in (a, b, c))
    assert {ra.status, rb.status, rc.status} == {"pending"}
    with pytest.raises(PermissionDenied):
        services.registration_approve(actor=world.youth_staff, registration=ra)
    assert services.registration_approve(actor=world.union_staff, registration=ra).status == "confirmed"
    assert services.registration_approve(actor=world.union_staff, registration=rb).status == "waitlisted"
    assert services.registration_reject(actor=world.union_staff, registration=rc, note="不符合条件").status == "rejected"
    assert Notification.objects.get(user=c).body == "您报名的《职工法律讲座》未通过审核:不符合条件"
    with pytest.raises(Conflict) as err:
        services.registration_create(resident=c, activity=activity)
    assert err.value.message == "您的报名未通过审核,不能再次报名。"


def test_cancel_permissions(world):
    activity = make_activity(world)
    reg = services.registration_create(resident=world.resident, activity=activity)
    stranger = make_resident(world.district)
    with pytest.raises(NotFound):
        services.registration_cancel(actor=stranger, registration=reg)
    with pytest.raises(NotFound):
        services.registration_cancel(actor=world.youth_staff, registration=reg)
    reg.refresh_from_db()
    assert reg.status == "confirmed"
    services.registration_cancel(actor=world.union_staff, registration=reg)
    reg.refresh_from_db()
    assert reg.status == "cancelled"


def test_activity_cancel_tells_registrants(world):
    activity = make_activity(world)
    services.registration_create(resident=world.resident, activity=activity)
    services.activity_cancel(actor=world.union_staff, activity=activity, reason="天气原因")
    assert Notification.objects.get(user=world.resident).body == "您报名的《职工法律讲座》(12-07 14:00)已取消:天气原因"


# --- check-in ---------------------------------------------------------------------------------


def test_checkin_by_token_and_short_code(world):
    activity = make_activity(world)
    a, b = residents(world, 2)
    ra = services.registration_create(resident=a, activity=activity)
    rb = services.registration_create(resident=b, activity=activity)
    with time_machine.travel(at(7, 13, 30), tick=False):
        services.checkin_by_code(actor=world.union_staff, activity=activity, code=services.registration_token(ra))
        services.checkin_by_code(actor=world.union_staff, activity=activity,
                                 code=services.registration_short_code(rb))
        with pytest.raises(Conflict) as err:
            services.checkin_by_code(actor=world.union_staff, activity=activity,
                                     code=services.registration_short_code(rb))
        assert err.value.message == f"{b}已于 12-07 13:30 签到。"
    assert CheckIn.objects.filter(activity=activity).count() == 2


@pytest.mark.parametrize("forge", [
    lambda reg: f"{reg.pk}-AAAAAAAA",
    lambda reg: services.registration_token(reg)[:-2] + "xx",
    lambda reg: f"R{reg.pk}:abc",
    lambda reg: "",
    lambda reg: "hello",
    lambda reg: services.registration_short_code(reg).replace(f"{reg.pk}-", f"{reg.pk + 1}-"),
])
def test_forged_codes_are_refused(world, forge):
    activity = make_activity(world)
    reg = services.registration_create(resident=world.resident, activity=activity)
    with time_machine.travel(at(7, 14), tick=False), pytest.raises(ApplicationError) as err:
        services.checkin_by_code(actor=world.union_staff, activity=activity, code=forge(reg))
    assert (err.value.message, err.value.status_code) == ("签到码无效,请核对后重新输入。", 400)
    assert CheckIn.objects.count() == 0


def test_checkin_rules(world):
    activity = make_activity(world, capacity=1)
    other = make_activity(world, venue=None, address="区文化宫", title="别的活动")
    reg = services.registration_create(resident=world.resident, activity=activity)
    waiting = services.registration_create(resident=make_resident(world.district), activity=activity)
    with pytest.raises(ApplicationError) as err:  # 12-01 is too early
        services.checkin_by_code(actor=world.union_staff, activity=activity, code=services.registration_token(reg))
    assert err.value.message == "签到将于活动开始前 2 小时开放。"
    with time_machine.travel(at(7, 14), tick=False):
        with pytest.raises(ApplicationError) as err:
            services.checkin_by_code(actor=world.union_staff, activity=other, code=services.registration_token(reg))
        assert err.value.message == "该签到码不属于本活动。"
        with pytest.raises(Conflict) as err:
            services.checkin_by_code(actor=world.union_staff, activity=activity,
                                     code=services.registration_token(waiting))
        assert err.value.message == "该报名状态为「候补中」,不能签到。"
        with pytest.raises(PermissionDenied):
            services.checkin_by_code(actor=world.youth_staff, activity=activity,
                                     code=services.registration_token(reg))
    assert CheckIn.objects.count() == 0


def test_walk_ins_and_attendance(world):
    activity = make_activity(world, capacity=3)
    people = residents(world, 3)
    regs = [services.registration_create(resident=p, activity=activity) for p in people]
    with time_machine.travel(at(7, 14), tick=False):
        services.checkin_by_code(actor=world.union_staff, activity=activity, code=services.registration_token(regs[0]))
        services.checkin_walk_in(actor=world.union_staff, activity=activity, name="李四", mobile="13812345678")
        services.checkin_walk_in(actor=world.union_staff, activity=activity, name="王五")
        with pytest.raises(ApplicationError) as err:
            services.checkin_walk_in(actor=world.union_staff, activity=activity, name="赵六", mobile="12345")
        assert err.value.message == "手机号格式不正确。"
    att = queries.activity_attendance(activity)
    assert (att.confirmed, att.attended, att.walk_ins, att.no_shows, att.person_times, att.no_show_rate) == (
        3, 1, 2, 2, 3, 0.6667)
    with time_machine.travel(at(8, 9), tick=False):
        from django.utils import timezone

        rows = queries.organization_attendance(activity.__class__.objects.all(), now=timezone.now())
        per_activity = queries.activity_attendance_rows(activity.__class__.objects.all(), now=timezone.now())
    assert rows == [{"organization_id": world.union.pk, "organization": "区总工会", "activities": 1, "confirmed": 3,
                     "attended": 1, "walk_ins": 2, "person_times": 3, "no_shows": 2, "no_show_rate": 0.6667}]
    assert [(r["activity"].pk, r["confirmed"], r["no_shows"], r["person_times"]) for r in per_activity] == [
        (activity.pk, 3, 2, 3)]
    assert list(activity.events.values_list("kind", flat=True)).count(ActivityEvent.Kind.WALK_IN) == 2


def test_reminders_once_per_registration(world):
    activity = make_activity(world)
    reg = services.registration_create(resident=world.resident, activity=activity)
    assert services.send_reminders(now=at(5, 10)) == 0
    assert services.send_reminders(now=at(6, 10)) == 1
    assert services.send_reminders(now=at(6, 11)) == 1
    notes = Notification.objects.filter(user=world.resident, title="活动提醒")
    assert [n.body for n in notes] == ["您报名的《职工法律讲座》将于明天 14:00 在职工之家(幸福路1号)举行。"]
    assert reg.status == "confirmed"


def test_feed_token_round_trip(world):
    token = services.feed_token(world.resident)
    assert services.user_id_from_feed_token(token) == world.resident.pk
    with pytest.raises(NotFound):
        services.user_id_from_feed_token(token[:-1] + ("A" if token[-1] != "A" else "B"))


def test_reminder_task_runs_twice_without_sending_twice(world, settings):
    from quntuan.activities.tasks import activity_reminders
    from quntuan.notifications.models import OutboundMessage

    assert settings.CELERY_BEAT_SCHEDULE["activity-reminders"]["task"] == "quntuan.activities.tasks.activity_reminders"
    activity = make_activity(world)
    services.registration_create(resident=world.resident, activity=activity)
    with time_machine.travel(at(6, 9), tick=False):
        assert activity_reminders.delay().get() == 1
        assert activity_reminders.delay().get() == 1
    assert Notification.objects.filter(user=world.resident, title="活动提醒").count() == 1
    assert OutboundMessage.objects.filter(recipient=world.resident.mobile, subject="活动提醒").count() == 1


def test_checked_in_registration_cannot_be_cancelled(world):
    activity = make_activity(world)
    reg = services.registration_create(resident=world.resident, activity=activity)
    with time_machine.travel(at(7, 14), tick=False):
        services.checkin_by_code(actor=world.union_staff, activity=activity, code=services.registration_token(reg))
        with pytest.raises(Conflict) as err:
            services.registration_cancel(actor=world.resident, registration=reg)
    assert err.value.message == "已签到的报名不能取消。"
    reg.refresh_from_db()
    assert reg.status == "confirmed"


def test_moving_a_published_activity_tells_registrants(world):
    from quntuan.activities.tests.conftest import activity_input

    activity = make_activity(world)
    services.registration_create(resident=world.resident, activity=activity)
    services.activity_update(actor=world.union_staff, activity=activity,
                             data=activity_input(venue=world.venue, start=at(8, 9), end=at(8, 11)))
    services.activity_update(actor=world.union_staff, activity=activity,
                             data=activity_input(venue=world.venue, start=at(8, 9), end=at(8, 11), title="新标题"))
    assert list(Notification.objects.filter(user=world.resident).values_list("body", flat=True)) == [
        "您报名的《职工法律讲座》改为 12-08 09:00–11:00在职工之家(幸福路1号)举行。"]
