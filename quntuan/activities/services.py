"""State changes for venues, activities, bookings, registrations and attendance.

Every function takes keyword-only arguments, runs in one transaction, checks permission through
the policies and raises ``ApplicationError`` (or a subclass) with a Chinese message. Each change of
an activity or a registration writes an ``ActivityEvent`` in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from quntuan.activities import rules
from quntuan.activities.locks import lock_activity, lock_registration, lock_venue
from quntuan.activities.models import (
    HOLDING_STATUSES,
    Activity,
    ActivityEvent,
    ActivityKind,
    ActivityStatus,
    AudienceGroup,
    Booking,
    CheckIn,
    Registration,
    RegistrationStatus,
    Venue,
)
from quntuan.activities.policies import activity_policy, registration_policy, venue_policy
from quntuan.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied
from quntuan.core.text import is_valid_mobile
from quntuan.organizations.models import Organization, Region

CHECKIN_SALT = "quntuan.activities.checkin"
FEED_SALT = "quntuan.activities.feed"
SHORT_CODE_LENGTH = 8
CHECKIN_OPENS_BEFORE = timedelta(hours=2)
MAX_DURATION = timedelta(days=31)
MAX_BLOCK = MAX_DURATION + timedelta(minutes=240)  # the longest activity plus the longest buffer
TEXT_MAX = 2000


def local_tz():
    return timezone.get_current_timezone()


def _fmt(dt: datetime) -> str:
    return timezone.localtime(dt).strftime("%m-%d %H:%M")


def _fmt_time(dt: datetime) -> str:
    return timezone.localtime(dt).strftime("%H:%M")


def record(activity: Activity, kind: str, *, actor=None, registration=None, **detail) -> ActivityEvent:
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return ActivityEvent.objects.create(activity=activity, kind=kind, actor=actor, registration=registration,
                                        detail=detail)


def _notify(**kwargs) -> None:
    from quntuan.notifications.services import notify

    kwargs.setdefault("channels", ("inbox", "sms"))
    notify(**kwargs)


def activity_link(activity: Activity) -> str:
    return reverse("activities:detail", args=[activity.pk])


# --- input checks ------------------------------------------------------------------------------


def _text(value, label: str, *, max_length: int, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ApplicationError(_("请填写%(label)s。") % {"label": label}, code="required")
    if len(value) > max_length:
        raise ApplicationError(_("%(label)s不能超过 %(n)s 个字。") % {"label": label, "n": max_length}, code="too_long")
    return value


def _check_times(start: datetime | None, end: datetime | None) -> None:
    if start is None or end is None:
        raise ApplicationError(_("请填写开始时间和结束时间。"), code="required")
    if timezone.is_naive(start) or timezone.is_naive(end):
        raise ApplicationError(_("时间须带时区。"), code="invalid_time")
    if end <= start:
        raise ApplicationError(_("结束时间必须晚于开始时间。"), code="end_before_start")
    if end - start > MAX_DURATION:
        raise ApplicationError(_("一次活动不能超过 31 天。"), code="too_long")


def _check_capacity(capacity, label: str | None = None) -> int:
    label = label or _("名额")
    try:
        capacity = int(capacity)
    except (TypeError, ValueError):
        raise ApplicationError(_("%(label)s必须是正整数。") % {"label": label}, code="invalid_capacity") from None
    if capacity <= 0:
        raise ApplicationError(_("%(label)s必须大于 0。") % {"label": label}, code="invalid_capacity")
    if capacity > 100000:
        raise ApplicationError(_("%(label)s不能超过 100000。") % {"label": label}, code="invalid_capacity")
    return capacity


def _check_audience(age_min, age_max, groups) -> tuple[int | None, int | None, list[str]]:
    for value, label in ((age_min, _("最小年龄")), (age_max, _("最大年龄"))):
        if value is not None and not (0 <= int(value) <= 120):
            raise ApplicationError(_("%(label)s应在 0 到 120 之间。") % {"label": label}, code="invalid_age")
    if age_min is not None and age_max is not None and int(age_min) > int(age_max):
        raise ApplicationError(_("最小年龄不能大于最大年龄。"), code="invalid_age")
    groups = list(dict.fromkeys(groups or []))
    unknown = [g for g in groups if g not in AudienceGroup.values]
    if unknown:
        raise ApplicationError(_("未知的面向人群:%(g)s。") % {"g": "、".join(unknown)}, code="invalid_group")
    return (None if age_min is None else int(age_min), None if age_max is None else int(age_max), groups)


def _check_window(opens, closes, start) -> None:
    if opens and closes and closes <= opens:
        raise ApplicationError(_("报名截止时间必须晚于报名开始时间。"), code="invalid_window")
    if closes and closes > start:
        raise ApplicationError(_("报名截止时间不能晚于活动开始时间。"), code="invalid_window")
    if opens and opens >= start:
        raise ApplicationError(_("报名开始时间必须早于活动开始时间。"), code="invalid_window")


# --- venues ------------------------------------------------------------------------------------


def _venue_fields(*, name, address, capacity, facilities, opening_hours, buffer_minutes) -> dict:
    if not rules.valid_opening_hours(opening_hours):
        raise ApplicationError(_("开放时间格式不正确:每天填写若干时段,开始早于结束。"), code="invalid_hours")
    try:
        buffer_minutes = int(buffer_minutes)
    except (TypeError, ValueError):
        raise ApplicationError(_("场地间隔必须是整数分钟。"), code="invalid_buffer") from None
    if not 0 <= buffer_minutes <= 240:
        raise ApplicationError(_("场地间隔应在 0 到 240 分钟之间。"), code="invalid_buffer")
    return {
        "name": _text(name, _("名称"), max_length=64),
        "address": _text(address, _("地址"), max_length=128),
        "capacity": _check_capacity(capacity, _("容纳人数")),
        "facilities": _text(facilities, _("设施"), max_length=256, required=False),
        "opening_hours": [[[str(a), str(b)] for a, b in day] for day in opening_hours],
        "buffer_minutes": buffer_minutes,
    }


def _check_community(community: Region, district_id: int) -> None:
    if community is None or community.level != Region.Level.COMMUNITY:
        raise ApplicationError(_("请选择社区。"), code="invalid_community")
    if community.district_id != district_id:
        raise ApplicationError(_("社区不在本单位所在的区。"), code="invalid_community")


@transaction.atomic
def venue_create(*, actor, owner: Organization, community: Region, name: str, address: str, capacity: int,
                 facilities: str = "", opening_hours=None, bookable_by=(), buffer_minutes: int = 30,
                 photo=None) -> Venue:
    if not venue_policy.can_create_for(actor, owner):
        raise PermissionDenied(_("只有本单位工作人员可以登记本单位的阵地。"))
    _check_community(community, owner.district_id)
    fields = _venue_fields(name=name, address=address, capacity=capacity, facilities=facilities,
                           opening_hours=opening_hours if opening_hours is not None
                           else [[["09:00", "21:00"]] for _ in range(7)],
                           buffer_minutes=buffer_minutes)
    venue = Venue.objects.create(owner=owner, community=community, **fields)
    if photo:
        venue.photo = photo
        venue.save(update_fields=["photo"])
    venue.bookable_by.set(_same_district_orgs(bookable_by, owner.district_id))
    return venue


def _same_district_orgs(orgs, district_id: int) -> list[Organization]:
    orgs = list(orgs or [])
    for org in orgs:
        if org.district_id != district_id:
            raise ApplicationError(_("%(org)s不在本区,不能选择。") % {"org": org.name}, code="invalid_org")
    return orgs


@transaction.atomic
def venue_update(*, actor, venue: Venue, name: str, address: str, capacity: int, facilities: str = "",
                 opening_hours=None, bookable_by=(), buffer_minutes: int = 30, community: Region | None = None,
                 is_active: bool = True, photo=None) -> Venue:
    if not venue_policy.can_edit(actor, venue):
        raise PermissionDenied(_("只有阵地所属单位的工作人员可以修改阵地。"))
    venue = lock_venue(venue)
    fields = _venue_fields(name=name, address=address, capacity=capacity, facilities=facilities,
                           opening_hours=opening_hours if opening_hours is not None else venue.opening_hours,
                           buffer_minutes=buffer_minutes)
    if community is not None:
        _check_community(community, venue.owner.district_id)
        fields["community"] = community
    for key, value in fields.items():
        setattr(venue, key, value)
    venue.is_active = is_active
    if photo:
        venue.photo = photo
    venue.save()
    venue.bookable_by.set(_same_district_orgs(bookable_by, venue.owner.district_id))
    return venue


# --- bookings ----------------------------------------------------------------------------------


def venue_busy(venue: Venue, day_start: datetime, day_end: datetime, *, exclude_activity_id=None):
    """Active bookings of ``venue`` whose block touches ``[day_start, day_end)``."""
    # No block is longer than MAX_BLOCK, so the lower bound on block_start keeps the index range
    # scan to about a month of this venue's bookings, however long its history.
    qs = Booking.objects.filter(
        venue=venue, status=Booking.Status.ACTIVE, block_start__lt=day_end, block_end__gt=day_start,
        block_start__gt=day_start - MAX_BLOCK,
    ).select_related("activity", "activity__primary_host")
    if exclude_activity_id:
        qs = qs.exclude(activity_id=exclude_activity_id)
    return list(qs.order_by("block_start"))


def venue_free_slots(*, venue: Venue, day: date, duration: timedelta, exclude_activity_id=None):
    """Windows of ``day`` in which an activity of ``duration`` fits at ``venue``."""
    tz = local_tz()
    day_start, day_end = rules.day_bounds(day, tz)
    busy = venue_busy(venue, day_start - timedelta(days=1), day_end + timedelta(days=1),
                      exclude_activity_id=exclude_activity_id)
    return rules.free_slots(
        open_intervals=rules.opening_intervals(day, venue.opening_hours, tz),
        busy=[(b.block_start, b.block_end) for b in busy],
        duration=duration, buffer=timedelta(minutes=venue.buffer_minutes),
    )


def _slots_text(slots) -> str:
    if not slots:
        return _("当天没有可容纳该时长的空闲时段")

    return "、".join(f"{_fmt_time(a)}–{_fmt_time(b)}" for a, b in slots[:6])


def _booking_conflict(venue: Venue, clash: Booking, start: datetime, end: datetime,
                      exclude_activity_id=None) -> Conflict:
    day = timezone.localtime(start).date()
    slots = venue_free_slots(venue=venue, day=day, duration=end - start, exclude_activity_id=exclude_activity_id)
    other = clash.activity
    message = (
        _("%(venue)s在该时段已被预约:《%(title)s》(主办:%(org)s,%(start)s–%(end)s,含 %(buffer)s 分钟场地间隔)。"
          "当天可用时段:%(slots)s。") % {
            "venue": venue.name, "title": other.title, "org": other.primary_host.name, "start": _fmt(other.start),
            "end": _fmt_time(other.end), "buffer": venue.buffer_minutes, "slots": _slots_text(slots)}
    )
    return Conflict(message, code="venue_booked", extra={
        "clash": {"activity_id": other.pk, "title": other.title, "organizer": other.primary_host.name,
                  "start": other.start.isoformat(), "end": other.end.isoformat()},
        "free_slots": [{"start": timezone.localtime(a).isoformat(), "end": timezone.localtime(b).isoformat()}
                       for a, b in slots],
    })


def _book_venue(*, activity: Activity, venue: Venue, start: datetime, end: datetime, actor) -> Booking:
    """Book ``venue`` for ``activity``; refuse a clash with a message naming it.

    The venue row is locked so bookings of one venue are checked one at a time; on PostgreSQL
    the exclusion constraint also refuses an overlapping insert (IntegrityError, turned into the
    same Conflict), on SQLite the write transaction is already serialized."""
    if not venue.is_active:
        raise ApplicationError(_("%(venue)s已停用,不能预约。") % {"venue": venue.name}, code="venue_inactive")
    if not venue_policy.may_book(venue, activity.primary_host_id):
        raise PermissionDenied(_("%(org)s不在%(venue)s的可预约单位之列。") % {"org": activity.primary_host.name, "venue": venue.name})
    tz = local_tz()
    if not rules.within_opening_hours(start, end, venue.opening_hours, tz):
        day = timezone.localtime(start).date()
        hours = venue.opening_hours[day.weekday()]
        opening = "、".join(f"{a}–{b}" for a, b in hours) or _("不开放")
        raise ApplicationError(
            _("活动时间不在%(venue)s的开放时间内(当天开放时间:%(hours)s)。") % {"venue": venue.name, "hours": opening},
            code="outside_opening_hours",
        )
    venue = lock_venue(venue)
    block_start, block_end = rules.block_of(start, end, venue.buffer_minutes)
    Booking.objects.filter(activity=activity, status=Booking.Status.ACTIVE).update(status=Booking.Status.RELEASED)
    busy = venue_busy(venue, block_start, block_end, exclude_activity_id=activity.pk)
    clash = rules.first_clash((block_start, block_end), [((b.block_start, b.block_end), b) for b in busy])
    if clash is not None:
        raise _booking_conflict(venue, clash, start, end, exclude_activity_id=activity.pk)
    try:
        with transaction.atomic():
            return Booking.objects.create(venue=venue, activity=activity, start=start, end=end,
                                          block_start=block_start, block_end=block_end, created_by=actor
                                          if getattr(actor, "is_authenticated", False) else None)
    except IntegrityError:
        busy = venue_busy(venue, block_start, block_end, exclude_activity_id=activity.pk)
        if busy:
            raise _booking_conflict(venue, busy[0], start, end, exclude_activity_id=activity.pk) from None
        raise Conflict(_("%(venue)s在该时段已被预约,请换一个时段。") % {"venue": venue.name}, code="venue_booked") from None


def _release_bookings(activity: Activity) -> None:
    Booking.objects.filter(activity=activity, status=Booking.Status.ACTIVE).update(status=Booking.Status.RELEASED)


# --- activities --------------------------------------------------------------------------------


@dataclass
class ActivityInput:
    kind: str
    title: str
    start: datetime
    end: datetime
    capacity: int
    description: str = ""
    venue: Venue | None = None
    address: str = ""
    community: Region | None = None
    street: Region | None = None
    age_min: int | None = None
    age_max: int | None = None
    audience_groups: list | None = None
    registration_opens: datetime | None = None
    registration_closes: datetime | None = None
    needs_approval: bool = False
    contact_name: str = ""
    contact_phone: str = ""


def _clean_activity(data: ActivityInput, district_id: int) -> dict:
    if data.kind not in ActivityKind.values:
        raise ApplicationError(_("请选择活动类型。"), code="invalid_kind")
    _check_times(data.start, data.end)
    capacity = _check_capacity(data.capacity)
    age_min, age_max, groups = _check_audience(data.age_min, data.age_max, data.audience_groups)
    _check_window(data.registration_opens, data.registration_closes, data.start)
    community, street = data.community, data.street
    address = _text(data.address, _("活动地址"), max_length=128, required=False)
    if data.venue is not None:
        community = data.venue.community
        if capacity > data.venue.capacity:
            raise ApplicationError(_("名额(%(n)s)超过%(venue)s的容纳人数(%(cap)s)。") % {
                "n": capacity, "venue": data.venue.name, "cap": data.venue.capacity},
                                   code="over_venue_capacity")
    elif not address:
        raise ApplicationError(_("请选择阵地,或填写活动地址。"), code="place_required")
    if community is not None:
        _check_community(community, district_id)
        street = community.parent
    if street is not None and (street.level != Region.Level.STREET or street.district_id != district_id):
        raise ApplicationError(_("街道不在本区。"), code="invalid_street")
    return {
        "kind": data.kind,
        "title": _text(data.title, _("标题"), max_length=100),
        "description": _text(data.description, _("简介"), max_length=TEXT_MAX, required=False),
        "start": data.start, "end": data.end, "capacity": capacity,
        "venue": data.venue, "address": "" if data.venue else address,
        "community": community, "street": street,
        "age_min": age_min, "age_max": age_max, "audience_groups": groups,
        "registration_opens": data.registration_opens, "registration_closes": data.registration_closes,
        "needs_approval": bool(data.needs_approval),
        "contact_name": _text(data.contact_name, _("联系人"), max_length=32, required=False),
        "contact_phone": _text(data.contact_phone, _("联系电话"), max_length=32, required=False),
    }


def _check_hosts(primary_host: Organization, co_hosts, host_staff) -> tuple[list, list]:
    co_hosts = [o for o in _same_district_orgs(co_hosts, primary_host.district_id) if o.pk != primary_host.pk]
    host_ids = {primary_host.pk, *(o.pk for o in co_hosts)}
    staff = list(host_staff or [])
    for person in staff:
        if not person.memberships.filter(organization_id__in=host_ids).exists():
            raise ApplicationError(_("%(person)s不是主办或协办单位的工作人员。") % {"person": person}, code="invalid_staff")
    return co_hosts, staff


@transaction.atomic
def activity_create(*, actor, primary_host: Organization, data: ActivityInput, co_hosts=(), host_staff=()) -> Activity:
    """A new activity (a draft); with a venue, the venue is booked in the same transaction."""
    if not activity_policy.can_create_for(actor, primary_host):
        raise PermissionDenied(_("只有本单位工作人员可以为本单位创建活动。"))
    fields = _clean_activity(data, primary_host.district_id)
    co_hosts, staff = _check_hosts(primary_host, co_hosts, host_staff)
    activity = Activity.objects.create(district_id=primary_host.district_id, primary_host=primary_host,
                                       created_by=actor, **fields)
    activity.hosts.set([primary_host, *co_hosts])
    activity.host_staff.set(staff or [actor])
    if activity.venue_id:
        _book_venue(activity=activity, venue=activity.venue, start=activity.start, end=activity.end, actor=actor)
    record(activity, ActivityEvent.Kind.CREATED, actor=actor)
    return activity


@transaction.atomic
def activity_update(*, actor, activity: Activity, data: ActivityInput, co_hosts=None, host_staff=None) -> Activity:
    """Change an activity (None for co_hosts or host_staff keeps them); rebook when the venue or
    the time changes, and fill new seats from the waitlist."""
    if not activity_policy.can_edit(actor, activity):
        raise PermissionDenied(_("只有主办单位的工作人员可以修改此活动。"))
    activity = lock_activity(activity)
    if activity.status == ActivityStatus.CANCELLED:
        raise Conflict(_("活动已取消,不能修改。"), code="cancelled")
    fields = _clean_activity(data, activity.district_id)
    if co_hosts is None:
        co_hosts = list(activity.hosts.exclude(pk=activity.primary_host_id))
    if host_staff is None:
        host_staff = list(activity.host_staff.all())
    co_hosts, staff = _check_hosts(activity.primary_host, co_hosts, host_staff)
    confirmed = activity.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    if fields["capacity"] < confirmed:
        raise Conflict(_("名额不能少于已确认报名的人数(%(n)s 人)。") % {"n": confirmed}, code="capacity_below_confirmed")
    rebook = (fields["venue"] != activity.venue or fields["start"] != activity.start
              or fields["end"] != activity.end)
    for key, value in fields.items():
        setattr(activity, key, value)
    activity.save()
    activity.hosts.set([activity.primary_host, *co_hosts])
    if staff:
        activity.host_staff.set(staff)
    if rebook:
        _release_bookings(activity)
        if activity.venue_id:
            _book_venue(activity=activity, venue=activity.venue, start=activity.start, end=activity.end,
                        actor=actor)
    _promote_waitlist(activity, actor=actor)
    event = record(activity, ActivityEvent.Kind.UPDATED, actor=actor, moved=rebook)
    if rebook and activity.status == ActivityStatus.PUBLISHED:
        holders = activity.registrations.filter(status__in=HOLDING_STATUSES).select_related("resident")
        for registration in holders:
            _notify(user=registration.resident, title=_("活动时间或地点变更"),
                    body=_("您报名的《%(title)s》改为 %(start)s–%(end)s在%(place)s举行。") % {
                        "title": activity.title, "start": _fmt(activity.start), "end": _fmt_time(activity.end),
                        "place": activity.place},
                    link=activity_link(activity), dedup_key=f"activities:moved:{event.pk}:{registration.pk}")
    return activity


@transaction.atomic
def activity_publish(*, actor, activity: Activity, now: datetime | None = None) -> Activity:
    if not activity_policy.can_edit(actor, activity):
        raise PermissionDenied(_("只有主办单位的工作人员可以发布此活动。"))
    now = now or timezone.now()
    activity = lock_activity(activity)
    if activity.status != ActivityStatus.DRAFT:
        raise Conflict(_("只有草稿可以发布。"), code="not_draft")
    if activity.end <= now:
        raise ApplicationError(_("活动已结束,不能发布。"), code="past")
    activity.status = ActivityStatus.PUBLISHED
    activity.published_at = now
    activity.save(update_fields=["status", "published_at", "updated_at"])
    record(activity, ActivityEvent.Kind.PUBLISHED, actor=actor)
    return activity


@transaction.atomic
def activity_cancel(*, actor, activity: Activity, reason: str, now: datetime | None = None) -> Activity:
    """Cancel the activity, release its venue and tell everyone who registered."""
    if not activity_policy.can_edit(actor, activity):
        raise PermissionDenied(_("只有主办单位的工作人员可以取消此活动。"))
    reason = _text(reason, _("取消原因"), max_length=200)
    activity = lock_activity(activity)
    if activity.status == ActivityStatus.CANCELLED:
        raise Conflict(_("活动已取消。"), code="cancelled")
    if activity.end <= (now or timezone.now()):
        raise ApplicationError(_("活动已结束,不能取消。"), code="past")
    activity.status = ActivityStatus.CANCELLED
    activity.cancelled_at = now or timezone.now()
    activity.cancel_reason = reason
    activity.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    _release_bookings(activity)
    event = record(activity, ActivityEvent.Kind.CANCELLED, actor=actor, reason=reason)
    holders = activity.registrations.filter(status__in=HOLDING_STATUSES).select_related("resident")
    for registration in holders:
        _notify(user=registration.resident, title=_("活动已取消"),
                body=_("您报名的《%(title)s》(%(start)s)已取消:%(reason)s") % {
                    "title": activity.title, "start": _fmt(activity.start), "reason": reason},
                link=activity_link(activity), dedup_key=f"activities:cancelled:{event.pk}:{registration.pk}")
    return activity


def activity_warnings(activity: Activity) -> list[dict]:
    """Soft conflicts: published activities in the same street at an overlapping time aimed at an
    overlapping audience, and host staff who are busy elsewhere at the same time. Each names the
    other activity and its organizer."""
    warnings: list[dict] = []
    overlapping = (
        Activity.objects.filter(start__lt=activity.end, end__gt=activity.start)
        .exclude(pk=activity.pk).exclude(status=ActivityStatus.CANCELLED)
        .select_related("primary_host")
    )
    mine = {"age_min": activity.age_min, "age_max": activity.age_max, "groups": activity.audience_groups}
    if activity.street_id:
        for other in overlapping.filter(street_id=activity.street_id, status=ActivityStatus.PUBLISHED):
            theirs = {"age_min": other.age_min, "age_max": other.age_max, "groups": other.audience_groups}
            if rules.audiences_overlap(mine, theirs):
                warnings.append({
                    "kind": "audience", "activity_id": other.pk, "title": other.title,
                    "organizer": other.primary_host.name,
                    "message": _("同一街道同一时段有面向相近人群的活动《%(title)s》(主办:%(org)s,%(start)s–%(end)s),"
                                 "建议与对方协调。") % {
                        "title": other.title, "org": other.primary_host.name, "start": _fmt(other.start),
                        "end": _fmt_time(other.end)},
                })
    staff = list(activity.host_staff.all())
    if staff:
        for other in overlapping.filter(host_staff__in=staff).distinct():
            names = "、".join(str(p) for p in other.host_staff.all() if p in staff)
            warnings.append({
                "kind": "staff", "activity_id": other.pk, "title": other.title,
                "organizer": other.primary_host.name,
                "message": _("工作人员%(names)s同一时段还负责《%(title)s》(主办:%(org)s,%(start)s–%(end)s)。") % {
                    "names": names, "title": other.title, "org": other.primary_host.name,
                    "start": _fmt(other.start), "end": _fmt_time(other.end)},
            })
    return warnings


# --- registrations -----------------------------------------------------------------------------


def _seats_taken(activity: Activity) -> int:
    return activity.registrations.filter(status=RegistrationStatus.CONFIRMED).count()


def _promote_waitlist(activity: Activity, *, actor=None) -> list[Registration]:
    """Fill free seats from the waitlist in arrival order. The caller holds the activity lock."""
    free = activity.capacity - _seats_taken(activity)
    if free <= 0:
        return []
    promoted = list(activity.registrations.filter(status=RegistrationStatus.WAITLISTED)
                    .select_related("resident").order_by("seq")[:free])
    now = timezone.now()
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.decided_at = now
        registration.save(update_fields=["status", "decided_at", "updated_at"])
        event = record(activity, ActivityEvent.Kind.PROMOTED, actor=actor, registration=registration)
        _notify(user=registration.resident, title=_("候补成功"),
                body=_("您已从候补转为正式报名《%(title)s》(%(start)s)。") % {
                    "title": activity.title, "start": _fmt(activity.start)},
                link=activity_link(activity), dedup_key=f"activities:promoted:{event.pk}")
    return promoted


def registration_window_problem(activity: Activity, now: datetime) -> str | None:
    """Why registration is closed now, or None."""
    if activity.status != ActivityStatus.PUBLISHED:
        return _("该活动未发布或已取消,不能报名。")
    if activity.registration_opens and now < activity.registration_opens:
        return _("报名尚未开始,将于 %(t)s 开始。") % {"t": _fmt(activity.registration_opens)}
    closes = activity.registration_closes or activity.start
    if now >= closes:
        return _("报名已截止。")
    return None


@transaction.atomic
def registration_create(*, resident, activity: Activity, now: datetime | None = None) -> Registration:
    """Register a resident: confirmed while seats last, then on the waitlist; pending when the
    activity needs approval. Arrival order is the order in which requests take the activity lock."""
    if resident is None or not getattr(resident, "is_authenticated", False):
        raise PermissionDenied(_("请先登录再报名。"))
    now = now or timezone.now()
    activity = lock_activity(activity)
    problem = registration_window_problem(activity, now)
    if problem:
        raise ApplicationError(problem, code="registration_closed")
    existing = Registration.objects.filter(activity=activity, resident=resident).first()
    if existing is not None:
        if existing.status in HOLDING_STATUSES:
            raise Conflict(_("您已报名该活动(状态:%(s)s),不能重复报名。") % {"s": existing.get_status_display()},
                           code="already_registered")
        if existing.status == RegistrationStatus.REJECTED:
            raise Conflict(_("您的报名未通过审核,不能再次报名。"), code="rejected")
    Activity.objects.filter(pk=activity.pk).update(registration_seq=F("registration_seq") + 1)
    activity.refresh_from_db(fields=["registration_seq"])
    if activity.needs_approval:
        status = RegistrationStatus.PENDING
    elif _seats_taken(activity) < activity.capacity:
        status = RegistrationStatus.CONFIRMED
    else:
        status = RegistrationStatus.WAITLISTED
    if existing is not None:  # registering again after cancelling: a new arrival
        existing.status, existing.seq, existing.cancelled_at, existing.decided_at = status, activity.registration_seq, None, None
        existing.save(update_fields=["status", "seq", "cancelled_at", "decided_at", "updated_at"])
        registration = existing
    else:
        try:
            with transaction.atomic():
                registration = Registration.objects.create(activity=activity, resident=resident, status=status,
                                                           seq=activity.registration_seq)
        except IntegrityError:
            raise Conflict(_("您已报名该活动,不能重复报名。"), code="already_registered") from None
    record(activity, ActivityEvent.Kind.REGISTERED, actor=resident, registration=registration, status=status)
    return registration


@transaction.atomic
def registration_cancel(*, actor, registration: Registration, now: datetime | None = None) -> Registration:
    """Cancel a registration (the resident, or host staff); the first on the waitlist moves up."""
    if not registration_policy.can_cancel(actor, registration):
        raise NotFound(_("未找到该报名,或您无权操作。"))
    now = now or timezone.now()
    activity = lock_activity(registration.activity_id)
    registration = lock_registration(registration)
    if registration.status not in HOLDING_STATUSES:
        raise Conflict(_("该报名已取消或未通过,无需再取消。"), code="not_active")
    if CheckIn.objects.filter(registration=registration).exists():
        raise Conflict(_("已签到的报名不能取消。"), code="checked_in")
    if activity.end <= now:
        raise ApplicationError(_("活动已结束,不能取消报名。"), code="past")
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at", "updated_at"])
    record(activity, ActivityEvent.Kind.REGISTRATION_CANCELLED, actor=actor, registration=registration)
    if activity.status == ActivityStatus.PUBLISHED:
        _promote_waitlist(activity, actor=actor)
    return registration


def _decide(*, actor, registration: Registration, approve: bool, note: str = "") -> Registration:
    activity = lock_activity(registration.activity_id)
    if not activity_policy.can_manage(actor, activity):
        raise PermissionDenied(_("只有主办单位的工作人员可以审核报名。"))
    registration = lock_registration(registration)
    if registration.status != RegistrationStatus.PENDING:
        raise Conflict(_("该报名不在待审核状态。"), code="not_pending")
    if approve:
        full = _seats_taken(activity) >= activity.capacity
        registration.status = RegistrationStatus.WAITLISTED if full else RegistrationStatus.CONFIRMED
        kind, title = ActivityEvent.Kind.APPROVED, "报名审核通过"
        body = f"您报名的《{activity.title}》已审核通过" + (",名额已满,已为您候补。" if full else "。")
    else:
        registration.status = RegistrationStatus.REJECTED
        kind, title = ActivityEvent.Kind.REJECTED, "报名未通过审核"
        body = f"您报名的《{activity.title}》未通过审核" + (f":{note}" if note else "。")
    registration.decided_at = timezone.now()
    registration.note = note[:200]
    registration.save(update_fields=["status", "decided_at", "note", "updated_at"])
    event = record(activity, kind, actor=actor, registration=registration, note=note[:200])
    _notify(user=registration.resident, title=title, body=body, link=activity_link(activity),
            dedup_key=f"activities:decided:{event.pk}")
    return registration


@transaction.atomic
def registration_approve(*, actor, registration: Registration) -> Registration:
    return _decide(actor=actor, registration=registration, approve=True)


@transaction.atomic
def registration_reject(*, actor, registration: Registration, note: str = "") -> Registration:
    return _decide(actor=actor, registration=registration, approve=False,
                   note=_text(note, _("原因"), max_length=200, required=False))


# --- QR codes and check-in ---------------------------------------------------------------------


def _signer() -> signing.Signer:
    return signing.Signer(salt=CHECKIN_SALT, algorithm="sha256")


def registration_token(registration: Registration) -> str:
    """The QR payload: the registration number signed with the site's secret."""
    return _signer().sign(f"R{registration.pk}")


def registration_short_code(registration: Registration) -> str:
    """The code printed under the QR for typing: number and the first characters of the signature."""
    signature = registration_token(registration).rsplit(":", 1)[1]
    return f"{registration.pk}-{signature[:SHORT_CODE_LENGTH]}"


FORGED = gettext_noop("签到码无效,请核对后重新输入。")


def registration_id_from_code(code: str) -> int:
    """The registration number in a scanned token or a typed short code; forged codes are refused."""
    code = (code or "").strip()
    if not code or len(code) > 120:
        raise ApplicationError(_(FORGED), code="invalid_code")
    if ":" in code:
        try:
            value = _signer().unsign(code)
        except signing.BadSignature:
            raise ApplicationError(_(FORGED), code="invalid_code") from None
        if not value.startswith("R") or not value[1:].isdigit():
            raise ApplicationError(_(FORGED), code="invalid_code")
        return int(value[1:])
    number, _sep, short = code.partition("-")
    if not number.isdigit() or len(short) != SHORT_CODE_LENGTH or len(number) > 12:
        raise ApplicationError(_(FORGED), code="invalid_code")
    expected = _signer().sign(f"R{int(number)}").rsplit(":", 1)[1][:SHORT_CODE_LENGTH]
    if not constant_time_compare(expected, short):
        raise ApplicationError(_(FORGED), code="invalid_code")
    return int(number)


def _check_checkin_time(activity: Activity, now: datetime) -> None:
    if activity.status != ActivityStatus.PUBLISHED:
        raise ApplicationError(_("活动未发布或已取消,不能签到。"), code="not_published")
    if now < activity.start - CHECKIN_OPENS_BEFORE:
        raise ApplicationError(_("签到将于活动开始前 2 小时开放。"), code="checkin_not_open")
    if now > activity.end + timedelta(hours=6):
        raise ApplicationError(_("活动已结束,不能再签到。"), code="checkin_closed")


@transaction.atomic
def checkin_by_code(*, actor, activity: Activity, code: str, now: datetime | None = None) -> CheckIn:
    if not activity_policy.can_manage(actor, activity):
        raise PermissionDenied(_("只有主办单位的工作人员可以签到。"))
    registration_id = registration_id_from_code(code)
    now = now or timezone.now()
    activity = lock_activity(activity)
    _check_checkin_time(activity, now)
    registration = Registration.objects.filter(pk=registration_id).select_related("resident").first()
    if registration is None or registration.activity_id != activity.pk:
        raise ApplicationError(_("该签到码不属于本活动。"), code="other_activity")
    if registration.status != RegistrationStatus.CONFIRMED:
        raise Conflict(_("该报名状态为「%(s)s」,不能签到。") % {"s": registration.get_status_display()}, code="not_confirmed")
    existing = CheckIn.objects.filter(registration=registration).first()
    if existing is not None:
        raise Conflict(_("%(who)s已于 %(t)s 签到。") % {"who": registration.resident, "t": _fmt(existing.checked_in_at)},
                       code="already_checked_in")
    checkin = CheckIn.objects.create(activity=activity, registration=registration, checked_in_at=now, by=actor)
    record(activity, ActivityEvent.Kind.CHECKED_IN, actor=actor, registration=registration)
    return checkin


@transaction.atomic
def checkin_walk_in(*, actor, activity: Activity, name: str, mobile: str = "",
                    now: datetime | None = None) -> CheckIn:
    """Someone who came without registering."""
    if not activity_policy.can_manage(actor, activity):
        raise PermissionDenied(_("只有主办单位的工作人员可以登记现场参加人员。"))
    name = _text(name, _("姓名"), max_length=32)
    mobile = (mobile or "").strip()
    if mobile and not is_valid_mobile(mobile):
        raise ApplicationError(_("手机号格式不正确。"), code="invalid_mobile")
    now = now or timezone.now()
    activity = lock_activity(activity)
    _check_checkin_time(activity, now)
    checkin = CheckIn.objects.create(activity=activity, walk_in_name=name, walk_in_mobile=mobile,
                                     checked_in_at=now, by=actor)
    record(activity, ActivityEvent.Kind.WALK_IN, actor=actor, name=name)
    return checkin


# --- reminders and feeds -----------------------------------------------------------------------


def send_reminders(*, now: datetime | None = None) -> int:
    """Remind everyone confirmed for an activity that starts tomorrow (local date). Safe to run
    as often as wanted: each registration is reminded once (notify's dedup key)."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    start, end = rules.day_bounds(tomorrow, local_tz())
    registrations = (
        Registration.objects.filter(status=RegistrationStatus.CONFIRMED, activity__status=ActivityStatus.PUBLISHED,
                                    activity__start__gte=start, activity__start__lt=end)
        .select_related("activity", "activity__venue", "resident")
    )
    count = 0
    for registration in registrations:
        activity = registration.activity
        with transaction.atomic():
            _notify(user=registration.resident, title=_("活动提醒"),
                    body=_("您报名的《%(title)s》将于明天 %(time)s 在%(place)s举行。") % {
                        "title": activity.title, "time": _fmt_time(activity.start), "place": activity.place},
                    link=activity_link(activity), dedup_key=f"activities:reminder:{registration.pk}")
        count += 1
    return count


def feed_token(user) -> str:
    return signing.Signer(salt=FEED_SALT, algorithm="sha256").sign(f"U{user.pk}")


def user_id_from_feed_token(token: str) -> int:
    try:
        value = signing.Signer(salt=FEED_SALT, algorithm="sha256").unsign(token or "")
    except signing.BadSignature:
        raise NotFound(_("日历订阅地址无效。")) from None
    if not value.startswith("U") or not value[1:].isdigit():
        raise NotFound(_("日历订阅地址无效。"))
    return int(value[1:])
