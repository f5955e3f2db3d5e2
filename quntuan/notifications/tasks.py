"""Celery tasks: take ids, call services, safe to run twice (the row's status says whether it went)."""

from celery import shared_task

from quntuan.notifications import services

MAX_RETRIES = 6


@shared_task(bind=True, max_retries=MAX_RETRIES, acks_late=True, ignore_result=True)
def deliver_outbound_message(self, message_id: int) -> bool:
    try:
        return services.outbound_deliver(message_id=message_id)
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            services.outbound_mark_failed(message_id=message_id, error=f"{type(exc).__name__}: {exc}")
            raise
        raise self.retry(exc=exc, countdown=min(3600, 30 * 2 ** self.request.retries)) from exc


@shared_task(ignore_result=True)
def requeue_pending_outbound() -> int:
    """Periodic: queue again e-mail and SMS still pending after ten minutes."""
    return services.outbound_requeue_pending()
