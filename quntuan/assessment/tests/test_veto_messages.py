"""一票否决: the refusal speaks of 一票否决, and a missing field in the API is named."""

from django.test import Client


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_refusing_a_veto_speaks_of_veto(world):
    r = client_for(world.union_leader).post("/api/assessment/vetoes", {
        "organization_id": world.union.pk, "year": 2026, "kind": "major_incident", "reason": "x"},
        content_type="application/json")
    assert (r.status_code, r.json()["message"]) == (403, "只有区督查人员可以设置或撤销一票否决。")


def test_missing_kind_is_named(world):
    r = client_for(world.supervisor).post("/api/assessment/vetoes", {
        "organization_id": world.union.pk, "year": 2026, "reason": "x"}, content_type="application/json")
    assert r.status_code == 422
    assert "否决类型为必填项" in r.json()["message"]
    assert "搜索范围" not in r.json()["message"]


def test_results_table_wraps_a_long_veto_note_and_scrolls(world):
    from quntuan.assessment.models import Indicator, Source, VetoFlag

    Indicator.objects.create(district=world.district, year=2026, name="活动", source=Source.ACTIVITIES, weight=10,
                             target=5)
    VetoFlag.objects.create(district=world.district, year=2026, organization=world.union, kind="major_incident",
                            reason="很长的否决事由" * 20, flagged_by=world.supervisor)
    page = client_for(world.supervisor).get("/assessment/results/2026/").content.decode()
    assert 'class="table-wrap as-scroll"' in page and 'class="name-col"' in page
    assert '<small class="veto-note">' in page and "white-space:nowrap" not in page.split("as-results")[-1]
