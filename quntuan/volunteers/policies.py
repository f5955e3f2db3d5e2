"""Who may see and do what with volunteers, hours, certificates and training records.

* A resident sees only their own volunteer record, sign-ups, hours, certificates and trainings.
* Staff see the volunteers of their organizations' districts (ID numbers masked everywhere).
* Only the organizer of a shift's activity — host staff of its organizations or staff listed on
  it (the activities app's ``can_manage``) — creates shifts, confirms or corrects hours, records
  hours in bulk and records the people served.
* A certificate is issued by staff of the issuing organization; training courses are managed by
  staff of the organization that runs them.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from quntuan.activities.models import Activity
from quntuan.activities.policies import (
    activity_policy,
    authenticated,
    is_member,
    is_platform_admin,
    is_staff_user,
    memberships,
    org_ids,
)
from quntuan.core.policies import BasePolicy
from quntuan.volunteers.models import (
    Certificate,
    Enrollment,
    ServiceRecord,
    Shift,
    TrainingCourse,
    Volunteer,
    VolunteerTeam,
)


def staff_district_ids(user) -> set[int]:
    return set(memberships(user).values_list("organization__district_id", flat=True))


class VolunteerPolicy(BasePolicy):
    model = Volunteer

    def visible(self, user) -> QuerySet[Volunteer]:
        if not authenticated(user):
            return Volunteer.objects.none()
        if is_platform_admin(user):
            return Volunteer.objects.all()
        if is_staff_user(user):
            return Volunteer.objects.filter(Q(district_id__in=staff_district_ids(user)) | Q(user=user))
        return Volunteer.objects.filter(user=user)

    def can_manage(self, user, volunteer: Volunteer) -> bool:
        """Change status, add to teams: staff of the volunteer's district."""
        return is_staff_user(user) and (is_platform_admin(user)
                                        or volunteer.district_id in staff_district_ids(user))


class TeamPolicy(BasePolicy):
    model = VolunteerTeam

    def visible(self, user) -> QuerySet[VolunteerTeam]:
        if not is_staff_user(user):
            return VolunteerTeam.objects.none()
        if is_platform_admin(user):
            return VolunteerTeam.objects.all()
        return VolunteerTeam.objects.filter(organization__district_id__in=staff_district_ids(user))

    def can_create_for(self, user, organization) -> bool:
        return is_staff_user(user) and is_member(user, organization)

    def can_edit(self, user, team: VolunteerTeam) -> bool:
        return is_staff_user(user) and is_member(user, team.organization_id)


class ShiftPolicy(BasePolicy):
    model = Shift

    def visible(self, user) -> QuerySet[Shift]:
        return Shift.objects.filter(activity__in=activity_policy.visible(user).values("pk"))

    def open_to_residents(self) -> QuerySet[Shift]:
        return Shift.objects.filter(activity__in=activity_policy.public().values("pk"))

    def managed(self, user) -> QuerySet[Shift]:
        return Shift.objects.filter(activity__in=activity_policy.editable(user).values("pk"))

    def can_manage_activity(self, user, activity: Activity) -> bool:
        """The organizer: creates shifts, confirms hours, records people served."""
        return activity_policy.can_manage(user, activity)

    def can_manage(self, user, shift: Shift) -> bool:
        return self.can_manage_activity(user, shift.activity)


class ServiceRecordPolicy(BasePolicy):
    model = ServiceRecord

    def visible(self, user) -> QuerySet[ServiceRecord]:
        if not authenticated(user):
            return ServiceRecord.objects.none()
        if is_platform_admin(user):
            return ServiceRecord.objects.all()
        own = Q(volunteer__user=user)
        if not is_staff_user(user):
            return ServiceRecord.objects.filter(own)
        return ServiceRecord.objects.filter(own | Q(shift__activity__in=activity_policy.editable(user).values("pk")))

    def can_confirm(self, user, record: ServiceRecord) -> bool:
        """Only the organizer confirms or corrects hours — never the volunteer themself."""
        if not is_staff_user(user) or record.volunteer.user_id == user.pk:
            return False
        return activity_policy.can_manage(user, record.shift.activity)


class CertificatePolicy(BasePolicy):
    model = Certificate

    def visible(self, user) -> QuerySet[Certificate]:
        if not authenticated(user):
            return Certificate.objects.none()
        if is_platform_admin(user):
            return Certificate.objects.all()
        own = Q(volunteer__user=user)
        if not is_staff_user(user):
            return Certificate.objects.filter(own)
        return Certificate.objects.filter(own | Q(organization_id__in=sorted(org_ids(user))))

    def can_issue_for(self, user, organization) -> bool:
        return is_staff_user(user) and is_member(user, organization)


class CoursePolicy(BasePolicy):
    model = TrainingCourse

    def visible(self, user) -> QuerySet[TrainingCourse]:
        if not is_staff_user(user):
            return TrainingCourse.objects.none()
        if is_platform_admin(user):
            return TrainingCourse.objects.all()
        return TrainingCourse.objects.filter(organization__district_id__in=staff_district_ids(user))

    def can_create_for(self, user, organization) -> bool:
        return is_staff_user(user) and is_member(user, organization)

    def can_manage(self, user, course: TrainingCourse) -> bool:
        return is_staff_user(user) and (is_platform_admin(user) or is_member(user, course.organization_id))


class EnrollmentPolicy(BasePolicy):
    model = Enrollment

    def visible(self, user) -> QuerySet[Enrollment]:
        if not authenticated(user):
            return Enrollment.objects.none()
        own = Q(trainee=user)
        if not is_staff_user(user):
            return Enrollment.objects.filter(own)
        return Enrollment.objects.filter(own | Q(course__in=course_policy.visible(user).values("pk")))


volunteer_policy = VolunteerPolicy()
team_policy = TeamPolicy()
shift_policy = ShiftPolicy()
record_policy = ServiceRecordPolicy()
certificate_policy = CertificatePolicy()
course_policy = CoursePolicy()
enrollment_policy = EnrollmentPolicy()
