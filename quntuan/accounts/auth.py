"""Session authentication for the JSON API that holds staff to the same rules as the pages.

    from quntuan.accounts.auth import verified_session_auth
    router = Router(auth=verified_session_auth)

A resident's session passes as usual; a staff session passes only when ``staff_required`` would
let it open a staff page (second factor verified where it applies).
"""

from ninja.security import SessionAuth

from quntuan.accounts.decorators import staff_access_problem


class VerifiedSessionAuth(SessionAuth):
    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        if user is None:
            return None
        if getattr(user, "is_staff_member", False) and staff_access_problem(request) is not None:
            return None
        return user


verified_session_auth = VerifiedSessionAuth()
