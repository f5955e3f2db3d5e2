import time

from django.conf import settings
from django.contrib.auth import logout

# The session is written at most once a minute for the idle clock, not on every request; a staff
# member is therefore logged out between 29 and 30 idle minutes, never later.
LAST_SEEN_GRANULARITY = 60


class StaffIdleTimeoutMiddleware:
    """Staff sessions end after STAFF_IDLE_TIMEOUT_SECONDS without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "is_staff_member", False):
            now = int(time.time())
            last = request.session.get("last_seen")
            if last is not None and now - last > settings.STAFF_IDLE_TIMEOUT_SECONDS:
                logout(request)
                request.session["idle_logged_out"] = True
            elif last is None or now - last >= LAST_SEEN_GRANULARITY:
                request.session["last_seen"] = now
        return self.get_response(request)
