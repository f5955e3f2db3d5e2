import io
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document

from quntuan.core.exceptions import ApplicationError, PermissionDenied
from quntuan.core.testing import PASSWORD
from quntuan.reports.docx import build_docx
from quntuan.reports.figures import Period
from quntuan.reports.models import ReportDraft
from quntuan.reports.services import draft_create, draft_generate, draft_update_narrative
from quntuan.reports.tests.conftest import add_volunteer_activity

NOV = Period(kind="month", year=2026, number=11)


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def _district_draft(w, **kw):
    draft = draft_create(user=w.supervisor, district=w.district, organization=None, period=NOV, **kw)
    draft.refresh_from_db()
    return draft


@pytest.mark.django_db(transaction=True)
def test_generation_runs_after_commit(demo):
    draft = _district_draft(demo)
    assert (draft.status, draft.progress) == (ReportDraft.Status.READY, 100)
    assert draft.title == "测试区2026年11月群团改革工作汇报"
    by_key = {f["key"]: f for f in draft.figures}
    assert by_key["services_delivered"]["value"] == 2
    assert by_key["services_delivered"]["query"] == "quntuan.reports.figures.services_delivered"


def _ready(w, organization=None, user=None):
    draft = ReportDraft.objects.create(district=w.district, organization=organization, period_kind="month",
                                       year=2026, number=11, title="测试区2026年11月群团改革工作汇报",
                                       narrative={}, created_by=user or w.supervisor)
    return draft_generate(draft_id=draft.pk)


def test_docx_content(demo):
    draft = _ready(demo)
    draft = draft_update_narrative(user=demo.supervisor, draft=draft, narrative={
        "leadership": "区委坚持把群团改革作为重大政治任务。", "problems": "一是服务能力还需提升。\n二是资源配置还需优化。"})
    doc = Document(io.BytesIO(build_docx(draft)))
    text = _text(build_docx(draft))
    assert doc.paragraphs[0].text == "测试区2026年11月群团改革工作汇报"
    assert "一、主要工作推进情况" in text
    for heading in ("（一）突出政治站位，强化组织领导。", "（二）突出工作重点，完成规定动作。",
                    "（三）突出服务创新，提升服务能力。", "（四）突出基层建设，夯实组织基础。",
                    "（五）突出品牌创建，增强社会影响力。", "二、存在的问题及下一步打算", "附：数据来源"):
        assert heading in text
    assert "区委坚持把群团改革作为重大政治任务。" in text
    assert "二是资源配置还需优化。" in text
    # "截至" the period's end, or the day the figures were generated if that came first
    as_of = min(date(2026, 11, 30), timezone.localdate(draft.generated_at))
    assert (f"截至{as_of.year}年{as_of.month}月{as_of.day}日，平台已注册用户2人，本月新注册2人。"
            "本月共受理群众诉求3件，办结2件") in text
    assert "响应率为66.7%、解决率为100.0%、满意率为100.0%" in text
    assert "开展职工技能培训2人次，参训2人，帮助1人实现再就业" in text
    assert "组织志愿服务活动1场，服务群众40人次，累计志愿服务时长2.5小时" in text
    assert "覆盖率达到100.0%" in text
    assert "共在各级媒体发表相关报道3篇，其中市级媒体2篇，省级媒体1篇。" in text
    assert "本年度群团组织专项工作经费共11.5万元，比上年增长15.0%" in text
    assert "办结群众诉求（提供服务） | 2件 | quntuan.reports.figures.services_delivered" in text
    # Chinese font on the styles and runs.
    rfonts = doc.styles["Normal"].element.rPr.rFonts
    assert rfonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "宋体"


def test_report_follows_the_data(demo):
    before = _text(build_docx(_ready(demo)))
    add_volunteer_activity(demo, day=16, served=25, walk_ins=0, minutes=60)
    after = _text(build_docx(_ready(demo)))
    assert "组织志愿服务活动1场，服务群众40人次" in before
    assert "组织志愿服务活动2场，服务群众65人次，累计志愿服务时长3.5小时" in after


def test_figures_stay_locked(demo):
    draft = _ready(demo)
    figures = list(draft.figures)
    with pytest.raises(ApplicationError) as exc:
        draft_update_narrative(user=demo.supervisor, draft=draft, narrative={"figures": "[]"})
    assert exc.value.message == "生成的数据已锁定，只能修改叙述部分。"
    draft.refresh_from_db()
    assert draft.figures == figures


# --- permissions ---------------------------------------------------------------------------------
def test_organization_reports_on_itself_only(demo):
    draft_create(user=demo.union_leader, district=demo.district, organization=demo.union, period=NOV)
    for org in (demo.women, None):
        with pytest.raises(PermissionDenied):
            draft_create(user=demo.union_leader, district=demo.district, organization=org, period=NOV)
    assert ReportDraft.objects.count() == 1


def test_district_scope_needs_a_supervisor_of_it(demo):
    with pytest.raises(PermissionDenied):
        draft_create(user=demo.other_supervisor, district=demo.district, organization=None, period=NOV)
    with pytest.raises(PermissionDenied):
        draft_create(user=demo.auditor, district=demo.district, organization=None, period=NOV)
    assert ReportDraft.objects.count() == 0


def test_auditor_reads_but_changes_nothing(demo, client):
    draft = _ready(demo)
    narrative = dict(draft.narrative)
    client.login(username=demo.auditor.username, password=PASSWORD)
    assert client.get(reverse("reports:draft", args=[draft.pk])).status_code == 200
    assert client.get(reverse("reports:docx", args=[draft.pk])).status_code == 200
    response = client.post(reverse("reports:draft", args=[draft.pk]), {"leadership": "改了"})
    assert response.status_code == 403
    response = client.post(reverse("reports:index"), {"period_kind": "month", "year": 2026, "number": 11,
                                                       "scope": f"district:{demo.district.pk}"})
    draft.refresh_from_db()
    assert draft.narrative == narrative
    assert ReportDraft.objects.count() == 1
    with pytest.raises(PermissionDenied):
        draft_update_narrative(user=demo.auditor, draft=draft, narrative={"leadership": "改了"})


def test_other_organization_cannot_see_a_report(demo, client):
    draft = _ready(demo, organization=demo.union, user=demo.union_leader)
    client.login(username=demo.women_leader.username, password=PASSWORD)
    assert client.get(reverse("reports:draft", args=[draft.pk])).status_code == 404
    assert client.get(reverse("reports:docx", args=[draft.pk])).status_code == 404
    client.login(username=demo.union_staff.username, password=PASSWORD)
    assert client.get(reverse("reports:draft", args=[draft.pk])).status_code == 200


def test_pages_pick_edit_and_export(demo, client):
    client.login(username=demo.supervisor.username, password=PASSWORD)
    page = client.get(reverse("reports:index"))
    assert page.status_code == 200
    assert "全区：测试区" in page.content.decode()
    response = client.post(reverse("reports:index"), {"period_kind": "month", "year": 2026, "number": 11,
                                                       "scope": f"district:{demo.district.pk}"})
    draft = ReportDraft.objects.get()
    assert response.status_code == 302
    draft_generate(draft_id=draft.pk)  # the test client's transaction never commits
    page = client.get(reverse("reports:draft", args=[draft.pk])).content.decode()
    assert "[数据已锁定]</span> 依托群团服务云平台" in page
    response = client.post(reverse("reports:draft", args=[draft.pk]), {"brand": "打造“工匠”品牌。"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.narrative["brand"] == "打造“工匠”品牌。"
    docx = client.get(reverse("reports:docx", args=[draft.pk]))
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert "打造“工匠”品牌。" in _text(docx.content)
    bad = client.post(reverse("reports:index"), {"period_kind": "quarter", "year": 2026, "number": 7,
                                                  "scope": f"district:{demo.district.pk}"})
    assert bad.status_code == 200
    assert "该周期的序号最大为 4。" in bad.content.decode()


def test_progress_partial_polls_until_ready(demo, client):
    draft = ReportDraft.objects.create(district=demo.district, period_kind="month", year=2026, number=11,
                                       title="t", created_by=demo.supervisor)
    client.login(username=demo.supervisor.username, password=PASSWORD)
    body = client.get(reverse("reports:progress", args=[draft.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in body and 'value="0"' in body
    draft_generate(draft_id=draft.pk)
    response = client.get(reverse("reports:progress", args=[draft.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"
    assert "every 1s" not in response.content.decode()


# --- PDF ------------------------------------------------------------------------------------------
def _need_soffice():
    if shutil.which("soffice") is None or shutil.which("pdftoppm") is None:
        if os.environ.get("CI"):
            pytest.fail("CI 应安装 libreoffice-writer-nogui 和 poppler-utils")
        pytest.skip("LibreOffice 或 pdftoppm 未安装")


def test_pdf_renders_chinese(demo, tmp_path):
    _need_soffice()
    from quntuan.reports.pdf import build_pdf

    draft = _ready(demo)
    draft = draft_update_narrative(user=demo.supervisor, draft=draft,
                                   narrative={"leadership": "区委坚持把群团改革作为重大政治任务。"})
    pdf = build_pdf(draft)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True,  # noqa: S603,S607
                          text=True).stdout
    assert "主要工作推进情况" in text
    assert "群团改革工作汇报" in text
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],  # noqa: S603,S607
                   check=True)
    pngs = sorted(tmp_path.glob("page*.png"))
    assert pngs and pngs[0].stat().st_size > 10_000
    keep = os.environ.get("REPORT_PDF_PNG")
    if keep:
        Path(keep).write_bytes(pngs[0].read_bytes())
