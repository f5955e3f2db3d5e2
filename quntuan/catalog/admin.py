from django.contrib import admin, messages

from quntuan.catalog.models import Category, Service
from quntuan.catalog.services import category_save, service_reindex, service_save
from quntuan.core.exceptions import ApplicationError
from quntuan.organizations.policies import user_district_ids


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "org_code")
    list_filter = ("org_code",)
    search_fields = ("code", "name", "covers")

    def save_model(self, request, obj, form, change):
        category_save(category=obj)


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "category", "time_limit_class", "is_active")
    list_filter = ("time_limit_class", "is_active", "organization__code", "category")
    search_fields = ("name", "description", "category__name", "organization__name")
    autocomplete_fields = ("organization", "category")
    list_select_related = ("organization", "category")
    actions = ("reindex",)

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        ids = user_district_ids(request.user)
        return qs if ids is None else qs.filter(organization__district_id__in=ids)

    def save_model(self, request, obj, form, change):
        try:
            service_save(service=obj)
        except ApplicationError as exc:  # the form validated already; a race is all that is left
            self.message_user(request, exc.message, level=messages.ERROR)

    @admin.action(description="重建所选事项的检索文本")
    def reindex(self, request, queryset):
        changed = service_reindex(services=queryset)
        self.message_user(request, f"已重建 {queryset.count()} 项,其中 {changed} 项有变化。")
