"""Pages: the resident's "我的志愿" (hours, star level, shifts, certificates, reporting hours),
open shifts, the public certificate check, and the staff pages for volunteers, teams, shifts,
hours confirmation, certificates and training records.

Views stay thin: rows come through the policies, every change goes through one service. When a
service refuses, the page the form came from is shown again with the Chinese message and the
refusal's 4xx status."""

from __future__ import annotations

from datetime import date, datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import resolve, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from quntuan.accounts.decorators import staff_required
from quntuan.activities.models import Activity, ActivityKind
from quntuan.activities.policies import activity_policy, user_organizations
from quntuan.core.exceptions import ApplicationError, NotFound
from quntuan.core.text import mask_name
from quntuan.volunteers import documents, queries, rules, services
from quntuan.volunteers.models import (
    Enrollment,
    IdType,
    ServiceRecord,
    ShiftSignup,
    TrainingOutcome,
    Volunteer,
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

# --- helpers -----------------------------------------------------------------------------------


def _rerender(request, url: str, status: int):
    """Show the page at ``url`` (a GET view of this app) for this request with ``status``."""
    match = resolve(url.split("?")[0])
    request.method = "GET"
    response = match.func(request, *match.args, **match.kwargs)
    response.status_code = status
    return response


def action(back):
    """For POST views: an ApplicationError becomes a message on the page ``back(request, **kw)``
    shown again with the error's 4xx status; success redirects there."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            url = back(request, *args, **kwargs)
            try:
                message = view(request, *args, **kwargs)
            except ApplicationError as exc:
                messages.error(request, exc.message)
                return _rerender(request, url, exc.status_code)
            if message:
                messages.success(request, message)
            return redirect(url)

        return wrapper

    return decorator


def _int(value) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if n > 0 else None


def _dt(value: str | None, label: str) -> datetime:
    try:
        naive = datetime.fromisoformat((value or "").strip())
    except ValueError:
        raise ApplicationError(f"请填写正确的{label}。", code="invalid_time") from None
    if timezone.is_aware(naive):
        return naive
    return timezone.make_aware(naive, timezone.get_current_timezone())


def _date(value: str | None, label: str, *, required: bool = True) -> date | None:
    if not (value or "").strip():
        if required:
            raise ApplicationError(f"请填写{label}。", code="required")
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ApplicationError(f"请填写正确的{label}(年-月-日)。", code="invalid_date") from None


def _my_volunteer(user) -> Volunteer | None:
    return volunteer_policy.visible(user).filter(user=user).first()


def _get(qs, pk, message="未找到该记录,或您无权查看。"):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise NotFound(message)
    return obj


def _org_choice(request, orgs):
    org_id = _int(request.POST.get("organization"))
    org = next((o for o in orgs if o.pk == org_id), None)
    if org is None:
        raise ApplicationError("请选择本人所在的组织。", code="invalid_organization")
    return org


# --- resident ----------------------------------------------------------------------------------


@login_required
@require_GET
def mine(request):
    volunteer = _my_volunteer(request.user)
    context = {"volunteer": volunteer, "id_types": IdType.choices, "now": timezone.now()}
    if volunteer is not None:
        signups = queries.my_signups(volunteer)
        done = [s for s in signups if s.record and s.record.status != ServiceRecord.Status.REPORTED]
        context.update(
            totals=queries.totals(volunteer),
            signups=[s for s in signups if s not in done],
            history=done[:5], history_more=done[5:],
            certificates=certificate_policy.visible(request.user).filter(volunteer=volunteer)
            .select_related("organization"),
            teams=volunteer.teams.select_related("organization"),
        )
    context["enrollments"] = (enrollment_policy.visible(request.user).filter(trainee=request.user)
                              .select_related("course", "course__organization").order_by("-id"))
    return render(request, "volunteers/pages/mine.html", context)


def _mine_url(request, *args, **kwargs) -> str:
    return reverse("volunteers:mine")


@login_required
@require_POST
@action(_mine_url)
def register(request):
    services.volunteer_register(
        user=request.user, real_name=request.POST.get("real_name", ""), id_type=request.POST.get("id_type", ""),
        id_number=request.POST.get("id_number", ""), skills=request.POST.get("skills", ""),
        availability=request.POST.get("availability", ""),
    )
    return "注册成功,欢迎加入志愿者队伍!"


@login_required
@require_POST
@action(_mine_url)
def profile(request):
    volunteer = _my_volunteer(request.user)
    if volunteer is None:
        raise NotFound("请先注册为志愿者。")
    services.volunteer_update(actor=request.user, volunteer=volunteer, skills=request.POST.get("skills", ""),
                              availability=request.POST.get("availability", ""))
    return "已保存。"


@require_GET
def shifts(request):
    rows = queries.upcoming_open_shifts(shift_policy.open_to_residents().filter(activity__kind=ActivityKind.VOLUNTEER))
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    volunteer = _my_volunteer(request.user) if request.user.is_authenticated else None
    mine_ids = set(volunteer.signups.filter(status=ShiftSignup.Status.SIGNED_UP).values_list("shift_id", flat=True)) \
        if volunteer else set()
    return render(request, "volunteers/pages/shifts.html",
                  {"page_obj": page, "shifts": page.object_list, "volunteer": volunteer, "mine_ids": mine_ids})


def _shifts_url(request, *args, **kwargs) -> str:
    return reverse("volunteers:shifts")


@login_required
@require_POST
@action(_shifts_url)
def signup(request, pk: int):
    shift = _get(shift_policy.open_to_residents(), pk, "未找到该班次。")
    services.shift_signup(user=request.user, shift=shift)
    return f"已报名“{shift.title}”,请按时到岗。"


@login_required
@require_POST
@action(_mine_url)
def signup_cancel(request, pk: int):
    signup = ShiftSignup.objects.filter(pk=pk, volunteer__in=volunteer_policy.visible(request.user)
                                        .filter(user=request.user)).first()
    if signup is None:
        raise NotFound("未找到该报名。")
    services.shift_signup_cancel(actor=request.user, signup=signup)
    return "已取消报名。"


@login_required
@require_POST
@action(_mine_url)
def report(request, pk: int):
    shift = _get(shift_policy.visible(request.user), pk, "未找到该班次。")
    minutes = request.POST.get("minutes", "")
    hours = request.POST.get("hours", "")
    if hours.strip() and not minutes.strip():
        try:
            minutes = round(float(hours) * 60)
        except ValueError:
            raise ApplicationError("服务时长必须是数字。", code="invalid_minutes") from None
    services.hours_report(user=request.user, shift=shift, minutes=minutes, note=request.POST.get("note", ""))
    return "已提交服务时长,等待组织方确认。"


@login_required
@require_GET
def certificate_download(request, pk: int):
    certificate = _get(certificate_policy.visible(request.user).select_related("organization"), pk,
                       "未找到该证明,或您无权查看。")
    data = documents.certificate_docx(certificate,
                                      verify_url=request.build_absolute_uri(reverse("volunteers:verify")))
    if request.GET.get("format") == "pdf":
        pdf = documents.docx_to_pdf(data)
        if pdf is None:
            raise ApplicationError("服务器未安装 PDF 转换组件,请下载 Word 版。", code="pdf_unavailable", status=404)
        response = HttpResponse(pdf, content_type="application/pdf")
        ext = "pdf"
    else:
        response = HttpResponse(data, content_type=documents.DOCX_TYPE)
        ext = "docx"
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.{ext}"'
    return response


@require_GET
def verify(request):
    number = request.GET.get("no", "").strip()
    context = {"number": number, "certificate": None, "error": ""}
    status = 200
    if number:
        try:
            certificate = services.certificate_lookup(number)
            context.update(certificate=certificate, masked_name=mask_name(certificate.real_name),
                           hours=rules.hours_text(certificate.minutes))
        except ApplicationError as exc:
            context["error"] = exc.message
            status = exc.status_code
    return render(request, "volunteers/pages/verify.html", context, status=status)


# --- staff: volunteers and teams ---------------------------------------------------------------


@staff_required
@require_GET
def staff_volunteers(request):
    qs = volunteer_policy.visible(request.user).select_related("user").order_by("-id")
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(Q(real_name__contains=q) | Q(number__iexact=q) | Q(skills__contains=q))
    status = request.GET.get("status")
    if status in Volunteer.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    minutes = queries.confirmed_minutes_by_volunteer([v.pk for v in page.object_list])
    stars = {}
    for v in page.object_list:
        if v.district_id not in stars:
            stars[v.district_id] = services.district_rules(v.district_id).star_hours
        v.minutes = minutes.get(v.pk, 0)
        v.level = rules.star_level(v.minutes, stars[v.district_id])
    return render(request, "volunteers/pages/staff_volunteers.html",
                  {"page_obj": page, "volunteers": page.object_list, "q": q, "status": status,
                   "statuses": Volunteer.Status.choices})


def _volunteer_url(request, pk, *args, **kwargs) -> str:
    return reverse("volunteers:staff_volunteer", args=[pk])


@staff_required
@require_GET
def staff_volunteer(request, pk: int):
    volunteer = _get(volunteer_policy.visible(request.user).select_related("user"), pk)
    records = volunteer.records.select_related("shift", "shift__activity").order_by("-shift__start")
    orgs = list(user_organizations(request.user))
    return render(request, "volunteers/pages/staff_volunteer.html", {
        "volunteer": volunteer, "totals": queries.totals(volunteer), "records": records,
        "certificates": volunteer.certificates.select_related("organization"),
        "teams": team_policy.visible(request.user).select_related("organization"),
        "orgs": orgs, "statuses": Volunteer.Status.choices,
        "can_manage": volunteer_policy.can_manage(request.user, volunteer),
        "events": volunteer.events.select_related("actor").order_by("-at", "-id")[:20],
        "today": timezone.localdate(),
    })


@staff_required
@require_POST
@action(_volunteer_url)
def staff_volunteer_status(request, pk: int):
    volunteer = _get(volunteer_policy.visible(request.user), pk)
    services.volunteer_set_status(actor=request.user, volunteer=volunteer, status=request.POST.get("status", ""),
                                  reason=request.POST.get("reason", ""))
    return "状态已更新。"


@staff_required
@require_POST
@action(_volunteer_url)
def certificate_issue(request, pk: int):
    volunteer = _get(volunteer_policy.visible(request.user), pk)
    org = _org_choice(request, list(user_organizations(request.user)))
    certificate = services.certificate_issue(
        actor=request.user, volunteer=volunteer, organization=org,
        responsible_person=request.POST.get("responsible_person", ""), handler=request.POST.get("handler", ""),
        contact=request.POST.get("contact", ""), content=request.POST.get("content", ""),
        period_start=_date(request.POST.get("period_start"), "起始日期", required=False),
        period_end=_date(request.POST.get("period_end"), "截止日期", required=False),
    )
    return f"已出具志愿服务证明 {certificate.number}。"


@staff_required
@require_GET
def staff_teams(request):
    teams = team_policy.visible(request.user).select_related("organization").prefetch_related("members")
    return render(request, "volunteers/pages/staff_teams.html",
                  {"teams": teams, "orgs": list(user_organizations(request.user))})


def _teams_url(request, *args, **kwargs) -> str:
    return reverse("volunteers:staff_teams")


@staff_required
@require_POST
@action(_teams_url)
def team_create(request):
    org = _org_choice(request, list(user_organizations(request.user)))
    team = services.team_create(actor=request.user, organization=org, name=request.POST.get("name", ""),
                                description=request.POST.get("description", ""))
    return f"已建立“{team.name}”。"


@staff_required
@require_POST
@action(_teams_url)
def team_member(request, pk: int):
    team = _get(team_policy.visible(request.user), pk)
    number = request.POST.get("number", "").strip().upper()
    volunteer = volunteer_policy.visible(request.user).filter(number=number).first()
    if volunteer is None:
        raise NotFound("未找到该编号的志愿者。")
    if request.POST.get("remove"):
        services.team_remove_member(actor=request.user, team=team, volunteer=volunteer)
        return f"已将{volunteer.real_name}移出“{team.name}”。"
    services.team_add_member(actor=request.user, team=team, volunteer=volunteer)
    return f"已将{volunteer.real_name}加入“{team.name}”。"


# --- staff: shifts, hours, people served -------------------------------------------------------


@staff_required
@require_GET
def staff_activities(request):
    activities = (activity_policy.editable(request.user).filter(kind=ActivityKind.VOLUNTEER)
                  .select_related("primary_host").order_by("-start"))
    page = Paginator(activities, 20).get_page(request.GET.get("page"))
    ids = [a.pk for a in page.object_list]
    served = queries.people_served(ids)
    for a in page.object_list:
        a.people_served = served.get(a.pk)
        a.shift_count = a.volunteer_shifts.count()
    return render(request, "volunteers/pages/staff_activities.html", {"page_obj": page, "activities": page.object_list})


def _activity_url(request, pk, *args, **kwargs) -> str:
    return reverse("volunteers:staff_activity", args=[pk])


def _managed_activity(user, pk: int) -> Activity:
    activity = activity_policy.editable(user).filter(pk=pk, kind=ActivityKind.VOLUNTEER).first()
    if activity is None:
        raise NotFound("未找到该志愿服务活动,或您不是主办单位的工作人员。")
    return activity


@staff_required
@require_GET
def staff_activity(request, pk: int):
    activity = _managed_activity(request.user, pk)
    shift_rows = list(queries.with_taken(activity.volunteer_shifts.select_related("team")).order_by("start", "id"))
    for shift in shift_rows:
        signups = list(shift.signups.filter(status=ShiftSignup.Status.SIGNED_UP).select_related("volunteer"))
        records = {r.volunteer_id: r for r in shift.records.all()}
        shift.rows = [(s, records.get(s.volunteer_id)) for s in signups]
        shift.ended = shift.end <= timezone.now()
    summary = getattr(activity, "volunteer_summary", None) if hasattr(activity, "volunteer_summary") else None
    return render(request, "volunteers/pages/staff_activity.html", {
        "activity": activity, "shifts": shift_rows, "summary": summary,
        "teams": team_policy.visible(request.user).filter(organization__district_id=activity.district_id),
        "default_start": timezone.localtime(activity.start).strftime("%Y-%m-%dT%H:%M"),
        "default_end": timezone.localtime(activity.end).strftime("%Y-%m-%dT%H:%M"),
    })


@staff_required
@require_POST
@action(_activity_url)
def shift_create(request, pk: int):
    activity = _managed_activity(request.user, pk)
    team_id = _int(request.POST.get("team"))
    team = team_policy.visible(request.user).filter(pk=team_id).first() if team_id else None
    slots = request.POST.get("slots", "")
    shift = services.shift_create(actor=request.user, activity=activity, title=request.POST.get("title", ""),
                                  start=_dt(request.POST.get("start"), "开始时间"),
                                  end=_dt(request.POST.get("end"), "结束时间"), slots=slots, team=team)
    return f"已添加班次“{shift.title}”。"


@staff_required
@require_POST
@action(_activity_url)
def people_served(request, pk: int):
    activity = _managed_activity(request.user, pk)
    services.people_served_record(actor=request.user, activity=activity,
                                  people_served=request.POST.get("people_served", ""),
                                  summary=request.POST.get("summary", ""))
    return "已记录服务人数。"


def _shift_activity_url(request, pk, *args, **kwargs) -> str:
    shift = shift_policy.managed(request.user).filter(pk=pk).first()
    if shift is None:
        raise Http404("未找到该班次。")
    return reverse("volunteers:staff_activity", args=[shift.activity_id])


@staff_required
@require_POST
@action(_shift_activity_url)
def shift_hours(request, pk: int):
    shift = _get(shift_policy.managed(request.user), pk, "未找到该班次。")
    entries = {}
    for key, value in request.POST.items():
        if key.startswith("minutes_") and value.strip():
            volunteer_id = _int(key.removeprefix("minutes_"))
            if volunteer_id is None:
                raise ApplicationError("提交的名单有误。", code="invalid_entry")
            entries[volunteer_id] = value.strip()
    if not entries:
        raise ApplicationError("请至少为一名志愿者填写服务时长(分钟)。", code="required")
    changed = services.hours_record_for_shift(actor=request.user, shift=shift, entries=entries)
    return f"已记录 {changed} 人的服务时长。"


@staff_required
@require_GET
def staff_hours(request):
    pending = queries.pending_records(record_policy.visible(request.user)
                                      .filter(shift__activity__in=activity_policy.editable(request.user).values("pk")))
    page = Paginator(pending, 50).get_page(request.GET.get("page"))
    return render(request, "volunteers/pages/staff_hours.html", {"page_obj": page, "records": page.object_list})


def _hours_url(request, *args, **kwargs) -> str:
    return reverse("volunteers:staff_hours")


@staff_required
@require_POST
@action(_hours_url)
def hours_bulk_confirm(request):
    ids = [i for i in (_int(x) for x in request.POST.getlist("record")) if i]
    if not ids:
        raise ApplicationError("请先勾选要确认的记录。", code="required")
    records = list(record_policy.visible(request.user).filter(pk__in=ids).select_related("shift__activity",
                                                                                        "volunteer"))
    if len(records) != len(set(ids)):
        raise NotFound("所选记录中有不存在或无权处理的记录。")
    count = services.hours_confirm_many(actor=request.user, records=records)
    return f"已确认 {count} 条服务时长。"


@staff_required
@require_POST
@action(_hours_url)
def hours_decide(request, pk: int):
    record = _get(record_policy.visible(request.user).select_related("shift__activity", "volunteer"), pk)
    if request.POST.get("decision") == "reject":
        services.hours_reject(actor=request.user, record=record, note=request.POST.get("note", ""))
        return f"已将{record.volunteer.real_name}的时长标为不予认可。"
    raw = request.POST.get("minutes", "").strip()
    services.hours_confirm(actor=request.user, record=record, minutes=raw if raw else None,
                           note=request.POST.get("note", ""))
    return f"已确认{record.volunteer.real_name}的服务时长。"


@staff_required
@require_GET
def staff_certificates(request):
    qs = certificate_policy.visible(request.user).select_related("organization", "volunteer")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "volunteers/pages/staff_certificates.html",
                  {"page_obj": page, "certificates": page.object_list})


# --- staff: training ---------------------------------------------------------------------------


@staff_required
@require_GET
def staff_courses(request):
    courses = course_policy.visible(request.user).select_related("organization", "activity")
    page = Paginator(courses, 20).get_page(request.GET.get("page"))
    orgs = list(user_organizations(request.user))
    training_activities = (activity_policy.editable(request.user).filter(kind=ActivityKind.TRAINING)
                           .order_by("-start")[:50])
    return render(request, "volunteers/pages/staff_courses.html",
                  {"page_obj": page, "courses": page.object_list, "orgs": orgs,
                   "training_activities": training_activities})


def _courses_url(request, *args, **kwargs) -> str:
    return reverse("volunteers:staff_courses")


@staff_required
@require_POST
@action(_courses_url)
def course_create(request):
    org = _org_choice(request, list(user_organizations(request.user)))
    activity_id = _int(request.POST.get("activity"))
    activity = activity_policy.editable(request.user).filter(pk=activity_id).first() if activity_id else None
    if activity_id and activity is None:
        raise ApplicationError("所选活动不存在或不是本单位主办的活动。", code="unknown_activity")
    percent = request.POST.get("completion_percent", "").strip() or None
    course = services.course_create(actor=request.user, organization=org, title=request.POST.get("title", ""),
                                    audience=request.POST.get("audience", ""),
                                    description=request.POST.get("description", ""), activity=activity,
                                    completion_percent=percent)
    return f"已开设课程“{course.title}”,请添加课次和学员。"


def _course_url(request, pk, *args, **kwargs) -> str:
    return reverse("volunteers:staff_course", args=[pk])


def _course(user, pk: int):
    return _get(course_policy.visible(user).select_related("organization", "activity"), pk, "未找到该课程。")


@staff_required
@require_GET
def staff_course(request, pk: int):
    course = _course(request.user, pk)
    sessions, rows = queries.course_grid(course)
    return render(request, "volunteers/pages/staff_course.html", {
        "course": course, "sessions": sessions, "rows": rows,
        "can_manage": course_policy.can_manage(request.user, course),
        "needed": rules.completion_needed(len(sessions), course.completion_percent),
        "outcome_kinds": TrainingOutcome.Kind.choices, "today": timezone.localdate(),
    })


@staff_required
@require_POST
@action(_course_url)
def session_add(request, pk: int):
    course = _course(request.user, pk)
    services.session_add(actor=request.user, course=course, start=_dt(request.POST.get("start"), "开始时间"),
                         end=_dt(request.POST.get("end"), "结束时间"), topic=request.POST.get("topic", ""))
    return "已添加课次。"


@staff_required
@require_POST
@action(_course_url)
def enroll(request, pk: int):
    course = _course(request.user, pk)
    trainee = services.trainee_by_mobile(request.POST.get("mobile", ""))
    services.enrollment_add(actor=request.user, course=course, trainee=trainee)
    return f"已添加学员{trainee.name}。"


@staff_required
@require_POST
@action(_course_url)
def attendance(request, pk: int):
    course = _course(request.user, pk)
    session = _get(course.sessions.all(), _int(request.POST.get("session")), "未找到该课次。")
    ids = [i for i in (_int(x) for x in request.POST.getlist("present")) if i]
    count = services.attendance_set(actor=request.user, session=session, present_enrollment_ids=ids)
    return f"已登记出勤 {count} 人。"


@staff_required
@require_POST
@action(_course_url)
def complete(request, pk: int):
    course = _course(request.user, pk)
    count = services.course_complete(actor=request.user, course=course)
    return f"本次办理结业 {count} 人。"


@staff_required
@require_POST
@action(_course_url)
def outcome(request, pk: int):
    course = _course(request.user, pk)
    enrollment = _get(Enrollment.objects.filter(course=course), _int(request.POST.get("enrollment")),
                      "未找到该学员。")
    services.outcome_record(actor=request.user, enrollment=enrollment, kind=request.POST.get("kind", ""),
                            on=_date(request.POST.get("on"), "日期"), note=request.POST.get("note", ""))
    return "已记录培训后去向。"


@staff_required
@require_GET
def training_figures(request):
    today = timezone.localdate()
    try:
        start = _date(request.GET.get("start"), "起始日期", required=False) or today.replace(month=1, day=1)
        end = _date(request.GET.get("end"), "截止日期", required=False) or today
        if end < start:
            raise ApplicationError("截止日期不能早于起始日期。", code="invalid_range")
    except ApplicationError as exc:
        messages.error(request, exc.message)
        start, end = today.replace(month=1, day=1), today
        status = exc.status_code
    else:
        status = 200
    orgs = list(course_policy.visible(request.user).values_list("organization", flat=True).distinct())
    from quntuan.organizations.models import Organization

    org_rows = {o.pk: o for o in Organization.objects.filter(pk__in=orgs).order_by("id")}
    figures = queries.training_figures(organization_ids=list(org_rows), start=start, end=end)
    rows = [(org_rows[pk], f) for pk, f in figures.items()]
    total = {k: sum(getattr(f, k) for _, f in rows)
             for k in ("person_times", "trainees", "completed", "reemployed", "changed_job", "businesses_started")}
    return render(request, "volunteers/pages/training_figures.html",
                  {"rows": rows, "total": total, "start": start, "end": end}, status=status)



