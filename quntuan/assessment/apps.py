from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "quntuan.assessment"
    label = "assessment"
    verbose_name = "督查与考核"
