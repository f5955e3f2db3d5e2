"""The embedded default's periodic work: one daemon thread in the web process runs the entries of
``settings.CELERY_BEAT_SCHEDULE`` (the same table Celery beat uses in production).

Each entry's task is imported by its dotted name and called synchronously in the thread; errors
are logged and the loop carries on. The first run comes a few seconds after start, then every
``schedule`` seconds. After a run the entry's ``Heartbeat`` row is written (named after the
task's last dotted part, e.g. ``escalation_sweep``) so /healthz can say when it last ran.
Tasks are safe to run twice, so two web processes each running the scheduler do no harm.

Started from ``CoreConfig.ready()`` only when ``settings.INPROCESS_SCHEDULER`` is true and the
process is the one serving requests (see ``should_start``).
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

logger = logging.getLogger(__name__)

FIRST_RUN_DELAY_SECONDS = 5.0
# Management commands that may host the scheduler (the serving process); all others never do.
SERVING_COMMANDS = {"runserver", "run_demo", "serve"}


@dataclass
class Entry:
    name: str
    task: str
    interval: float
    next_run: float = 0.0

    @property
    def heartbeat_name(self) -> str:
        return heartbeat_name(self.task)


def heartbeat_name(task_path: str) -> str:
    return task_path.rsplit(".", 1)[-1]


def schedule_entries(schedule: dict | None = None) -> list[Entry]:
    """The runnable entries of a beat schedule; crontab schedules are skipped with a warning."""
    schedule = settings.CELERY_BEAT_SCHEDULE if schedule is None else schedule
    entries = []
    for name, spec in (schedule or {}).items():
        interval = spec.get("schedule")
        if isinstance(interval, timedelta):
            interval = interval.total_seconds()
        if not isinstance(interval, int | float) or interval <= 0:
            logger.warning("进程内调度器跳过任务 %s:只支持按秒间隔的计划。", name)
            continue
        entries.append(Entry(name=name, task=spec["task"], interval=float(interval)))
    return entries


def import_task(path: str):
    """The callable at a dotted path, or None when its module or attribute does not exist yet."""
    module_name, _, attr = path.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            return None
        raise
    return getattr(module, attr, None)


def record_heartbeat(name: str, detail: dict | None = None) -> None:
    from quntuan.core.models import Heartbeat

    Heartbeat.objects.update_or_create(name=name, defaults={"beat_at": timezone.now(), "detail": detail or {}})


def run_entry(entry: Entry) -> bool:
    """Run one entry now, synchronously. Returns True when the task ran without error."""
    close_old_connections()
    try:
        task = import_task(entry.task)
        if task is None:
            logger.warning("进程内调度器:任务 %s 尚不存在,已跳过。", entry.task)
            return False
        started = time.monotonic()
        result = task()
        detail = {"seconds": round(time.monotonic() - started, 3), "source": "in-process"}
        if isinstance(result, dict):
            detail["result"] = {k: v for k, v in result.items() if isinstance(v, int | float | str | bool)}
        record_heartbeat(entry.heartbeat_name, detail)
        return True
    except Exception:
        logger.exception("进程内调度器:任务 %s 运行出错。", entry.task)
        return False
    finally:
        connection.close()


class Scheduler:
    def __init__(self, entries: list[Entry], *, first_delay: float = FIRST_RUN_DELAY_SECONDS):
        self.entries = entries
        self.first_delay = first_delay
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.started_at: float | None = None

    def start(self) -> None:
        if self.is_alive():
            return
        now = time.monotonic()
        for entry in self.entries:
            entry.next_run = now + self.first_delay
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="quntuan-scheduler", daemon=True)
        self._thread.start()
        self.started_at = now
        logger.info("进程内调度器已启动:%s", ", ".join(e.task for e in self.entries) or "(无任务)")

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def is_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _loop(self) -> None:
        while not self._stop.is_set():
            now = time.monotonic()
            for entry in self.entries:
                if self._stop.is_set():
                    break
                if now >= entry.next_run:
                    run_entry(entry)
                    entry.next_run = time.monotonic() + entry.interval
            upcoming = min((e.next_run for e in self.entries), default=time.monotonic() + 60)
            self._stop.wait(max(0.5, min(60.0, upcoming - time.monotonic())))


_scheduler: Scheduler | None = None
_start_lock = threading.Lock()


def get_scheduler() -> Scheduler | None:
    return _scheduler


def start_scheduler() -> Scheduler:
    global _scheduler
    with _start_lock:
        if _scheduler is None:
            _scheduler = Scheduler(schedule_entries())
        _scheduler.start()
    return _scheduler


def _command(argv: list[str]) -> str | None:
    if argv and os.path.basename(argv[0]) in {"manage.py", "django-admin", "django-admin.py"} and len(argv) > 1:
        return argv[1]
    return None


def is_serving_process(argv: list[str] | None = None, environ: dict | None = None) -> bool:
    """True in a process that will serve web requests: runserver's reloaded child (or
    --noreload), or a WSGI/ASGI server (gunicorn, uvicorn...) — anything that is not a
    management command. False under pytest."""
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    if "pytest" in sys.modules and environ.get("QUNTUAN_SCHEDULER_IN_TESTS") != "1":
        return False
    command = _command(argv)
    if command is None:
        return True
    if command == "runserver":
        return environ.get("RUN_MAIN") == "true" or "--noreload" in argv
    return command in SERVING_COMMANDS


def should_start(argv: list[str] | None = None, environ: dict | None = None) -> bool:
    """True only in the process that serves requests and only when the setting asks for it:
    ``runserver``'s reloaded child (RUN_MAIN=true) or ``--noreload``, or any process started with
    QUNTUAN_SCHEDULER=1 (the run script sets it for gunicorn) that is not another management
    command. Never under pytest."""
    argv = sys.argv if argv is None else argv
    environ = os.environ if environ is None else environ
    if not getattr(settings, "INPROCESS_SCHEDULER", False):
        return False
    if "pytest" in sys.modules and environ.get("QUNTUAN_SCHEDULER_IN_TESTS") != "1":
        return False
    command = _command(argv)
    if command is not None:
        if command not in SERVING_COMMANDS:
            return False
        if command == "runserver":
            return environ.get("RUN_MAIN") == "true" or "--noreload" in argv
        return True
    return environ.get("QUNTUAN_SCHEDULER") == "1"


def background_status() -> dict:
    """What /healthz reports about background work."""
    from quntuan.core.models import Heartbeat

    entries = schedule_entries()
    sweep = next((e for e in entries if e.heartbeat_name == "escalation_sweep"), entries[0] if entries else None)
    last = None
    if sweep is not None:
        last = Heartbeat.objects.filter(name=sweep.heartbeat_name).values_list("beat_at", flat=True).first()
    if settings.INPROCESS_SCHEDULER or getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        mode = "in-process"
        running = bool(_scheduler and _scheduler.is_alive())
    else:
        mode = "celery"
        running = bool(
            sweep is not None and last is not None
            and (timezone.now() - last).total_seconds() <= 2 * sweep.interval
        )
    return {"mode": mode, "running": running, "last_beat": last.isoformat() if last else None}
