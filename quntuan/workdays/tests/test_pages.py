import pytest

from quntuan.accounts.models import Role
from quntuan.core.testing import PASSWORD, make_district, make_org, make_resident, make_staff, make_user

pytestmark = pytest.mark.django_db


def test_staff_sees_the_official_2026_calendar(client):
    staff = make_staff(make_org(make_district()))
    client.force_login(staff)
    response = client.get("/calendar/?year=2026")
    assert response.status_code == 200
    text = response.content.decode()
    assert "2026 年工作日历" in text
    assert "调休上班" in text
    assert "全年工作日 248 天" in text


def test_provisional_year_is_announced(client):
    staff = make_staff(make_org(make_district()))
    client.force_login(staff)
    text = client.get("/calendar/?year=2027").content.decode()
    assert "暂定日历" in text
    assert "尚未录入国务院放假安排" in text


def test_residents_are_not_shown_the_staff_calendar(client):
    resident = make_resident()
    assert client.login(username=resident.mobile, password=PASSWORD)
    response = client.get("/calendar/")
    assert response.status_code in (302, 403)


def test_bad_year_falls_back_to_this_year(client):
    client.force_login(make_user(Role.SUPERVISOR, make_district()))
    assert client.get("/calendar/?year=abc").status_code == 200
