"""Pages of the yearly assessment: hand scores with evidence (text or file), veto flags with
reason and evidence, indicators and weights. Only the supervisor changes them; organizations see
their own; the auditor reads everything and changes nothing."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from quntuan.assessment.models import Indicator, ManualScore, Source, VetoFlag

PDF = b"%PDF-1.4 evidence"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def manual(world):
    return Indicator.objects.create(district=world.district, year=2026, name="品牌创建", source=Source.MANUAL,
                                    weight=20)


def state():
    return (list(Indicator.objects.order_by("id").values("name", "weight", "target", "order")),
            list(ManualScore.objects.order_by("id").values("score", "evidence", "evidence_name")),
            list(VetoFlag.objects.order_by("id").values("reason", "withdrawn")))


def test_supervisor_scores_with_text_or_file(world, manual, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    c = client_for(world.supervisor)
    page = c.get(f"/assessment/indicators/{manual.pk}/scores/").content.decode()
    assert "区总工会" in page and "共青团区委" in page and 'name="evidence_file"' in page
    r = c.post(f"/assessment/indicators/{manual.pk}/scores/", {
        "target": world.union.pk, "score": "86.5", "evidence": "",
        "evidence_file": SimpleUploadedFile("品牌材料.pdf", PDF)})
    assert (r.status_code, r["Location"]) == (302, f"/assessment/indicators/{manual.pk}/scores/#t-{world.union.pk}")
    r = c.post(f"/assessment/indicators/{manual.pk}/scores/", {
        "target": world.youth.pk, "score": "90", "evidence": "获评市级优秀品牌"})
    assert r.status_code == 302
    assert sorted(ManualScore.objects.values_list("organization__code", "score", "evidence", "evidence_name")) == [
        ("union", Decimal("86.50"), "", "品牌材料.pdf"), ("youth", Decimal("90.00"), "获评市级优秀品牌", "")]
    union_score = ManualScore.objects.get(organization=world.union)
    download = client_for(world.union_staff).get(f"/assessment/scores/{union_score.pk}/file/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert client_for(world.youth_staff).get(f"/assessment/scores/{union_score.pk}/file/").status_code == 404
    results = c.get("/assessment/results/2026/").content.decode()
    assert f"/assessment/indicators/{manual.pk}/scores/" in results


@pytest.mark.parametrize("data,message", [
    ({"score": "80", "evidence": ""}, "人工评分需要填写评分依据或上传佐证材料。"),
    ({"score": "101", "evidence": "材料"}, "确保该值小于或等于100。"),
    ({"score": "80", "evidence": "", "evidence_file": SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 8)},
     "文件“a.exe”类型不支持:照片只能是 PNG 或 JPEG,文件只能是 PDF 或 Office 文档。"),
])
def test_bad_scores_refused_and_nothing_saved(world, manual, settings, tmp_path, data, message):
    settings.MEDIA_ROOT = tmp_path
    r = client_for(world.supervisor).post(f"/assessment/indicators/{manual.pk}/scores/",
                                          {"target": world.union.pk, **data})
    assert r.status_code == 400 and message in r.content.decode()
    assert ManualScore.objects.count() == 0


def test_computed_indicator_has_no_scoring_page(world):
    ind = Indicator.objects.create(district=world.district, year=2026, name="活动", source=Source.ACTIVITIES,
                                   weight=10, target=5)
    r = client_for(world.supervisor).get(f"/assessment/indicators/{ind.pk}/scores/")
    assert r.status_code == 400 and "该指标由平台数据计算,不能人工评分。" in r.content.decode()


def test_organization_sees_its_own_score_only_and_cannot_score(world, manual):
    ManualScore.objects.create(indicator=manual, organization=world.union, score=Decimal("70"), evidence="甲")
    ManualScore.objects.create(indicator=manual, organization=world.youth, score=Decimal("95"), evidence="乙")
    before = state()
    c = client_for(world.union_leader)
    page = c.get(f"/assessment/indicators/{manual.pk}/scores/").content.decode()
    assert "区总工会" in page and "共青团区委" not in page and 'name="score"' not in page
    r = c.post(f"/assessment/indicators/{manual.pk}/scores/", {"target": world.union.pk, "score": "100",
                                                                "evidence": "自评"})
    assert r.status_code == 403 and "只有区督查人员可以设置考核指标和权重。" in r.content.decode()
    assert state() == before


def test_auditor_reads_all_scores_and_changes_nothing(world, manual):
    ManualScore.objects.create(indicator=manual, organization=world.youth, score=Decimal("95"), evidence="乙")
    before = state()
    c = client_for(world.auditor)
    page = c.get(f"/assessment/indicators/{manual.pk}/scores/").content.decode()
    assert "共青团区委" in page and "95.0" in page and 'name="score"' not in page
    assert c.post(f"/assessment/indicators/{manual.pk}/scores/", {"target": world.youth.pk, "score": "1",
                                                                  "evidence": "x"}).status_code == 403
    assert c.post("/assessment/vetoes/", {"organization": world.youth.pk, "kind": "other",
                                          "reason": "x"}).status_code == 403
    assert c.post("/assessment/indicators/?year=2026", {"action": "delete", "indicator": manual.pk}).status_code == 403
    assert c.get("/assessment/vetoes/?year=2026").status_code == 200
    assert state() == before


def test_veto_with_reason_and_evidence_then_withdrawn(world, manual, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ManualScore.objects.create(indicator=manual, organization=world.youth, score=Decimal("95"), evidence="乙")
    c = client_for(world.supervisor)
    r = c.post("/assessment/vetoes/?year=2026", {"organization": world.youth.pk, "kind": "major_incident",
                                                 "reason": "发生重大安全责任事故",
                                                 "evidence_file": SimpleUploadedFile("通报.png", PNG)})
    assert r.status_code == 302
    flag = VetoFlag.objects.get()
    assert (flag.organization, flag.year, flag.kind, flag.evidence_name, flag.flagged_by) == (
        world.youth, 2026, "major_incident", "通报.png", world.supervisor)
    results = c.get("/assessment/results/2026/").content.decode()
    assert "一票否决" in results and "发生重大安全责任事故" in results
    assert client_for(world.youth_staff).get(f"/assessment/vetoes/{flag.pk}/file/").status_code == 200
    assert client_for(world.union_staff).get(f"/assessment/vetoes/{flag.pk}/file/").status_code == 404
    assert "发生重大安全责任事故" not in client_for(world.union_staff).get("/assessment/vetoes/?year=2026").content.decode()
    r = c.post("/assessment/vetoes/?year=2026", {"organization": world.youth.pk, "kind": "other", "reason": " "})
    assert r.status_code == 400 and VetoFlag.objects.count() == 1
    r = c.post("/assessment/vetoes/?year=2026", {"action": "withdraw", "flag": flag.pk})
    assert r.status_code == 302
    flag.refresh_from_db()
    assert flag.withdrawn is True
    assert "发生重大安全责任事故" not in c.get("/assessment/results/2026/").content.decode()


def test_only_supervisor_edits_indicators_on_the_page(world, manual):
    c = client_for(world.supervisor)
    r = c.post("/assessment/indicators/?year=2026", {"action": "create", "name": "活动场次", "scope": "organization",
                                                     "source": "activities", "weight": "15", "target": "",
                                                     "order": "2"})
    assert r.status_code == 400 and "计数类指标需要填写满分目标值。" in r.content.decode()
    r = c.post("/assessment/indicators/?year=2026", {"action": "create", "name": "活动场次", "scope": "organization",
                                                     "source": "activities", "weight": "15", "target": "12",
                                                     "order": "2"})
    assert r.status_code == 302
    r = c.post("/assessment/indicators/?year=2026", {"action": "update", "indicator": manual.pk, "name": "品牌建设",
                                                     "weight": "25", "order": "1"})
    assert r.status_code == 302
    assert list(Indicator.objects.order_by("id").values_list("name", "source", "weight", "target", "order")) == [
        ("品牌建设", "manual", 25, None, 1), ("活动场次", "activities", 15, Decimal("12.00"), 2)]
    before = state()
    for who in ("union_leader", "union_staff", "youth_staff"):
        u = client_for(getattr(world, who))
        page = u.get("/assessment/indicators/?year=2026").content.decode()
        assert "品牌建设" in page and 'value="update"' not in page and 'value="create"' not in page
        for data in ({"action": "create", "name": "x", "scope": "organization", "source": "manual", "weight": "5"},
                     {"action": "update", "indicator": manual.pk, "weight": "99"},
                     {"action": "delete", "indicator": manual.pk}):
            assert u.post("/assessment/indicators/?year=2026", data).status_code == 403, (who, data)
    assert state() == before
    r = c.post("/assessment/indicators/?year=2026", {"action": "delete", "indicator": manual.pk})
    assert r.status_code == 302 and list(Indicator.objects.values_list("name", flat=True)) == ["活动场次"]


def test_plan_records_behind_the_plan_outcome_chart(world):
    from datetime import date

    from quntuan.programs.models import Plan
    Plan.objects.create(district=world.district, organization=world.union, title="职工技能培训计划", goal="培训",
                        start_date=date(2026, 3, 1), end_date=date(2026, 5, 31), trained=40, reemployed=6)
    Plan.objects.create(district=world.district, organization=world.youth, title="青年创业计划", goal="创业",
                        start_date=date(2026, 3, 1), end_date=date(2026, 5, 31), businesses_started=3)
    c = client_for(world.supervisor)
    page = c.get("/assessment/records/", {"kind": "plans", "org": world.union.pk, "start": "2026-01-01",
                                          "end": "2026-06-30"}).content.decode()
    assert "工作计划明细" in page and "职工技能培训计划" in page and "青年创业计划" not in page
    staff = client_for(world.union_staff).get("/assessment/records/", {"kind": "plans", "start": "2026-01-01",
                                                                       "end": "2026-06-30"}).content.decode()
    assert "职工技能培训计划" in staff and "青年创业计划" not in staff
    assert 'data-chart="plan_outcomes"' in c.get("/assessment/").content.decode()
