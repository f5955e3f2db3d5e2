"""Background work for cases. Tasks take ids or nothing, call services and may run twice."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from quntuan.cases.services import escalation_sweep as run_escalation_sweep
from quntuan.core.models import Heartbeat


@shared_task(name="quntuan.cases.tasks.escalation_sweep")
def escalation_sweep() -> dict:
    """The periodic 督办 pass (Celery beat, or the in-process scheduler of the embedded setup)."""
    counts = run_escalation_sweep()
    Heartbeat.objects.update_or_create(
        name="escalation_sweep", defaults={"beat_at": timezone.now(), "detail": {"result": counts, "source": "celery"}}
    )
    return counts
