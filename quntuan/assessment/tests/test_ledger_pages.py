"""The ledger pages: an organization's staff add, edit and delete their own organization's rows,
the supervisor every row of the district (district-level rows too), the auditor reads all and
changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from quntuan.accounts.models import AuditRecord
from quntuan.assessment.models import Budget, Cadre, CadreTraining, MediaReport, OfficeSpace, Post


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def snapshot():
    return [list(m.objects.order_by("id").values()) for m in (Post, Cadre, Budget, OfficeSpace, MediaReport,
                                                              CadreTraining)]


def test_staff_keeps_own_organization_ledger(world):
    c = client_for(world.union_staff)
    r = c.post(f"/assessment/ledgers/post/new/?org={world.union.pk}",
               {"name": "机关编制", "kind": "established", "authorized": "8", "filled": "7"})
    assert (r.status_code, r["Location"]) == (302, f"/assessment/ledgers/org/{world.union.pk}/")
    post = Post.objects.get()
    assert (post.organization, post.name, post.authorized, post.filled) == (world.union, "机关编制", 8, 7)
    r = c.post(f"/assessment/ledgers/post/{post.pk}/edit/",
               {"name": "机关编制", "kind": "established", "authorized": "9", "filled": "9"})
    assert r.status_code == 302
    post.refresh_from_db()
    assert (post.authorized, post.filled) == (9, 9)
    r = c.post(f"/assessment/ledgers/cadre/new/?org={world.union.pk}", {
        "name": "钱挂职", "kind": "seconded", "position": "副主席", "from_unit": "市总工会",
        "start": "2026-03-01", "end": "2027-02-28"})
    assert r.status_code == 302
    assert list(Cadre.objects.values_list("name", "kind", "start", "end")) == [
        ("钱挂职", "seconded", date(2026, 3, 1), date(2027, 2, 28))]
    r = c.post(f"/assessment/ledgers/office/new/?org={world.union.pk}",
               {"address": "群团服务中心3楼", "area": "120.5", "rooms": "4", "note": ""})
    assert r.status_code == 302 and OfficeSpace.objects.get().area == Decimal("120.5")
    page = c.get(f"/assessment/ledgers/org/{world.union.pk}/").content.decode()
    assert "钱挂职" in page and "群团服务中心3楼" in page and f"/assessment/ledgers/post/{post.pk}/edit/" in page
    r = c.post(f"/assessment/ledgers/post/{post.pk}/delete/")
    assert r.status_code == 302 and not Post.objects.exists()
    assert AuditRecord.objects.filter(action="ledger.delete", object_type="assessment.Post").count() == 1


def test_budget_form_shows_growth_over_previous_year(world):
    Budget.objects.create(organization=world.union, year=2025, amount=Decimal("200000"))
    c = client_for(world.union_leader)
    form = c.get(f"/assessment/ledgers/budget/new/?org={world.union.pk}&year=2026").content.decode()
    assert "上年(2025 年)专项经费 200000.00 元" in form and 'data-previous="200000.00"' in form
    r = c.post(f"/assessment/ledgers/budget/new/?org={world.union.pk}", {"year": "2026", "amount": "250000",
                                                                          "note": "阵地建设"})
    assert r.status_code == 302
    page = c.get(f"/assessment/ledgers/org/{world.union.pk}/").content.decode()
    assert "25.0%" in page and "250000.00" in page
    # Entering the same year again replaces the amount (one budget per organization and year).
    c.post(f"/assessment/ledgers/budget/new/?org={world.union.pk}", {"year": "2026", "amount": "180000"})
    assert list(Budget.objects.order_by("year").values_list("year", "amount")) == [
        (2025, Decimal("200000.00")), (2026, Decimal("180000.00"))]
    assert "-10.0%" in c.get(f"/assessment/ledgers/org/{world.union.pk}/").content.decode()


def test_bad_input_gives_form_errors_not_500(world):
    c = client_for(world.union_staff)
    r = c.post(f"/assessment/ledgers/cadre/new/?org={world.union.pk}",
               {"name": "甲", "kind": "seconded", "start": "2026-05-01", "end": "2026-04-01"})
    assert r.status_code == 400 and "截止日期不能早于起始日期。" in r.content.decode()
    r = c.post("/assessment/ledgers/media/new/", {"organization": world.union.pk, "title": "报道", "outlet": "日报",
                                                   "published_on": "2026-05-01", "level": "city", "link": "ftp://x"})
    assert r.status_code == 400
    r = c.post(f"/assessment/ledgers/budget/new/?org={world.union.pk}", {"year": "1999", "amount": "-1"})
    assert r.status_code == 400 and "年度无效。" in r.content.decode()
    assert c.get("/assessment/ledgers/nope/new/").status_code == 404
    assert snapshot() == [[], [], [], [], [], []]


def test_staff_cannot_touch_another_organization(world):
    youth_post = Post.objects.create(organization=world.youth, name="编制", authorized=3, filled=3)
    youth_media = MediaReport.objects.create(district=world.district, organization=world.youth, title="团委报道",
                                             outlet="市报", published_on=date(2026, 5, 1), level="city")
    before = snapshot()
    c = client_for(world.union_staff)
    assert c.get(f"/assessment/ledgers/org/{world.youth.pk}/").status_code == 404
    assert c.get(f"/assessment/ledgers/post/new/?org={world.youth.pk}").status_code == 404
    assert c.post(f"/assessment/ledgers/post/{youth_post.pk}/edit/", {"name": "x", "kind": "established",
                                                                      "authorized": 1, "filled": 1}).status_code == 404
    assert c.post(f"/assessment/ledgers/post/{youth_post.pk}/delete/").status_code == 404
    assert c.post(f"/assessment/ledgers/media/{youth_media.pk}/delete/").status_code == 404
    # The organization list offers only the staff member's own organization, and no district-level row.
    r = c.post("/assessment/ledgers/media/new/", {"organization": world.youth.pk, "title": "冒名", "outlet": "市报",
                                                   "published_on": "2026-05-02", "level": "city"})
    assert r.status_code == 400
    r = c.post("/assessment/ledgers/media/new/", {"organization": "", "title": "全区", "outlet": "市报",
                                                   "published_on": "2026-05-02", "level": "city"})
    assert r.status_code == 400
    assert snapshot() == before


def test_supervisor_edits_every_row_and_district_level_rows(world):
    c = client_for(world.supervisor)
    r = c.post(f"/assessment/ledgers/training/new/?district={world.district.pk}", {
        "organization": "", "title": "全区群团干部培训班", "start": "2026-04-10", "days": "2", "trainees": "60"})
    assert r.status_code == 302 and r["Location"].startswith(f"/assessment/ledgers/?district={world.district.pk}")
    training = CadreTraining.objects.get()
    assert (training.organization, training.trainees, training.days) == (None, 60, 2)
    r = c.post(f"/assessment/ledgers/training/{training.pk}/edit/", {
        "organization": world.youth.pk, "title": "团干部培训班", "start": "2026-04-10", "days": "2", "trainees": "61"})
    assert r.status_code == 302
    training.refresh_from_db()
    assert (training.organization, training.title, training.trainees) == (world.youth, "团干部培训班", 61)
    r = c.post("/assessment/ledgers/media/new/", {"organization": world.youth.pk, "title": "青年志愿者", "outlet": "人民网",
                                                   "published_on": "2026-05-02", "level": "national",
                                                   "link": "https://example.cn/a"})
    assert r.status_code == 302
    assert list(MediaReport.objects.values_list("organization__code", "level", "link")) == [
        ("youth", "national", "https://example.cn/a")]
    page = c.get("/assessment/ledgers/?year=2026").content.decode()
    assert "登记媒体报道" in page and f"/assessment/ledgers/media/{MediaReport.objects.get().pk}/edit/" in page
    # The youth staff now see and may edit it on their page; the union staff do not see it.
    assert "青年志愿者" in client_for(world.youth_staff).get(f"/assessment/ledgers/org/{world.youth.pk}/").content.decode()
    assert "青年志愿者" not in client_for(world.union_staff).get("/assessment/ledgers/").content.decode()


@pytest.mark.parametrize("method,url,data", [
    ("get", "/assessment/ledgers/post/new/?org={union}", None),
    ("post", "/assessment/ledgers/post/new/?org={union}", {"name": "x", "kind": "established", "authorized": 1,
                                                           "filled": 1}),
    ("post", "/assessment/ledgers/post/{post}/edit/", {"name": "x", "kind": "established", "authorized": 1,
                                                       "filled": 1}),
    ("post", "/assessment/ledgers/post/{post}/delete/", None),
    ("post", "/assessment/ledgers/media/new/?district={district}", {"organization": "", "title": "x", "outlet": "y",
                                                                    "published_on": "2026-05-01", "level": "city"}),
    ("post", "/assessment/ledgers/budget/{budget}/edit/", {"amount": "1"}),
])
def test_auditor_reads_but_changes_nothing(world, method, url, data):
    post = Post.objects.create(organization=world.union, name="编制", authorized=3, filled=3)
    budget = Budget.objects.create(organization=world.union, year=2026, amount=Decimal("5"))
    before = snapshot()
    c = client_for(world.auditor)
    page = c.get(f"/assessment/ledgers/org/{world.union.pk}/").content.decode()
    assert "编制" in page and "/edit/" not in page and "新增岗位" not in page
    url = url.format(union=world.union.pk, post=post.pk, budget=budget.pk, district=world.district.pk)
    r = getattr(c, method)(url, data or {})
    assert r.status_code == 403
    assert "您无权修改该台账。" in r.content.decode()
    assert snapshot() == before
