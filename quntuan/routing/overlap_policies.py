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


PERIOD_DAYS = (90, 180, 365, 0)  # 0: all time
DEFAULT_DAYS = 365


def overlap_scope(user, *, district_id: int | None, days: int | None):
    """(district, days, since) for a viewer: the chosen district among those they may see (the
    first by code when none is chosen) and the period of case history (``days``, 0 for all)."""
    from datetime import timedelta

    from django.utils import timezone
    from django.utils.translation import gettext as _

    from quntuan.core.exceptions import ApplicationError, NotFound, PermissionDenied

    if not _staff(user):
        raise PermissionDenied(_("职能交叉矩阵仅限工作人员查看。"))
    districts = overlap_policy.visible_districts(user).order_by("code")
    district = districts.filter(pk=district_id).first() if district_id is not None else districts.first()
    if district is None and district_id is None:
        raise PermissionDenied(_("您没有可查看的区。"))
    if district is None:
        raise NotFound(_("没有这个区,或您无权查看。"))
    days = DEFAULT_DAYS if days is None else days
    if days not in PERIOD_DAYS:
        raise ApplicationError(_("时间范围只能是 90、180、365 天或 0(全部)。"), code="invalid")
    since = timezone.now() - timedelta(days=days) if days else None
    return district, days, since
