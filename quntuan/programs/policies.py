"""Who may see and do what with plans, target groups, notices and referrals.

* Every organization's staff see all plans of their districts (the shared plans board); residents
  see published plans of their district. Only the owning organization's staff edit a plan.
* Target groups are visible to all staff of the district (they hold criteria, never names) and
  edited by their organization. Audience figures are counts only.
* Notices are managed by their organization's staff.
* A referral is seen by the referring organization and by the resident; the receiving organization
  sees it only once the resident agreed (and no longer after they withdraw), and decides.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from quntuan.activities.policies import authenticated, is_platform_admin, memberships
from quntuan.core.policies import BasePolicy
from quntuan.organizations.models import Organization
from quntuan.programs.models import Notice, Plan, Referral, TargetGroup


def staff_org_ids(user) -> set[int]:
    if not authenticated(user) or not getattr(user, "is_staff_member", False):
        return set()
    return set(memberships(user).values_list("organization_id", flat=True))


def staff_district_ids(user) -> set[int]:
    ids = staff_org_ids(user)
    return set(Organization.objects.filter(pk__in=ids).values_list("district_id", flat=True)) if ids else set()


def is_program_staff(user) -> bool:
    return is_platform_admin(user) or bool(staff_org_ids(user))


def staff_organizations(user) -> QuerySet[Organization]:
    return Organization.objects.filter(pk__in=staff_org_ids(user), is_active=True).order_by("id")


class PlanPolicy(BasePolicy):
    model = Plan

    def visible(self, user) -> QuerySet[Plan]:
        plans = Plan.objects.select_related("organization", "community")
        if is_platform_admin(user):
            return plans
        districts = staff_district_ids(user)
        if districts:
            return plans.filter(district_id__in=districts)
        if authenticated(user) and user.region_id:
            return plans.filter(district_id=user.region_id, status=Plan.Status.PUBLISHED)
        return plans.none()

    def can_create(self, user, organization) -> bool:
        return organization is not None and organization.pk in staff_org_ids(user)

    def can_edit(self, user, plan: Plan) -> bool:
        return plan.organization_id in staff_org_ids(user)

    def can_comment(self, user, plan: Plan) -> bool:
        return bool(staff_org_ids(user)) and plan.district_id in staff_district_ids(user)


class TargetGroupPolicy(BasePolicy):
    model = TargetGroup

    def visible(self, user) -> QuerySet[TargetGroup]:
        if is_platform_admin(user):
            return TargetGroup.objects.all()
        return TargetGroup.objects.filter(district_id__in=staff_district_ids(user))

    def can_edit(self, user, group: TargetGroup) -> bool:
        return group.organization_id in staff_org_ids(user)


class NoticePolicy(BasePolicy):
    model = Notice

    def visible(self, user) -> QuerySet[Notice]:
        return Notice.objects.filter(organization_id__in=staff_org_ids(user)).select_related("organization")

    def can_manage(self, user, notice: Notice) -> bool:
        return notice.organization_id in staff_org_ids(user)


RECEIVER_STATUSES = (Referral.Status.PENDING, Referral.Status.ACCEPTED, Referral.Status.DECLINED,
                     Referral.Status.COMPLETED)


class ReferralPolicy(BasePolicy):
    model = Referral

    def visible(self, user) -> QuerySet[Referral]:
        rows = Referral.objects.select_related("resident", "from_organization", "to_organization", "plan", "service")
        if not authenticated(user):
            return rows.none()
        orgs = staff_org_ids(user)
        if orgs:
            return rows.filter(Q(from_organization_id__in=orgs)
                               | Q(to_organization_id__in=orgs, status__in=RECEIVER_STATUSES))
        return rows.filter(resident=user)

    def can_decide(self, user, referral: Referral) -> bool:
        return referral.to_organization_id in staff_org_ids(user) and referral.status in RECEIVER_STATUSES


plan_policy = PlanPolicy()
target_group_policy = TargetGroupPolicy()
notice_policy = NoticePolicy()
referral_policy = ReferralPolicy()
