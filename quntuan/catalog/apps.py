import threading

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "quntuan.catalog"
    label = "catalog"
    verbose_name = "服务目录"

    def ready(self):
        from quntuan.core.scheduler import is_serving_process

        if is_serving_process():
            # Loading jieba's dictionary takes a few seconds; do it in the background at start so
            # the first resident who searches does not wait. Still once per process (locked).
            from quntuan.catalog.search import warm_up

            threading.Thread(target=warm_up, name="quntuan-jieba-warm-up", daemon=True).start()
