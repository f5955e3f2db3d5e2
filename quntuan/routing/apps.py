import logging
import threading

from django.apps import AppConfig


def warm_up() -> None:
    """Load jieba's dictionary and the active routing model (a few seconds) so that the first
    resident who types a request does not wait for them."""
    try:
        from quntuan.routing.services import routing_suggest

        routing_suggest(text="单位拖欠工资")
    except Exception:  # never take the process down; the first suggestion will try again
        logging.getLogger(__name__).exception("智能分派模型预加载失败")


class RoutingConfig(AppConfig):
    name = "quntuan.routing"
    label = "routing"
    verbose_name = "智能分派"

    def ready(self):
        from quntuan.core.scheduler import is_serving_process

        if is_serving_process():
            threading.Thread(target=warm_up, name="quntuan-routing-warm-up", daemon=True).start()
