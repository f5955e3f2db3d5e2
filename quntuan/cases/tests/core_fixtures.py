"""A small district for the case-service tests: two organizations with staff, leaders and
on-duty receivers, a resident, a supervisor, and a submitted case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from quntuan.accounts.models import Role
from quntuan.cases.models import Case, Channel
from quntuan.cases.services import case_submit
from quntuan.catalog.models import TimeLimitClass
from quntuan.core.testing import (
    make_community,
    make_district,
    make_org,
    make_resident,
    make_service,
    make_staff,
    make_user,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Monday 23 November 2026, 10:00 in Shanghai: an ordinary working week.
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)


@dataclass
class World:
    district: object
    other_district: object
    community: object
    union: object
    women: object
    youth: object
    union_receiver: object
    union_staff: object
    union_leader: object
    women_receiver: object
    women_staff: object
    women_leader: object
    youth_staff: object
    resident: object
    other_resident: object
    supervisor: object
    other_supervisor: object
    auditor: object
    admin: object
    service: object

    def submit(self, **overrides) -> Case:
        fields = dict(
            district=self.district, title="工资被拖欠三个月", content="公司拖欠我三个月工资,请帮助维权。",
            requester_name="张三", requester_mobile=self.resident.mobile, channel=Channel.WEB,
            requester=self.resident, service=self.service,
        )
        fields.update(overrides)
        return case_submit(**fields)


def build_world() -> World:
    district = make_district("测试区")
    other_district = make_district("邻区")
    community = make_community(district, "幸福社区")
    union = make_org(district, "union")
    union.phone = "010-12345678"
    union.save(update_fields=["phone"])
    women = make_org(district, "women")
    youth = make_org(district, "youth")
    return World(
        district=district,
        other_district=other_district,
        community=community,
        union=union,
        women=women,
        youth=youth,
        union_receiver=make_staff(union, on_duty=True, name="王首问"),
        union_staff=make_staff(union, name="李承办"),
        union_leader=make_staff(union, leader=True, name="赵主席"),
        women_receiver=make_staff(women, on_duty=True, name="孙值班"),
        women_staff=make_staff(women, name="周妇联"),
        women_leader=make_staff(women, leader=True, name="吴主任"),
        youth_staff=make_staff(youth, name="郑团委"),
        resident=make_resident(district, mobile="13900001111", name="张三"),
        other_resident=make_resident(district, mobile="13900002222", name="李四"),
        supervisor=make_user(Role.SUPERVISOR, district),
        other_supervisor=make_user(Role.SUPERVISOR, other_district),
        auditor=make_user(Role.AUDITOR, district),
        admin=make_user(Role.PLATFORM_ADMIN, None),
        service=make_service(union, name="职工欠薪维权", time_limit_class=TimeLimitClass.HELP),
    )


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(db, monday) -> World:
    return build_world()


@pytest.fixture
def case(world) -> Case:
    return world.submit()


def snapshot(case: Case) -> tuple[dict, int]:
    """The case row and its number of events, to check that a refusal changed nothing."""
    row = Case.objects.filter(pk=case.pk).values().get()
    row.pop("updated_at")
    return row, case.events.count()
