from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "quntuan.accounts"
    label = "accounts"
    verbose_name = "账户"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from quntuan.accounts import authcache
        from quntuan.accounts.models import User

        post_save.connect(authcache.user_changed, sender=User, dispatch_uid="authcache-user-save")
        post_delete.connect(authcache.user_changed, sender=User, dispatch_uid="authcache-user-delete")
        # every kind of second-factor device (the receiver checks that it is one)
        post_save.connect(authcache.device_changed, dispatch_uid="authcache-device-save")
        post_delete.connect(authcache.device_changed, dispatch_uid="authcache-device-delete")
