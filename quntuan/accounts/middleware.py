import time

from django.conf import settings
from django.contrib.auth import logout


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
            else:
                request.session["last_seen"] = now
        return self.get_response(request)
