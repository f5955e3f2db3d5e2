from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from quntuan.accounts.models import User


class MobileOrUsernameBackend(ModelBackend):
    """Residents log in by mobile number, staff by username."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        login = (username or kwargs.get("mobile") or "").strip()
        if not login or password is None:
            return None
        user = User.objects.filter(Q(username=login) | Q(mobile=login)).first()
        if user is None:
            User().set_password(password)  # same work as a real check, against timing probes
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The session's user, from the cache (``authcache``): no query on most requests."""
        from quntuan.accounts.authcache import cached_user

        return cached_user(user_id, super().get_user)
