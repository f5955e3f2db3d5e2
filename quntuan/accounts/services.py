"""Accounts: audit records, memberships, login lockout, resident registration."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from quntuan.accounts.models import AuditRecord, LoginFailure, Role, User
from quntuan.core.exceptions import ApplicationError, Conflict
from quntuan.core.text import is_valid_mobile
from quntuan.organizations.models import Membership

# --- audit -------------------------------------------------------------------------------------


def client_address(request) -> str | None:
    """The client's address as the web server saw it (set your proxy to pass REMOTE_ADDR)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


@transaction.atomic
def audit_record(*, actor, action: str, object_type: str = "", object_id="", result: str = "ok",
                 request=None, detail: dict | None = None) -> AuditRecord:
    """Append one audit record. Records are never changed or deleted afterwards."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return AuditRecord.objects.create(
        actor=actor, action=action[:64], object_type=object_type[:64], object_id=str(object_id)[:64],
        result=result[:32], address=client_address(request), detail=detail or {},
    )


# --- memberships -------------------------------------------------------------------------------


def user_memberships(user) -> QuerySet[Membership]:
    if user is None or not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, organization__is_active=True).select_related(
        "organization", "workstation"
    )


def user_org_ids(user) -> set[int]:
    return set(user_memberships(user).values_list("organization_id", flat=True))


def is_org_leader(user, organization) -> bool:
    if user is None or not user.is_authenticated or organization is None:
        return False
    org_id = getattr(organization, "pk", organization)
    return user_memberships(user).filter(organization_id=org_id, role=Membership.Role.LEADER).exists()


# --- login lockout -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LoginFailureResult:
    locked: bool
    attempts_left: int
    message: str


def _limit() -> int:
    return settings.LOGIN_FAILURE_LIMIT


def _lock_period() -> timedelta:
    return timedelta(minutes=settings.LOGIN_LOCK_MINUTES)


def _normalise_login(login: str) -> str:
    return (login or "").strip()[:120]


def _account_key(login: str) -> str:
    """Failures count against the account when the login names one, else against the string."""
    login = _normalise_login(login)
    user_id = User.objects.filter(Q(username=login) | Q(mobile=login)).values_list("pk", flat=True).first()
    return f"user:{user_id}" if user_id is not None else f"login:{login.lower()}"


def _keys(login: str, address: str | None) -> list[tuple[str, str]]:
    keys = [(LoginFailure.Scope.ACCOUNT, _account_key(login))]
    if address:
        keys.append((LoginFailure.Scope.ADDRESS, address[:128]))
    return keys


def _minutes_left(locked_until: datetime, now: datetime) -> int:
    return max(1, math.ceil((locked_until - now).total_seconds() / 60))


def _locked_message(scope: str, minutes: int) -> str:
    if scope == LoginFailure.Scope.ADDRESS:
        return _("此网络地址登录失败次数过多,已暂停登录,请 %(n)s 分钟后再试。") % {"n": minutes}
    return _("登录失败次数过多,账户已锁定,请 %(n)s 分钟后再试。") % {"n": minutes}


def login_attempt_check(*, login: str, address: str | None, now: datetime | None = None) -> None:
    """Raise ApplicationError (429) while the account or the address is locked."""
    now = now or timezone.now()
    for scope, key in _keys(login, address):
        row = LoginFailure.objects.filter(scope=scope, key=key, locked_until__gt=now).first()
        if row is not None:
            raise ApplicationError(
                _locked_message(scope, _minutes_left(row.locked_until, now)), code="login_locked", status=429,
            )


def login_failed(*, login: str, address: str | None, now: datetime | None = None) -> LoginFailureResult:
    """Count one failed login for the account and for the address; lock at the limit.

    Each counter row is created once (unique scope+key), then locked with select_for_update and
    incremented with F(), so concurrent failures are all counted. Commits on its own: call it
    outside any transaction that will roll back.
    """
    now = now or timezone.now()
    limit, period = _limit(), _lock_period()
    results: list[tuple[str, LoginFailure]] = []
    for scope, key in _keys(login, address):
        with transaction.atomic():
            try:
                with transaction.atomic():
                    LoginFailure.objects.get_or_create(scope=scope, key=key)
            except IntegrityError:
                pass  # created by a concurrent request; lock it below
            row = LoginFailure.objects.select_for_update().get(scope=scope, key=key)
            expired_lock = row.locked_until is not None and row.locked_until <= now
            stale = row.last_failure_at is not None and now - row.last_failure_at > period
            if expired_lock or stale:
                LoginFailure.objects.filter(pk=row.pk).update(failures=1, last_failure_at=now, locked_until=None)
            else:
                LoginFailure.objects.filter(pk=row.pk).update(failures=F("failures") + 1, last_failure_at=now)
            row.refresh_from_db()
            if row.failures >= limit and (row.locked_until is None or row.locked_until <= now):
                row.locked_until = now + period
                row.save(update_fields=["locked_until"])
        results.append((scope, row))

    for scope, row in results:
        if row.locked_until is not None and row.locked_until > now:
            minutes = _minutes_left(row.locked_until, now)
            return LoginFailureResult(True, 0, _locked_message(scope, minutes))
    left = min(limit - row.failures for _scope, row in results)
    return LoginFailureResult(
        False, left, _("手机号/用户名或密码不正确,再失败 %(left)s 次将锁定 %(n)s 分钟。")
        % {"left": left, "n": period.seconds // 60}
    )


@transaction.atomic
def login_succeeded(*, user: User, address: str | None = None) -> None:
    """A successful login clears the account's failure counter (not the address's)."""
    LoginFailure.objects.filter(scope=LoginFailure.Scope.ACCOUNT, key=f"user:{user.pk}").delete()


# --- registration ------------------------------------------------------------------------------


def resident_register(*, mobile: str, code: str, password: str, name: str = "") -> User:
    """Register a resident by mobile number confirmed with an SMS code (purpose "register")."""
    from quntuan.notifications.services import otp_verify

    mobile = (mobile or "").strip()
    if not is_valid_mobile(mobile):
        raise ApplicationError(_("请输入正确的 11 位手机号码。"), code="invalid_mobile")
    if User.objects.filter(Q(mobile=mobile) | Q(username=mobile)).exists():
        raise Conflict(_("该手机号已注册,请直接登录。"), code="mobile_taken")
    candidate = User(mobile=mobile, name=name, role=Role.RESIDENT)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages), code="weak_password") from exc
    otp_verify(mobile=mobile, code=code, purpose="register")
    try:
        with transaction.atomic():
            user = User.objects.create_user(mobile=mobile, password=password, name=name.strip()[:64],
                                            role=Role.RESIDENT)
            audit_record(actor=user, action="register", object_type="user", object_id=user.pk)
    except IntegrityError as exc:
        raise Conflict(_("该手机号已注册,请直接登录。"), code="mobile_taken") from exc
    return user


# --- two-factor (TOTP) -------------------------------------------------------------------------


def totp_new_key() -> str:
    from django_otp.plugins.otp_totp.models import default_key

    return default_key()


def totp_config_url(*, user: User, key: str) -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice(user=user, key=key).config_url


def totp_device_confirm(*, user: User, key: str, token: str, request=None):
    """Confirm the authenticator app set up with ``key``; it replaces the user's other TOTP devices.

    The pending device is stored unconfirmed, so django-otp's throttling counts wrong tries.
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, key=key, confirmed=False).first()
        )
        if device is None:
            device = TOTPDevice.objects.create(user=user, key=key, confirmed=False, name="手机验证器")
        ok = device.verify_token(token)
        if ok:
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit_record(actor=user, action="otp_setup", object_type="user", object_id=user.pk, request=request)
    if not ok:
        raise ApplicationError(_("动态验证码不正确,请核对手机时间后重试。"), code="otp_wrong")
    return device


def totp_verify(*, user: User, token: str, request=None):
    """Return the user's confirmed device that accepts ``token``; raise ApplicationError otherwise."""
    from django_otp import devices_for_user, verify_token

    for device in list(devices_for_user(user, confirmed=True)):
        allowed, _info = device.verify_is_allowed()

        if not allowed:
            audit_record(actor=user, action="otp_verify", object_type="user", object_id=user.pk,
                         result="throttled", request=request)
            raise ApplicationError(_("验证尝试过于频繁,请稍后再试。"), code="otp_throttled", status=429)
        matched = verify_token(user, device.persistent_id, token)
        if matched is not None:
            return matched
    audit_record(actor=user, action="otp_verify", object_type="user", object_id=user.pk,
                 result="failed", request=request)
    raise ApplicationError(_("动态验证码不正确,请重试。"), code="otp_wrong")
