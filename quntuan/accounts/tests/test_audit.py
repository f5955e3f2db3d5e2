import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory

from quntuan.accounts.models import AuditRecord, Role
from quntuan.accounts.services import audit_record, is_org_leader, user_memberships, user_org_ids
from quntuan.core.testing import make_district, make_org, make_resident, make_staff, make_user

pytestmark = pytest.mark.django_db


def test_audit_record_keeps_actor_address_and_detail():
    staff = make_staff(make_org(make_district()))
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")
    record = audit_record(actor=staff, action="personal_data_view", object_type="case", object_id=42,
                          request=request, detail={"field": "mobile"})
    record = AuditRecord.objects.get(pk=record.pk)
    assert (record.actor_id, record.action, record.object_type, record.object_id, record.result,
            record.address, record.detail) == (staff.pk, "personal_data_view", "case", "42", "ok", "192.0.2.7",
                                               {"field": "mobile"})


def test_audit_records_cannot_be_changed_or_deleted():
    record = audit_record(actor=None, action="login", object_type="login", object_id="x", result="failed")
    record.result = "ok"
    with pytest.raises(ValueError, match="Audit records cannot be changed."):
        record.save()
    with pytest.raises(ValueError, match="Audit records cannot be deleted."):
        record.delete()
    assert AuditRecord.objects.get(pk=record.pk).result == "failed"


def test_admin_offers_no_add_change_or_delete_for_audit_records():
    admin = make_user(Role.PLATFORM_ADMIN, is_superuser=True, is_staff=True)
    request = RequestFactory().get("/admin/")
    request.user = admin
    model_admin = site._registry[AuditRecord]
    record = audit_record(actor=admin, action="login")
    assert (model_admin.has_add_permission(request), model_admin.has_change_permission(request, record),
            model_admin.has_delete_permission(request, record), model_admin.has_view_permission(request, record)) == (
        False, False, False, True)


def test_admin_pages_for_users_and_audit_open(client):
    admin = make_user(Role.PLATFORM_ADMIN, is_superuser=True, is_staff=True)
    staff = make_staff(make_org(make_district()))
    audit_record(actor=staff, action="login")
    client.force_login(admin)
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get(f"/admin/accounts/user/{staff.pk}/change/").status_code == 200
    assert client.get("/admin/accounts/user/add/").status_code == 200
    assert client.get("/admin/accounts/auditrecord/").status_code == 200
    assert client.get("/admin/notifications/notification/").status_code == 200
    assert client.get("/admin/notifications/outboundmessage/").status_code == 200


def test_memberships_and_leadership():
    district = make_district()
    union, youth = make_org(district, "union"), make_org(district, "youth")
    leader = make_staff(union, leader=True)
    staff = make_staff(youth)
    assert [m.organization.name for m in user_memberships(leader)] == ["区总工会"]
    assert user_org_ids(staff) == {youth.pk}
    assert user_org_ids(make_resident()) == set()
    assert (is_org_leader(leader, union), is_org_leader(leader, youth), is_org_leader(staff, youth),
            is_org_leader(leader, union.pk)) == (True, False, False, True)


@pytest.mark.parametrize(("required", "with_device", "expected"), [
    (False, False, None),
    (False, True, "/accounts/2fa/verify/?next=%2Fadmin%2Flogin%2F%3Fnext%3D%2Fadmin%2F"),
    (True, False, "/accounts/2fa/setup/?next=%2Fadmin%2Flogin%2F%3Fnext%3D%2Fadmin%2F"),
])
def test_admin_follows_the_two_factor_rule(client, settings, required, with_device, expected):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.STAFF_2FA_REQUIRED = required
    admin = make_user(Role.PLATFORM_ADMIN, is_superuser=True, is_staff=True)
    if with_device:
        TOTPDevice.objects.create(user=admin, name="手机", confirmed=True)
    client.force_login(admin)
    response = client.get("/admin/")
    if expected is None:
        assert response.status_code == 200
    else:
        assert response["Location"] == "/admin/login/?next=/admin/"
        assert client.get(response["Location"])["Location"] == expected
