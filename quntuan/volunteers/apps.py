from django.apps import AppConfig


class VolunteersConfig(AppConfig):
    name = "quntuan.volunteers"
    label = "volunteers"
    verbose_name = "志愿者与培训"
