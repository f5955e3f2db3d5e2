"""Who may report on what. An organization's staff report on their own organization only; the
district scope needs a supervisor (or a platform administrator) of that district or its city;
the auditor reads every report of their region and changes nothing."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from quntuan.accounts.models import Role
from quntuan.cases.policies import is_platform_admin, region_district_q, user_org_ids
from quntuan.core.policies import BasePolicy
from quntuan.organizations.models import Organization, Region
from quntuan.reports.models import ReportDraft


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _in_region(user, district: Region) -> bool:
    if user.region_id is None:
        return False
    return Region.objects.filter(region_district_q(user.region, "district"), pk=district.pk).exists() or (
        user.region_id == district.pk)


class ReportPolicy(BasePolicy):
    model = ReportDraft

    def visible(self, user) -> QuerySet[ReportDraft]:
        if not _authenticated(user) or not user.is_staff_member:
            return ReportDraft.objects.none()
        if is_platform_admin(user):
            return ReportDraft.objects.all()
        if user.role in (Role.SUPERVISOR, Role.AUDITOR):
            if user.region_id is None:
                return ReportDraft.objects.none()
            return ReportDraft.objects.filter(region_district_q(user.region))
        return ReportDraft.objects.filter(organization_id__in=sorted(user_org_ids(user)))

    def scopes(self, user) -> tuple[list[Region], list[Organization]]:
        """(districts, organizations) this user may report on."""
        if not _authenticated(user) or not user.is_staff_member:
            return [], []
        if is_platform_admin(user):
            districts = list(Region.objects.filter(level=Region.Level.DISTRICT))
        elif user.role in (Role.SUPERVISOR, Role.AUDITOR) and user.region_id:
            districts = list(Region.objects.filter(level=Region.Level.DISTRICT)
                             .filter(Q(pk=user.region_id) | Q(parent_id=user.region_id)))
        else:
            districts = []
        if districts:
            orgs = list(Organization.objects.filter(district__in=districts, is_active=True).order_by("district_id", "id"))
        else:
            orgs = list(Organization.objects.filter(pk__in=sorted(user_org_ids(user))).order_by("id"))
        return districts, orgs

    def can_generate(self, user, *, district: Region, organization: Organization | None) -> bool:
        if not _authenticated(user) or user.role == Role.AUDITOR:
            return False
        if is_platform_admin(user):
            return True
        if organization is None:
            return user.role == Role.SUPERVISOR and _in_region(user, district)
        if organization.district_id != district.pk:
            return False
        if user.role == Role.SUPERVISOR:
            return _in_region(user, district)
        return organization.pk in user_org_ids(user)

    def can_view(self, user, draft: ReportDraft) -> bool:
        return self.visible(user).filter(pk=draft.pk).exists()

    def can_edit(self, user, draft: ReportDraft) -> bool:
        return self.can_view(user, draft) and self.can_generate(
            user, district=draft.district, organization=draft.organization)


report_policy = ReportPolicy()
