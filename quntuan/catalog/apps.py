from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "quntuan.catalog"
    label = "catalog"
    verbose_name = "服务目录"
