from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows the platform writes through its services (cases, events, audit records,
    volunteer records): the admin shows them and changes nothing."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
