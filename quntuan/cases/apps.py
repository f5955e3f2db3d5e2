from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "quntuan.cases"
    label = "cases"
    verbose_name = "诉求"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from quntuan.cases.services._common import config_changed
        from quntuan.organizations.models import DistrictRules
        from quntuan.workdays.models import CalendarYear, SpecialDay

        # The per-process cache of the working calendar and district rules (services/_common.py).
        for model in (CalendarYear, SpecialDay, DistrictRules):
            post_save.connect(config_changed, sender=model, dispatch_uid=f"cases-config-{model._meta.label}")
            post_delete.connect(config_changed, sender=model, dispatch_uid=f"cases-config-delete-{model._meta.label}")
