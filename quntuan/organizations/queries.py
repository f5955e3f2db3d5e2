"""Read-side helpers for regions and organizations used by public pages."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from quntuan.organizations.models import Organization, Region

# The order residents know the six mass organizations in; others follow.
ORG_ORDER = ["union", "youth", "women", "science", "overseas", "disabled", "other"]


def districts_with_catalogue() -> QuerySet[Region]:
    """Districts that have at least one active service, for the catalogue's district switch."""
    return (
        Region.objects.filter(level=Region.Level.DISTRICT,
                              organizations__is_active=True, organizations__services__is_active=True)
        .distinct()
        .order_by("code")
    )


def current_district(request) -> Region | None:
    """The district whose catalogue a page shows: ``?district=<id>`` if valid, else the user's
    own district, else the first district that has a catalogue (one-district deployments)."""
    raw = request.GET.get("district", "") if request is not None else ""
    if raw.isdigit():
        district = Region.objects.filter(pk=int(raw), level=Region.Level.DISTRICT).first()
        if district is not None:
            return district
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "region_id", None):
        region = user.region
        if region.level == Region.Level.DISTRICT:
            return region
        if region.district_id:
            return region.district
    return districts_with_catalogue().first()


def _sort_orgs(orgs) -> list[Organization]:
    def key(org):
        return (ORG_ORDER.index(org.code) if org.code in ORG_ORDER else len(ORG_ORDER), org.pk)

    return sorted(orgs, key=key)


def public_organizations(district: Region | None, *, include_other: bool = False) -> list[Organization]:
    """The district's active organizations that own active services, in the familiar order,
    each annotated with ``service_count``."""
    if district is None:
        return []
    qs = Organization.objects.filter(district=district, is_active=True)
    if not include_other:
        qs = qs.filter(kind=Organization.Kind.MASS)
    qs = qs.annotate(service_count=Count("services", filter=Q(services__is_active=True)))
    return _sort_orgs(qs)
