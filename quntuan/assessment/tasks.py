"""Background work of the assessment app."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="quntuan.assessment.tasks.rollups_compact")
def rollups_compact() -> dict:
    """Fold the rollups' delta rows into one row per key (see rollups.compact). Harmless to run
    twice or concurrently; the sums do not change."""
    from quntuan.assessment import rollups

    return rollups.compact()
