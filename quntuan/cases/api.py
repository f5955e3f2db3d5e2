"""The cases API: the whole life of a 诉求 from submission to rating, as JSON.

Endpoints stay thin: they parse input, find the case through ``case_policy.visible`` and call
one service. Permission checks and state rules live in the services and the policy; their
``ApplicationError`` becomes a 4xx with a Chinese message (see ``quntuan/api/api.py``).
"""

import hashlib
from datetime import date
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import File, Header, Query, Router
from ninja.files import UploadedFile

from quntuan.api.auth import AUTH, AUTH_OPTIONAL, AddressRateThrottle, request_user
from quntuan.cases import queries
from quntuan.cases import services as case_services
from quntuan.cases.models import Case, CaseEvent
from quntuan.cases.policies import REGION_ROLES, case_policy, is_member, is_platform_admin
from quntuan.cases.schemas import (
    AttachmentOut,
    CaseListOut,
    CaseOut,
    CaseSubmitIn,
    CohandlerIn,
    CoHandlingOut,
    CohandlingReplyIn,
    DuplicateOut,
    ErrorOut,
    EventOut,
    ExtensionDecisionIn,
    ExtensionIn,
    ExtensionOut,
    FollowUpIn,
    FollowUpOut,
    LookupIn,
    MaterialRequestIn,
    MergeIn,
    NoteIn,
    OtpIn,
    OtpSentOut,
    PersonalDataOut,
    PublicCaseOut,
    QueueName,
    RateIn,
    RatingOut,
    ReasonIn,
    ReplyIn,
    RequiredNoteIn,
    SubmitOut,
    ThreeRatesOut,
    TransferIn,
    TransferOutIn,
    ValidationErrorOut,
)
from quntuan.catalog.models import Category, Service
from quntuan.core.exceptions import ApplicationError, NotFound, PermissionDenied
from quntuan.core.text import mask_mobile, mask_name
from quntuan.organizations.models import Organization, Region, Workstation

router = Router(tags=["诉求"], auth=AUTH)

CASE_NOT_FOUND = gettext_lazy("未找到该诉求,或您无权查看。")
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}
PAGE_MAX = 100


def _responses(ok_status: int, schema) -> dict:
    return {ok_status: schema, **ERRORS}


# --- finding things ----------------------------------------------------------------------------


def _case(request: HttpRequest, tracking_no: str) -> Case:
    """The case with this tracking number if the user may see it; 404 otherwise (the same
    answer for an unknown number and for one the user may not see)."""
    if len(tracking_no) > 24:
        raise NotFound(str(CASE_NOT_FOUND))
    case = (
        case_policy.visible(request_user(request))
        .select_related("first_inquirer", "first_inquirer_org", "handling_org", "handler", "transfer_to_org",
                        "service", "category", "workstation")
        .filter(tracking_no=tracking_no.strip().upper())
        .first()
    )
    if case is None:
        raise NotFound(str(CASE_NOT_FOUND))
    return case


def _organization(org_id: int | None, label: str) -> Organization | None:
    """A referenced organization (catalogue data, public); the service checks its district."""
    if org_id is None:
        return None
    org = Organization.objects.select_related("district").filter(pk=org_id, is_active=True).first()
    if org is None:
        raise ApplicationError(_("所选%(label)s不存在或已停用。") % {"label": label}, code="unknown_organization")
    return org


def _service(service_id: int | None) -> Service | None:
    if service_id is None:
        return None
    service = (Service.objects.select_related("organization__district", "category")
               .filter(pk=service_id, is_active=True).first())
    if service is None:
        raise ApplicationError(_("所选服务事项不存在或已停用。"), code="unknown_service")
    return service


def _category(code: str | None) -> Category | None:
    if not code:
        return None
    category = Category.objects.filter(code=code.strip()).first()
    if category is None:
        raise ApplicationError(_("所选服务类别不存在。"), code="unknown_category")
    return category


def _community(region_id: int | None) -> Region | None:
    if region_id is None:
        return None
    community = Region.objects.filter(pk=region_id, level=Region.Level.COMMUNITY).first()
    if community is None:
        raise ApplicationError(_("所选社区不存在。"), code="unknown_community")
    return community


def _workstation(workstation_id: int | None) -> Workstation | None:
    if workstation_id is None:
        return None
    workstation = Workstation.objects.filter(pk=workstation_id).first()
    if workstation is None:
        raise ApplicationError(_("所选群团工作站不存在。"), code="unknown_workstation")
    return workstation


# --- building answers --------------------------------------------------------------------------


def _local(moment):
    """Times in the platform's time zone (Asia/Shanghai), whatever the database returned."""
    return timezone.localtime(moment) if moment is not None else None


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def _person(user, phone: str = "") -> dict | None:
    if user is None:
        return None
    return {"name": user.name or user.login_name, "phone": phone}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _list_item(case: Case, today: date) -> dict:
    return {
        "tracking_no": case.tracking_no,
        "title": case.title,
        "status": case.status,
        "status_label": case.get_status_display(),
        "channel": case.channel,
        "is_urgent": case.is_urgent,
        "handling_org": _ref(case.handling_org),
        "received_at": _local(case.received_at),
        "due_date": case.due_date,
        "deadline_state": queries.case_deadline_state(case, today=today),
        "escalation_level": case.escalation_level,
    }


def _is_staff_view(user, case: Case) -> bool:
    """Staff who may see the case see its internal parts; the requester never does."""
    return bool(getattr(user, "is_staff_member", False)) and case.requester_id != user.pk


def _case_out(request: HttpRequest, case: Case, *, new: bool = False) -> dict:
    """The case as its reader may see it. ``new``: the case was created by this request from
    JSON, so it has no attachments, ratings, co-handlings, extension or follow-ups yet, and
    nothing is read back from the database."""
    user = request_user(request)
    staff_view = _is_staff_view(user, case)
    # Only the requester sees their own name and number whole here; staff allowed to see them
    # ask POST /{tracking_no}/personal-data, which records the look in the audit log.
    own = case.requester_id is not None and case.requester_id == user.pk
    out = _list_item(case, timezone.localdate())
    extension = getattr(case, "extension", None) if staff_view and not new else None
    out.update(
        content=case.content,
        address=case.address,
        requester_name=case.requester_name if own else mask_name(case.requester_name),
        requester_mobile=case.requester_mobile if own else mask_mobile(case.requester_mobile),
        personal_data_masked=not own,
        service=_ref(case.service),
        category={"code": case.category.code, "name": case.category.name} if case.category_id else None,
        time_limit_class=case.time_limit_class,
        first_inquirer=_person(case.first_inquirer, case.first_inquirer_org.phone),
        first_inquirer_org=_ref(case.first_inquirer_org),
        handler=_person(case.handler, case.handling_org.phone),
        transfer_to_org=_ref(case.transfer_to_org),
        transferred_department=case.transferred_department,
        missing_materials=_lines(case.missing_materials),
        first_contact_due_at=_local(case.first_contact_due_at),
        contacted_at=_local(case.contacted_at),
        clock_start=case.clock_start,
        deadline_provisional=case.deadline_provisional,
        extended=case.extended,
        requester_informed_at=_local(case.requester_informed_at),
        result=case.result,
        closed_at=_local(case.closed_at),
        reopen_count=case.reopen_count,
        merged_into=case.merged_into.tracking_no if case.merged_into_id else None,
        merged_cases=list(case.merged_cases.order_by("received_at").values_list("tracking_no", flat=True))
        if staff_view and not new else [],
        attachments=[] if new else [_attachment(a) for a in case.attachments.order_by("uploaded_at", "pk")],
        ratings=[] if new else [_rating(r) for r in case.ratings.order_by("round")],
        cohandlings=[_cohandling(c) for c in case.cohandlings.select_related("organization").order_by("pk")]
        if staff_view and not new else [],
        extension=_extension(extension) if extension is not None else None,
        followups=[_followup(f) for f in case.followups.order_by("round")] if staff_view and not new else [],
        actions=_actions(user, case, staff_view, extension),
    )
    return out


def _actions(user, case: Case, staff_view: bool, extension) -> dict:
    """What the user may do next, as the policy answers it (residents hold no memberships, so
    their staff answers are known without asking the database)."""
    staff = bool(getattr(user, "is_staff_member", False))
    return {
        "handle": staff and case_policy.can_handle(user, case),
        "transfer": staff and case_policy.can_transfer(user, case),
        "accept_transfer": staff and case_policy.can_accept_transfer(user, case),
        "confirm_informed": case_policy.can_confirm_informed(user, case) and case.requester_informed_at is None,
        "decide_extension": extension is not None and extension.status == extension.Status.PENDING
        and case_policy.can_decide_extension(user, case),
        "rate": case_policy.can_rate(user, case),
        "reveal_personal_data": staff_view and case_policy.can_see_full_mobile(user, case),
    }


def _attachment(a) -> dict:
    return {"id": a.pk, "name": a.original_name, "content_type": a.content_type, "size": a.size,
            "uploaded_at": _local(a.uploaded_at)}


def _rating(r) -> dict:
    return {"round": r.round, "solved": r.solved, "level": r.level, "level_label": r.get_level_display(),
            "comment": r.comment, "rated_at": _local(r.rated_at)}


def _cohandling(c) -> dict:
    return {"id": c.pk, "organization": _ref(c.organization), "task": c.task, "due_date": c.due_date,
            "status": c.status, "status_label": c.get_status_display(), "reply": c.reply,
            "replied_at": _local(c.replied_at)}


def _extension(e) -> dict:
    return {"days": e.days, "reason": e.reason, "status": e.status, "status_label": e.get_status_display(),
            "requested_at": _local(e.requested_at), "decided_at": _local(e.decided_at), "decision_note": e.decision_note}


def _followup(f) -> dict:
    return {"id": f.pk, "round": f.round, "due_date": f.due_date, "status": f.status, "outcome": f.outcome,
            "solved": f.solved, "note": f.note, "done_at": _local(f.done_at)}


def _event(e: CaseEvent) -> dict:
    return {
        "id": e.pk,
        "kind": e.kind,
        "kind_label": e.get_kind_display(),
        "at": _local(e.at),
        "actor": (e.actor.name or e.actor.login_name) if e.actor_id else "",
        "organization": e.organization.name if e.organization_id else "",
        "target_org": e.target_org.name if e.target_org_id else "",
        "note": e.note,
        "internal": e.internal,
    }


def _receipt(case: Case) -> dict:
    receipt = case_services.case_receipt(case)
    return {
        "tracking_no": case.tracking_no,
        "status": case.status,
        "status_label": case.get_status_display(),
        "received_at": _local(case.received_at),
        "first_inquirer": {"name": receipt["first_inquirer_name"], "phone": receipt["first_inquirer_contact"]},
        "first_inquirer_org": _ref(case.first_inquirer_org),
        "first_contact_due_at": _local(case.first_contact_due_at),
        "promised_date": case.due_date,
        "missing_materials": list(receipt["missing_materials"]),
        "deadline_provisional": bool(receipt["provisional"]),
    }


def _done(request: HttpRequest, case: Case) -> dict:
    case.refresh_from_db()
    return _case_out(request, case)


# --- submission --------------------------------------------------------------------------------


def _idempotency_key(raw: str, user) -> str | None:
    """The client's key, scoped to the account (or to anonymous submissions) and hashed, so two
    clients' keys never meet."""
    raw = (raw or "").strip()
    if not raw:
        return None
    if len(raw) > 64:
        raise ApplicationError(_("幂等键不能超过 64 个字符。"), code="invalid")
    scope = f"user:{user.pk}" if user.is_authenticated else "anonymous"
    return hashlib.sha256(f"quntuan.api:{scope}:{raw}".encode()).hexdigest()


def _replayed(key: str | None, mobile: str) -> Case | None:
    """An anonymous submission already made with this key and mobile (its code is used up)."""
    if key is None:
        return None
    return Case.objects.filter(idempotency_key=key, requester_mobile=mobile).first()


def _submission_district(user, service, organization, received_org, community, staff_entry: bool) -> Region:
    """The district a submission belongs to: the chosen service's, organization's or community's,
    else the submitter's own (a resident's district, a staff member's organization's)."""
    for source in (service.organization if service else None, organization, received_org, community):
        if source is not None:
            return source.district
    region = user.region if user.is_authenticated and user.region_id else None
    if region is not None and region.level == Region.Level.DISTRICT:
        return region
    if staff_entry:
        membership = user.memberships.select_related("organization__district").first()
        if membership is not None:
            return membership.organization.district
    raise ApplicationError(_("请选择服务事项、受理组织或所在社区。"), code="district_required")


@router.post(
    "/otp",
    response={200: OtpSentOut, **ERRORS, 429: ErrorOut},
    auth=None,
    throttle=[AddressRateThrottle("cases_otp", "10/m")],
    summary="发送短信验证码",
    operation_id="cases_otp_send",
)
def otp_send(request, payload: OtpIn):
    """未登录提交诉求前,向手机号发送 6 位验证码(10 分钟内有效)。"""
    from quntuan.notifications.services import otp_send as send

    send(mobile=payload.mobile, purpose="case_submit", address=request.META.get("REMOTE_ADDR") or None)
    return {"message": _("验证码已发送,10 分钟内有效。")}


IdempotencyHeader = Annotated[str, Header(alias="Idempotency-Key", max_length=64, title="幂等键",
                                          description="幂等键:同一个键重复提交只生成一件诉求")]


@router.post(
    "/",
    response={201: SubmitOut, **ERRORS, 429: ErrorOut, 503: ErrorOut},
    auth=AUTH_OPTIONAL,
    summary="提交诉求",
    operation_id="cases_submit",
    openapi_extra={"security": [{}]},  # credentials are optional: visitors submit with an SMS code
)
def case_submit(request, payload: CaseSubmitIn, idempotency_key: IdempotencyHeader = ""):
    """提交诉求,返回受理回执。登录的群众直接提交;未登录时须填写姓名、手机号和短信验证码;
    工作人员以 phone(电话)或 walk_in(现场)渠道代为登记。同一幂等键重复提交返回同一件诉求。"""
    user = request_user(request)
    key = _idempotency_key(idempotency_key or payload.idempotency_key, user)
    service = _service(payload.service_id)
    organization = _organization(payload.organization_id, _("受理组织"))
    community = _community(payload.community_id)
    staff_entry = user.is_authenticated and payload.channel in ("phone", "walk_in") and user.is_staff_member
    received_org = _organization(payload.received_org_id, _("首问单位")) if staff_entry else None
    district = _submission_district(user, service, organization, received_org, community, staff_entry)

    name, mobile = payload.requester_name, payload.requester_mobile
    requester = None
    if not user.is_authenticated:
        if not name or not mobile:
            raise ApplicationError(_("未登录提交诉求须填写姓名和手机号。"), code="requester_required")
        if not payload.otp_code:
            raise ApplicationError(_("请填写短信验证码。"), code="otp_required")
        from quntuan.notifications.services import otp_verify

        try:
            otp_verify(mobile=mobile, code=payload.otp_code, purpose="case_submit")
        except ApplicationError:
            replayed = _replayed(key, mobile)
            if replayed is None:
                raise
            return 201, {"receipt": _receipt(replayed), "case": None}
    elif not staff_entry:
        requester = user
        name = name or user.name
        mobile = mobile or (user.mobile or "")
        if not mobile:
            raise ApplicationError(_("请填写联系电话。"), code="invalid_mobile")

    case = case_services.case_submit(
        district=district,
        title=payload.title,
        content=payload.content,
        requester_name=name,
        requester_mobile=mobile,
        requester_email=payload.requester_email or (user.email if requester is not None else ""),
        channel=payload.channel,
        requester=requester,
        service=service,
        category=_category(payload.category_code),
        organization=organization,
        community=community,
        address=payload.address,
        is_urgent=payload.is_urgent,
        idempotency_key=key,
        received_by=user if staff_entry else None,
        received_org=received_org,
        workstation=_workstation(payload.workstation_id) if staff_entry else None,
        missing_materials=payload.missing_materials if staff_entry else "",
        suggested=payload.suggested_code if staff_entry else None,
    )
    detail = None
    if user.is_authenticated and case_policy.can_view(user, case):
        # A replayed key returns an older case, which may have moved on: read that one back.
        detail = _case_out(request, case, new=getattr(case, "just_created", False))
    return 201, {"receipt": _receipt(case), "case": detail}


@router.post(
    "/lookup",
    response={200: PublicCaseOut, **ERRORS, 429: ErrorOut},
    auth=None,
    throttle=[AddressRateThrottle("cases_lookup", "30/m")],
    summary="公开查询办理进度",
    operation_id="cases_lookup",
)
def case_lookup(request, payload: LookupIn):
    """凭受理编号和手机号后四位查询办理进度(不含内部记录和个人信息)。"""
    case = _public_case(payload.tracking_no, payload.mobile_last4)
    return {
        "tracking_no": case.tracking_no,
        "title": case.title,
        "status": case.status,
        "status_label": case.get_status_display(),
        "handling_org": case.handling_org.name,
        "received_at": _local(case.received_at),
        "due_date": case.due_date,
        "closed_at": _local(case.closed_at),
        "events": [{"kind": e.kind, "kind_label": e.get_kind_display(), "at": _local(e.at)}
                   for e in case.events.filter(internal=False).order_by("at", "pk")],
    }


def _public_case(tracking_no: str, mobile_last4: str) -> Case:
    """The public lookup's own access rule: the tracking number and the last four digits of the
    requester's mobile number together. Any mismatch gets the same 404 as an unknown number."""
    case = Case.objects.select_related("handling_org").filter(tracking_no=tracking_no.strip().upper()).first()
    if case is None or not constant_time_compare(case.requester_mobile[-4:], mobile_last4):
        raise NotFound(str(CASE_NOT_FOUND))
    return case


# --- lists --------------------------------------------------------------------------------------


Limit = Annotated[int, Query(ge=1, le=PAGE_MAX, title="每页条数", description="每页条数(1–100)")]
Offset = Annotated[int, Query(ge=0, title="起始位置", description="跳过的条数")]
QueueParam = Annotated[QueueName, Query(title="队列", description=(
    "mine 我承办的,org 本单位承办的,first_inquiry 我首问的,cohandling 协办,"
    "transfers_in 转来待接收,overdue 逾期,followups 待回访"))]


def _page(qs, limit: int, offset: int) -> dict:
    today = timezone.localdate()
    rows = list(qs.select_related("handling_org")[offset:offset + limit])
    return {"items": [_list_item(c, today) for c in rows], "count": qs.count()}


@router.get("/mine", response=_responses(200, CaseListOut), summary="我的诉求", operation_id="cases_mine")
def cases_mine(request, limit: Limit = 20, offset: Offset = 0):
    """当前用户本人提交的诉求,最新的在前。"""
    user = request_user(request)
    qs = case_policy.visible(user).filter(requester=user).order_by("-received_at", "-pk")
    return _page(qs, limit, offset)


@router.get("/queue", response=_responses(200, CaseListOut), summary="工作台队列", operation_id="cases_queue")
def cases_queue(request, queue: QueueParam, limit: Limit = 20, offset: Offset = 0):
    """工作人员的工作队列,按办结时限排序。"""
    user = request_user(request)
    if not user.is_staff_member:
        raise PermissionDenied(_("工作台仅对工作人员开放。"))
    return _page(queries.case_queue(user=user, queue=queue), limit, offset)


@router.get("/stats/three-rates", response=_responses(200, ThreeRatesOut), summary="三率统计",
            operation_id="cases_three_rates")
def three_rates(request, organization: Annotated[int, Query(title="组织", description="组织编号")],
                start: Annotated[date, Query(title="起始日期", description="统计起始日期(含)")],
                end: Annotated[date, Query(title="截止日期", description="统计截止日期(含)")]):
    """某组织在一段时间内的响应率、解决率、满意率和综合得分。"""
    user = request_user(request)
    org = _organization(organization, _("组织"))
    if end < start:
        raise ApplicationError(_("截止日期不能早于起始日期。"), code="invalid")
    if (end - start).days > 3 * 366:
        raise ApplicationError(_("统计区间不能超过三年。"), code="invalid")
    if not _may_see_org_stats(user, org):
        raise PermissionDenied(_("您无权查看该组织的统计。"))
    rates = queries.org_three_rates(organization=org, start=start, end=end)
    return {**rates, "organization": _ref(org), "start": start, "end": end}


def _may_see_org_stats(user, org: Organization) -> bool:
    """An organization's own staff, the supervisors and auditors of its district (or city) and
    platform administrators."""
    if is_platform_admin(user) or is_member(user, org.pk):
        return True
    if user.role in REGION_ROLES and user.region_id is not None:
        district = org.district
        return user.region_id in (district.pk, district.parent_id)
    return False


# --- one case ------------------------------------------------------------------------------------


@router.get("/{tracking_no}", response=_responses(200, CaseOut), summary="诉求详情", operation_id="cases_detail")
def case_detail(request, tracking_no: str):
    """诉求详情。非承办人员看到的联系电话已脱敏;群众看不到协办、延期和回访等内部信息。"""
    return _case_out(request, _case(request, tracking_no))


@router.post("/{tracking_no}/personal-data", response=_responses(200, PersonalDataOut), summary="查看诉求人个人信息",
             operation_id="cases_personal_data")
def case_personal_data(request, tracking_no: str):
    """承办单位和首问责任人查看诉求人的完整姓名、手机号和邮箱;每次查看都记入审计日志。"""
    case = _case(request, tracking_no)
    return case_services.case_personal_data_view(case=case, actor=request_user(request), request=request)


@router.get("/{tracking_no}/timeline", response=_responses(200, list[EventOut]), summary="办理记录",
            operation_id="cases_timeline")
def case_timeline(request, tracking_no: str):
    """诉求的全部办理记录;群众看不到内部记录。"""
    case = _case(request, tracking_no)
    events = queries.case_timeline(case=case, user=request_user(request))
    return [_event(e) for e in events]


def _action(request, tracking_no: str, service, **kwargs) -> dict:
    case = _case(request, tracking_no)
    service(case=case, actor=request_user(request), **kwargs)
    return _done(request, case)


@router.post("/{tracking_no}/contact", response=_responses(200, CaseOut), summary="签收并联系群众",
             operation_id="cases_contact")
def case_contact(request, tracking_no: str, payload: NoteIn):
    """承办单位签收诉求并记录首次联系。"""
    return _action(request, tracking_no, case_services.case_contact, note=payload.note)


@router.post("/{tracking_no}/transfer", response=_responses(200, CaseOut), summary="转办",
             operation_id="cases_transfer")
def case_transfer(request, tracking_no: str, payload: TransferIn):
    """转办到另一组织(须写明理由),由对方接收或退回。"""
    to_org = _organization(payload.to_org_id, _("转办单位"))
    return _action(request, tracking_no, case_services.case_transfer, to_org=to_org, reason=payload.reason,
                   category=payload.category)


@router.post("/{tracking_no}/accept", response=_responses(200, CaseOut), summary="接收转办",
             operation_id="cases_transfer_accept")
def case_accept(request, tracking_no: str):
    """接收方单位的工作人员接收转办的诉求。"""
    return _action(request, tracking_no, case_services.case_transfer_accept)


@router.post("/{tracking_no}/return", response=_responses(200, CaseOut), summary="退回转办",
             operation_id="cases_transfer_return")
def case_return(request, tracking_no: str, payload: ReasonIn):
    """接收方单位退回转办(须写明理由),诉求回到首问责任人所在单位。"""
    return _action(request, tracking_no, case_services.case_transfer_return, reason=payload.reason)


@router.post("/{tracking_no}/informed", response=_responses(200, CaseOut), summary="确认已告知群众",
             operation_id="cases_informed")
def case_informed(request, tracking_no: str):
    """首问责任人确认已将转办或办理情况告知群众。"""
    return _action(request, tracking_no, case_services.case_confirm_requester_informed)


@router.post("/{tracking_no}/cohandlers", response=_responses(201, CoHandlingOut), summary="增加协办单位",
             operation_id="cases_cohandler_add")
def case_cohandler_add(request, tracking_no: str, payload: CohandlerIn):
    """请另一组织协办,并给出协办时限(工作日)。"""
    case = _case(request, tracking_no)
    org = _organization(payload.organization_id, _("协办单位"))
    cohandling = case_services.case_add_cohandler(
        case=case, actor=request_user(request), organization=org, task=payload.task, days=payload.days
    )
    return 201, _cohandling(cohandling)


@router.post("/{tracking_no}/cohandlings/{cohandling_id}/reply", response=_responses(200, CoHandlingOut),
             summary="协办答复", operation_id="cases_cohandler_reply")
def case_cohandler_reply(request, tracking_no: str, cohandling_id: int, payload: CohandlingReplyIn):
    """协办单位答复协办事项。"""
    case = _case(request, tracking_no)
    cohandling = case.cohandlings.select_related("organization").filter(pk=cohandling_id).first()
    if cohandling is None:
        raise NotFound(_("未找到该协办事项。"))
    case_services.case_cohandler_reply(cohandling=cohandling, actor=request_user(request), reply=payload.reply)
    cohandling.refresh_from_db()
    return _cohandling(cohandling)


@router.post("/{tracking_no}/material-request", response=_responses(200, CaseOut), summary="一次性告知补充材料",
             operation_id="cases_material_request")
def case_material_request(request, tracking_no: str, payload: MaterialRequestIn):
    """一次性告知群众需补充的全部材料;补齐前时限暂停。"""
    return _action(request, tracking_no, case_services.case_request_material, materials=payload.materials)


@router.post("/{tracking_no}/material-supply", response=_responses(200, CaseOut), summary="补充材料",
             operation_id="cases_material_supply")
def case_material_supply(request, tracking_no: str, payload: RequiredNoteIn):
    """群众补充材料(附件另行上传);时限重新起算。"""
    return _action(request, tracking_no, case_services.case_supply_material, note=payload.note)


@router.post("/{tracking_no}/extension", response=_responses(201, ExtensionOut), summary="申请延期",
             operation_id="cases_extension_request")
def case_extension_request(request, tracking_no: str, payload: ExtensionIn):
    """在办结时限前申请延期一次,由承办单位负责人审批。"""
    case = _case(request, tracking_no)
    extension = case_services.case_request_extension(
        case=case, actor=request_user(request), days=payload.days, reason=payload.reason
    )
    return 201, _extension(extension)


@router.post("/{tracking_no}/extension/decision", response=_responses(200, CaseOut), summary="审批延期",
             operation_id="cases_extension_decide")
def case_extension_decide(request, tracking_no: str, payload: ExtensionDecisionIn):
    """承办单位负责人批准或驳回延期申请。"""
    return _action(request, tracking_no, case_services.case_decide_extension, approve=payload.approve,
                   note=payload.note)


@router.post("/{tracking_no}/transfer-out", response=_responses(200, CaseOut), summary="转政府部门",
             operation_id="cases_transfer_out")
def case_transfer_out(request, tracking_no: str, payload: TransferOutIn):
    """属于政府部门职责的事项,记录转出的部门并告知群众。"""
    return _action(request, tracking_no, case_services.case_transfer_out, department=payload.department,
                   note=payload.note)


@router.post("/{tracking_no}/notes", response=_responses(201, EventOut), summary="内部备注",
             operation_id="cases_note_add")
def case_note_add(request, tracking_no: str, payload: RequiredNoteIn):
    """工作人员添加内部备注(群众看不到)。"""
    case = _case(request, tracking_no)
    user = request_user(request)
    event = case_services.case_add_note(case=case, actor=user, note=payload.note)
    return 201, _event(event)


@router.post("/{tracking_no}/reply", response=_responses(200, CaseOut), summary="答复并办结",
             operation_id="cases_reply_close")
def case_reply(request, tracking_no: str, payload: ReplyIn):
    """答复群众办理结果并办结。"""
    return _action(request, tracking_no, case_services.case_reply_and_close, result=payload.result)


@router.post("/{tracking_no}/rate", response=_responses(201, RatingOut), summary="评价",
             operation_id="cases_rate")
def case_rate(request, tracking_no: str, payload: RateIn):
    """诉求人对已办结的诉求评价;不满意将重办一次。"""
    case = _case(request, tracking_no)
    rating = case_services.case_rate(
        case=case, actor=request_user(request), solved=payload.solved, level=payload.level, comment=payload.comment
    )
    return 201, _rating(rating)


@router.post("/{tracking_no}/followups/{followup_id}", response=_responses(200, FollowUpOut), summary="记录回访",
             operation_id="cases_followup_record")
def case_followup(request, tracking_no: str, followup_id: int, payload: FollowUpIn):
    """工作人员记录回访结果。"""
    case = _case(request, tracking_no)
    followup = case.followups.filter(pk=followup_id).first()
    if followup is None:
        raise NotFound(_("未找到该回访。"))
    case_services.followup_record(followup=followup, actor=request_user(request), outcome=payload.outcome,
                                  solved=payload.solved, note=payload.note)
    followup.refresh_from_db()
    return _followup(followup)


@router.post("/{tracking_no}/attachments", response=_responses(201, AttachmentOut), summary="上传附件",
             operation_id="cases_attachment_add")
def case_attachment_add(request, tracking_no: str,
                        file: Annotated[UploadedFile, File(title="附件", description="PNG、JPEG 图片或 PDF 文件")]):
    """上传图片(PNG、JPEG)或 PDF 附件;按大小和实际内容检查。"""
    case = _case(request, tracking_no)
    attachment = case_services.case_attachment_add(case=case, actor=request_user(request), uploaded_file=file)
    return 201, _attachment(attachment)


# --- duplicates and merging ----------------------------------------------------------------------


@router.get("/{tracking_no}/duplicates", response=_responses(200, list[DuplicateOut]), summary="可能重复的诉求",
            operation_id="cases_duplicates")
def case_duplicates(request, tracking_no: str):
    """同一社区(或同一地点)近期和未办结的诉求中,可能反映同一事项的,按相似度排列;仅首问责任人和承办单位可查。"""
    user = request_user(request)
    case = _case(request, tracking_no)
    if not case_policy.can_merge(user, case):
        raise PermissionDenied(_("只有首问责任人或承办单位的工作人员才能查看可能重复的诉求。"))
    if not case_policy.can_see_duplicates(user, case):
        return []
    rows = queries.likely_duplicates(
        user=user, text=f"{case.title}。{case.content}", district_id=case.district_id,
        community_id=case.community_id, address=case.address, exclude_id=case.pk,
        categories=(case.category.code,) if case.category_id else None, requester_mobile=case.requester_mobile)
    return [{"tracking_no": r["tracking_no"], "title": r["title"], "status": r["status"],
             "received_at": _local(r["received_at"]), "score": r["score"], "shared": r["shared"]} for r in rows]


@router.post("/{tracking_no}/merge", response=_responses(200, CaseOut), summary="并入原诉求",
             operation_id="cases_merge")
def case_merge(request, tracking_no: str, payload: MergeIn):
    """把本诉求(重复反映)并入原诉求:本诉求结束并跟随原诉求,诉求人收到原诉求的办理进展,两位诉求人都收到通知;
    统计只计原诉求。须是两件诉求的首问责任人或承办单位工作人员;同一请求重复提交不会重复合并。"""
    duplicate = _case(request, tracking_no)
    into = _case(request, payload.into)
    case_services.case_merge(actor=request_user(request), duplicate=duplicate, into=into, note=payload.note)
    return _done(request, duplicate)
