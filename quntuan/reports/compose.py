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


def generated_sentences(draft: ReportDraft, period_phrase: str, end_text: str) -> dict[str, str]:
    f = _F(draft.figures)
    s: dict[str, str] = {}
    lead = []
    if f.has("budget_amount") and f.by_key["budget_amount"]["value"]:
        lead.append(f"{period_phrase}群团组织专项工作经费共{f['budget_amount']}")
        lead.append(f"，比上年增长{f['budget_growth']}。" if f.has("budget_growth") else "。")
    s["leadership"] = "".join(lead)
    s["required"] = (f"群团组织现有核定编制{f['established_posts']}、领导职数{f['leadership_posts']}，"
                     f"在岗挂职干部{f['seconded_cadres']}、兼职干部{f['part_time_cadres']}，进一步充实了群团组织的力量。")
    s["innovation"] = (
        f"依托群团服务云平台，截至{end_text}，平台已注册用户{f['registered_residents']}，"
        f"{period_phrase}新注册{f['new_residents']}；{period_phrase}共受理群众诉求{f['cases_received']}，"
        f"办结{f['services_delivered']}，响应率、解决率、满意率分别为{f['response_rate']}、"
        f"{f['resolution_rate']}、{f['satisfaction_rate']}。"
        f"开展职工技能培训{f['training_person_times']}，参训{f['trainees']}，"
        f"帮助{f['reemployed']}实现再就业，扶持创业项目{f['businesses_started']}。"
        f"组织志愿服务活动{f['volunteer_activities']}，服务群众{f['people_served']}，"
        f"累计志愿服务时长{f['volunteer_hours']}。"
        f"{period_phrase}完成工作计划{f['plans_ended']}，通过计划培训{f['plan_trained']}，"
        f"帮助{f['plan_reemployed']}再就业，扶持创业{f['plan_businesses_started']}，"
        f"带动就业岗位{f['plan_jobs_created']}，服务群众{f['plan_people_served']}。"
    )
    grass = (f"全区{f['communities']}社区中已有{f['workstations']}建立群团工作站，覆盖率达到"
             f"{f['workstation_coverage']}。{period_phrase}共开展各类活动{f['activities_held']}，"
             f"参与群众{f['activity_person_times']}。")
    grass += f"举办基层群团干部培训{f['cadre_trainings']}，参训干部{f['cadre_trainees']}。"
    s["grassroots"] = grass
    s["brand"] = (f"{period_phrase}共在各级媒体发表相关报道{f['media_total']}，其中市级媒体{f['media_city']}，"
                  f"省级媒体{f['media_provincial']}，国家级媒体{f['media_national']}。")
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
