from django.contrib import admin

from quntuan.notifications.models import Notification, OneTimeCode, OutboundMessage


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "created_at", "read_at")
    list_filter = ("read_at",)
    search_fields = ("title", "user__username", "user__mobile")
    raw_id_fields = ("user", "case")
    date_hierarchy = "created_at"


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ("channel", "recipient", "subject", "status", "attempts", "created_at", "sent_at")
    list_filter = ("channel", "status")
    search_fields = ("recipient", "dedup_key", "subject")
    readonly_fields = ("channel", "dedup_key", "recipient", "subject", "body", "status", "error", "attempts",
                       "sensitive", "created_at", "sent_at")

    def has_add_permission(self, request):
        return False


@admin.register(OneTimeCode)
class OneTimeCodeAdmin(admin.ModelAdmin):
    list_display = ("mobile", "purpose", "created_at", "expires_at", "attempts", "used_at")
    search_fields = ("mobile",)
    exclude = ("code_hash",)
    readonly_fields = ("mobile", "purpose", "created_at", "expires_at", "attempts", "used_at")

    def has_add_permission(self, request):
        return False
