from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "quntuan.activities"
    label = "activities"
    verbose_name = "活动与阵地"
