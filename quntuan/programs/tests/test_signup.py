"""Sign-up from a notice into its activity; open and sign-up counts on the notice."""

from datetime import date

import pytest

from quntuan.activities import services as activity_services
from quntuan.activities.models import ActivityKind, RegistrationStatus
from quntuan.activities.tests.conftest import NOW, at, clock  # noqa: F401 - the fixed clock fixture
from quntuan.core.exceptions import NotFound
from quntuan.core.testing import make_resident
from quntuan.programs import services
from quntuan.programs.models import FanoutShard
from quntuan.programs.tests.conftest import resident_with


def test_sign_up_from_the_notice(world, clock, django_capture_on_commit_callbacks):  # noqa: F811
    activity = activity_services.activity_create(
        actor=world["union_staff"], primary_host=world["union"],
        data=activity_services.ActivityInput(kind=ActivityKind.TRAINING, title="育婴师培训", start=at(7, 14),
                                             end=at(7, 16), capacity=30, address="区职工服务中心"))
    activity_services.activity_publish(actor=world["union_staff"], activity=activity)
    resident = resident_with(world, employment_status="unemployed", birth_date=date(1990, 1, 1))
    outsider = make_resident(world["district"])
    notice = services.notice_create(actor=world["union_staff"], organization=world["union"], title="育婴师培训报名",
                                    body="免费培训", purpose="employment", activity=activity,
                                    criteria={"attr": "employment_status", "op": "eq", "value": "unemployed"})
    with django_capture_on_commit_callbacks(execute=False):
        services.notice_publish(actor=world["union_staff"], notice=notice, now=NOW)
    services.notice_fanout_batch(shard_id=FanoutShard.objects.get(notice=notice).pk, now=NOW)

    with pytest.raises(NotFound):  # not targeted: cannot use the notice
        services.notice_signup(resident=outsider, notice=notice)
    services.notice_open(resident=resident, notice=notice)
    registration = services.notice_signup(resident=resident, notice=notice)
    assert registration.status == RegistrationStatus.CONFIRMED
    progress = services.notice_progress(notice=notice)
    assert (progress["delivered"], progress["opened"], progress["signed_up"]) == (1, 1, 1)
