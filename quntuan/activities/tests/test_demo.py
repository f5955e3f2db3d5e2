"""The demo seeding: venues in every street, activities through the services, idempotent."""

import random

from quntuan.activities.demo import ACTIVITY_COUNT, seed_activities
from quntuan.activities.models import Activity, Booking, CheckIn, Registration, Venue
from quntuan.activities.rules import overlaps
from quntuan.core.testing import make_community, make_org, make_resident, make_staff


def test_seed_activities(world):
    second = make_community(world.district, "和平社区")
    for code in ("women", "science", "overseas", "disabled"):
        make_staff(make_org(world.district, code))
    for _ in range(60):
        make_resident(world.district, community=second)
    Venue.objects.all().delete()
    result = seed_activities(world.district, random.Random(7))
    assert result.created is True
    streets = 2
    assert result.counts["venues"] == 4 * streets
    assert sorted(Venue.objects.filter(name__endswith="党群服务中心").values_list("owner__code", flat=True)) == [
        "union", "union"]
    assert result.counts["activities"] == Activity.objects.count() == ACTIVITY_COUNT
    assert Activity.objects.filter(status="draft").count() == 4
    assert result.counts["registrations"] == Registration.objects.count() > 0
    assert result.counts["checkins"] + result.counts["walk_ins"] == CheckIn.objects.count() > 0
    active = list(Booking.objects.filter(status="active"))
    for i, a in enumerate(active):
        for b in active[i + 1:]:
            assert a.venue_id != b.venue_id or not overlaps(a.block_start, a.block_end, b.block_start, b.block_end)
    for activity in Activity.objects.all():
        confirmed = activity.registrations.filter(status="confirmed").count()
        assert confirmed <= activity.capacity
    again = seed_activities(world.district, random.Random(7))
    assert again.created is False
    assert Activity.objects.count() == ACTIVITY_COUNT
