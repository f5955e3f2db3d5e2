"""Routing help on the case forms and pages (htmx partials, server-rendered):

- "您要找的可能是…": the top three categories for the text typed so far, with confidence and
  reason; one click accepts one (fills the service and the category).
- Likely duplicates: at intake while the first inquirer types, and on the staff case page, where
  the two can be merged.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from quntuan.accounts.decorators import staff_required
from quntuan.accounts.services import user_memberships
from quntuan.cases.forms import MergeForm, service_choices
from quntuan.cases.models import Case
from quntuan.cases.policies import case_policy
from quntuan.cases.queries import likely_duplicates
from quntuan.cases.views.common import throttled, visible_case
from quntuan.cases.views.public import _user_district
from quntuan.catalog.models import Category
from quntuan.catalog.queries import catalogue_services
from quntuan.organizations.models import Organization, Region
from quntuan.routing.services import routing_suggest

SUGGEST_TEXT_MAX = 5000  # the form's own limit for the content
SUGGEST_LIMIT = 120  # requests per address and minute (typing is debounced to one per pause)
DUPLICATES_LIMIT = 120  # intake duplicate checks per staff member and minute
LOW_CONFIDENCE = 0.35  # below this the suggestion is shown as a guess
MIN_SHOWN = 0.05  # the second and third are left out below this (noise, not a choice)


def _district_for(request) -> Region | None:
    user = request.user
    if user.is_authenticated and user.is_staff_member:
        membership = user_memberships(user).select_related("organization__district").first()
        return membership.organization.district if membership else None
    return _user_district(user)


def _org_names(district, codes) -> dict[str, str]:
    qs = Organization.objects.filter(code__in=codes, is_active=True)
    if district is not None:
        qs = qs.filter(district=district)
    names: dict[str, str] = {}
    for code, name in qs.order_by("id").values_list("code", "name"):
        names.setdefault(code, name)
    return names


def _typed_text(request) -> str:
    # POST, not GET: a long description in the query string is refused by the web server (414)
    title = request.POST.get("title", "")[:100]
    content = request.POST.get("content", "")[:SUGGEST_TEXT_MAX]
    return f"{title}。{content}" if title.strip() and content.strip() else (title + content)


@require_POST
def suggest(request):
    """htmx (POST with the CSRF header, the text may be long): the suggestion box for the typed
    title and content. Read-only; anonymous callers are rate-limited."""
    staff = request.user.is_authenticated and request.user.is_staff_member
    text = _typed_text(request)
    suggestions = []
    status = 200
    if not staff and throttled(request, "suggest", SUGGEST_LIMIT, 60):
        status = 429
    elif text.strip():
        channel = request.POST.get("channel", "")[:20] or None
        raw = routing_suggest(text=text, channel=channel)
        cats = {c.code: c for c in Category.objects.filter(code__in=[s["category"] for s in raw])}
        orgs = _org_names(_district_for(request), [s["organization"] for s in raw])
        for i, s in enumerate(raw):
            category = cats.get(s["category"])
            if category is None or (i and s["confidence"] < MIN_SHOWN):
                continue
            suggestions.append({
                "code": category.code, "name": category.name,
                "organization": orgs.get(s["organization"], ""),
                "percent": round(s["confidence"] * 100),
                "low": s["confidence"] < LOW_CONFIDENCE,
                "reason": s["reason"],
            })
    ctx = {"suggestions": suggestions, "typed": bool(text.strip()), "staff": staff,
           "suggested": suggestions[0]["code"] if suggestions else "",
           "all_low": bool(suggestions) and all(s["low"] for s in suggestions)}
    return render(request, "cases/partials/suggestions.html", ctx, status=status)


@require_GET
def suggest_accept(request):
    """htmx: accept a suggested category. Answers the service <select> with the category's
    first service chosen (when the user may pick one), the hidden category field and the box
    saying what was chosen (out of band)."""
    code = request.GET.get("category", "").strip()[:40]
    category = Category.objects.filter(code=code).first()
    if category is None:
        return render(request, "cases/partials/suggest_accepted.html",
                      {"error": _("所选服务类别不存在。")}, status=400)
    district = _district_for(request)
    services = list(catalogue_services(user=request.user, district=district, category=category)[:1])
    service = services[0] if services else None
    choices = service_choices(request.user, district)
    groups = [(None, [choices[0]])] + choices[1:]
    org = _org_names(district, [category.org_code]).get(category.org_code, "")
    staff = request.user.is_authenticated and request.user.is_staff_member
    ctx = {"groups": groups, "selected": str(service.pk) if service else "", "category": category,
           "service": service, "organization": org, "staff": staff}
    return render(request, "cases/partials/suggest_accepted.html", ctx)


@require_POST
@staff_required
def intake_duplicates(request):
    """htmx on the intake page (POST, read-only): open and recent cases of the same community
    (or address) that likely report the same matter, among those the first inquirer may see."""
    text = _typed_text(request)
    community = request.POST.get("community", "")[:20]
    address = request.POST.get("address", "")[:200].replace("\x00", "")
    mobile = request.POST.get("requester_mobile", "")[:20].strip()
    if throttled(request, f"intake-dups:{request.user.pk}", DUPLICATES_LIMIT, 60):
        return render(request, "cases/partials/duplicates_intake.html", {"rows": [], "checked": False}, status=429)
    district = _district_for(request)
    rows = []
    community_id = int(community) if community.isascii() and community.isdigit() else None  # not "²"
    if district is not None and text.strip() and (community_id or address.strip() or mobile):
        rows = likely_duplicates(user=request.user, text=text, district_id=district.pk,
                                 community_id=community_id, address=address, requester_mobile=mobile)
    return render(request, "cases/partials/duplicates_intake.html", {"rows": rows, "checked": bool(text.strip())})


def duplicate_rows(user, case: Case) -> list[dict]:
    """Likely duplicates of a case for its staff page, each with which way a merge would go
    (the later report is merged into the earlier one) and whether the user may merge."""
    if not case_policy.can_see_duplicates(user, case):
        return []
    rows = likely_duplicates(user=user, text=f"{case.title}。{case.content}", district_id=case.district_id,
                             community_id=case.community_id, address=case.address, exclude_id=case.pk,
                             categories=(case.category.code,) if case.category_id else None,
                             requester_mobile=case.requester_mobile)
    if not rows:
        return rows
    others = {c.pk: c for c in Case.objects.filter(pk__in=[r["id"] for r in rows])}
    for r in rows:
        other = others[r["id"]]
        r["this_is_duplicate"] = (case.received_at, case.pk) > (other.received_at, other.pk)
        # the duplicate must still be open and not be an original itself (no chains)
        dup = case if r["this_is_duplicate"] else other
        r["can_merge"] = (case_policy.can_merge(user, other) and dup.is_open
                          and not Case.objects.filter(merged_into=dup).exists())
    return rows


@require_GET
@staff_required
def case_duplicates(request, tracking_no):
    """htmx on the staff case page: the likely-duplicates panel with its merge buttons."""
    case = visible_case(request.user, tracking_no)
    if not case_policy.can_see_duplicates(request.user, case):
        raise Http404(_("未找到该诉求,或您无权查看。"))
    rows = duplicate_rows(request.user, case)
    return render(request, "cases/partials/duplicates_case.html",
                  {"case": case, "rows": rows, "merge_form": MergeForm()})
