"""Every figure of the work report, each a named query over live data.

A figure function takes a ``Scope`` (a district, or one organization in it) and a ``Period``
and returns a ``Figure``: the value and a description of where it came from. The report, its
list of sources and the tests all read the same functions, so a figure in the Word file is
the number the query gives today.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from quntuan.activities.models import Activity, ActivityKind, ActivityStatus, CheckIn
from quntuan.assessment import queries as aq
from quntuan.assessment import rollups
from quntuan.core.exceptions import ApplicationError
from quntuan.organizations.models import DistrictRules, Organization, Region
from quntuan.volunteers.models import ActivityServiceSummary, ServiceRecord
from quntuan.volunteers.queries import training_figures

PERIOD_KINDS = {"month": "月", "quarter": "季度", "half": "半年", "year": "年"}


# --- period and scope -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | half | year
    year: int
    number: int = 1  # month 1–12, quarter 1–4, half 1–2; 1 for a year

    def __post_init__(self):
        limits = {"month": 12, "quarter": 4, "half": 2, "year": 1}
        if self.kind not in limits:
            raise ApplicationError(_("未知的汇报周期类型。"), code="invalid")
        if not (2000 <= self.year <= 2100):
            raise ApplicationError(_("年份应在 2000 至 2100 之间。"), code="invalid")
        if not (1 <= self.number <= limits[self.kind]):
            raise ApplicationError(_("汇报周期序号超出范围。"), code="invalid")

    @property
    def months(self) -> tuple[int, int]:
        if self.kind == "month":
            return self.number, self.number
        if self.kind == "quarter":
            return 3 * self.number - 2, 3 * self.number
        if self.kind == "half":
            return 6 * self.number - 5, 6 * self.number
        return 1, 12

    @property
    def start(self) -> date:
        return date(self.year, self.months[0], 1)

    @property
    def end(self) -> date:
        last = self.months[1]
        return date(self.year, last, calendar.monthrange(self.year, last)[1])

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        if self.kind == "quarter":
            return f"{self.year}年第{'一二三四'[self.number - 1]}季度"
        if self.kind == "half":
            return f"{self.year}年{'上下'[self.number - 1]}半年"
        return f"{self.year}年"

    @property
    def since_phrase(self) -> str:
        return {"month": "本月", "quarter": "本季度", "half": "今年以来" if self.number == 1 else "下半年以来",
                "year": "今年以来"}[self.kind]

    def bounds(self) -> tuple[datetime, datetime]:
        tz = timezone.get_default_timezone()
        return (timezone.make_aware(datetime.combine(self.start, time.min), tz),
                timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min), tz))

    @property
    def until(self) -> date:
        """The last day the figures count: the period's end, or today if the period runs on
        (a report generated on 23 November counts nothing scheduled after that day)."""
        return min(self.end, timezone.localdate())

    def held_bounds(self) -> tuple[datetime, datetime]:
        """[start of the period, min(end of the period, now)): what has already happened."""
        lo, hi = self.bounds()
        return lo, min(hi, timezone.now())


@dataclass(frozen=True)
class Scope:
    district: Region
    organization: Organization | None = None

    @property
    def label(self) -> str:
        return self.organization.name if self.organization else self.district.name

    @property
    def organization_ids(self) -> list[int]:
        if self.organization is not None:
            return [self.organization.pk]
        return list(Organization.objects.filter(district=self.district, is_active=True)
                    .order_by("id").values_list("pk", flat=True))

    @property
    def key(self) -> str:
        return f"org:{self.organization.pk}" if self.organization else f"district:{self.district.pk}"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int | float | None
    unit: str
    source: str
    query: str  # the function that produced it

    @property
    def text(self) -> str:
        return format_value(self.value, self.unit)

    def as_dict(self) -> dict:
        return asdict(self)


def format_value(value, unit: str) -> str:
    if value is None:
        return "暂无数据"
    if unit == "%":
        return f"{value * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:,.1f}{unit}"
    return f"{value:,}{unit}"


REGISTRY: dict[str, Callable[[Scope, Period], list[Figure]]] = {}


def figure_query(func):
    REGISTRY[func.__name__] = func
    return func


def _fig(func_name: str, key: str, label: str, value, unit: str, source: str) -> Figure:
    return Figure(key=key, label=label, value=value, unit=unit, source=source,
                  query=f"quntuan.reports.figures.{func_name}")


# --- the figures -------------------------------------------------------------------------------------
@figure_query
def registered_residents(scope: Scope, period: Period) -> list[Figure]:
    """Residents registered in the district by the end of the period, and those new in it
    (active accounts; the assessment app's resident rollup)."""
    total = rollups.residents_before(day=period.until + timedelta(days=1), district_id=scope.district.pk,
                                     active_only=True)
    new = rollups.residents(start=period.start, end=period.until, district_id=scope.district.pk, group=(),
                            active_only=True).get((), {}).get("n", 0)
    src = f"平台居民账户（角色为群众、所属区为{scope.district.name}、有效）"
    return [
        _fig("registered_residents", "registered_residents", "平台注册用户", total, "人",
             f"{src}，注册时间截至{period.until.isoformat()}"),
        _fig("registered_residents", "new_residents", "期内新注册用户", new, "人",
             f"{src}，注册时间在{period.start.isoformat()}至{period.until.isoformat()}"),
    ]


@figure_query
def services_delivered(scope: Scope, period: Period) -> list[Figure]:
    """Cases received and cases closed (办结) in the period; merged repeat reports are counted
    once, as their original (the assessment app's case rollups)."""
    org_ids = [scope.organization.pk] if scope.organization is not None else None
    district_id = None if scope.organization is not None else scope.district.pk
    received = rollups.case_received(start=period.start, end=period.until, group=(), district_id=district_id,
                                     org="first_inquirer", org_ids=org_ids).get((), {}).get("received", 0)
    closed = rollups.case_closed(start=period.start, end=period.until, group=(), district_id=district_id,
                                 org_ids=org_ids).get((), {}).get("closed", 0)
    who = f"承办组织为{scope.label}" if scope.organization else f"所属区为{scope.label}"
    return [
        _fig("services_delivered", "cases_received", "受理群众诉求", received, "件",
             f"诉求受理记录（{'首问组织为' + scope.label if scope.organization else who}，不含已并入的重复诉求），"
             f"受理时间在{period.start.isoformat()}至{period.until.isoformat()}"),
        _fig("services_delivered", "services_delivered", "办结群众诉求（提供服务）", closed, "件",
             f"诉求记录（{who}），状态为已办结且办结时间在期内"),
    ]


@figure_query
def three_rates(scope: Scope, period: Period) -> list[Figure]:
    """响应率, 解决率, 满意率: the assessment app's three_rates_by_org (the same counts as the
    yearly assessment and the dashboards), summed over the scope's organizations."""
    per_org = aq.three_rates_by_org(scope.organization_ids, period.start, period.until)
    sums = {k: sum(r[k] for r in per_org.values())
            for k in ("received", "contacted_ok", "rated", "solved", "satisfied")}

    def ratio(a, b):
        return round(a / b, 4) if b else None

    rates = {
        "response_rate": ratio(sums["contacted_ok"], sums["received"]),
        "resolution_rate": ratio(sums["solved"], sums["rated"]),
        "satisfaction_rate": ratio(sums["satisfied"], sums["rated"]),
    }
    rules = DistrictRules.objects.filter(district=scope.district).first() or DistrictRules()
    weights = {"response_rate": rules.weight_response, "resolution_rate": rules.weight_resolution,
               "satisfaction_rate": rules.weight_satisfaction}
    used = {k: w for k, w in weights.items() if rates[k] is not None}
    total = sum(used.values())
    score = round(sum(rates[k] * w for k, w in used.items()) * 100 / total, 2) if total else None
    src = "quntuan.assessment.queries.three_rates_by_org 对{}各组织计数求和".format(scope.label)
    return [
        _fig("three_rates", "response_rate", "响应率", rates["response_rate"], "%",
             f"{src}：按时首次联系 {sums['contacted_ok']} 件 / 受理 {sums['received']} 件"),
        _fig("three_rates", "resolution_rate", "解决率", rates["resolution_rate"], "%",
             f"{src}：已解决 {sums['solved']} 件 / 评价 {sums['rated']} 件"),
        _fig("three_rates", "satisfaction_rate", "满意率", rates["satisfaction_rate"], "%",
             f"{src}：满意及基本满意 {sums['satisfied']} 件 / 评价 {sums['rated']} 件"),
        _fig("three_rates", "three_rates_score", "三率综合得分", score, "分",
             f"三率按区权重（响应{weights['response_rate']}/解决{weights['resolution_rate']}/"
             f"满意{weights['satisfaction_rate']}）加权"),
    ]


@figure_query
def training(scope: Scope, period: Period) -> list[Figure]:
    """Training person-times, trainees, re-employed and businesses started (volunteers app)."""
    per_org = training_figures(organization_ids=scope.organization_ids, start=period.start, end=period.until)
    total = {k: sum(getattr(f, k) for f in per_org.values())
             for k in ("person_times", "trainees", "completed", "reemployed", "businesses_started")}
    src = f"quntuan.volunteers.queries.training_figures({scope.label}各组织的培训课程，期内）"
    return [
        _fig("training", "training_person_times", "培训人次", total["person_times"], "人次", f"{src}：课时签到记录数"),
        _fig("training", "trainees", "参训人数", total["trainees"], "人", f"{src}：至少出勤一次的不同学员"),
        _fig("training", "training_completed", "结业人数", total["completed"], "人", f"{src}：期内结业"),
        _fig("training", "reemployed", "实现再就业（转岗）", total["reemployed"], "人", f"{src}：期内登记的再就业结果"),
        _fig("training", "businesses_started", "扶持创业", total["businesses_started"], "个",
             f"{src}：期内登记的创业结果"),
    ]


def _activities(scope: Scope, period: Period):
    lo, hi = period.held_bounds()
    qs = Activity.objects.filter(status=ActivityStatus.PUBLISHED, start__gte=lo, start__lt=hi)
    if scope.organization is not None:
        return qs.filter(Q(primary_host=scope.organization) | Q(hosts=scope.organization)).distinct()
    return qs.filter(district=scope.district)


@figure_query
def activities(scope: Scope, period: Period) -> list[Figure]:
    """Published activities held in the period and their person-times (check-ins)."""
    acts = _activities(scope, period)
    ids = list(acts.values_list("pk", flat=True))
    held = len(ids)
    person_times = CheckIn.objects.filter(activity_id__in=ids).count()
    src = f"已发布活动（开始时间在期内且已开始，{'主办或协办单位为' if scope.organization else '所属区为'}{scope.label}）"
    return [
        _fig("activities", "activities_held", "开展各类活动", held, "场", src),
        _fig("activities", "activity_person_times", "活动参与", person_times, "人次", f"{src}的签到记录（含现场登记）"),
    ]


@figure_query
def volunteer_service(scope: Scope, period: Period) -> list[Figure]:
    """Volunteer activities, people served (service summaries) and confirmed volunteer hours."""
    acts = _activities(scope, period).filter(kind=ActivityKind.VOLUNTEER)
    ids = list(acts.values_list("pk", flat=True))
    served = ActivityServiceSummary.objects.filter(activity_id__in=ids).aggregate(n=Sum("people_served"))["n"] or 0
    lo, hi = period.held_bounds()
    records = ServiceRecord.objects.filter(status=ServiceRecord.Status.CONFIRMED,
                                           shift__start__gte=lo, shift__start__lt=hi)
    if scope.organization is not None:
        records = records.filter(Q(shift__activity__primary_host=scope.organization)
                                 | Q(shift__activity__hosts=scope.organization)).distinct()
    else:
        records = records.filter(shift__activity__district=scope.district)
    agg = records.aggregate(minutes=Sum("minutes"), people=Count("volunteer", distinct=True))
    hours = round((agg["minutes"] or 0) / 60, 1)
    src = f"类型为志愿服务的已发布活动（期内，{scope.label}）"
    return [
        _fig("volunteer_service", "volunteer_activities", "志愿服务活动", len(ids), "场", src),
        _fig("volunteer_service", "people_served", "志愿服务群众", served, "人次", f"{src}的服务概况中登记的服务人数之和"),
        _fig("volunteer_service", "volunteer_hours", "志愿服务时长", hours, "小时",
             "已确认的志愿服务记录（岗位开始时间在期内）的认定时长之和"),
        _fig("volunteer_service", "volunteers_serving", "参与服务的志愿者", agg["people"], "人",
             "已确认的志愿服务记录中的不同志愿者"),
    ]


@figure_query
def plan_outcomes(scope: Scope, period: Period) -> list[Figure]:
    """Outcomes recorded on the work plans (programs.Plan, not drafts) ending in the period: the
    assessment app's plan_outcomes_by_org summed over the scope's organizations."""
    per_org = aq.plan_outcomes_by_org(scope.organization_ids, period.start, period.end,
                                      completed_before=period.until + timedelta(days=1))
    total = {k: sum(r[k] for r in per_org.values()) for k in ("plans", *aq.PLAN_OUTCOME_FIELDS)}
    src = (f"quntuan.assessment.queries.plan_outcomes_by_org：{scope.label}各组织结束日期在"
           f"{period.start.isoformat()}至{period.end.isoformat()}、截至{period.until.isoformat()}"
           f"已结束（状态为已结束，或结束日期已过）的工作计划")
    return [
        _fig("plan_outcomes", "plans_ended", "完成工作计划", total["plans"], "项", src),
        _fig("plan_outcomes", "plan_trained", "工作计划培训人数", total["trained"], "人", f"{src}登记的培训人数之和"),
        _fig("plan_outcomes", "plan_reemployed", "工作计划再就业人数", total["reemployed"], "人",
             f"{src}登记的再就业人数之和"),
        _fig("plan_outcomes", "plan_businesses_started", "工作计划扶持创业", total["businesses_started"], "户",
             f"{src}登记的创业户数之和"),
        _fig("plan_outcomes", "plan_jobs_created", "带动就业岗位", total["jobs_created"], "个",
             f"{src}登记的带动就业岗位之和"),
        _fig("plan_outcomes", "plan_people_served", "工作计划服务人次", total["people_served"], "人次",
             f"{src}登记的服务人次之和"),
    ]


@figure_query
def workstation_coverage(scope: Scope, period: Period) -> list[Figure]:
    """Communities of the district with a 群团工作站 (the assessment app's coverage query)."""
    cov = aq.coverage_district(scope.district)
    src = "quntuan.assessment.queries.coverage_district"
    return [
        _fig("workstation_coverage", "communities", "社区总数", cov["communities"], "个",
             f"{src}：{scope.district.name}各街道的社区区划"),
        _fig("workstation_coverage", "workstations", "已建群团工作站", cov["workstations"], "个",
             f"{src}：群团工作站台账（每社区一个）"),
        _fig("workstation_coverage", "workstation_coverage", "群团工作站覆盖率", cov["coverage"], "%",
             f"{src}：已建工作站的社区数 / 社区总数"),
    ]


@figure_query
def ledgers(scope: Scope, period: Period) -> list[Figure]:
    """Cadre trainings, media reports by level, staffing, cadres and budget growth from the
    assessment app's ledgers."""
    org_ids = scope.organization_ids
    only = org_ids if scope.organization is not None else None
    trainings = aq.cadre_training_totals(scope.district, period.start, period.until, only)
    media = aq.media_by_level(scope.district, period.start, period.until, only)
    staffing = aq.staffing_by_org(org_ids).values()
    cadres = aq.cadres_serving(org_ids, period.until).values()
    budget = aq.budget_total(org_ids, period.year)
    q = "quntuan.assessment.queries."
    ledger = f"{scope.label}的台账"
    established = sum(r["established_authorized"] for r in staffing)
    leadership = sum(r["leadership_authorized"] for r in staffing)
    seconded = sum(r["seconded"] for r in cadres)
    part_time = sum(r["part_time"] for r in cadres)
    amount = float(budget["amount"]) / 10000 if budget["amount"] is not None else None
    return [
        _fig("ledgers", "cadre_trainings", "举办干部培训", trainings["trainings"], "场",
             f"{q}cadre_training_totals：{ledger}中开始日期在期内的干部培训"),
        _fig("ledgers", "cadre_trainees", "参训干部", trainings["trainees"], "人次", f"{q}cadre_training_totals：参训人数之和"),
        _fig("ledgers", "media_total", "媒体报道", media["total"], "篇", f"{q}media_by_level：{ledger}中刊发日期在期内的报道"),
        _fig("ledgers", "media_city", "市级媒体报道", media["city"], "篇", f"{q}media_by_level：级别为市级"),
        _fig("ledgers", "media_provincial", "省级媒体报道", media["provincial"], "篇", f"{q}media_by_level：级别为省级"),
        _fig("ledgers", "media_national", "国家级媒体报道", media["national"], "篇", f"{q}media_by_level：级别为国家级"),
        _fig("ledgers", "established_posts", "核定编制", established, "个", f"{q}staffing_by_org：编制岗位核定数之和"),
        _fig("ledgers", "leadership_posts", "领导职数", leadership, "个", f"{q}staffing_by_org：领导职数核定数之和"),
        _fig("ledgers", "seconded_cadres", "在岗挂职干部", seconded, "名", f"{q}cadres_serving：截至{period.until.isoformat()}在岗的挂职干部"),
        _fig("ledgers", "part_time_cadres", "在岗兼职干部", part_time, "名", f"{q}cadres_serving：截至{period.until.isoformat()}在岗的兼职干部"),
        _fig("ledgers", "budget_amount", f"{period.year}年专项工作经费", round(amount, 2) if amount is not None else None,
             "万元", f"{q}budget_total：{ledger}中{period.year}年度专项经费之和"),
        _fig("ledgers", "budget_growth", "专项工作经费增长", budget["growth"], "%",
             f"{q}budget_total：{period.year}年与{period.year - 1}年专项经费之和相比"),
    ]


def compute_figures(scope: Scope, period: Period, progress: Callable[[int], None] | None = None) -> list[dict]:
    """All figures, in report order, as plain dicts (for the draft's locked JSON)."""
    result: list[dict] = []
    names = list(REGISTRY)
    for i, name in enumerate(names, start=1):
        result.extend(f.as_dict() for f in REGISTRY[name](scope, period))
        if progress is not None:
            progress(int(i * 100 / len(names)))
    return result


def figures_by_key(figures: list[dict]) -> dict[str, dict]:
    return {f["key"]: f for f in figures}
