"""The working calendar as the platform uses it: official tables entered by administrators (or
loaded from the chinese-calendar package for the years it knows), with a marked fallback."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils.translation import gettext_noop

from quntuan.workdays.models import CalendarYear, SpecialDay
from quntuan.workdays.rules import Deadline, WorkCalendar, compute_deadline, statutory_holidays

logger = logging.getLogger(__name__)


def calendar_load_official(*, year: int) -> bool:
    """Fill a year's table from the chinese-calendar package. Returns False when the package
    does not know that year (it raises for years whose notice it has not caught up with)."""
    import chinese_calendar

    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    holidays = {d: n for d, n in chinese_calendar.holidays.items() if d.year == year}
    workdays = {d: n for d, n in chinese_calendar.workdays.items() if d.year == year and d.weekday() >= 5}
    # Stored in Chinese; marked so that the calendar page can show them in the visitor's language.
    names = {"New Year's Day": gettext_noop("元旦"), "Spring Festival": gettext_noop("春节"),
             "Tomb-sweeping Day": gettext_noop("清明节"), "Labour Day": gettext_noop("劳动节"),
             "Dragon Boat Festival": gettext_noop("端午节"), "Mid-autumn Festival": gettext_noop("中秋节"),
             "National Day": gettext_noop("国庆节"), "Anti-Fascist 70th Day": gettext_noop("抗战胜利纪念日")}
    with transaction.atomic():
        # Two first uses of a year at once: the year's row is created once and locked, so the
        # second loader waits and then finds the table already loaded.
        CalendarYear.objects.get_or_create(year=year, defaults={"is_official": False})
        row = CalendarYear.objects.select_for_update().get(year=year)
        if row.is_official:
            return True
        SpecialDay.objects.filter(date__year=year).delete()
        SpecialDay.objects.bulk_create(
            [SpecialDay(date=d, kind=SpecialDay.Kind.HOLIDAY, name=names.get(n, n or "")) for d, n in holidays.items()]
            + [SpecialDay(date=d, kind=SpecialDay.Kind.WORKDAY, name=names.get(n, n or "")) for d, n in workdays.items()]
        )
        row.is_official = True
        row.source = gettext_noop("chinese-calendar 软件包")  # shown translated on the calendar page
        row.save(update_fields=["is_official", "source", "updated_at"])
    return True


def calendar_for_years(years: Iterable[int]) -> WorkCalendar:
    years = sorted(set(years))
    official = set(CalendarYear.objects.filter(year__in=years, is_official=True).values_list("year", flat=True))
    missing = [y for y in years if y not in official]
    for year in missing:
        if calendar_load_official(year=year):
            official.add(year)
    holidays: set[date] = set()
    workdays: set[date] = set()
    for day, kind in SpecialDay.objects.filter(date__year__in=sorted(official)).values_list("date", "kind"):
        (holidays if kind == SpecialDay.Kind.HOLIDAY else workdays).add(day)
    provisional = {y for y in years if y not in official}
    for year in provisional:
        holidays.update(statutory_holidays(year))
    return WorkCalendar(frozenset(holidays), frozenset(workdays), frozenset(provisional))


def calendar_around(day: date) -> WorkCalendar:
    """A calendar covering ``day``'s year and the next (deadlines may cross New Year)."""
    return calendar_for_years([day.year, day.year + 1])


def deadline_for(received: date, days: int, reminder_ratio: float = 0.75) -> Deadline:
    return compute_deadline(calendar_around(received), received, days, reminder_ratio)


def provisional_years_pending(today: date) -> list[int]:
    """Years an administrator should enter the official table for (this year and, from
    November, next year), for the notice on the admin and deadline pages."""
    wanted = [today.year] + ([today.year + 1] if today.month >= 11 else [])
    official = set(CalendarYear.objects.filter(year__in=wanted, is_official=True).values_list("year", flat=True))
    return [y for y in wanted if y not in official]
