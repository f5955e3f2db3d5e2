"""An import interrupted by a dead worker or a restarted server (still queued or importing long
after it started) is queued again from the file it kept — it wrote nothing, being one
transaction — and rejected with a message after too many starts. Runs that are still young are
left alone."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from quntuan.accounts.models import User
from quntuan.reports.importer import import_runs_resume
from quntuan.reports.models import ImportRun
from quntuan.reports.tasks import resume_imports
from quntuan.reports.tests.test_import import xlsx


def a_run(world, *, status, started_minutes_ago=None, created_minutes_ago=0, attempts=0, mobile="13800000071"):
    run = ImportRun.objects.create(user=world.supervisor, district=world.district, kind="residents",
                                   filename="名册.xlsx", data=xlsx([["姓名", "手机号"], ["王五", mobile]]),
                                   status=status, attempts=attempts)
    now = timezone.now()
    started = None if started_minutes_ago is None else now - timedelta(minutes=started_minutes_ago)
    ImportRun.objects.filter(pk=run.pk).update(created_at=now - timedelta(minutes=created_minutes_ago),
                                               started_at=started)
    return run


def test_an_import_left_importing_is_imported_again(world, django_capture_on_commit_callbacks):
    run = a_run(world, status=ImportRun.Status.RUNNING, started_minutes_ago=120, created_minutes_ago=121, attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_runs_resume() == 1
    run.refresh_from_db()
    assert (run.status, run.imported, run.attempts, run.data) == ("done", 1, 2, b"")
    assert User.objects.filter(mobile="13800000071").count() == 1


def test_a_queued_import_whose_task_was_lost_is_queued_again(world, django_capture_on_commit_callbacks):
    run = a_run(world, status=ImportRun.Status.PENDING, created_minutes_ago=90)
    with django_capture_on_commit_callbacks(execute=True):
        assert resume_imports() == 1  # the periodic task
    run.refresh_from_db()
    assert (run.status, run.imported, run.attempts) == ("done", 1, 1)


def test_too_many_starts_reject_the_import_with_a_message(world, django_capture_on_commit_callbacks):
    run = a_run(world, status=ImportRun.Status.RUNNING, started_minutes_ago=120, created_minutes_ago=500,
                attempts=settings.IMPORT_MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert import_runs_resume() == 1
    assert callbacks == []  # nothing queued
    run.refresh_from_db()
    assert (run.status, run.imported, run.data) == ("rejected", 0, b"")
    assert run.errors == [{"row": 0, "column": "",
                           "message": "导入多次中断，未导入任何数据，请重新上传文件；如仍失败请联系平台管理员。"}]
    assert run.finished_at is not None
    assert not User.objects.filter(mobile="13800000071").exists()


@pytest.mark.parametrize(("status", "started", "created"), [
    (ImportRun.Status.RUNNING, 5, 6),  # still importing
    (ImportRun.Status.PENDING, None, 5),  # just queued
    (ImportRun.Status.DONE, 300, 301),  # finished
    (ImportRun.Status.REJECTED, 300, 301),
])
def test_young_and_finished_imports_are_left_alone(world, django_capture_on_commit_callbacks, status, started, created):
    run = a_run(world, status=status, started_minutes_ago=started, created_minutes_ago=created)
    with django_capture_on_commit_callbacks(execute=True):
        assert import_runs_resume() == 0
    assert ImportRun.objects.get(pk=run.pk).status == status


def test_the_resume_runs_periodically():
    entries = {spec["task"]: spec["schedule"] for spec in settings.CELERY_BEAT_SCHEDULE.values()}
    assert entries["quntuan.reports.tasks.resume_imports"] <= settings.IMPORT_STALE_MINUTES * 60
