"""Shared fixtures for the cases API tests: one district with three organizations, their staff,
a supervisor and two residents; clients for each of them; helpers to build cases in a state."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client

from quntuan.accounts.models import Role
from quntuan.cases.models import Case, ExtensionRequest
from quntuan.core import testing as f

ROLES = ["anonymous", "resident", "other_resident", "other_org_staff", "handler", "leader", "supervisor"]


@pytest.fixture(autouse=True)
def _clear_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db):
    cache.clear()  # throttling counters
    district = f.make_district("和平区")
    community = f.make_community(district, "幸福社区")
    union = f.make_org(district, "union")
    union.phone = "010-88886666"
    union.save(update_fields=["phone"])
    women = f.make_org(district, "women")
    youth = f.make_org(district, "youth")
    category = f.make_category("union.legal", "职工法律援助")
    gov = f.make_category("other.government", "政府部门职责")
    w = SimpleNamespace(
        district=district,
        community=community,
        union=union,
        women=women,
        youth=youth,
        category=category,
        gov_category=gov,
        receiver=f.make_staff(union, on_duty=True, name="王首问", username="wang"),
        handler=f.make_staff(union, name="李承办", username="li"),
        leader=f.make_staff(union, leader=True, name="赵主任", username="zhao"),
        women_staff=f.make_staff(women, on_duty=True, name="陈接收", username="chen"),
        women_leader=f.make_staff(women, leader=True, name="孙主席", username="sun"),
        other_org_staff=f.make_staff(youth, on_duty=True, name="周团干", username="zhou"),
        supervisor=f.make_user(Role.SUPERVISOR, district, name="吴督查", username="wu"),
        resident=f.make_resident(district, mobile="13912345678", name="张三"),
        other_resident=f.make_resident(district, mobile="13987654321", name="李四"),
        service=f.make_service(union, category=category, name="劳动争议法律咨询", materials="身份证\n劳动合同"),
    )
    return w


def client_for(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def role_user(world, role: str):
    return None if role == "anonymous" else getattr(world, role)


def post(client: Client, url: str, data=None, **extra):
    return client.post(url, data=json.dumps(data if data is not None else {}), content_type="application/json",
                       **extra)


def submit(world, user=None, **fields):
    """Submit through the API as ``user`` (default: the resident) and return the Case."""
    data = {"title": "工资被拖欠三个月", "content": "公司拖欠工资三个月,希望得到法律帮助。", "service_id": world.service.pk}
    data.update(fields)
    response = post(client_for(user or world.resident), "/api/cases/", data)
    assert response.status_code == 201, response.content.decode()
    return Case.objects.get(tracking_no=response.json()["receipt"]["tracking_no"])


def snapshot(case: Case) -> dict:
    """Everything a refused request must leave as it was."""
    case = Case.objects.get(pk=case.pk)
    return {
        "fields": {f.attname: getattr(case, f.attname) for f in Case._meta.concrete_fields},
        "events": list(case.events.values_list("kind", flat=True)),
        "cohandlings": list(case.cohandlings.values_list("organization_id", "status")),
        "ratings": list(case.ratings.values_list("round", "level")),
        "attachments": case.attachments.count(),
        "extension": list(ExtensionRequest.objects.filter(case=case).values_list("status", "days")),
        "followups": list(case.followups.values_list("round", "status")),
    }


def in_state(world, state: str) -> Case:
    """A case submitted by the resident and moved, through the services, into ``state``."""
    from quntuan.cases import services as s

    case = submit(world)
    if state == "pending":
        return case
    s.case_contact(case=case, actor=world.handler)
    if state == "in_progress":
        return Case.objects.get(pk=case.pk)
    if state == "transferring":
        s.case_transfer(case=case, actor=world.handler, to_org=world.women, reason="属于妇联职责")
        return Case.objects.get(pk=case.pk)
    if state == "awaiting_material":
        s.case_request_material(case=case, actor=world.handler, materials="劳动合同复印件")
        return Case.objects.get(pk=case.pk)
    if state == "closed":
        s.case_reply_and_close(case=case, actor=world.handler, result="已协调公司补发工资。")
        return Case.objects.get(pk=case.pk)
    raise ValueError(state)
