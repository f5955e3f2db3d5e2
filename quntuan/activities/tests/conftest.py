"""A small district with two organizations, a venue and a clock fixed on 2026-12-01 10:00 (Beijing)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from quntuan.activities import services
from quntuan.activities.models import ActivityKind
from quntuan.core.testing import make_community, make_district, make_org, make_resident, make_staff

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


class World:
    pass


@pytest.fixture
def world(db, clock):
    w = World()
    w.district = make_district()
    w.community = make_community(w.district, "幸福社区")
    w.street = w.community.parent
    w.union = make_org(w.district, "union")
    w.youth = make_org(w.district, "youth")
    w.union_staff = make_staff(w.union, name="工会小王")
    w.youth_staff = make_staff(w.youth, name="团委小李")
    w.resident = make_resident(w.district, name="张三")
    w.venue = services.venue_create(
        actor=w.union_staff, owner=w.union, community=w.community, name="职工之家", address="幸福路1号",
        capacity=60, buffer_minutes=30, bookable_by=[w.youth],
    )
    return w


def activity_input(**overrides) -> services.ActivityInput:
    fields = {
        "kind": ActivityKind.LECTURE, "title": "职工法律讲座", "start": at(7, 14), "end": at(7, 16),
        "capacity": 50,
    }
    fields.update(overrides)
    return services.ActivityInput(**fields)


def make_activity(world, *, actor=None, host=None, publish=True, **overrides):
    actor = actor or world.union_staff
    host = host or world.union
    overrides.setdefault("venue", world.venue)
    activity = services.activity_create(actor=actor, primary_host=host, data=activity_input(**overrides))
    if publish:
        services.activity_publish(actor=actor, activity=activity)
    activity.refresh_from_db()
    return activity
