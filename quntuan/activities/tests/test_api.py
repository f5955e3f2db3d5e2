"""The activities JSON API: the same services and policies as the pages."""

import json

import pytest
import time_machine

from quntuan.activities import services
from quntuan.activities.models import Activity, Booking, CheckIn, Registration, Venue
from quntuan.activities.tests.conftest import at, make_activity
from quntuan.core.testing import make_resident

BASE = "/api/activities"


def post(client, url, data=None):
    return client.post(url, data=json.dumps(data or {}), content_type="application/json")


def put(client, url, data):
    return client.put(url, data=json.dumps(data), content_type="application/json")


def payload(world, **overrides):
    data = {"primary_host_id": world.union.pk, "kind": "lecture", "title": "职工法律讲座",
            "start": "2026-12-07T14:00:00+08:00", "end": "2026-12-07T16:00:00+08:00",
            "venue_id": world.venue.pk, "capacity": 50}
    data.update(overrides)
    return data


@pytest.fixture
def staff_client(client, world):
    client.force_login(world.union_staff)
    return client


def test_create_publish_and_list(staff_client, world, client):
    response = post(staff_client, f"{BASE}/", payload(world))
    assert response.status_code == 201
    body = response.json()
    assert (body["title"], body["status"], body["place"], body["warnings"]) == (
        "职工法律讲座", "draft", "职工之家(幸福路1号)", [])
    pk = body["id"]
    assert post(staff_client, f"{BASE}/{pk}/publish").json()["status"] == "published"
    client.logout()
    listed = client.get(f"{BASE}/", {"start": "2026-12-01", "end": "2026-12-31"})
    assert [a["title"] for a in listed.json()] == ["职工法律讲座"]
    assert listed.json()[0]["start"] == "2026-12-07T14:00:00+08:00"


def test_conflict_409_names_clash_and_slots(staff_client, world):
    make_activity(world)
    staff_client.force_login(world.youth_staff)
    response = post(staff_client, f"{BASE}/", payload(world, primary_host_id=world.youth.pk, title="青年交友会",
                                                       start="2026-12-07T15:00:00+08:00",
                                                       end="2026-12-07T16:00:00+08:00"))
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "venue_booked"
    assert body["clash"]["title"] == "职工法律讲座" and body["clash"]["organizer"] == "区总工会"
    assert body["free_slots"][0] == {"start": "2026-12-07T09:00:00+08:00", "end": "2026-12-07T13:30:00+08:00"}
    assert Activity.objects.count() == 1


@pytest.mark.parametrize(("overrides", "message"), [
    ({"end": "2026-12-07T13:00:00+08:00"}, "结束时间必须晚于开始时间。"),
    ({"capacity": 0}, "名额必须大于 0。"),
    ({"capacity": -1}, "名额必须大于 0。"),
    ({"start": "2026-12-07T06:00:00+08:00", "end": "2026-12-07T08:00:00+08:00"},
     "活动时间不在职工之家的开放时间内(当天开放时间:09:00–21:00)。"),
    ({"kind": "party"}, "请选择活动类型。"),
    ({"venue_id": 999999}, "所选阵地不存在或已停用。"),
])
def test_bad_input_4xx_chinese_no_change(staff_client, world, overrides, message):
    response = post(staff_client, f"{BASE}/", payload(world, **overrides))
    assert response.status_code == 400
    assert response.json()["message"] == message
    assert (Activity.objects.count(), Booking.objects.count()) == (0, 0)


def test_validation_error_is_chinese(staff_client, world):
    response = post(staff_client, f"{BASE}/", payload(world, capacity="很多"))
    assert response.status_code == 422
    assert "名额" in response.json()["message"]


def test_only_host_staff_update(client, world):
    activity = make_activity(world)
    client.force_login(world.youth_staff)
    response = put(client, f"{BASE}/{activity.pk}", payload(world, title="改名"))
    assert response.status_code == 403
    assert response.json()["message"] == "只有主办单位的工作人员可以修改此活动。"
    client.force_login(world.resident)
    assert put(client, f"{BASE}/{activity.pk}", payload(world, title="改名")).status_code == 403
    assert post(client, f"{BASE}/{activity.pk}/cancel", {"reason": "x"}).status_code == 403
    activity.refresh_from_db()
    assert (activity.title, activity.status) == ("职工法律讲座", "published")
    client.force_login(world.union_staff)
    assert put(client, f"{BASE}/{activity.pk}", payload(world, title="改名")).json()["title"] == "改名"


def test_register_twice_and_window(client, world):
    activity = make_activity(world, registration_closes=at(6, 18))
    client.force_login(world.resident)
    first = post(client, f"{BASE}/{activity.pk}/register")
    assert first.status_code == 201
    assert first.json()["status"] == "confirmed"
    assert first.json()["short_code"] == services.registration_short_code(Registration.objects.get())
    again = post(client, f"{BASE}/{activity.pk}/register")
    assert (again.status_code, again.json()["message"]) == (409, "您已报名该活动(状态:已报名),不能重复报名。")
    other = make_resident(world.district)
    client.force_login(other)
    with time_machine.travel(at(6, 18, 1), tick=False):
        late = post(client, f"{BASE}/{activity.pk}/register")
    assert (late.status_code, late.json()["message"]) == (400, "报名已截止。")
    assert Registration.objects.count() == 1


def test_residents_see_only_their_own_registrations(client, world):
    activity = make_activity(world)
    mine = services.registration_create(resident=world.resident, activity=activity)
    other = make_resident(world.district)
    theirs = services.registration_create(resident=other, activity=activity)
    client.force_login(world.resident)
    assert [r["id"] for r in client.get(f"{BASE}/registrations/mine").json()] == [mine.pk]
    assert client.get(f"{BASE}/{activity.pk}/registrations").status_code == 403
    assert post(client, f"{BASE}/registrations/{theirs.pk}/cancel").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "confirmed"
    client.force_login(world.union_staff)
    rows = client.get(f"{BASE}/{activity.pk}/registrations").json()
    assert [(r["id"], r["qr_token"]) for r in rows] == [(mine.pk, None), (theirs.pk, None)]


def test_checkin_and_forged_code(client, world):
    activity = make_activity(world)
    reg = services.registration_create(resident=world.resident, activity=activity)
    client.force_login(world.union_staff)
    with time_machine.travel(at(7, 14), tick=False):
        forged = post(client, f"{BASE}/{activity.pk}/checkin", {"code": f"{reg.pk}-abcdefgh"})
        assert (forged.status_code, forged.json()["message"]) == (400, "签到码无效,请核对后重新输入。")
        assert CheckIn.objects.count() == 0
        ok = post(client, f"{BASE}/{activity.pk}/checkin", {"code": services.registration_token(reg)})
        assert ok.status_code == 201 and ok.json()["name"] == "张三"
        walk = post(client, f"{BASE}/{activity.pk}/walk-ins", {"name": "李四"})
        assert walk.status_code == 201
        att = client.get(f"{BASE}/{activity.pk}/attendance").json()
    assert att == {"activity_id": activity.pk, "confirmed": 1, "attended": 1, "walk_ins": 1, "person_times": 2,
                   "no_shows": 0, "no_show_rate": 0.0}


def test_approval_api(client, world):
    activity = make_activity(world, needs_approval=True)
    reg = services.registration_create(resident=world.resident, activity=activity)
    client.force_login(world.youth_staff)
    assert post(client, f"{BASE}/registrations/{reg.pk}/approve").status_code == 404
    client.force_login(world.union_staff)
    assert post(client, f"{BASE}/registrations/{reg.pk}/reject", {"note": "名额有限"}).json()["status"] == "rejected"


def test_venues_api(client, world):
    make_activity(world)
    day = client.get(f"{BASE}/venues/{world.venue.pk}/day", {"day": "2026-12-07", "minutes": 60}).json()
    assert [b["title"] for b in day["busy"]] == ["职工法律讲座"]
    assert day["free_slots"] == [
        {"start": "2026-12-07T09:00:00+08:00", "end": "2026-12-07T13:30:00+08:00"},
        {"start": "2026-12-07T16:30:00+08:00", "end": "2026-12-07T21:00:00+08:00"},
    ]
    data = {"owner_id": world.union.pk, "community_id": world.community.pk, "name": "妇女之家",
            "address": "幸福路2号", "capacity": 20}
    assert post(client, f"{BASE}/venues", data).status_code == 401
    client.force_login(world.youth_staff)
    assert post(client, f"{BASE}/venues", data).status_code == 403
    client.force_login(world.union_staff)
    assert post(client, f"{BASE}/venues", {**data, "capacity": 0}).json()["message"] == "容纳人数必须大于 0。"
    created = post(client, f"{BASE}/venues", data)
    assert created.status_code == 201
    assert Venue.objects.filter(name="妇女之家").count() == 1
    names = [v["name"] for v in client.get(f"{BASE}/venues").json()]
    assert names == ["职工之家", "妇女之家"]


def test_list_range_checks(client):
    response = client.get(f"{BASE}/", {"start": "2026-12-31", "end": "2026-12-01"})
    assert (response.status_code, response.json()["message"]) == (400, "截止日期不能早于起始日期。")
    response = client.get(f"{BASE}/", {"start": "2026-01-01", "end": "2026-12-01"})
    assert response.json()["message"] == "一次最多查询 92 天。"


def test_staff_list_includes_drafts_only_for_staff(client, world):
    make_activity(world, publish=False, title="草稿活动")
    client.force_login(world.resident)
    assert client.get(f"{BASE}/", {"start": "2026-12-01", "end": "2026-12-31", "staff": True}).json() == []
    client.force_login(world.youth_staff)
    rows = client.get(f"{BASE}/", {"start": "2026-12-01", "end": "2026-12-31", "staff": True}).json()
    assert [r["title"] for r in rows] == ["草稿活动"]
