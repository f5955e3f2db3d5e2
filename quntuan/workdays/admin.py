from django.contrib import admin, messages
from django.utils import timezone

from quntuan.workdays.models import CalendarYear, SpecialDay
from quntuan.workdays.services import provisional_years_pending


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ("year", "is_official", "source", "updated_at")
    list_filter = ("is_official",)

    def changelist_view(self, request, extra_context=None):
        pending = provisional_years_pending(timezone.localdate())
        if pending:
            years = "、".join(f"{y}年" for y in pending)
            self.message_user(
                request,
                f"{years}尚未录入国务院放假安排:期限按周末和法定节日推算(不含调休),请在“节假日与调休”中录入后勾选“已录入”。",
                level=messages.WARNING,
            )
        return super().changelist_view(request, extra_context)


@admin.register(SpecialDay)
class SpecialDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name")
    list_filter = ("kind",)
    search_fields = ("name",)
    date_hierarchy = "date"
