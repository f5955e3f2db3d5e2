"""Read side of the public catalogue."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from quntuan.catalog import data
from quntuan.catalog.models import Category, Service
from quntuan.catalog.policies import service_policy
from quntuan.catalog.search import SearchResult, search_services
from quntuan.core.exceptions import NotFound
from quntuan.organizations.models import Organization, Region

_CATEGORY_ORDER = {spec["code"]: index for index, spec in enumerate(data.CATEGORIES)}
_ORG_ORDER = {spec["code"]: index for index, spec in enumerate(data.ORGANIZATIONS)}


def category_sort_key(category: Category) -> tuple:
    """Categories in the familiar order: by organization (工会, 团, 妇联, ...), then as seeded."""
    return (_ORG_ORDER.get(category.org_code, len(_ORG_ORDER)), _CATEGORY_ORDER.get(category.code, 10_000), category.code)


def catalogue_services(*, user, district: Region | None, organization: Organization | None = None,
                       category: Category | None = None) -> QuerySet[Service]:
    qs = service_policy.visible(user).select_related("organization", "category")
    if district is not None:
        qs = qs.filter(organization__district=district)
    if organization is not None:
        qs = qs.filter(organization=organization)
    if category is not None:
        qs = qs.filter(category=category)
    return qs.order_by("category__code", "id")


def catalogue_categories(*, user, district: Region | None, organization: Organization | None = None) -> list[Category]:
    """Categories that have at least one visible service (in the district / organization)."""
    services = catalogue_services(user=user, district=district, organization=organization)
    return sorted(Category.objects.filter(pk__in=services.values("category_id")), key=category_sort_key)


@dataclass
class CategoryGroup:
    category: Category
    services: list[Service] = field(default_factory=list)


def catalogue_grouped(services: QuerySet[Service]) -> list[CategoryGroup]:
    groups: dict[int, CategoryGroup] = {}
    for service in services:
        group = groups.setdefault(service.category_id, CategoryGroup(category=service.category))
        group.services.append(service)
    return sorted(groups.values(), key=lambda g: category_sort_key(g.category))


@dataclass
class OrganizationOverview:
    organization: Organization
    categories: list[tuple[Category, int]] = field(default_factory=list)


def catalogue_overview(*, user, district: Region | None, organizations: list[Organization]) -> list[OrganizationOverview]:
    """For the catalogue's landing page: each organization with its categories and how many
    services each has."""
    counts: dict[tuple[int, int], int] = {}
    categories: dict[int, Category] = {}
    for service in catalogue_services(user=user, district=district):
        key = (service.organization_id, service.category_id)
        counts[key] = counts.get(key, 0) + 1
        categories[service.category_id] = service.category
    out = []
    for org in organizations:
        items = [(categories[cat_id], n) for (org_id, cat_id), n in counts.items() if org_id == org.pk]
        if items:
            items.sort(key=lambda item: category_sort_key(item[0]))
            out.append(OrganizationOverview(organization=org, categories=items))
    return out


def catalogue_search(*, user, district: Region | None, query: str, organization: Organization | None = None,
                     category: Category | None = None, limit: int = 100) -> SearchResult:
    qs = catalogue_services(user=user, district=district, organization=organization, category=category)
    return search_services(qs, query, limit=limit)


def service_get(*, user, pk: int) -> Service:
    service = (
        service_policy.visible(user)
        .select_related("organization", "organization__district", "category")
        .filter(pk=pk)
        .first()
    )
    if service is None:
        raise NotFound("该服务事项不存在或已停用。")
    return service


def related_services(service: Service, *, user, limit: int = 5) -> list[Service]:
    return list(
        service_policy.visible(user)
        .filter(category=service.category, organization__district_id=service.organization.district_id)
        .exclude(pk=service.pk)
        .select_related("organization")[:limit]
    )
