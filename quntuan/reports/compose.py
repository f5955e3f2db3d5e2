"""The report's content as blocks (heading, paragraph, table, sources), shared by the page, the
Word file and the PDF. Generated sentences put the locked figures into natural Chinese; the
narrative parts come from the draft as staff wrote them."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from quntuan.reports.figures import figures_by_key, format_value
from quntuan.reports.models import PROBLEMS, SECTIONS, ReportDraft

NUMERALS = "一二三四五六七八九十"


@dataclass
class Block:
    kind: str  # title | heading | subheading | narrative | generated | table | sources
    text: str = ""
    key: str = ""
    rows: list[list[str]] = field(default_factory=list)


class _F:
    """Figure texts by key; a missing figure reads 暂无数据."""

    def __init__(self, figures: list[dict]):
        self.by_key = figures_by_key(figures)

    def __getitem__(self, key: str) -> str:
        f = self.by_key.get(key)
        return format_value(f["value"], f["unit"]) if f else "暂无数据"

    def has(self, *keys: str) -> bool:
        return all(self.by_key.get(k, {}).get("value") is not None for k in keys)


def _nonzero(f: _F, key: str) -> bool:
    fig = f.by_key.get(key)
    return bool(fig) and fig["value"] not in (None, 0, 0.0)


def _sentence(f: _F, lead: str, clauses: list[tuple[str, str]]) -> str:
    """Join the clauses whose figure is neither missing nor zero ("帮助0人实现再就业" is left
    out); ``{}`` in a clause stands for the figure's text. Empty if no clause has a figure."""
    parts = [template.format(f[key]) for template, key in clauses if _nonzero(f, key)]
    return f"{lead}{'，'.join(parts)}。" if parts else ""


def _growth(f: _F) -> str:
    fig = f.by_key.get("budget_growth")
    if not fig or fig["value"] is None:
        return ""
    value = fig["value"]
    if round(value * 100, 1) == 0:
        return "，与上年持平"
    word = "增长" if value > 0 else "下降"
    return f"，比上年{word}{format_value(abs(value), '%')}"


def generated_sentences(draft: ReportDraft, period_phrase: str, end_text: str) -> dict[str, str]:
    f = _F(draft.figures)
    s: dict[str, str] = {}
    # The budget is yearly whatever the period: a monthly report speaks of 本年度.
    s["leadership"] = (f"本年度群团组织专项工作经费共{f['budget_amount']}{_growth(f)}。"
                       if _nonzero(f, "budget_amount") else "")
    required = _sentence(f, "群团组织现有", [("核定编制{}", "established_posts"), ("领导职数{}", "leadership_posts"),
                                            ("在岗挂职干部{}", "seconded_cadres"), ("兼职干部{}", "part_time_cadres")])
    s["required"] = required[:-1] + "，进一步充实了群团组织的力量。" if required else ""
    innovation = []
    if f.has("registered_residents"):
        innovation.append(_sentence(f, f"依托群团服务云平台，截至{end_text}，", [
            ("平台已注册用户{}", "registered_residents"), (f"{period_phrase}新注册{{}}", "new_residents")]))
    if _nonzero(f, "cases_received"):
        cases = _sentence(f, f"{period_phrase}共", [("受理群众诉求{}", "cases_received"),
                                                    ("办结{}", "services_delivered")])
        rates = [f"{label}为{f[key]}" for key, label in (("response_rate", "响应率"), ("resolution_rate", "解决率"),
                                                          ("satisfaction_rate", "满意率")) if f.has(key)]
        innovation.append(cases[:-1] + "，" + "、".join(rates) + "。" if rates else cases)
    innovation.append(_sentence(f, "", [("开展职工技能培训{}", "training_person_times"), ("参训{}", "trainees"),
                                        ("帮助{}实现再就业", "reemployed"), ("扶持创业项目{}", "businesses_started")]))
    innovation.append(_sentence(f, "", [("组织志愿服务活动{}", "volunteer_activities"), ("服务群众{}", "people_served"),
                                        ("累计志愿服务时长{}", "volunteer_hours")]))
    innovation.append(_sentence(f, "", [
        (f"{period_phrase}完成工作计划{{}}", "plans_ended"), ("通过计划培训{}", "plan_trained"),
        ("帮助{}再就业", "plan_reemployed"), ("扶持创业{}", "plan_businesses_started"),
        ("带动就业岗位{}", "plan_jobs_created"), ("服务群众{}", "plan_people_served")]))
    s["innovation"] = "".join(innovation)
    grass = ""
    # Workstation coverage is the district's: an organization's report does not quote it.
    if draft.organization_id is None and _nonzero(f, "communities"):
        grass = (f"全区{f['communities']}社区中已有{f['workstations']}建立群团工作站，覆盖率达到"
                 f"{f['workstation_coverage']}。" if _nonzero(f, "workstations")
                 else f"全区{f['communities']}社区尚未建立群团工作站。")
    grass += _sentence(f, f"{period_phrase}共", [("开展各类活动{}", "activities_held"),
                                                ("参与群众{}", "activity_person_times")])
    grass += _sentence(f, "", [("举办基层群团干部培训{}", "cadre_trainings"), ("参训干部{}", "cadre_trainees")])
    s["grassroots"] = grass
    brand = _sentence(f, f"{period_phrase}共在各级媒体", [("发表相关报道{}", "media_total")])
    if brand:
        levels = [f"{label}{f[key]}" for key, label in (("media_city", "市级媒体"), ("media_provincial", "省级媒体"),
                                                       ("media_national", "国家级媒体")) if _nonzero(f, key)]
        brand = brand[:-1] + ("，其中" + "，".join(levels) + "。" if levels else "。")
    s["brand"] = brand
    return s


def compose(draft: ReportDraft) -> list[Block]:
    from quntuan.reports.services import draft_period

    period = draft_period(draft)
    # "截至…" names the period's end, or the day the figures were generated if that came first.
    generated_on = timezone.localdate(draft.generated_at) if draft.generated_at else timezone.localdate()
    end = min(period.end, generated_on)
    end_text = f"{end.year}年{end.month}月{end.day}日"
    generated = generated_sentences(draft, period.since_phrase, end_text)
    f = _F(draft.figures)
    blocks = [Block("title", draft.title)]
    blocks.append(Block("heading", "一、主要工作推进情况"))
    for i, (key, heading) in enumerate(SECTIONS):
        blocks.append(Block("subheading", f"（{NUMERALS[i]}）{heading}。", key=key))
        if draft.narrative.get(key):
            blocks.append(Block("narrative", draft.narrative[key], key=key))
        if generated.get(key):
            blocks.append(Block("generated", generated[key], key=key))
        if key == "innovation":
            blocks.append(Block("table", key="innovation_table", rows=[
                ["指标", "数值"],
                ["平台注册用户", f["registered_residents"]],
                ["受理群众诉求", f["cases_received"]],
                ["办结群众诉求", f["services_delivered"]],
                ["响应率", f["response_rate"]],
                ["解决率", f["resolution_rate"]],
                ["满意率", f["satisfaction_rate"]],
                ["培训人次", f["training_person_times"]],
                ["实现再就业", f["reemployed"]],
                ["志愿服务活动", f["volunteer_activities"]],
                ["志愿服务群众", f["people_served"]],
                ["志愿服务时长", f["volunteer_hours"]],
                ["完成工作计划", f["plans_ended"]],
                ["工作计划培训人数", f["plan_trained"]],
                ["工作计划再就业人数", f["plan_reemployed"]],
                ["工作计划扶持创业", f["plan_businesses_started"]],
                ["带动就业岗位", f["plan_jobs_created"]],
                ["工作计划服务人次", f["plan_people_served"]],
            ]))
    blocks.append(Block("heading", f"二、{PROBLEMS[1]}"))
    if draft.narrative.get(PROBLEMS[0]):
        blocks.append(Block("narrative", draft.narrative[PROBLEMS[0]], key=PROBLEMS[0]))
    blocks.append(Block("heading", "附：数据来源"))
    blocks.append(Block("sources", key="sources", rows=[
        [fig["label"], format_value(fig["value"], fig["unit"]), fig["query"], fig["source"]]
        for fig in draft.figures
    ]))
    return blocks
