import pytest

from quntuan.core.testing import make_community, make_district, make_org, make_resident, make_staff
from quntuan.programs import services


@pytest.fixture
def world(db):
    district = make_district()
    a = make_community(district, "幸福社区")
    b = make_community(district, "和平社区")
    union = make_org(district, "union")
    women = make_org(district, "women")
    return {"district": district, "a": a, "b": b, "union": union, "women": women,
            "union_staff": make_staff(union), "women_staff": make_staff(women)}


def resident_with(world, *, community=None, consent=("employment",), **attrs):
    resident = make_resident(world["district"], community=community or world["a"])
    if consent:
        services.consent_grant(resident=resident, purposes=list(consent))
    if attrs:
        services.profile_update(resident=resident, attributes=attrs)
    return resident
