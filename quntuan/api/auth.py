"""Authentication for the JSON API.

Three ways in, tried in this order by every endpoint that needs a user:

* ``SessionCookie`` — the browser's Django session. Unsafe methods (POST, PUT, PATCH, DELETE)
  must carry the CSRF token (``X-CSRFToken`` header), as ninja's ``SessionAuth`` requires.
* ``BearerToken`` — ``Authorization: Bearer <token>``, a token signed with ``django.core.signing``
  and valid for 12 hours, obtained from ``POST /api/auth/token`` with login and password.
  Changing the password invalidates every token issued before.
* ``BasicAuth`` — ``Authorization: Basic`` with login and password for simple scripts; it goes
  through ``django.contrib.auth.authenticate`` like the login page, so the lockout rules apply.

Staff who use a second factor (TOTP; required in production) get a token only with a valid
dynamic code (``otp_token``), cannot use Basic authentication, and use a session only once the
code was verified in it — the same rule as the staff pages.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema
from ninja.security import APIKeyCookie, HttpBasicAuth, HttpBearer
from ninja.throttling import SimpleRateThrottle
from ninja.utils import check_csrf

from quntuan.core.exceptions import ApplicationError

TOKEN_SALT = "quntuan.api.token"
TOKEN_MAX_AGE = timedelta(hours=12)
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class Unauthenticated(ApplicationError):
    status_code = 401

    def __init__(self, message: str | None = None, **kwargs):
        kwargs.setdefault("code", "unauthenticated")
        super().__init__(message or _("请先登录,或提供有效的访问令牌。"), **kwargs)


OTP_MESSAGES = {
    "otp_verify": gettext_lazy("请先在网页上完成动态口令验证后再使用接口。"),
    "otp_setup": gettext_lazy("工作人员须先在网页上设置动态口令(双因素登录)后才能使用接口。"),
}


def second_factor_problem(user) -> str | None:
    """For staff: "otp_verify" when they have a confirmed TOTP device, "otp_setup" when the
    settings require one and they have none; None otherwise (the pages' rule, without a session)."""
    if not getattr(user, "is_staff_member", False):
        return None
    from quntuan.accounts.authcache import has_confirmed_device

    if has_confirmed_device(user):
        return "otp_verify"
    if getattr(settings, "STAFF_2FA_REQUIRED", False):
        return "otp_setup"
    return None


def password_login(request: HttpRequest, login: str, password: str):
    """The user for a login and password, under the same lockout rules as the login page:
    a locked account or address is refused (429), and each failure is counted."""
    from quntuan.accounts.services import client_address, login_attempt_check, login_failed, login_succeeded

    login = (login or "").strip()
    address = client_address(request)
    login_attempt_check(login=login, address=address)
    user = authenticate(request, username=login, password=password)
    if user is None:
        result = login_failed(login=login, address=address)
        if result.locked:
            raise ApplicationError(result.message, code="login_locked", status=429)
        raise Unauthenticated(result.message, code="invalid_credentials")
    login_succeeded(user=user, address=address)
    return user


def _password_fingerprint(user) -> str:
    # HMAC of the password hash, as Django's sessions use: a new password voids old tokens.
    return user.get_session_auth_hash()[:20]


def token_issue(user) -> tuple[str, datetime]:
    """A signed token for ``user`` and the moment it expires."""
    token = signing.dumps({"u": user.pk, "p": _password_fingerprint(user)}, salt=TOKEN_SALT, compress=True)
    return token, timezone.now() + TOKEN_MAX_AGE


def token_user(token: str):
    """The active user a token was issued to, or None if it is forged, expired or revoked."""
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    user = get_user_model().objects.filter(pk=data.get("u"), is_active=True).first()
    if user is None or not constant_time_compare(str(data.get("p", "")), _password_fingerprint(user)):
        return None
    return user


class SessionCookie(APIKeyCookie):
    """The Django session of a logged-in browser; CSRF token required for unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "网页登录后的会话(Cookie)。POST 等写操作须在 X-CSRFToken 请求头中附带 CSRF 令牌。"

    def _get_key(self, request: HttpRequest):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if (
            self.csrf
            and request.method in UNSAFE_METHODS
            and not getattr(request, "_ninja_csrf_exempt", False)
            and check_csrf(request) is not None
        ):
            raise ApplicationError(
                _("CSRF 校验失败:请刷新页面后重试,或在 X-CSRFToken 请求头中附带令牌。"), code="csrf_failed", status=403
            )
        if getattr(user, "is_staff_member", False):
            # The same rule as the staff pages: a second factor verified in this session.
            from quntuan.accounts.decorators import staff_access_problem

            problem = staff_access_problem(request)
            if problem in OTP_MESSAGES:
                raise ApplicationError(str(OTP_MESSAGES[problem]), code="otp_required", status=403)
        return user


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` with a token from ``POST /api/auth/token``."""

    openapi_description = "访问令牌:先调用 POST /api/auth/token 获取,12 小时内有效;修改密码后作废。"
    openapi_bearerFormat = "signed"

    def authenticate(self, request: HttpRequest, token: str):
        user = token_user(token)
        if user is None:
            raise Unauthenticated(_("访问令牌无效或已过期,请重新获取。"), code="invalid_token")
        return user


class BasicAuth(HttpBasicAuth):
    """``Authorization: Basic`` with login (username or mobile) and password."""

    openapi_description = "HTTP Basic:登录名(用户名或手机号)和密码;连续输错将按登录规则锁定。"

    def authenticate(self, request: HttpRequest, username: str, password: str):
        user = password_login(request, username, password)
        if second_factor_problem(user):
            raise Unauthenticated(_("已启用动态口令的工作人员不能使用 Basic 认证,请用动态口令获取访问令牌。"),
                                  code="otp_required")
        return user


def anonymous(request: HttpRequest):
    """Last in the list of endpoints open to visitors: lets the request through as anonymous."""
    return AnonymousUser()


session_auth = SessionCookie()
bearer_auth = BearerToken()
basic_auth = BasicAuth()

#: For endpoints that need a logged-in user.
AUTH = [session_auth, bearer_auth, basic_auth]
#: For endpoints open to visitors (the user is identified when credentials are given).
AUTH_OPTIONAL = [session_auth, bearer_auth, basic_auth, anonymous]


def request_user(request: HttpRequest):
    """The user the API authenticated (AnonymousUser on open endpoints without credentials)."""
    user = getattr(request, "auth", None)
    return user if user is not None else AnonymousUser()


# --- POST /api/auth/token ---------------------------------------------------------------------

router = Router(tags=["认证"])


class TokenIn(Schema):
    login: str = Field(..., title="登录名", description="用户名(工作人员)或手机号(群众)", min_length=1, max_length=64)
    password: str = Field(..., title="密码", description="登录密码", min_length=1, max_length=128)
    otp_token: str = Field(
        "", title="动态口令", description="要求双因素登录时,工作人员须填写身份验证器上的 6 位动态口令", max_length=16
    )


class TokenOut(Schema):
    token: str = Field(..., description="访问令牌,放在请求头 Authorization: Bearer <令牌>")
    token_type: str = Field("Bearer", description="令牌类型,固定为 Bearer")
    expires_at: datetime = Field(..., description="失效时间(12 小时后)")


class ErrorOut(Schema):
    code: str = Field(..., description="错误代码")
    message: str = Field(..., description="错误说明")


class AddressRateThrottle(SimpleRateThrottle):
    """Counts requests per client address, whether or not credentials were given."""

    def __init__(self, scope: str, rate: str):
        self.scope = scope
        super().__init__(rate)

    def get_cache_key(self, request: HttpRequest):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


@router.post(
    "/token",
    response={200: TokenOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    auth=None,
    throttle=[AddressRateThrottle("api_token", "20/m")],
    summary="获取访问令牌",
    operation_id="auth_token",
)
def auth_token(request, payload: TokenIn):
    """用登录名和密码换取 12 小时有效的访问令牌。"""
    user = password_login(request, payload.login, payload.password)
    problem = second_factor_problem(user)
    if problem == "otp_setup":
        raise Unauthenticated(str(OTP_MESSAGES["otp_setup"]), code="otp_setup")
    if problem == "otp_verify":
        from django_otp import match_token

        if not payload.otp_token or match_token(user, payload.otp_token.strip()) is None:
            raise Unauthenticated(_("动态口令错误或未填写。"), code="otp_required")
    token, expires_at = token_issue(user)
    return {"token": token, "token_type": "Bearer", "expires_at": expires_at}


class WhoAmIOut(Schema):
    id: int = Field(..., description="用户编号")
    name: str = Field(..., description="姓名")
    login_name: str = Field(..., description="登录名")
    role: str = Field(..., description="角色代码")
    role_label: str = Field(..., description="角色")


@router.get("/whoami", response={200: WhoAmIOut, 401: ErrorOut, 403: ErrorOut}, auth=AUTH,
            summary="当前凭据对应的用户", operation_id="auth_whoami")
def auth_whoami(request):
    """检查会话、访问令牌或 Basic 凭据是否有效,并返回对应的用户。"""
    user = request_user(request)
    return {"id": user.pk, "name": user.name, "login_name": user.login_name, "role": user.role,
            "role_label": user.get_role_display()}
