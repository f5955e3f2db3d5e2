"""Admin pages for reference data open, and saving a service through the admin maintains its
search text."""

import pytest
from django.urls import reverse

from quntuan.accounts.models import User
from quntuan.catalog.models import Category, Service
from quntuan.catalog.services import catalog_seed
from quntuan.core.testing import make_community, make_district

pytestmark = pytest.mark.django_db

MODELS = [
    ("organizations", "region"), ("organizations", "organization"), ("organizations", "workstation"),
    ("organizations", "membership"), ("organizations", "districtrules"), ("catalog", "category"),
    ("catalog", "service"), ("workdays", "calendaryear"), ("workdays", "specialday"),
]


@pytest.fixture
def admin_client(client):
    district = make_district()
    make_community(district)
    catalog_seed(district)
    user = User.objects.create_superuser("root", "Root-Pass-2026")
    client.force_login(user)
    client.district = district
    return client


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_changelist_and_add_pages_open(admin_client, app, model):
    assert admin_client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 200
    assert admin_client.get(reverse(f"admin:{app}_{model}_add")).status_code == 200


def test_calendar_year_changelist_warns_about_missing_official_table(admin_client):
    response = admin_client.get(reverse("admin:workdays_calendaryear_changelist"))
    messages = [str(m) for m in response.context["messages"]]
    assert any("尚未录入国务院放假安排" in m for m in messages)


def test_service_saved_in_admin_gets_search_text(admin_client):
    org = admin_client.district.organizations.get(code="disabled")
    category = Category.objects.get(code="disabled.access")
    response = admin_client.post(reverse("admin:catalog_service_add"), {
        "organization": org.pk, "category": category.pk, "name": "坡道扶手维修申请",
        "time_limit_class": "help", "materials": "现场照片", "description": "公共坡道扶手松动的维修。",
        "is_active": "on",
    })
    assert response.status_code == 302
    service = Service.objects.get(name="坡道扶手维修申请")
    assert "扶手" in service.search_text
    assert "无障碍设施与改造" in service.search_text


def test_duplicate_service_name_is_a_form_error_not_500(admin_client):
    org = admin_client.district.organizations.get(code="union")
    category = Category.objects.get(code="union.legal")
    response = admin_client.post(reverse("admin:catalog_service_add"), {
        "organization": org.pk, "category": category.pk, "name": "欠薪求助与讨薪协调",
        "time_limit_class": "help", "is_active": "on",
    })
    assert response.status_code == 200
    assert Service.objects.filter(name="欠薪求助与讨薪协调").count() == 1
