from datetime import date, datetime

from quntuan.cases.models import Channel
from quntuan.cases.queries import org_three_rates
from quntuan.cases.services import case_contact, case_rate, case_reply_and_close
from quntuan.cases.tests.core_fixtures import SHANGHAI
from quntuan.organizations.models import DistrictRules

PERIOD = {"start": date(2026, 11, 23), "end": date(2026, 11, 30)}


def _build(world, monday):
    c1 = world.submit()
    c2 = world.submit()
    world.submit()  # c3: never contacted
    c4 = world.submit(channel=Channel.WALK_IN, received_by=world.union_staff)
    case_contact(case=c1, actor=world.union_staff)
    monday.move_to(datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI))  # after c2's first-contact limit
    case_contact(case=c2, actor=world.union_receiver)
    for case in (c1, c2, c4):
        case_reply_and_close(case=case, actor=world.union_staff, result="已办理")
    case_rate(case=c1, actor=world.resident, solved=True, level="satisfied")
    case_rate(case=c2, actor=world.resident, solved=False, level="basic")
    case_rate(case=c4, actor=world.resident, solved=False, level="dissatisfied")  # reopens; still counts
    # Outside the period: received and rated in December.
    monday.move_to(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI))
    late = case_reply_and_close(case=world.submit(), actor=world.union_staff, result="已办理")
    case_rate(case=late, actor=world.resident, solved=True, level="satisfied")
    # Another organization's case does not count for the union.
    world.submit(service=None, organization=world.women)


def test_three_rates_exact(world, monday, django_assert_max_num_queries):
    _build(world, monday)
    with django_assert_max_num_queries(3):
        rates = org_three_rates(organization=world.union, **PERIOD)
    assert rates["counts"] == {"received": 4, "contacted_in_time": 2, "rated": 3, "solved": 1,
                               "satisfied": 1, "basic": 1, "dissatisfied": 1}
    assert rates["response_rate"] == 0.5
    assert rates["resolution_rate"] == 0.3333
    assert rates["satisfaction_rate"] == 0.6667
    assert rates["weights"] == {"response_rate": 30, "resolution_rate": 35, "satisfaction_rate": 35}
    assert rates["score"] == 50.0


def test_weights_come_from_the_district(world, monday):
    _build(world, monday)
    DistrictRules.objects.filter(district=world.district).update(
        weight_response=50, weight_resolution=25, weight_satisfaction=25)
    rates = org_three_rates(organization=world.union, **PERIOD)
    assert rates["score"] == 50.0  # 0.5*50 + 0.3333*25 + 0.6667*25
    DistrictRules.objects.filter(district=world.district).update(
        weight_response=100, weight_resolution=0, weight_satisfaction=0)
    assert org_three_rates(organization=world.union, **PERIOD)["score"] == 50.0


def test_empty_period(world):
    rates = org_three_rates(organization=world.youth, **PERIOD)
    assert (rates["response_rate"], rates["resolution_rate"], rates["satisfaction_rate"], rates["score"]) == (
        None, None, None, None)
    assert rates["counts"]["received"] == 0


def test_only_response_known(world):
    world.submit()
    rates = org_three_rates(organization=world.union, **PERIOD)
    assert (rates["response_rate"], rates["resolution_rate"], rates["score"]) == (0.0, None, 0.0)
