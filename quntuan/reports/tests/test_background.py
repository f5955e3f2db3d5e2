"""In the embedded default (Celery eager, one web process) imports and reports run in a thread,
so the request returns at once and the page shows the progress; elsewhere they are queued."""

import pytest

from quntuan.accounts.models import Role
from quntuan.core.testing import make_district, make_user
from quntuan.reports import background
from quntuan.reports.models import ImportRun
from quntuan.reports.tasks import run_roster_import
from quntuan.reports.tests.test_import import xlsx


@pytest.mark.django_db(transaction=True)
def test_embedded_server_runs_the_import_in_a_thread(monkeypatch):
    district = make_district("线程区")
    supervisor = make_user(Role.SUPERVISOR, district)
    run = ImportRun.objects.create(user=supervisor, district=district, kind="residents", filename="a.xlsx",
                                   data=xlsx([["姓名", "手机号"], ["王五", "13800000009"]]))
    monkeypatch.setattr(background, "is_serving_process", lambda: True)
    thread = background.start_task(run_roster_import, run.pk)
    assert thread is not None
    thread.join(timeout=60)
    run.refresh_from_db()
    assert (run.status, run.imported) == ("done", 1)


def test_tests_and_commands_run_tasks_in_place(monkeypatch):
    calls = []

    class Task:
        name = "t"

        def delay(self, *args):
            calls.append(args)

    assert background.start_task(Task(), 7) is None
    assert calls == [(7,)]
