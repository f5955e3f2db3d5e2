from datetime import timedelta

import pytest
from django.utils import timezone

from quntuan.accounts.models import LoginFailure
from quntuan.accounts.services import login_attempt_check, login_failed, login_succeeded
from quntuan.core.exceptions import ApplicationError
from quntuan.core.testing import make_resident

pytestmark = pytest.mark.django_db

ACCOUNT_LOCKED = "登录失败次数过多,账户已锁定,请 {} 分钟后再试。"
ADDRESS_LOCKED = "此网络地址登录失败次数过多,已暂停登录,请 {} 分钟后再试。"


def fail(login, address, now, times):
    results = []
    for i in range(times):
        login_attempt_check(login=login, address=address, now=now + timedelta(seconds=i))
        results.append(login_failed(login=login, address=address, now=now + timedelta(seconds=i)))
    return results


def test_five_failures_lock_the_account_and_the_sixth_try_is_refused():
    user = make_resident(mobile="13911112222")
    now = timezone.now()
    results = fail("13911112222", "10.0.0.1", now, 5)

    assert [r.attempts_left for r in results] == [4, 3, 2, 1, 0]
    assert [r.locked for r in results] == [False, False, False, False, True]
    assert results[0].message == "手机号/用户名或密码不正确,再失败 4 次将锁定 30 分钟。"
    assert results[4].message == ACCOUNT_LOCKED.format(30)
    row = LoginFailure.objects.get(scope="account", key=f"user:{user.pk}")
    assert row.failures == 5
    assert row.locked_until == now + timedelta(seconds=4, minutes=30)

    # Sixth try from a different address: the account lock still refuses it.
    with pytest.raises(ApplicationError) as exc:
        login_attempt_check(login="13911112222", address="10.0.0.99", now=now + timedelta(minutes=10))
    assert exc.value.message == ACCOUNT_LOCKED.format(21)
    assert exc.value.status_code == 429


def test_lock_ends_after_thirty_minutes():
    make_resident(mobile="13911113333")
    now = timezone.now()
    fail("13911113333", "10.0.0.2", now, 5)
    with pytest.raises(ApplicationError) as exc:
        login_attempt_check(login="13911113333", address="10.0.0.3", now=now + timedelta(minutes=29, seconds=59))
    assert exc.value.message == ACCOUNT_LOCKED.format(1)

    later = now + timedelta(minutes=30, seconds=5)
    login_attempt_check(login="13911113333", address="10.0.0.2", now=later)  # no exception
    # After the lock, counting starts again from one.
    assert login_failed(login="13911113333", address="10.0.0.2", now=later).attempts_left == 4


def test_address_is_locked_across_accounts():
    now = timezone.now()
    for i in range(5):
        login_failed(login=f"guess{i}", address="10.9.9.9", now=now)
    with pytest.raises(ApplicationError) as exc:
        login_attempt_check(login="someone-else", address="10.9.9.9", now=now + timedelta(minutes=1))
    assert exc.value.message == ADDRESS_LOCKED.format(29)
    # Another address may still try that account.
    login_attempt_check(login="someone-else", address="10.9.9.10", now=now + timedelta(minutes=1))


def test_success_clears_the_account_counter_but_not_the_address_counter():
    user = make_resident(mobile="13911114444")
    now = timezone.now()
    fail("13911114444", "10.0.0.4", now, 4)
    login_succeeded(user=user, address="10.0.0.4")
    assert not LoginFailure.objects.filter(scope="account", key=f"user:{user.pk}").exists()
    assert LoginFailure.objects.get(scope="address", key="10.0.0.4").failures == 4
    assert login_failed(login="13911114444", address="10.0.0.5", now=now).attempts_left == 4


def test_unknown_login_is_counted_like_an_account():
    now = timezone.now()
    fail("nobody", None, now, 5)
    assert LoginFailure.objects.get(scope="account", key="login:nobody").failures == 5
    with pytest.raises(ApplicationError):
        login_attempt_check(login="nobody", address=None, now=now)


def test_old_failures_outside_the_window_do_not_add_up():
    make_resident(mobile="13911115555")
    now = timezone.now()
    fail("13911115555", "10.0.0.6", now, 4)
    result = login_failed(login="13911115555", address="10.0.0.6", now=now + timedelta(minutes=31))
    assert (result.locked, result.attempts_left) == (False, 4)
