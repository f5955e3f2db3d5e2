"""Access to staff pages: logged in, a staff role, and (when it applies) a verified second factor.

    from quntuan.accounts.decorators import staff_required, StaffRequiredMixin

    @staff_required
    def workbench(request): ...

    class QueueView(StaffRequiredMixin, TemplateView): ...

A staff member with a confirmed TOTP device must have verified it in this session; when
``settings.STAFF_2FA_REQUIRED`` is on, a staff member without a device is sent to set one up.
"""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from quntuan.accounts.authcache import has_confirmed_device

STAFF_ONLY_MESSAGE = "此页面仅限工作人员访问。"


def staff_access_problem(request) -> str | None:
    """None if the request may use staff pages, else one of
    "login", "role", "otp_verify", "otp_setup"."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return "login"
    if not getattr(user, "is_staff_member", False):
        return "role"
    verified = bool(getattr(user, "is_verified", lambda: False)())
    if verified:
        return None
    if has_confirmed_device(user):
        return "otp_verify"
    if settings.STAFF_2FA_REQUIRED:
        return "otp_setup"
    return None


def _redirect(request, url: str):
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def staff_denied_response(request, problem: str):
    nxt = request.get_full_path()
    if problem == "login":
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': nxt})}")
        return redirect_to_login(nxt)
    if problem == "role":
        raise PermissionDenied(STAFF_ONLY_MESSAGE)
    return _redirect(request, f"{reverse('accounts:' + problem)}?{urlencode({'next': nxt})}")


def staff_required(view):
    """Decorator for function views used by staff."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        problem = staff_access_problem(request)
        if problem is not None:
            return staff_denied_response(request, problem)
        return view(request, *args, **kwargs)

    return wrapper


class StaffRequiredMixin:
    """Mixin for class-based views used by staff (put it first among the bases)."""

    def dispatch(self, request, *args, **kwargs):
        problem = staff_access_problem(request)
        if problem is not None:
            return staff_denied_response(request, problem)
        return super().dispatch(request, *args, **kwargs)
