from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "quntuan.core"
    label = "core"
    verbose_name = "基础"
