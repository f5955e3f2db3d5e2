"""State changes of the catalogue. ``Service.search_text`` is maintained here (never in
``save()``): every path that writes a service calls ``service_save`` or ``service_reindex``."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from quntuan.catalog import data
from quntuan.catalog.models import Category, Service, TimeLimitClass
from quntuan.catalog.search import build_search_text
from quntuan.core.exceptions import ApplicationError
from quntuan.organizations.models import Organization, Region


def service_search_text(service: Service) -> str:
    category = service.category
    return build_search_text(
        name=service.name,
        category_name=category.name if category else "",
        covers=category.covers if category else "",
        description=service.description,
        organization_name=service.organization.name if service.organization_id else "",
    )


@transaction.atomic
def service_save(*, service: Service) -> Service:
    """Validate and save a new or changed service, refreshing its search text."""
    if service.time_limit_class not in TimeLimitClass.values:
        raise ApplicationError(_("时限类别无效。"), code="invalid_time_limit_class")
    if not (service.name or "").strip():
        raise ApplicationError(_("请填写事项名称。"), code="invalid_name")
    service.name = service.name.strip()
    duplicate = Service.objects.filter(organization_id=service.organization_id, name=service.name)
    if service.pk:
        duplicate = duplicate.exclude(pk=service.pk)
    if duplicate.exists():
        raise ApplicationError(_("该组织已有名为“%(name)s”的服务事项。") % {"name": service.name},
                               code="duplicate_service")
    service.search_text = service_search_text(service)
    try:
        service.full_clean(exclude=["search_text"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        messages = "; ".join(m for ms in exc.message_dict.values() for m in ms)
        raise ApplicationError(_("服务事项信息有误:%(messages)s") % {"messages": messages},
                               code="invalid_service") from exc
    service.save()
    return service


@transaction.atomic
def service_create(*, organization: Organization, category: Category, name: str,
                   time_limit_class: str = TimeLimitClass.HELP, materials: str = "",
                   description: str = "", is_active: bool = True) -> Service:
    service = Service(organization=organization, category=category, name=name, time_limit_class=time_limit_class,
                      materials=materials, description=description, is_active=is_active)
    return service_save(service=service)


@transaction.atomic
def service_reindex(*, services: Iterable[Service] | None = None) -> int:
    """Recompute ``search_text`` for the given services (default: all). Returns how many changed."""
    if services is None:
        services = Service.objects.all()
    if hasattr(services, "select_related"):
        services = services.select_related("category", "organization")
    changed = []
    for service in services:
        text = service_search_text(service)
        if text != service.search_text:
            service.search_text = text
            changed.append(service)
    Service.objects.bulk_update(changed, ["search_text"], batch_size=500)
    return len(changed)


@transaction.atomic
def category_save(*, category: Category) -> Category:
    """Save a category and refresh the search text of its services (their text includes it)."""
    category.save()
    service_reindex(services=Service.objects.filter(category=category))
    return category


@transaction.atomic
def catalog_seed(district: Region) -> dict:
    """Create the district's organizations, the categories and their typical services.

    Idempotent: rows that exist (matched by organization code, category code, and service name
    within its organization) are left as they are, so an administrator's edits survive.
    Returns how many rows of each kind were created.
    """
    if district.level != Region.Level.DISTRICT:
        raise ApplicationError(_("只能为区一级区域初始化服务目录。"), code="not_a_district")
    created = {"organizations": 0, "categories": 0, "services": 0}
    orgs: dict[str, Organization] = {}
    for spec in data.ORGANIZATIONS:
        org, was_created = Organization.objects.get_or_create(
            district=district, code=spec["code"],
            defaults={"name": spec["name"], "kind": spec["kind"], "phone": spec["phone"], "address": spec["address"]},
        )
        orgs[spec["code"]] = org
        created["organizations"] += was_created
    categories: dict[str, Category] = {}
    for spec in data.CATEGORIES:
        category, was_created = Category.objects.get_or_create(
            code=spec["code"],
            defaults={"org_code": spec["code"].split(".")[0], "name": spec["name"], "covers": spec["covers"]},
        )
        categories[spec["code"]] = category
        created["categories"] += was_created
    existing = set(
        Service.objects.filter(organization__district=district).values_list("organization__code", "name")
    )
    for code, services in data.SERVICES.items():
        category = categories[code]
        org = orgs[category.org_code]
        for spec in services:
            if (org.code, spec["name"]) in existing:
                continue
            service_create(
                organization=org, category=category, name=spec["name"],
                time_limit_class=spec["time_limit_class"], materials="\n".join(spec["materials"]),
                description=spec["description"],
            )
            created["services"] += 1
    return created
