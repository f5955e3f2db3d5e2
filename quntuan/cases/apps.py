from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "quntuan.cases"
    label = "cases"
    verbose_name = "诉求"
