"""Pages anyone may open: submitting a case, the one-time code, the public lookup."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quntuan.accounts.services import client_address
from quntuan.cases.forms import CaseSubmitForm, LookupForm, OtpSendForm, group_services, service_choices
from quntuan.cases.models import Case, Channel
from quntuan.cases.services import case_submit
from quntuan.cases.views.common import SESSION_RECEIPTS, SESSION_VERIFIED_MOBILE, throttled
from quntuan.catalog.queries import catalogue_search, catalogue_services
from quntuan.core.exceptions import ApplicationError
from quntuan.notifications.services import otp_send as send_code
from quntuan.notifications.services import otp_verify
from quntuan.organizations.models import Organization, Region

LOOKUP_LIMIT = 20
LOOKUP_WINDOW = 10 * 60
OTP_LIMIT = 10
OTP_WINDOW = 10 * 60


def _user_district(user):
    region = getattr(user, "region", None) if user.is_authenticated else None
    if region is None:
        return None
    if region.level == Region.Level.DISTRICT:
        return region
    return region.district


def _only_district():
    districts = list(Region.objects.filter(level=Region.Level.DISTRICT)[:2])
    return districts[0] if len(districts) == 1 else None


def _channel(request) -> str:
    agent = request.META.get("HTTP_USER_AGENT", "")
    return Channel.MOBILE if ("Mobile" in agent or "Android" in agent) else Channel.WEB


@require_http_methods(["GET", "POST"])
def submit(request):
    user = request.user
    if user.is_authenticated and user.is_staff_member:
        target = redirect("cases:intake")
        if request.GET.get("service"):
            target["Location"] += f"?service={request.GET['service']}"
        return target
    resident = user if user.is_authenticated else None
    district = _user_district(user)
    if request.method == "POST":
        mobile = request.POST.get("requester_mobile", "").strip()
        needs_otp = resident is None and request.session.get(SESSION_VERIFIED_MOBILE) != mobile
        form = CaseSubmitForm(request.POST, request.FILES, user=user, district=district, needs_otp=needs_otp)
        if form.is_valid():
            response = _submit_valid(request, form, resident, district)
            if response is not None:
                return response
        return render(request, "cases/pages/submit.html", _submit_context(request, form), status=400)

    initial = {}
    service_id = request.GET.get("service", "")
    if service_id.isdigit():
        initial["service"] = service_id
    if resident is not None:
        initial.update(requester_name=resident.name, requester_mobile=resident.mobile or "",
                       requester_email=resident.email, community=str(resident.community_id or ""))
    form = CaseSubmitForm(initial=initial, user=user, district=district, needs_otp=resident is None)
    return render(request, "cases/pages/submit.html", _submit_context(request, form))


def _submit_context(request, form):
    service = None
    value = form["service"].value()
    if value and str(value).isdigit():
        service = catalogue_services(user=request.user, district=form.district_hint).filter(pk=value).first()
    return {"form": form, "anonymous": not request.user.is_authenticated, "selected_service": service}


def _submit_valid(request, form, resident, district):
    data = form.cleaned_data
    case_district = form.district(fallback=district or _only_district())
    if case_district is None:
        form.add_error("community", _("请选择所在社区或服务事项,以便确定受理单位。"))
        return None
    if form.needs_otp:
        try:
            otp_verify(mobile=data["requester_mobile"], code=data["otp_code"], purpose="case_submit")
        except ApplicationError as exc:
            form.add_error("otp_code", exc.message)
            return None
        request.session[SESSION_VERIFIED_MOBILE] = data["requester_mobile"]
    service = data["service"]
    category = service.category if service else data["category"]
    # An accepted suggestion without a service: the category's organization receives the case.
    organization = None
    if service is None and category is not None:
        organization = Organization.objects.filter(district=case_district, code=category.org_code,
                                                   is_active=True).first()
    try:
        case = case_submit(
            district=case_district,
            title=data["title"],
            content=data["content"],
            requester_name=data["requester_name"],
            requester_mobile=data["requester_mobile"],
            requester_email=data["requester_email"],
            channel=_channel(request),
            requester=resident,
            service=service,
            category=category,
            organization=organization,
            community=data["community"],
            address=data["address"],
            is_urgent=data["is_urgent"],
            attachments=data["attachments"],
            idempotency_key=data["idempotency_key"],
        )
    except ApplicationError as exc:
        form.add_error(None, exc.message)
        return None
    submitted = [no for no in request.session.get(SESSION_RECEIPTS, []) if no != case.tracking_no]
    request.session[SESSION_RECEIPTS] = (submitted + [case.tracking_no])[-20:]
    return redirect("cases:receipt", tracking_no=case.tracking_no)


@require_GET
def service_options(request):
    """htmx: the service <select> narrowed to the services matching the typed keywords."""
    query = request.GET.get("service_q", "").strip()[:50]
    district = _user_district(request.user)
    selected = request.GET.get("service", "")
    if query:
        found = catalogue_search(user=request.user, district=district, query=query, limit=50).services
        first = (_("找到 %(n)s 项服务,请选择(也可不选)") % {"n": len(found)}) if found \
            else _("没有找到相关服务,可不选,直接描述诉求")
        if len(found) == 1:
            selected = str(found[0].pk)
        groups = [(None, [("", first)])] + group_services(found)
    else:
        choices = service_choices(request.user, district)
        groups = [(None, [choices[0]])] + choices[1:]
    return render(request, "cases/partials/service_select.html", {"groups": groups, "selected": selected})


@require_POST
def otp_send(request):
    """htmx: send a one-time code to the mobile number typed in the form."""
    form = OtpSendForm(request.POST)
    status, ok = 200, True
    if throttled(request, "otp", OTP_LIMIT, OTP_WINDOW):
        message, status, ok = _("获取验证码过于频繁,请 10 分钟后再试。"), 429, False
    elif not form.is_valid():
        message, status, ok = form.errors["requester_mobile"][0], 400, False
    else:
        try:
            send_code(mobile=form.cleaned_data["requester_mobile"], purpose="case_submit",
                      address=client_address(request))
            message = _("验证码已发送至 %(m)s,10 分钟内有效。") % {"m": form.cleaned_data["requester_mobile"]}
        except ApplicationError as exc:
            message, status, ok = exc.message, exc.status_code, False
    return render(request, "cases/partials/otp_status.html", {"message": message, "ok": ok}, status=status)


def _lookup_case(tracking_no: str, last4: str):
    """The public lookup's own access rule: the tracking number and the mobile's last four
    digits must both match; nothing else is revealed."""
    return (
        Case.objects.select_related("service", "category", "handling_org")
        .filter(tracking_no=tracking_no, requester_mobile__endswith=last4)
        .first()
    )


@require_http_methods(["GET", "POST"])
def lookup(request):
    result = None
    not_found = False
    status = 200
    if request.method == "POST":
        form = LookupForm(request.POST)
        if throttled(request, "lookup", LOOKUP_LIMIT, LOOKUP_WINDOW):
            form.add_error(None, _("查询过于频繁,请 10 分钟后再试。"))
            status = 429
        elif form.is_valid():
            case = _lookup_case(form.cleaned_data["tracking_no"], form.cleaned_data["mobile_last4"])
            if case is None:
                not_found, status = True, 404
            else:
                events = [
                    {"at": e.at, "label": e.get_kind_display(), "org": e.organization.name if e.organization else ""}
                    for e in case.events.filter(internal=False).select_related("organization").order_by("at", "id")
                ]
                result = {"case": case, "events": events}
        else:
            status = 400
    else:
        form = LookupForm()
    return render(request, "cases/pages/lookup.html",
                  {"form": form, "result": result, "not_found": not_found}, status=status)
