"""Activities and venue bookings: hard conflicts with free-slot suggestions, soft warnings, bad input."""

import pytest

from quntuan.activities import services
from quntuan.activities.models import Activity, ActivityStatus, Booking
from quntuan.activities.tests.conftest import activity_input, at, make_activity
from quntuan.core.exceptions import ApplicationError, Conflict, PermissionDenied
from quntuan.core.testing import make_org, make_staff


def test_create_books_the_venue_with_buffer(world):
    activity = make_activity(world, publish=False)
    booking = Booking.objects.get(activity=activity)
    assert (booking.status, booking.block_start, booking.block_end) == ("active", at(7, 14), at(7, 16, 30))
    assert activity.status == ActivityStatus.DRAFT
    assert (activity.street, activity.community) == (world.street, world.community)
    assert list(activity.host_staff.all()) == [world.union_staff]
    assert list(activity.events.values_list("kind", flat=True)) == ["created"]


def test_second_booking_refused_naming_the_clash_and_free_slots(world):
    make_activity(world, title="职工法律讲座")
    with pytest.raises(Conflict) as err:
        make_activity(world, actor=world.youth_staff, host=world.youth, title="青年交友会",
                      start=at(7, 16, 15), end=at(7, 17, 15))
    assert err.value.message == (
        "职工之家在该时段已被预约:《职工法律讲座》(主办:区总工会,12-07 14:00–16:00,含 30 分钟场地间隔)。"
        "当天可用时段:09:00–13:30、16:30–21:00。"
    )
    assert err.value.extra["free_slots"] == [
        {"start": at(7, 9).isoformat(), "end": at(7, 13, 30).isoformat()},
        {"start": at(7, 16, 30).isoformat(), "end": at(7, 21).isoformat()},
    ]
    assert Activity.objects.filter(title="青年交友会").count() == 0
    assert Booking.objects.count() == 1


def test_booking_right_after_the_buffer_is_accepted(world):
    make_activity(world)
    second = make_activity(world, actor=world.youth_staff, host=world.youth, title="青年交友会",
                           start=at(7, 16, 30), end=at(7, 18))
    assert second.bookings.get().block_end == at(7, 18, 30)


def test_cancel_releases_the_venue(world):
    first = make_activity(world)
    services.activity_cancel(actor=world.union_staff, activity=first, reason="讲师临时有事")
    assert first.bookings.get().status == "released"
    second = make_activity(world, actor=world.youth_staff, host=world.youth, title="青年交友会")
    assert second.bookings.get().status == "active"


def test_moving_an_activity_rebooks(world):
    activity = make_activity(world)
    services.activity_update(actor=world.union_staff, activity=activity,
                             data=activity_input(venue=world.venue, start=at(8, 9), end=at(8, 11)))
    assert list(activity.bookings.order_by("id").values_list("status", "block_start")) == [
        ("released", at(7, 14)), ("active", at(8, 9))]


@pytest.mark.parametrize(("overrides", "message"), [
    ({"start": at(7, 16), "end": at(7, 14)}, "结束时间必须晚于开始时间。"),
    ({"start": at(7, 16), "end": at(7, 16)}, "结束时间必须晚于开始时间。"),
    ({"capacity": 0}, "名额必须大于 0。"),
    ({"capacity": -3}, "名额必须大于 0。"),
    ({"capacity": 61}, "名额(61)超过职工之家的容纳人数(60)。"),
    ({"start": at(7, 20), "end": at(7, 22)}, "活动时间不在职工之家的开放时间内(当天开放时间:09:00–21:00)。"),
    ({"title": " "}, "请填写标题。"),
    ({"age_min": 30, "age_max": 20}, "最小年龄不能大于最大年龄。"),
    ({"audience_groups": ["aliens"]}, "未知的面向人群:aliens。"),
    ({"registration_closes": at(7, 15)}, "报名截止时间不能晚于活动开始时间。"),
    ({"venue": None}, "请选择阵地,或填写活动地址。"),
])
def test_bad_input_is_refused_without_change(world, overrides, message):
    with pytest.raises(ApplicationError) as err:
        make_activity(world, publish=False, **overrides)
    assert err.value.message == message
    assert err.value.status_code == 400
    assert (Activity.objects.count(), Booking.objects.count()) == (0, 0)


def test_org_not_allowed_to_book_is_refused(world):
    women = make_org(world.district, "women")
    staff = make_staff(women)
    with pytest.raises(PermissionDenied) as err:
        make_activity(world, actor=staff, host=women)
    assert err.value.message == "区妇联不在职工之家的可预约单位之列。"


def test_only_members_create_for_an_organization(world):
    with pytest.raises(PermissionDenied):
        make_activity(world, actor=world.youth_staff, host=world.union)
    with pytest.raises(PermissionDenied):
        make_activity(world, actor=world.resident, host=world.union)
    assert Activity.objects.count() == 0


def test_only_host_staff_edit(world):
    activity = make_activity(world, publish=False)
    for actor in (world.youth_staff, world.resident):
        with pytest.raises(PermissionDenied):
            services.activity_update(actor=actor, activity=activity, data=activity_input(venue=world.venue,
                                                                                        title="改掉"))
        with pytest.raises(PermissionDenied):
            services.activity_publish(actor=actor, activity=activity)
        with pytest.raises(PermissionDenied):
            services.activity_cancel(actor=actor, activity=activity, reason="x")
    activity.refresh_from_db()
    assert (activity.title, activity.status) == ("职工法律讲座", "draft")


def test_co_host_staff_may_edit(world):
    activity = services.activity_create(actor=world.union_staff, primary_host=world.union,
                                         data=activity_input(venue=world.venue), co_hosts=[world.youth])
    services.activity_update(actor=world.youth_staff, activity=activity,
                             data=activity_input(venue=world.venue, title="工会团委联合讲座"))
    activity.refresh_from_db()
    assert activity.title == "工会团委联合讲座"
    assert sorted(activity.hosts.values_list("code", flat=True)) == ["union", "youth"]


def test_soft_warnings_name_the_other_activity_and_organizer(world):
    make_activity(world, title="青年职工联谊", audience_groups=["youth"], age_min=18, age_max=35)
    other = make_activity(world, actor=world.youth_staff, host=world.youth, venue=None, address="幸福公园",
                          community=world.community, title="青春健步走", audience_groups=["youth"],
                          start=at(7, 15), end=at(7, 17))
    assert [w["message"] for w in services.activity_warnings(other)] == [
        "同一街道同一时段有面向相近人群的活动《青年职工联谊》(主办:区总工会,12-07 14:00–16:00),建议与对方协调。"
    ]
    elderly = make_activity(world, actor=world.youth_staff, host=world.youth, venue=None, address="幸福公园",
                            community=world.community, title="老年太极", audience_groups=["elderly"],
                            start=at(7, 15), end=at(7, 17))
    assert [w["kind"] for w in services.activity_warnings(elderly)] == ["staff"]  # same youth staff, no audience clash


def test_staff_double_booked_warning(world):
    make_activity(world, title="讲座一")
    second = make_activity(world, venue=None, address="区工人文化宫", title="讲座二", start=at(7, 15), end=at(7, 17))
    assert [w["kind"] for w in services.activity_warnings(second)] == ["staff"]
    assert services.activity_warnings(second)[0]["message"] == (
        "工作人员工会小王同一时段还负责《讲座一》(主办:区总工会,12-07 14:00–16:00)。")


def test_venue_bad_input(world):
    with pytest.raises(ApplicationError) as err:
        services.venue_create(actor=world.union_staff, owner=world.union, community=world.community, name="妇女之家",
                              address="幸福路2号", capacity=0)
    assert err.value.message == "容纳人数必须大于 0。"
    with pytest.raises(ApplicationError) as err:
        services.venue_create(actor=world.union_staff, owner=world.union, community=world.community, name="妇女之家",
                              address="幸福路2号", capacity=20, opening_hours=[[["21:00", "09:00"]]] * 7)
    assert err.value.message == "开放时间格式不正确:每天填写若干时段,开始早于结束。"
    with pytest.raises(PermissionDenied):
        services.venue_create(actor=world.youth_staff, owner=world.union, community=world.community,
                              name="妇女之家", address="幸福路2号", capacity=20)


def test_an_ended_activity_cannot_be_cancelled(world):
    activity = make_activity(world)
    with pytest.raises(ApplicationError) as err:
        services.activity_cancel(actor=world.union_staff, activity=activity, reason="太晚了", now=at(7, 16))
    assert err.value.message == "活动已结束,不能取消。"
    activity.refresh_from_db()
    assert activity.status == "published"
