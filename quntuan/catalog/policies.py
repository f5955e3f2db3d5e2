"""The catalogue is public: anyone may see the active services of active organizations. Staff
with platform-administrator rights may change services of the districts in their scope."""

from __future__ import annotations

from django.db.models import QuerySet

from quntuan.catalog.models import Service
from quntuan.core.policies import BasePolicy
from quntuan.organizations.policies import user_district_ids


class ServicePolicy(BasePolicy):
    model = Service

    def visible(self, user) -> QuerySet[Service]:
        return Service.objects.filter(is_active=True, organization__is_active=True)

    def can_change(self, user, service: Service) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if user.is_superuser:
            return True
        ids = user_district_ids(user)
        return user.role == "platform_admin" and (ids is None or service.organization.district_id in ids)


service_policy = ServicePolicy()
