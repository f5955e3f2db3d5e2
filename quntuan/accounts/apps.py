from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "quntuan.accounts"
    label = "accounts"
    verbose_name = "账户"

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_delete, post_save
        from django_otp.models import Device

        from quntuan.accounts import authcache
        from quntuan.accounts.models import User

        post_save.connect(authcache.user_changed, sender=User, dispatch_uid="authcache-user-save")
        post_delete.connect(authcache.user_changed, sender=User, dispatch_uid="authcache-user-delete")
        for model in apps.get_models():  # every installed kind of second-factor device
            if issubclass(model, Device):
                post_save.connect(authcache.device_changed, sender=model, dispatch_uid=f"authcache-{model._meta.label}-save")
                post_delete.connect(authcache.device_changed, sender=model,
                                    dispatch_uid=f"authcache-{model._meta.label}-delete")
