from datetime import date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from quntuan.cases.models import CaseEvent, EscalationLevel
from quntuan.cases.queries import case_deadline_state
from quntuan.cases.services import (
    case_contact,
    case_decide_extension,
    case_reply_and_close,
    case_request_extension,
    case_request_material,
    escalation_sweep,
)
from quntuan.cases.tests.core_fixtures import SHANGHAI
from quntuan.catalog.models import TimeLimitClass
from quntuan.core.models import Heartbeat
from quntuan.core.testing import make_service
from quntuan.notifications.models import Notification

FRIDAY = date(2026, 11, 27)


def counts(result):
    return {k: result[k] for k in ("reminded", "yellow", "red", "followups", "notifications")}


@pytest.fixture
def cases(world):
    consult = make_service(world.union, name="政策咨询", time_limit_class=TimeLimitClass.CONSULT)
    help_case = world.submit()                       # remind 11-27, due 11-30, red after 12-01
    consult_case = world.submit(service=consult)     # remind 11-24, due 11-24, red after 11-25
    waiting = case_request_material(case=world.submit(), actor=world.union_staff, materials="身份证")
    closed = case_reply_and_close(case=world.submit(), actor=world.union_staff, result="已办结")
    return {"help": help_case, "consult": consult_case, "waiting": waiting, "closed": closed}


def level(case):
    case.refresh_from_db()
    return case.escalation_level


def test_nothing_before_the_reminder_day(cases):
    assert counts(escalation_sweep(today=date(2026, 11, 24))) == {
        "reminded": 1, "yellow": 0, "red": 0, "followups": 0, "notifications": 1}
    assert level(cases["consult"]) == EscalationLevel.REMINDED
    assert level(cases["help"]) == EscalationLevel.NONE


def test_each_level_once_and_idempotent(world, cases):
    first = escalation_sweep(today=FRIDAY)
    # help case: reminder (to the first inquirer, no handler yet); consult case: straight to red
    # (to the union's leader and the district's supervisor, not the other district's).
    assert counts(first) == {"reminded": 1, "yellow": 0, "red": 1, "followups": 1, "notifications": 4}
    assert level(cases["help"]) == EscalationLevel.REMINDED
    assert level(cases["consult"]) == EscalationLevel.RED
    assert level(cases["waiting"]) == EscalationLevel.NONE  # clock stopped
    assert level(cases["closed"]) == EscalationLevel.NONE
    assert list(cases["consult"].events.filter(kind__in=["reminded", "yellow_flag", "red_flag"])
                .values_list("kind", flat=True)) == ["red_flag"]
    red_to = set(Notification.objects.filter(case=cases["consult"]).exclude(user=world.resident)
                 .values_list("user__pk", flat=True))
    assert red_to == {world.union_leader.pk, world.supervisor.pk}
    assert Notification.objects.filter(case=cases["help"], title="时限提醒:QT-20261123-000001",
                                       user=world.union_receiver).count() == 1
    second = escalation_sweep(today=FRIDAY)
    assert counts(second) == {"reminded": 0, "yellow": 0, "red": 0, "followups": 0, "notifications": 0}
    assert CaseEvent.objects.filter(kind__in=["reminded", "yellow_flag", "red_flag", "followup_opened"]).count() == 3


def test_levels_rise_day_by_day(world, cases):
    case_contact(case=cases["help"], actor=world.union_staff)
    escalation_sweep(today=FRIDAY)
    assert counts(escalation_sweep(today=date(2026, 11, 30))) == {
        "reminded": 0, "yellow": 0, "red": 0, "followups": 0, "notifications": 0}
    assert counts(escalation_sweep(today=date(2026, 12, 1))) == {
        "reminded": 0, "yellow": 1, "red": 0, "followups": 0, "notifications": 1}
    assert Notification.objects.get(case=cases["help"], title="黄牌督办:QT-20261123-000001").user == world.union_leader
    assert counts(escalation_sweep(today=date(2026, 12, 2))) == {
        "reminded": 0, "yellow": 0, "red": 1, "followups": 0, "notifications": 2}
    assert list(cases["help"].events.filter(kind__in=["reminded", "yellow_flag", "red_flag"])
                .values_list("kind", flat=True)) == ["reminded", "yellow_flag", "red_flag"]
    assert all(e.internal for e in cases["help"].events.filter(kind__in=["reminded", "yellow_flag", "red_flag"]))


def test_deadline_state_is_right_without_the_sweep(cases):
    help_case = cases["help"]
    assert [case_deadline_state(help_case, d) for d in (
        date(2026, 11, 26), FRIDAY, date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2))] == [
        "normal", "reminder", "reminder", "yellow", "red"]
    assert case_deadline_state(cases["closed"], date(2026, 12, 2)) == "done"
    assert case_deadline_state(cases["waiting"], date(2026, 12, 2)) == "normal"


def test_extension_lowers_the_flag(world, cases):
    help_case = cases["help"]
    case_request_extension(case=help_case, actor=world.union_staff, days=5, reason="等待材料")
    escalation_sweep(today=date(2026, 12, 1))
    assert level(help_case) == EscalationLevel.YELLOW
    case_decide_extension(case=help_case, actor=world.union_leader, approve=True)
    assert level(help_case) == EscalationLevel.REMINDED
    assert counts(escalation_sweep(today=date(2026, 12, 1)))["yellow"] == 0


def test_sweep_is_set_based(world):
    """The number of queries does not grow with the number of cases flagged."""
    escalation_sweep(today=date(2026, 11, 23))  # loads the working calendar once
    for _ in range(3):
        world.submit()
    with CaptureQueriesContext(connection) as few:
        result = escalation_sweep(today=date(2026, 12, 2))
    assert result["red"] == 3
    for _ in range(12):
        world.submit()
    with CaptureQueriesContext(connection) as many:
        result = escalation_sweep(today=date(2026, 12, 2))
    assert result["red"] == 12
    assert len(many.captured_queries) == len(few.captured_queries)


def test_celery_task_writes_the_heartbeat(world, monday):
    from quntuan.cases.tasks import escalation_sweep as task

    world.submit()
    monday.move_to(datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI))
    result = task()
    assert result["red"] == 1
    assert Heartbeat.objects.get(name="escalation_sweep").detail["result"]["red"] == 1
    assert task.delay().get()["red"] == 0
    beat = Heartbeat.objects.get(name="escalation_sweep")
    assert beat.beat_at == datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI)
    assert beat.detail["source"] == "celery"
    assert task.name == "quntuan.cases.tasks.escalation_sweep"
