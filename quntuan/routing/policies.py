"""Who may manage routing models (see versions, roll back): the district supervisor (区督查人员)
and the platform administrator. Staff only."""

from __future__ import annotations

from quntuan.accounts.models import Role


def can_manage_models(user) -> bool:
    from quntuan.cases.policies import is_platform_admin

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not getattr(user, "is_staff_member", False):
        return False
    return is_platform_admin(user) or user.role == Role.SUPERVISOR
