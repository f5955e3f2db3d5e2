"""Reads for the programs pages: choices for the forms, notice figures, referral lists. Rows come
through the policies; audience figures are counts only."""

from __future__ import annotations

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from quntuan.accounts.models import Role, User
from quntuan.activities.models import Activity, ActivityStatus
from quntuan.catalog.models import Service
from quntuan.organizations.models import Organization, Region
from quntuan.programs.models import Notice, NoticeDelivery, Plan, Referral
from quntuan.programs.policies import (
    notice_policy,
    plan_policy,
    referral_policy,
    staff_district_ids,
    staff_org_ids,
    target_group_policy,
)


def district_communities(district_ids) -> QuerySet[Region]:
    return Region.objects.filter(level=Region.Level.COMMUNITY, district_id__in=district_ids).order_by("code", "id")


def district_streets(district_ids) -> QuerySet[Region]:
    return Region.objects.filter(level=Region.Level.STREET, district_id__in=district_ids).order_by("code", "id")


def staff_communities(user) -> QuerySet[Region]:
    return district_communities(staff_district_ids(user))


def board_organizations(user) -> QuerySet[Organization]:
    """Organizations that have a plan on the user's board (the board's filter)."""
    return Organization.objects.filter(pk__in=plan_policy.visible(user).values("organization_id")).order_by("id")


def hosted_activities(org_ids) -> QuerySet[Activity]:
    """Activities the organizations host (for a plan's links), newest first, not cancelled."""
    return (Activity.objects.filter(hosts__in=list(org_ids)).exclude(status=ActivityStatus.CANCELLED)
            .distinct().order_by("-start", "-id"))


def signup_activities(user) -> QuerySet[Activity]:
    """Published activities of the user's districts that have not started: what a notice may
    invite residents to."""
    return (Activity.objects.filter(district_id__in=staff_district_ids(user), status=ActivityStatus.PUBLISHED,
                                    start__gt=timezone.now()).order_by("start", "id"))


def own_services(org_ids) -> QuerySet[Service]:
    return Service.objects.filter(organization_id__in=list(org_ids), is_active=True).order_by("organization_id", "id")


def district_services(user) -> QuerySet[Service]:
    return (Service.objects.filter(organization__district_id__in=staff_district_ids(user), is_active=True,
                                   organization__is_active=True)
            .select_related("organization").order_by("organization_id", "id"))


def own_courses(user):
    from quntuan.volunteers.models import TrainingCourse

    return TrainingCourse.objects.filter(organization_id__in=staff_org_ids(user)).order_by("-created_at", "-id")


def own_plans(user) -> QuerySet[Plan]:
    return plan_policy.visible(user).filter(organization_id__in=staff_org_ids(user))


def referable_plans(user) -> QuerySet[Plan]:
    """Published plans of other organizations of the user's districts."""
    return (plan_policy.visible(user).filter(status=Plan.Status.PUBLISHED)
            .exclude(organization_id__in=staff_org_ids(user)))


def referable_services(user) -> QuerySet[Service]:
    return district_services(user).exclude(organization_id__in=staff_org_ids(user))


def visible_groups(user):
    return target_group_policy.visible(user).select_related("organization")


def notices_with_figures(user) -> list[Notice]:
    """The user's organizations' notices, newest first, each with delivered / opened / signed-up
    counts (``figures``)."""
    notices = list(notice_policy.visible(user).select_related("plan")[:100])
    rows = (NoticeDelivery.objects.filter(notice_id__in=[n.pk for n in notices]).order_by().values("notice_id")
            .annotate(delivered=Count("pk", filter=Q(status=NoticeDelivery.Status.SENT)),
                      opened=Count("pk", filter=Q(opened_at__isnull=False)),
                      signed_up=Count("pk", filter=Q(signed_up_at__isnull=False))))
    figures = {r["notice_id"]: r for r in rows}
    for notice in notices:
        notice.figures = figures.get(notice.pk, {"delivered": 0, "opened": 0, "signed_up": 0})
    return notices


def referrals_for(user, side: str) -> QuerySet[Referral]:
    """``side`` "in": referrals to the user's organizations; "out": from them."""
    rows = referral_policy.visible(user).select_related("plan", "service", "resident")
    orgs = staff_org_ids(user)
    if side == "in":
        return rows.filter(to_organization_id__in=orgs)
    return rows.filter(from_organization_id__in=orgs)


def resident_referrals(user) -> QuerySet[Referral]:
    """The resident's own referrals, those awaiting their answer first."""
    return (Referral.objects.filter(resident=user)
            .select_related("resident", "from_organization", "to_organization", "plan", "service")
            .annotate(waiting=Case(When(status=Referral.Status.AWAITING_CONSENT, then=Value(0)), default=Value(1),
                                   output_field=IntegerField()))
            .order_by("waiting", "-created_at", "-id"))


def resident_by_mobile(*, district_id: int, mobile: str) -> User | None:
    mobile = (mobile or "").strip()
    if not mobile:
        return None
    return User.objects.filter(mobile=mobile, role=Role.RESIDENT, region_id=district_id, is_active=True).first()


def resident_notices(user) -> QuerySet[NoticeDelivery]:
    return (NoticeDelivery.objects.filter(resident=user, status=NoticeDelivery.Status.SENT)
            .select_related("notice__organization").order_by("-created_at", "-id"))


def mask_mobile(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}" if mobile and len(mobile) >= 7 else (mobile or "")

