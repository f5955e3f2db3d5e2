from django.contrib import admin, messages

from quntuan.core.exceptions import ApplicationError
from quntuan.routing.models import RoutingModel
from quntuan.routing.services import routing_activate


@admin.register(RoutingModel)
class RoutingModelAdmin(admin.ModelAdmin):
    list_display = ("version", "is_active", "created_at", "n_examples", "metrics", "note")
    readonly_fields = ("version", "is_active", "created_at", "n_examples", "metrics", "note")
    exclude = ("payload",)
    actions = ["activate"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="启用所选版本(回滚)")
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "请只选择一个版本。", messages.ERROR)
            return
        try:
            row = routing_activate(actor=request.user, version=queryset.get().version)
        except ApplicationError as exc:
            self.message_user(request, exc.message, messages.ERROR)
            return
        self.message_user(request, f"已启用分派模型 v{row.version}。")
