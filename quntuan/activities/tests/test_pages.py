"""Pages: calendar (public and staff), detail and registration, my activities, feeds, staff pages."""

import re

import pytest
import time_machine
from icalendar import Calendar

from quntuan.activities import services
from quntuan.activities.models import Activity, CheckIn, Registration, Venue
from quntuan.activities.tests.conftest import at, make_activity
from quntuan.core.testing import make_resident


@pytest.fixture
def pub(world):
    return make_activity(world, title="职工法律讲座")


@pytest.fixture
def draft(world):
    return make_activity(world, title="还在筹备的活动", publish=False, venue=None, address="区工人文化宫",
                         start=at(9, 9), end=at(9, 11))


def test_public_calendar_shows_published_only(client, pub, draft):
    for view in ("month", "week", "list"):
        response = client.get("/activities/", {"view": view, "month": "2026-12", "week": "2026-12-07"})
        body = response.content.decode()
        assert response.status_code == 200
        assert "职工法律讲座" in body
        assert "还在筹备的活动" not in body


def test_staff_calendar_shows_drafts(client, world, pub, draft):
    client.force_login(world.youth_staff)
    body = client.get("/activities/staff/", {"month": "2026-12"}).content.decode()
    assert "还在筹备的活动" in body and "职工法律讲座" in body
    assert 's-draft' in body


def test_calendar_filters(client, world, pub):
    make_activity(world, actor=world.youth_staff, host=world.youth, title="青年读书会", venue=None, address="图书馆",
                  kind="culture")
    body = client.get("/activities/", {"view": "list", "org": world.youth.pk}).content.decode()
    assert "青年读书会" in body and "职工法律讲座" not in body
    body = client.get("/activities/", {"view": "list", "kind": "lecture"}).content.decode()
    assert "青年读书会" not in body and "职工法律讲座" in body
    body = client.get("/activities/", {"view": "list", "venue": world.venue.pk}).content.decode()
    assert "青年读书会" not in body and "职工法律讲座" in body
    body = client.get("/activities/", {"view": "list", "community": world.community.pk}).content.decode()
    assert "青年读书会" not in body and "职工法律讲座" in body
    assert client.get("/activities/", {"view": "bogus", "month": "x-y", "org": "abc"}).status_code == 200


def test_staff_calendar_needs_staff(client, world):
    assert client.get("/activities/staff/").status_code == 302
    client.force_login(world.resident)
    assert client.get("/activities/staff/").status_code == 403


def test_register_on_the_detail_page(client, world, pub):
    client.force_login(world.resident)
    response = client.post(f"/activities/{pub.pk}/register/")
    assert response.status_code == 302
    reg = Registration.objects.get()
    assert (reg.resident, reg.status) == (world.resident, "confirmed")
    body = client.get(f"/activities/{pub.pk}/").content.decode()
    assert "<svg" in body and services.registration_short_code(reg) in body
    again = client.post(f"/activities/{pub.pk}/register/")
    assert again.status_code == 409
    assert "您已报名该活动(状态:已报名),不能重复报名。" in again.content.decode()
    assert Registration.objects.count() == 1


def test_register_after_the_window(client, world):
    activity = make_activity(world, registration_closes=at(1, 9))
    client.force_login(world.resident)
    response = client.post(f"/activities/{activity.pk}/register/")
    assert response.status_code == 400
    assert "报名已截止。" in response.content.decode()
    assert Registration.objects.count() == 0


def test_draft_detail_is_hidden_from_residents(client, world, draft):
    client.force_login(world.resident)
    assert client.get(f"/activities/{draft.pk}/").status_code == 404


def test_mine_shows_only_my_registrations(client, world, pub):
    other = make_resident(world.district, name="李四")
    services.registration_create(resident=world.resident, activity=pub)
    second = make_activity(world, title="另一个活动", venue=None, address="公园", start=at(10, 9), end=at(10, 10))
    services.registration_create(resident=other, activity=second)
    client.force_login(world.resident)
    body = client.get("/activities/mine/").content.decode()
    assert "职工法律讲座" in body and "另一个活动" not in body
    feed = re.search(r'value="(http[^"]+\.ics)"', body).group(1)
    cal = Calendar.from_ical(client.get(feed.replace("http://testserver", "")).content)
    assert [str(e["summary"]) for e in cal.walk("VEVENT")] == ["职工法律讲座"]


def test_cancel_someone_elses_registration_is_404(client, world, pub):
    reg = services.registration_create(resident=world.resident, activity=pub)
    client.force_login(make_resident(world.district))
    assert client.post(f"/activities/registrations/{reg.pk}/cancel/").status_code == 404
    reg.refresh_from_db()
    assert reg.status == "confirmed"


def test_feeds(client, world, pub, draft):
    cal = Calendar.from_ical(client.get(f"/activities/feeds/org/{world.union.pk}.ics").content)
    events = list(cal.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["职工法律讲座"]
    assert events[0].decoded("dtstart") == at(7, 14)
    assert str(events[0]["location"]) == "职工之家(幸福路1号)"
    assert str(cal["version"]) == "2.0"
    venue_cal = Calendar.from_ical(client.get(f"/activities/feeds/venue/{world.venue.pk}.ics").content)
    assert [str(e["summary"]) for e in venue_cal.walk("VEVENT")] == ["职工法律讲座"]
    assert client.get("/activities/feeds/me/forged:token.ics").status_code == 404


def test_staff_create_conflict_shows_free_slots(client, world, pub):
    client.force_login(world.youth_staff)
    response = client.post("/activities/staff/new/", {
        "primary_host": world.youth.pk, "kind": "culture", "title": "青年交友会", "start": "2026-12-07T15:00",
        "end": "2026-12-07T16:00", "venue": world.venue.pk, "capacity": 30,
    })
    body = response.content.decode()
    assert response.status_code == 409
    assert "《职工法律讲座》(主办:区总工会" in body
    assert 'data-start="2026-12-07T09:00"' in body
    assert Activity.objects.filter(title="青年交友会").count() == 0
    ok = client.post("/activities/staff/new/", {
        "primary_host": world.youth.pk, "kind": "culture", "title": "青年交友会", "start": "2026-12-07T17:00",
        "end": "2026-12-07T18:00", "venue": world.venue.pk, "capacity": 30,
    })
    created = Activity.objects.get(title="青年交友会")
    assert ok.status_code == 302 and ok["Location"] == f"/activities/staff/{created.pk}/"


def test_staff_bad_input_400(client, world):
    client.force_login(world.union_staff)
    response = client.post("/activities/staff/new/", {
        "primary_host": world.union.pk, "kind": "lecture", "title": "讲座", "start": "2026-12-07T15:00",
        "end": "2026-12-07T14:00", "venue": world.venue.pk, "capacity": 30,
    })
    assert response.status_code == 400
    assert "结束时间必须晚于开始时间。" in response.content.decode()
    assert Activity.objects.count() == 0


def test_only_host_staff_open_manage_and_edit(client, world, pub):
    client.force_login(world.youth_staff)
    assert client.get(f"/activities/staff/{pub.pk}/").status_code == 404
    assert client.get(f"/activities/staff/{pub.pk}/edit/").status_code == 404
    assert client.post(f"/activities/staff/{pub.pk}/cancel/", {"reason": "x"}).status_code == 404
    pub.refresh_from_db()
    assert pub.status == "published"
    client.force_login(world.union_staff)
    body = client.get(f"/activities/staff/{pub.pk}/").content.decode()
    assert "报名名单" in body
    assert client.get(f"/activities/staff/{pub.pk}/edit/").status_code == 200


def test_edit_publish_cancel_flow(client, world):
    activity = make_activity(world, publish=False)
    client.force_login(world.union_staff)
    response = client.post(f"/activities/staff/{activity.pk}/edit/", {
        "kind": "lecture", "title": "职工法律讲座(第二期)", "start": "2026-12-07T14:00",
        "end": "2026-12-07T16:00", "venue": world.venue.pk, "capacity": 40,
    })
    assert response.status_code == 302
    assert client.post(f"/activities/staff/{activity.pk}/publish/").status_code == 302
    assert client.post(f"/activities/staff/{activity.pk}/cancel/", {"reason": ""}).status_code == 400
    assert client.post(f"/activities/staff/{activity.pk}/cancel/", {"reason": "场地维修"}).status_code == 302
    activity.refresh_from_db()
    assert (activity.title, activity.capacity, activity.status, activity.cancel_reason) == (
        "职工法律讲座(第二期)", 40, "cancelled", "场地维修")


def test_checkin_page_typed_code_and_walk_in(client, world, pub):
    reg = services.registration_create(resident=world.resident, activity=pub)
    client.force_login(world.union_staff)
    with time_machine.travel(at(7, 13, 50), tick=False):
        ok = client.post(f"/activities/staff/{pub.pk}/checkin/", {"code": services.registration_short_code(reg)},
                         HTTP_HX_REQUEST="true")
        assert ok.status_code == 200
        assert "张三 签到成功。" in ok.content.decode()
        forged = client.post(f"/activities/staff/{pub.pk}/checkin/", {"code": f"{reg.pk}-zzzzzzzz"},
                             HTTP_HX_REQUEST="true")
        assert forged.status_code == 400
        assert "签到码无效,请核对后重新输入。" in forged.content.decode()
        walk = client.post(f"/activities/staff/{pub.pk}/walk-in/", {"name": "王五", "mobile": ""})
        assert walk.status_code == 302
    assert sorted(CheckIn.objects.values_list("walk_in_name", flat=True)) == ["", "王五"]
    client.force_login(world.resident)
    body = client.get("/activities/mine/").content.decode()
    assert "已签到" in body


def test_approve_and_reject_pages(client, world):
    activity = make_activity(world, needs_approval=True)
    reg = services.registration_create(resident=world.resident, activity=activity)
    client.force_login(world.youth_staff)
    assert client.post(f"/activities/staff/registrations/{reg.pk}/approve/").status_code == 404
    client.force_login(world.union_staff)
    assert client.post(f"/activities/staff/registrations/{reg.pk}/approve/").status_code == 302
    reg.refresh_from_db()
    assert reg.status == "confirmed"


def test_venue_pages(client, world, pub):
    body = client.get(f"/activities/venues/{world.venue.pk}/", {"day": "2026-12-07", "minutes": 60}).content.decode()
    assert "《职工法律讲座》" in body and "09:00–13:30" in body and "16:30–21:00" in body
    client.force_login(world.union_staff)
    assert client.get("/activities/staff/venues/").status_code == 200
    data = {"owner": world.union.pk, "name": "妇女之家", "address": "幸福路2号", "community": world.community.pk,
            "capacity": 20, "buffer_minutes": 15, "is_active": "on", "hours_0": "09:00-12:00, 14:00-18:00"}
    assert client.post("/activities/staff/venues/new/", {**data, "capacity": 0}).status_code == 400
    assert client.post("/activities/staff/venues/new/", {**data, "hours_1": "9点到10点"}).status_code == 400
    response = client.post("/activities/staff/venues/new/", data)
    venue = Venue.objects.get(name="妇女之家")
    assert response.status_code == 302
    assert venue.opening_hours == [[["09:00", "12:00"], ["14:00", "18:00"]], [], [], [], [], [], []]
    client.force_login(world.youth_staff)
    assert client.get(f"/activities/staff/venues/{venue.pk}/edit/").status_code == 404


def test_stats_page(client, world, pub):
    services.registration_create(resident=world.resident, activity=pub)
    client.force_login(world.union_staff)
    with time_machine.travel(at(8, 9), tick=False):
        body = client.get("/activities/staff/stats/").content.decode()
    assert "区总工会" in body and "100.0%" in body


def test_month_cell_with_more_than_four_activities(client, world):
    for i in range(6):
        make_activity(world, venue=None, address="广场", title=f"广场活动{i}", start=at(10, 9 + i), end=at(10, 10 + i))
    body = client.get("/activities/", {"month": "2026-12"}).content.decode()
    assert "另 2 项" in body
    assert body.count("广场活动5") == 2  # the agenda below the grid lists every activity


# --- the calendar's filters and month query at scale ---------------------------------------------


def _select_options(body: str, select_id: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of the options of one <select>."""
    select = re.search(rf'<select id="{select_id}"[^>]*>(.*?)</select>', body, re.S).group(1)
    return [(v, label, bool(sel)) for v, sel, label in
            re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)]


def test_public_district_list_is_every_district_with_activities(client, world):
    from django.contrib.auth.models import AnonymousUser

    from quntuan.activities.views import _district_ids
    from quntuan.core.testing import make_district, make_org

    east = make_district("东区")
    east_org = make_org(east, "union", name="东区总工会")
    make_district("西区")  # no activities: not offered
    # 25 activities in the first district start before the only one in the east district: a
    # DISTINCT over the activities' default ordering (start, id) would return the first
    # district 20 times and never the east one.
    Activity.objects.bulk_create([
        Activity(district=world.district, primary_host=world.union, kind="lecture", title=f"早场{i}",
                 start=at(1, 8, month=11), end=at(1, 9, month=11), capacity=10, status="published")
        for i in range(25)
    ] + [Activity(district=east, primary_host=east_org, kind="lecture", title="东区讲座",
                  start=at(20, 9), end=at(20, 10), capacity=10, status="published")])
    assert _district_ids(AnonymousUser()) == [world.district.pk, east.pk]
    body = client.get("/activities/", {"month": "2026-12"}).content.decode()
    orgs = [label for _, label, _ in _select_options(body, "f-org")]
    assert orgs == ["全部组织", world.union.name, world.youth.name, "东区总工会"]


def test_venue_filter_offers_the_chosen_street_or_community_only(client, world, pub):
    from quntuan.core.testing import make_community

    other_community = make_community(world.district, "和平社区")
    other = services.venue_create(actor=world.union_staff, owner=world.union, community=other_community,
                                  name="和平活动室", address="和平路2号", capacity=30, buffer_minutes=0)
    # No street or community chosen: no list of every venue, just the hint.
    body = client.get("/activities/", {"month": "2026-12"}).content.decode()
    assert _select_options(body, "f-venue") == [("", "全部阵地", False)]
    assert "先选择街道/社区并筛选,再选阵地" in body
    # A street offers the venues of its communities; a community its own.
    for region in (world.street, world.community):
        body = client.get("/activities/", {"month": "2026-12", "community": region.pk}).content.decode()
        assert _select_options(body, "f-venue") == [("", "全部阵地", False), (str(world.venue.pk), "职工之家", False)]
        assert "先选择街道/社区并筛选,再选阵地" not in body
    # The chosen venue stays listed and selected, and still filters.
    body = client.get("/activities/", {"month": "2026-12", "community": world.street.pk,
                                       "venue": other.pk}).content.decode()
    assert _select_options(body, "f-venue") == [("", "全部阵地", False), (str(other.pk), "和平活动室", True),
                                                (str(world.venue.pk), "职工之家", False)]
    assert "职工法律讲座" not in body
    body = client.get("/activities/", {"month": "2026-12", "venue": world.venue.pk}).content.decode()
    assert _select_options(body, "f-venue") == [("", "全部阵地", False), (str(world.venue.pk), "职工之家", True)]
    assert "职工法律讲座" in body


def test_month_query_bounds_start_and_keeps_long_activities(client, world):
    from datetime import timedelta

    from quntuan.activities import queries

    # 30 days, from the previous month into the first days of January's grid.
    make_activity(world, venue=None, address="区文化馆", title="迎新书画展", start=at(5, 9), end=at(4, 17, month=1)
                  .replace(year=2027))
    make_activity(world, venue=None, address="广场", title="早已结束的活动", start=at(2, 9), end=at(2, 11))
    body = client.get("/activities/", {"month": "2027-01"}).content.decode()
    # Grid cells 28 Dec – 4 Jan (8) and agenda 1–4 Jan (4), each naming it twice (tooltip and text).
    assert body.count("迎新书画展") == (8 + 4) * 2
    assert "早已结束的活动" not in body
    start, end = queries.local_range(at(28, 0).date(), at(8, 0, month=2).date().replace(year=2027))
    where = queries.activities_between(Activity.objects.all(), start, end).query.where
    bounds = {(c.lhs.target.name, c.lookup_name, c.rhs) for c in where.children}
    assert bounds == {("start", "gt", start - queries.MAX_DURATION), ("start", "lt", end), ("end", "gt", start)}
    assert queries.MAX_DURATION == timedelta(days=31)
