"""The demo district: deterministic plan, every case state reached through the services,
idempotent command, logins that work."""

import json
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command

from quntuan.accounts.models import Role, User
from quntuan.cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    CoHandling,
    EscalationLevel,
    ExtensionRequest,
    FollowUp,
    Rating,
)
from quntuan.cases.queries import case_deadline_state
from quntuan.core.text import is_valid_mobile
from quntuan.organizations import demo
from quntuan.organizations.models import Membership, Organization, Region, Workstation
from quntuan.workdays.models import CalendarYear

ANCHOR = date(2026, 11, 23)  # a Monday


def test_plan_is_deterministic_and_plausible():
    first, second = demo.build_plan(ANCHOR), demo.build_plan(ANCHOR)
    assert first == second
    assert len(first.cases) == sum(demo.SCENARIOS.values()) + demo.MERGED_REPEATS == 316
    assert len(first.residents) == 320
    mobiles = [p.login for p in first.residents]
    assert len(set(mobiles)) == 320
    assert all(is_valid_mobile(m) for m in mobiles)
    assert len({p.login for p in first.staff}) == len(first.staff) == 76
    # every case comes in before the anchor day
    assert max(c.received_at.date() for c in first.cases) == date(2026, 11, 22)
    assert {c.category for c in first.cases if c.scenario == "transferred_out"} == {"other.government"}


def test_plan_depends_only_on_the_anchor_day():
    assert demo.build_plan(ANCHOR).residents == demo.build_plan(date(2026, 12, 1)).residents
    assert demo.build_plan(ANCHOR).cases != demo.build_plan(date(2026, 12, 1)).cases


@pytest.mark.parametrize("password", sorted(demo.PASSWORDS.values()))
def test_demo_passwords_meet_the_complexity_rule(password):
    validate_password(password)  # raises ValidationError if not


@pytest.mark.django_db(transaction=False)
def test_seed_demo_builds_the_district_through_the_services(tmp_path):
    accounts_file = tmp_path / "demo-accounts.json"
    out = StringIO()
    call_command("seed_demo", "--today", ANCHOR.isoformat(), "--accounts", str(accounts_file), "--cases-only",
                 stdout=out)
    assert "示范区已生成" in out.getvalue()

    district = Region.objects.get(code=demo.DISTRICT_CODE)
    assert district.name == "示例区" and district.parent.name == "示例市"
    assert Region.objects.filter(district=district, level=Region.Level.STREET).count() == 5
    assert Region.objects.filter(district=district, level=Region.Level.COMMUNITY).count() == 30
    assert Workstation.objects.filter(community__district=district).count() == 30
    on_duty_ws = Membership.objects.filter(workstation__community__district=district, is_on_duty_receiver=True)
    assert on_duty_ws.values("workstation").distinct().count() == 30
    kinds = dict(Organization.objects.filter(district=district).values_list("code", "kind"))
    assert {code: kinds[code] for code in demo.MASS_ORGS} == dict.fromkeys(demo.MASS_ORGS, "mass")
    assert sorted(k for k in kinds.values() if k != "mass") == ["government", "social", "social", "unit"]
    for code in demo.MASS_ORGS:
        members = Membership.objects.filter(organization__code=code, organization__district=district)
        assert members.filter(role=Membership.Role.LEADER).count() == 1
        assert members.filter(is_on_duty_receiver=True, workstation__isnull=True).count() == 1
    assert set(CalendarYear.objects.filter(is_official=True).values_list("year", flat=True)) >= {2025, 2026}

    # cases: all submitted, none refused, in every state, with every kind of event
    cases = Case.objects.filter(district=district)
    assert cases.count() == 316
    assert set(cases.values_list("status", flat=True)) == set(CaseStatus.values)
    event_kinds = set(CaseEvent.objects.filter(case__district=district).values_list("kind", flat=True))
    assert event_kinds >= {
        "submitted", "received", "receipt_sent", "contacted", "transfer_requested", "transfer_accepted",
        "transfer_returned", "requester_informed", "cohandler_added", "cohandler_replied",
        "material_requested", "material_supplied", "extension_requested", "extension_approved",
        "extension_rejected", "transferred_out", "note", "replied", "closed", "rated", "reopened",
        "followup_opened", "followup_done", "reminded", "yellow_flag", "red_flag", "attachment_added",
        "personal_data_viewed",
    }
    assert set(Rating.objects.filter(case__district=district).values_list("level", flat=True)) == {
        "satisfied", "basic", "dissatisfied"}
    assert set(FollowUp.objects.filter(case__district=district).values_list("status", flat=True)) == {"open", "done"}
    assert set(ExtensionRequest.objects.values_list("status", flat=True)) == {"pending", "approved", "rejected"}
    assert set(CoHandling.objects.values_list("status", flat=True)) == {"open", "done"}
    assert cases.filter(reopen_count=1, status=CaseStatus.IN_PROGRESS).exists()
    assert cases.filter(status=CaseStatus.IN_PROGRESS, escalation_level=EscalationLevel.RED).exists()
    states = {case_deadline_state(c, today=ANCHOR) for c in cases.filter(status__in=["in_progress"])}
    assert {"normal", "yellow", "red"} <= states
    # the history is spread over months, each case's events in order and never in the future
    received = sorted(cases.values_list("received_at", flat=True))
    assert (received[-1] - received[0]).days >= 100
    assert not CaseEvent.objects.filter(case__district=district, at__date__gte=ANCHOR).exclude(
        kind__in=["reminded", "yellow_flag", "red_flag", "followup_opened"]).exists()

    # logins
    accounts = json.loads(accounts_file.read_text(encoding="utf-8"))
    by_login = {a["login"]: a for a in accounts}
    assert by_login["admin"]["password"] == "Admin-Demo-2026"
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.role == Role.PLATFORM_ADMIN
    for login in ("admin", "supervisor", "auditor", "union_leader", "union_duty", "ws01"):
        user = User.objects.get(username=login)
        assert user.check_password(by_login[login]["password"]), login
    residents = [a for a in accounts if a["role"] == Role.RESIDENT]
    assert len(residents) == 5
    assert User.objects.get(mobile=residents[0]["login"]).check_password("Jumin-Demo-2026")
    assert User.objects.filter(role=Role.RESIDENT, region=district).count() == 320

    # idempotent: a second run changes nothing
    before = (User.objects.count(), Case.objects.count(), CaseEvent.objects.count())
    out = StringIO()
    call_command("seed_demo", "--today", ANCHOR.isoformat(), "--accounts", str(accounts_file), "--cases-only",
                 stdout=out)
    assert "示范区已存在" in out.getvalue()
    assert (User.objects.count(), Case.objects.count(), CaseEvent.objects.count()) == before
