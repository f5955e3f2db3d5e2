from datetime import date

from django.shortcuts import render
from django.utils import timezone

from quntuan.accounts.decorators import staff_required
from quntuan.workdays.queries import calendar_overview


@staff_required
def calendar_page(request):
    today = timezone.localdate()
    year = _year_param(request.GET.get("year"), today)
    return render(request, "workdays/pages/calendar.html", calendar_overview(year=year, today=today))


def _year_param(raw: str | None, today: date) -> int:
    try:
        year = int(raw or today.year)
    except ValueError:
        return today.year
    return year if 2000 <= year <= 2100 else today.year
