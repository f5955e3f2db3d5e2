"""Shift sign-up races on PostgreSQL with real threads, each on its own database connection."""


import pytest
from django.db import connection

from quntuan.core.exceptions import Conflict
from quntuan.core.testing import run_together
from quntuan.volunteers import services
from quntuan.volunteers.models import ShiftSignup
from quntuan.volunteers.tests.conftest import at, make_volunteer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_60_volunteers_for_10_places(world):
    assert connection.vendor == "postgresql"
    shift = services.shift_create(actor=world.youth_staff, activity=world.activity, title="秩序维护",
                                  start=at(5, 13), end=at(5, 16), slots=10)
    people = [make_volunteer(world, f"志愿者{i}") for i in range(60)]
    results = run_together([lambda v=v: services.shift_signup(user=v.user, shift=shift) for v in people], threads=30)
    ok = [r for r in results if isinstance(r, ShiftSignup)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(ok) == 10
    assert len(refused) == 50
    assert {type(e) for e in refused} == {Conflict}
    assert {e.message for e in refused} == {"此班次名额已满。"}
    assert ShiftSignup.objects.filter(shift=shift, status="signed_up").count() == 10


def test_same_volunteer_twice_at_once(world):
    results = run_together([lambda: services.shift_signup(user=world.resident, shift=world.shift)] * 8, threads=8)
    assert sum(isinstance(r, ShiftSignup) for r in results) == 1
    assert {r.message for r in results if isinstance(r, Exception)} == {"您已报名此班次。"}
    assert ShiftSignup.objects.filter(shift=world.shift).count() == 1


def test_cancel_racing_signups_never_overfills(world):
    first = make_volunteer(world, "甲")
    second = make_volunteer(world, "乙")
    s1 = services.shift_signup(user=first.user, shift=world.shift)
    services.shift_signup(user=second.user, shift=world.shift)
    newcomers = [make_volunteer(world, f"新{i}") for i in range(10)]
    jobs = [lambda: services.shift_signup_cancel(actor=first.user, signup=s1)]
    jobs += [lambda v=v: services.shift_signup(user=v.user, shift=world.shift) for v in newcomers]
    results = run_together(jobs, threads=11)
    assert isinstance(results[0], ShiftSignup)
    assert ShiftSignup.objects.filter(shift=world.shift, status="signed_up").count() <= 2
    taken = sum(isinstance(r, ShiftSignup) for r in results[1:])
    assert ShiftSignup.objects.filter(shift=world.shift, status="signed_up").count() == 1 + taken
    assert taken in (0, 1)
