"""Rows the platform writes through its services are read-only in the admin."""

import pytest

from quntuan.core.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", [
    "/admin/cases/case/",
    "/admin/accounts/auditrecord/",
    "/admin/volunteers/volunteer/",
])
def test_changelist_opens_and_offers_no_add(client, path):
    admin_user = make_user("platform_admin", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    response = client.get(path)
    assert response.status_code == 200
    assert client.get(f"{path}add/").status_code == 403
