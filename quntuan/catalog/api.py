"""Public catalogue endpoints (no login): organizations, categories, services with keyword search."""

from __future__ import annotations

from django.urls import reverse
from ninja import Field as NinjaField
from ninja import Query, Router, Schema

from quntuan.catalog import queries
from quntuan.catalog.models import Category, Service
from quntuan.catalog.schemas import CategoryOut, OrganizationOut, ServiceListOut, ServiceOut
from quntuan.catalog.search import MAX_QUERY_CHARS
from quntuan.core.exceptions import ApplicationError, NotFound
from quntuan.organizations.models import Region
from quntuan.organizations.queries import current_district, public_organizations

router = Router(tags=["服务目录"])


class DistrictFilter(Schema):
    district: int | None = NinjaField(None, title="区 ID", description="不填时为登录用户所在区或唯一的区")


class ServiceFilter(DistrictFilter):
    q: str = NinjaField("", title="关键词", max_length=MAX_QUERY_CHARS)
    org: str = NinjaField("", title="组织代码", max_length=32)
    category: str = NinjaField("", title="类别代码", max_length=40)


def _district(request, district_id: int | None) -> Region | None:
    if district_id is not None:
        district = Region.objects.filter(pk=district_id, level=Region.Level.DISTRICT).first()
        if district is None:
            raise NotFound("没有这个区。")
        return district
    return current_district(request)


def service_out(service: Service) -> dict:
    return {
        "id": service.pk,
        "name": service.name,
        "organization_id": service.organization_id,
        "organization_code": service.organization.code,
        "organization_name": service.organization.name,
        "category_code": service.category.code,
        "category_name": service.category.name,
        "time_limit_class": service.time_limit_class,
        "time_limit_label": service.get_time_limit_class_display(),
        "description": service.description,
        "materials": service.material_list,
        "url": reverse("catalog:service", args=[service.pk]),
    }


@router.get("/organizations", response=list[OrganizationOut], summary="组织列表")
def organizations(request, filters: Query[DistrictFilter]):
    district = _district(request, filters.district)
    return public_organizations(district, include_other=True)


@router.get("/categories", response=list[CategoryOut], summary="服务类别")
def categories(request, org: str = ""):
    qs = Category.objects.all()
    if org:
        qs = qs.filter(org_code=org)
    return sorted(qs, key=queries.category_sort_key)


@router.get("/services", response=ServiceListOut, summary="服务事项(可按关键词搜索)")
def services(request, filters: Query[ServiceFilter]):
    district = _district(request, filters.district)
    organization = None
    if filters.org:
        organization = next((o for o in public_organizations(district, include_other=True) if o.code == filters.org), None)
        if organization is None:
            raise ApplicationError(f"没有代码为“{filters.org}”的组织。", code="unknown_org")
    category = None
    if filters.category:
        category = Category.objects.filter(code=filters.category).first()
        if category is None:
            raise ApplicationError(f"没有代码为“{filters.category}”的服务类别。", code="unknown_category")
    query = filters.q.strip()
    if query:
        result = queries.catalogue_search(user=request.user, district=district, query=query,
                                          organization=organization, category=category)
        message = ""
        if result.mode == "none":
            message = "关键词中没有可搜索的词,请换个说法。"
        elif not result.services:
            message = f"没有找到与“{query}”相关的服务。"
        elif result.mode == "or":
            message = "没有同时包含全部关键词的服务,以下为包含部分关键词的服务。"
        items = result.services
        return {"count": len(items), "query": query, "tokens": result.tokens, "mode": result.mode,
                "message": message, "items": [service_out(s) for s in items]}
    items = list(queries.catalogue_services(user=request.user, district=district,
                                            organization=organization, category=category))
    return {"count": len(items), "query": "", "tokens": [], "mode": "browse", "message": "",
            "items": [service_out(s) for s in items]}


@router.get("/services/{service_id}", response=ServiceOut, summary="服务事项详情")
def service_detail(request, service_id: int):
    return service_out(queries.service_get(user=request.user, pk=service_id))
