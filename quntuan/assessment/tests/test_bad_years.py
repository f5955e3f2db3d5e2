"""Out-of-range years and months are bad input (4xx with a Chinese message), never a 500."""

import pytest
from django.test import Client


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.parametrize("url", [
    "/assessment/results/99999/", "/assessment/results/0/", "/assessment/dispatch/?month=9999-12",
    "/assessment/dispatch/?month=0001-01", "/assessment/ledgers/?year=99999", "/assessment/vetoes/?year=1",
    "/assessment/?start=0001-01-01", "/assessment/?end=9999-12-31",
])
def test_pages_refuse_out_of_range_years(world, url):
    r = client_for(world.supervisor).get(url)
    assert r.status_code in (400, 404, 422), url
    assert "年" in r.content.decode() or "月份" in r.content.decode()


@pytest.mark.parametrize("url", [
    "/api/assessment/results/99999", "/api/assessment/results/0", "/api/assessment/ledgers?year=99999",
    "/api/assessment/dispatch?month=9999-12", "/api/assessment/indicators?year=99999",
    "/api/assessment/vetoes?year=99999", "/api/assessment/charts/cases?end=9999-12-31",
])
def test_api_refuses_out_of_range_years(world, url):
    r = client_for(world.supervisor).get(url)
    assert r.status_code in (400, 404, 422), (url, r.status_code)
    message = r.json().get("message", "")
    assert "年" in message or "月份" in message, (url, message)


def test_progress_report_for_month_out_of_range_is_refused(world):
    from datetime import date

    from quntuan.assessment import services

    item = services.supervision_item_create(actor=world.supervisor, district=world.district, title="事项",
                                            due_date=date(2026, 12, 31), organization_ids=[world.union.pk])
    a = item.assignments.get()
    r = client_for(world.union_staff).post(f"/assessment/supervision/tasks/{a.pk}/",
                                           {"month": "9999-12", "text": "x", "percent": "10"})
    assert r.status_code == 400
