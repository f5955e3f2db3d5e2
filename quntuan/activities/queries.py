"""Read-only questions: the calendar, a resident's activities, attendance and no-show rates."""

from __future__ import annotations

import calendar as pycalendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from quntuan.activities import rules
from quntuan.activities.models import Activity, ActivityStatus, CheckIn, Registration, RegistrationStatus
from quntuan.activities.services import MAX_DURATION


@dataclass
class CalendarFilters:
    organization: int | None = None
    venue: int | None = None
    community: int | None = None
    kind: str | None = None

    def apply(self, qs: QuerySet[Activity]) -> QuerySet[Activity]:
        if self.organization:
            qs = qs.filter(hosts=self.organization).distinct()
        if self.venue:
            qs = qs.filter(venue_id=self.venue)
        if self.community:
            qs = qs.filter(Q(community_id=self.community) | Q(street_id=self.community))
        if self.kind:
            qs = qs.filter(kind=self.kind)
        return qs


def touching(qs: QuerySet[Activity], start: datetime, end: datetime | None = None) -> QuerySet[Activity]:
    """Activities overlapping ``[start, end)`` (or running at ``start`` or later when ``end`` is
    None). No activity lasts longer than ``MAX_DURATION`` (the services refuse it), so one that
    ends after ``start`` began after ``start - MAX_DURATION``: that lower bound on ``start`` loses
    nothing and lets the (street, start) and (district, status, start) indexes read one range
    instead of every earlier activity."""
    qs = qs.filter(start__gt=start - MAX_DURATION, end__gt=start)
    return qs.filter(start__lt=end) if end is not None else qs


def activities_between(qs: QuerySet[Activity], start: datetime, end: datetime) -> QuerySet[Activity]:
    return (touching(qs, start, end)
            .select_related("primary_host", "venue", "community").order_by("start", "id"))


def local_range(first: date, last_exclusive: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return rules.day_bounds(first, tz)[0], rules.day_bounds(last_exclusive, tz)[0]


@dataclass
class Day:
    day: date
    in_month: bool
    is_today: bool
    activities: list = field(default_factory=list)


def month_grid(qs: QuerySet[Activity], year: int, month: int, *, today: date) -> list[list[Day]]:
    """Weeks (Monday first) of the month, each day with the activities that touch it."""
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1] + timedelta(days=1)
    return _fill([[Day(d, d.month == month, d == today) for d in week] for week in weeks], qs, first, last)


def week_days(qs: QuerySet[Activity], monday: date, *, today: date) -> list[Day]:
    days = [Day(monday + timedelta(days=i), True, monday + timedelta(days=i) == today) for i in range(7)]
    return _fill([days], qs, monday, monday + timedelta(days=7))[0]


def _fill(weeks: list[list[Day]], qs, first: date, last: date) -> list[list[Day]]:
    start, end = local_range(first, last)
    by_day: dict[date, list] = {}
    for activity in activities_between(qs, start, end):
        d = max(timezone.localtime(activity.start).date(), first)
        last_day = min(timezone.localtime(activity.end - timedelta(microseconds=1)).date(), last - timedelta(days=1))
        while d <= last_day:
            by_day.setdefault(d, []).append(activity)
            d += timedelta(days=1)
    for week in weeks:
        for cell in week:
            cell.activities = by_day.get(cell.day, [])
    return weeks


def seat_counts(activity_ids) -> dict[int, dict[str, int]]:
    rows = (Registration.objects.filter(activity_id__in=list(activity_ids))
            .values("activity_id", "status").annotate(n=Count("id")))
    result: dict[int, dict[str, int]] = {}
    for row in rows:
        result.setdefault(row["activity_id"], {})[row["status"]] = row["n"]
    return result


def waitlist_position(registration: Registration) -> int | None:
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return Registration.objects.filter(activity_id=registration.activity_id, status=RegistrationStatus.WAITLISTED,
                                       seq__lt=registration.seq).count() + 1


def my_registrations(user) -> QuerySet[Registration]:
    """A resident's own registrations, newest activity first, with check-in when present."""
    return (Registration.objects.filter(resident=user)
            .select_related("activity", "activity__venue", "activity__primary_host", "checkin")
            .order_by("-activity__start", "-id"))


@dataclass(frozen=True)
class Attendance:
    confirmed: int
    attended: int
    walk_ins: int
    no_shows: int

    @property
    def person_times(self) -> int:
        """人次: everyone checked in, registered or walk-in."""
        return self.attended + self.walk_ins

    @property
    def no_show_rate(self) -> float | None:
        if self.confirmed == 0:
            return None
        return round(self.no_shows / self.confirmed, 4)


def activity_attendance(activity: Activity) -> Attendance:
    confirmed = activity.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    attended = CheckIn.objects.filter(activity=activity, registration__isnull=False).count()
    walk_ins = CheckIn.objects.filter(activity=activity, registration__isnull=True).count()
    no_shows = activity.registrations.filter(status=RegistrationStatus.CONFIRMED, checkin__isnull=True).count()
    return Attendance(confirmed, attended, walk_ins, no_shows)


def organization_attendance(qs: QuerySet[Activity], *, now: datetime) -> list[dict]:
    """Per host organization, over the ended published activities in ``qs``: activities,
    confirmed registrations, check-ins, walk-ins, person-times and the no-show rate."""
    ended = qs.filter(status=ActivityStatus.PUBLISHED, end__lte=now)
    rows = (
        ended.values("hosts", "hosts__name")
        .annotate(
            activities=Count("id", distinct=True),
            confirmed=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED),
                            distinct=True),
            no_shows=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED,
                                                     registrations__checkin__isnull=True), distinct=True),
        )
        .order_by("hosts")
    )
    checkins = (
        CheckIn.objects.filter(activity__in=ended.values("pk"))
        .values("activity__hosts")
        .annotate(attended=Count("id", filter=Q(registration__isnull=False), distinct=True),
                  walk_ins=Count("id", filter=Q(registration__isnull=True), distinct=True))
    )
    by_org = {row["activity__hosts"]: row for row in checkins}
    result = []
    for row in rows:
        c = by_org.get(row["hosts"], {"attended": 0, "walk_ins": 0})
        result.append({
            "organization_id": row["hosts"], "organization": row["hosts__name"],
            "activities": row["activities"], "confirmed": row["confirmed"], "attended": c["attended"],
            "walk_ins": c["walk_ins"], "person_times": c["attended"] + c["walk_ins"],
            "no_shows": row["no_shows"],
            "no_show_rate": round(row["no_shows"] / row["confirmed"], 4) if row["confirmed"] else None,
        })
    return result


def activity_attendance_rows(qs: QuerySet[Activity], *, now: datetime) -> list[dict]:
    """No-show rate per ended published activity in ``qs``."""
    ended = qs.filter(status=ActivityStatus.PUBLISHED, end__lte=now).select_related("primary_host")
    rows = ended.annotate(
        n_confirmed=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED),
                          distinct=True),
        n_no_shows=Count("registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED,
                                                   registrations__checkin__isnull=True), distinct=True),
        n_checkins=Count("checkins", distinct=True),
    ).order_by("-start", "-id")
    return [{
        "activity": a, "confirmed": a.n_confirmed, "no_shows": a.n_no_shows, "person_times": a.n_checkins,
        "no_show_rate": round(a.n_no_shows / a.n_confirmed, 4) if a.n_confirmed else None,
    } for a in rows]
