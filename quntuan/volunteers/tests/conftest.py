"""A small district with two organizations, a published volunteer activity with a shift, and a
clock fixed on 2026-12-01 10:00 (Beijing)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from quntuan.activities import services as activity_services
from quntuan.activities.models import ActivityKind
from quntuan.core.testing import make_community, make_district, make_org, make_resident, make_staff
from quntuan.volunteers import rules, services

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)


def at(day: int, hour: int, minute: int = 0, month: int = 12) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def id_number(body17: str) -> str:
    """A 居民身份证 number with the right check character for 17 digits."""
    total = sum(int(d) * w for d, w in zip(body17, rules.ID_WEIGHTS, strict=True))
    return body17 + rules.ID_CHECK[total % 11]


_ids = iter(range(1, 100000))


def next_id_number() -> str:
    return id_number(f"11010519900101{next(_ids):03d}")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


class World:
    pass


def make_volunteer(world, name: str = "志愿者", **kwargs):
    resident = kwargs.pop("resident", None) or make_resident(world.district, name=name)
    return services.volunteer_register(user=resident, real_name=name, id_type="resident_id",
                                       id_number=kwargs.pop("id_number", None) or next_id_number(), **kwargs)


def make_volunteer_activity(world, *, actor=None, host=None, start=None, end=None, title="社区助老志愿服务",
                            kind=ActivityKind.VOLUNTEER):
    actor = actor or world.youth_staff
    host = host or world.youth
    activity = activity_services.activity_create(
        actor=actor, primary_host=host,
        data=activity_services.ActivityInput(kind=kind, title=title, start=start or at(5, 9),
                                             end=end or at(5, 17), capacity=30, address="幸福社区广场",
                                             community=world.community),
    )
    activity_services.activity_publish(actor=actor, activity=activity)
    activity.refresh_from_db()
    return activity


@pytest.fixture
def world(db, clock):
    w = World()
    w.clock = clock
    w.district = make_district()
    w.community = make_community(w.district, "幸福社区")
    w.union = make_org(w.district, "union")
    w.youth = make_org(w.district, "youth")
    w.union_staff = make_staff(w.union, name="工会小王")
    w.youth_staff = make_staff(w.youth, name="团委小李")
    w.resident = make_resident(w.district, name="张三")
    w.activity = make_volunteer_activity(w)
    w.shift = services.shift_create(actor=w.youth_staff, activity=w.activity, title="助老陪护", start=at(5, 9),
                                    end=at(5, 12), slots=2)
    w.volunteer = services.volunteer_register(user=w.resident, real_name="张三", id_type="resident_id",
                                              id_number=id_number("11010519900307123"), skills="急救")
    return w
