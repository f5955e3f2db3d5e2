from datetime import date

import pytest

from quntuan.workdays.models import CalendarYear, SpecialDay
from quntuan.workdays.services import (
    calendar_for_years,
    calendar_load_official,
    deadline_for,
    provisional_years_pending,
)

pytestmark = pytest.mark.django_db


def test_official_year_loaded_from_package_on_first_use():
    cal = calendar_for_years([2026])
    assert CalendarYear.objects.get(year=2026).is_official is True
    assert cal.is_workday(date(2026, 10, 10)) is True  # make-up Saturday
    assert cal.is_workday(date(2026, 10, 6)) is False
    assert 2026 not in cal.provisional_years


def test_year_without_official_table_falls_back_and_says_so():
    assert calendar_load_official(year=2027) is False
    cal = calendar_for_years([2027])
    assert cal.provisional_years == frozenset({2027})
    assert cal.is_workday(date(2027, 2, 8)) is False  # 正月初三, statutory
    assert SpecialDay.objects.filter(date__year=2027).count() == 0  # never invents rows
    d = deadline_for(date(2026, 12, 28), 15)
    assert d.provisional is True


def test_administrator_entered_table_wins():
    CalendarYear.objects.create(year=2027, is_official=True, source="国务院办公厅通知")
    SpecialDay.objects.create(date=date(2027, 2, 9), kind=SpecialDay.Kind.HOLIDAY, name="春节")
    SpecialDay.objects.create(date=date(2027, 2, 20), kind=SpecialDay.Kind.WORKDAY, name="春节")
    cal = calendar_for_years([2027])
    assert cal.provisional_years == frozenset()
    assert cal.is_workday(date(2027, 2, 9)) is False
    assert cal.is_workday(date(2027, 2, 20)) is True
    assert cal.is_workday(date(2027, 2, 8)) is True  # not in the entered table: a Monday


def test_pending_years_from_november():
    assert provisional_years_pending(date(2026, 11, 23)) == [2026, 2027]
    calendar_load_official(year=2026)
    assert provisional_years_pending(date(2026, 11, 23)) == [2027]
    assert provisional_years_pending(date(2026, 6, 1)) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_uses_of_a_year_at_once_load_it_once():
    import threading

    from django.db import connection

    errors = []
    barrier = threading.Barrier(4)

    def load():
        try:
            barrier.wait()
            calendar_for_years([2025])
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=load) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert CalendarYear.objects.get(year=2025).is_official is True
    assert SpecialDay.objects.filter(date=date(2025, 10, 1)).count() == 1
