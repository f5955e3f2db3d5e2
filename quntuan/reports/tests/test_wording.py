"""Report wording: no zero figures in sentences, 下降 for a fall, the budget is yearly, the
district's coverage only in the district's report, a default 存在的问题及下一步打算."""

from datetime import date

from quntuan.assessment.models import Assignment, SupervisionItem
from quntuan.programs.models import Plan
from quntuan.reports.compose import generated_sentences
from quntuan.reports.models import ReportDraft
from quntuan.reports.services import draft_generate


def fig(key, value, unit=""):
    return {"key": key, "label": key, "value": value, "unit": unit, "source": "", "query": ""}


def draft_with(figures, organization_id=None):
    return ReportDraft(figures=figures, organization_id=organization_id, narrative={})


def test_zero_figures_are_left_out():
    d = draft_with([fig("training_person_times", 12, "人次"), fig("trainees", 0, "人"), fig("reemployed", 0, "人"),
                    fig("businesses_started", 0, "个"), fig("volunteer_activities", 0, "场"),
                    fig("people_served", 0, "人次"), fig("volunteer_hours", 0.0, "小时"),
                    fig("media_total", 2, "篇"), fig("media_city", 2, "篇"), fig("media_national", 0, "篇")])
    s = generated_sentences(d, "本月", "2026年11月23日")
    assert "开展职工技能培训12人次。" in s["innovation"]
    assert "0人" not in s["innovation"] and "0场" not in s["innovation"] and "0.0小时" not in s["innovation"]
    assert "志愿服务" not in s["innovation"]
    assert s["brand"] == "本月共在各级媒体发表相关报道2篇，其中市级媒体2篇。"


def test_fall_in_budget_reads_decline_and_budget_is_yearly():
    d = draft_with([fig("budget_amount", 38.4, "万元"), fig("budget_growth", -0.004, "%")])
    s = generated_sentences(d, "本月", "2026年11月23日")
    assert s["leadership"] == "本年度群团组织专项工作经费共38.4万元，比上年下降0.4%。"
    assert "本月" not in s["leadership"]


def test_coverage_only_in_the_district_report():
    figures = [fig("communities", 10, "个"), fig("workstations", 8, "个"), fig("workstation_coverage", 0.8, "%"),
               fig("activities_held", 3, "场")]
    assert "覆盖率达到80.0%" in generated_sentences(draft_with(figures), "本月", "x")["grassroots"]
    org = generated_sentences(draft_with(figures, organization_id=1), "本月", "x")["grassroots"]
    assert "工作站" not in org and org == "本月共开展各类活动3场。"


def test_generation_drafts_problems_from_live_data(demo):
    item = SupervisionItem.objects.create(district=demo.district, title="职工之家建设", due_date=date(2026, 10, 31),
                                          created_by=demo.supervisor)
    Assignment.objects.create(item=item, organization=demo.union, due_date=date(2026, 10, 31))
    Plan.objects.create(district=demo.district, organization=demo.union, kind=Plan.Kind.TRAINING, title="春季培训计划",
                        goal="目标", start_date=date(2026, 3, 1), end_date=date(2026, 6, 30),
                        status=Plan.Status.PUBLISHED)
    draft = ReportDraft.objects.create(district=demo.district, period_kind="month", year=2026, number=11,
                                       title="t", narrative={}, created_by=demo.supervisor)
    draft = draft_generate(draft_id=draft.pk)
    text = draft.narrative["problems"]
    assert "1项督查任务已过期限未完成（职工之家建设）" in text
    assert "1项工作计划已到结束日期仍未结项（春季培训计划）" in text
    assert "下一步打算" in text
    # staff's own text is kept on regeneration
    draft.narrative["problems"] = "我们自己写的。"
    draft.save()
    assert draft_generate(draft_id=draft.pk).narrative["problems"] == "我们自己写的。"
