from django.contrib import admin

from quntuan.programs.models import ConsentRecord, ProgramRules


@admin.register(ProgramRules)
class ProgramRulesAdmin(admin.ModelAdmin):
    """The district's targeted-notice rules (also on /programs/rules/ for the district supervisor)."""

    list_display = ("district", "weekly_cap", "quiet_start", "quiet_end", "policy_version")


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    """Append-only: shown, never changed."""

    list_display = ("resident", "action", "purposes", "policy_version", "source", "created_at")
    list_filter = ("action", "policy_version")
    raw_id_fields = ("resident",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
