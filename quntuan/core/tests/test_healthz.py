from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from quntuan.core import scheduler
from quntuan.core.models import Heartbeat

pytestmark = pytest.mark.django_db


def test_healthz_in_process_mode_without_thread(client):
    from django.db import connection

    backend = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "database": {"backend": backend, "ok": True},
        "background": {"mode": "in-process", "running": False, "last_beat": None},
    }


def test_healthz_reports_running_in_process_scheduler(client, monkeypatch):
    class Alive:
        def is_alive(self):
            return True

    monkeypatch.setattr(scheduler, "_scheduler", Alive())
    beat = timezone.now() - timedelta(seconds=30)
    Heartbeat.objects.create(name="escalation_sweep", beat_at=beat)
    with override_settings(INPROCESS_SCHEDULER=True):
        data = client.get("/healthz").json()
    assert data["background"] == {"mode": "in-process", "running": True, "last_beat": beat.isoformat()}


@pytest.mark.parametrize(("age_seconds", "running"), [(10, True), (599, True), (601, False)])
def test_healthz_celery_mode_uses_heartbeat_freshness(client, age_seconds, running):
    Heartbeat.objects.create(name="escalation_sweep", beat_at=timezone.now() - timedelta(seconds=age_seconds))
    schedule = {"escalation-sweep": {"task": "quntuan.cases.tasks.escalation_sweep", "schedule": 300}}
    with override_settings(INPROCESS_SCHEDULER=False, CELERY_TASK_ALWAYS_EAGER=False, CELERY_BEAT_SCHEDULE=schedule):
        data = client.get("/healthz").json()
    assert data["background"]["mode"] == "celery"
    assert data["background"]["running"] is running


def test_healthz_celery_mode_without_any_beat(client):
    with override_settings(INPROCESS_SCHEDULER=False, CELERY_TASK_ALWAYS_EAGER=False):
        data = client.get("/healthz").json()
    assert data["background"] == {"mode": "celery", "running": False, "last_beat": None}


def test_healthz_database_failure_is_503(client, monkeypatch):
    from django.db import connection, connections

    def broken_cursor(self, *args, **kwargs):
        raise RuntimeError("down")

    backend = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    monkeypatch.setattr(type(connections["default"]), "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"] == {"backend": backend, "ok": False}


@pytest.mark.postgres
def test_healthz_names_postgresql(client):
    data = client.get("/healthz").json()
    assert data["database"] == {"backend": "postgresql", "ok": True}
    assert data["status"] == "ok"
