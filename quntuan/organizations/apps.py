from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "quntuan.organizations"
    label = "organizations"
    verbose_name = "组织与区域"
