"""Login, logout, resident registration, password change and staff two-factor pages.

Thin: forms check input, services do the work and raise ApplicationError with the message shown.
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import user_has_device

from quntuan.accounts import services
from quntuan.accounts.decorators import STAFF_ONLY_MESSAGE
from quntuan.accounts.forms import LoginForm, RegisterForm, SendCodeForm, TokenForm
from quntuan.accounts.models import User
from quntuan.core.exceptions import ApplicationError
from quntuan.notifications.services import otp_send

RESIDENT_HOME = "/"
STAFF_HOME = "/cases/workbench/"
PENDING_KEY = "otp_pending"
PENDING_SECONDS = 5 * 60
SETUP_KEY = "otp_setup_key"


def landing_url(user) -> str:
    return STAFF_HOME if getattr(user, "is_staff_member", False) else RESIDENT_HOME


def _safe_next(request, default: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return nxt
    return default


def _complete_login(request, user: User, device=None) -> None:
    auth_login(request, user)
    if device is not None:
        django_otp.login(request, device)
    request.session["last_seen"] = int(time.time())
    services.audit_record(actor=user, action="login", object_type="user", object_id=user.pk, request=request,
                          detail={"otp": device is not None})


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request):
    idle_minutes = settings.STAFF_IDLE_TIMEOUT_SECONDS // 60
    idle = bool(request.session.pop("idle_logged_out", False))
    if request.method == "GET" and request.user.is_authenticated and not idle:
        return redirect(_safe_next(request, landing_url(request.user)))

    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            login = form.cleaned_data["login"].strip()
            address = services.client_address(request)
            try:
                services.login_attempt_check(login=login, address=address)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
                services.audit_record(actor=None, action="login", object_type="login", object_id=login,
                                      result="locked", request=request)
            else:
                user = authenticate(request, username=login, password=form.cleaned_data["password"])
                if user is None:
                    result = services.login_failed(login=login, address=address)
                    form.add_error(None, result.message)
                    status = 429 if result.locked else 400
                    services.audit_record(actor=None, action="login", object_type="login", object_id=login,
                                          result="locked" if result.locked else "failed", request=request)
                else:
                    services.login_succeeded(user=user, address=address)
                    nxt = _safe_next(request, landing_url(user))
                    if user.is_staff_member and user_has_device(user, confirmed=True):
                        request.session.cycle_key()
                        request.session[PENDING_KEY] = {"user_id": user.pk, "at": int(time.time()), "next": nxt}
                        return redirect("accounts:otp_verify")
                    _complete_login(request, user)
                    if user.is_staff_member and settings.STAFF_2FA_REQUIRED:
                        return redirect(f"{reverse('accounts:otp_setup')}?{urlencode({'next': nxt})}")
                    return redirect(nxt)
    return render(request, "accounts/pages/login.html", {
        "form": form, "idle": idle, "idle_minutes": idle_minutes,
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }, status=status)


@require_http_methods(["GET", "POST"])
def logout_view(request):
    if request.method == "POST":
        if request.user.is_authenticated:
            services.audit_record(actor=request.user, action="logout", object_type="user",
                                  object_id=request.user.pk, request=request)
        auth_logout(request)
        messages.success(request, _("您已退出登录。"))
        return redirect(RESIDENT_HOME)
    return render(request, "accounts/pages/logout.html")


@sensitive_post_parameters("password1", "password2", "code")
@never_cache
@require_http_methods(["GET", "POST"])
def register_view(request):
    if request.user.is_authenticated:
        return redirect(landing_url(request.user))
    status = 200
    code_sent = False
    send_errors: list[str] = []
    if request.method == "POST" and request.POST.get("action") == "send_code":
        send_form = SendCodeForm(request.POST)
        form = RegisterForm(initial={"mobile": request.POST.get("mobile", "")})
        status = 400
        if send_form.is_valid():
            mobile = send_form.cleaned_data["mobile"]
            if User.objects.filter(mobile=mobile).exists():
                send_errors.append(_("该手机号已注册,请直接登录。"))
                status = 409
            else:
                try:
                    otp_send(mobile=mobile, purpose="register", address=services.client_address(request))
                except ApplicationError as exc:
                    send_errors.append(exc.message)
                    status = exc.status_code
                else:
                    code_sent = True
                    status = 200
        else:
            send_errors.extend(send_form.errors.get("mobile", []))
    elif request.method == "POST":
        form = RegisterForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = services.resident_register(mobile=data["mobile"], code=data["code"],
                                                  password=data["password1"], name=data["name"])
            except ApplicationError as exc:
                form.add_error(None, exc.message)
                status = exc.status_code
            else:
                _complete_login(request, user)
                messages.success(request, _("注册成功,欢迎使用。"))
                return redirect(RESIDENT_HOME)
    else:
        form = RegisterForm()
    return render(request, "accounts/pages/register.html", {"form": form, "code_sent": code_sent, "send_errors": send_errors},
                  status=status)


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            user = form.save()
            update_session_auth_hash(request, user)
            services.audit_record(actor=user, action="password_change", object_type="user", object_id=user.pk,
                                  request=request)
            messages.success(request, _("密码已修改。"))
            return redirect(landing_url(user))
        status = 400
    return render(request, "accounts/pages/password_change.html", {"form": form}, status=status)


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8, border=2)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg"):]


def _group(secret: str) -> str:
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def otp_setup_view(request):
    user = request.user
    if not user.is_staff_member:
        raise PermissionDenied(STAFF_ONLY_MESSAGE)
    has_device = user_has_device(user, confirmed=True)
    if has_device and not user.is_verified():
        return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': request.get_full_path()})}")
    key = request.session.get(SETUP_KEY)
    if not key:
        key = services.totp_new_key()
        request.session[SETUP_KEY] = key
    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                device = services.totp_device_confirm(user=user, key=key, token=form.cleaned_data["token"],
                                                      request=request)
            except ApplicationError as exc:
                form.add_error("token", exc.message)
            else:
                django_otp.login(request, device)
                request.session.pop(SETUP_KEY, None)
                messages.success(request, _("两步验证已启用。以后登录时需输入手机验证器上的动态验证码。"))
                return redirect(_safe_next(request, STAFF_HOME))
    from base64 import b32encode
    from binascii import unhexlify

    secret = b32encode(unhexlify(key)).decode("ascii").rstrip("=")
    return render(request, "accounts/pages/otp_setup.html", {
        "form": form,
        "qr_svg": mark_safe(_qr_svg(services.totp_config_url(user=user, key=key))),  # noqa: S308 - generated by qrcode
        "secret": _group(secret),
        "has_device": has_device,
        "required": settings.STAFF_2FA_REQUIRED,
        "next": request.GET.get("next", "") or request.POST.get("next", ""),
    }, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def otp_verify_view(request):
    pending = request.session.get(PENDING_KEY)
    if request.user.is_authenticated:
        if request.user.is_verified() or not user_has_device(request.user, confirmed=True):
            return redirect(_safe_next(request, landing_url(request.user)))
        user, nxt = request.user, _safe_next(request, landing_url(request.user))
    elif pending and int(time.time()) - int(pending.get("at", 0)) <= PENDING_SECONDS:
        user = User.objects.filter(pk=pending.get("user_id"), is_active=True).first()
        nxt = pending.get("next") or STAFF_HOME
        if user is None:
            request.session.pop(PENDING_KEY, None)
            return redirect("accounts:login")
    else:
        request.session.pop(PENDING_KEY, None)
        if pending:
            messages.error(request, _("验证已超时,请重新登录。"))
        return redirect("accounts:login")

    form = TokenForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                device = services.totp_verify(user=user, token=form.cleaned_data["token"], request=request)
            except ApplicationError as exc:
                form.add_error("token", exc.message)
                status = exc.status_code
            else:
                request.session.pop(PENDING_KEY, None)
                if request.user.is_authenticated:
                    django_otp.login(request, device)
                else:
                    _complete_login(request, user, device)
                return redirect(nxt)
    return render(request, "accounts/pages/otp_verify.html", {"form": form, "login_name": user.login_name},
                  status=status)
