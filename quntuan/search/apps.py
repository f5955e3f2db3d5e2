from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "quntuan.search"
    label = "search"
    verbose_name = "全文搜索"

    def ready(self):
        from quntuan.search import signals

        signals.connect()
