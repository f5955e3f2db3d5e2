from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "quntuan.programs"
    label = "programs"
    verbose_name = "计划与精准推送"
