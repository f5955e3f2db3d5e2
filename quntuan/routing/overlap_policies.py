"""Who may see the overlap matrix and record who leads.

* Staff only. District-wide roles (supervisor, auditor) see the districts of their region, the
  platform administrator every district, organization staff the districts of their
  organizations. The matrix holds catalogue texts and counts; example cases are filtered
  separately by ``case_policy.visible``.
* Recording who leads a pair is the district's coordination: the district supervisor
  (区督查人员) of that district or the platform administrator.
"""

from __future__ import annotations

from django.db.models import QuerySet

from quntuan.accounts.models import Role
from quntuan.cases.policies import is_platform_admin, user_memberships
from quntuan.core.policies import BasePolicy
from quntuan.organizations.models import Region

REGION_ROLES = {Role.SUPERVISOR, Role.AUDITOR}


def _staff(user) -> bool:
    return (user is not None and getattr(user, "is_authenticated", False) and user.is_active
            and getattr(user, "is_staff_member", False))


class OverlapPolicy(BasePolicy):
    model = Region

    def visible_districts(self, user) -> QuerySet[Region]:
        if not _staff(user):
            return Region.objects.none()
        districts = Region.objects.filter(level=Region.Level.DISTRICT)
        if is_platform_admin(user):
            return districts
        if user.role in REGION_ROLES:
            if user.region_id is None:
                return Region.objects.none()
            if user.region.level == Region.Level.CITY:
                return districts.filter(parent_id=user.region_id)
            return districts.filter(pk=user.region.district_id or user.region_id)
        return districts.filter(pk__in=user_memberships(user).values("organization__district_id"))

    def can_view(self, user, district: Region) -> bool:
        return self.visible_districts(user).filter(pk=district.pk).exists()

    def can_record_lead(self, user, district: Region) -> bool:
        if not _staff(user):
            return False
        if is_platform_admin(user):
            return True
        return user.role == Role.SUPERVISOR and self.can_view(user, district)


overlap_policy = OverlapPolicy()
