from django.contrib import admin

from quntuan.activities.models import Activity, ActivityEvent, Booking, CheckIn, Registration, Venue


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "community", "capacity", "buffer_minutes", "is_active"]
    list_filter = ["is_active", "owner"]
    search_fields = ["name", "address"]
    filter_horizontal = ["bookable_by"]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """Read-mostly: activities change through the staff pages (bookings and events come with them)."""

    list_display = ["title", "kind", "primary_host", "start", "end", "venue", "status"]
    list_filter = ["status", "kind", "primary_host"]
    search_fields = ["title"]
    date_hierarchy = "start"
    readonly_fields = [f.name for f in Activity._meta.concrete_fields]

    def has_add_permission(self, request):
        return False


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["venue", "activity", "start", "end", "block_end", "status"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["activity", "resident", "status", "seq", "created_at"]
    list_filter = ["status"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["activity", "registration", "walk_in_name", "checked_in_at", "by"]

    def has_add_permission(self, request):
        return False


@admin.register(ActivityEvent)
class ActivityEventAdmin(admin.ModelAdmin):
    list_display = ["at", "activity", "kind", "actor"]
    list_filter = ["kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
