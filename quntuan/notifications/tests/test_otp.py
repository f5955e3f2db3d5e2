import re
from datetime import timedelta

import pytest
from django.utils import timezone

from quntuan.core.exceptions import ApplicationError
from quntuan.notifications.models import OneTimeCode, OutboundMessage
from quntuan.notifications.services import SENSITIVE_BODY_AFTER_SEND, otp_send, otp_verify
from quntuan.notifications.sms import LoggingSmsBackend

pytestmark = pytest.mark.django_db

MOBILE = "13500001111"


@pytest.fixture(autouse=True)
def _sms():
    LoggingSmsBackend.clear()
    yield
    LoggingSmsBackend.clear()


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def _send(now, mobile=MOBILE, purpose="case_submit"):
        with django_capture_on_commit_callbacks(execute=True):
            otp_send(mobile=mobile, purpose=purpose, now=now)
        return re.search(r"验证码是 (\d{6})", LoggingSmsBackend.messages_for(mobile)[-1]).group(1)
    return _send


def other(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_code_is_six_digits_sent_by_sms_and_only_its_hash_is_kept(send):
    now = timezone.now()
    code = send(now)
    assert re.fullmatch(r"\d{6}", code)
    assert LoggingSmsBackend.messages_for(MOBILE) == [
        f"【群团服务云平台】您的验证码是 {code},10 分钟内有效。请勿告诉他人。"
    ]
    otc = OneTimeCode.objects.get(mobile=MOBILE)
    assert code not in otc.code_hash
    assert otc.expires_at == now + timedelta(minutes=10)
    message = OutboundMessage.objects.get(recipient=MOBILE)
    assert (message.status, message.body, message.sensitive) == ("sent", SENSITIVE_BODY_AFTER_SEND, True)
    otp_verify(mobile=MOBILE, code=code, now=now + timedelta(minutes=9))
    assert OneTimeCode.objects.get(pk=otc.pk).used_at == now + timedelta(minutes=9)


def test_a_code_works_once(send):
    now = timezone.now()
    code = send(now)
    otp_verify(mobile=MOBILE, code=code, now=now)
    with pytest.raises(ApplicationError) as exc:
        otp_verify(mobile=MOBILE, code=code, now=now)
    assert exc.value.message == "请先获取短信验证码。"


def test_code_expires_after_ten_minutes(send):
    now = timezone.now()
    code = send(now)
    with pytest.raises(ApplicationError) as exc:
        otp_verify(mobile=MOBILE, code=code, now=now + timedelta(minutes=10))
    assert (exc.value.message, exc.value.code) == ("验证码已过期,请重新获取。", "otp_expired")


def test_five_wrong_tries_use_the_code_up(send):
    now = timezone.now()
    code = send(now)
    messages = []
    for _ in range(6):
        with pytest.raises(ApplicationError) as exc:
            otp_verify(mobile=MOBILE, code=other(code), now=now)
        messages.append(exc.value.message)
    assert messages == [
        "验证码不正确,还可尝试 4 次。", "验证码不正确,还可尝试 3 次。", "验证码不正确,还可尝试 2 次。",
        "验证码不正确,还可尝试 1 次。", "验证码错误次数过多,请重新获取。", "验证码错误次数过多,请重新获取。",
    ]
    with pytest.raises(ApplicationError) as exc:
        otp_verify(mobile=MOBILE, code=code, now=now)  # even the right code no longer works
    assert exc.value.message == "验证码错误次数过多,请重新获取。"
    assert OneTimeCode.objects.get(mobile=MOBILE).attempts == 5


def test_one_send_per_mobile_per_minute(send):
    now = timezone.now()
    send(now)
    with pytest.raises(ApplicationError) as exc:
        otp_send(mobile=MOBILE, now=now + timedelta(seconds=59))
    assert (exc.value.message, exc.value.status_code) == ("验证码发送过于频繁,请 1 秒后再试。", 429)
    send(now + timedelta(seconds=2), mobile="13500002222")  # another mobile is not held up
    assert OneTimeCode.objects.filter(mobile=MOBILE).count() == 1


def test_a_new_code_replaces_the_old_one(send):
    now = timezone.now()
    first = send(now)
    second = send(now + timedelta(seconds=61))
    if first != second:
        with pytest.raises(ApplicationError):
            otp_verify(mobile=MOBILE, code=first, now=now + timedelta(seconds=62))
    otp_verify(mobile=MOBILE, code=second, now=now + timedelta(seconds=63))


def test_codes_are_per_purpose(send):
    now = timezone.now()
    code = send(now, purpose="register")
    with pytest.raises(ApplicationError) as exc:
        otp_verify(mobile=MOBILE, code=code, purpose="case_submit", now=now)
    assert exc.value.message == "请先获取短信验证码。"
    otp_verify(mobile=MOBILE, code=code, purpose="register", now=now)


@pytest.mark.parametrize("mobile", ["", "1350000111", "23500001111", "1350000111a"])
def test_invalid_mobile_is_refused(mobile):
    with pytest.raises(ApplicationError) as exc:
        otp_send(mobile=mobile)
    assert exc.value.message == "请输入正确的 11 位手机号码。"
    assert OneTimeCode.objects.count() == 0


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef"])
def test_malformed_codes_count_as_wrong(send, code):
    now = timezone.now()
    send(now)
    with pytest.raises(ApplicationError) as exc:
        otp_verify(mobile=MOBILE, code=code, now=now)
    assert exc.value.message == "验证码不正确,还可尝试 4 次。"


def test_one_address_cannot_spray_codes_at_many_numbers():
    from quntuan.notifications.models import OneTimeCode
    from quntuan.notifications.services import OTP_ADDRESS_LIMIT

    for i in range(OTP_ADDRESS_LIMIT):
        otp_send(mobile=f"1370000{i:04d}", address="203.0.113.7")
    with pytest.raises(ApplicationError) as exc:
        otp_send(mobile="13799999999", address="203.0.113.7")
    assert exc.value.status_code == 429
    assert exc.value.message == "本网络获取验证码过于频繁,请一小时后再试。"
    assert not OneTimeCode.objects.filter(mobile="13799999999").exists()
    otp_send(mobile="13799999999", address="203.0.113.8")  # another address is not affected
    assert OneTimeCode.objects.filter(mobile="13799999999").count() == 1
