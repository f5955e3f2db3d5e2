from django.contrib import admin

from quntuan.organizations.models import DistrictRules, Membership, Organization, Region, Workstation
from quntuan.organizations.policies import organization_policy, user_district_ids


class DistrictScopedAdmin(admin.ModelAdmin):
    """Administrators who look after one district see only that district's rows."""

    district_lookup = "district_id"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = user_district_ids(request.user)
        return qs if ids is None else qs.filter(**{f"{self.district_lookup}__in": ids})


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "parent", "district")
    list_filter = ("level",)
    search_fields = ("name", "code")
    autocomplete_fields = ("parent", "district")
    ordering = ("code",)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user", "workstation")
    fields = ("user", "workstation", "role", "is_on_duty_receiver")


@admin.register(Organization)
class OrganizationAdmin(DistrictScopedAdmin):
    list_display = ("name", "code", "kind", "district", "phone", "is_active")
    list_filter = ("kind", "is_active", "district")
    search_fields = ("name", "code")
    autocomplete_fields = ("district",)
    inlines = (MembershipInline,)

    def get_queryset(self, request):
        return organization_policy.visible(request.user).select_related("district")


@admin.register(Workstation)
class WorkstationAdmin(DistrictScopedAdmin):
    district_lookup = "community__district_id"
    list_display = ("name", "community", "phone", "address")
    search_fields = ("name", "community__name")
    autocomplete_fields = ("community",)
    list_select_related = ("community",)


@admin.register(Membership)
class MembershipAdmin(DistrictScopedAdmin):
    district_lookup = "organization__district_id"
    list_display = ("user", "organization", "workstation", "role", "is_on_duty_receiver")
    list_filter = ("role", "is_on_duty_receiver", "organization__kind")
    search_fields = ("user__name", "user__username", "organization__name")
    autocomplete_fields = ("user", "organization", "workstation")
    list_select_related = ("user", "organization", "workstation")


@admin.register(DistrictRules)
class DistrictRulesAdmin(DistrictScopedAdmin):
    list_display = ("district", "limit_immediate_days", "limit_consult_days", "limit_help_days",
                    "limit_complaint_days", "reminder_ratio", "followup_days")
    autocomplete_fields = ("district",)
    fieldsets = (
        (None, {"fields": ("district",)}),
        ("办理时限(工作日)", {"fields": ("limit_immediate_days", "limit_consult_days", "limit_help_days",
                                   "limit_complaint_days", "first_contact_days", "urgent_contact_hours")}),
        ("督办与回访", {"fields": ("reminder_ratio", "red_flag_days_late", "followup_days", "max_reopen")}),
        ("三率权重", {"fields": ("weight_response", "weight_resolution", "weight_satisfaction")}),
    )
