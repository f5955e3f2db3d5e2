"""Pages: the shared calendar (public and staff), activity detail and registration on a phone,
"我的活动", iCalendar feeds, and the staff pages for activities, check-in and venues.

Views stay thin: they find rows through the policies, parse forms and call one service; an
``ApplicationError`` is shown on the form (or by the middleware) with its Chinese message."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quntuan.accounts.decorators import staff_required
from quntuan.activities import queries, services
from quntuan.activities.feeds import ical_feed
from quntuan.activities.forms import ActivityForm, CancelForm, CheckInForm, VenueForm, WalkInForm
from quntuan.activities.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    RegistrationStatus,
    Venue,
)
from quntuan.activities.policies import (
    activity_policy,
    registration_policy,
    user_organizations,
    venue_policy,
)
from quntuan.core.exceptions import ApplicationError, NotFound
from quntuan.organizations.models import Organization, Region
from quntuan.volunteers.queries import resident_volunteer_summary

VIEWS = ("month", "week", "list")


# --- helpers -----------------------------------------------------------------------------------


def _int(value) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if n > 0 else None


def _month(value: str | None, today: date) -> tuple[int, int]:
    try:
        year, month = (int(x) for x in (value or "").split("-"))
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return year, month
    except ValueError:
        pass
    return today.year, today.month


def _day(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return default


def qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    return image.to_string(encoding="unicode")


def _visible_activity(user, pk: int) -> Activity:
    activity = (activity_policy.visible(user).select_related("primary_host", "venue", "community", "street")
                .filter(pk=pk).first())
    if activity is None:
        raise Http404(_("未找到该活动。"))
    return activity


def _editable_activity(user, pk: int) -> Activity:
    activity = _visible_activity(user, pk)
    if not activity_policy.can_edit(user, activity):
        raise NotFound(_("未找到该活动,或您不是主办单位的工作人员。"))
    return activity


# --- the calendar ------------------------------------------------------------------------------


def _calendar(request, *, staff: bool):
    user = request.user
    qs = activity_policy.visible(user) if staff else activity_policy.public()
    filters = queries.CalendarFilters(
        organization=_int(request.GET.get("org")), venue=_int(request.GET.get("venue")),
        community=_int(request.GET.get("community")),
        kind=request.GET.get("kind") if request.GET.get("kind") in ActivityKind.values else None,
    )
    qs = filters.apply(qs)
    today = timezone.localdate()
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "month"
    context = {"staff": staff, "view": view, "filters": filters, "today": today,
               "kinds": ActivityKind.choices, "base_url": request.path}
    if view == "month":
        year, month = _month(request.GET.get("month"), today)
        first = date(year, month, 1)
        prev = (first - timedelta(days=1)).replace(day=1)
        nxt = (first + timedelta(days=32)).replace(day=1)
        context.update(weeks=queries.month_grid(qs, year, month, today=today), first=first,
                       prev=f"{prev:%Y-%m}", next=f"{nxt:%Y-%m}", weekdays=["一", "二", "三", "四", "五", "六", "日"])
    elif view == "week":
        day = _day(request.GET.get("week"), today)
        monday = day - timedelta(days=day.weekday())
        context.update(days=queries.week_days(qs, monday, today=today), monday=monday,
                       sunday=monday + timedelta(days=6),
                       prev=f"{monday - timedelta(days=7):%Y-%m-%d}", next=f"{monday + timedelta(days=7):%Y-%m-%d}")
    else:
        start = _day(request.GET.get("from"), today)
        start_dt = queries.local_range(start, start)[0]
        rows = (queries.touching(qs, start_dt).select_related("primary_host", "venue", "community")
                .order_by("start", "id"))
        page = Paginator(rows, 20).get_page(request.GET.get("page"))
        context.update(page_obj=page, activities=page.object_list, start=start)
    district_ids = _district_ids(user)
    context.update(
        organizations=Organization.objects.filter(district_id__in=district_ids, is_active=True).order_by("id"),
        venues=_venue_options(filters),
        communities=Region.objects.filter(district_id__in=district_ids,
                                          level__in=[Region.Level.STREET, Region.Level.COMMUNITY]).order_by("code"),
    )
    return render(request, "activities/pages/calendar.html", context)


def _district_ids(user) -> list[int]:
    """The districts whose organizations, streets and communities the filters offer: the user's
    own district, otherwise (up to 20 of) the districts that have activities."""
    if getattr(user, "is_authenticated", False) and user.region_id:
        region = user.region
        if region.level == Region.Level.DISTRICT:
            return [region.pk]
    # One index probe per district rather than a DISTINCT over every activity.
    has_activities = Exists(Activity.objects.filter(district_id=OuterRef("pk")))
    return list(Region.objects.filter(has_activities, level=Region.Level.DISTRICT)
                .order_by("code").values_list("pk", flat=True)[:20])


def _venue_options(filters: queries.CalendarFilters) -> list[tuple[int, str]]:
    """(id, name) of the venues the venue filter offers: those of the chosen street or community
    (a street's venues are in its communities), and always the chosen venue. Without a street or
    community only the chosen venue: a whole city has thousands."""
    scope = Q(pk=filters.venue) if filters.venue else Q(pk__in=[])
    if filters.community:
        scope |= Q(community_id=filters.community) | Q(community__parent_id=filters.community)
    return list(venue_policy.visible().filter(scope).order_by("name", "id").values_list("pk", "name"))


@require_GET
def calendar(request):
    return _calendar(request, staff=False)


@require_GET
@staff_required
def staff_calendar(request):
    return _calendar(request, staff=True)


# --- activity detail and registration ----------------------------------------------------------


@require_GET
def detail(request, pk: int):
    activity = _visible_activity(request.user, pk)
    registration = None
    if request.user.is_authenticated:
        registration = registration_policy.visible(request.user).filter(
            activity=activity, resident=request.user).first()
    counts = queries.seat_counts([activity.pk]).get(activity.pk, {})
    confirmed = counts.get(RegistrationStatus.CONFIRMED, 0)
    context = {
        "activity": activity, "registration": registration,
        "confirmed": confirmed, "waitlisted": counts.get(RegistrationStatus.WAITLISTED, 0),
        "seats_left": max(activity.capacity - confirmed, 0),
        "window_problem": services.registration_window_problem(activity, timezone.now()),
        "can_edit": activity_policy.can_edit(request.user, activity),
        "hosts": list(activity.hosts.all()),
    }
    if registration is not None:
        context["position"] = queries.waitlist_position(registration)
        if registration.status == RegistrationStatus.CONFIRMED:
            context["qr"] = mark_safe(qr_svg(services.registration_token(registration)))  # noqa: S308 - generated SVG
            context["short_code"] = services.registration_short_code(registration)
    return render(request, "activities/pages/detail.html", context)


@require_POST
@login_required
def register(request, pk: int):
    activity = _visible_activity(request.user, pk)
    try:
        registration = services.registration_create(resident=request.user, activity=activity)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        response = detail(_as_get(request), pk)
        response.status_code = exc.status_code
        return response
    labels = {
        RegistrationStatus.CONFIRMED: "报名成功!请在活动当天出示签到二维码。",
        RegistrationStatus.WAITLISTED: "名额已满,您已进入候补名单,有人取消时将按顺序递补。",
        RegistrationStatus.PENDING: "报名已提交,等待主办单位审核。",
    }
    messages.success(request, labels[registration.status])
    return redirect("activities:detail", pk=activity.pk)


def _as_get(request):
    request.method = "GET"
    return request


@require_POST
@login_required
def registration_cancel(request, pk: int):
    registration = registration_policy.visible(request.user).filter(pk=pk).select_related("activity").first()
    if registration is None:
        raise Http404(_("未找到该报名。"))
    services.registration_cancel(actor=request.user, registration=registration)
    messages.success(request, _("已取消报名。"))
    if request.POST.get("next") == "staff":
        return redirect("activities:manage", pk=registration.activity_id)
    return redirect("activities:detail", pk=registration.activity_id)


@require_GET
@login_required
def mine(request):
    registrations = list(queries.my_registrations(request.user))
    now = timezone.now()
    attended = [r for r in registrations if hasattr(r, "checkin")]
    upcoming = [r for r in registrations if not hasattr(r, "checkin") and r.activity.end > now
                and r.status != RegistrationStatus.CANCELLED]
    past = [r for r in registrations if r not in upcoming and r not in attended]
    feed_url = request.build_absolute_uri(reverse("activities:feed_mine", args=[services.feed_token(request.user)]))
    return render(request, "activities/pages/mine.html", {
        "upcoming": upcoming, "attended": attended, "past": past, "feed_url": feed_url,
        "person_times": len(attended),
        "volunteering": resident_volunteer_summary(request.user),
    })


# --- iCalendar feeds ---------------------------------------------------------------------------


def _ics(activities, name: str) -> HttpResponse:
    body = ical_feed(activities, name=name, now=timezone.now(),
                     link_for=lambda a: reverse("activities:detail", args=[a.pk]))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="activities.ics"'
    return response


def _feed_rows(qs):
    since = timezone.now() - timedelta(days=90)
    return qs.filter(end__gte=since).select_related("primary_host", "venue").order_by("start", "id")[:1000]


@require_GET
def feed_organization(request, pk: int):
    org = get_object_or_404(Organization, pk=pk, is_active=True)
    return _ics(_feed_rows(activity_policy.public().filter(hosts=org).distinct()), _("%(name)s活动") % {"name": org.name})


@require_GET
def feed_venue(request, pk: int):
    venue = get_object_or_404(venue_policy.visible(), pk=pk)
    return _ics(_feed_rows(activity_policy.public().filter(venue=venue)), _("%(name)s活动") % {"name": venue.name})


@require_GET
def feed_mine(request, token: str):
    user_id = services.user_id_from_feed_token(token)
    qs = Activity.objects.filter(
        registrations__resident_id=user_id,
        registrations__status__in=[RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED,
                                   RegistrationStatus.PENDING],
    ).exclude(status=ActivityStatus.DRAFT).distinct()
    return _ics(_feed_rows(qs), "我的活动")


# --- staff: activities -------------------------------------------------------------------------


def _form_error(form, exc: ApplicationError) -> None:
    form.add_error(None, exc.message)


@require_http_methods(["GET", "POST"])
@staff_required
def activity_new(request):
    if not user_organizations(request.user).exists():
        raise NotFound(_("您不属于任何组织,不能创建活动。"))
    form = ActivityForm(request.POST or None, user=request.user)
    status, conflict = 200, None
    if request.method == "POST":
        if form.is_valid():
            try:
                activity = services.activity_create(
                    actor=request.user, primary_host=form.cleaned_data["primary_host"], data=form.to_input(),
                    co_hosts=form.cleaned_data["co_hosts"],
                )
            except ApplicationError as exc:
                _form_error(form, exc)
                status, conflict = exc.status_code, exc.extra
            else:
                messages.success(request, _("活动已保存为草稿,发布后居民即可报名。"))
                return redirect("activities:manage", pk=activity.pk)
        else:
            status = 400
    return render(request, "activities/pages/activity_form.html",
                  {"form": form, "conflict": conflict, "title": "新建活动"}, status=status)


@require_http_methods(["GET", "POST"])
@staff_required
def activity_edit(request, pk: int):
    activity = _editable_activity(request.user, pk)
    form = ActivityForm(request.POST or None, user=request.user, initial=ActivityForm.initial_for(activity))
    form.fields["primary_host"].disabled = True
    form.fields["primary_host"].queryset = Organization.objects.filter(pk=activity.primary_host_id)
    status, conflict = 200, None
    if request.method == "POST":
        if form.is_valid():
            try:
                services.activity_update(actor=request.user, activity=activity, data=form.to_input(),
                                         co_hosts=form.cleaned_data["co_hosts"])
            except ApplicationError as exc:
                _form_error(form, exc)
                status, conflict = exc.status_code, exc.extra
            else:
                messages.success(request, _("活动已保存。"))
                return redirect("activities:manage", pk=activity.pk)
        else:
            status = 400
    return render(request, "activities/pages/activity_form.html",
                  {"form": form, "conflict": conflict, "activity": activity, "title": "修改活动"}, status=status)


@require_GET
@staff_required
def manage(request, pk: int):
    activity = _editable_activity(request.user, pk)
    registrations = (activity.registrations.select_related("resident", "checkin").order_by("seq"))
    return render(request, "activities/pages/manage.html", {
        "activity": activity, "registrations": registrations,
        "warnings": services.activity_warnings(activity),
        "attendance": queries.activity_attendance(activity),
        "walk_ins": activity.checkins.filter(registration__isnull=True).order_by("checked_in_at"),
        "checkin_form": CheckInForm(), "walk_in_form": WalkInForm(), "cancel_form": CancelForm(),
        "hosts": list(activity.hosts.all()), "ended": activity.end <= timezone.now(),
    })


@require_POST
@staff_required
def publish(request, pk: int):
    activity = _editable_activity(request.user, pk)
    services.activity_publish(actor=request.user, activity=activity)
    messages.success(request, _("活动已发布。"))
    return redirect("activities:manage", pk=pk)


@require_POST
@staff_required
def cancel(request, pk: int):
    activity = _editable_activity(request.user, pk)
    services.activity_cancel(actor=request.user, activity=activity, reason=request.POST.get("reason", ""))
    messages.success(request, _("活动已取消,已通知报名的居民。"))
    return redirect("activities:manage", pk=pk)


@require_POST
@staff_required
def decide(request, pk: int, decision: str):
    registration = registration_policy.visible(request.user).filter(pk=pk).select_related("activity").first()
    if registration is None or decision not in ("approve", "reject"):
        raise Http404(_("未找到该报名。"))
    if decision == "approve":
        services.registration_approve(actor=request.user, registration=registration)
    else:
        services.registration_reject(actor=request.user, registration=registration, note=request.POST.get("note", ""))
    messages.success(request, _("已处理该报名。"))
    return redirect("activities:manage", pk=registration.activity_id)


@require_http_methods(["GET", "POST"])
@staff_required
def checkin(request, pk: int):
    """Type (or scan) a code; htmx posts answer with a small result fragment."""
    activity = _editable_activity(request.user, pk)
    form = CheckInForm(request.POST or None)
    result, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                done = services.checkin_by_code(actor=request.user, activity=activity, code=form.cleaned_data["code"])
            except ApplicationError as exc:
                result, status = {"ok": False, "message": exc.message}, exc.status_code
            else:
                result = {"ok": True, "message": _("%(who)s 签到成功。") % {"who": done.registration.resident}}
        else:
            result, status = {"ok": False, "message": "请输入签到码。"}, 400
        if request.htmx:
            return render(request, "activities/partials/checkin_result.html",
                          {"result": result, "attendance": queries.activity_attendance(activity), "oob": True},
                          status=status)
    return render(request, "activities/pages/checkin.html",
                  {"activity": activity, "form": CheckInForm(), "result": result,
                   "attendance": queries.activity_attendance(activity)}, status=status)


@require_POST
@staff_required
def walk_in(request, pk: int):
    activity = _editable_activity(request.user, pk)
    form = WalkInForm(request.POST)
    if not form.is_valid():
        raise ApplicationError(_("请填写姓名。"), code="required")
    services.checkin_walk_in(actor=request.user, activity=activity, name=form.cleaned_data["name"],
                             mobile=form.cleaned_data["mobile"])
    messages.success(request, _("已登记现场参加:%(name)s。") % {"name": form.cleaned_data["name"]})
    return redirect("activities:manage", pk=pk)


@require_GET
@staff_required
def stats(request):
    qs = activity_policy.editable(request.user)
    now = timezone.now()
    return render(request, "activities/pages/stats.html", {
        "orgs": queries.organization_attendance(activity_policy.visible(request.user), now=now),
        "rows": queries.activity_attendance_rows(qs, now=now)[:100],
    })


# --- venues ------------------------------------------------------------------------------------


@require_GET
def venue_detail(request, pk: int):
    venue = get_object_or_404(venue_policy.visible().select_related("owner", "community"), pk=pk)
    day = _day(request.GET.get("day"), timezone.localdate())
    minutes = _int(request.GET.get("minutes")) or 120
    minutes = min(minutes, 12 * 60)
    start, end = queries.local_range(day, day + timedelta(days=1))
    busy = services.venue_busy(venue, start, end)
    slots = services.venue_free_slots(venue=venue, day=day, duration=timedelta(minutes=minutes))
    return render(request, "activities/pages/venue_detail.html", {
        "venue": venue, "day": day, "minutes": minutes, "busy": busy, "slots": slots,
        "bookable_by": list(venue.bookable_by.all()), "can_edit": venue_policy.can_edit(request.user, venue),
        "weekdays": list(zip(["周一", "周二", "周三", "周四", "周五", "周六", "周日"], venue.opening_hours, strict=True)),
        "prev": day - timedelta(days=1), "next": day + timedelta(days=1),
    })


@require_GET
@staff_required
def venues(request):
    rows = venue_policy.visible().select_related("owner", "community").order_by("community__code", "name", "id")
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    managed = set(venue_policy.managed(request.user).values_list("pk", flat=True))
    return render(request, "activities/pages/venues.html", {"page_obj": page, "venues": page.object_list,
                                                            "managed": managed})


@require_http_methods(["GET", "POST"])
@staff_required
def venue_form(request, pk: int | None = None):
    venue = None
    if pk is not None:
        venue = get_object_or_404(Venue, pk=pk)
        if not venue_policy.can_edit(request.user, venue):
            raise NotFound(_("未找到该阵地,或您不是所属单位的工作人员。"))
    initial = VenueForm.initial_for(venue) if venue else None
    form = VenueForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if venue:
        form.fields["owner"].disabled = True
        form.fields["owner"].queryset = Organization.objects.filter(pk=venue.owner_id)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            common = {"name": d["name"], "address": d["address"], "capacity": d["capacity"],
                      "facilities": d["facilities"], "opening_hours": d["opening_hours"],
                      "bookable_by": d["bookable_by"], "buffer_minutes": d["buffer_minutes"], "photo": d["photo"]}
            try:
                if venue:
                    venue = services.venue_update(actor=request.user, venue=venue, community=d["community"],
                                                  is_active=d["is_active"], **common)
                else:
                    venue = services.venue_create(actor=request.user, owner=d["owner"], community=d["community"],
                                                  **common)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("阵地已保存。"))
                return redirect("activities:venue", pk=venue.pk)
        else:
            status = 400
    return render(request, "activities/pages/venue_form.html", {"form": form, "venue": venue}, status=status)


def now_local() -> datetime:
    return timezone.localtime()
