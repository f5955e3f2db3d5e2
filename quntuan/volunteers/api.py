"""The volunteers and training API: the resident's own volunteer record, shifts, hours and
certificates; the organizer's shifts, hours confirmation and people served; teams; the public
certificate check; training courses, sessions, attendance, completion, outcomes and figures.

Endpoints stay thin: rows are found through the policies (a row the user may not see is a 404),
state changes go through one service, and an ``ApplicationError`` becomes a 4xx with its Chinese
message."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router

from quntuan.activities.models import Activity, ActivityKind
from quntuan.activities.policies import activity_policy, user_organizations
from quntuan.api.auth import AUTH, AUTH_OPTIONAL, request_user
from quntuan.core.exceptions import ApplicationError, NotFound
from quntuan.core.text import mask_name
from quntuan.organizations.models import Organization
from quntuan.volunteers import queries, rules, services
from quntuan.volunteers.models import (
    Certificate,
    Enrollment,
    ServiceRecord,
    SessionAttendance,
    Shift,
    ShiftSignup,
    TrainingCourse,
    Volunteer,
    VolunteerTeam,
)
from quntuan.volunteers.policies import (
    certificate_policy,
    course_policy,
    enrollment_policy,
    record_policy,
    shift_policy,
    team_policy,
    volunteer_policy,
)
from quntuan.volunteers.schemas import (
    AttendanceIn,
    BulkConfirmIn,
    CertificateIn,
    CertificateOut,
    ConfirmIn,
    CountOut,
    CourseIn,
    CourseOut,
    EnrollIn,
    EnrollmentOut,
    ErrorOut,
    FiguresOut,
    MemberIn,
    OutcomeIn,
    ProfileIn,
    RecordOut,
    RejectIn,
    ReportIn,
    ServedIn,
    ServedOut,
    SessionIn,
    SessionOut,
    ShiftDetailOut,
    ShiftHoursIn,
    ShiftIn,
    ShiftOut,
    SignupOut,
    StatusIn,
    TeamIn,
    TeamOut,
    ValidationErrorOut,
    VerifyOut,
    VolunteerIn,
    VolunteerOut,
)

router = Router(tags=["志愿者与培训"], auth=AUTH)

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}


def _r(ok_status: int, schema) -> dict:
    return {ok_status: schema, **ERRORS}


def _one(qs, pk: int, message: str = "未找到该记录,或您无权查看。"):
    row = qs.filter(pk=pk).first()
    if row is None:
        raise NotFound(message)
    return row


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def _my_org(user, org_id: int) -> Organization:
    org = user_organizations(user).filter(pk=org_id, is_active=True).first()
    if org is None:
        raise ApplicationError("所选组织不存在,或您不是该组织的工作人员。", code="unknown_organization", status=403)
    return org


# --- answers -----------------------------------------------------------------------------------


def _volunteer_out(v: Volunteer) -> dict:
    t = queries.totals(v)
    return {
        "id": v.pk, "number": v.number or "", "real_name": v.real_name, "id_type": v.id_type,
        "id_type_label": v.get_id_type_display(), "id_number_masked": v.masked_id, "skills": v.skills,
        "availability": v.availability, "status": v.status, "status_label": v.get_status_display(),
        "confirmed_minutes": t.minutes, "pending_minutes": t.pending_minutes, "star_level": t.level,
        "star_name": t.star_name, "teams": [{"id": x.pk, "name": x.name} for x in v.teams.all()],
    }


def _shift_out(s: Shift) -> dict:
    taken = getattr(s, "taken", None)
    return {
        "id": s.pk, "activity_id": s.activity_id, "activity_title": s.activity.title, "title": s.title,
        "start": timezone.localtime(s.start), "end": timezone.localtime(s.end), "length_minutes": s.length_minutes,
        "slots": s.slots, "taken": services.shift_taken(s) if taken is None else taken, "team": _ref(s.team),
    }


def _signup_out(s: ShiftSignup) -> dict:
    return {"id": s.pk, "shift_id": s.shift_id, "volunteer_id": s.volunteer_id,
            "volunteer_name": s.volunteer.real_name, "volunteer_number": s.volunteer.number or "",
            "status": s.status}


def _record_out(r: ServiceRecord) -> dict:
    return {
        "id": r.pk, "shift_id": r.shift_id, "activity_id": r.shift.activity_id, "content": r.content,
        "volunteer_id": r.volunteer_id, "volunteer_name": r.volunteer.real_name, "status": r.status,
        "status_label": r.get_status_display(), "reported_minutes": r.reported_minutes, "minutes": r.minutes,
        "note": r.note, "shift_start": timezone.localtime(r.shift.start),
        "shift_end": timezone.localtime(r.shift.end), "confirmed_at": r.confirmed_at,
    }


def _certificate_out(c: Certificate) -> dict:
    return {
        "id": c.pk, "number": c.number or "", "real_name": c.real_name, "id_type_label": c.get_id_type_display(),
        "id_number_masked": c.id_masked, "volunteer_number": c.volunteer_number, "minutes": c.minutes,
        "period_start": c.period_start, "period_end": c.period_end, "content": c.content,
        "organization": _ref(c.organization), "responsible_person": c.responsible_person, "handler": c.handler,
        "contact": c.contact, "issued_on": c.issued_on,
        "download_url": reverse("volunteers:certificate_download", args=[c.pk]),
    }


def _team_out(t: VolunteerTeam) -> dict:
    return {"id": t.pk, "organization": _ref(t.organization), "name": t.name, "description": t.description,
            "members": [{"id": m.pk, "name": m.real_name} for m in t.members.all()]}


def _enrollment_out(e: Enrollment) -> dict:
    outcome = getattr(e, "outcome", None) if hasattr(e, "outcome") else None
    return {
        "id": e.pk, "course_id": e.course_id, "course_title": e.course.title, "trainee_id": e.trainee_id,
        "trainee_name": e.trainee.name, "attended": e.attendance.count(), "completed": e.completed,
        "completed_on": e.completed_on, "certificate_number": e.certificate_number,
        "outcome": outcome.kind if outcome else None, "outcome_label": outcome.get_kind_display() if outcome else None,
        "outcome_on": outcome.on if outcome else None,
    }


def _course_out(c: TrainingCourse) -> dict:
    present = dict(SessionAttendance.objects.filter(session__course=c).values("session_id")
                   .annotate(n=Count("pk"))
                   .values_list("session_id", "n"))
    return {
        "id": c.pk, "organization": _ref(c.organization), "title": c.title, "audience": c.audience,
        "description": c.description, "activity_id": c.activity_id, "completion_percent": c.completion_percent,
        "sessions": [{"id": s.pk, "start": timezone.localtime(s.start), "end": timezone.localtime(s.end),
                      "topic": s.topic, "present": present.get(s.pk, 0)} for s in c.sessions.all()],
        "enrollments": [_enrollment_out(e) for e in c.enrollments.select_related("course", "trainee")],
    }


# --- the resident's own record -----------------------------------------------------------------


def _me(request) -> Volunteer:
    user = request_user(request)
    v = volunteer_policy.visible(user).filter(user=user).first()
    if v is None:
        raise NotFound("您还没有注册为志愿者。")
    return v


@router.get("/me", response=_r(200, VolunteerOut), summary="我的志愿者信息、累计时长与星级")
def me(request):
    return _volunteer_out(_me(request))


@router.post("/me", response=_r(201, VolunteerOut), summary="注册为志愿者")
def register(request, payload: VolunteerIn):
    v = services.volunteer_register(user=request_user(request), real_name=payload.real_name,
                                    id_type=payload.id_type, id_number=payload.id_number, skills=payload.skills,
                                    availability=payload.availability)
    return 201, _volunteer_out(v)


@router.put("/me", response=_r(200, VolunteerOut), summary="修改技能与可服务时间")
def update_me(request, payload: ProfileIn):
    v = services.volunteer_update(actor=request_user(request), volunteer=_me(request), skills=payload.skills,
                                  availability=payload.availability)
    return _volunteer_out(v)


@router.get("/me/records", response=_r(200, list[RecordOut]), summary="我的志愿服务记录")
def my_records(request):
    v = _me(request)
    rows = record_policy.visible(request_user(request)).filter(volunteer=v).select_related("shift", "volunteer")
    return [_record_out(r) for r in rows.order_by("-shift__start", "-id")[:1000]]


@router.get("/me/signups", response=_r(200, list[SignupOut]), summary="我报名的班次")
def my_signups(request):
    return [_signup_out(s) for s in queries.my_signups(_me(request))]


@router.get("/me/certificates", response=_r(200, list[CertificateOut]), summary="我的志愿服务证明")
def my_certificates(request):
    v = _me(request)
    rows = certificate_policy.visible(request_user(request)).filter(volunteer=v).select_related("organization")
    return [_certificate_out(c) for c in rows]


@router.get("/me/trainings", response=_r(200, list[EnrollmentOut]), summary="我参加的培训")
def my_trainings(request):
    user = request_user(request)
    rows = enrollment_policy.visible(user).filter(trainee=user).select_related("course", "trainee")
    return [_enrollment_out(e) for e in rows]


# --- shifts and hours --------------------------------------------------------------------------


@router.get("/shifts", response=_r(200, list[ShiftOut]), auth=AUTH_OPTIONAL, summary="可报名的志愿岗位班次")
def open_shifts(request, activity: Annotated[int | None, Query(title="活动")] = None):
    qs = shift_policy.open_to_residents().filter(activity__kind=ActivityKind.VOLUNTEER)
    if activity:
        qs = qs.filter(activity_id=activity)
    return [_shift_out(s) for s in queries.upcoming_open_shifts(qs)[:500]]


@router.post("/shifts/{int:shift_id}/signup", response=_r(201, SignupOut), summary="报名班次")
def signup(request, shift_id: int):
    shift = _one(shift_policy.open_to_residents(), shift_id, "未找到该班次。")
    return 201, _signup_out(services.shift_signup(user=request_user(request), shift=shift))


@router.post("/signups/{int:signup_id}/cancel", response=_r(200, SignupOut), summary="取消班次报名")
def signup_cancel(request, signup_id: int):
    user = request_user(request)
    qs = ShiftSignup.objects.filter(volunteer__in=volunteer_policy.visible(user).filter(user=user)) | \
        ShiftSignup.objects.filter(shift__in=shift_policy.managed(user))
    signup = _one(qs.select_related("shift", "volunteer"), signup_id, "未找到该报名。")
    return _signup_out(services.shift_signup_cancel(actor=user, signup=signup))


@router.post("/shifts/{int:shift_id}/report", response=_r(201, RecordOut), summary="班次结束后自报服务时长")
def report(request, shift_id: int, payload: ReportIn):
    user = request_user(request)
    shift = _one(shift_policy.visible(user), shift_id, "未找到该班次。")
    record = services.hours_report(user=user, shift=shift, minutes=payload.minutes, note=payload.note)
    return 201, _record_out(record)


def _managed_activity(request, activity_id: int) -> Activity:
    user = request_user(request)
    activity = activity_policy.visible(user).filter(pk=activity_id).first()
    if activity is None:
        raise NotFound("未找到该活动,或您无权查看。")
    return activity


@router.get("/activities/{int:activity_id}/shifts", response=_r(200, list[ShiftDetailOut]),
            summary="活动的班次与报名名单(组织方)")
def activity_shifts(request, activity_id: int):
    user = request_user(request)
    activity = _managed_activity(request, activity_id)
    if not shift_policy.can_manage_activity(user, activity):
        raise NotFound("未找到该活动,或您不是主办单位的工作人员。")
    out = []
    for s in queries.with_taken(activity.volunteer_shifts.select_related("activity", "team")).order_by("start"):
        signups = s.signups.filter(status=ShiftSignup.Status.SIGNED_UP).select_related("volunteer")
        out.append({**_shift_out(s), "signups": [_signup_out(x) for x in signups]})
    return out


@router.post("/activities/{int:activity_id}/shifts", response=_r(201, ShiftOut), summary="添加班次(组织方)")
def shift_create(request, activity_id: int, payload: ShiftIn):
    user = request_user(request)
    team = None
    if payload.team_id is not None:
        team = _one(team_policy.visible(user), payload.team_id, "所选服务队不存在。")
    shift = services.shift_create(actor=user, activity=_managed_activity(request, activity_id), title=payload.title,
                                  start=payload.start, end=payload.end, slots=payload.slots, team=team)
    return 201, _shift_out(shift)


@router.put("/activities/{int:activity_id}/served", response=_r(200, ServedOut), summary="记录服务人数(组织方)")
def served(request, activity_id: int, payload: ServedIn):
    row = services.people_served_record(actor=request_user(request), activity=_managed_activity(request, activity_id),
                                        people_served=payload.people_served, summary=payload.summary)
    return {"activity_id": row.activity_id, "people_served": row.people_served, "summary": row.summary}


@router.post("/shifts/{int:shift_id}/hours", response=_r(200, CountOut), summary="为班次批量记录时长(组织方)")
def shift_hours(request, shift_id: int, payload: ShiftHoursIn):
    user = request_user(request)
    shift = _one(shift_policy.visible(user), shift_id, "未找到该班次。")
    entries = {}
    for e in payload.entries:
        if e.volunteer_id in entries:
            raise ApplicationError("名单中有重复的志愿者。", code="duplicate_entry")
        entries[e.volunteer_id] = e.minutes
    return {"count": services.hours_record_for_shift(actor=user, shift=shift, entries=entries)}


def _record(request, record_id: int) -> ServiceRecord:
    return _one(record_policy.visible(request_user(request)).select_related("shift__activity", "volunteer"),
                record_id)


@router.get("/records", response=_r(200, list[RecordOut]), summary="待确认的服务时长(组织方)")
def pending(request):
    user = request_user(request)
    qs = record_policy.visible(user).filter(shift__activity__in=activity_policy.editable(user).values("pk"))
    return [_record_out(r) for r in queries.pending_records(qs)[:1000]]


@router.post("/records/{int:record_id}/confirm", response=_r(200, RecordOut), summary="确认或更正时长(组织方)")
def confirm(request, record_id: int, payload: ConfirmIn):
    record = services.hours_confirm(actor=request_user(request), record=_record(request, record_id),
                                    minutes=payload.minutes, note=payload.note)
    return _record_out(record)


@router.post("/records/{int:record_id}/reject", response=_r(200, RecordOut), summary="不予认可(组织方)")
def reject(request, record_id: int, payload: RejectIn):
    record = services.hours_reject(actor=request_user(request), record=_record(request, record_id), note=payload.note)
    return _record_out(record)


@router.post("/records/confirm", response=_r(200, CountOut), summary="按自报时长批量确认(组织方)")
def bulk_confirm(request, payload: BulkConfirmIn):
    records = [_record(request, pk) for pk in dict.fromkeys(payload.record_ids)]
    return {"count": services.hours_confirm_many(actor=request_user(request), records=records)}


# --- volunteers (staff), teams, certificates ---------------------------------------------------


@router.get("/volunteers", response=_r(200, list[VolunteerOut]), summary="志愿者名册")
def volunteers(request, q: Annotated[str, Query(title="姓名或编号", max_length=32)] = "",
               limit: Annotated[int, Query(title="条数", ge=1, le=500)] = 100,
               offset: Annotated[int, Query(title="起始", ge=0)] = 0):
    qs = volunteer_policy.visible(request_user(request)).prefetch_related("teams").order_by("id")
    if q:
        qs = qs.filter(real_name__contains=q) | qs.filter(number__iexact=q)
    return [_volunteer_out(v) for v in qs[offset:offset + limit]]


@router.get("/volunteers/{int:volunteer_id}", response=_r(200, VolunteerOut), summary="志愿者详情")
def volunteer_detail(request, volunteer_id: int):
    return _volunteer_out(_one(volunteer_policy.visible(request_user(request)), volunteer_id))


@router.post("/volunteers/{int:volunteer_id}/status", response=_r(200, VolunteerOut), summary="变更志愿者状态")
def volunteer_status(request, volunteer_id: int, payload: StatusIn):
    v = _one(volunteer_policy.visible(request_user(request)), volunteer_id)
    return _volunteer_out(services.volunteer_set_status(actor=request_user(request), volunteer=v,
                                                        status=payload.status, reason=payload.reason))


@router.post("/volunteers/{int:volunteer_id}/certificates", response=_r(201, CertificateOut),
             summary="出具志愿服务证明")
def certificate_issue(request, volunteer_id: int, payload: CertificateIn):
    user = request_user(request)
    v = _one(volunteer_policy.visible(user), volunteer_id)
    c = services.certificate_issue(
        actor=user, volunteer=v, organization=_my_org(user, payload.organization_id),
        responsible_person=payload.responsible_person, handler=payload.handler, contact=payload.contact,
        content=payload.content, period_start=payload.period_start, period_end=payload.period_end,
    )
    return 201, _certificate_out(c)


@router.get("/certificates", response=_r(200, list[CertificateOut]), summary="可见的志愿服务证明")
def certificates(request):
    rows = certificate_policy.visible(request_user(request)).select_related("organization")[:1000]
    return [_certificate_out(c) for c in rows]


@router.get("/verify", response=_r(200, VerifyOut), auth=AUTH_OPTIONAL, summary="核验志愿服务证明编号(公开)")
def verify(request, no: Annotated[str, Query(title="证明编号", max_length=32)]):
    c = services.certificate_lookup(no)
    return {"number": c.number, "name_masked": mask_name(c.real_name), "minutes": c.minutes,
            "hours_text": rules.hours_text(c.minutes), "organization": c.organization.name, "issued_on": c.issued_on}


@router.get("/teams", response=_r(200, list[TeamOut]), summary="志愿服务队")
def teams(request):
    rows = team_policy.visible(request_user(request)).select_related("organization").prefetch_related("members")
    return [_team_out(t) for t in rows]


@router.post("/teams", response=_r(201, TeamOut), summary="建立志愿服务队")
def team_create(request, payload: TeamIn):
    user = request_user(request)
    t = services.team_create(actor=user, organization=_my_org(user, payload.organization_id), name=payload.name,
                             description=payload.description)
    return 201, _team_out(t)


def _team_and_volunteer(request, team_id: int, volunteer_id: int):
    user = request_user(request)
    return (_one(team_policy.visible(user), team_id, "未找到该服务队。"),
            _one(volunteer_policy.visible(user), volunteer_id, "未找到该志愿者。"))


@router.post("/teams/{int:team_id}/members", response=_r(200, TeamOut), summary="加入队员")
def team_add(request, team_id: int, payload: MemberIn):
    team, v = _team_and_volunteer(request, team_id, payload.volunteer_id)
    return _team_out(services.team_add_member(actor=request_user(request), team=team, volunteer=v))


@router.delete("/teams/{int:team_id}/members/{int:volunteer_id}", response=_r(200, TeamOut), summary="移出队员")
def team_remove(request, team_id: int, volunteer_id: int):
    team, v = _team_and_volunteer(request, team_id, volunteer_id)
    return _team_out(services.team_remove_member(actor=request_user(request), team=team, volunteer=v))


# --- training ----------------------------------------------------------------------------------


def _course(request, course_id: int) -> TrainingCourse:
    return _one(course_policy.visible(request_user(request)).select_related("organization"), course_id,
                "未找到该课程。")


@router.get("/courses", response=_r(200, list[CourseOut]), summary="培训课程")
def courses(request, limit: Annotated[int, Query(title="条数", ge=1, le=200)] = 50):
    return [_course_out(c) for c in course_policy.visible(request_user(request)).select_related("organization")[:limit]]


@router.post("/courses", response=_r(201, CourseOut), summary="开设培训课程")
def course_create(request, payload: CourseIn):
    user = request_user(request)
    activity = None
    if payload.activity_id is not None:
        activity = _one(activity_policy.visible(user), payload.activity_id, "未找到该活动。")
    c = services.course_create(actor=user, organization=_my_org(user, payload.organization_id), title=payload.title,
                               audience=payload.audience, description=payload.description, activity=activity,
                               completion_percent=payload.completion_percent)
    return 201, _course_out(c)


@router.get("/courses/{int:course_id}", response=_r(200, CourseOut), summary="课程详情、课次与学员")
def course_detail(request, course_id: int):
    return _course_out(_course(request, course_id))


@router.post("/courses/{int:course_id}/sessions", response=_r(201, SessionOut), summary="添加课次")
def session_add(request, course_id: int, payload: SessionIn):
    s = services.session_add(actor=request_user(request), course=_course(request, course_id), start=payload.start,
                             end=payload.end, topic=payload.topic)
    return 201, {"id": s.pk, "start": timezone.localtime(s.start), "end": timezone.localtime(s.end),
                 "topic": s.topic, "present": 0}


@router.post("/courses/{int:course_id}/enrollments", response=_r(201, EnrollmentOut), summary="按手机号添加学员")
def enroll(request, course_id: int, payload: EnrollIn):
    course = _course(request, course_id)
    e = services.enrollment_add(actor=request_user(request), course=course,
                                trainee=services.trainee_by_mobile(payload.mobile))
    return 201, _enrollment_out(e)


@router.put("/courses/{int:course_id}/sessions/{int:session_id}/attendance", response=_r(200, CountOut),
            summary="登记课次出勤(整单替换)")
def attendance(request, course_id: int, session_id: int, payload: AttendanceIn):
    course = _course(request, course_id)
    session = _one(course.sessions.all(), session_id, "未找到该课次。")
    return {"count": services.attendance_set(actor=request_user(request), session=session,
                                             present_enrollment_ids=payload.enrollment_ids)}


@router.post("/courses/{int:course_id}/complete", response=_r(200, CountOut), summary="办理结业")
def complete(request, course_id: int):
    return {"count": services.course_complete(actor=request_user(request), course=_course(request, course_id))}


@router.put("/enrollments/{int:enrollment_id}/outcome", response=_r(200, EnrollmentOut), summary="记录培训后去向")
def outcome(request, enrollment_id: int, payload: OutcomeIn):
    user = request_user(request)
    e = _one(enrollment_policy.visible(user).filter(course__in=course_policy.visible(user))
             .select_related("course", "trainee"), enrollment_id, "未找到该学员。")
    services.outcome_record(actor=user, enrollment=e, kind=payload.kind, on=payload.on, note=payload.note)
    e.refresh_from_db()
    return _enrollment_out(e)


@router.get("/training/figures", response=_r(200, list[FiguresOut]), summary="培训人次、人数、结业、再就业、创业")
def figures(request, start: Annotated[date, Query(title="起始日期")], end: Annotated[date, Query(title="截止日期")]):
    if end < start:
        raise ApplicationError("截止日期不能早于起始日期。", code="invalid_range")
    org_ids = list(course_policy.visible(request_user(request)).values_list("organization", flat=True).distinct())
    orgs = {o.pk: o for o in Organization.objects.filter(pk__in=org_ids)}
    data = queries.training_figures(organization_ids=sorted(orgs), start=start, end=end)
    return [{"organization": _ref(orgs[pk]), **{k: getattr(f, k) for k in (
        "person_times", "trainees", "completed", "reemployed", "changed_job", "businesses_started")}}
        for pk, f in data.items()]
