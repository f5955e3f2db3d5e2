import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from quntuan.accounts.models import AuditRecord
from quntuan.assessment import services
from quntuan.assessment.models import (
    Assignment,
    Budget,
    Evidence,
    Indicator,
    ManualScore,
    ProgressReport,
    Source,
    SupervisionItem,
    VetoFlag,
)
from quntuan.core.exceptions import ApplicationError, PermissionDenied

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def _item(world, **kw):
    return services.supervision_item_create(actor=world.supervisor, district=world.district, title="工作站建设",
                                            due_date=date(2026, 6, 30),
                                            organization_ids=[world.union.pk, world.youth.pk], **kw)


# --- supervision ---------------------------------------------------------------------------------

def test_supervisor_creates_item_assigned_to_organizations(world):
    item = _item(world, is_key=True)
    assert sorted(item.assignments.values_list("organization__code", "due_date", "status")) == [
        ("union", date(2026, 6, 30), "in_progress"), ("youth", date(2026, 6, 30), "in_progress")]
    assert AuditRecord.objects.filter(action="supervision.item_create", object_id=str(item.pk)).count() == 1


@pytest.mark.parametrize("who", ["union_leader", "union_staff", "auditor"])
def test_only_supervisor_creates_items(world, who):
    with pytest.raises(PermissionDenied) as exc:
        services.supervision_item_create(actor=getattr(world, who), district=world.district, title="x",
                                         due_date=date(2026, 6, 30), organization_ids=[world.union.pk])
    assert exc.value.message == "只有区督查人员可以创建督查事项。"
    assert SupervisionItem.objects.count() == 0


def test_monthly_report_with_photo_pdf_and_video(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = _item(world).assignments.get(organization=world.union)
    files = [SimpleUploadedFile("现场.png", PNG, content_type="image/png"),
             SimpleUploadedFile("方案.pdf", b"%PDF-1.4 test", content_type="application/pdf")]
    report = services.progress_report_submit(actor=world.union_staff, assignment=a, month=date(2026, 6, 9),
                                             text="召开推进会", percent=40, files=files,
                                             video_urls=["https://v.example.cn/1", ""])
    assert (report.month, report.percent) == (date(2026, 6, 1), 40)
    assert sorted(report.evidence.values_list("kind", "content_type", "original_name", "url")) == [
        ("document", "application/pdf", "方案.pdf", ""), ("photo", "image/png", "现场.png", ""),
        ("video", "", "", "https://v.example.cn/1")]
    # Resubmitting the month replaces the text, keeps one report.
    services.progress_report_submit(actor=world.union_staff, assignment=a, month=date(2026, 6, 20),
                                    text="完成选址", percent=60)
    assert list(ProgressReport.objects.values_list("text", "percent")) == [("完成选址", 60)]


@pytest.mark.parametrize("name,content,message", [
    ("a.exe", b"MZ\x90\x00" + b"\x00" * 20, "文件“a.exe”类型不支持:照片只能是 PNG 或 JPEG,文件只能是 PDF 或 Office 文档。"),
    ("fake.docx", b"not a zip at all", "文件“fake.docx”类型不支持:照片只能是 PNG 或 JPEG,文件只能是 PDF 或 Office 文档。"),
    ("big.png", PNG + b"\x00" * (10 * 1024 * 1024), "照片“big.png”超过 10 MB。"),
    ("empty.pdf", b"", "文件“empty.pdf”是空文件。"),
])
def test_bad_evidence_is_refused_and_nothing_saved(world, settings, tmp_path, name, content, message):
    settings.MEDIA_ROOT = tmp_path
    a = _item(world).assignments.get(organization=world.union)
    good = SimpleUploadedFile("ok.png", PNG, content_type="image/png")
    with pytest.raises(ApplicationError) as exc:
        services.progress_report_submit(actor=world.union_staff, assignment=a, month=date(2026, 6, 1), text="进展",
                                        percent=10, files=[good, SimpleUploadedFile(name, content)])
    assert exc.value.message == message
    assert (ProgressReport.objects.count(), Evidence.objects.count()) == (0, 0)


@pytest.mark.parametrize("who", ["youth_staff", "supervisor", "auditor"])
def test_only_the_assigned_organization_reports(world, who):
    a = _item(world).assignments.get(organization=world.union)
    with pytest.raises(PermissionDenied):
        services.progress_report_submit(actor=getattr(world, who), assignment=a, month=date(2026, 6, 1),
                                        text="x", percent=1)
    assert ProgressReport.objects.count() == 0


def test_complete_and_overdue_flags(world):
    item = _item(world)
    a = item.assignments.get(organization=world.union)
    with pytest.raises(PermissionDenied):
        services.assignment_complete(actor=world.union_leader, assignment=a)
    done = services.assignment_complete(actor=world.supervisor, assignment=a, completed_on=date(2026, 6, 14))
    assert (done.status, done.completed_on, done.on_time, done.is_overdue()) == ("done", date(2026, 6, 14), True,
                                                                                False)
    other = item.assignments.get(organization=world.youth)
    assert other.is_overdue(date(2026, 7, 1)) is True
    assert other.is_overdue(date(2026, 6, 30)) is False


# --- indicators and scores -----------------------------------------------------------------------

@pytest.mark.parametrize("who", ["union_leader", "union_staff", "auditor"])
def test_only_supervisor_edits_indicators_and_weights(world, who):
    ind = services.indicator_create(actor=world.supervisor, district=world.district, year=2026, name="活动",
                                    source=Source.ACTIVITIES, weight=20, target=10)
    actor = getattr(world, who)
    with pytest.raises(PermissionDenied) as exc:
        services.indicator_update(actor=actor, indicator=ind, weight=50, target=10)
    assert exc.value.message == "只有区督查人员可以设置考核指标和权重。"
    with pytest.raises(PermissionDenied):
        services.indicator_create(actor=actor, district=world.district, year=2026, name="x", source=Source.MANUAL,
                                  weight=10)
    ind.refresh_from_db()
    assert (ind.weight, Indicator.objects.count()) == (20, 1)
    services.indicator_update(actor=world.supervisor, indicator=ind, weight=35, target=12)
    ind.refresh_from_db()
    assert (ind.weight, ind.target) == (35, Decimal("12.00"))


@pytest.mark.parametrize("kwargs,message", [
    ({"source": "activities", "weight": 0, "target": 5}, "权重应在 1 到 100 之间。"),
    ({"source": "activities", "weight": 10, "target": None}, "计数类指标需要填写满分目标值。"),
    ({"source": "activities", "weight": 10, "target": "abc"}, "满分目标值必须是大于 0 的数字。"),
    ({"source": "nope", "weight": 10, "target": None}, "数据来源无效。"),
    ({"source": "volunteer_hours", "weight": 10, "target": 5, "scope": "street"}, "该数据来源不适用于街道考核。"),
])
def test_indicator_input_checked(world, kwargs, message):
    with pytest.raises(ApplicationError) as exc:
        services.indicator_create(actor=world.supervisor, district=world.district, year=2026, name="指标", **kwargs)
    assert exc.value.message == message


def test_manual_score_needs_evidence_and_range(world):
    ind = services.indicator_create(actor=world.supervisor, district=world.district, year=2026, name="品牌",
                                    source=Source.MANUAL, weight=10)
    with pytest.raises(ApplicationError) as exc:
        services.manual_score_set(actor=world.supervisor, indicator=ind, organization=world.union, score=80,
                                  evidence=" ")
    assert exc.value.message == "人工评分需要填写评分依据或上传佐证材料。"
    with pytest.raises(ApplicationError):
        services.manual_score_set(actor=world.supervisor, indicator=ind, organization=world.union, score=101,
                                  evidence="材料")
    with pytest.raises(PermissionDenied):
        services.manual_score_set(actor=world.auditor, indicator=ind, organization=world.union, score=80,
                                  evidence="材料")
    services.manual_score_set(actor=world.supervisor, indicator=ind, organization=world.union, score="88.5",
                              evidence="材料")
    services.manual_score_set(actor=world.supervisor, indicator=ind, organization=world.union, score=90,
                              evidence="补充材料")
    assert list(ManualScore.objects.values_list("score", "evidence")) == [(Decimal("90.00"), "补充材料")]


def test_ledger_edits_by_own_organization_and_supervisor_only(world):
    services.budget_set(actor=world.union_leader, organization=world.union, year=2026, amount="300000")
    services.budget_set(actor=world.union_staff, organization=world.union, year=2026, amount="310000")
    services.budget_set(actor=world.supervisor, organization=world.union, year=2026, amount="320000")
    for who in ("youth_staff", "auditor"):
        with pytest.raises(PermissionDenied):
            services.budget_set(actor=getattr(world, who), organization=world.union, year=2026, amount="1")
    with pytest.raises(ApplicationError) as exc:
        services.budget_set(actor=world.union_leader, organization=world.union, year=2026, amount="-5")
    assert exc.value.message == "金额必须是不小于 0 的数字。"
    assert list(Budget.objects.values_list("year", "amount")) == [(2026, Decimal("320000.00"))]


# --- pages and API -------------------------------------------------------------------------------

def _scored(world):
    manual = Indicator.objects.create(district=world.district, year=2026, name="品牌", source=Source.MANUAL,
                                      weight=100)
    ManualScore.objects.create(indicator=manual, organization=world.union, score=Decimal("80"), evidence="甲材料")
    ManualScore.objects.create(indicator=manual, organization=world.youth, score=Decimal("90"), evidence="乙材料")
    return manual


def test_organization_sees_only_its_own_scores_and_ledgers(world):
    manual = _scored(world)
    Budget.objects.create(organization=world.youth, year=2026, amount=Decimal("99000"))
    c = client_for(world.union_staff)
    body = c.get("/api/assessment/results/2026").json()
    assert [(r["name"], r["total"], r["rank"]) for r in body["rows"]] == [("区总工会", 80.0, 2)]
    page = c.get("/assessment/results/2026/").content.decode()
    assert "区总工会" in page and "共青团区委" not in page
    assert c.get(f"/assessment/indicators/{manual.pk}/records/{world.youth.pk}/").status_code == 404
    drill = c.get(f"/assessment/indicators/{manual.pk}/records/{world.union.pk}/")
    assert drill.status_code == 200 and "甲材料" in drill.content.decode()
    ledgers = c.get("/api/assessment/ledgers?year=2026").json()
    assert [o["name"] for o in ledgers["organizations"]] == ["区总工会"]
    assert c.get(f"/api/assessment/charts/cases_by_state?org={world.youth.pk}").status_code == 404


def test_auditor_reads_everything_and_changes_nothing(world):
    _scored(world)
    c = client_for(world.auditor)
    body = c.get("/api/assessment/results/2026").json()
    assert [(r["name"], r["total"], r["rank"]) for r in body["rows"]] == [("共青团区委", 90.0, 1),
                                                                          ("区总工会", 80.0, 2)]
    for url in ("/assessment/", "/assessment/ledgers/", "/assessment/supervision/", "/assessment/dispatch/",
                "/assessment/indicators/", "/assessment/results/2026/?scope=street"):
        assert c.get(url).status_code == 200, url
    ind = Indicator.objects.get()
    r = c.put(f"/api/assessment/indicators/{ind.pk}", {"weight": 5}, content_type="application/json")
    assert (r.status_code, r.json()["message"]) == (403, "只有区督查人员可以设置考核指标和权重。")
    r = c.post("/assessment/indicators/", {"action": "update", "indicator": ind.pk, "weight": 5})
    assert r.status_code == 403
    r = c.post("/api/assessment/supervision/items", {"title": "x", "due_date": "2026-07-01",
                                                       "organization_ids": [world.union.pk]},
               content_type="application/json")
    assert r.status_code == 403
    ind.refresh_from_db()
    assert (ind.weight, SupervisionItem.objects.count()) == (100, 0)


def test_supervisor_api_creates_item_and_edits_weight(world):
    c = client_for(world.supervisor)
    r = c.post("/api/assessment/supervision/items", {"title": "入会行动", "due_date": "2026-07-01",
                                                       "organization_ids": [world.union.pk], "is_key": True},
               content_type="application/json")
    assert (r.status_code, r.json()["assignments"]) == (201, 1)
    r = c.post("/api/assessment/indicators", {"year": 2026, "name": "覆盖", "source": "coverage", "weight": 20},
               content_type="application/json")
    assert r.status_code == 201
    r = c.put(f"/api/assessment/indicators/{r.json()['id']}", {"weight": 25}, content_type="application/json")
    assert (r.status_code, r.json()["weight"]) == (200, 25)


def test_charts_and_drilldown_pages(world):
    from datetime import datetime

    from quntuan.assessment.tests.conftest import TZ
    from quntuan.assessment.tests.test_queries import _activity
    _activity(world, world.union, datetime(2026, 3, 2, 9, tzinfo=TZ), checkins=3, street=world.street1)
    c = client_for(world.supervisor)
    body = c.get("/api/assessment/charts/activities?start=2026-01-01&end=2026-06-30").json()
    assert (body["level"], body["categories"], body["activities"], body["person_times"]) == (
        "district", ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"], [0, 0, 1, 0, 0, 0],
        [0, 0, 3, 0, 0, 0])
    drill = body["drill"][2]
    assert drill["month"] == "2026-03" and drill["kind"] == "activities"
    page = c.get("/assessment/records/", drill)
    assert page.status_code == 200 and "讲座" in page.content.decode()
    street = c.get(f"/api/assessment/charts/activities?street={world.street2.pk}&start=2026-01-01&end=2026-06-30")
    assert street.json()["activities"] == [0, 0, 0, 0, 0, 0]
    bad = c.get("/api/assessment/charts/activities?start=2026-13-01")
    assert (bad.status_code, bad.json()["message"]) == (400, "开始日期不是有效的日期(格式:2026-01-31)。")
    bad = c.get("/api/assessment/charts/activities?start=2026-06-01&end=2026-01-01")
    assert (bad.status_code, bad.json()["message"]) == (400, "结束日期不能早于开始日期。")
    assert c.get("/api/assessment/charts/nope").status_code == 404
    staff = client_for(world.union_staff)
    assert staff.get(f"/api/assessment/charts/activities?street={world.street1.pk}").status_code == 403
    dash = c.get("/assessment/").content.decode()
    assert "vendor/echarts/echarts.min.js" in dash and "cdn" not in dash.lower()


def test_report_page_flow_and_dispatch_view(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    a = _item(world, is_key=True).assignments.get(organization=world.union)
    c = client_for(world.union_staff)
    r = c.post(f"/assessment/supervision/tasks/{a.pk}/", {
        "month": "2026-06", "text": "六月推进", "percent": "50", "videos": "https://v.example.cn/9",
        "files": [io.BytesIO(PNG)]})
    assert r.status_code == 302
    ev = Evidence.objects.get(kind="photo")
    assert c.get(f"/assessment/supervision/evidence/{ev.pk}/").status_code == 200
    assert client_for(world.youth_staff).get(f"/assessment/supervision/evidence/{ev.pk}/").status_code == 404
    r = c.post(f"/assessment/supervision/tasks/{a.pk}/", {"month": "2026-06", "text": "x", "percent": "5",
                                                          "files": [SimpleUploadedFile("a.txt", b"hello")]})
    assert r.status_code == 400 and "类型不支持" in r.content.decode()
    page = client_for(world.supervisor).get("/assessment/dispatch/?month=2026-06").content.decode()
    assert "六月推进" in page and "区总工会" in page and "共青团区委" in page and "本月未报送" in page
    bad = client_for(world.supervisor).get("/assessment/dispatch/?month=2026-xx")
    assert bad.status_code == 400


def test_veto_flag_fails_total_on_results_page(world):
    _scored(world)
    services.veto_flag_create(actor=world.supervisor, organization=world.youth, year=2026, kind="major_incident",
                              reason="重大安全事故")
    page = client_for(world.supervisor).get("/assessment/results/2026/").content.decode()
    assert "一票否决" in page and "重大安全事故" in page
    with pytest.raises(PermissionDenied):
        services.veto_flag_create(actor=world.auditor, organization=world.union, year=2026, kind="other", reason="x")
    assert VetoFlag.objects.count() == 1
    assert Assignment.objects.count() == 0


def test_ledger_api_budget_growth_and_refusals(world):
    Budget.objects.create(organization=world.union, year=2025, amount=Decimal("200000"))
    leader = client_for(world.union_leader)
    r = leader.put("/api/assessment/ledgers/budgets", {"organization_id": world.union.pk, "year": 2026,
                                                       "amount": "250000"}, content_type="application/json")
    assert (r.status_code, r.json()["amount"], r.json()["growth"]) == (200, 250000.0, 0.25)
    r = leader.put("/api/assessment/ledgers/budgets", {"organization_id": world.youth.pk, "year": 2026,
                                                       "amount": "1"}, content_type="application/json")
    assert r.status_code == 404
    r = client_for(world.auditor).put("/api/assessment/ledgers/budgets", {
        "organization_id": world.union.pk, "year": 2026, "amount": "1"}, content_type="application/json")
    assert (r.status_code, r.json()["message"]) == (403, "您无权修改该台账。")
    r = leader.post("/api/assessment/ledgers/media", {"title": "报道", "outlet": "日报", "published_on": "2026-05-01",
                                                      "level": "county", "organization_id": world.union.pk},
                    content_type="application/json")
    assert (r.status_code, r.json()["message"]) == (400, "报道级别只能是市级、省级或国家级。")
    r = leader.post("/api/assessment/ledgers/cadres", {"organization_id": world.union.pk, "name": "甲", "kind":
                                                       "seconded", "start": "2026-05-01", "end": "2026-04-01"},
                    content_type="application/json")
    assert (r.status_code, r.json()["message"]) == (400, "截止日期不能早于起始日期。")
    assert list(Budget.objects.filter(year=2026).values_list("amount", flat=True)) == [Decimal("250000.00")]
