"""API authentication: session with CSRF, signed bearer tokens, HTTP Basic, lockout, 2FA."""

import base64
import json
from datetime import timedelta

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from quntuan.accounts.models import LoginFailure, Role
from quntuan.api.auth import TOKEN_SALT, token_issue, token_user
from quntuan.core import testing as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def resident():
    return f.make_resident(f.make_district(), mobile="13911112222", name="张三")


@pytest.fixture
def staff():
    district = f.make_district()
    return f.make_staff(f.make_org(district, "union"), username="wangwu", name="王五")


def get_token(client, login, password, **extra):
    return client.post("/api/auth/token", data=json.dumps({"login": login, "password": password, **extra}),
                       content_type="application/json")


def test_token_for_resident_by_mobile_then_bearer_works(resident):
    client = Client()
    before = timezone.now()
    response = get_token(client, "13911112222", f.PASSWORD)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    expires = timezone.datetime.fromisoformat(body["expires_at"])
    assert before + timedelta(hours=12) <= expires <= timezone.now() + timedelta(hours=12)
    assert token_user(body["token"]) == resident

    me = Client().get("/api/auth/whoami", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert me.status_code == 200
    assert me.json() == {"id": resident.pk, "name": "张三", "login_name": "13911112222", "role": "resident",
                         "role_label": "群众"}


def test_token_for_staff_by_username(staff):
    response = get_token(Client(), "wangwu", f.PASSWORD)
    assert response.status_code == 200
    assert token_user(response.json()["token"]) == staff


def test_wrong_password_is_401_in_chinese_and_counted(resident):
    response = get_token(Client(), "13911112222", "wrong-password")
    assert response.status_code == 401
    assert response.json() == {"code": "invalid_credentials",
                               "message": "手机号/用户名或密码不正确,再失败 4 次将锁定 30 分钟。"}
    assert LoginFailure.objects.get(scope="account", key=f"user:{resident.pk}").failures == 1


def test_five_failures_lock_the_account_even_with_the_right_password(resident):
    client = Client()
    statuses = [get_token(client, "13911112222", "wrong-password").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    response = get_token(client, "13911112222", f.PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "login_locked"
    assert response.json()["message"] == "登录失败次数过多,账户已锁定,请 30 分钟后再试。"


def test_token_request_validation_is_chinese():
    response = Client().post("/api/auth/token", data=json.dumps({"login": ""}), content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"] == "提交的数据有误:登录名不能为空;密码为必填项。"
    assert [e["field"] for e in body["errors"]] == ["login", "password"]


def test_no_credentials_is_401_in_chinese():
    response = Client().get("/api/auth/whoami")
    assert response.status_code == 401
    assert response.json() == {"code": "unauthenticated", "message": "请先登录,或提供有效的访问令牌。"}


def test_forged_and_expired_tokens_are_refused(resident):
    forged = signing.dumps({"u": resident.pk, "p": "x"}, salt="another-salt")
    for token in (forged, "not-a-token", ""):
        response = Client().get("/api/auth/whoami", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 401
    assert Client().get("/api/auth/whoami", HTTP_AUTHORIZATION=f"Bearer {forged}").json() == {
        "code": "invalid_token", "message": "访问令牌无效或已过期,请重新获取。"}

    token, _ = token_issue(resident)
    with pytest.MonkeyPatch.context() as mp:
        later = timezone.now() + timedelta(hours=12, seconds=5)
        mp.setattr("django.core.signing.time.time", lambda: later.timestamp())
        assert token_user(token) is None


def test_password_change_revokes_tokens(resident):
    token, _ = token_issue(resident)
    assert token_user(token) == resident
    resident.set_password("Another-Pass-2026")
    resident.save()
    assert token_user(token) is None
    assert Client().get("/api/auth/whoami", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_inactive_user_token_is_refused(resident):
    token, _ = token_issue(resident)
    resident.is_active = False
    resident.save()
    assert token_user(token) is None


def test_token_payload_is_signed_with_its_own_salt(resident):
    token, _ = token_issue(resident)
    data = signing.loads(token, salt=TOKEN_SALT)
    assert data["u"] == resident.pk
    with pytest.raises(signing.BadSignature):
        signing.loads(token, salt="quntuan.other")


def basic(login, password):
    return "Basic " + base64.b64encode(f"{login}:{password}".encode()).decode()


def test_basic_auth(resident):
    response = Client().get("/api/auth/whoami", HTTP_AUTHORIZATION=basic("13911112222", f.PASSWORD))
    assert response.status_code == 200
    assert response.json()["id"] == resident.pk
    wrong = Client().get("/api/auth/whoami", HTTP_AUTHORIZATION=basic("13911112222", "nope"))
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "invalid_credentials"


def test_session_post_without_csrf_token_is_refused(resident):
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    response = client.post("/api/cases/", data=json.dumps({"title": "标题", "content": "内容"}),
                           content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"code": "csrf_failed",
                               "message": "CSRF 校验失败:请刷新页面后重试,或在 X-CSRFToken 请求头中附带令牌。"}


def test_session_post_with_csrf_token_passes_authentication(resident):
    from django.middleware.csrf import _get_new_csrf_string

    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    secret = _get_new_csrf_string()
    client.cookies["csrftoken"] = secret
    response = client.post("/api/cases/", data=json.dumps({"title": "", "content": ""}),
                           content_type="application/json", HTTP_X_CSRFTOKEN=secret)
    # Past authentication, the (empty) payload is what is refused.
    assert response.status_code == 422


def test_session_get_needs_no_csrf_token(resident):
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)
    assert client.get("/api/auth/whoami").json()["id"] == resident.pk


def test_bearer_post_needs_no_csrf(resident):
    token, _ = token_issue(resident)
    client = Client(enforce_csrf_checks=True)
    response = client.post("/api/cases/", data=json.dumps({"title": "", "content": ""}),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 422


def totp_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="手机", confirmed=True)


def current_code(device) -> str:
    from django_otp.oath import totp

    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@override_settings(STAFF_2FA_REQUIRED=True)
def test_two_factor_required_and_not_set_up(staff):
    response = get_token(Client(), "wangwu", f.PASSWORD)
    assert response.status_code == 401
    assert response.json() == {"code": "otp_setup",
                                "message": "工作人员须先在网页上设置动态口令(双因素登录)后才能使用接口。"}
    basic_response = Client().get("/api/auth/whoami", HTTP_AUTHORIZATION=basic("wangwu", f.PASSWORD))
    assert basic_response.status_code == 401
    session = Client()
    session.force_login(staff)
    refused = session.get("/api/auth/whoami")
    assert refused.status_code == 403
    assert refused.json()["code"] == "otp_required"


@pytest.mark.parametrize("required", [True, False])
def test_staff_with_a_device_need_the_code(staff, required):
    with override_settings(STAFF_2FA_REQUIRED=required):
        device = totp_device(staff)
        response = get_token(Client(), "wangwu", f.PASSWORD)
        assert response.status_code == 401
        assert response.json() == {"code": "otp_required", "message": "动态口令错误或未填写。"}
        code = current_code(device)
        response = get_token(Client(), "wangwu", f.PASSWORD, otp_token=code)
        assert response.status_code == 200
        assert token_user(response.json()["token"]) == staff
        # A used or wrong code does not give another token (the same code string, even if the
        # 30-second step has turned over since).
        assert get_token(Client(), "wangwu", f.PASSWORD, otp_token=code).status_code == 401
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        assert get_token(Client(), "wangwu", f.PASSWORD, otp_token=wrong).status_code == 401
        # Basic cannot carry a dynamic code.
        basic_response = Client().get("/api/auth/whoami", HTTP_AUTHORIZATION=basic("wangwu", f.PASSWORD))
        assert basic_response.json() == {
            "code": "otp_required", "message": "已启用动态口令的工作人员不能使用 Basic 认证,请用动态口令获取访问令牌。"}
        # A session counts only once the code was verified in it.
        session = Client()
        session.force_login(staff)
        assert session.get("/api/auth/whoami").json() == {
            "code": "otp_required", "message": "请先在网页上完成动态口令验证后再使用接口。"}


@override_settings(STAFF_2FA_REQUIRED=True)
def test_two_factor_does_not_apply_to_residents(resident):
    assert get_token(Client(), "13911112222", f.PASSWORD).status_code == 200


def test_supervisor_role_label():
    user = f.make_user(Role.SUPERVISOR, f.make_district(), username="duc", name="督查")
    token, _ = token_issue(user)
    body = Client().get("/api/auth/whoami", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["role_label"] == "区督查人员"


def test_token_endpoint_is_throttled_per_address(resident):
    client = Client()
    statuses = [get_token(client, "nobody", "x").status_code for _ in range(21)]
    assert statuses[-1] == 429
    assert get_token(client, "nobody", "x").json() == {"code": "throttled", "message": "请求过于频繁,请稍后再试。"}
