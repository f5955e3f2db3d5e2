import pytest
from django.test import RequestFactory, override_settings
from django_otp.middleware import OTPMiddleware

from quntuan.accounts.auth import verified_session_auth
from quntuan.core.testing import make_district, make_org, make_resident, make_staff

pytestmark = pytest.mark.django_db


def request_for(user):
    from django.contrib.sessions.backends.db import SessionStore

    request = RequestFactory().get("/api/x")
    request.session = SessionStore()
    request.user = user
    OTPMiddleware(lambda r: None)(request)
    return request


@override_settings(STAFF_2FA_REQUIRED=True)
def test_api_session_auth_refuses_staff_without_second_factor_when_required():
    staff = make_staff(make_org(make_district()))
    resident = make_resident()
    assert verified_session_auth.authenticate(request_for(resident), "k") == resident
    assert verified_session_auth.authenticate(request_for(staff), "k") is None


@override_settings(STAFF_2FA_REQUIRED=False)
def test_api_session_auth_lets_staff_in_when_two_factor_is_optional():
    staff = make_staff(make_org(make_district()))
    assert verified_session_auth.authenticate(request_for(staff), "k") == staff
