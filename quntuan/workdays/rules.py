"""Working-day arithmetic: pure functions, no database.

A day is a working day when it is a make-up working day (调休上班), or when it is Monday to
Friday and not a holiday. Deadlines are counted from the day after receipt: n working days after
the receipt date; 0 days (即办) means the receipt day itself, or the next working day when the
matter arrives on a day off.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from lunardate import LunarDate

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    # Years for which no official table was entered: computed from weekends and statutory
    # holidays only, and every deadline in them says so.
    provisional_years: frozenset[int] = field(default_factory=frozenset)

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def next_workday(self, day: date) -> date:
        """The first working day on or after ``day``."""
        while not self.is_workday(day):
            day += ONE_DAY
        return day

    def add_workdays(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (n ≥ 1), or the first working day on or after it
        (n = 0)."""
        if n < 0:
            raise ValueError("n must not be negative")
        if n == 0:
            return self.next_workday(start)
        day = start
        while n:
            day += ONE_DAY
            if self.is_workday(day):
                n -= 1
        return day

    def count_workdays(self, start: date, end: date) -> int:
        """Working days in the half-open range (start, end]."""
        if end <= start:
            return 0
        count = 0
        day = start
        while day < end:
            day += ONE_DAY
            count += self.is_workday(day)
        return count

    def is_provisional(self, *days: date) -> bool:
        return any(d.year in self.provisional_years for d in days)


@dataclass(frozen=True)
class Deadline:
    due_date: date
    remind_on: date
    red_flag_after: date
    provisional: bool


def compute_deadline(cal: WorkCalendar, received: date, days: int, reminder_ratio: float = 0.75) -> Deadline:
    due = cal.add_workdays(received, days)
    remind_on = cal.add_workdays(received, math.ceil(days * reminder_ratio)) if days else due
    red_flag_after = cal.add_workdays(due, 1)
    return Deadline(
        due_date=due,
        remind_on=min(remind_on, due),
        red_flag_after=red_flag_after,
        provisional=cal.is_provisional(received, due, red_flag_after),
    )


def qingming(year: int) -> date:
    """Qingming (清明) solar term, by the common 21st-century formula (C = 4.81)."""
    y = year % 100
    return date(year, 4, int(y * 0.2422 + 4.81) - y // 4)


def statutory_holidays(year: int) -> dict[date, str]:
    """The statutory public holidays of the national rules in force from 2025 (13 days), without
    any moved days: what a year looks like before the State Council publishes its table."""
    spring = LunarDate(year, 1, 1).to_solar_date()
    days = {
        date(year, 1, 1): "元旦",
        spring - ONE_DAY: "春节",
        spring: "春节",
        spring + ONE_DAY: "春节",
        spring + 2 * ONE_DAY: "春节",
        qingming(year): "清明节",
        date(year, 5, 1): "劳动节",
        date(year, 5, 2): "劳动节",
        LunarDate(year, 5, 5).to_solar_date(): "端午节",
        LunarDate(year, 8, 15).to_solar_date(): "中秋节",
        date(year, 10, 1): "国庆节",
        date(year, 10, 2): "国庆节",
        date(year, 10, 3): "国庆节",
    }
    # Lunar New Year's Eve of next year's festival can fall in this calendar year's range only
    # through ``spring - 1``, which always lies in January or February of ``year``.
    return days
