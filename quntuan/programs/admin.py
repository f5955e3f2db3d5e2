from django.contrib import admin

from quntuan.core.admin import ReadOnlyAdmin
from quntuan.programs.models import ConsentRecord, ProgramRules


@admin.register(ProgramRules)
class ProgramRulesAdmin(admin.ModelAdmin):
    """The district's targeted-notice rules (also on /programs/rules/ for the district supervisor)."""

    list_display = ("district", "weekly_cap", "quiet_start", "quiet_end", "policy_version")


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    """Append-only: shown, never changed."""

    list_display = ("resident", "action", "purposes", "policy_version", "source", "created_at")
    list_filter = ("action", "policy_version")
    raw_id_fields = ("resident",)
