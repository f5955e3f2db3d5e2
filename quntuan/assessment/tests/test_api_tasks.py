"""JSON API: a month's progress with evidence links, the supervisor confirming completion, and
the records behind a number."""

from datetime import date

from django.test import Client

from quntuan.assessment import services


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def test_progress_report_and_completion_through_the_api(world):
    item = services.supervision_item_create(actor=world.supervisor, district=world.district, title="职工之家",
                                            due_date=date(2026, 12, 31), organization_ids=[world.union.pk])
    a = item.assignments.get()
    url = f"/api/assessment/supervision/assignments/{a.pk}"
    r = client_for(world.union_staff).post(f"{url}/reports", {"month": "2026-06", "text": "召开推进会", "percent": 60,
                                                               "video_urls": ["https://video.example.cn/1"]},
                                           content_type="application/json")
    assert r.status_code == 201, r.json()
    assert r.json()["percent"] == 60 and r.json()["evidence"][0]["url"] == "https://video.example.cn/1"
    r = client_for(world.youth_staff).post(f"{url}/reports", {"month": "2026-06", "text": "x", "percent": 1},
                                           content_type="application/json")
    assert r.status_code == 404
    r = client_for(world.union_staff).post(f"{url}/reports", {"month": "9999-12", "text": "x", "percent": 1},
                                           content_type="application/json")
    assert r.status_code == 400
    assert client_for(world.union_staff).post(f"{url}/complete").status_code == 403
    r = client_for(world.supervisor).post(f"{url}/complete")
    assert r.status_code == 200 and r.json()["status"] == "done"
    records = client_for(world.supervisor).get("/api/assessment/records", {"kind": "assignments", "end": "2026-12-31"}).json()
    assert records["count"] == 1 and records["rows"][0]["id"] == a.pk
    assert client_for(world.supervisor).get("/api/assessment/records", {"kind": "nope"}).status_code == 400
