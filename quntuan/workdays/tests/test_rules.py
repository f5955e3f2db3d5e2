"""Working-day arithmetic: exact cases from the 2026 State Council table and property tests."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from quntuan.workdays.rules import WorkCalendar, compute_deadline, qingming, statutory_holidays

# 2026 National Day: 1–7 October off, Sunday 20 September and Saturday 10 October worked.
NATIONAL_DAY_2026 = WorkCalendar(
    holidays=frozenset(date(2026, 10, d) for d in range(1, 8)),
    workdays=frozenset({date(2026, 9, 20), date(2026, 10, 10)}),
)


def test_make_up_saturday_counts_as_workday():
    assert NATIONAL_DAY_2026.is_workday(date(2026, 10, 10)) is True
    assert NATIONAL_DAY_2026.is_workday(date(2026, 10, 11)) is False
    assert NATIONAL_DAY_2026.is_workday(date(2026, 10, 5)) is False


def test_five_days_across_national_day():
    # Received Wednesday 30 September: working days after it are Thursday 8, Friday 9,
    # Saturday 10 (make-up), Monday 12 and Tuesday 13 October.
    assert NATIONAL_DAY_2026.add_workdays(date(2026, 9, 30), 1) == date(2026, 10, 8)
    assert NATIONAL_DAY_2026.add_workdays(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert NATIONAL_DAY_2026.add_workdays(date(2026, 9, 30), 5) == date(2026, 10, 13)
    # Received Saturday 19 September, one working day later is the make-up Sunday 20.
    assert NATIONAL_DAY_2026.add_workdays(date(2026, 9, 19), 1) == date(2026, 9, 20)


def test_immediate_class_on_a_holiday_moves_to_next_workday():
    assert NATIONAL_DAY_2026.add_workdays(date(2026, 10, 3), 0) == date(2026, 10, 8)
    assert NATIONAL_DAY_2026.add_workdays(date(2026, 9, 29), 0) == date(2026, 9, 29)


def test_deadline_points_for_complaint_class():
    cal = WorkCalendar()
    d = compute_deadline(cal, date(2026, 11, 23), 15, 0.75)  # a Monday
    assert d.due_date == date(2026, 12, 14)
    assert d.remind_on == date(2026, 12, 9)  # 12th working day
    assert d.red_flag_after == date(2026, 12, 15)
    assert d.provisional is False


def test_provisional_years_are_marked():
    cal = WorkCalendar(provisional_years=frozenset({2027}))
    assert compute_deadline(cal, date(2026, 12, 28), 15).provisional is True
    assert compute_deadline(cal, date(2026, 11, 2), 5).provisional is False


def test_statutory_fallback_2027_has_thirteen_days_and_no_make_up_days():
    days = statutory_holidays(2027)
    assert len(days) == 13
    assert days[date(2027, 2, 5)] == "春节"  # lunar new year's eve
    assert days[date(2027, 2, 6)] == "春节"  # 正月初一
    assert days[date(2027, 6, 9)] == "端午节"
    assert days[date(2027, 9, 15)] == "中秋节"
    assert qingming(2027) == date(2027, 4, 5)
    assert qingming(2026) == date(2026, 4, 5)


days_2026 = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31))
special = st.frozensets(days_2026, max_size=40)


@st.composite
def calendars(draw):
    holidays = draw(special)
    workdays = frozenset(d for d in draw(special) if d.weekday() >= 5) - holidays
    return WorkCalendar(holidays=holidays, workdays=workdays)


@settings(max_examples=300, deadline=None)
@given(cal=calendars(), start=days_2026, n=st.integers(min_value=0, max_value=30))
def test_deadline_is_always_a_workday(cal, start, n):
    assert cal.is_workday(cal.add_workdays(start, n))


@settings(max_examples=300, deadline=None)
@given(cal=calendars(), start=days_2026, n=st.integers(min_value=1, max_value=30))
def test_adding_then_counting_gives_n(cal, start, n):
    end = cal.add_workdays(start, n)
    assert cal.count_workdays(start, end) == n
    # and it is the first such day: one day earlier counts n - 1
    assert cal.count_workdays(start, end - timedelta(days=1)) == n - 1


@settings(max_examples=200, deadline=None)
@given(cal=calendars(), start=days_2026, n=st.integers(min_value=0, max_value=20))
def test_more_days_never_earlier(cal, start, n):
    later, earlier = cal.add_workdays(start, n + 1), cal.add_workdays(start, n)
    # Strictly later, except that 即办 (0 days) on a day off already lands on the next working day.
    if cal.is_workday(start) or n > 0:
        assert later > earlier
    else:
        assert later == earlier


@settings(max_examples=200, deadline=None)
@given(cal=calendars(), start=days_2026, n=st.integers(min_value=0, max_value=20),
       ratio=st.sampled_from([0.5, 0.75, 0.9]))
def test_reminder_never_after_due_and_red_after_due(cal, start, n, ratio):
    d = compute_deadline(cal, start, n, ratio)
    assert d.remind_on <= d.due_date < d.red_flag_after
    assert cal.count_workdays(d.due_date, d.red_flag_after) == 1


@settings(max_examples=100, deadline=None)
@given(year=st.integers(min_value=2027, max_value=2060))
def test_fallback_holidays_are_in_their_year(year):
    days = statutory_holidays(year)
    assert all(d.year == year for d in days)
    assert 11 <= len(days) <= 13  # mid-autumn may coincide with national day
