"""Who may see and do what with activities, venues and registrations.

* Everyone (also anonymous visitors) sees published activities and active venues.
* Staff see every activity of their organizations' districts, drafts included, so that the
  organizations plan together; platform administrators see all, supervisors and auditors their
  region.
* Only host staff edit an activity: members of its host organizations (primary or co-host) and
  the staff listed on it. They also decide registrations and check people in.
* A resident sees only their own registrations.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from quntuan.accounts.models import Role
from quntuan.activities.models import Activity, ActivityStatus, Registration, Venue
from quntuan.core.policies import BasePolicy
from quntuan.organizations.models import Membership, Organization, Region

REGION_ROLES = {Role.SUPERVISOR, Role.AUDITOR}


def authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def is_platform_admin(user) -> bool:
    return authenticated(user) and (user.is_superuser or user.role == Role.PLATFORM_ADMIN)


def memberships(user) -> QuerySet[Membership]:
    if not authenticated(user):
        return Membership.objects.none()
    return Membership.objects.filter(user=user, organization__is_active=True)


def org_ids(user) -> set[int]:
    return set(memberships(user).values_list("organization_id", flat=True))


def is_member(user, organization) -> bool:
    org_id = getattr(organization, "pk", organization)
    return org_id is not None and memberships(user).filter(organization_id=org_id).exists()


def user_organizations(user) -> QuerySet[Organization]:
    return Organization.objects.filter(pk__in=memberships(user).values("organization_id")).order_by("id")


def _region_q(region: Region, prefix: str) -> Q:
    if region.level == Region.Level.CITY:
        return Q(**{f"{prefix}__parent": region})
    if region.level == Region.Level.DISTRICT:
        return Q(**{prefix: region})
    return Q(pk__in=[])


def is_staff_user(user) -> bool:
    return authenticated(user) and user.is_staff_member


class ActivityPolicy(BasePolicy):
    model = Activity

    def public(self) -> QuerySet[Activity]:
        return Activity.objects.filter(status=ActivityStatus.PUBLISHED)

    def visible(self, user) -> QuerySet[Activity]:
        if not is_staff_user(user):
            return self.public()
        if is_platform_admin(user):
            return Activity.objects.all()
        if user.role in REGION_ROLES:
            if user.region_id is None:
                return self.public()
            return Activity.objects.filter(_region_q(user.region, "district") | Q(status=ActivityStatus.PUBLISHED))
        district_ids = set(memberships(user).values_list("organization__district_id", flat=True))
        return Activity.objects.filter(Q(district_id__in=district_ids) | Q(status=ActivityStatus.PUBLISHED))

    def editable(self, user) -> QuerySet[Activity]:
        """Activities this user hosts (may edit and manage)."""
        if not is_staff_user(user):
            return Activity.objects.none()
        ids = sorted(org_ids(user))
        return Activity.objects.filter(
            Q(primary_host_id__in=ids) | Q(hosts__in=ids) | Q(host_staff=user)
        ).distinct()

    def can_view(self, user, activity: Activity) -> bool:
        return self.visible(user).filter(pk=activity.pk).exists()

    def can_create_for(self, user, organization) -> bool:
        return is_staff_user(user) and is_member(user, organization)

    def can_edit(self, user, activity: Activity) -> bool:
        if not is_staff_user(user):
            return False
        if activity.host_staff.filter(pk=user.pk).exists():
            return True
        host_ids = {activity.primary_host_id, *activity.hosts.values_list("pk", flat=True)}
        return bool(host_ids & org_ids(user))

    def can_manage(self, user, activity: Activity) -> bool:
        """Decide registrations, check people in, record walk-ins."""
        return self.can_edit(user, activity)


class VenuePolicy(BasePolicy):
    model = Venue

    def visible(self, user=None) -> QuerySet[Venue]:
        return Venue.objects.filter(is_active=True)

    def managed(self, user) -> QuerySet[Venue]:
        if not is_staff_user(user):
            return Venue.objects.none()
        if is_platform_admin(user):
            return Venue.objects.all()
        return Venue.objects.filter(owner_id__in=sorted(org_ids(user)))

    def can_create_for(self, user, organization) -> bool:
        return is_staff_user(user) and (is_platform_admin(user) or is_member(user, organization))

    def can_edit(self, user, venue: Venue) -> bool:
        return is_staff_user(user) and (is_platform_admin(user) or is_member(user, venue.owner_id))

    def may_book(self, venue: Venue, organization) -> bool:
        """May ``organization`` book ``venue``? The owner always; others when listed (an empty
        list means the owner only)."""
        org_id = getattr(organization, "pk", organization)
        if venue.owner_id == org_id:
            return True
        return venue.bookable_by.filter(pk=org_id).exists()

    def bookable_for(self, organizations) -> QuerySet[Venue]:
        ids = [getattr(o, "pk", o) for o in organizations]
        return self.visible().filter(Q(owner_id__in=ids) | Q(bookable_by__in=ids)).distinct()


class RegistrationPolicy(BasePolicy):
    model = Registration

    def visible(self, user) -> QuerySet[Registration]:
        if not authenticated(user):
            return Registration.objects.none()
        if is_platform_admin(user):
            return Registration.objects.all()
        if not user.is_staff_member:
            return Registration.objects.filter(resident=user)
        hosted = activity_policy.editable(user).values("pk")
        return Registration.objects.filter(Q(resident=user) | Q(activity__in=hosted))

    def can_cancel(self, user, registration: Registration) -> bool:
        if not authenticated(user):
            return False
        return registration.resident_id == user.pk or activity_policy.can_manage(user, registration.activity)


activity_policy = ActivityPolicy()
venue_policy = VenuePolicy()
registration_policy = RegistrationPolicy()
