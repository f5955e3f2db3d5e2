"""Pages: the shared plans board and a plan, a notice as the resident sees it (open, sign up,
unsubscribe), a notice's progress for staff (htmx polling), and the resident's own data and
consent page with a JSON export. Views find rows through the policies and call one service."""

from __future__ import annotations

import json
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from quntuan.accounts.decorators import staff_required
from quntuan.activities.models import AudienceGroup
from quntuan.core.exceptions import ApplicationError
from quntuan.organizations.models import Region
from quntuan.programs import services
from quntuan.programs.models import Notice, NoticeDelivery, PlanComment, Purpose, SensitiveCategory
from quntuan.programs.policies import notice_policy, plan_policy, staff_organizations


def _int(value) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if n > 0 else None


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
        "organizations": sorted({p.organization for p in plan_policy.visible(request.user)}, key=lambda o: o.pk),
        "communities": Region.objects.filter(level=Region.Level.COMMUNITY, district_id__in=district_ids),
    })


@staff_required
@require_http_methods(["GET", "POST"])
def plan_detail(request, pk: int):
    plan = plan_policy.visible(request.user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    own = staff_organizations(request.user)
    if request.method == "POST":
        org = own.filter(pk=_int(request.POST.get("organization"))).first() or own.first()
        try:
            if org is None:
                raise ApplicationError("您不属于任何组织,不能留言。")
            services.plan_comment(actor=request.user, plan=plan, organization=org, body=request.POST.get("body", ""),
                                  kind=request.POST.get("kind", PlanComment.Kind.COMMENT))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已提交。")
        return redirect("programs:plan_detail", pk=plan.pk)
    return render(request, "programs/pages/plan_detail.html", {
        "plan": plan, "comments": plan.comments.select_related("organization", "author"),
        "can_edit": plan_policy.can_edit(request.user, plan), "own_orgs": own,
        "comment_kinds": PlanComment.Kind.choices,
        "notices": notice_policy.visible(request.user).filter(plan=plan),
    })


@staff_required
@require_GET
def notice_manage(request, pk: int):
    notice = notice_policy.visible(request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404
    context = {"notice": notice, "progress": services.notice_progress(notice=notice)}
    if request.htmx:
        return render(request, "programs/partials/progress.html", context)
    return render(request, "programs/pages/notice_manage.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def notice_view(request, pk: int):
    delivery = (NoticeDelivery.objects.filter(notice_id=pk, resident=request.user, status=NoticeDelivery.Status.SENT)
                .select_related("notice__organization", "notice__activity").first())
    if delivery is None:
        raise Http404
    notice: Notice = delivery.notice
    if request.method == "POST":
        try:
            if request.POST.get("action") == "unsubscribe":
                services.unsubscribe(resident=request.user, purpose=notice.purpose)
                messages.success(request, f"已退订“{notice.get_purpose_display()}”类推送。")
            else:
                services.notice_signup(resident=request.user, notice=notice)
                messages.success(request, "报名成功。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("programs:notice_view", pk=pk)
    services.notice_open(resident=request.user, notice=notice)
    return render(request, "programs/pages/notice_view.html", {"notice": notice, "delivery": delivery})


@login_required
@require_http_methods(["GET", "POST"])
def my_data(request):
    if not request.user.is_resident:
        raise Http404
    if request.method == "POST":
        chosen = set(request.POST.getlist("consent"))
        names = [*Purpose.values, *SensitiveCategory.values]
        profile = services.profile_for(request.user)
        grant = [n for n in names if n in chosen and not getattr(profile, f"consent_{n}")]
        withdraw = [n for n in names if n not in chosen and getattr(profile, f"consent_{n}")]
        try:
            if grant:
                services.consent_grant(resident=request.user, purposes=grant)
            if withdraw:
                services.consent_withdraw(resident=request.user, purposes=withdraw)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "授权设置已保存,立即生效。" if grant or withdraw else "授权设置没有变化。")
        return redirect("programs:my_data")
    profile = services.profile_for(request.user)
    data = services.resident_export(resident=request.user)
    return render(request, "programs/pages/my_data.html", {
        "purposes": [(v, label, getattr(profile, f"consent_{v}")) for v, label in Purpose.choices],
        "sensitive": [(v, label, getattr(profile, f"consent_{v}")) for v, label in SensitiveCategory.choices],
        "profile_rows": list(data["画像"].items()),
        "consent_rows": [(r["时间"], r["操作"], r["用途"], r["规则版本"]) for r in data["授权记录"]],
    })


@login_required
@require_GET
def my_data_export(request):
    if not request.user.is_resident:
        raise Http404
    body = json.dumps(services.resident_export(resident=request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@staff_required
@require_POST
def notice_publish(request, pk: int):
    notice = notice_policy.visible(request.user).filter(pk=pk).first()
    if notice is None:
        raise Http404
    try:
        services.notice_publish(actor=request.user, notice=notice)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("programs:notice_manage", pk=pk)
