"""A demo-like district for the work report: the cases test world (clock on Monday
2026-11-23 10:00, Beijing) plus activities, volunteer service, training and ledgers in November."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from quntuan.activities.models import Activity, ActivityKind, ActivityStatus, CheckIn
from quntuan.assessment.models import Budget, Cadre, CadreTraining, MediaReport, Post
from quntuan.cases.services import case_contact, case_rate, case_reply_and_close
from quntuan.cases.tests.core_fixtures import SHANGHAI, monday, world  # noqa: F401
from quntuan.volunteers.models import (
    ActivityServiceSummary,
    Enrollment,
    ServiceRecord,
    SessionAttendance,
    Shift,
    TrainingCourse,
    TrainingOutcome,
    TrainingSession,
    Volunteer,
)
from quntuan.volunteers.tests.conftest import next_id_number


def at(day: int, hour: int = 9, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


def add_volunteer_activity(w, *, day: int = 10, served: int = 40, walk_ins: int = 3, minutes: int = 150):
    activity = Activity.objects.create(
        district=w.district, primary_host=w.youth, kind=ActivityKind.VOLUNTEER, title="社区助老志愿服务",
        start=at(day), end=at(day, 12), capacity=30, address="幸福社区广场", status=ActivityStatus.PUBLISHED,
    )
    activity.hosts.add(w.youth)
    for i in range(walk_ins):
        CheckIn.objects.create(activity=activity, walk_in_name=f"现场{i}", walk_in_mobile=f"1370000{i:04d}")
    ActivityServiceSummary.objects.create(activity=activity, people_served=served)
    shift = Shift.objects.create(activity=activity, title="助老陪护", start=at(day), end=at(day, 12), slots=2)
    volunteer = Volunteer.objects.filter(user=w.resident).first() or Volunteer.objects.create(
        user=w.resident, district=w.district, real_name="张三", id_number=next_id_number())
    ServiceRecord.objects.create(shift=shift, volunteer=volunteer, status=ServiceRecord.Status.CONFIRMED,
                                 minutes=minutes, content="助老陪护")
    return activity


def build_demo(w):
    # Cases: three received by the union in November, two closed, one rated.
    c1, c2, _c3 = w.submit(), w.submit(), w.submit()
    case_contact(case=c1, actor=w.union_staff)
    case_contact(case=c2, actor=w.union_staff)
    case_reply_and_close(case=c1, actor=w.union_staff, result="已办理")
    case_reply_and_close(case=c2, actor=w.union_staff, result="已办理")
    case_rate(case=c1, actor=w.resident, solved=True, level="satisfied")
    # Activities and volunteer service.
    add_volunteer_activity(w)
    # Training by the union: two trainees at one session, one re-employed.
    course = TrainingCourse.objects.create(organization=w.union, title="职工技能提升")
    session = TrainingSession.objects.create(course=course, start=at(12), end=at(12, 11))
    for resident in (w.resident, w.other_resident):
        enrollment = Enrollment.objects.create(course=course, trainee=resident)
        SessionAttendance.objects.create(session=session, enrollment=enrollment)
    TrainingOutcome.objects.create(enrollment=Enrollment.objects.get(course=course, trainee=w.resident),
                                   kind=TrainingOutcome.Kind.REEMPLOYED, on=date(2026, 11, 20))
    # Ledgers.
    MediaReport.objects.create(district=w.district, organization=w.union, title="工会服务进社区", outlet="市报",
                               published_on=date(2026, 11, 5), level=MediaReport.Level.CITY)
    MediaReport.objects.create(district=w.district, organization=w.youth, title="青年志愿者助老", outlet="市台",
                               published_on=date(2026, 11, 6), level=MediaReport.Level.CITY)
    MediaReport.objects.create(district=w.district, organization=w.union, title="一站式服务", outlet="省报",
                               published_on=date(2026, 11, 7), level=MediaReport.Level.PROVINCIAL)
    Budget.objects.create(organization=w.union, year=2025, amount=Decimal("100000"))
    Budget.objects.create(organization=w.union, year=2026, amount=Decimal("115000"))
    CadreTraining.objects.create(district=w.district, organization=w.union, title="基层干部培训班",
                                 start=date(2026, 11, 3), trainees=30)
    Post.objects.create(organization=w.union, name="工作人员", kind=Post.Kind.ESTABLISHED, authorized=5, filled=4)
    Cadre.objects.create(organization=w.youth, name="钱挂职", kind=Cadre.Kind.SECONDED, start=date(2026, 1, 1))
    return w


@pytest.fixture
def demo(world):  # noqa: F811
    return build_demo(world)
