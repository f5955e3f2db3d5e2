from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "quntuan.accounts"
    label = "accounts"
    verbose_name = "账户"
