"""Who may see which organizations, regions and workstations (the staff side). The public
catalogue shows every active organization of a district to anyone; this policy scopes the
management views and the admin."""

from __future__ import annotations

from django.db.models import QuerySet

from quntuan.core.policies import BasePolicy
from quntuan.organizations.models import Organization, Region

CITY_WIDE_ROLES = {"platform_admin", "security_admin", "auditor", "supervisor"}


def user_district_ids(user) -> set[int] | None:
    """District ids a user's data scope covers; None means every district (superusers)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    if user.is_superuser:
        return None
    region = getattr(user, "region", None)
    if region is None:
        return set()
    if region.level == Region.Level.CITY and user.role in CITY_WIDE_ROLES:
        return set(Region.objects.filter(parent=region, level=Region.Level.DISTRICT).values_list("pk", flat=True))
    district_id = region.pk if region.level == Region.Level.DISTRICT else region.district_id
    return {district_id} if district_id else set()


class OrganizationPolicy(BasePolicy):
    model = Organization

    def visible(self, user) -> QuerySet[Organization]:
        ids = user_district_ids(user)
        qs = Organization.objects.all()
        return qs if ids is None else qs.filter(district_id__in=ids)

    def can_change(self, user, organization: Organization) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if user.is_superuser:
            return True
        return user.role == "platform_admin" and self.visible(user).filter(pk=organization.pk).exists()


organization_policy = OrganizationPolicy()
