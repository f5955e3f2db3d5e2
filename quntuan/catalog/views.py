"""Public catalogue pages: browse by organization and category, keyword search, service detail."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from quntuan.catalog import queries
from quntuan.catalog.models import Category
from quntuan.catalog.search import MAX_QUERY_CHARS
from quntuan.core.exceptions import NotFound
from quntuan.organizations.queries import current_district, districts_with_catalogue, public_organizations


@require_GET
def index(request: HttpRequest):
    district = current_district(request)
    organizations = public_organizations(district, include_other=True)
    notices: list[str] = []

    org_code = request.GET.get("org", "").strip()
    organization = next((o for o in organizations if o.code == org_code), None) if org_code else None
    if org_code and organization is None:
        notices.append(_("没有找到代码为“%(code)s”的组织,已显示全部组织的服务。") % {"code": org_code[:32]})

    category_code = request.GET.get("category", "").strip()
    category = Category.objects.filter(code=category_code).first() if category_code else None
    if category_code and category is None:
        notices.append(_("没有找到这个服务类别,已显示全部类别。"))

    has_query = "q" in request.GET
    query = request.GET.get("q", "").strip()
    if len(query) > MAX_QUERY_CHARS:
        notices.append(_("关键词太长,只按前 %(n)d 个字搜索。") % {"n": MAX_QUERY_CHARS})
        query = query[:MAX_QUERY_CHARS]

    categories = queries.catalogue_categories(user=request.user, district=district, organization=organization)
    context = {
        "district": district,
        "districts": list(districts_with_catalogue()) if district is not None else [],
        "organizations": organizations,
        "organization": organization,
        "categories": categories,
        "category": category,
        "query": query,
        "has_query": has_query,
        "notices": notices,
        "result": None,
        "groups": [],
    }
    if query:
        context["result"] = queries.catalogue_search(
            user=request.user, district=district, query=query, organization=organization, category=category
        )
    elif has_query and not query:
        context["empty_query"] = True
    if not query and organization is None and category is None:
        context["overview"] = queries.catalogue_overview(
            user=request.user, district=district, organizations=organizations
        )
    elif not query:
        services = queries.catalogue_services(
            user=request.user, district=district, organization=organization, category=category
        )
        context["groups"] = queries.catalogue_grouped(services)
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "catalog/partials/results.html" if partial else "catalog/pages/index.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def service_detail(request: HttpRequest, pk: int):
    try:
        service = queries.service_get(user=request.user, pk=pk)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    district = service.organization.district
    rules = getattr(district, "rules", None)
    defaults = {"immediate": 0, "consult": 1, "help": 5, "complaint": 15}
    days = rules.limit_days(service.time_limit_class) if rules is not None else defaults[service.time_limit_class]
    context = {
        "service": service,
        "organization": service.organization,
        "limit_days": days,
        "related": queries.related_services(service, user=request.user),
    }
    return render(request, "catalog/pages/service_detail.html", context)
