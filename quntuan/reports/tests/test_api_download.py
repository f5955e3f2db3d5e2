"""The report's Word file through the JSON API (the same bytes as the page's download)."""

from django.test import Client

from quntuan.reports.models import ReportDraft
from quntuan.reports.services import draft_generate


def test_docx_download_through_the_api(demo):
    draft = ReportDraft.objects.create(district=demo.district, period_kind="month", year=2026, number=11,
                                       title="测试汇报", narrative={}, created_by=demo.supervisor)
    pending = ReportDraft.objects.create(district=demo.district, period_kind="month", year=2026, number=11,
                                         title="未生成", narrative={}, created_by=demo.supervisor)
    draft_generate(draft_id=draft.pk)
    c = Client()
    c.force_login(demo.supervisor)
    r = c.get(f"/api/reports/drafts/{draft.pk}/docx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert "attachment" in r["Content-Disposition"]
    assert c.get(f"/api/reports/drafts/{pending.pk}/docx").status_code == 403
    other = Client()
    other.force_login(demo.youth_staff)
    assert other.get(f"/api/reports/drafts/{draft.pk}/docx").status_code == 404
