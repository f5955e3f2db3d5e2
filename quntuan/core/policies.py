"""Permission policies: one per model, answering "which rows may this user see?" (a queryset)
and "may this user do X to this row?". Views and API endpoints ask the policy; nobody filters
``.objects`` by hand for access control."""

from __future__ import annotations

from django.db.models import QuerySet

from quntuan.core.exceptions import PermissionDenied


class BasePolicy:
    model = None

    def visible(self, user) -> QuerySet:
        raise NotImplementedError

    def require(self, allowed: bool, message: str = "您无权执行此操作。") -> None:
        if not allowed:
            raise PermissionDenied(message)
