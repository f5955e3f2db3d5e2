import re
from datetime import timedelta

import pytest
import time_machine

from quntuan.accounts.models import AuditRecord, Role, User
from quntuan.accounts.services import resident_register
from quntuan.core.exceptions import ApplicationError
from quntuan.core.testing import make_resident
from quntuan.notifications.models import OneTimeCode
from quntuan.notifications.sms import LoggingSmsBackend

pytestmark = pytest.mark.django_db

REGISTER = "/accounts/register/"
T0 = "2026-05-06 09:00:00+08:00"


@pytest.fixture(autouse=True)
def _sms():
    LoggingSmsBackend.clear()
    yield
    LoggingSmsBackend.clear()


def last_code(mobile: str) -> str:
    return re.search(r"验证码是 (\d{6})", LoggingSmsBackend.messages_for(mobile)[-1]).group(1)


def test_resident_registers_with_an_sms_code_and_is_logged_in(client, django_capture_on_commit_callbacks):
    with time_machine.travel(T0, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(REGISTER, {"action": "send_code", "mobile": "13700001111"})
        assert response.status_code == 200
        assert "验证码已发送,10 分钟内有效。" in response.content.decode()
        code = last_code("13700001111")
        response = client.post(REGISTER, {
            "action": "register", "mobile": "13700001111", "code": code, "name": "王芳",
            "password1": "Wang-Fang-88", "password2": "Wang-Fang-88",
        })
        assert response.status_code == 302
        assert response["Location"] == "/"
        user = User.objects.get(mobile="13700001111")
        assert (user.name, user.role, user.username) == ("王芳", Role.RESIDENT, None)
        assert user.check_password("Wang-Fang-88")
        assert client.session["_auth_user_id"] == str(user.pk)
    assert AuditRecord.objects.filter(action="register", actor=user).count() == 1


def test_wrong_code_refuses_registration(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REGISTER, {"action": "send_code", "mobile": "13700002222"})
    code = last_code("13700002222")
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    response = client.post(REGISTER, {
        "action": "register", "mobile": "13700002222", "code": wrong,
        "password1": "Wang-Fang-88", "password2": "Wang-Fang-88",
    })
    assert response.status_code == 400
    assert "验证码不正确,还可尝试 4 次。" in response.content.decode()
    assert not User.objects.filter(mobile="13700002222").exists()


def test_send_code_checks_the_mobile_number(client):
    response = client.post(REGISTER, {"action": "send_code", "mobile": "12345"})
    assert response.status_code == 400
    assert "请输入正确的 11 位手机号码。" in response.content.decode()
    assert OneTimeCode.objects.count() == 0


def test_registered_mobile_is_told_to_log_in(client):
    make_resident(mobile="13700003333")
    response = client.post(REGISTER, {"action": "send_code", "mobile": "13700003333"})
    assert response.status_code == 409
    assert "该手机号已注册,请直接登录。" in response.content.decode()
    assert OneTimeCode.objects.count() == 0


def test_mismatched_and_weak_passwords_are_refused(client):
    response = client.post(REGISTER, {
        "action": "register", "mobile": "13700004444", "code": "123456",
        "password1": "Wang-Fang-88", "password2": "Wang-Fang-89",
    })
    assert response.status_code == 400
    assert "两次输入的密码不一致。" in response.content.decode()
    with pytest.raises(ApplicationError) as exc:
        resident_register(mobile="13700004444", code="123456", password="qxwvzkmpt")
    assert exc.value.message == "密码须包含大写字母、小写字母、数字、符号中的至少三类。"
    assert not User.objects.filter(mobile="13700004444").exists()


def test_send_code_twice_within_a_minute_is_refused(client):
    with time_machine.travel(T0, tick=False) as traveller:
        client.post(REGISTER, {"action": "send_code", "mobile": "13700005555"})
        traveller.shift(timedelta(seconds=20))
        response = client.post(REGISTER, {"action": "send_code", "mobile": "13700005555"})
    assert response.status_code == 429
    assert "验证码发送过于频繁,请 40 秒后再试。" in response.content.decode()
