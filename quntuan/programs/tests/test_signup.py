"""Sign-up from a notice into its activity, training course or service; open and sign-up counts
on the notice."""

from datetime import date

import pytest

from quntuan.activities import services as activity_services
from quntuan.activities.models import ActivityKind, RegistrationStatus
from quntuan.activities.tests.conftest import NOW, at, clock  # noqa: F401 - the fixed clock fixture
from quntuan.core.exceptions import ApplicationError, Conflict, NotFound
from quntuan.core.testing import make_resident, make_service, make_staff
from quntuan.programs import services
from quntuan.programs.models import FanoutShard, NoticeDelivery
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


def _published(world, clock_now, **target):
    notice = services.notice_create(actor=world["union_staff"], organization=world["union"], title="培训与服务",
                                    body="欢迎报名", purpose="employment",
                                    criteria={"attr": "employment_status", "op": "eq", "value": "unemployed"},
                                    **target)
    services.notice_publish(actor=world["union_staff"], notice=notice, now=clock_now)  # on_commit never runs here
    services.notice_fanout_batch(shard_id=FanoutShard.objects.get(notice=notice).pk, now=clock_now)
    return notice


def test_sign_up_into_a_training_course(world, clock):  # noqa: F811
    from quntuan.volunteers.models import Enrollment
    from quntuan.volunteers.services import course_create

    course = course_create(actor=world["union_staff"], organization=world["union"], title="育婴师培训班",
                           audience="失业人员")
    resident = resident_with(world, employment_status="unemployed")
    notice = _published(world, NOW, course=course)
    enrollment = services.notice_signup(resident=resident, notice=notice)
    assert Enrollment.objects.get() == enrollment
    assert (enrollment.course, enrollment.trainee) == (course, resident)
    delivery = NoticeDelivery.objects.get(notice=notice, resident=resident)
    assert delivery.signup_ref == f"course:{enrollment.pk}"
    assert services.notice_progress(notice=notice)["signed_up"] == 1
    with pytest.raises(Conflict) as exc:
        services.notice_signup(resident=resident, notice=notice)
    assert exc.value.message == "您已通过这条推送报名,无需重复报名。"
    assert Enrollment.objects.count() == 1


def test_sign_up_for_a_service_opens_a_case_for_its_organization(world, clock):  # noqa: F811
    from quntuan.cases.models import Case

    make_staff(world["union"], on_duty=True)
    service = make_service(world["union"], name="职工技能培训补贴申领")
    resident = resident_with(world, employment_status="unemployed")
    notice = _published(world, NOW, service=service)
    case = services.notice_signup(resident=resident, notice=notice)
    assert Case.objects.get() == case
    assert (case.requester, case.service, case.handling_org, case.title) == (
        resident, service, world["union"], "申请服务:职工技能培训补贴申领")
    assert "培训与服务" in case.content
    assert NoticeDelivery.objects.get(notice=notice).signup_ref == case.tracking_no
    assert services.notice_progress(notice=notice)["signed_up"] == 1


def test_a_notice_has_at_most_one_sign_up_target_of_its_own_organization(world):
    from quntuan.volunteers.services import course_create

    criteria = {"attr": "employment_status", "op": "eq", "value": "unemployed"}
    women_course = course_create(actor=world["women_staff"], organization=world["women"], title="巾帼创业培训")
    with pytest.raises(ApplicationError) as exc:
        services.notice_create(actor=world["union_staff"], organization=world["union"], title="t", body="b",
                               purpose="employment", criteria=criteria, course=women_course)
    assert exc.value.message == "只能邀请报名本组织的培训课程。"
    union_course = course_create(actor=world["union_staff"], organization=world["union"], title="电工培训")
    with pytest.raises(ApplicationError) as exc:
        services.notice_create(actor=world["union_staff"], organization=world["union"], title="t", body="b",
                               purpose="employment", criteria=criteria, course=union_course,
                               service=make_service(world["union"]))
    assert exc.value.message == "报名对象只能选一项:活动、培训课程或服务。"
