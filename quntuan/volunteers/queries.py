"""Read-side helpers: a volunteer's totals and star level, open shifts, pending hours, and the
training figures the work report needs (person-times, trainees, completed, re-employed,
businesses started) per organization and period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from quntuan.volunteers import rules
from quntuan.volunteers.models import (
    ActivityServiceSummary,
    Enrollment,
    ServiceRecord,
    SessionAttendance,
    Shift,
    ShiftSignup,
    TrainingOutcome,
    Volunteer,
)
from quntuan.volunteers.services import district_rules


@dataclass(frozen=True)
class VolunteerTotals:
    minutes: int
    pending_minutes: int
    level: int
    star_name: str
    next_level: int | None
    minutes_to_next: int | None

    @property
    def hours_text(self) -> str:
        return rules.hours_text(self.minutes)

    @property
    def to_next_text(self) -> str:
        return rules.hours_text(self.minutes_to_next or 0)


def totals(volunteer: Volunteer) -> VolunteerTotals:
    agg = volunteer.records.aggregate(
        confirmed=Sum("minutes", filter=Q(status=ServiceRecord.Status.CONFIRMED)),
        pending=Sum("reported_minutes", filter=Q(status=ServiceRecord.Status.REPORTED)),
    )
    minutes = int(agg["confirmed"] or 0)
    star_hours = district_rules(volunteer.district_id).star_hours
    level = rules.star_level(minutes, star_hours)
    nxt = rules.next_star(minutes, star_hours)
    return VolunteerTotals(minutes=minutes, pending_minutes=int(agg["pending"] or 0), level=level,
                           star_name=rules.star_name(level), next_level=nxt[0] if nxt else None,
                           minutes_to_next=nxt[1] if nxt else None)


def confirmed_minutes_by_volunteer(volunteer_ids) -> dict[int, int]:
    rows = (ServiceRecord.objects.filter(volunteer_id__in=volunteer_ids, status=ServiceRecord.Status.CONFIRMED)
            .values("volunteer_id").annotate(m=Sum("minutes")))
    return {r["volunteer_id"]: int(r["m"] or 0) for r in rows}


def with_taken(shifts: QuerySet[Shift]) -> QuerySet[Shift]:
    return shifts.annotate(taken=Count("signups", filter=Q(signups__status=ShiftSignup.Status.SIGNED_UP)))


def upcoming_open_shifts(shifts: QuerySet[Shift], now: datetime | None = None) -> QuerySet[Shift]:
    now = now or timezone.now()
    return with_taken(shifts.filter(start__gt=now)).select_related("activity", "team").order_by("start", "id")


def my_signups(volunteer: Volunteer) -> list[ShiftSignup]:
    signups = list(volunteer.signups.filter(status=ShiftSignup.Status.SIGNED_UP)
                   .select_related("shift", "shift__activity").order_by("-shift__start", "-id"))
    records = {r.shift_id: r for r in volunteer.records.all()}
    for signup in signups:
        signup.record = records.get(signup.shift_id)
    return signups


def pending_records(records: QuerySet[ServiceRecord]) -> QuerySet[ServiceRecord]:
    return (records.filter(status=ServiceRecord.Status.REPORTED)
            .select_related("volunteer", "shift", "shift__activity").order_by("shift__start", "shift_id", "id"))


def people_served(activity_ids) -> dict[int, int]:
    return dict(ActivityServiceSummary.objects.filter(activity_id__in=activity_ids)
                .values_list("activity_id", "people_served"))


# --- training figures --------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainingFigures:
    organization_id: int
    person_times: int
    trainees: int
    completed: int
    reemployed: int
    changed_job: int
    businesses_started: int


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz))


def training_figures(*, organization_ids, start: date, end: date) -> dict[int, TrainingFigures]:
    """Per organization, for sessions held and outcomes dated in [start, end] (local dates):
    person-times (attendances at sessions), trainees (distinct people who attended at least
    once), completed (completions dated in the period), re-employed, changed job and businesses
    started (outcomes dated in the period)."""
    lo, hi = _bounds(start, end)
    ids = list(organization_ids)
    attendance = (SessionAttendance.objects
                  .filter(session__course__organization_id__in=ids, session__start__gte=lo, session__start__lt=hi)
                  .values("session__course__organization_id")
                  .annotate(times=Count("pk"), people=Count("enrollment__trainee", distinct=True)))
    att = {r["session__course__organization_id"]: r for r in attendance}
    completed = dict(Enrollment.objects.filter(course__organization_id__in=ids, completed=True,
                                               completed_on__gte=start, completed_on__lte=end)
                     .values("course__organization_id").annotate(n=Count("pk"))
                     .values_list("course__organization_id", "n"))
    outcomes: dict[tuple[int, str], int] = {
        (r["enrollment__course__organization_id"], r["kind"]): r["n"]
        for r in TrainingOutcome.objects.filter(enrollment__course__organization_id__in=ids, on__gte=start,
                                                on__lte=end)
        .values("enrollment__course__organization_id", "kind").annotate(n=Count("pk"))
    }
    kinds = TrainingOutcome.Kind
    return {
        org_id: TrainingFigures(
            organization_id=org_id,
            person_times=att.get(org_id, {}).get("times", 0),
            trainees=att.get(org_id, {}).get("people", 0),
            completed=completed.get(org_id, 0),
            reemployed=outcomes.get((org_id, kinds.REEMPLOYED), 0),
            changed_job=outcomes.get((org_id, kinds.CHANGED_JOB), 0),
            businesses_started=outcomes.get((org_id, kinds.STARTED_BUSINESS), 0),
        )
        for org_id in ids
    }


def course_grid(course) -> tuple[list, list]:
    """(sessions, rows) for the attendance grid: each row is (enrollment, [(session, present)],
    attended count)."""
    sessions = list(course.sessions.all())
    enrollments = list(course.enrollments.select_related("trainee").order_by("id"))
    present = set(SessionAttendance.objects.filter(session__course=course).values_list("session_id", "enrollment_id"))
    outcomes = {o.enrollment_id: o for o in TrainingOutcome.objects.filter(enrollment__course=course)}
    rows = []
    for e in enrollments:
        marks = [(s, (s.pk, e.pk) in present) for s in sessions]
        e.outcome_row = outcomes.get(e.pk)
        rows.append((e, marks, sum(1 for _, p in marks if p)))
    return sessions, rows


def resident_volunteer_summary(user) -> dict | None:
    """What "我的活动" shows of a resident's own volunteering: totals and certificate count, or
    None when the resident is not a registered volunteer."""
    volunteer = Volunteer.objects.filter(user=user).first() if getattr(user, "is_authenticated", False) else None
    if volunteer is None:
        return None
    return {
        "volunteer": volunteer,
        "totals": totals(volunteer),
        "certificates": volunteer.certificates.count(),
    }
