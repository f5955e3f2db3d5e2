import time

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from quntuan.accounts.models import AuditRecord, LoginFailure
from quntuan.core.testing import PASSWORD, make_district, make_org, make_resident, make_staff

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def post_login(client, login, password=PASSWORD, address="10.1.1.1", **extra):
    return client.post(LOGIN, {"login": login, "password": password, **extra}, REMOTE_ADDR=address)


def test_url_names():
    assert [reverse(f"accounts:{n}") for n in ("login", "logout", "register", "password_change",
                                               "otp_setup", "otp_verify")] == [
        "/accounts/login/", "/accounts/logout/", "/accounts/register/", "/accounts/password/",
        "/accounts/2fa/setup/", "/accounts/2fa/verify/",
    ]


def test_login_page_has_one_form_for_mobile_or_username(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "手机号或用户名" in html
    assert html.count('name="login"') == 1
    assert html.count('name="password"') == 1


def test_resident_logs_in_with_mobile_and_lands_on_home(client):
    resident = make_resident(mobile="13800001111")
    response = post_login(client, "13800001111")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(resident.pk)
    record = AuditRecord.objects.get(action="login")
    assert (record.actor_id, record.result, record.address) == (resident.pk, "ok", "10.1.1.1")


def test_staff_logs_in_with_username_and_lands_on_workbench(client):
    staff = make_staff(make_org(make_district()), username="zhangsan")
    response = post_login(client, "zhangsan")
    assert response.status_code == 302
    assert response["Location"] == "/cases/workbench/"
    assert client.session["_auth_user_id"] == str(staff.pk)


def test_safe_next_is_followed_and_foreign_next_is_ignored(client):
    make_resident(mobile="13800002222")
    assert post_login(client, "13800002222", next="/inbox/")["Location"] == "/inbox/"
    client.logout()
    assert post_login(client, "13800002222", next="https://evil.example/")["Location"] == "/"


def test_wrong_password_says_how_many_tries_are_left(client):
    make_resident(mobile="13800003333")
    response = post_login(client, "13800003333", password="Wrong-Pass-1")
    assert response.status_code == 400
    assert "手机号/用户名或密码不正确,再失败 4 次将锁定 30 分钟。" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sixth_login_is_refused_even_with_the_right_password(client):
    make_resident(mobile="13800004444")
    statuses = [post_login(client, "13800004444", password="Wrong-Pass-1").status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    response = post_login(client, "13800004444")
    assert response.status_code == 429
    assert "登录失败次数过多,账户已锁定,请 30 分钟后再试。" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert list(AuditRecord.objects.filter(action="login").values_list("result", flat=True).order_by("pk")) == [
        "failed", "failed", "failed", "failed", "locked", "locked",
    ]


def test_lock_lifts_after_thirty_minutes(client):
    make_resident(mobile="13800005555")
    with time_machine.travel("2026-05-06 09:00:00+08:00", tick=False) as traveller:
        for _ in range(5):
            post_login(client, "13800005555", password="Wrong-Pass-1")
        traveller.shift(29 * 60)
        response = post_login(client, "13800005555")
        assert response.status_code == 429
        assert "请 1 分钟后再试" in response.content.decode()
        traveller.shift(61)
        response = post_login(client, "13800005555")
    assert response.status_code == 302
    assert LoginFailure.objects.filter(scope="account").count() == 0


def test_one_address_trying_many_accounts_is_locked(client):
    for i in range(5):
        post_login(client, f"nobody{i}", password="Wrong-Pass-1", address="10.7.7.7")
    make_resident(mobile="13800006666")
    response = post_login(client, "13800006666", address="10.7.7.7")
    assert response.status_code == 429
    assert "此网络地址登录失败次数过多,已暂停登录,请 30 分钟后再试。" in response.content.decode()
    assert post_login(client, "13800006666", address="10.7.7.8").status_code == 302


def test_empty_login_form_is_a_400_with_chinese_messages(client):
    response = client.post(LOGIN, {"login": "", "password": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请输入手机号或用户名。" in html
    assert "请输入密码。" in html


def test_logout_is_a_post(client):
    resident = make_resident()
    client.force_login(resident)
    response = client.get("/accounts/logout/")
    assert response.status_code == 200
    assert "_auth_user_id" in client.session
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "_auth_user_id" not in client.session
    assert AuditRecord.objects.filter(action="logout", actor=resident).count() == 1


@override_settings(STAFF_IDLE_TIMEOUT_SECONDS=30 * 60)
def test_staff_session_ends_after_thirty_idle_minutes(client):
    staff = make_staff(make_org(make_district()), username="idlestaff")
    with time_machine.travel("2026-05-06 09:00:00+08:00", tick=False) as traveller:
        post_login(client, "idlestaff")
        assert client.session["last_seen"] == int(time.time())
        traveller.shift(29 * 60)
        assert client.get("/accounts/password/").status_code == 200  # still in; the clock restarts
        traveller.shift(30 * 60 + 1)
        response = client.get("/accounts/password/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        assert "_auth_user_id" not in client.session
        page = client.get(response["Location"])
    assert "您已因 30 分钟未操作自动退出" in page.content.decode()
    assert staff.pk  # the account itself is untouched


def test_resident_session_survives_idle_time(client):
    make_resident(mobile="13800007777")
    with time_machine.travel("2026-05-06 09:00:00+08:00", tick=False) as traveller:
        post_login(client, "13800007777")
        traveller.shift(3 * 60 * 60)
        response = client.get("/accounts/password/")
        assert response.status_code == 200
        assert "_auth_user_id" in client.session


def test_idle_clock_does_not_write_the_session_on_every_request(client):
    make_staff(make_org(make_district()), username="busystaff")
    with time_machine.travel("2026-05-06 09:00:00+08:00", tick=False) as traveller:
        post_login(client, "busystaff")
        start = client.session["last_seen"]
        traveller.shift(30)
        client.get("/accounts/password/")
        assert client.session["last_seen"] == start
        traveller.shift(30)
        client.get("/accounts/password/")
        assert client.session["last_seen"] == start + 60
