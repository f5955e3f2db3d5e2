import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
import time_machine
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from quntuan.accounts.models import AuditRecord, Role
from quntuan.core.testing import PASSWORD, make_district, make_org, make_resident, make_staff, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.urls("quntuan.accounts.tests.urls")]

T0 = "2026-05-06 09:00:00+08:00"


def rfc6238(secret_b32: str, at: float | None = None, step: int = 30) -> str:
    """The code an authenticator app shows, computed independently of django-otp."""
    secret_b32 = secret_b32.replace(" ", "")
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def device_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


@pytest.fixture
def staff():
    return make_staff(make_org(make_district()), username="lisi")


def login(client, username="lisi"):
    return client.post("/accounts/login/", {"login": username, "password": PASSWORD}, REMOTE_ADDR="10.2.2.2")


def test_setup_shows_an_inline_svg_qr_code_and_a_real_code_confirms_it(client, staff):
    with time_machine.travel(T0, tick=False) as traveller:
        assert login(client)["Location"] == "/cases/workbench/"
        page = client.get("/accounts/2fa/setup/")
        html = page.content.decode()
        assert page.status_code == 200
        assert "<svg" in html and "<path" in html
        assert "http://" not in html.split("<svg", 1)[1].split("</svg>")[0].replace("http://www.w3.org", "")
        secret = re.search(r"<code>([A-Z2-7 ]+)</code>", html).group(1)
        assert TOTPDevice.objects.filter(user=staff).count() == 0  # GET stores nothing

        wrong = client.post("/accounts/2fa/setup/", {"token": "000000" if rfc6238(secret) != "000000" else "111111"})
        assert wrong.status_code == 400
        assert "动态验证码不正确,请核对手机时间后重试。" in wrong.content.decode()

        traveller.shift(5)  # past django-otp's throttle delay after one failure
        response = client.post("/accounts/2fa/setup/", {"token": rfc6238(secret)})
        assert response.status_code == 302
        assert response["Location"] == "/cases/workbench/"
        device = TOTPDevice.objects.get(user=staff)
        assert device.confirmed is True
        assert device_secret(device).rstrip("=") == secret.replace(" ", "")
        assert client.session["otp_device_id"] == device.persistent_id
        assert client.get("/staff-only/").status_code == 200
    assert AuditRecord.objects.filter(action="otp_setup", actor=staff).count() == 1


def test_staff_with_a_device_must_enter_a_code_at_login(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)
    secret = device_secret(device)
    with time_machine.travel(T0, tick=False) as traveller:
        response = login(client)
        assert response["Location"] == "/accounts/2fa/verify/"
        assert "_auth_user_id" not in client.session  # not logged in until the second factor
        page = client.get("/accounts/2fa/verify/")
        assert "账号 lisi 已启用两步验证" in page.content.decode()

        wrong = client.post("/accounts/2fa/verify/", {"token": "12345x"})
        assert wrong.status_code == 400
        assert "验证码为 6 位数字。" in wrong.content.decode()
        bad = "000000" if rfc6238(secret) != "000000" else "111111"
        assert "动态验证码不正确,请重试。" in client.post("/accounts/2fa/verify/", {"token": bad}).content.decode()

        traveller.shift(3)  # past django-otp's throttle delay after one failure
        response = client.post("/accounts/2fa/verify/", {"token": rfc6238(secret)})
        assert response.status_code == 302
        assert response["Location"] == "/cases/workbench/"
        assert client.session["_auth_user_id"] == str(staff.pk)
        assert client.session["otp_device_id"] == device.persistent_id
        assert client.get("/staff-only/").status_code == 200
    assert list(AuditRecord.objects.filter(actor=staff, action__in=["login", "otp_verify"])
                .values_list("action", "result").order_by("pk")) == [("otp_verify", "failed"), ("login", "ok")]


def test_pending_second_factor_expires_after_five_minutes(client, staff):
    device = TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)
    with time_machine.travel(T0, tick=False) as traveller:
        login(client)
        traveller.shift(5 * 60 + 1)
        response = client.post("/accounts/2fa/verify/", {"token": rfc6238(device_secret(device))})
        assert response["Location"] == "/accounts/login/"
        assert "_auth_user_id" not in client.session


def test_staff_required_refuses_anonymous_and_residents(client):
    assert client.get("/staff-only/")["Location"] == "/accounts/login/?next=/staff-only/"
    client.force_login(make_resident())
    response = client.get("/staff-only/")
    assert response.status_code == 403
    assert client.get("/staff-class/").status_code == 403


def test_htmx_requests_get_a_client_redirect(client):
    response = client.get("/staff-only/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == "/accounts/login/?next=%2Fstaff-only%2F"


@override_settings(STAFF_2FA_REQUIRED=False)
def test_optional_two_factor_lets_staff_without_a_device_in(client, staff):
    login(client)
    assert client.get("/staff-only/").status_code == 200
    assert client.get("/staff-class/").status_code == 200


@override_settings(STAFF_2FA_REQUIRED=True)
def test_required_two_factor_sends_staff_without_a_device_to_set_one_up(client, staff):
    response = login(client)
    assert response["Location"] == "/accounts/2fa/setup/?next=%2Fcases%2Fworkbench%2F"
    response = client.get("/staff-only/")
    assert response["Location"] == "/accounts/2fa/setup/?next=%2Fstaff-only%2F"
    assert client.get("/staff-class/")["Location"] == "/accounts/2fa/setup/?next=%2Fstaff-class%2F"
    page = client.get("/accounts/2fa/setup/?next=/staff-only/")
    assert "按照平台安全要求,工作人员须先启用两步验证才能使用工作台。" in page.content.decode()
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page.content.decode()).group(1)
    response = client.post("/accounts/2fa/setup/", {"token": rfc6238(secret), "next": "/staff-only/"})
    assert response["Location"] == "/staff-only/"
    assert client.get("/staff-only/").status_code == 200


@override_settings(STAFF_2FA_REQUIRED=False)
def test_a_device_is_always_checked_even_when_two_factor_is_optional(client, staff):
    TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)
    client.force_login(staff)  # a session that never passed the second factor
    assert client.get("/staff-only/")["Location"] == "/accounts/2fa/verify/?next=%2Fstaff-only%2F"


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.AUDITOR, Role.SECURITY_ADMIN])
@override_settings(STAFF_2FA_REQUIRED=True)
def test_every_staff_role_is_held_to_two_factor(client, role):
    client.force_login(make_user(role))
    assert client.get("/staff-only/")["Location"] == "/accounts/2fa/setup/?next=%2Fstaff-only%2F"


def test_residents_cannot_open_the_setup_page(client):
    client.force_login(make_resident())
    assert client.get("/accounts/2fa/setup/").status_code == 403
