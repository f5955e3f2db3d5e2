"""Admin: the district's rules (star levels, completion share) are edited here; everything else
is read-only (it changes through the staff pages and their services). ID numbers appear masked."""

from django.contrib import admin

from quntuan.core.admin import ReadOnlyAdmin
from quntuan.volunteers.models import (
    Certificate,
    ServiceRecord,
    Shift,
    TrainingCourse,
    Volunteer,
    VolunteerRules,
    VolunteerTeam,
)


@admin.register(VolunteerRules)
class VolunteerRulesAdmin(admin.ModelAdmin):
    list_display = ["district", "star_hours", "completion_percent"]


@admin.register(Volunteer)
class VolunteerAdmin(ReadOnlyAdmin):
    list_display = ["number", "real_name", "id_type", "masked_id", "status", "district"]
    list_filter = ["status", "district"]
    search_fields = ["number", "real_name"]
    exclude = ["id_number"]
    readonly_fields = ["masked_id"]


@admin.register(VolunteerTeam)
class VolunteerTeamAdmin(ReadOnlyAdmin):
    list_display = ["name", "organization"]


@admin.register(Shift)
class ShiftAdmin(ReadOnlyAdmin):
    list_display = ["title", "activity", "start", "end", "slots"]
    date_hierarchy = "start"


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ReadOnlyAdmin):
    list_display = ["volunteer", "shift", "status", "reported_minutes", "minutes", "confirmed_at"]
    list_filter = ["status"]


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "real_name", "id_masked", "organization", "minutes", "issued_on"]
    search_fields = ["number"]


@admin.register(TrainingCourse)
class TrainingCourseAdmin(ReadOnlyAdmin):
    list_display = ["title", "organization", "completion_percent", "created_at"]
