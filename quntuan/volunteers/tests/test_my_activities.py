""""我的活动" (the activities app's resident page) shows the resident's own volunteering."""

import pytest

from quntuan.core.testing import make_resident
from quntuan.volunteers import services
from quntuan.volunteers.tests.conftest import at


@pytest.fixture
def confirmed(world):
    services.shift_signup(user=world.resident, shift=world.shift)
    world.clock.move_to(at(5, 13))
    record = services.hours_report(user=world.resident, shift=world.shift, minutes=170)
    services.hours_confirm(actor=world.youth_staff, record=record)
    return world


def test_my_activities_shows_own_hours_and_star(client, confirmed):
    client.force_login(confirmed.resident)
    text = client.get("/activities/mine/").content.decode()
    assert "累计志愿时长" in text
    assert "2 小时 50 分钟" in text
    assert "服务证明" in text


def test_non_volunteer_is_invited_to_register(client, world):
    other = make_resident(world.district, name="李四")
    client.force_login(other)
    text = client.get("/activities/mine/").content.decode()
    assert "注册志愿者" in text
    assert "累计志愿时长" not in text
