import logging

from django.apps import AppConfig

logger = logging.getLogger(__name__)


class CoreConfig(AppConfig):
    name = "quntuan.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from quntuan.core import scheduler

        _connect_celery_heartbeat()
        if scheduler.should_start():
            scheduler.start_scheduler()


def _connect_celery_heartbeat() -> None:
    """Under Celery, record a Heartbeat whenever a periodic task of the beat schedule succeeds,
    so /healthz can tell whether beat and a worker are running."""
    try:
        from celery.signals import task_success
    except ImportError:  # pragma: no cover - celery is a dependency
        return

    def on_success(sender=None, result=None, **kwargs):
        from django.conf import settings

        from quntuan.core.scheduler import heartbeat_name, record_heartbeat

        name = getattr(sender, "name", "")
        periodic = {spec.get("task") for spec in settings.CELERY_BEAT_SCHEDULE.values()}
        if name in periodic:
            try:
                detail = {"source": "celery"}
                if isinstance(result, dict):
                    detail["result"] = {k: v for k, v in result.items() if isinstance(v, int | float | str | bool)}
                record_heartbeat(heartbeat_name(name), detail)
            except Exception:  # never let bookkeeping fail the task
                logger.exception("无法记录后台任务心跳:%s", name)

    task_success.connect(on_success, weak=False, dispatch_uid="quntuan-core-heartbeat")
