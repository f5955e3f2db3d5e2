"""The duplicate check's stored clues: filled in batches for cases stored before the column or
under an older extraction version (``routing.services.clue_version``). Intake stores them for new
cases; the check itself recomputes a stale candidate lazily. Only the ``clues`` column is
written (``updated_at`` stays, so the search refresh sees no change)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from quntuan.cases.models import OPEN_STATUSES, Case
from quntuan.cases.queries import clue_text
from quntuan.routing.services import clue_version, clues_to_store


def stale_clues_q(version: int) -> Q:
    return Q(clues__isnull=True) | ~Q(clues__v=version)


def case_clues_backfill(
    *,
    batch_size: int = 1000,
    received_since: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Compute and store the clues of every case whose stored clues are missing or stale (with
    ``received_since``: only cases received since then, and open cases), walking the table by
    primary key in batches of ``batch_size``, one short transaction each. Safe to stop and run
    again; returns the number of cases written."""
    version = clue_version()
    scope = Case.objects.all()
    if received_since is not None:
        scope = scope.filter(Q(received_at__gte=received_since) | Q(status__in=OPEN_STATUSES))
    last_id, written = 0, 0
    while True:
        rows = list(
            scope.filter(pk__gt=last_id)
            .filter(stale_clues_q(version))
            .order_by("pk")
            .values_list("pk", "title", "content")[:batch_size]
        )
        if not rows:
            return written
        last_id = rows[-1][0]
        objs = [Case(pk=pk, clues=clues_to_store(clue_text(title, content))) for pk, title, content in rows]
        with transaction.atomic():
            Case.objects.bulk_update(objs, ["clues"], batch_size=batch_size)
        written += len(objs)
        if progress is not None:
            progress(written, last_id)
