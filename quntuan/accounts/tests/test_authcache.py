"""The signed-in user and their confirmed devices come from the cache, and every change of either
reaches the next request at once."""

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from quntuan.core.testing import make_district, make_org, make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.urls("quntuan.accounts.tests.urls")]


@pytest.fixture
def staff():
    return make_staff(make_org(make_district()), username="wangwu")


def _tables(queries) -> str:
    return " ".join(q["sql"] for q in queries)


def _verified_session(client, device):
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def test_a_second_request_reads_neither_the_user_nor_the_devices(client, staff):
    client.force_login(staff)
    assert client.get("/staff-only/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/staff-only/").status_code == 200
    assert "accounts_user" not in _tables(queries) and "otp_totp" not in _tables(queries)


def test_deactivating_or_a_new_password_ends_the_session_at_once(client, staff):
    client.force_login(staff)
    assert client.get("/staff-only/").status_code == 200
    staff.is_active = False
    staff.save()
    assert client.get("/staff-only/").status_code == 302  # to the login page

    staff.is_active = True
    staff.save()
    client.force_login(staff)
    assert client.get("/staff-only/").status_code == 200
    staff.set_password("另一个-Passw0rd")
    staff.save()
    response = client.get("/staff-only/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_role_change_reaches_the_next_request(client, staff):
    client.force_login(staff)
    assert client.get("/staff-only/").status_code == 200
    staff.role = "resident"
    staff.save()
    assert client.get("/staff-only/").status_code == 403


def test_a_device_confirmed_after_a_request_is_asked_for_at_once(client, staff):
    client.force_login(staff)
    assert client.get("/staff-only/").status_code == 200  # no device yet: that is cached
    TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)
    response = client.get("/staff-only/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/verify/")


@override_settings(STAFF_2FA_REQUIRED=True)
def test_a_session_verified_by_a_device_ends_when_the_device_goes(client, staff):
    phone = TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)
    spare = TOTPDevice.objects.create(user=staff, name="备用手机", confirmed=True)
    client.force_login(staff)
    _verified_session(client, phone)
    assert client.get("/staff-only/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/staff-only/").status_code == 200
    assert "otp_totp" not in _tables(queries)  # verified from the cached ids, no device read

    phone.delete()
    response = client.get("/staff-only/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/verify/")
    assert DEVICE_ID_SESSION_KEY not in client.session

    _verified_session(client, spare)
    assert client.get("/staff-only/").status_code == 200
    spare.confirmed = False
    spare.save()
    response = client.get("/staff-only/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/setup/")


def test_the_verified_device_is_loaded_when_read(client, staff, rf):
    from quntuan.accounts.authcache import CachedOTPMiddleware

    phone = TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)
    client.force_login(staff)
    _verified_session(client, phone)
    request = rf.get("/")
    request.session = client.session
    request.user = staff
    CachedOTPMiddleware(lambda r: None)._install_lazy_accessors(request)
    assert request.user.is_verified() and request.user.otp_device.name == "手机"
