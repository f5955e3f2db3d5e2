"""Background work for routing. Safe to run twice: each run trains and stores a new version that
becomes active only if it does at least as well on a held-out slice."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="quntuan.routing.tasks.routing_retrain")
def routing_retrain() -> int:
    from quntuan.routing.services import routing_retrain as retrain

    return retrain().version
