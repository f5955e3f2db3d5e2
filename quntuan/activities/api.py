"""The activities API: calendar, activities, venues and their free slots, registration, check-in
and attendance, as JSON under the same policies as the pages.

Endpoints stay thin: rows are found through the policies, state changes go through one service,
and an ``ApplicationError`` becomes a 4xx with its Chinese message."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Query, Router

from quntuan.accounts.models import User
from quntuan.activities import queries, services
from quntuan.activities.models import Activity, ActivityKind, Registration, RegistrationStatus, Venue
from quntuan.activities.policies import activity_policy, registration_policy, venue_policy
from quntuan.activities.schemas import (
    ActivityIn,
    ActivityOut,
    ActivitySavedOut,
    AttendanceOut,
    CancelIn,
    CheckInIn,
    CheckInOut,
    DecisionIn,
    ErrorOut,
    OrgAttendanceOut,
    RegistrationOut,
    ValidationErrorOut,
    VenueDayOut,
    VenueIn,
    VenueOut,
    WalkInIn,
    WarningOut,
)
from quntuan.api.auth import AUTH, AUTH_OPTIONAL, request_user
from quntuan.core.exceptions import ApplicationError, NotFound, PermissionDenied
from quntuan.organizations.models import Organization, Region

router = Router(tags=["活动与阵地"], auth=AUTH)

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}
ACTIVITY_NOT_FOUND = gettext_noop("未找到该活动,或您无权查看。")
MAX_RANGE_DAYS = 92


def _r(ok_status: int, schema) -> dict:
    return {ok_status: schema, **ERRORS}


# --- finding things ----------------------------------------------------------------------------


def _activity(request, pk: int) -> Activity:
    activity = (activity_policy.visible(request_user(request))
                .select_related("primary_host", "venue", "community", "street").filter(pk=pk).first())
    if activity is None:
        raise NotFound(_(ACTIVITY_NOT_FOUND))
    return activity


def _registration(request, pk: int) -> Registration:
    registration = (registration_policy.visible(request_user(request))
                    .select_related("activity", "resident").filter(pk=pk).first())
    if registration is None:
        raise NotFound(_("未找到该报名,或您无权查看。"))
    return registration


def _org(org_id: int | None, label: str) -> Organization | None:
    if org_id is None:
        return None
    org = Organization.objects.filter(pk=org_id, is_active=True).first()
    if org is None:
        raise ApplicationError(_("所选%(label)s不存在或已停用。") % {"label": label}, code="unknown_organization")
    return org


def _orgs(ids: list[int], label: str) -> list[Organization]:
    return [_org(i, label) for i in dict.fromkeys(ids)]


def _community(region_id: int | None) -> Region | None:
    if region_id is None:
        return None
    community = Region.objects.filter(pk=region_id, level=Region.Level.COMMUNITY).first()
    if community is None:
        raise ApplicationError(_("所选社区不存在。"), code="unknown_community")
    return community


def _venue(venue_id: int | None) -> Venue | None:
    if venue_id is None:
        return None
    venue = venue_policy.visible().filter(pk=venue_id).first()
    if venue is None:
        raise ApplicationError(_("所选阵地不存在或已停用。"), code="unknown_venue")
    return venue


def _staff(ids: list[int]) -> list[User]:
    users = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(users) != len(set(ids)):
        raise ApplicationError(_("所选工作人员不存在。"), code="unknown_staff")
    return users


# --- answers -----------------------------------------------------------------------------------


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def _activity_out(activity: Activity, counts: dict | None = None) -> dict:
    if counts is None:
        counts = queries.seat_counts([activity.pk]).get(activity.pk, {})
    return {
        "id": activity.pk, "kind": activity.kind, "kind_label": activity.get_kind_display(),
        "title": activity.title, "description": activity.description, "status": activity.status,
        "start": timezone.localtime(activity.start), "end": timezone.localtime(activity.end),
        "primary_host": _ref(activity.primary_host), "hosts": [_ref(o) for o in activity.hosts.all()],
        "venue": _ref(activity.venue), "place": activity.place, "community": _ref(activity.community),
        "street": _ref(activity.street), "capacity": activity.capacity,
        "confirmed": counts.get(RegistrationStatus.CONFIRMED, 0),
        "waitlisted": counts.get(RegistrationStatus.WAITLISTED, 0),
        "age_min": activity.age_min, "age_max": activity.age_max, "audience_groups": activity.audience_groups,
        "registration_opens": activity.registration_opens, "registration_closes": activity.registration_closes,
        "needs_approval": activity.needs_approval, "contact_name": activity.contact_name,
        "contact_phone": activity.contact_phone,
    }


def _registration_out(registration: Registration, *, user) -> dict:
    own = registration.resident_id == user.pk
    confirmed = registration.status == RegistrationStatus.CONFIRMED
    checkin = getattr(registration, "checkin", None) if hasattr(registration, "checkin") else None
    return {
        "id": registration.pk, "activity_id": registration.activity_id,
        "activity_title": registration.activity.title,
        "activity_start": timezone.localtime(registration.activity.start),
        "status": registration.status, "status_label": registration.get_status_display(),
        "seq": registration.seq, "waitlist_position": queries.waitlist_position(registration),
        "resident_name": None if own else (registration.resident.name or "居民"),
        "checked_in_at": checkin.checked_in_at if checkin else None,
        "qr_token": services.registration_token(registration) if own and confirmed else None,
        "short_code": services.registration_short_code(registration) if own and confirmed else None,
    }


def _venue_out(venue: Venue) -> dict:
    return {
        "id": venue.pk, "name": venue.name, "address": venue.address, "owner": _ref(venue.owner),
        "community": _ref(venue.community), "capacity": venue.capacity, "facilities": venue.facilities,
        "opening_hours": venue.opening_hours, "bookable_by": [_ref(o) for o in venue.bookable_by.all()],
        "buffer_minutes": venue.buffer_minutes, "is_active": venue.is_active,
    }


def _checkin_out(checkin) -> dict:
    name = checkin.walk_in_name or (checkin.registration.resident.name if checkin.registration_id else "")
    return {"id": checkin.pk, "activity_id": checkin.activity_id, "registration_id": checkin.registration_id,
            "name": name, "checked_in_at": timezone.localtime(checkin.checked_in_at)}


# --- calendar and activities -------------------------------------------------------------------

Day = Annotated[date, Query(title="日期")]


@router.get("/", response=_r(200, list[ActivityOut]), auth=AUTH_OPTIONAL, summary="日历:某段时间内的活动")
def activity_list(request, start: Annotated[date, Query(title="起始日期")],
                  end: Annotated[date, Query(title="截止日期", description="含当天;最多 92 天")],
                  org: Annotated[int | None, Query(title="组织")] = None,
                  venue: Annotated[int | None, Query(title="阵地")] = None,
                  community: Annotated[int | None, Query(title="街道或社区")] = None,
                  kind: Annotated[str | None, Query(title="类型")] = None,
                  staff: Annotated[bool, Query(title="工作视图", description="工作人员可见草稿")] = False):
    if end < start:
        raise ApplicationError(_("截止日期不能早于起始日期。"), code="invalid_range")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise ApplicationError(_("一次最多查询 %(n)s 天。") % {"n": MAX_RANGE_DAYS}, code="invalid_range")
    if kind and kind not in ActivityKind.values:
        raise ApplicationError(_("未知的活动类型。"), code="invalid_kind")
    user = request_user(request)
    qs = activity_policy.visible(user) if staff else activity_policy.public()
    qs = queries.CalendarFilters(organization=org, venue=venue, community=community, kind=kind).apply(qs)
    lo, hi = queries.local_range(start, end + timedelta(days=1))
    rows = list(queries.activities_between(qs, lo, hi).prefetch_related("hosts")[:2000])
    counts = queries.seat_counts([a.pk for a in rows])
    return [_activity_out(a, counts.get(a.pk, {})) for a in rows]


@router.get("/{int:activity_id}", response=_r(200, ActivityOut), auth=AUTH_OPTIONAL, summary="活动详情")
def activity_detail(request, activity_id: int):
    return _activity_out(_activity(request, activity_id))


def _input(payload: ActivityIn) -> services.ActivityInput:
    return services.ActivityInput(
        kind=payload.kind, title=payload.title, description=payload.description, start=payload.start,
        end=payload.end, capacity=payload.capacity, venue=_venue(payload.venue_id), address=payload.address,
        community=_community(payload.community_id), age_min=payload.age_min, age_max=payload.age_max,
        audience_groups=payload.audience_groups, registration_opens=payload.registration_opens,
        registration_closes=payload.registration_closes, needs_approval=payload.needs_approval,
        contact_name=payload.contact_name, contact_phone=payload.contact_phone,
    )


def _saved(activity: Activity) -> dict:
    activity.refresh_from_db()
    return {**_activity_out(activity), "warnings": services.activity_warnings(activity)}


@router.post("/", response=_r(201, ActivitySavedOut), summary="新建活动(草稿;选阵地即预约)")
def activity_create(request, payload: ActivityIn):
    host = _org(payload.primary_host_id, "主办单位")
    activity = services.activity_create(
        actor=request_user(request), primary_host=host, data=_input(payload),
        co_hosts=_orgs(payload.co_host_ids, "协办单位"), host_staff=_staff(payload.host_staff_ids),
    )
    return 201, _saved(activity)


@router.put("/{int:activity_id}", response=_r(200, ActivitySavedOut), summary="修改活动")
def activity_update(request, activity_id: int, payload: ActivityIn):
    activity = _activity(request, activity_id)
    if payload.primary_host_id != activity.primary_host_id:
        raise ApplicationError(_("不能更换主办单位。"), code="host_fixed")
    activity = services.activity_update(
        actor=request_user(request), activity=activity, data=_input(payload),
        co_hosts=_orgs(payload.co_host_ids, "协办单位"),
        host_staff=_staff(payload.host_staff_ids) if payload.host_staff_ids else None,
    )
    return _saved(activity)


@router.post("/{int:activity_id}/publish", response=_r(200, ActivitySavedOut), summary="发布活动")
def activity_publish(request, activity_id: int):
    activity = services.activity_publish(actor=request_user(request), activity=_activity(request, activity_id))
    return _saved(activity)


@router.post("/{int:activity_id}/cancel", response=_r(200, ActivityOut), summary="取消活动")
def activity_cancel(request, activity_id: int, payload: CancelIn):
    activity = services.activity_cancel(actor=request_user(request), activity=_activity(request, activity_id),
                                        reason=payload.reason)
    return _activity_out(activity)


@router.get("/{int:activity_id}/warnings", response=_r(200, list[WarningOut]), summary="软冲突提示")
def activity_warnings(request, activity_id: int):
    activity = _activity(request, activity_id)
    if not activity_policy.can_edit(request_user(request), activity):
        raise PermissionDenied(_("只有主办单位的工作人员可以查看。"))
    return services.activity_warnings(activity)


@router.get("/{int:activity_id}/registrations", response=_r(200, list[RegistrationOut]), summary="报名名单")
def activity_registrations(request, activity_id: int):
    user = request_user(request)
    activity = _activity(request, activity_id)
    if not activity_policy.can_manage(user, activity):
        raise PermissionDenied(_("只有主办单位的工作人员可以查看报名名单。"))
    rows = (registration_policy.visible(user).filter(activity=activity)
            .select_related("activity", "resident", "checkin").order_by("seq"))
    return [_registration_out(r, user=user) for r in rows]


@router.get("/{int:activity_id}/attendance", response=_r(200, AttendanceOut), summary="签到人次与爽约率")
def activity_attendance(request, activity_id: int):
    activity = _activity(request, activity_id)
    if not activity_policy.can_manage(request_user(request), activity):
        raise PermissionDenied(_("只有主办单位的工作人员可以查看。"))
    a = queries.activity_attendance(activity)
    return {"activity_id": activity.pk, "confirmed": a.confirmed, "attended": a.attended, "walk_ins": a.walk_ins,
            "person_times": a.person_times, "no_shows": a.no_shows, "no_show_rate": a.no_show_rate}


# --- registration and check-in -----------------------------------------------------------------


@router.post("/{int:activity_id}/register", response=_r(201, RegistrationOut), summary="报名")
def register(request, activity_id: int):
    user = request_user(request)
    registration = services.registration_create(resident=user, activity=_activity(request, activity_id))
    return 201, _registration_out(registration, user=user)


@router.get("/registrations/mine", response=_r(200, list[RegistrationOut]), summary="我的报名")
def my_registrations(request):
    user = request_user(request)
    return [_registration_out(r, user=user) for r in queries.my_registrations(user)[:500]]


@router.post("/registrations/{int:registration_id}/cancel", response=_r(200, RegistrationOut), summary="取消报名")
def registration_cancel(request, registration_id: int):
    user = request_user(request)
    registration = services.registration_cancel(actor=user, registration=_registration(request, registration_id))
    return _registration_out(registration, user=user)


@router.post("/registrations/{int:registration_id}/approve", response=_r(200, RegistrationOut), summary="审核通过")
def registration_approve(request, registration_id: int):
    user = request_user(request)
    registration = services.registration_approve(actor=user, registration=_registration(request, registration_id))
    return _registration_out(registration, user=user)


@router.post("/registrations/{int:registration_id}/reject", response=_r(200, RegistrationOut), summary="审核不通过")
def registration_reject(request, registration_id: int, payload: DecisionIn):
    user = request_user(request)
    registration = services.registration_reject(actor=user, registration=_registration(request, registration_id),
                                                note=payload.note)
    return _registration_out(registration, user=user)


@router.post("/{int:activity_id}/checkin", response=_r(201, CheckInOut), summary="扫码或输入签到码签到")
def checkin(request, activity_id: int, payload: CheckInIn):
    checkin = services.checkin_by_code(actor=request_user(request), activity=_activity(request, activity_id),
                                       code=payload.code)
    return 201, _checkin_out(checkin)


@router.post("/{int:activity_id}/walk-ins", response=_r(201, CheckInOut), summary="现场登记")
def walk_in(request, activity_id: int, payload: WalkInIn):
    checkin = services.checkin_walk_in(actor=request_user(request), activity=_activity(request, activity_id),
                                       name=payload.name, mobile=payload.mobile)
    return 201, _checkin_out(checkin)


# --- venues ------------------------------------------------------------------------------------


@router.get("/venues", response=_r(200, list[VenueOut]), auth=AUTH_OPTIONAL, summary="阵地列表")
def venue_list(request, community: Annotated[int | None, Query(title="社区")] = None,
               owner: Annotated[int | None, Query(title="所属单位")] = None):
    qs = venue_policy.visible().select_related("owner", "community").prefetch_related("bookable_by")
    if community:
        qs = qs.filter(community_id=community)
    if owner:
        qs = qs.filter(owner_id=owner)
    return [_venue_out(v) for v in qs.order_by("id")[:1000]]


def _venue_args(payload: VenueIn) -> dict:
    return {"name": payload.name, "address": payload.address, "capacity": payload.capacity,
            "facilities": payload.facilities, "opening_hours": payload.opening_hours,
            "bookable_by": _orgs(payload.bookable_by, "可预约单位"), "buffer_minutes": payload.buffer_minutes}


@router.post("/venues", response=_r(201, VenueOut), summary="登记阵地")
def venue_create(request, payload: VenueIn):
    community = _community(payload.community_id)
    if community is None:
        raise ApplicationError(_("请选择社区。"), code="invalid_community")
    venue = services.venue_create(actor=request_user(request), owner=_org(payload.owner_id, "所属单位"),
                                  community=community, **_venue_args(payload))
    return 201, _venue_out(venue)


@router.put("/venues/{int:venue_id}", response=_r(200, VenueOut), summary="修改阵地")
def venue_update(request, venue_id: int, payload: VenueIn):
    venue = Venue.objects.filter(pk=venue_id).select_related("owner").first()
    if venue is None or not venue_policy.can_edit(request_user(request), venue):
        raise NotFound(_("未找到该阵地,或您不是所属单位的工作人员。"))
    if payload.owner_id != venue.owner_id:
        raise ApplicationError(_("不能更换阵地的所属单位。"), code="owner_fixed")
    venue = services.venue_update(actor=request_user(request), venue=venue,
                                  community=_community(payload.community_id), is_active=payload.is_active,
                                  **_venue_args(payload))
    return _venue_out(venue)


@router.get("/venues/{int:venue_id}/day", response=_r(200, VenueDayOut), auth=AUTH_OPTIONAL,
            summary="阵地某天的预约与空闲时段")
def venue_day(request, venue_id: int, day: Day,
              minutes: Annotated[int, Query(title="活动时长(分钟)", ge=15, le=720)] = 120):
    venue = venue_policy.visible().filter(pk=venue_id).first()
    if venue is None:
        raise NotFound(_("未找到该阵地。"))
    lo, hi = queries.local_range(day, day + timedelta(days=1))
    busy = services.venue_busy(venue, lo, hi)
    slots = services.venue_free_slots(venue=venue, day=day, duration=timedelta(minutes=minutes))
    return {
        "venue_id": venue.pk, "day": day,
        "busy": [{"start": timezone.localtime(b.start), "end": timezone.localtime(b.end),
                  "block_end": timezone.localtime(b.block_end), "activity_id": b.activity_id,
                  "title": b.activity.title, "organizer": b.activity.primary_host.name} for b in busy],
        "free_slots": [{"start": timezone.localtime(a), "end": timezone.localtime(b)} for a, b in slots],
    }


# --- statistics --------------------------------------------------------------------------------


@router.get("/stats/organizations", response=_r(200, list[OrgAttendanceOut]), summary="各组织参与人次与爽约率")
def org_stats(request, since: Annotated[date | None, Query(title="起始日期")] = None):
    user = request_user(request)
    if not getattr(user, "is_staff_member", False):
        raise PermissionDenied(_("只有工作人员可以查看统计。"))
    qs = activity_policy.visible(user)
    if since:
        qs = qs.filter(start__gte=queries.local_range(since, since)[0])
    return queries.organization_attendance(qs, now=timezone.now())

