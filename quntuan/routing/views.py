"""Routing pages: the overlap matrix (staff only). Thin: parse the parameters, ask the policy,
read through ``overlap.py``, record through ``overlap_services.py``."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from quntuan.accounts.decorators import staff_required
from quntuan.core.exceptions import ApplicationError
from quntuan.organizations.models import Organization
from quntuan.routing import overlap
from quntuan.routing.overlap_policies import PERIOD_DAYS, overlap_policy, overlap_scope
from quntuan.routing.overlap_services import overlap_lead_record

PERIODS = list(zip(PERIOD_DAYS, (gettext_lazy("近三个月"), gettext_lazy("近半年"), gettext_lazy("近一年"),
                                gettext_lazy("全部")), strict=True))
PAIRS_SHOWN = 40


def _int(value, label: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApplicationError(_("%(label)s参数无效。") % {"label": label}, code="invalid") from None


def _scope(request, params) -> dict:
    """District and period from the query (or form), checked by the policy."""
    district, days, since = overlap_scope(request.user, district_id=_int(params.get("district"), _("区")),
                                          days=_int(params.get("days"), _("时间范围")))
    districts = list(overlap_policy.visible_districts(request.user).order_by("code")[:50])
    return {"districts": districts, "district": district, "days": days, "since": since}


def short_name(org: Organization, district) -> str:
    name = org.name
    return name[len(district.name):] if name.startswith(district.name) and len(name) > len(district.name) + 1 else name


def _pair_context(request, scope: dict, matrix: overlap.Matrix, a: int, b: int, *, error: str = "",
                  done: str = "") -> dict:
    orgs = {o.pk: o for o in matrix.organizations}
    if a not in orgs or b not in orgs or a == b:
        raise Http404(_("没有这两个组织,或它们不属于本区。"))
    pair = matrix.pair(a, b) or overlap.Pair(min(a, b), max(a, b))
    lead = overlap.lead_for(pair)
    return {
        "has_detail": True,
        "pair": overlap.pair_view(pair, orgs, matrix.category_names),
        "pair_orgs": [{"id": o.pk, "name": o.name} for o in (orgs[pair.a], orgs[pair.b])],
        "examples": overlap.pair_examples(request.user, scope["district"], pair, since=scope["since"]),
        "lead": lead,
        "history": overlap.lead_history(lead, orgs),
        "can_record": overlap_policy.can_record_lead(request.user, scope["district"]),
        "district": scope["district"], "days": scope["days"],
        "error": error, "done": done,
    }


@staff_required
@require_GET
def overlap_page(request):
    scope = _scope(request, request.GET)
    matrix = overlap.overlap_matrix(scope["district"], since=scope["since"])
    orgs = {o.pk: o for o in matrix.organizations}
    org_id = _int(request.GET.get("org"), _("组织"))
    if org_id is not None and org_id not in orgs:
        raise Http404(_("没有这个组织,或它不属于本区。"))
    a, b = _int(request.GET.get("a"), _("组织")), _int(request.GET.get("b"), _("组织"))
    for o in matrix.organizations:
        o.short_name = short_name(o, scope["district"])
    ranked = matrix.ranked(org_id)
    leads = overlap.leads_by_pair(scope["district"])
    shown = ranked[:PAIRS_SHOWN]
    examples = overlap.examples_for_pairs(request.user, scope["district"], shown, per_pair=2, since=scope["since"])
    pairs = []
    for p in shown:
        view = overlap.pair_view(p, orgs, matrix.category_names, lead=leads.get(p.key))
        view["examples"] = examples.get(p.key, [])
        pairs.append(view)
    query = {"district": scope["district"].pk, "days": scope["days"]}
    if org_id is not None:
        query["org"] = org_id
    ctx = {
        **scope,
        "periods": PERIODS,
        "matrix": matrix,
        "rows": matrix.rows(),
        "org_id": org_id,
        "base_query": urlencode(query),
        "pairs": pairs,
        "pair_total": len(ranked),
        "levels": range(1, overlap.LEVELS + 1),
    }
    if a is not None and b is not None:
        ctx.update(_pair_context(request, scope, matrix, a, b))
    return render(request, "routing/pages/overlap.html", ctx)


@staff_required
@require_GET
def overlap_pair(request):
    """The detail panel of one pair (htmx), or the page with it open."""
    scope = _scope(request, request.GET)
    a, b = _int(request.GET.get("a"), _("组织")), _int(request.GET.get("b"), _("组织"))
    if a is None or b is None:
        raise ApplicationError(_("请选择两个组织。"), code="invalid")
    matrix = overlap.overlap_matrix(scope["district"], since=scope["since"])
    return render(request, "routing/partials/pair.html", _pair_context(request, scope, matrix, a, b))


@staff_required
@require_POST
def overlap_lead(request):
    scope = _scope(request, request.POST)
    a, b = _int(request.POST.get("a"), _("组织")), _int(request.POST.get("b"), _("组织"))
    lead_id = _int(request.POST.get("lead_org"), _("牵头单位"))
    orgs = {o.pk: o for o in Organization.objects.filter(district=scope["district"], pk__in=[a, b, lead_id])}
    error, done, status = "", "", 200
    try:
        if a not in orgs or b not in orgs:
            raise ApplicationError(_("请选择本区的两个组织。"), code="invalid")
        if lead_id is not None and lead_id not in orgs:
            raise ApplicationError(_("牵头单位须是这两个组织之一。"), code="invalid")
        overlap_lead_record(actor=request.user, district=scope["district"], org_a=orgs[a], org_b=orgs[b],
                            lead_org=orgs.get(lead_id) if lead_id is not None else None,
                            note=request.POST.get("note", ""), request=request)
        done = _("已记录牵头单位和分工说明。")
    except ApplicationError as exc:
        error, status = exc.message, exc.status_code
        if a not in orgs or b not in orgs or a == b:
            return render(request, "includes/error_fragment.html", {"message": error}, status=status)
    if not request.htmx:
        # Without htmx: back to the page with the pair open (post/redirect/get).
        (messages.error if error else messages.success)(request, error or done)
        query = urlencode({"district": scope["district"].pk, "days": scope["days"], "a": a, "b": b})
        return redirect(f"{reverse('routing:overlap')}?{query}#pair-detail")
    matrix = overlap.overlap_matrix(scope["district"], since=scope["since"])
    ctx = _pair_context(request, scope, matrix, a, b, error=error, done=done)
    return render(request, "routing/partials/pair.html", ctx, status=status)
