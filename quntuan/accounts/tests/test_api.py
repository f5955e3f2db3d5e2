import pytest

from quntuan.core.testing import make_district, make_org, make_resident, make_staff
from quntuan.notifications.services import notify

pytestmark = pytest.mark.django_db


def test_me_anonymous(client):
    response = client.get("/api/accounts/me")
    assert response.status_code == 200
    assert response.json() == {
        "authenticated": False, "id": None, "name": "", "login_name": "", "role": "", "role_label": "",
        "is_staff_member": False, "otp_verified": False, "staff_access": None, "unread_notifications": 0,
    }


def test_me_resident_with_unread_messages(client):
    resident = make_resident(mobile="13600001111", name="赵敏")
    notify(title="诉求已受理", body="……", dedup_key="t1", user=resident, channels=("inbox",))
    client.force_login(resident)
    assert client.get("/api/accounts/me").json() == {
        "authenticated": True, "id": resident.pk, "name": "赵敏", "login_name": "13600001111",
        "role": "resident", "role_label": "群众", "is_staff_member": False, "otp_verified": False,
        "staff_access": None, "unread_notifications": 1,
    }


def test_me_staff(client):
    staff = make_staff(make_org(make_district()), username="wangwu", name="王五")
    client.force_login(staff)
    data = client.get("/api/accounts/me").json()
    assert (data["role"], data["role_label"], data["is_staff_member"], data["staff_access"]) == (
        "staff", "工作人员", True, None)
