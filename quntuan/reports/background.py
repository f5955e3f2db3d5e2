"""Starting the report and import tasks. With Celery (production) the task is queued. In the
embedded default Celery runs tasks eagerly, which inside a web request would make the user wait
for the whole import or report with no progress to see; there, in the process that serves
requests, the task runs in a background thread instead, so the page shows its progress bar
while it works. Tests and management commands keep running tasks in place."""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connections

from quntuan.core.scheduler import is_serving_process

log = logging.getLogger(__name__)


def _run(task, args) -> None:
    try:
        task.apply(args=args, throw=True)
    except Exception:  # the task records its own failure (draft FAILED, run REJECTED)
        log.exception("background task %s%r failed", task.name, args)
    finally:
        connections.close_all()


def start_task(task, *args) -> threading.Thread | None:
    """Queue ``task`` (call after commit); in the embedded single-process setup run it in a
    thread (returned)."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) and is_serving_process():
        thread = threading.Thread(target=_run, args=(task, args), name=f"quntuan-{task.name}", daemon=True)
        thread.start()
        return thread
    task.delay(*args)
    return None
