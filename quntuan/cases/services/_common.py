"""Helpers shared by the case services: input checks, events, deadlines and notifications."""

from __future__ import annotations

import logging
import time as clock
import uuid
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quntuan.cases.models import Case, CaseEvent
from quntuan.catalog.models import TimeLimitClass
from quntuan.core.exceptions import ApplicationError
from quntuan.organizations.models import DistrictRules, Membership, Organization, Region
from quntuan.workdays.rules import WorkCalendar, compute_deadline
from quntuan.workdays.services import calendar_around, calendar_for_years

logger = logging.getLogger(__name__)

TEXT_MAX = 5000

# Events a resident never sees on their own timeline.
INTERNAL_KINDS = frozenset({
    CaseEvent.Kind.NOTE,
    CaseEvent.Kind.COHANDLER_ADDED,
    CaseEvent.Kind.COHANDLER_REPLIED,
    CaseEvent.Kind.REQUESTER_INFORMED,
    CaseEvent.Kind.EXTENSION_REQUESTED,
    CaseEvent.Kind.EXTENSION_REJECTED,
    CaseEvent.Kind.TRANSFER_RETURNED,
    CaseEvent.Kind.FOLLOWUP_OPENED,
    CaseEvent.Kind.REMINDED,
    CaseEvent.Kind.YELLOW_FLAG,
    CaseEvent.Kind.RED_FLAG,
    CaseEvent.Kind.PERSONAL_DATA_VIEWED,
})


# --- input --------------------------------------------------------------------------------------
def clean_text(value, label: str, *, max_length: int = TEXT_MAX, required: bool = True) -> str:
    """Strip and check a free-text field. Text is stored as typed (markup included): escaping is
    the template's job."""
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not text:
        raise ApplicationError(_("%(label)s不能为空。") % {"label": label}, code="required")
    if len(text) > max_length:
        raise ApplicationError(
            _("%(label)s不能超过 %(max)s 个字(当前 %(n)s 个字)。") % {"label": label, "max": max_length, "n": len(text)},
            code="too_long",
        )
    return text


def clean_days(value, label: str, *, minimum: int = 1, maximum: int = 60) -> int:
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ApplicationError(_("%(label)s必须是整数。") % {"label": label}, code="invalid") from None
    if not minimum <= days <= maximum:
        raise ApplicationError(
            _("%(label)s应在 %(min)s 至 %(max)s 个工作日之间。") % {"label": label, "min": minimum, "max": maximum},
            code="invalid",
        )
    return days


def check_same_district_org(organization, district_id: int, *, label: str = "单位") -> Organization:
    if organization is None or not isinstance(organization, Organization):
        raise ApplicationError(_("请选择%(label)s。") % {"label": label}, code="invalid")
    if not organization.is_active or organization.district_id != district_id:
        raise ApplicationError(_("%(label)s不存在、已停用或不属于本区。") % {"label": label}, code="invalid")
    return organization


# --- events -------------------------------------------------------------------------------------
def build_event(case: Case, kind: str, *, actor=None, organization=None, target_org=None, note: str = "",
                data: dict | None = None, at: datetime | None = None) -> CaseEvent:
    """An unsaved event (for ``bulk_create``); ``record_event`` saves one."""
    return CaseEvent(
        case=case, kind=kind, actor=actor if getattr(actor, "pk", None) else None,
        organization=organization, target_org=target_org, note=note,
        internal=kind in INTERNAL_KINDS, data=data or {}, at=at or timezone.now(),
    )


def record_event(case: Case, kind: str, *, actor=None, organization=None, target_org=None, note: str = "",
                 data: dict | None = None, at: datetime | None = None) -> CaseEvent:
    event = build_event(case, kind, actor=actor, organization=organization, target_org=target_org, note=note,
                        data=data, at=at)
    event.save(force_insert=True)
    return event


def actor_org_for(actor, case: Case) -> Organization | None:
    """The organization an actor acts for on this case (for the event row)."""
    if actor is None:
        return None
    ids = set(Membership.objects.filter(user=actor).values_list("organization_id", flat=True))
    for org_id, org in ((case.handling_org_id, "handling_org"), (case.transfer_to_org_id, "transfer_to_org"),
                        (case.first_inquirer_org_id, "first_inquirer_org")):
        if org_id in ids:
            return getattr(case, org)
    return None


# --- rules and deadlines --------------------------------------------------------------------------
# --- the working calendar and district rules, cached per process ------------------------------------
# Every submission and most handling steps need the district's rules and the working calendar;
# both change a few times a year. Each process keeps what it read, checked against a version in
# the shared cache (Redis in production) that any change to CalendarYear, SpecialDay or
# DistrictRules bumps when its transaction commits (see ``config_changed``, connected in
# apps.py). Inside a transaction that changed one of them nothing is cached or served from the
# cache, so a rollback leaves nothing stale behind. Entries also expire after CONFIG_TTL seconds,
# for changes made without model signals (``QuerySet.update``, raw SQL).
CONFIG_VERSION_KEY = "cases:config-version"
CONFIG_TTL = 300
_config: dict = {}
_UNCACHED = object()


def _config_version():
    try:
        return cache.get(CONFIG_VERSION_KEY)
    except Exception:  # the shared cache is down: read the database every time
        logger.warning("cases: no shared cache, the calendar and rules are read each time", exc_info=True)
        return _UNCACHED


def _bump_config_version() -> None:
    _config.clear()
    try:
        cache.set(CONFIG_VERSION_KEY, uuid.uuid4().hex, None)
    except Exception:
        logger.warning("cases: could not bump the calendar/rules version in the shared cache", exc_info=True)


def _config_dirty() -> bool:
    """This transaction changed the calendar or the rules (its bump is still pending)."""
    conn = transaction.get_connection()
    return conn.in_atomic_block and any(func is _bump_config_version for _sids, func, _robust in conn.run_on_commit)


def config_changed(**kwargs) -> None:
    """Signal receiver: a CalendarYear, SpecialDay or DistrictRules row was saved or deleted."""
    _config.clear()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_bump_config_version)
    else:
        _bump_config_version()


def config_cache_clear() -> None:
    """Forget what this process cached (tests; after changing rules with ``QuerySet.update``)."""
    _config.clear()


def _cached(key, build):
    if _config_dirty():
        return build()
    version = _config_version()
    now = clock.monotonic()
    hit = _config.get(key)
    if hit is not None and hit[0] == version and hit[1] > now:
        return hit[2]
    value = build()
    # Building may itself have changed the tables (first use of a year, a district's default
    # rules): keep it only when the version still holds.
    if version is not _UNCACHED and _config_version() == version and not _config_dirty():
        _config[key] = (version, now + CONFIG_TTL, value)
    return value


def _rules_from_db(district_id: int) -> DistrictRules:
    rules, _created = DistrictRules.objects.get_or_create(district_id=district_id)
    return rules


def rules_for(district: Region | int) -> DistrictRules:
    """The district's rules (created with the defaults on first use). The instance may be shared
    with other callers in this process: read it, never change it."""
    district_id = district.pk if isinstance(district, Region) else district
    return _cached(("rules", district_id), lambda: _rules_from_db(district_id))


def rules_or_defaults(district_id: int | None) -> DistrictRules:
    """The district's rules for reading (reports): the stored row, or unsaved defaults; creates
    nothing. Cached as ``rules_for``."""
    return _cached(("rules-or-defaults", district_id),
                   lambda: DistrictRules.objects.filter(district_id=district_id).first() or DistrictRules())


def _calendar_from_db(day: date, years: tuple[int, ...] | None) -> WorkCalendar:
    """Its first use in a year fills the year's table from the package; when two requests do
    that at once, the loser's insert fails on the unique date and it reads the winner's table
    instead."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                return calendar_for_years(years) if years else calendar_around(day)
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def work_calendar(day: date, *, years: list[int] | None = None) -> WorkCalendar:
    """The working calendar around ``day`` (its year and the next), or for ``years``."""
    wanted = tuple(sorted(set(years))) if years else (day.year, day.year + 1)
    return _cached(("calendar", wanted), lambda: _calendar_from_db(day, wanted if years else None))


def end_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)), timezone.get_default_timezone())


def case_deadline_fields(*, rules: DistrictRules, time_limit_class: str, start: date,
                         cal: WorkCalendar | None = None) -> dict:
    """due_date, remind_on, red_flag_after and the provisional flag for a clock starting on
    ``start`` (the receipt day, or the day the missing material came in)."""
    cal = cal or work_calendar(start)
    days = rules.limit_days(time_limit_class or TimeLimitClass.HELP)
    deadline = compute_deadline(cal, start, days, float(rules.reminder_ratio))
    red = deadline.red_flag_after
    if rules.red_flag_days_late != 1:
        red = cal.add_workdays(deadline.due_date, max(rules.red_flag_days_late, 1))
    return {
        "clock_start": start,
        "due_date": deadline.due_date,
        "remind_on": deadline.remind_on,
        "red_flag_after": red,
        "deadline_provisional": deadline.provisional or cal.is_provisional(red),
    }


def first_contact_due(*, rules: DistrictRules, received_at: datetime, is_urgent: bool,
                      cal: WorkCalendar | None = None) -> datetime:
    if is_urgent:
        return received_at + timedelta(hours=rules.urgent_contact_hours)
    received = timezone.localdate(received_at)
    cal = cal or work_calendar(received)
    return end_of_day(cal.add_workdays(received, rules.first_contact_days))


# --- notifications ----------------------------------------------------------------------------------
def case_link_pk(pk: int) -> str:
    """The staff/resident case page, whichever name the pages give it."""
    for name in ("cases:detail", "cases:case_detail"):
        try:
            return reverse(name, args=[pk])
        except NoReverseMatch:
            continue
    return f"/cases/{pk}/"


def case_link(case: Case) -> str:
    return case_link_pk(case.pk)


def _notify(**kwargs) -> None:
    from quntuan.notifications.services import notify

    notify(**kwargs)


def notify_requester(case: Case, event: CaseEvent, *, title: str, body: str, followers: bool = True) -> None:
    """Tell the requester: inbox when they have an account, SMS to the case's mobile number,
    e-mail when they gave one. Keyed on the event, so a retry sends nothing twice. The case's
    followers (requesters of repeat reports merged into it) are told too, with a link to their
    own case, which shows this one's progress."""
    _notify(
        title=title,
        body=body,
        dedup_key=f"case:{case.pk}:event:{event.pk}",
        user=case.requester,
        mobile=case.requester_mobile,
        email=case.requester_email,
        link=case_link(case),
        case=case,
    )
    if not followers:
        return
    for follower in case.followers.select_related("via_case", "user").order_by("id"):
        _notify(
            title=_("(同一事项 %(no)s)%(title)s") % {"no": case.tracking_no, "title": title},
            body=body,
            dedup_key=f"case:{case.pk}:event:{event.pk}:follower:{follower.pk}",
            user=follower.user,
            mobile=follower.mobile,
            email=follower.email,
            link=case_link(follower.via_case),
            case=follower.via_case,
        )


def notify_staff(case: Case, users, event: CaseEvent, *, title: str, body: str) -> None:
    """Inbox message to staff members (no SMS or e-mail)."""
    seen = set()
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        _notify(
            title=title, body=body, dedup_key=f"case:{case.pk}:event:{event.pk}:user:{user.pk}",
            user=user, link=case_link(case), case=case, channels=("inbox",),
        )


def org_users(organization_id: int | None, *, leaders_only: bool = False, on_duty_only: bool = False):
    from quntuan.accounts.models import User

    if organization_id is None:
        return User.objects.none()
    qs = Membership.objects.filter(organization_id=organization_id, user__is_active=True)
    if leaders_only:
        qs = qs.filter(role=Membership.Role.LEADER)
    if on_duty_only:
        qs = qs.filter(is_on_duty_receiver=True)
    return User.objects.filter(pk__in=qs.order_by().values("user_id")).order_by("pk")
