from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "quntuan.reports"
    label = "reports"
    verbose_name = "工作汇报与台账"
