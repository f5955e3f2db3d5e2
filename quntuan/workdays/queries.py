"""Reads of the working calendar for pages and the API."""

from __future__ import annotations

from datetime import date, timedelta

from quntuan.workdays.models import CalendarYear, SpecialDay
from quntuan.workdays.rules import statutory_holidays
from quntuan.workdays.services import calendar_for_years, provisional_years_pending


def calendar_overview(*, year: int, today: date) -> dict:
    """A year's working calendar: whether it is official, its special days, and the working
    days per month."""
    cal = calendar_for_years([year])
    official = CalendarYear.objects.filter(year=year, is_official=True).first()
    if official:
        special = [(d.date, d.kind == SpecialDay.Kind.WORKDAY, d.name)
                   for d in SpecialDay.objects.filter(date__year=year)]
    else:
        special = [(d, False, name) for d, name in sorted(statutory_holidays(year).items())]
    months = []
    for month in range(1, 13):
        first = date(year, month, 1)
        last = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
        months.append({"month": month, "workdays": cal.count_workdays(first - timedelta(days=1), last)})
    return {
        "year": year,
        "official": official,
        "provisional": year in cal.provisional_years,
        "special_days": special,
        "months": months,
        "total_workdays": sum(m["workdays"] for m in months),
        "pending_years": provisional_years_pending(today),
        "years": list(range(today.year - 1, today.year + 3)),
    }
