"""Login status for pages and apps: ``GET /api/accounts/me`` (session, bearer token or Basic;
anonymous visitors get ``authenticated: false``)."""

from ninja import Router, Schema

from quntuan.accounts.decorators import staff_access_problem
from quntuan.api.auth import AUTH_OPTIONAL, request_user
from quntuan.notifications.policies import notification_policy

router = Router(tags=["账户"])


class MeOut(Schema):
    authenticated: bool
    id: int | None = None
    name: str = ""
    login_name: str = ""
    role: str = ""
    role_label: str = ""
    is_staff_member: bool = False
    otp_verified: bool = False
    staff_access: str | None = None
    unread_notifications: int = 0


@router.get("/me", response=MeOut, summary="当前登录状态", auth=AUTH_OPTIONAL)
def me(request):
    user = request_user(request)
    if not user.is_authenticated:
        return MeOut(authenticated=False)
    by_session = request.user.is_authenticated and request.user.pk == user.pk
    return MeOut(
        authenticated=True,
        id=user.pk,
        name=user.name,
        login_name=user.login_name,
        role=user.role,
        role_label=user.get_role_display(),
        is_staff_member=user.is_staff_member,
        otp_verified=bool(getattr(request.user, "is_verified", lambda: False)()) if by_session else False,
        staff_access=staff_access_problem(request) if (user.is_staff_member and by_session) else None,
        unread_notifications=notification_policy.unread_count(user),
    )
