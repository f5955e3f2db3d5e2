"""Pages: the shared plans board, a plan (create, edit, outcomes), the target-group builder with
a live audience count, notices (compose, confirm and publish, progress), referrals (both sides),
a notice as the resident sees it (open, sign up, unsubscribe) and the resident's own data,
profile and consent pages with a JSON export. Views find rows through the policies and call one
service; a refusal is shown with its Chinese message and a 4xx status."""

from __future__ import annotations

import json
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quntuan.accounts.decorators import staff_required
from quntuan.activities.models import AudienceGroup
from quntuan.core.exceptions import ApplicationError, NotFound, PermissionDenied
from quntuan.programs import queries, services
from quntuan.programs.forms import (
    CriteriaForm,
    NoticeForm,
    OutcomesForm,
    PlanForm,
    ProfileForm,
    ReferralDecisionForm,
    ReferralForm,
    RulesForm,
)
from quntuan.programs.models import (
    Notice,
    NoticeDelivery,
    Plan,
    PlanComment,
    Purpose,
    Referral,
    SensitiveCategory,
)
from quntuan.programs.policies import (
    RECEIVER_STATUSES,
    notice_policy,
    plan_policy,
    referral_policy,
    staff_org_ids,
    staff_organizations,
    target_group_policy,
)


def _int(value) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if n > 0 else None


def _require_org(user) -> None:
    if not staff_organizations(user).exists():
        raise PermissionDenied(_("您不属于任何组织,不能使用此功能。"))


def _first_error(form) -> str:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        return f"{label}:{errors[0]}" if label else errors[0]
    return _("输入有误。")


# --- plans -------------------------------------------------------------------------------------


@staff_required
@require_GET
def board(request):
    plans = plan_policy.visible(request.user)
    filters = {"org": _int(request.GET.get("org")), "community": _int(request.GET.get("community")),
               "audience": request.GET.get("audience", ""), "period": request.GET.get("period", "")}
    if filters["org"]:
        plans = plans.filter(organization_id=filters["org"])
    if filters["community"]:
        plans = plans.filter(community_id=filters["community"])
    if filters["audience"] in AudienceGroup.values:
        plans = plans.filter(audience=filters["audience"])
    else:
        filters["audience"] = ""
    try:
        year, month = (int(x) for x in filters["period"].split("-"))
        first = date(year, month, 1)
        last = date(year + month // 12, month % 12 + 1, 1)
        plans = plans.filter(start_date__lt=last, end_date__gte=first)
    except ValueError:
        filters["period"] = ""
    district_ids = plan_policy.visible(request.user).values("district_id")
    return render(request, "programs/pages/board.html", {
        "plans": plans[:200], "filters": filters, "audiences": AudienceGroup.choices,
        "organizations": queries.board_organizations(request.user),
        "communities": queries.district_communities(district_ids),
        "can_create": staff_organizations(request.user).exists(), "tab": "board",
        "own_org_ids": staff_org_ids(request.user),
    })


def _visible_plan(user, pk: int) -> Plan:
    plan = plan_policy.visible(user).filter(pk=pk).first()
    if plan is None:
        raise Http404(_("未找到该计划。"))
    return plan


def _editable_plan(user, pk: int, message: str) -> Plan:
    plan = _visible_plan(user, pk)
    if not plan_policy.can_edit(user, plan):
        raise PermissionDenied(message)
    return plan


@staff_required
@require_http_methods(["GET", "POST"])
def plan_detail(request, pk: int):
    plan = _visible_plan(request.user, pk)
    own = staff_organizations(request.user)
    if request.method == "POST":
        org = own.filter(pk=_int(request.POST.get("organization"))).first() or own.first()
        try:
            if org is None:
                raise ApplicationError(_("您不属于任何组织,不能留言。"))
            services.plan_comment(actor=request.user, plan=plan, organization=org, body=request.POST.get("body", ""),
                                  kind=request.POST.get("kind", PlanComment.Kind.COMMENT))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已提交。"))
        return redirect("programs:plan_detail", pk=plan.pk)
    can_edit = plan_policy.can_edit(request.user, plan)
    return render(request, "programs/pages/plan_detail.html", {
        "plan": plan, "comments": plan.comments.select_related("organization", "author"),
        "can_edit": can_edit, "own_orgs": own, "comment_kinds": PlanComment.Kind.choices,
        "activities": plan.activities.order_by("start"), "services": plan.services.select_related("organization"),
        "notices": notice_policy.visible(request.user).filter(plan=plan),
        "can_refer": own.exists() and not can_edit, "tab": "board",
    })


@staff_required
@require_http_methods(["GET", "POST"])
def plan_new(request):
    _require_org(request.user)
    form = PlanForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                plan = services.plan_create(actor=request.user, organization=form.cleaned_data["organization"],
                                            data=form.to_input())
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("计划已发布到计划看板,各组织都能看到。"))
                return redirect("programs:plan_detail", pk=plan.pk)
        else:
            status = 400
    return render(request, "programs/pages/plan_form.html", {"form": form, "title": _("发布计划"), "tab": "new"},
                  status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    plan = _editable_plan(request.user, pk, _("只有发布该计划的组织可以修改它。"))
    form = PlanForm(request.POST or None, user=request.user, plan=plan, initial=PlanForm.initial_for(plan))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.plan_update(actor=request.user, plan=plan, data=form.to_input())
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("计划已保存。"))
                return redirect("programs:plan_detail", pk=plan.pk)
        else:
            status = 400
    return render(request, "programs/pages/plan_form.html",
                  {"form": form, "plan": plan, "title": _("修改计划"), "tab": "board"}, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def plan_outcomes(request, pk: int):
    plan = _editable_plan(request.user, pk, _("只有发布该计划的组织可以填报成效。"))
    form = OutcomesForm(request.POST or None, initial=OutcomesForm.initial_for(plan))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.plan_record_outcomes(actor=request.user, plan=plan, outcomes=form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("成效已保存,工作汇报将引用这些数字。"))
                return redirect("programs:plan_detail", pk=plan.pk)
        else:
            status = 400
    return render(request, "programs/pages/plan_outcomes.html", {"form": form, "plan": plan, "tab": "board"},
                  status=status)


# --- target groups -----------------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def groups(request):
    """The builder: criteria as a form, a live count (htmx, ``group_preview``), save and reuse."""
    user = request.user
    _require_org(user)
    group = None
    group_id = _int(request.GET.get("group") or request.POST.get("group"))
    if group_id:
        group = target_group_policy.visible(user).select_related("organization").filter(pk=group_id).first()
        if group is None:
            raise Http404(_("未找到该目标人群。"))
    can_edit = group is not None and target_group_policy.can_edit(user, group)
    status, summary = 200, None
    if request.method == "POST":
        form = CriteriaForm(request.POST, user=user)
        if form.is_valid():
            try:
                saved = services.target_group_save(
                    actor=user, organization=form.cleaned_data["organization"], name=form.cleaned_data["name"],
                    criteria=form.criteria(), group=group if can_edit and request.POST.get("as_new") != "1" else None)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("目标人群“%(name)s”已保存,发布推送时可以选用。") % {"name": saved.name})
                return redirect(f"{reverse('programs:groups')}?group={saved.pk}")
        else:
            status = 400
    else:
        initial = {"purpose": Purpose.EMPLOYMENT, "combine": "all"}
        if group is not None:
            initial.update(CriteriaForm.initial_from(group.criteria))
            initial["name"] = group.name
            if can_edit:
                initial["organization"] = group.organization_id
        form = CriteriaForm(initial=initial, user=user)
    return render(request, "programs/pages/groups.html", {
        "form": form, "group": group, "can_edit": can_edit, "summary": summary,
        "groups": queries.visible_groups(user), "tab": "groups",
    }, status=status)


@staff_required
@require_POST
def group_preview(request):
    """The audience size and the breakdown by community for the builder's current criteria:
    counts only. Bad criteria → 422 with the Chinese message (swapped into the preview box; 422
    rather than 400 so that django-htmx's debug handler leaves the page alone)."""
    _require_org(request.user)
    form = CriteriaForm(request.POST, user=request.user)
    context: dict = {}
    status = 200
    if not form.is_valid():
        context["error"], status = _first_error(form), 422
    else:
        try:
            criteria = form.criteria()
            context["summary"] = services.audience_summary(
                district_id=form.cleaned_data["organization"].district_id, criteria=criteria,
                purpose=form.cleaned_data["purpose"])
            context["purpose_label"] = Purpose(form.cleaned_data["purpose"]).label
            context["criteria_json"] = json.dumps(criteria, ensure_ascii=False)
        except ApplicationError as exc:
            context["error"], status = exc.message, 422 if exc.status_code == 400 else exc.status_code
    return render(request, "programs/partials/audience.html", context, status=status)


# --- notices -----------------------------------------------------------------------------------


def _own_notice(user, pk: int) -> Notice:
    notice = (notice_policy.visible(user).select_related("plan", "target_group", "activity", "course", "service")
              .filter(pk=pk).first())
    if notice is None:
        raise Http404(_("未找到该推送。"))
    return notice


@staff_required
@require_GET
def notice_list(request):
    _require_org(request.user)
    return render(request, "programs/pages/notice_list.html",
                  {"notices": queries.notices_with_figures(request.user), "tab": "notices"})


@staff_required
@require_http_methods(["GET", "POST"])
def notice_new(request):
    user = request.user
    _require_org(user)
    status = 200
    if request.method == "POST":
        form = NoticeForm(request.POST, user=user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                notice = services.notice_create(
                    actor=user, organization=d["organization"], title=d["title"], body=d["body"],
                    purpose=d["purpose"], target_group=d["target_group"], plan=d["plan"], activity=d["activity"],
                    course=d["course"], service=d["service"], channels=d["channels"])
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("推送已保存为草稿。请确认目标人数后发布。"))
                return redirect("programs:notice_publish", pk=notice.pk)
        else:
            status = 400
    else:
        initial: dict = {"channels": ["inbox"]}
        plan = queries.own_plans(user).filter(pk=_int(request.GET.get("plan"))).first()
        if plan is not None:
            initial.update(plan=plan.pk, organization=plan.organization_id, target_group=plan.target_group_id,
                           title=plan.title)
            first_activity = plan.activities.filter(pk__in=queries.signup_activities(user)).first()
            if first_activity is not None:
                initial["activity"] = first_activity.pk
        group_id = _int(request.GET.get("group"))
        if group_id:
            initial["target_group"] = group_id
        form = NoticeForm(initial=initial, user=user)
    return render(request, "programs/pages/notice_form.html", {"form": form, "tab": "notices"}, status=status)


@staff_required
@require_GET
def notice_manage(request, pk: int):
    notice = _own_notice(request.user, pk)
    context = {"notice": notice, "progress": services.notice_progress(notice=notice), "tab": "notices"}
    if request.htmx:
        return render(request, "programs/partials/progress.html", context)
    return render(request, "programs/pages/notice_manage.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def notice_publish(request, pk: int):
    """The confirm step: the audience count and its breakdown now, then publish. No audience →
    400 with the Chinese message, nothing sent."""
    notice = _own_notice(request.user, pk)
    if notice.status != Notice.Status.DRAFT:
        return redirect("programs:notice_manage", pk=pk)
    error, status = None, 200
    if request.method == "POST":
        try:
            services.notice_publish(actor=request.user, notice=notice)
        except ApplicationError as exc:
            error, status = exc.message, exc.status_code
        else:
            messages.success(request, _("推送已发布,正在分批发送。"))
            return redirect("programs:notice_manage", pk=pk)
    summary = services.audience_summary(district_id=notice.district_id, criteria=notice.criteria,
                                        purpose=notice.purpose)
    if summary["total"] == 0 and error is None:
        error, status = _("没有符合条件且同意接收此类推送的居民,无法发布。"), 400
    return render(request, "programs/pages/notice_publish.html", {
        "notice": notice, "summary": summary, "error": error, "target": services.signup_target(notice),
        "tab": "notices",
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def notice_view(request, pk: int):
    delivery = (NoticeDelivery.objects.filter(notice_id=pk, resident=request.user, status=NoticeDelivery.Status.SENT)
                .select_related("notice__organization", "notice__activity", "notice__course", "notice__service")
                .first())
    if delivery is None:
        raise Http404
    notice: Notice = delivery.notice
    if request.method == "POST":
        try:
            if request.POST.get("action") == "unsubscribe":
                services.unsubscribe(resident=request.user, purpose=notice.purpose)
                messages.success(request, _("已退订“%(kind)s”类推送。") % {"kind": notice.get_purpose_display()})
            else:
                made = services.notice_signup(resident=request.user, notice=notice)
                if getattr(made, "tracking_no", None):
                    messages.success(request, _("申请已提交,受理编号 %(no)s,可在“我的诉求”查看进度。")
                                     % {"no": made.tracking_no})
                else:
                    messages.success(request, _("报名成功。"))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("programs:notice_view", pk=pk)
    services.notice_open(resident=request.user, notice=notice)
    return render(request, "programs/pages/notice_view.html", {
        "notice": notice, "delivery": delivery, "target": services.signup_target(notice),
        "subscribed": getattr(services.profile_for(request.user), f"consent_{notice.purpose}"),
    })


# --- referrals ---------------------------------------------------------------------------------


@staff_required
@require_GET
def referral_list(request):
    _require_org(request.user)
    side = "in" if request.GET.get("side") == "in" else "out"
    rows = queries.referrals_for(request.user, side)
    statuses = [(v, label) for v, label in Referral.Status.choices if side == "out" or v in RECEIVER_STATUSES]
    status = request.GET.get("status", "")
    if status in dict(statuses):
        rows = rows.filter(status=status)
    else:
        status = ""
    return render(request, "programs/pages/referral_list.html", {
        "referrals": rows[:200], "side": side, "status": status, "statuses": statuses,
        "pending_in": queries.referrals_for(request.user, "in").filter(status=Referral.Status.PENDING).count(),
        "tab": "referrals",
    })


@staff_required
@require_http_methods(["GET", "POST"])
def referral_new(request):
    user = request.user
    _require_org(user)
    status = 200
    if request.method == "POST":
        form = ReferralForm(request.POST, user=user)
        if form.is_valid():
            d = form.cleaned_data
            org = d["from_organization"]
            try:
                resident = queries.resident_by_mobile(district_id=org.district_id, mobile=d["resident_mobile"])
                if resident is None:
                    raise NotFound(_("本区没有用这个手机号注册的居民,请核对。"))
                referral = services.referral_create(
                    actor=user, from_organization=org, resident=resident, reason=d["reason"],
                    plan=d["plan"], service=d["service"])
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("已发起转介至%(org)s。居民在“我的信息与授权”中同意后,对方才会收到。")
                                 % {"org": referral.to_organization.name})
                return redirect("programs:referral_detail", pk=referral.pk)
        else:
            status = 400
    else:
        initial = {"plan": _int(request.GET.get("plan")), "service": _int(request.GET.get("service"))}
        form = ReferralForm(initial=initial, user=user)
    return render(request, "programs/pages/referral_form.html", {"form": form, "tab": "referrals"}, status=status)


@staff_required
@require_http_methods(["GET", "POST"])
def referral_detail(request, pk: int):
    referral = referral_policy.visible(request.user).filter(pk=pk).first()
    if referral is None:
        raise Http404(_("未找到该转介。"))
    can_decide = referral_policy.can_decide(request.user, referral)
    form = ReferralDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied(_("只有接收组织可以处理该转介。"))
        if form.is_valid():
            try:
                services.referral_decide(actor=request.user, referral=referral, status=form.cleaned_data["status"],
                                         outcome=form.cleaned_data["outcome"])
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("已保存。"))
                return redirect("programs:referral_detail", pk=pk)
        else:
            status = 400
    return render(request, "programs/pages/referral_detail.html", {
        "referral": referral, "can_decide": can_decide, "form": form,
        "who": services.referral_resident_view(referral=referral, viewer=request.user), "tab": "referrals",
    }, status=status)


# --- the district's rules ----------------------------------------------------------------------


@staff_required
@require_http_methods(["GET", "POST"])
def rules(request):
    """The district supervisor sets the weekly cap, quiet hours and policy version."""
    from quntuan.organizations.models import Region

    district = Region.objects.filter(pk=request.user.region_id, level=Region.Level.DISTRICT).first()
    if district is None or not services.can_set_rules(request.user, district):
        raise PermissionDenied(_("只有本区督查人员可以修改精准推送规则。"))
    current = services.rules_for(district.pk)
    status = 200
    if request.method == "POST":
        form = RulesForm(request.POST)
        if form.is_valid():
            try:
                services.rules_update(actor=request.user, district=district, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("已保存,此后的推送按新规则执行。"))
                return redirect("programs:rules")
        else:
            status = 400
    else:
        form = RulesForm(initial={"weekly_cap": current.weekly_cap, "quiet_start": current.quiet_start,
                                  "quiet_end": current.quiet_end, "policy_version": current.policy_version})
    return render(request, "programs/pages/rules.html", {"form": form, "district": district, "tab": "rules"},
                  status=status)


# --- the resident's own pages ------------------------------------------------------------------


def _resident(request):
    if not request.user.is_resident:
        raise Http404
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request):
    user = _resident(request)
    if request.method == "POST":
        chosen = set(request.POST.getlist("consent"))
        names = [*Purpose.values, *SensitiveCategory.values]
        profile = services.profile_for(user)
        grant = [n for n in names if n in chosen and not getattr(profile, f"consent_{n}")]
        withdraw = [n for n in names if n not in chosen and getattr(profile, f"consent_{n}")]
        try:
            if grant:
                services.consent_grant(resident=user, purposes=grant)
            if withdraw:
                services.consent_withdraw(resident=user, purposes=withdraw)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("授权设置已保存,立即生效。") if grant or withdraw else _("授权设置没有变化。"))
        return redirect("programs:my_data")
    profile = services.profile_for(user)
    data = services.resident_export(resident=user)
    return render(request, "programs/pages/my_data.html", {
        "purposes": [(v, label, getattr(profile, f"consent_{v}")) for v, label in Purpose.choices],
        "sensitive": [(v, label, getattr(profile, f"consent_{v}")) for v, label in SensitiveCategory.choices],
        "profile_rows": list(data["画像"].items()),
        "consent_rows": [(r["时间"], r["操作"], r["用途"], r["规则版本"]) for r in data["授权记录"]],
        "deliveries": queries.resident_notices(user)[:50],
        "referrals": queries.resident_referrals(user)[:50], "tab": "me",
        "awaiting": queries.resident_referrals(user).filter(status=Referral.Status.AWAITING_CONSENT).count(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def my_referral(request, pk: int):
    """The resident agrees to a proposed referral (optionally sharing sensitive categories),
    refuses it, or withdraws an earlier agreement."""
    user = _resident(request)
    referral = queries.resident_referrals(user).filter(pk=pk).first()
    if referral is None:
        raise Http404(_("未找到该转介。"))
    status, error = 200, ""
    if request.method == "POST":
        agree = request.POST.get("agree") == "yes"
        try:
            services.referral_consent(resident=user, referral=referral, agree=agree,
                                      share=request.POST.getlist("share"))
        except ApplicationError as exc:
            error, status = exc.message, exc.status_code
        else:
            referral.refresh_from_db()
            done = {Referral.Status.PENDING: _("您已同意,接收组织现在可以看到这条转介并与您联系。"),
                    Referral.Status.REFUSED: _("您没有同意,接收组织看不到这条转介。"),
                    Referral.Status.WITHDRAWN: _("已撤回同意,立即生效。")}
            messages.success(request, done.get(referral.status, _("已保存。")))
            return redirect("programs:my_referral", pk=pk)
    profile = services.profile_for(user)
    return render(request, "programs/pages/my_referral.html", {
        "referral": referral, "error": error, "tab": "me",
        "shareable": [(v, label) for v, label in SensitiveCategory.choices if getattr(profile, f"consent_{v}")],
        "shared_labels": [SensitiveCategory(c).label for c in referral.shared_categories],
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def my_profile(request):
    user = _resident(request)
    profile = services.profile_for(user)
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST, user=user)
        if form.is_valid():
            try:
                services.profile_save(resident=user, attributes=form.attributes(),
                                      sensitive_consent=form.sensitive_consent())
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                messages.success(request, _("已保存。所有项目都可以不填,也可以随时修改或清除。"))
                return redirect("programs:my_profile")
        else:
            status = 400
    else:
        sensitive = services.profile_sensitive(profile=profile, viewer=user)
        form = ProfileForm(initial=ProfileForm.initial_for(profile, sensitive), user=user)
    return render(request, "programs/pages/my_profile.html", {"form": form, "tab": "profile"}, status=status)


@login_required
@require_POST
def my_unsubscribe(request):
    user = _resident(request)
    purpose = request.POST.get("purpose", "")
    try:
        services.unsubscribe(resident=user, purpose=purpose)
    except ApplicationError as exc:
        return render(request, "error.html", {"message": exc.message, "status": exc.status_code},
                      status=exc.status_code)
    messages.success(request, _("已退订“%(kind)s”类推送,立即生效。") % {"kind": Purpose(purpose).label})
    return redirect("programs:my_data")


@login_required
@require_GET
def my_data_export(request):
    user = _resident(request)
    body = json.dumps(services.resident_export(resident=user), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response
