"""Fault test: a real Celery worker (a separate process) fans a notice out to 2,000 residents
through Redis on PostgreSQL; it is killed with SIGKILL mid-way, another worker resumes the
fan-out, and every targeted resident ends up with exactly one delivery and one inbox message.
``PROGRAMS_FAULT_N=100000`` runs it at the issue's size (see docs/benchmarks.md)."""

import os
import signal
import subprocess
import sys
import time
import uuid
from unittest import mock

import pytest
from celery import Celery
from django.db import connection
from django.db.models import Count

from quntuan.accounts.models import Role, User
from quntuan.core.testing import make_community, make_district, make_org, make_staff
from quntuan.notifications.models import Notification
from quntuan.programs import services
from quntuan.programs.models import Notice, NoticeDelivery, ProgramRules, ResidentProfile
from tests.redis.test_celery_worker import ROOT, _wait_for, _worker_database_env

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

N = int(os.environ.get("PROGRAMS_FAULT_N", "2000"))
BATCH = 50 if N <= 5000 else 500
TASK = "quntuan.programs.tasks.notice_fanout"
BROKER = os.environ.get("PROGRAMS_TEST_BROKER_URL", "redis://127.0.0.1:6379/9")


def _start_worker(queue: str, log_path):
    env = {
        **os.environ, **_worker_database_env(),
        "DJANGO_SETTINGS_MODULE": "config.settings.local", "CELERY_TASK_ALWAYS_EAGER": "false",
        "QUNTUAN_INPROCESS_SCHEDULER": "false", "DJANGO_DEBUG": "false", "CELERY_BROKER_URL": BROKER,
        "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1",
    }
    log = log_path.open("a")
    # celery itself (not through `uv run`), so that the pid we kill is the worker's
    proc = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    return proc, log


def _population() -> tuple:
    district = make_district()
    ProgramRules.objects.create(district=district, weekly_cap=3)
    community = make_community(district, "幸福社区")
    union = make_org(district, "union")
    staff = make_staff(union)
    users = User.objects.bulk_create(
        [User(mobile=f"137{i:08d}", name=f"居民{i}", role=Role.RESIDENT, region=district, community=community,
              password="!") for i in range(N)])
    ResidentProfile.objects.bulk_create(
        [ResidentProfile(user=u, district=district, community=community, employment_status="unemployed",
                         consent_employment=True) for u in users])
    return union, staff, users


def test_killed_worker_mid_fanout_every_resident_gets_exactly_one(tmp_path):
    union, staff, users = _population()
    notice = services.notice_create(actor=staff, organization=union, title="免费技能培训", body="欢迎报名",
                                    purpose="employment",
                                    criteria={"attr": "employment_status", "op": "eq", "value": "unemployed"})
    with mock.patch("quntuan.programs.tasks.notice_fanout.delay"):
        services.notice_publish(actor=staff, notice=notice, now=None)
    Notice.objects.filter(pk=notice.pk).update(not_before=None)  # no quiet hours in this test
    assert Notice.objects.get(pk=notice.pk).audience_size == N

    queue = f"qt-programs-{uuid.uuid4().hex[:10]}"
    client = Celery("quntuan-test-client", broker=BROKER)
    log_path = tmp_path / "worker.log"
    first, first_log = _start_worker(queue, log_path)
    second = second_log = None
    try:
        client.send_task(TASK, args=[notice.pk, BATCH], queue=queue)
        reached = _wait_for(lambda: NoticeDelivery.objects.filter(notice=notice).count() >= N // 4,
                            timeout=max(120, N // 100))
        assert reached, log_path.read_text()
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        stopped_at = NoticeDelivery.objects.filter(notice=notice).count()
        assert stopped_at < N, "the worker finished before it was killed; raise N"

        second, second_log = _start_worker(queue, log_path)
        # what the resume sweep does for a stalled fan-out
        client.send_task(TASK, args=[notice.pk, BATCH], queue=queue)
        done = _wait_for(lambda: Notice.objects.filter(pk=notice.pk, status=Notice.Status.DONE).exists(),
                         timeout=max(240, N // 50))
        assert done, log_path.read_text()[-3000:]
        time.sleep(1)  # let a duplicate task, if any, run too

        deliveries = NoticeDelivery.objects.filter(notice=notice)
        assert deliveries.count() == N
        assert set(deliveries.values_list("resident_id", flat=True)) == {u.pk for u in users}
        assert not deliveries.values("resident_id").annotate(n=Count("pk")).filter(n__gt=1).exists()
        inbox = Notification.objects.filter(dedup_key__startswith=f"notice:{notice.pk}:")
        assert inbox.count() == N
        assert not inbox.values("user_id").annotate(n=Count("pk")).filter(n__gt=1).exists()
    finally:
        for proc, log in ((first, first_log), (second, second_log)):
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            if log is not None:
                log.close()
        with client.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
        connection.close()
