"""The signed-in user and their confirmed second-factor devices, read from the cache.

Every request of a signed-in user read the user's row (``AuthenticationMiddleware``) and, for
staff, their confirmed TOTP devices (the second-factor check of the staff pages and the API, or
``OTPMiddleware`` loading the device that verified the session): two database round trips before
the view ran (about a seventh of a search's Python time, measured in one process; PostgreSQL's
share of them is negligible). Both now come from the cache (Redis in
production, where the sessions are too) and are dropped from it whenever the user or one of their
devices is saved or deleted — at once and once more after the commit, so that a request that read
the old row meanwhile cannot keep it cached. ``CACHE_SECONDS`` bounds what a change made outside
the ORM's save (a bulk ``update()``) can leave behind.

What is kept: the user's model instance as loaded (its password hash included, from which the
session's hash is checked: a new password still ends every other session), and the persistent ids
of the user's confirmed devices (never a device's key).
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device

CACHE_SECONDS = 60


def _user_key(pk) -> str:
    return f"auth:user:{pk}"


def _devices_key(pk) -> str:
    return f"auth:otp:{pk}"


def cached_user(pk, load):
    """The user ``pk`` from the cache, else ``load(pk)`` (None: no such active user; not kept)."""
    key = _user_key(pk)
    user = cache.get(key)
    if user is None:
        user = load(pk)
        if user is not None:
            cache.set(key, user, CACHE_SECONDS)
    return user


def confirmed_device_ids(user) -> frozenset[str]:
    """The persistent ids of ``user``'s confirmed second-factor devices."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    key = _devices_key(user.pk)
    ids = cache.get(key)
    if ids is None:
        ids = frozenset(device.persistent_id for device in devices_for_user(user, confirmed=True))
        cache.set(key, ids, CACHE_SECONDS)
    return ids


def has_confirmed_device(user) -> bool:
    """``django_otp.user_has_device(user, confirmed=True)``, from the cache."""
    return bool(confirmed_device_ids(user))


def _forget(key: str) -> None:
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def user_changed(sender, instance, **kwargs) -> None:
    _forget(_user_key(instance.pk))
    _forget(_devices_key(instance.pk))


def device_changed(sender, instance, **kwargs) -> None:
    if instance.user_id is not None:
        _forget(_devices_key(instance.user_id))


class CachedOTPMiddleware(OTPMiddleware):
    """``OTPMiddleware`` that checks the session's device against the user's cached confirmed
    devices: ``user.otp_device`` is the device, loaded only when something reads it (being set is
    what ``is_verified()`` asks). A device no longer confirmed or no longer the user's ends the
    session's verification, as ``OTPMiddleware`` does."""

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        if user.is_authenticated:
            persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
            if persistent_id:
                persistent_id = self._normalize_persistent_id(persistent_id)
                if persistent_id in confirmed_device_ids(user):
                    user.otp_device = SimpleLazyObject(lambda: Device.from_persistent_id(persistent_id))
                else:
                    del request.session[DEVICE_ID_SESSION_KEY]
        return user
