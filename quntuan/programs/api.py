"""The programs API: plans board, resident profile and consent, target groups and audience
counts, targeted notices and their progress, referrals — under the same policies as the pages.
Audience answers are counts only; no endpoint lists who matched."""

from __future__ import annotations

import json

from ninja import Query, Router, Schema

from quntuan.accounts.models import Role, User
from quntuan.activities.policies import activity_policy
from quntuan.api.auth import AUTH, request_user
from quntuan.catalog.models import Service
from quntuan.core.exceptions import ApplicationError, NotFound, PermissionDenied
from quntuan.organizations.models import Organization, Region
from quntuan.programs import queries, services
from quntuan.programs.models import Notice, Plan, Referral
from quntuan.programs.policies import (
    is_program_staff,
    notice_policy,
    plan_policy,
    referral_policy,
    staff_organizations,
    target_group_policy,
)
from quntuan.programs.schemas import (
    AudienceIn,
    CommentIn,
    ConsentIn,
    NoticeIn,
    OutcomesIn,
    PlanIn,
    ProfileIn,
    ReferralConsentIn,
    ReferralDecisionIn,
    ReferralIn,
    TargetGroupIn,
)

router = Router(tags=["计划与精准推送"], auth=AUTH)


def _staff(request) -> User:
    user = request_user(request)
    if not is_program_staff(user):
        raise PermissionDenied("仅限组织工作人员。")
    return user


def _own_org(request, org_id: int) -> Organization:
    org = staff_organizations(request_user(request)).filter(pk=org_id).first()
    if org is None:
        raise PermissionDenied("您不是该组织的工作人员。")
    return org


def _plan(request, pk: int) -> Plan:
    plan = plan_policy.visible(request_user(request)).filter(pk=pk).first()
    if plan is None:
        raise NotFound("未找到该计划,或您无权查看。")
    return plan


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def _plan_out(plan: Plan, user) -> dict:
    return {
        "id": plan.pk, "title": plan.title, "kind": plan.kind, "kind_label": plan.get_kind_display(),
        "goal": plan.goal, "organization": _ref(plan.organization), "audience": plan.audience,
        "community": _ref(plan.community), "start_date": plan.start_date, "end_date": plan.end_date,
        "capacity": plan.capacity, "budget_line": plan.budget_line, "contact_name": plan.contact_name,
        "contact_phone": plan.contact_phone, "status": plan.status,
        "target_group": _ref(plan.target_group) if plan.target_group_id else None,
        "activity_ids": [a.pk for a in plan.activities.all()], "service_ids": [s.pk for s in plan.services.all()],
        "outcomes": {f: getattr(plan, f) for f in services.OUTCOME_FIELDS},
        "can_edit": plan_policy.can_edit(user, plan),
    }


def _plan_input(request, payload: PlanIn, organization: Organization) -> services.PlanInput:
    user = request_user(request)
    community = None
    if payload.community_id:
        community = Region.objects.filter(pk=payload.community_id, level=Region.Level.COMMUNITY).first()
        if community is None:
            raise ApplicationError("所选社区不存在。")
    group = None
    if payload.target_group_id:
        group = target_group_policy.visible(user).filter(pk=payload.target_group_id).first()
        if group is None:
            raise ApplicationError("所选目标人群不存在。")
    activities = list(activity_policy.visible(user).filter(pk__in=payload.activity_ids))
    if len(activities) != len(set(payload.activity_ids)):
        raise ApplicationError("所选活动不存在。")
    svc = list(Service.objects.filter(pk__in=payload.service_ids).select_related("organization"))
    if len(svc) != len(set(payload.service_ids)):
        raise ApplicationError("所选服务不存在。")
    return services.PlanInput(
        title=payload.title, goal=payload.goal, kind=payload.kind, audience=payload.audience, community=community,
        start_date=payload.start_date, end_date=payload.end_date, capacity=payload.capacity,
        budget_line=payload.budget_line, contact_name=payload.contact_name, contact_phone=payload.contact_phone,
        target_group=group, activities=tuple(activities), services=tuple(svc),
    )


class PlanFilter(Schema):
    organization_id: int | None = None
    audience: str | None = None
    community_id: int | None = None
    active_on: str | None = None


# --- plans -------------------------------------------------------------------------------------


@router.get("/plans", summary="计划看板")
def plan_list(request, filters: Query[PlanFilter]):
    user = _staff(request)
    plans = plan_policy.visible(user)
    if filters.organization_id:
        plans = plans.filter(organization_id=filters.organization_id)
    if filters.audience:
        plans = plans.filter(audience=filters.audience)
    if filters.community_id:
        plans = plans.filter(community_id=filters.community_id)
    if filters.active_on:
        plans = plans.filter(start_date__lte=filters.active_on, end_date__gte=filters.active_on)
    return [_plan_out(p, user) for p in plans.prefetch_related("activities", "services")[:200]]


@router.post("/plans", summary="发布计划", response={201: dict})
def plan_create(request, payload: PlanIn):
    user = _staff(request)
    org = _own_org(request, payload.organization_id)
    plan = services.plan_create(actor=user, organization=org, data=_plan_input(request, payload, org))
    return 201, _plan_out(plan, user)


@router.get("/plans/{pk}", summary="计划详情")
def plan_detail(request, pk: int):
    plan = _plan(request, pk)
    out = _plan_out(plan, request_user(request))
    if is_program_staff(request_user(request)):  # comments and co-host offers are for staff
        out["comments"] = [{"id": c.pk, "kind": c.kind, "kind_label": c.get_kind_display(), "body": c.body,
                            "organization": _ref(c.organization), "created_at": c.created_at}
                           for c in plan.comments.select_related("organization")]
    return out


@router.put("/plans/{pk}", summary="修改计划(仅发布组织)")
def plan_update(request, pk: int, payload: PlanIn):
    user = _staff(request)
    plan = _plan(request, pk)
    plan = services.plan_update(actor=user, plan=plan, data=_plan_input(request, payload, plan.organization))
    return _plan_out(plan, user)


@router.post("/plans/{pk}/outcomes", summary="填报成效(仅发布组织)")
def plan_outcomes(request, pk: int, payload: OutcomesIn):
    user = _staff(request)
    outcomes = {k: v for k, v in payload.dict().items() if v is not None}
    plan = services.plan_record_outcomes(actor=user, plan=_plan(request, pk), outcomes=outcomes)
    return _plan_out(plan, user)


@router.post("/plans/{pk}/comments", summary="留言或申请协办", response={201: dict})
def plan_comment(request, pk: int, payload: CommentIn):
    user = _staff(request)
    comment = services.plan_comment(actor=user, plan=_plan(request, pk),
                                    organization=_own_org(request, payload.organization_id),
                                    body=payload.body, kind=payload.kind)
    return 201, {"id": comment.pk, "kind": comment.kind, "body": comment.body,
                 "organization": _ref(comment.organization)}


# --- target groups and audience ------------------------------------------------------------------


@router.post("/audience", summary="目标人数(仅计数,不含名单)")
def audience(request, payload: AudienceIn):
    _staff(request)
    org = _own_org(request, payload.organization_id)
    return services.audience_summary(district_id=org.district_id, criteria=payload.criteria,
                                     purpose=payload.purpose)


@router.get("/target-groups", summary="目标人群")
def target_groups(request):
    user = _staff(request)
    return [{"id": g.pk, "name": g.name, "criteria": g.criteria, "organization_id": g.organization_id}
            for g in target_group_policy.visible(user)]


@router.post("/target-groups", summary="保存目标人群", response={201: dict})
def target_group_create(request, payload: TargetGroupIn):
    user = _staff(request)
    group = services.target_group_save(actor=user, organization=_own_org(request, payload.organization_id),
                                       name=payload.name, criteria=payload.criteria)
    return 201, {"id": group.pk, "name": group.name, "criteria": group.criteria}


# --- notices -----------------------------------------------------------------------------------


def _notice(request, pk: int) -> Notice:
    notice = notice_policy.visible(request_user(request)).filter(pk=pk).first()
    if notice is None:
        raise NotFound("未找到该推送,或您无权查看。")
    return notice


def _notice_out(notice: Notice) -> dict:
    return {"id": notice.pk, "title": notice.title, "purpose": notice.purpose, "channels": notice.channels,
            "criteria": notice.criteria, "plan_id": notice.plan_id, "activity_id": notice.activity_id,
            "course_id": notice.course_id, "service_id": notice.service_id,
            "progress": services.notice_progress(notice=notice)}


@router.post("/notices", summary="新建精准推送", response={201: dict})
def notice_create(request, payload: NoticeIn):
    user = _staff(request)
    org = _own_org(request, payload.organization_id)
    group = plan = activity = None
    if payload.target_group_id:
        group = target_group_policy.visible(user).filter(pk=payload.target_group_id).first()
        if group is None:
            raise ApplicationError("所选目标人群不存在。")
    if payload.plan_id:
        plan = _plan(request, payload.plan_id)
    if payload.activity_id:
        activity = activity_policy.visible(user).filter(pk=payload.activity_id).first()
        if activity is None:
            raise ApplicationError("所选活动不存在。")
    course = service = None
    if payload.course_id:
        course = queries.own_courses(user).filter(pk=payload.course_id).first()
        if course is None:
            raise ApplicationError("所选培训课程不存在或不属于本组织。")
    if payload.service_id:
        service = queries.district_services(user).filter(pk=payload.service_id).first()
        if service is None:
            raise ApplicationError("所选服务不存在或不属于本区。")
    notice = services.notice_create(actor=user, organization=org, title=payload.title, body=payload.body,
                                    purpose=payload.purpose, target_group=group, criteria=payload.criteria,
                                    plan=plan, activity=activity, course=course, service=service,
                                    channels=payload.channels)
    return 201, _notice_out(notice)


@router.get("/notices", summary="本组织的推送(含送达、阅读、报名人数)")
def notice_list(request):
    user = _staff(request)
    return [{"id": n.pk, "title": n.title, "purpose": n.purpose, "status": n.status, "audience_size": n.audience_size,
             "plan_id": n.plan_id, **n.figures} for n in queries.notices_with_figures(user)]


@router.get("/notices/{pk}", summary="推送进度与统计")
def notice_detail(request, pk: int):
    return _notice_out(_notice(request, pk))


@router.post("/notices/{pk}/publish", summary="发布推送")
def notice_publish(request, pk: int):
    notice = services.notice_publish(actor=_staff(request), notice=_notice(request, pk))
    return _notice_out(notice)


# --- the resident's own data -------------------------------------------------------------------


def _resident(request) -> User:
    user = request_user(request)
    if user.role != Role.RESIDENT:
        raise PermissionDenied("仅居民本人可以操作。")
    return user


@router.get("/me", summary="我的信息与授权(导出)")
def my_data(request):
    return services.resident_export(resident=_resident(request))


@router.put("/me/profile", summary="填写我的画像")
def my_profile(request, payload: ProfileIn):
    user = _resident(request)
    try:  # unknown attributes are refused by name, not dropped silently
        sent = json.loads(request.body or b"{}")
    except ValueError:
        sent = {}
    unknown = sorted(set(sent) - set(ProfileIn.model_fields)) if isinstance(sent, dict) else []
    if unknown:
        raise ApplicationError(f"未知的属性:{'、'.join(unknown)}。")
    attrs = payload.dict(exclude_unset=True)
    if "community_id" in attrs:
        cid = attrs.pop("community_id")
        attrs["community"] = Region.objects.filter(pk=cid, level=Region.Level.COMMUNITY).first() if cid else None
        if cid and attrs["community"] is None:
            raise ApplicationError("所选社区不存在。")
    services.profile_update(resident=user, attributes=attrs)
    return services.resident_export(resident=user)


def _my_notice_out(d) -> dict:
    n = d.notice
    target = services.signup_target(n)
    return {"id": n.pk, "title": n.title, "body": n.body, "purpose": n.purpose,
            "organization": _ref(n.organization), "received_at": d.created_at, "opened_at": d.opened_at,
            "signed_up_at": d.signed_up_at, "signup_kind": target[0] if target else None}


@router.get("/me/notices", summary="我收到的推送")
def my_notices(request):
    return [_my_notice_out(d) for d in queries.resident_notices(_resident(request))[:200]]


@router.get("/me/notices/{pk}", summary="打开一条推送(计为已阅读)")
def my_notice(request, pk: int):
    user = _resident(request)
    delivery = queries.resident_notices(user).filter(notice_id=pk).first()
    if delivery is None:
        raise NotFound("未找到该推送。")
    delivery = services.notice_open(resident=user, notice=delivery.notice)
    return _my_notice_out(queries.resident_notices(user).get(pk=delivery.pk))


@router.post("/notices/{pk}/signup", summary="从推送报名(活动、培训课程或服务)", response={201: dict})
def notice_signup(request, pk: int):
    user = _resident(request)
    notice = Notice.objects.filter(pk=pk, deliveries__resident=user).first()
    if notice is None:
        raise NotFound("未找到该推送。")
    made = services.notice_signup(resident=user, notice=notice)
    kind, _row = services.signup_target(notice)
    return 201, {"notice_id": notice.pk, "kind": kind, "id": made.pk,
                 "tracking_no": getattr(made, "tracking_no", None)}


@router.post("/me/consent/grant", summary="同意")
def consent_grant(request, payload: ConsentIn):
    services.consent_grant(resident=_resident(request), purposes=payload.purposes, source="api")
    return services.resident_export(resident=request_user(request))["当前授权"]


@router.post("/me/consent/withdraw", summary="撤回同意(立即生效)")
def consent_withdraw(request, payload: ConsentIn):
    services.consent_withdraw(resident=_resident(request), purposes=payload.purposes, source="api")
    return services.resident_export(resident=request_user(request))["当前授权"]


# --- referrals ---------------------------------------------------------------------------------


def _referral_out(r: Referral, viewer=None) -> dict:
    out = {"id": r.pk, "status": r.status, "status_label": r.get_status_display(),
           "resident": {"id": r.resident_id, "name": r.resident.name},
           "from_organization": _ref(r.from_organization), "to_organization": _ref(r.to_organization),
           "plan_id": r.plan_id, "service_id": r.service_id, "reason": r.reason, "outcome": r.outcome,
           "consented_at": r.consented_at, "shared_categories": r.shared_categories}
    if viewer is not None and viewer.pk != r.resident_id:
        view = services.referral_resident_view(referral=r, viewer=viewer)
        out["resident"] = {"id": r.resident_id, "name": view["name"], "mobile": view["mobile"],
                           "sensitive": {row["category"]: row["value"] for row in view["sensitive"]}}
    return out


@router.get("/referrals", summary="转介(转出和转入;side=in 只看转给本组织的,side=out 只看转出的)")
def referral_list(request, side: str = ""):
    user = request_user(request)
    rows = queries.referrals_for(user, side) if side in ("in", "out") else referral_policy.visible(user)
    return [_referral_out(r, user) for r in rows[:200]]


@router.post("/referrals", summary="发起转介", response={201: dict})
def referral_create(request, payload: ReferralIn):
    user = _staff(request)
    org = _own_org(request, payload.from_organization_id)
    resident = User.objects.filter(pk=payload.resident_id, role=Role.RESIDENT, region_id=org.district_id).first()
    if resident is None:
        raise ApplicationError("未找到本区的该居民。")
    plan = _plan(request, payload.plan_id) if payload.plan_id else None
    service = None
    if payload.service_id:
        service = Service.objects.filter(pk=payload.service_id).select_related("organization").first()
        if service is None:
            raise ApplicationError("所选服务不存在。")
    referral = services.referral_create(actor=user, from_organization=org, resident=resident, reason=payload.reason,
                                        plan=plan, service=service)
    return 201, _referral_out(referral, user)


@router.post("/referrals/{pk}/decide", summary="接收、退回或办结转介")
def referral_decide(request, pk: int, payload: ReferralDecisionIn):
    referral = referral_policy.visible(request_user(request)).filter(pk=pk).first()
    if referral is None:
        raise NotFound("未找到该转介,或您无权查看。")
    user = _staff(request)
    referral = services.referral_decide(actor=user, referral=referral, status=payload.status,
                                        outcome=payload.outcome)
    return _referral_out(referral, user)


@router.get("/me/referrals", summary="转介我的记录(待我确认的在前)")
def my_referrals(request):
    user = _resident(request)
    rows = queries.resident_referrals(user)
    return [_referral_out(r) for r in rows[:200]]


@router.post("/me/referrals/{pk}/consent", summary="同意、不同意或撤回同意一条转介(立即生效)")
def my_referral_consent(request, pk: int, payload: ReferralConsentIn):
    user = _resident(request)
    referral = queries.resident_referrals(user).filter(pk=pk).first()
    if referral is None:
        raise NotFound("未找到该转介。")
    referral = services.referral_consent(resident=user, referral=referral, agree=payload.agree, share=payload.share)
    return _referral_out(referral)

