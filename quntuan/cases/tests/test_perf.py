"""What keeps the hot paths cheap: statements per submission and per queue page, the capped
count of a long queue, the countdown in closed form, and the per-process calendar/rules cache."""

import json
from datetime import date, timedelta

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from quntuan.cases.models import Case
from quntuan.cases.services import _common
from quntuan.cases.services._common import rules_for, work_calendar
from quntuan.cases.views.common import WorkdayCounter
from quntuan.organizations.models import DistrictRules
from quntuan.workdays.models import SpecialDay
from quntuan.workdays.rules import WorkCalendar

# --- the countdown ---------------------------------------------------------------------------------
DAYS = st.dates(min_value=date(2023, 1, 1), max_value=date(2028, 12, 31))


@settings(max_examples=300, deadline=None)
@given(holidays=st.frozensets(DAYS, max_size=40), workdays=st.frozensets(DAYS, max_size=15), start=DAYS,
       length=st.integers(min_value=-10, max_value=900))
def test_closed_form_counts_as_the_calendar_does(holidays, workdays, start, length):
    cal = WorkCalendar(holidays, workdays)
    end = start + timedelta(days=length)
    assert WorkdayCounter(cal).count(start, end) == cal.count_workdays(start, end)


# --- statements per request ------------------------------------------------------------------------
def _statements(fn) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return [q["sql"] for q in ctx.captured_queries]


def _submit(client, world, n):
    body = {"title": "工资被拖欠三个月", "content": "公司拖欠工资三个月,希望得到法律帮助。",
            "service_id": world.service.pk}
    response = client.post("/api/cases/", data=json.dumps(body), content_type="application/json",
                           HTTP_IDEMPOTENCY_KEY=f"perf-{n}")
    assert response.status_code == 201, response.content
    return response


def test_a_submission_runs_at_most_21_statements(world, transactional_db):
    client = Client()
    client.force_login(world.resident)
    _submit(client, world, 0)  # the first use of the year fills its calendar table from the package
    _submit(client, world, 1)  # this one reads the calendar and the rules into the cache
    statements = _statements(lambda: _submit(client, world, 2))
    # What follows the COMMIT is the test settings' eager Celery task sending the SMS.
    statements = statements[: next(i for i, s in enumerate(statements) if s == "COMMIT") + 1]
    # Session, user, service, (BEGIN), idempotency key, receiver on duty, workstation, tracking
    # number, case, one INSERT for the events, the inbox message and SMS (with the notification
    # service's savepoints), COMMIT: no calendar, no rules, no read-back of the new case.
    assert len(statements) <= 21, "\n".join(statements)
    assert not any("workdays_" in s or "districtrules" in s for s in statements)
    assert not any(s.startswith("SELECT") and ("cases_attachment" in s or "cases_rating" in s) for s in statements)
    assert sum(s.startswith("INSERT INTO \"cases_caseevent\"") for s in statements) == 1
    assert Case.objects.count() == 3


def test_a_queue_page_runs_the_same_statements_for_3_or_25_cases(world, client, transactional_db):
    client.force_login(world.union_staff)
    for i in range(3):
        world.submit(title=f"诉求{i}")
    client.get("/cases/workbench/?queue=org")
    few = _statements(lambda: client.get("/cases/workbench/?queue=org"))
    for i in range(3, 25):
        world.submit(title=f"诉求{i}")
    many = _statements(lambda: client.get("/cases/workbench/?queue=org"))
    assert len(few) == len(many)
    # Session, user, two-step device, memberships, the capped count, the page (joined with the
    # two organizations it shows), the unread-message badge: no calendar, nothing per row.
    assert len(many) <= 7, "\n".join(many)
    assert not any("workdays_" in s for s in many)


def test_the_queue_count_stops_at_the_cap(world, client, monkeypatch):
    monkeypatch.setattr("quntuan.cases.views.common.COUNT_CAP", 20)
    for i in range(23):
        world.submit(title=f"诉求{i}", idempotency_key=f"key-{i:02d}-aaaaaaaaaaaaaaaa")
    client.force_login(world.union_staff)
    first = client.get("/cases/workbench/?queue=org").content.decode()
    second = client.get("/cases/workbench/?queue=org&page=2").content.decode()
    assert "第 1 / 1+ 页" in first  # more than one page: counted no further than 21 rows
    assert 'rel="next"' in first
    assert "第 2 / 2 页" in second  # asked for page 2: counted up to 41 rows, so exactly
    assert first.count('class="case-no"><a href=') == 20
    assert second.count('class="case-no"><a href=') == 3


# --- the calendar and rules cache ------------------------------------------------------------------
def test_rules_and_calendar_are_read_once_per_process(world, transactional_db):
    for _ in range(2):  # the first use of the year fills its table, which invalidates the cache
        rules_for(world.district)
        work_calendar(date(2026, 11, 23))
    assert _statements(lambda: (rules_for(world.district), work_calendar(date(2026, 11, 23)))) == []


def test_a_saved_change_is_seen_at_once(world, transactional_db):
    assert rules_for(world.district).limit_help_days == 5
    assert work_calendar(date(2026, 11, 23)).is_workday(date(2026, 11, 25))
    rules = DistrictRules.objects.get(district=world.district)
    rules.limit_help_days = 3
    rules.save()
    SpecialDay.objects.create(date=date(2026, 11, 25), kind=SpecialDay.Kind.HOLIDAY, name="测试")
    assert rules_for(world.district).limit_help_days == 3
    assert not work_calendar(date(2026, 11, 23)).is_workday(date(2026, 11, 25))


def test_a_rolled_back_change_leaves_nothing_behind(world, transactional_db):
    assert rules_for(world.district).limit_help_days == 5
    with transaction.atomic():
        rules = DistrictRules.objects.get(district=world.district)
        rules.limit_help_days = 2
        rules.save()
        assert rules_for(world.district).limit_help_days == 2  # this transaction sees its change
        transaction.set_rollback(True)
    assert rules_for(world.district).limit_help_days == 5


def test_another_process_sees_the_change_through_the_shared_version(world, transactional_db):
    rules_for(world.district)
    before = _common._config_version()
    rules = DistrictRules.objects.get(district=world.district)
    rules.save()
    assert _common._config_version() != before


def test_a_rolled_back_number_is_given_again_only_on_sqlite(world, transactional_db):
    """On PostgreSQL the number comes from a sequence (no row stays locked until commit), so a
    rolled-back submission leaves a gap; SQLite's counter row rolls back with it."""
    first = world.submit()
    with transaction.atomic():
        world.submit(idempotency_key="rolled-back")
        transaction.set_rollback(True)
    third = world.submit()
    expected = "QT-20261123-000003" if connection.vendor == "postgresql" else "QT-20261123-000002"
    assert (first.tracking_no, third.tracking_no) == ("QT-20261123-000001", expected)
