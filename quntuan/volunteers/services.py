"""State changes for volunteers, shifts, service hours, certificates and training records.

Every function takes keyword-only arguments, runs in one transaction, checks permission through
the policies and raises ``ApplicationError`` (or a subclass) with a Chinese message. Each change
of a volunteer's record writes a ``VolunteerEvent`` in the same transaction.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quntuan.activities.models import Activity, ActivityKind, ActivityStatus
from quntuan.activities.policies import is_staff_user
from quntuan.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from quntuan.core.text import is_valid_mobile
from quntuan.organizations.models import Organization, Region
from quntuan.volunteers import rules
from quntuan.volunteers.locks import lock_enrollment, lock_record, lock_shift, lock_volunteer
from quntuan.volunteers.models import (
    ActivityServiceSummary,
    Certificate,
    Enrollment,
    IdType,
    ServiceRecord,
    SessionAttendance,
    Shift,
    ShiftSignup,
    TrainingCourse,
    TrainingOutcome,
    TrainingSession,
    Volunteer,
    VolunteerEvent,
    VolunteerRules,
    VolunteerTeam,
)
from quntuan.volunteers.policies import (
    certificate_policy,
    course_policy,
    record_policy,
    shift_policy,
    team_policy,
    volunteer_policy,
)

MAX_SHIFT = timedelta(hours=24)
MAX_SLOTS = 10000


def _record(volunteer: Volunteer, kind: str, *, actor=None, record=None, **detail) -> VolunteerEvent:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return VolunteerEvent.objects.create(volunteer=volunteer, kind=kind, actor=actor, record=record, detail=detail)


def _notify(**kwargs) -> None:
    from quntuan.notifications.services import notify

    kwargs.setdefault("channels", ("inbox",))
    notify(**kwargs)


def _text(value, label: str, *, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(_("请填写%(label)s。") % {"label": label}, code="required")
    if len(value) > max_length:
        raise ApplicationError(_("%(label)s不能超过 %(n)s 个字。") % {"label": label, "n": max_length}, code="too_long")
    return value


def _positive_int(value, label: str, *, maximum: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ApplicationError(_("%(label)s必须是整数。") % {"label": label}, code="invalid_number") from None
    if number <= 0:
        raise ApplicationError(_("%(label)s必须大于 0。") % {"label": label}, code="invalid_number")
    if number > maximum:
        raise ApplicationError(_("%(label)s不能超过 %(n)s。") % {"label": label, "n": maximum}, code="invalid_number")
    return number


def _check_times(start: datetime | None, end: datetime | None, *, longest: timedelta) -> None:
    if start is None or end is None:
        raise ApplicationError(_("请填写开始时间和结束时间。"), code="required")
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ApplicationError(_("时间须带时区。"), code="invalid_time")
    if end <= start:
        raise ApplicationError(_("结束时间必须晚于开始时间。"), code="end_before_start")
    if end - start > longest:
        raise ApplicationError(_("一次不能超过 %(n)s 小时。") % {"n": int(longest.total_seconds() // 3600)},
                               code="too_long")


def district_rules(district_id: int) -> VolunteerRules:
    rules_row = VolunteerRules.objects.filter(district_id=district_id).first()
    return rules_row or VolunteerRules(district_id=district_id)


# --- volunteers --------------------------------------------------------------------------------


def _clean_identity(*, real_name: str, id_type: str, id_number: str) -> tuple[str, str, str]:
    real_name = _text(real_name, _("真实姓名"), max_length=32)
    if id_type not in IdType.values:
        raise ApplicationError(_("请选择证件类型。"), code="invalid_id_type")
    id_number = rules.normalise_id_number(id_number)
    if not id_number:
        raise ApplicationError(_("请填写证件号码。"), code="required")
    if id_type == IdType.RESIDENT_ID and not rules.resident_id_valid(id_number):
        raise ApplicationError(_("居民身份证号码不正确,请核对后重新填写。"), code="invalid_id_number")
    if not 5 <= len(id_number) <= 32:
        raise ApplicationError(_("证件号码长度不正确。"), code="invalid_id_number")
    return real_name, id_type, id_number


@transaction.atomic
def volunteer_register(*, user, real_name: str, id_type: str, id_number: str, skills: str = "",
                       availability: str = "") -> Volunteer:
    """A resident registers as a volunteer (one record per account); a number is given at once."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("请先登录。"))
    if Volunteer.objects.filter(user=user).exists():
        raise Conflict(_("您已经注册为志愿者。"), code="already_registered")
    district_id = user.region_id and (user.region.district_id or user.region_id)
    if not district_id:
        raise ApplicationError(_("请先在个人信息中选择所在区。"), code="no_district")
    real_name, id_type, id_number = _clean_identity(real_name=real_name, id_type=id_type, id_number=id_number)
    if Volunteer.objects.filter(id_type=id_type, id_number=id_number).exists():
        raise Conflict(_("该证件已注册过志愿者,请勿重复注册。"), code="duplicate_id")
    try:
        with transaction.atomic():
            volunteer = Volunteer.objects.create(
                user=user, district_id=district_id, real_name=real_name, id_type=id_type, id_number=id_number,
                skills=_text(skills, _("技能特长"), max_length=200, required=False),
                availability=_text(availability, _("可服务时间"), max_length=200, required=False),
            )
    except IntegrityError:
        raise Conflict(_("您或该证件已经注册为志愿者。"), code="already_registered") from None
    district = Region.objects.get(pk=district_id)
    volunteer.number = f"ZYZ{district.code[-6:]}{volunteer.pk:07d}"
    volunteer.save(update_fields=["number"])
    _record(volunteer, VolunteerEvent.Kind.REGISTERED, actor=user)
    return volunteer


@transaction.atomic
def volunteer_update(*, actor, volunteer: Volunteer, skills: str, availability: str) -> Volunteer:
    if volunteer.user_id != getattr(actor, "pk", None) and not volunteer_policy.can_manage(actor, volunteer):
        raise PermissionDenied(_("只能修改自己的志愿者信息。"))
    volunteer.skills = _text(skills, _("技能特长"), max_length=200, required=False)
    volunteer.availability = _text(availability, _("可服务时间"), max_length=200, required=False)
    volunteer.save(update_fields=["skills", "availability", "updated_at"])
    _record(volunteer, VolunteerEvent.Kind.UPDATED, actor=actor)
    return volunteer


@transaction.atomic
def volunteer_set_status(*, actor, volunteer: Volunteer, status: str, reason: str = "") -> Volunteer:
    if not volunteer_policy.can_manage(actor, volunteer):
        raise PermissionDenied(_("只有本区工作人员可以变更志愿者状态。"))
    if status not in Volunteer.Status.values:
        raise ApplicationError(_("未知的志愿者状态。"), code="invalid_status")
    volunteer = lock_volunteer(volunteer)
    old = volunteer.status
    volunteer.status = status
    volunteer.save(update_fields=["status", "updated_at"])
    _record(volunteer, VolunteerEvent.Kind.STATUS, actor=actor, old=old, new=status,
            reason=_text(reason, _("原因"), max_length=200, required=False))
    return volunteer


def confirmed_minutes(volunteer: Volunteer) -> int:
    total = volunteer.records.filter(status=ServiceRecord.Status.CONFIRMED).aggregate(s=Sum("minutes"))["s"]
    return int(total or 0)


# --- teams -------------------------------------------------------------------------------------


@transaction.atomic
def team_create(*, actor, organization: Organization, name: str, description: str = "") -> VolunteerTeam:
    if not team_policy.can_create_for(actor, organization):
        raise PermissionDenied(_("只有本组织工作人员可以为本组织建立志愿服务队。"))
    name = _text(name, _("队伍名称"), max_length=64)
    if VolunteerTeam.objects.filter(organization=organization, name=name).exists():
        raise Conflict(_("本组织已有名为“%(name)s”的队伍。") % {"name": name}, code="duplicate_team")
    return VolunteerTeam.objects.create(organization=organization, name=name,
                                        description=_text(description, _("简介"), max_length=200, required=False))


@transaction.atomic
def team_add_member(*, actor, team: VolunteerTeam, volunteer: Volunteer) -> VolunteerTeam:
    if not team_policy.can_edit(actor, team):
        raise PermissionDenied(_("只有本组织工作人员可以调整队员。"))
    if volunteer.district_id != team.organization.district_id:
        raise ApplicationError(_("只能加入本区的志愿者。"), code="other_district")
    if volunteer.status != Volunteer.Status.ACTIVE:
        raise ApplicationError(_("该志愿者不在册,不能加入队伍。"), code="not_active")
    team.members.add(volunteer)
    return team


@transaction.atomic
def team_remove_member(*, actor, team: VolunteerTeam, volunteer: Volunteer) -> VolunteerTeam:
    if not team_policy.can_edit(actor, team):
        raise PermissionDenied(_("只有本组织工作人员可以调整队员。"))
    team.members.remove(volunteer)
    return team


# --- shifts ------------------------------------------------------------------------------------


@transaction.atomic
def shift_create(*, actor, activity: Activity, title: str, start: datetime, end: datetime, slots: int,
                 team: VolunteerTeam | None = None) -> Shift:
    """A shift on a volunteer-service activity; it lies within the activity's time."""
    if not shift_policy.can_manage_activity(actor, activity):
        raise PermissionDenied(_("只有活动主办单位的工作人员可以设置志愿岗位。"))
    if activity.kind != ActivityKind.VOLUNTEER:
        raise ApplicationError(_("只有“志愿服务”类活动可以设置志愿岗位班次。"), code="not_volunteer_activity")
    if activity.status == ActivityStatus.CANCELLED:
        raise Conflict(_("活动已取消,不能设置班次。"), code="cancelled")
    title = _text(title, _("岗位名称"), max_length=64)
    _check_times(start, end, longest=MAX_SHIFT)
    if start < activity.start or end > activity.end:
        raise ApplicationError(_("班次时间须在活动时间之内。"), code="outside_activity")
    slots = _positive_int(slots, _("名额"), maximum=MAX_SLOTS)
    if team is not None and team.organization.district_id != activity.district_id:
        raise ApplicationError(_("只能限定本区的志愿服务队。"), code="other_district")
    return Shift.objects.create(activity=activity, title=title, start=start, end=end, slots=slots, team=team,
                                created_by=actor)


def shift_taken(shift: Shift) -> int:
    return shift.signups.filter(status=ShiftSignup.Status.SIGNED_UP).count()


@transaction.atomic
def shift_signup(*, user, shift: Shift, now: datetime | None = None) -> ShiftSignup:
    """A volunteer takes a place on a shift. The shift row is locked, so the places are counted
    and taken one at a time and never exceeded."""
    now = now or timezone.now()
    volunteer = Volunteer.objects.filter(user=user).first() if getattr(user, "is_authenticated", False) else None
    if volunteer is None:
        raise ApplicationError(_("请先注册为志愿者。"), code="not_volunteer", status=403)
    if volunteer.status != Volunteer.Status.ACTIVE:
        raise PermissionDenied(_("您的志愿者身份已暂停或注销,不能报名。"))
    shift = lock_shift(shift)
    activity = shift.activity
    if activity.status != ActivityStatus.PUBLISHED:
        raise ApplicationError(_("活动未发布或已取消,不能报名。"), code="not_open")
    if shift.start <= now:
        raise ApplicationError(_("班次已开始,不能再报名。"), code="started")
    if shift.team_id and not shift.team.members.filter(pk=volunteer.pk).exists():
        raise PermissionDenied(_("此班次仅限“%(team)s”队员报名。") % {"team": shift.team.name})
    existing = ShiftSignup.objects.filter(shift=shift, volunteer=volunteer).first()
    if existing is not None and existing.status == ShiftSignup.Status.SIGNED_UP:
        raise Conflict(_("您已报名此班次。"), code="already_signed_up")
    if shift_taken(shift) >= shift.slots:
        raise Conflict(_("此班次名额已满。"), code="full")
    if existing is not None:
        existing.status = ShiftSignup.Status.SIGNED_UP
        existing.save(update_fields=["status", "updated_at"])
        signup = existing
    else:
        signup = ShiftSignup.objects.create(shift=shift, volunteer=volunteer)
    _record(volunteer, VolunteerEvent.Kind.SIGNED_UP, actor=user, shift=shift.pk)
    return signup


@transaction.atomic
def shift_signup_cancel(*, actor, signup: ShiftSignup, now: datetime | None = None) -> ShiftSignup:
    now = now or timezone.now()
    lock_shift(signup.shift_id)
    signup.refresh_from_db()
    own = signup.volunteer.user_id == getattr(actor, "pk", None)
    if not own and not shift_policy.can_manage(actor, signup.shift):
        raise PermissionDenied(_("只能取消自己的报名。"))
    if signup.status != ShiftSignup.Status.SIGNED_UP:
        raise Conflict(_("该报名已取消。"), code="already_cancelled")
    if own and signup.shift.start <= now:
        raise ApplicationError(_("班次已开始,不能取消报名。"), code="started")
    signup.status = ShiftSignup.Status.CANCELLED
    signup.save(update_fields=["status", "updated_at"])
    _record(signup.volunteer, VolunteerEvent.Kind.SIGNUP_CANCELLED, actor=actor, shift=signup.shift_id)
    return signup


# --- hours -------------------------------------------------------------------------------------


def _content(shift: Shift) -> str:
    return f"{shift.activity.title}·{shift.title}"[:200]


@transaction.atomic
def hours_report(*, user, shift: Shift, minutes: int, note: str = "", now: datetime | None = None) -> ServiceRecord:
    """The volunteer reports the minutes they served on a shift they signed up for: after the
    shift has ended, not more than its length, once."""
    now = now or timezone.now()
    volunteer = Volunteer.objects.filter(user=user).first() if getattr(user, "is_authenticated", False) else None
    if volunteer is None:
        raise ApplicationError(_("请先注册为志愿者。"), code="not_volunteer", status=403)
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        raise ApplicationError(_("服务时长必须是整数分钟。"), code="invalid_minutes") from None
    shift = lock_shift(shift)
    if not shift.signups.filter(volunteer=volunteer, status=ShiftSignup.Status.SIGNED_UP).exists():
        raise PermissionDenied(_("您没有报名此班次,不能填报时长。"))
    problem = rules.hours_report_problem(minutes=minutes, shift_start=shift.start, shift_end=shift.end, now=now)
    if problem:
        raise ApplicationError(problem, code="invalid_minutes")
    if ServiceRecord.objects.filter(shift=shift, volunteer=volunteer).exists():
        raise Conflict(_("此班次的服务时长已填报或已由组织方记录,不能重复填报。"), code="already_reported")
    record = ServiceRecord.objects.create(
        shift=shift, volunteer=volunteer, status=ServiceRecord.Status.REPORTED, reported_minutes=minutes,
        reported_at=now, content=_content(shift), note=_text(note, _("说明"), max_length=200, required=False),
    )
    _record(volunteer, VolunteerEvent.Kind.HOURS_REPORTED, actor=user, record=record, minutes=minutes)
    return record


def _check_minutes_for(shift: Shift, minutes) -> int:
    try:
        minutes = int(minutes)
    except (TypeError, ValueError):
        raise ApplicationError(_("服务时长必须是整数分钟。"), code="invalid_minutes") from None
    if minutes < 0:
        raise ApplicationError(_("服务时长不能为负数。"), code="invalid_minutes")
    if minutes > shift.length_minutes:
        raise ApplicationError(_("服务时长不能超过班次时长(%(n)s 分钟)。") % {"n": shift.length_minutes},
                               code="invalid_minutes")
    return minutes


@transaction.atomic
def hours_confirm(*, actor, record: ServiceRecord, minutes: int | None = None, note: str = "",
                  now: datetime | None = None) -> ServiceRecord:
    """The organizer confirms a reported record, as reported or corrected (a correction needs a
    reason). Confirming again with other minutes is a correction too."""
    now = now or timezone.now()
    if not record_policy.can_confirm(actor, record):
        raise PermissionDenied(_("只有活动的组织方工作人员可以确认服务时长。"))
    record = lock_record(record)
    shift = record.shift
    if minutes is None:
        minutes = record.reported_minutes if record.status == ServiceRecord.Status.REPORTED else record.minutes
    minutes = _check_minutes_for(shift, minutes)
    if minutes == 0:
        raise ApplicationError(_("认定时长为 0 时请选择“不予认可”。"), code="invalid_minutes")
    note = _text(note, _("更正说明"), max_length=200, required=False)
    corrected = (record.status == ServiceRecord.Status.REPORTED and minutes != record.reported_minutes) or (
        record.status != ServiceRecord.Status.REPORTED and minutes != record.minutes)
    if corrected and not note:
        raise ApplicationError(_("更正时长时请填写说明。"), code="note_required")
    if record.status == ServiceRecord.Status.CONFIRMED and not corrected:
        raise Conflict(_("该记录已确认。"), code="already_confirmed")
    old = record.minutes if record.status == ServiceRecord.Status.CONFIRMED else record.reported_minutes
    record.status = ServiceRecord.Status.CONFIRMED
    record.minutes = minutes
    record.confirmed_by = actor
    record.confirmed_at = now
    if note:
        record.note = note
    record.save(update_fields=["status", "minutes", "confirmed_by", "confirmed_at", "note", "updated_at"])
    kind = VolunteerEvent.Kind.HOURS_CORRECTED if corrected else VolunteerEvent.Kind.HOURS_CONFIRMED
    _record(record.volunteer, kind, actor=actor, record=record, minutes=minutes, old=old, note=note)
    _notify(user=record.volunteer.user, title="志愿服务时长已确认",
            body=f"您在《{shift.activity.title}》{shift.title}的服务时长已认定为 {rules.hours_text(minutes)}。",
            link=reverse("volunteers:mine"), dedup_key=f"volunteers:hours:{record.pk}:{minutes}:{now.timestamp()}")
    return record


@transaction.atomic
def hours_reject(*, actor, record: ServiceRecord, note: str, now: datetime | None = None) -> ServiceRecord:
    if not record_policy.can_confirm(actor, record):
        raise PermissionDenied(_("只有活动的组织方工作人员可以确认服务时长。"))
    note = _text(note, _("不予认可的原因"), max_length=200)
    record = lock_record(record)
    if record.status == ServiceRecord.Status.REJECTED:
        raise Conflict(_("该记录已不予认可。"), code="already_rejected")
    record.status = ServiceRecord.Status.REJECTED
    record.minutes = 0
    record.note = note
    record.confirmed_by = actor
    record.confirmed_at = now or timezone.now()
    record.save(update_fields=["status", "minutes", "note", "confirmed_by", "confirmed_at", "updated_at"])
    _record(record.volunteer, VolunteerEvent.Kind.HOURS_REJECTED, actor=actor, record=record, note=note)
    return record


@transaction.atomic
def hours_confirm_many(*, actor, records: list[ServiceRecord], now: datetime | None = None) -> int:
    """Confirm several reported records as reported (the bulk button). All or nothing."""
    count = 0
    for record in records:
        if record.status != ServiceRecord.Status.REPORTED:
            continue
        hours_confirm(actor=actor, record=record, now=now)
        count += 1
    return count


@transaction.atomic
def hours_record_for_shift(*, actor, shift: Shift, entries: dict[int, int], now: datetime | None = None) -> int:
    """Staff record hours for a shift in bulk: ``entries`` maps volunteer id → minutes for the
    volunteers signed up. Records are created (or corrected) as confirmed. All or nothing."""
    now = now or timezone.now()
    if not shift_policy.can_manage(actor, shift):
        raise PermissionDenied(_("只有活动的组织方工作人员可以记录服务时长。"))
    shift = lock_shift(shift)
    if now < shift.end:
        raise ApplicationError(_("班次结束后才能记录服务时长。"), code="not_ended")
    signed = {s.volunteer_id: s.volunteer for s in
              shift.signups.filter(status=ShiftSignup.Status.SIGNED_UP).select_related("volunteer")}
    changed = 0
    for volunteer_id, raw in entries.items():
        volunteer = signed.get(volunteer_id)
        if volunteer is None:
            raise ApplicationError(_("只能为报名此班次的志愿者记录时长。"), code="not_signed_up")
        minutes = _check_minutes_for(shift, raw)
        if minutes == 0:
            continue
        record = ServiceRecord.objects.filter(shift=shift, volunteer=volunteer).first()
        if record is None:
            record = ServiceRecord.objects.create(
                shift=shift, volunteer=volunteer, status=ServiceRecord.Status.CONFIRMED, minutes=minutes,
                content=_content(shift), confirmed_by=actor, confirmed_at=now,
            )
            _record(volunteer, VolunteerEvent.Kind.HOURS_RECORDED, actor=actor, record=record, minutes=minutes)
            changed += 1
        elif record.status != ServiceRecord.Status.CONFIRMED or record.minutes != minutes:
            old = record.minutes if record.status == ServiceRecord.Status.CONFIRMED else record.reported_minutes
            record.status = ServiceRecord.Status.CONFIRMED
            record.minutes = minutes
            record.confirmed_by = actor
            record.confirmed_at = now
            record.save(update_fields=["status", "minutes", "confirmed_by", "confirmed_at", "updated_at"])
            _record(volunteer, VolunteerEvent.Kind.HOURS_RECORDED, actor=actor, record=record, minutes=minutes,
                    old=old)
            changed += 1
    return changed


@transaction.atomic
def people_served_record(*, actor, activity: Activity, people_served: int, summary: str = "") -> ActivityServiceSummary:
    if not shift_policy.can_manage_activity(actor, activity):
        raise PermissionDenied(_("只有活动主办单位的工作人员可以记录服务人数。"))
    if activity.kind != ActivityKind.VOLUNTEER:
        raise ApplicationError(_("只有“志愿服务”类活动记录服务人数。"), code="not_volunteer_activity")
    try:
        people_served = int(people_served)
    except (TypeError, ValueError):
        raise ApplicationError(_("服务人数必须是整数。"), code="invalid_number") from None
    if people_served < 0 or people_served > 10_000_000:
        raise ApplicationError(_("服务人数须在 0 到 10000000 之间。"), code="invalid_number")
    row, _created = ActivityServiceSummary.objects.update_or_create(
        activity=activity,
        defaults={"people_served": people_served, "recorded_by": actor,
                  "summary": _text(summary, _("服务概况"), max_length=500, required=False)},
    )
    return row


# --- certificates ------------------------------------------------------------------------------


@transaction.atomic
def certificate_issue(*, actor, volunteer: Volunteer, organization: Organization, responsible_person: str,
                      handler: str, contact: str, content: str = "", period_start: date | None = None,
                      period_end: date | None = None, today: date | None = None) -> Certificate:
    """志愿服务证明 for the volunteer's confirmed hours served with ``organization``'s activities
    (within the period when given). The fields are copied, so the document never changes."""
    if not certificate_policy.can_issue_for(actor, organization):
        raise PermissionDenied(_("只有出具组织的工作人员可以出具志愿服务证明。"))
    if volunteer.district_id != organization.district_id:
        raise ApplicationError(_("只能为本区的志愿者出具证明。"), code="other_district")
    today = today or timezone.localdate()
    if period_start and period_end and period_end < period_start:
        raise ApplicationError(_("截止日期不能早于起始日期。"), code="invalid_range")
    records = ServiceRecord.objects.filter(volunteer=volunteer, status=ServiceRecord.Status.CONFIRMED,
                                           shift__activity__hosts=organization)
    if period_start:
        records = records.filter(shift__start__date__gte=period_start)
    if period_end:
        records = records.filter(shift__start__date__lte=period_end)
    records = list(records.select_related("shift").distinct())
    minutes = sum(r.minutes for r in records)
    if minutes <= 0:
        raise ApplicationError(_("该志愿者在此期间没有经本组织确认的服务时长,不能出具证明。"), code="no_hours")
    if not content.strip():
        titles = list(dict.fromkeys(r.content for r in records))
        content = "、".join(titles[:8]) + ("等" if len(titles) > 8 else "")
    starts = [timezone.localtime(r.shift.start).date() for r in records]
    certificate = Certificate.objects.create(
        volunteer=volunteer, organization=organization, real_name=volunteer.real_name, id_type=volunteer.id_type,
        id_masked=volunteer.masked_id, volunteer_number=volunteer.number or "", minutes=minutes,
        period_start=period_start or min(starts), period_end=period_end or max(starts),
        content=_text(content, _("服务内容"), max_length=500),
        responsible_person=_text(responsible_person, _("负责人"), max_length=32),
        handler=_text(handler, _("经办人"), max_length=32), contact=_text(contact, _("联系方式"), max_length=32),
        issued_on=today, issued_by=actor,
    )
    certificate.number = f"ZYFW{today:%Y}{certificate.pk:07d}"
    certificate.save(update_fields=["number"])
    _record(volunteer, VolunteerEvent.Kind.CERTIFICATE, actor=actor, certificate=certificate.number,
            minutes=minutes)
    _notify(user=volunteer.user, title="志愿服务证明已出具",
            body=f"{organization.name}已为您出具志愿服务证明({certificate.number}),累计 {rules.hours_text(minutes)}。",
            link=reverse("volunteers:mine"), dedup_key=f"volunteers:certificate:{certificate.pk}")
    return certificate


def certificate_lookup(number: str) -> Certificate:
    number = (number or "").strip().upper()
    if not number or len(number) > 32:
        raise ApplicationError(_("请输入证明编号。"), code="required")
    certificate = Certificate.objects.select_related("organization").filter(number=number).first()
    if certificate is None:
        raise NotFound(_("未查到该编号的志愿服务证明,请核对编号。"))
    return certificate


# --- training ----------------------------------------------------------------------------------


@transaction.atomic
def course_create(*, actor, organization: Organization, title: str, audience: str = "", description: str = "",
                  activity: Activity | None = None, completion_percent: int | None = None) -> TrainingCourse:
    if not course_policy.can_create_for(actor, organization):
        raise PermissionDenied(_("只有本组织工作人员可以为本组织开设培训课程。"))
    if activity is not None:
        if activity.kind != ActivityKind.TRAINING:
            raise ApplicationError(_("只能关联“培训课程”类活动。"), code="not_training_activity")
        if not activity.hosts.filter(pk=organization.pk).exists():
            raise ApplicationError(_("只能关联本组织主办或协办的活动。"), code="not_host")
    if completion_percent is None:
        completion_percent = district_rules(organization.district_id).completion_percent
    completion_percent = _positive_int(completion_percent, _("结业出勤比例"), maximum=100)
    return TrainingCourse.objects.create(
        organization=organization, title=_text(title, _("课程名称"), max_length=100),
        audience=_text(audience, _("培训对象"), max_length=100, required=False),
        description=_text(description, _("简介"), max_length=2000, required=False), activity=activity,
        completion_percent=completion_percent, created_by=actor,
    )


def _require_course(actor, course: TrainingCourse) -> None:
    if not course_policy.can_manage(actor, course):
        raise PermissionDenied(_("只有举办组织的工作人员可以管理此课程。"))


@transaction.atomic
def session_add(*, actor, course: TrainingCourse, start: datetime, end: datetime, topic: str = "") -> TrainingSession:
    _require_course(actor, course)
    _check_times(start, end, longest=timedelta(hours=12))
    return TrainingSession.objects.create(course=course, start=start, end=end,
                                          topic=_text(topic, _("内容"), max_length=100, required=False))


@transaction.atomic
def enrollment_add(*, actor, course: TrainingCourse, trainee) -> Enrollment:
    _require_course(actor, course)
    if trainee is None or not trainee.is_active or is_staff_user(trainee):
        raise ApplicationError(_("学员须是已注册的居民。"), code="not_resident")
    try:
        with transaction.atomic():
            return Enrollment.objects.create(course=course, trainee=trainee)
    except IntegrityError:
        raise Conflict(_("%(name)s已是本课程学员。") % {"name": trainee.name or _("该居民")},
                       code="already_enrolled") from None


@transaction.atomic
def enrollment_self(*, trainee, course: TrainingCourse) -> Enrollment:
    """A resident enrols themself (from a targeted notice or the course page). The same checks as
    ``enrollment_add`` but no staff check; a retry returns the existing enrolment."""
    if trainee is None or not trainee.is_active or is_staff_user(trainee):
        raise ApplicationError(_("学员须是已注册的居民。"), code="not_resident")
    enrollment, _created = Enrollment.objects.get_or_create(course=course, trainee=trainee)
    return enrollment


def trainee_by_mobile(mobile: str):
    from quntuan.accounts.models import Role, User

    mobile = (mobile or "").strip()
    if not is_valid_mobile(mobile):
        raise ApplicationError(_("请输入正确的 11 位手机号。"), code="invalid_mobile")
    user = User.objects.filter(mobile=mobile, role=Role.RESIDENT, is_active=True).first()
    if user is None:
        raise NotFound(_("该手机号尚未注册为居民用户。"))
    return user


@transaction.atomic
def attendance_set(*, actor, session: TrainingSession, present_enrollment_ids, now: datetime | None = None) -> int:
    """Record who was present at a session (replaces the earlier list). Not before it starts."""
    course = session.course
    _require_course(actor, course)
    now = now or timezone.now()
    if now < session.start:
        raise ApplicationError(_("课次尚未开始,不能登记出勤。"), code="not_started")
    ids = {int(i) for i in present_enrollment_ids}
    valid = set(course.enrollments.filter(pk__in=ids).values_list("pk", flat=True))
    if ids - valid:
        raise ApplicationError(_("出勤名单中有不是本课程学员的人。"), code="not_enrolled")
    session.attendance.exclude(enrollment_id__in=ids).delete()
    have = set(session.attendance.values_list("enrollment_id", flat=True))
    SessionAttendance.objects.bulk_create([
        SessionAttendance(session=session, enrollment_id=i, recorded_by=actor, recorded_at=now)
        for i in sorted(ids - have)
    ])
    return len(ids)


@transaction.atomic
def course_complete(*, actor, course: TrainingCourse, today: date | None = None, now: datetime | None = None) -> int:
    """After the last session: every trainee who attended at least the course's share of the
    sessions completes and gets a certificate number. Safe to run again (adds late entries)."""
    _require_course(actor, course)
    now = now or timezone.now()
    today = today or timezone.localdate()
    sessions = list(course.sessions.all())
    if not sessions:
        raise ApplicationError(_("课程还没有课次,不能结业。"), code="no_sessions")
    if max(s.end for s in sessions) > now:
        raise ApplicationError(_("最后一次课结束后才能办理结业。"), code="not_finished")
    done = 0
    for enrollment in course.enrollments.all():
        enrollment = lock_enrollment(enrollment)
        attended = enrollment.attendance.count()
        if enrollment.completed or not rules.is_complete(attended, len(sessions), course.completion_percent):
            continue
        enrollment.completed = True
        enrollment.completed_on = today
        enrollment.certificate_number = f"PXJY{today:%Y}{enrollment.pk:07d}"
        enrollment.save(update_fields=["completed", "completed_on", "certificate_number", "updated_at"])
        done += 1
    return done


@transaction.atomic
def outcome_record(*, actor, enrollment: Enrollment, kind: str, on: date, note: str = "",
                   today: date | None = None) -> TrainingOutcome:
    _require_course(actor, enrollment.course)
    if kind not in TrainingOutcome.Kind.values:
        raise ApplicationError(_("请选择培训后去向。"), code="invalid_kind")
    today = today or timezone.localdate()
    if on is None:
        raise ApplicationError(_("请填写日期。"), code="required")
    if on > today:
        raise ApplicationError(_("日期不能晚于今天。"), code="future")
    first = enrollment.course.sessions.order_by("start").first()
    if first is None or on < timezone.localtime(first.start).date():
        raise ApplicationError(_("去向日期不能早于培训开始。"), code="before_course")
    outcome, _created = TrainingOutcome.objects.update_or_create(
        enrollment=enrollment,
        defaults={"kind": kind, "on": on, "note": _text(note, _("说明"), max_length=200, required=False),
                  "recorded_by": actor},
    )
    return outcome
