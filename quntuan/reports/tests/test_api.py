import json

from quntuan.core.testing import PASSWORD
from quntuan.reports.models import ReportDraft


def _json(response):
    return json.loads(response.content)


def test_figures_api(demo, client):
    client.login(username=demo.auditor.username, password=PASSWORD)
    response = client.get(f"/api/reports/figures?period_kind=month&year=2026&number=11&district_id={demo.district.pk}")
    assert response.status_code == 200
    by_key = {f["key"]: f for f in _json(response)}
    assert (by_key["services_delivered"]["value"], by_key["people_served"]["value"]) == (2, 40)
    bad = client.get(f"/api/reports/figures?period_kind=month&year=2026&number=13&district_id={demo.district.pk}")
    assert bad.status_code == 400
    assert _json(bad)["message"] == "汇报周期序号超出范围。"


def test_figures_api_scope(demo, client):
    client.login(username=demo.union_staff.username, password=PASSWORD)
    url = "/api/reports/figures?period_kind=year&year=2026"
    assert client.get(f"{url}&organization_id={demo.union.pk}").status_code == 200
    assert client.get(f"{url}&organization_id={demo.women.pk}").status_code == 403
    assert client.get(f"{url}&district_id={demo.district.pk}").status_code == 403


def test_draft_api_create_read_and_edit(demo, client):
    client.login(username=demo.union_leader.username, password=PASSWORD)
    response = client.post("/api/reports/drafts", {"period_kind": "month", "year": 2026, "number": 11,
                                                   "organization_id": demo.union.pk}, content_type="application/json")
    assert response.status_code == 201
    pk = _json(response)["id"]
    assert _json(response)["title"] == "区总工会2026年11月群团改革工作汇报"
    response = client.patch(f"/api/reports/drafts/{pk}/narrative", {"narrative": {"brand": "工匠评选"}},
                            content_type="application/json")
    assert response.status_code == 200
    assert _json(response)["narrative"]["brand"] == "工匠评选"
    locked = client.patch(f"/api/reports/drafts/{pk}/narrative", {"narrative": {"figures": "x"}},
                          content_type="application/json")
    assert locked.status_code == 400
    refused = client.post("/api/reports/drafts", {"period_kind": "year", "year": 2026,
                                                  "district_id": demo.district.pk}, content_type="application/json")
    assert refused.status_code == 403
    assert ReportDraft.objects.count() == 1
    client.login(username=demo.auditor.username, password=PASSWORD)
    assert client.get(f"/api/reports/drafts/{pk}").status_code == 200
    assert client.patch(f"/api/reports/drafts/{pk}/narrative", {"narrative": {"brand": "x"}},
                        content_type="application/json").status_code == 403
    assert ReportDraft.objects.get().narrative["brand"] == "工匠评选"
