import time
from datetime import timedelta

import pytest
from django.test import override_settings

from quntuan.core import scheduler
from quntuan.core.models import Heartbeat
from quntuan.core.tests import fake_tasks


@pytest.fixture(autouse=True)
def clear_calls():
    fake_tasks.calls.clear()


def test_schedule_entries_reads_seconds_and_timedelta_and_skips_others():
    schedule = {
        "a": {"task": "x.a", "schedule": 300},
        "b": {"task": "x.b", "schedule": timedelta(minutes=2)},
        "c": {"task": "x.c", "schedule": "0 * * * *"},
        "d": {"task": "x.d", "schedule": 0},
    }
    entries = scheduler.schedule_entries(schedule)
    assert [(e.name, e.task, e.interval) for e in entries] == [("a", "x.a", 300.0), ("b", "x.b", 120.0)]


def test_default_schedule_contains_the_escalation_sweep_and_the_outbound_requeue():
    entries = [(e.task, e.heartbeat_name) for e in scheduler.schedule_entries()]
    assert ("quntuan.cases.tasks.escalation_sweep", "escalation_sweep") in entries
    assert ("quntuan.notifications.tasks.requeue_pending_outbound", "requeue_pending_outbound") in entries


def test_import_task_handles_missing_module_and_attribute():
    assert scheduler.import_task("quntuan.core.tests.fake_tasks.ok_task") is fake_tasks.ok_task
    assert scheduler.import_task("quntuan.core.tests.fake_tasks.nope") is None
    assert scheduler.import_task("quntuan.nowhere.tasks.sweep") is None


@pytest.mark.django_db(transaction=True)
def test_run_entry_records_heartbeat_with_scalar_result():
    entry = scheduler.Entry(name="t", task="quntuan.core.tests.fake_tasks.ok_task", interval=60)
    assert scheduler.run_entry(entry) is True
    beat = Heartbeat.objects.get(name="ok_task")
    assert beat.detail["result"] == {"reminded": 2, "note": "x"}
    assert beat.detail["source"] == "in-process"


@pytest.mark.django_db(transaction=True)
def test_run_entry_logs_errors_and_missing_tasks(caplog):
    failing = scheduler.Entry(name="f", task="quntuan.core.tests.fake_tasks.failing_task", interval=60)
    missing = scheduler.Entry(name="m", task="quntuan.cases.tasks_not_there.sweep", interval=60)
    assert scheduler.run_entry(failing) is False
    assert scheduler.run_entry(missing) is False
    assert fake_tasks.calls == ["fail"]
    assert not Heartbeat.objects.exists()
    assert "failing_task 运行出错" in caplog.text
    assert "尚不存在" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_scheduler_thread_runs_soon_after_start_and_keeps_going_after_errors():
    entries = [
        scheduler.Entry(name="f", task="quntuan.core.tests.fake_tasks.failing_task", interval=0.2),
        scheduler.Entry(name="o", task="quntuan.core.tests.fake_tasks.ok_task", interval=0.2),
    ]
    sched = scheduler.Scheduler(entries, first_delay=0)
    sched.start()
    try:
        assert sched.is_alive()
        deadline = time.monotonic() + 10
        while fake_tasks.calls.count("ok") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        sched.stop()
    assert not sched.is_alive()
    assert fake_tasks.calls.count("ok") >= 2
    assert fake_tasks.calls.count("fail") >= 2
    assert Heartbeat.objects.filter(name="ok_task").exists()


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        (["manage.py", "runserver"], {"RUN_MAIN": "true"}, True),
        (["manage.py", "runserver"], {}, False),  # the autoreloader's parent process
        (["manage.py", "runserver", "--noreload"], {}, True),
        (["manage.py", "migrate"], {"QUNTUAN_SCHEDULER": "1"}, False),
        (["manage.py", "seed_demo"], {"QUNTUAN_SCHEDULER": "1"}, False),
        (["/venv/bin/gunicorn", "config.wsgi:application"], {"QUNTUAN_SCHEDULER": "1"}, True),
        (["/venv/bin/gunicorn", "config.wsgi:application"], {}, False),
    ],
)
def test_should_start_only_in_the_serving_process(argv, environ, expected):
    environ = {**environ, "QUNTUAN_SCHEDULER_IN_TESTS": "1"}
    with override_settings(INPROCESS_SCHEDULER=True):
        assert scheduler.should_start(argv, environ) is expected


def test_should_start_never_when_setting_is_off_or_under_pytest():
    with override_settings(INPROCESS_SCHEDULER=False):
        assert scheduler.should_start(["manage.py", "runserver", "--noreload"], {"QUNTUAN_SCHEDULER_IN_TESTS": "1"}) is False
    with override_settings(INPROCESS_SCHEDULER=True):
        assert scheduler.should_start(["manage.py", "runserver", "--noreload"], {}) is False


@pytest.mark.parametrize(
    ("argv", "environ", "expected"),
    [
        (["manage.py", "runserver"], {"RUN_MAIN": "true"}, True),
        (["manage.py", "runserver"], {}, False),
        (["manage.py", "migrate"], {}, False),
        (["manage.py", "shell"], {}, False),
        (["/venv/bin/gunicorn", "config.wsgi:application"], {}, True),
    ],
)
def test_is_serving_process(argv, environ, expected):
    assert scheduler.is_serving_process(argv, {**environ, "QUNTUAN_SCHEDULER_IN_TESTS": "1"}) is expected
    assert scheduler.is_serving_process(argv, environ) is False  # never under pytest
