import io
from datetime import date

import pytest
from docx import Document
from docx.oxml.ns import qn

from quntuan.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from quntuan.core.testing import make_resident, make_staff
from quntuan.volunteers import documents, queries, services
from quntuan.volunteers.models import TrainingOutcome
from quntuan.volunteers.tests.conftest import at


@pytest.fixture
def served(world):
    services.shift_signup(user=world.resident, shift=world.shift)
    world.clock.move_to(at(5, 13))
    record = services.hours_report(user=world.resident, shift=world.shift, minutes=150)
    services.hours_confirm(actor=world.youth_staff, record=record)
    return world


def issue(world, **kw):
    fields = {"actor": world.youth_staff, "volunteer": world.volunteer, "organization": world.youth,
              "responsible_person": "李书记", "handler": "团委小李", "contact": "010-12345678",
              "today": date(2026, 12, 6)}
    fields.update(kw)
    return services.certificate_issue(**fields)


def test_certificate_fields_and_docx(served):
    cert = issue(served)
    assert cert.number == f"ZYFW2026{cert.pk:07d}"
    assert (cert.real_name, cert.id_masked, cert.minutes, cert.content) == (
        "张三", "110***********1239", 150, "社区助老志愿服务·助老陪护")
    assert (cert.period_start, cert.period_end) == (date(2026, 12, 5), date(2026, 12, 5))
    doc = Document(io.BytesIO(documents.certificate_docx(cert)))
    table = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert table == {
        "姓名": "张三", "证件类型": "居民身份证", "证件号码": "110***********1239",
        "志愿者编号": served.volunteer.number, "服务时间": "2026年12月05日 至 2026年12月05日",
        "志愿服务时长": "2 小时 30 分钟(共 150 分钟)", "服务内容": "社区助老志愿服务·助老陪护",
        "出具组织": "共青团区委", "负责人": "李书记", "经办人": "团委小李", "联系方式": "010-12345678",
        "证明编号": cert.number, "出具日期": "2026年12月06日",
    }
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "志愿服务证明" in text
    assert "110105199003071239" not in text + "".join(table.values())
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "宋体"
    assert doc.styles["Normal"].element.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_certificate_only_counts_own_org_and_needs_hours(served):
    with pytest.raises(ApplicationError, match="没有经本组织确认的服务时长"):
        issue(served, actor=served.union_staff, organization=served.union)
    with pytest.raises(PermissionDenied, match="只有出具组织的工作人员"):
        issue(served, actor=served.union_staff)
    with pytest.raises(ApplicationError, match="请填写负责人"):
        issue(served, responsible_person=" ")


def test_certificate_lookup(served):
    cert = issue(served)
    assert services.certificate_lookup(cert.number.lower()) == cert
    with pytest.raises(NotFound, match="未查到该编号的志愿服务证明"):
        services.certificate_lookup("ZYFW20269999999")


@pytest.fixture
def course(world):
    c = services.course_create(actor=world.union_staff, organization=world.union, title="电工技能提升班",
                               audience="下岗职工")
    for day in (2, 3, 4, 7, 8):
        services.session_add(actor=world.union_staff, course=c, start=at(day, 9), end=at(day, 11))
    return c


def test_resident_enrols_themself_once(world, course):
    person = make_resident(world.district, name="丁")
    first = services.enrollment_self(trainee=person, course=course)
    again = services.enrollment_self(trainee=person, course=course)
    assert first.pk == again.pk
    assert course.enrollments.filter(trainee=person).count() == 1
    with pytest.raises(ApplicationError, match="学员须是已注册的居民"):
        services.enrollment_self(trainee=world.youth_staff, course=course)


def test_course_completion_and_figures(world, course):
    assert course.completion_percent == 80
    people = [make_resident(world.district, name=n) for n in ("甲", "乙", "丙")]
    enrollments = [services.enrollment_add(actor=world.union_staff, course=course, trainee=p) for p in people]
    with pytest.raises(Conflict, match="已是本课程学员"):
        services.enrollment_add(actor=world.union_staff, course=course, trainee=people[0])
    with pytest.raises(ApplicationError, match="学员须是已注册的居民"):
        services.enrollment_add(actor=world.union_staff, course=course, trainee=world.youth_staff)
    sessions = list(course.sessions.all())
    with pytest.raises(ApplicationError, match="课次尚未开始"):
        services.attendance_set(actor=world.union_staff, session=sessions[0], present_enrollment_ids=[])
    world.clock.move_to(at(8, 12))
    with pytest.raises(PermissionDenied):
        services.attendance_set(actor=world.youth_staff, session=sessions[0], present_enrollment_ids=[])
    # 甲 all 5, 乙 4 of 5 (80 %), 丙 3 of 5
    plan = {0: [0, 1, 2], 1: [0, 1, 2], 2: [0, 1, 2], 3: [0, 1], 4: [0]}
    for i, who in plan.items():
        services.attendance_set(actor=world.union_staff, session=sessions[i],
                                present_enrollment_ids=[enrollments[j].pk for j in who])
    assert services.course_complete(actor=world.union_staff, course=course, today=date(2026, 12, 8)) == 2
    assert services.course_complete(actor=world.union_staff, course=course, today=date(2026, 12, 8)) == 0
    for e in enrollments:
        e.refresh_from_db()
    assert [(e.completed, e.certificate_number) for e in enrollments] == [
        (True, f"PXJY2026{enrollments[0].pk:07d}"), (True, f"PXJY2026{enrollments[1].pk:07d}"), (False, None)]
    world.clock.move_to(at(28, 12))
    with pytest.raises(ApplicationError, match="日期不能晚于今天"):
        services.outcome_record(actor=world.union_staff, enrollment=enrollments[0], kind="reemployed",
                                on=date(2026, 12, 29))
    services.outcome_record(actor=world.union_staff, enrollment=enrollments[0], kind="reemployed",
                            on=date(2026, 12, 20))
    services.outcome_record(actor=world.union_staff, enrollment=enrollments[1], kind="started_business",
                            on=date(2026, 12, 21))
    services.outcome_record(actor=world.union_staff, enrollment=enrollments[2], kind="none", on=date(2026, 12, 21))
    # a second outcome replaces the first
    services.outcome_record(actor=world.union_staff, enrollment=enrollments[2], kind="reemployed",
                            on=date(2026, 12, 22))
    assert TrainingOutcome.objects.count() == 3
    figures = queries.training_figures(organization_ids=[world.union.pk, world.youth.pk], start=date(2026, 12, 1),
                                       end=date(2026, 12, 31))
    f = figures[world.union.pk]
    assert (f.person_times, f.trainees, f.completed, f.reemployed, f.changed_job, f.businesses_started) == (
        12, 3, 2, 2, 0, 1)
    y = figures[world.youth.pk]
    assert (y.person_times, y.trainees, y.completed, y.reemployed) == (0, 0, 0, 0)
    # a period that holds only the first two sessions
    f = queries.training_figures(organization_ids=[world.union.pk], start=date(2026, 12, 2),
                                 end=date(2026, 12, 3))[world.union.pk]
    assert (f.person_times, f.trainees, f.completed, f.reemployed, f.businesses_started) == (6, 3, 0, 0, 0)


def test_course_complete_before_end_refused(world, course):
    with pytest.raises(ApplicationError, match="最后一次课结束后才能办理结业"):
        services.course_complete(actor=world.union_staff, course=course)


def test_course_linked_activity_must_be_training(world):
    with pytest.raises(ApplicationError, match="只能关联“培训课程”类活动"):
        services.course_create(actor=world.youth_staff, organization=world.youth, title="x", activity=world.activity)
    other = make_staff(world.youth)
    with pytest.raises(PermissionDenied):
        services.course_create(actor=other, organization=world.union, title="x")
