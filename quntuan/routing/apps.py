from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "quntuan.routing"
    label = "routing"
    verbose_name = "智能分派"
