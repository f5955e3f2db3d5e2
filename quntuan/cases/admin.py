"""Django admin for cases: read-mostly. State changes go through the services (the pages and
the API), so the admin shows cases with their history and lets nobody rewrite it."""

from django.contrib import admin

from quntuan.cases.models import Case, CaseEvent, CaseFollower, CoHandling, ExtensionRequest, FollowUp, Rating
from quntuan.core.admin import ReadOnlyAdmin
from quntuan.core.text import mask_mobile


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ("at", "kind", "actor", "organization", "target_org", "note", "internal")
    readonly_fields = fields
    ordering = ("at", "id")


class FollowerInline(ReadOnlyInline):
    """Requesters of repeat reports merged into this case (they get its progress)."""

    model = CaseFollower
    fk_name = "case"
    fields = ("via_case", "name", "created_at")
    readonly_fields = fields


class CoHandlingInline(ReadOnlyInline):
    model = CoHandling
    fields = ("organization", "task", "due_date", "status", "reply", "replied_at")
    readonly_fields = fields


class RatingInline(ReadOnlyInline):
    model = Rating
    fields = ("round", "solved", "level", "comment", "rated_at")
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("tracking_no", "title", "status", "handling_org", "first_inquirer", "due_date",
                    "escalation_level", "received_at")
    list_filter = ("status", "escalation_level", "channel", "time_limit_class", "district")
    search_fields = ("tracking_no", "title")
    date_hierarchy = "received_at"
    list_select_related = ("handling_org", "first_inquirer")
    show_full_result_count = False
    inlines = (CaseEventInline, CoHandlingInline, RatingInline, FollowerInline)
    fieldsets = (
        ("诉求", {"fields": ("tracking_no", "district", "community", "workstation", "channel", "service",
                           "category", "title", "content", "address", "is_urgent", "missing_materials")}),
        ("诉求人", {"fields": ("requester", "requester_name", "masked_mobile")}),
        ("责任", {"fields": ("first_inquirer", "first_inquirer_org", "handling_org", "handler",
                           "transfer_to_org", "transfer_reason", "transferred_department",
                           "requester_informed_at")}),
        ("时限", {"fields": ("status", "received_at", "clock_start", "first_contact_due_at", "contacted_at",
                           "time_limit_class", "due_date", "remind_on", "red_flag_after", "deadline_provisional",
                           "extended", "escalation_level")}),
        ("结果", {"fields": ("result", "closed_at", "reopen_count", "merged_into")}),
    )
    readonly_fields = [f for _title, spec in fieldsets for f in spec["fields"]]

    @admin.display(description="联系电话")
    def masked_mobile(self, obj):
        # The admin is not a way around the personal-data audit: the number stays masked here.
        return mask_mobile(obj.requester_mobile)


@admin.register(CoHandling)
class CoHandlingAdmin(ReadOnlyAdmin):
    list_display = ("case", "organization", "due_date", "status", "replied_at")
    list_filter = ("status",)
    search_fields = ("case__tracking_no",)
    list_select_related = ("case", "organization")
    readonly_fields = ("case", "organization", "task", "due_date", "status", "reply", "replied_by", "replied_at")


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ("case", "days", "status", "requested_by", "requested_at", "decided_by")
    list_filter = ("status",)
    search_fields = ("case__tracking_no",)
    list_select_related = ("case", "requested_by", "decided_by")
    readonly_fields = ("case", "requested_by", "requested_at", "days", "reason", "status", "decided_by",
                       "decided_at", "decision_note")


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    list_display = ("case", "round", "solved", "level", "rated_at")
    list_filter = ("level", "solved")
    search_fields = ("case__tracking_no",)
    list_select_related = ("case",)
    readonly_fields = ("case", "round", "solved", "level", "comment", "rated_by", "rated_at")


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ("case", "round", "due_date", "status", "outcome", "done_at")
    list_filter = ("status", "outcome")
    search_fields = ("case__tracking_no",)
    list_select_related = ("case",)
    readonly_fields = ("case", "round", "due_date", "status", "outcome", "solved", "note", "done_by", "done_at")
