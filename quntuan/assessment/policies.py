"""Who may see and change ledgers, supervision items and assessment scores.

* Organization staff and leaders see their own organizations' ledgers, assignments and scores,
  edit their own organization's ledgers (never another's, never district-level rows) and report
  progress on their organization's assignments.
* The district supervisor (Role.SUPERVISOR) sees the whole district (or city), creates
  supervision items, edits indicators and weights, gives manual scores and veto flags, and edits
  any ledger of the district. Only the supervisor edits indicators and weights.
* The auditor (Role.AUDITOR) reads everything in the region and changes nothing.
* The platform administrator reads everything.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from quntuan.accounts.models import Role
from quntuan.cases.policies import is_platform_admin, user_org_ids
from quntuan.core.policies import BasePolicy
from quntuan.organizations.models import Organization, Region

READ_ALL_ROLES = {Role.SUPERVISOR, Role.AUDITOR}


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _region_org_q(region: Region | None) -> Q:
    if region is None:
        return Q(pk__in=[])
    if region.level == Region.Level.CITY:
        return Q(district__parent=region)
    if region.level == Region.Level.DISTRICT:
        return Q(district=region)
    return Q(pk__in=[])


class AssessmentPolicy(BasePolicy):
    model = Organization

    # --- which rows ------------------------------------------------------------------------
    def visible_orgs(self, user) -> QuerySet[Organization]:
        if not _authenticated(user):
            return Organization.objects.none()
        if is_platform_admin(user):
            return Organization.objects.all()
        if user.role in READ_ALL_ROLES:
            return Organization.objects.filter(_region_org_q(user.region))
        if user.is_staff_member:
            return Organization.objects.filter(pk__in=sorted(user_org_ids(user)))
        return Organization.objects.none()

    def visible_districts(self, user) -> QuerySet[Region]:
        if not _authenticated(user):
            return Region.objects.none()
        if is_platform_admin(user):
            return Region.objects.filter(level=Region.Level.DISTRICT)
        if user.role in READ_ALL_ROLES and user.region_id:
            if user.region.level == Region.Level.CITY:
                return Region.objects.filter(parent=user.region, level=Region.Level.DISTRICT)
            return Region.objects.filter(pk=user.region.district_id or user.region_id)
        ids = self.visible_orgs(user).values("district_id")
        return Region.objects.filter(pk__in=ids)

    def sees_whole_district(self, user, district: Region) -> bool:
        """District-wide figures and rankings of every organization."""
        if not _authenticated(user):
            return False
        if is_platform_admin(user):
            return True
        return user.role in READ_ALL_ROLES and self.visible_districts(user).filter(pk=district.pk).exists()

    def can_view_org(self, user, organization_id: int) -> bool:
        return self.visible_orgs(user).filter(pk=organization_id).exists()

    # --- changes ---------------------------------------------------------------------------
    def is_supervisor_of(self, user, district_id: int) -> bool:
        return (_authenticated(user) and user.role == Role.SUPERVISOR and user.region_id is not None
                and self.visible_districts(user).filter(pk=district_id).exists())

    def can_edit_ledger(self, user, organization: Organization | None, district_id: int) -> bool:
        """The district supervisor (and the platform administrator) edit every ledger of the
        district, district-level rows included; an organization's staff and leaders edit their own
        organization's rows (台账 are kept by the organization's office); the auditor reads only."""
        if self.is_supervisor_of(user, district_id) or is_platform_admin(user):
            return True
        if organization is None or not _authenticated(user) or user.role == Role.AUDITOR:
            return False
        return organization.pk in user_org_ids(user)

    def ledger_orgs(self, user, district: Region) -> QuerySet[Organization]:
        """The district's organizations whose ledgers this user may edit."""
        orgs = Organization.objects.filter(district=district, is_active=True).order_by("id")
        if self.is_supervisor_of(user, district.pk) or is_platform_admin(user):
            return orgs
        if not _authenticated(user) or user.role == Role.AUDITOR:
            return orgs.none()
        return orgs.filter(pk__in=sorted(user_org_ids(user)))

    def can_manage_supervision(self, user, district_id: int) -> bool:
        return self.is_supervisor_of(user, district_id)

    def can_report(self, user, organization_id: int) -> bool:
        if not _authenticated(user) or user.role in READ_ALL_ROLES:
            return False
        return organization_id in user_org_ids(user)

    def can_edit_indicators(self, user, district_id: int) -> bool:
        return self.is_supervisor_of(user, district_id)


assessment_policy = AssessmentPolicy()
