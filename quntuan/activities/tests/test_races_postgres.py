"""Races on PostgreSQL with real threads, each on its own database connection."""

from collections import Counter

import pytest
from django.db import IntegrityError, connection, transaction

from quntuan.activities import services
from quntuan.activities.models import Activity, Booking, Registration
from quntuan.activities.tests.conftest import activity_input, at, make_activity
from quntuan.core.exceptions import ApplicationError
from quntuan.core.testing import (
    make_resident,
    run_together,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_200_registrations_for_50_seats(world):
    assert connection.vendor == "postgresql"
    activity = make_activity(world, capacity=50)
    people = [make_resident(world.district) for _ in range(200)]
    results = run_together([lambda p=p: services.registration_create(resident=p, activity=activity)
                            for p in people], threads=40)
    assert [r for r in results if isinstance(r, Exception)] == []
    regs = list(Registration.objects.filter(activity=activity).order_by("seq"))
    assert Counter(r.status for r in regs) == {"confirmed": 50, "waitlisted": 150}
    assert [r.seq for r in regs] == list(range(1, 201))
    # arrival order: the first 50 to take the activity lock are confirmed, the rest wait in order
    assert [r.status for r in regs] == ["confirmed"] * 50 + ["waitlisted"] * 150
    assert [r.pk for r in regs] == [r.pk for r in sorted(regs, key=lambda r: (r.created_at, r.pk))]
    activity.refresh_from_db()
    assert activity.registration_seq == 200
    first_waiting = regs[50]
    services.registration_cancel(actor=regs[0].resident, registration=regs[0])
    first_waiting.refresh_from_db()
    assert first_waiting.status == "confirmed"
    assert Registration.objects.filter(activity=activity, status="confirmed").count() == 50


def test_50_bookings_of_one_slot_exactly_one(world):
    results = run_together([
        lambda i=i: services.activity_create(actor=world.union_staff, primary_host=world.union,
                                             data=activity_input(venue=world.venue, title=f"活动{i}"))
        for i in range(50)], threads=50)
    won = [r for r in results if isinstance(r, Activity)]
    lost = [r for r in results if isinstance(r, ApplicationError)]
    assert (len(won), len(lost)) == (1, 49)
    assert {e.code for e in lost} == {"venue_booked"}
    assert all(f"《{won[0].title}》" in e.message for e in lost)
    assert Activity.objects.count() == 1
    assert Booking.objects.filter(status="active").count() == 1


def test_exclusion_constraint_refuses_overlap_without_the_service(world):
    activity = make_activity(world)
    other = make_activity(world, venue=None, address="别处", title="别处的活动")
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(venue=world.venue, activity=other, start=at(7, 16), end=at(7, 17),
                               block_start=at(7, 16), block_end=at(7, 17))
    # touching ranges are fine: the first block ends at 16:30
    Booking.objects.create(venue=world.venue, activity=other, start=at(7, 16, 30), end=at(7, 17),
                           block_start=at(7, 16, 30), block_end=at(7, 17))
    assert Booking.objects.filter(status="active").count() == 2
    assert activity.bookings.count() == 1


@pytest.mark.parametrize("round_", range(3))
def test_cancellations_racing_registrations_keep_seats_exact(world, round_):
    capacity = 10
    activity = make_activity(world, capacity=capacity)
    first = [make_resident(world.district) for _ in range(15)]
    regs = [services.registration_create(resident=p, activity=activity) for p in first]
    newcomers = [make_resident(world.district) for _ in range(15)]
    jobs = [lambda r=r: services.registration_cancel(actor=r.resident, registration=r) for r in regs[:8]]
    jobs += [lambda p=p: services.registration_create(resident=p, activity=activity) for p in newcomers]
    results = run_together(jobs, threads=23)
    assert [r for r in results if isinstance(r, Exception)] == []
    holders = list(Registration.objects.filter(activity=activity, status__in=["confirmed", "waitlisted"])
                   .order_by("seq"))
    assert len(holders) == 15 - 8 + 15
    # never over- or underfilled, and the confirmed ones are exactly the earliest arrivals
    assert [r.status for r in holders] == ["confirmed"] * capacity + ["waitlisted"] * (len(holders) - capacity)


def test_without_the_venue_lock_the_exclusion_constraint_still_allows_only_one(world, monkeypatch):
    """Take the service's row lock away: the database constraint alone refuses the other 49, and
    the service still answers them with the clash and the free slots."""
    monkeypatch.setattr(services, "lock_venue", lambda venue: venue)
    results = run_together([
        lambda i=i: services.activity_create(actor=world.union_staff, primary_host=world.union,
                                             data=activity_input(venue=world.venue, title=f"活动{i}"))
        for i in range(50)], threads=50)
    won = [r for r in results if isinstance(r, Activity)]
    lost = [r for r in results if isinstance(r, ApplicationError)]
    assert (len(won), len(lost)) == (1, 49)
    assert {e.code for e in lost} == {"venue_booked"}
    assert Booking.objects.filter(status="active").count() == 1
