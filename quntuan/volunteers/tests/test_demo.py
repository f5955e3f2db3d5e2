import random

import pytest
from django.db.models import Count, F

from quntuan.activities.demo import seed_activities
from quntuan.core.testing import make_community, make_district, make_org, make_resident, make_staff
from quntuan.volunteers import queries
from quntuan.volunteers.demo import seed_volunteers
from quntuan.volunteers.models import Certificate, Enrollment, ServiceRecord, Shift, Volunteer


@pytest.fixture
def district(db):
    d = make_district("演示区")
    community = make_community(d, "和平社区")
    for code in ("union", "youth", "women", "disabled"):
        org = make_org(d, code)
        make_staff(org, leader=True)
        make_staff(org)
    for _ in range(80):
        make_resident(d, community=community)
    return d


def test_seed_volunteers(district):
    seed_activities(district, random.Random(3))
    result = seed_volunteers(district, random.Random(7))
    assert result.created
    assert result.refused == []
    c = result.counts
    assert c["volunteers"] == Volunteer.objects.filter(district=district).count() == 48
    assert c["teams"] == 4
    assert c["certificates"] == Certificate.objects.count() >= 1
    assert c["courses"] == 4 and c["completed"] == Enrollment.objects.filter(completed=True).count() > 0
    # invariants: places never exceeded, minutes never over the shift length
    over = Shift.objects.annotate(n=Count("signups")).filter(n__gt=F("slots"))
    assert list(over) == []
    assert not any(r.minutes > r.shift.length_minutes for r in ServiceRecord.objects.select_related("shift"))
    levels = [queries.totals(v).level for v in Volunteer.objects.filter(district=district)]
    assert max(levels) >= 1
    assert seed_volunteers(district, random.Random(7)).created is False
