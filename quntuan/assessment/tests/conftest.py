"""A district with two streets (three communities, two workstations), two organizations, their
staff, a supervisor and an auditor; the clock fixed on 2026-06-15 10:00 (Beijing)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from quntuan.accounts.models import Role
from quntuan.core.testing import make_community, make_district, make_org, make_region, make_staff, make_user
from quntuan.organizations.models import Region, Workstation

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=TZ)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


class World:
    pass


@pytest.fixture
def world(db, clock):
    w = World()
    w.district = make_district("示范区")
    w.c1 = make_community(w.district, "幸福社区")
    w.street1 = w.c1.parent
    w.c2 = make_region("和平社区", Region.Level.COMMUNITY, w.street1)
    w.c3 = make_community(w.district, "光明社区")
    w.street2 = w.c3.parent
    w.union = make_org(w.district, "union")
    w.youth = make_org(w.district, "youth")
    w.union_leader = make_staff(w.union, leader=True, name="工会老王")
    w.union_staff = make_staff(w.union, name="工会小王")
    w.youth_staff = make_staff(w.youth, name="团委小李")
    w.supervisor = make_user(Role.SUPERVISOR, w.district, name="督查老赵")
    w.auditor = make_user(Role.AUDITOR, w.district, name="审计老钱")
    assert Workstation.objects.filter(community__district=w.district).count() == 2
    return w
