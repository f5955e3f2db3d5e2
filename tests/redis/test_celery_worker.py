"""A real Celery worker (a separate process) takes the escalation sweep from Redis and flags an
overdue case in the shared database; sent twice, it flags it once.

The worker opens the test database itself, so that database must be reachable from another
process: PostgreSQL (DATABASE_URL), or a SQLite file (SQLITE_TEST_PATH)."""

import os
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from celery import Celery
from django.db import connection
from django.utils import timezone

from quntuan.cases.models import CaseEvent, CaseStatus, EscalationLevel
from quntuan.cases.services import case_submit
from quntuan.core.models import Heartbeat
from quntuan.core.testing import make_district, make_org, make_resident, make_service, make_staff

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
TASK = "quntuan.cases.tasks.escalation_sweep"


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/0"


def _worker_database_env() -> dict:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return {"DATABASE_URL": f"postgresql://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"}
    name = str(db["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        message = "the Celery worker cannot open an in-memory SQLite test database: set DATABASE_URL or SQLITE_TEST_PATH"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return {"DATABASE_URL": "", "SQLITE_PATH": name}


def _wait_for(predicate, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.5)
    return None


@pytest.fixture
def worker(tmp_path):
    queue = f"qt-test-{uuid.uuid4().hex[:10]}"
    env = {
        **os.environ,
        **_worker_database_env(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "CELERY_BROKER_URL": redis_url(),
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    log = (tmp_path / "worker.log").open("w")
    proc = subprocess.Popen(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--concurrency=1",
         "-Q", queue, "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    client = Celery("quntuan-test-client", broker=redis_url())
    try:
        yield client, queue, tmp_path / "worker.log"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        with client.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)
        connection.close()


def test_worker_runs_the_escalation_sweep_from_redis_once(worker):
    client, queue, log_path = worker
    district = make_district()
    union = make_org(district, "union")
    make_staff(union, leader=True)
    receiver = make_staff(union, on_duty=True)
    service = make_service(union, time_limit_class="help")
    resident = make_resident(district)
    # Came in three weeks ago and was contacted, never closed: far past its five working days.
    with time_machine.travel(timezone.now() - timedelta(days=21), tick=False):
        case = case_submit(
            district=district, title="单位拖欠工资", content="公司三个月没有发工资。", requester=resident,
            requester_name=resident.name, requester_mobile=resident.mobile, channel="web", service=service,
        )
    assert case.first_inquirer == receiver
    assert case.escalation_level == EscalationLevel.NONE

    first = client.send_task(TASK, queue=queue)
    assert _wait_for(lambda: f"[{first.id}] succeeded" in log_path.read_text()), log_path.read_text()

    # the heartbeat is written after the sweep has committed
    beat = _wait_for(lambda: Heartbeat.objects.filter(name="escalation_sweep").first())
    assert beat is not None, log_path.read_text()
    assert beat.detail["source"] == "celery"
    case.refresh_from_db()
    assert case.escalation_level == EscalationLevel.RED
    first_beat = beat.beat_at

    # Safe to run twice: the second sweep finds nothing new.
    second = client.send_task(TASK, queue=queue)
    assert _wait_for(lambda: f"[{second.id}] succeeded" in log_path.read_text()), log_path.read_text()
    assert Heartbeat.objects.get(name="escalation_sweep").beat_at > first_beat
    case.refresh_from_db()
    assert case.status == CaseStatus.PENDING
    assert case.escalation_level == EscalationLevel.RED
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.RED_FLAG).count() == 1
    assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.YELLOW_FLAG).count() == 0
