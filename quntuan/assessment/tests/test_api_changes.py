"""JSON API: changing and removing ledger rows, withdrawing vetoes, removing indicators."""

from datetime import date

from django.test import Client

from quntuan.assessment.models import Cadre, Indicator, MediaReport, Post, Source, VetoFlag


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_ledger_rows_changed_and_removed_through_the_api(world):
    post = Post.objects.create(organization=world.union, name="编制", authorized=3, filled=2)
    cadre = Cadre.objects.create(organization=world.union, name="甲", kind="seconded", start=date(2026, 1, 1))
    youth_post = Post.objects.create(organization=world.youth, name="编制", authorized=3, filled=3)
    c = client_for(world.union_staff)
    r = c.put(f"/api/assessment/ledgers/posts/{post.pk}", {"name": "机关编制", "authorized": 4, "filled": 4},
              content_type="application/json")
    assert (r.status_code, r.json()) == (200, {"id": post.pk, "authorized": 4, "filled": 4})
    r = c.put(f"/api/assessment/ledgers/cadres/{cadre.pk}", {"name": "甲", "kind": "seconded", "start": "2026-01-01",
                                                              "end": "2025-12-31"}, content_type="application/json")
    assert (r.status_code, r.json()["message"]) == (400, "截止日期不能早于起始日期。")
    r = c.put(f"/api/assessment/ledgers/posts/{youth_post.pk}", {"name": "x", "authorized": 9, "filled": 9},
              content_type="application/json")
    assert r.status_code == 404
    assert c.delete(f"/api/assessment/ledgers/posts/{youth_post.pk}").status_code == 404
    r = client_for(world.auditor).delete(f"/api/assessment/ledgers/posts/{post.pk}")
    assert (r.status_code, r.json()["message"]) == (403, "您无权修改该台账。")
    assert c.delete(f"/api/assessment/ledgers/posts/{post.pk}").status_code == 204
    assert list(Post.objects.values_list("organization__code", flat=True)) == ["youth"]
    assert c.delete("/api/assessment/ledgers/nope/1").status_code in (404, 405)


def test_supervisor_moves_a_media_report_to_district_level(world):
    m = MediaReport.objects.create(district=world.district, organization=world.union, title="报道", outlet="市报",
                                   published_on=date(2026, 5, 1), level="city")
    r = client_for(world.union_staff).put(f"/api/assessment/ledgers/media/{m.pk}", {
        "title": "报道", "outlet": "市报", "published_on": "2026-05-01", "level": "city", "organization_id": None},
        content_type="application/json")
    assert r.status_code == 403
    r = client_for(world.supervisor).put(f"/api/assessment/ledgers/media/{m.pk}", {
        "title": "报道", "outlet": "人民网", "published_on": "2026-05-01", "level": "national",
        "organization_id": None}, content_type="application/json")
    assert (r.status_code, r.json()["level"]) == (200, "national")
    m.refresh_from_db()
    assert (m.organization, m.outlet) == (None, "人民网")


def test_veto_withdraw_and_indicator_delete_supervisor_only(world):
    flag = VetoFlag.objects.create(district=world.district, year=2026, organization=world.union,
                                   kind="major_incident", reason="事故")
    ind = Indicator.objects.create(district=world.district, year=2026, name="品牌", source=Source.MANUAL, weight=10)
    leader = client_for(world.union_leader)
    assert leader.get("/api/assessment/vetoes?year=2026").json()[0]["reason"] == "事故"
    assert leader.post(f"/api/assessment/vetoes/{flag.pk}/withdraw").status_code == 403
    assert leader.delete(f"/api/assessment/indicators/{ind.pk}").status_code == 403
    assert client_for(world.youth_staff).get("/api/assessment/vetoes?year=2026").json() == []
    sup = client_for(world.supervisor)
    assert sup.post(f"/api/assessment/vetoes/{flag.pk}/withdraw").json() == {"id": flag.pk, "withdrawn": True}
    assert sup.post(f"/api/assessment/vetoes/{flag.pk}/withdraw").status_code == 409
    assert sup.delete(f"/api/assessment/indicators/{ind.pk}").status_code == 204
    assert not Indicator.objects.exists()
