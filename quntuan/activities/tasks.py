"""Background work for activities. Tasks take ids or nothing, call services and may run twice."""

from __future__ import annotations

from celery import shared_task

from quntuan.activities.services import send_reminders


@shared_task(name="quntuan.activities.tasks.activity_reminders")
def activity_reminders() -> int:
    """Remind everyone confirmed for tomorrow's activities (Celery beat hourly, or the in-process
    scheduler). Each registration is reminded once (notify's dedup key), so running it every
    hour, or twice, sends nothing twice."""
    return send_reminders()
