"""Every staff list of the interface as an .xlsx download: ``/reports/export/<name>.xlsx`` with
the list page's own query string. Each entry builds its rows with the same policy and filters
as the page it belongs to, so the workbook holds exactly the rows the page lists (all pages of
it, not just the one on screen). Pages link to it with ``{% export_link "<name>" %}``
(quntuan/reports/templatetags/exports.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from quntuan.core.exceptions import ApplicationError, NotFound, PermissionDenied
from quntuan.reports.xlsx import Column


@dataclass(frozen=True)
class ListExport:
    name: str
    label: str  # file name and sheet title
    build: Callable  # request -> (rows, columns)


EXPORTS: dict[str, ListExport] = {}


def export(name: str, label: str):
    def register(fn):
        EXPORTS[name] = ListExport(name=name, label=label, build=fn)
        return fn
    return register


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _pct(value) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


CASE_COLUMNS: Sequence[Column] = (
    ("受理编号", "tracking_no"), ("标题", "title"), ("诉求人", "requester_name"), ("状态", "status"),
    ("承办组织", "handling_org.name"),
    ("首问组织", "first_inquirer_org.name"), ("受理时间", "received_at"), ("办结时限", "due_date"),
    ("办结时间", "closed_at"), ("紧急", "is_urgent"),
)


# --- cases --------------------------------------------------------------------------------------
@export("cases", "诉求列表")
def _cases(request):
    from quntuan.cases.queries import QUEUES, case_queue

    queue = request.GET.get("queue", "mine")
    if queue not in QUEUES:
        queue = "mine"
    rows = case_queue(user=request.user, queue=queue).select_related("handling_org", "first_inquirer_org")
    return rows, CASE_COLUMNS


@export("cases_overdue", "逾期督办")
def _cases_overdue(request):
    from quntuan.cases.queries import overdue_board
    from quntuan.cases.views.staff import _board_levels

    levels = dict(_board_levels(request.user))
    if not levels:
        raise PermissionDenied(_("逾期督办看板仅供单位负责人和区督查人员查看。"))
    level = request.GET.get("level")
    if level not in levels:
        level = next(iter(levels))
    rows = overdue_board(user=request.user, level=level).select_related("handling_org", "first_inquirer_org")
    return rows, CASE_COLUMNS


@export("cases_stats", "诉求三率")
def _cases_stats(request):
    from quntuan.cases.forms import StatsPeriodForm
    from quntuan.cases.queries import org_three_rates
    from quntuan.cases.views.staff import _stats_organizations

    today = timezone.localdate()
    form = StatsPeriodForm({"start": request.GET.get("start") or today.replace(day=1).isoformat(),
                            "end": request.GET.get("end") or today.isoformat()})
    if not form.is_valid():
        raise ApplicationError(_("统计期间无效。"))
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    rows = [{"org": org.name, **org_three_rates(organization=org, start=start, end=end)}
            for org in _stats_organizations(request.user)]
    return rows, (
        ("组织", "org"), ("受理数", lambda r: r["counts"]["received"]), ("响应率", lambda r: _pct(r["response_rate"])),
        ("评价数", lambda r: r["counts"]["rated"]), ("解决率", lambda r: _pct(r["resolution_rate"])),
        ("满意率", lambda r: _pct(r["satisfaction_rate"])), ("综合得分", "score"),
        ("开始日期", "start"), ("结束日期", "end"),
    )


# --- activities and venues ----------------------------------------------------------------------
ACTIVITY_COLUMNS: Sequence[Column] = (
    ("标题", "title"), ("类型", "kind"), ("主办单位", "primary_host.name"), ("开始时间", "start"),
    ("结束时间", "end"), ("阵地", "venue.name"), ("地址", "address"), ("名额", "capacity"), ("状态", "status"),
)


@export("activities", "活动列表")
def _activities(request):
    """The staff calendar's activities with its filters (organization, venue, community, kind)."""
    from quntuan.activities.models import ActivityKind
    from quntuan.activities.policies import activity_policy
    from quntuan.activities.queries import CalendarFilters

    filters = CalendarFilters(organization=_int(request.GET.get("org")), venue=_int(request.GET.get("venue")),
                              community=_int(request.GET.get("community")),
                              kind=request.GET.get("kind") if request.GET.get("kind") in ActivityKind.values else None)
    from quntuan.activities.queries import local_range, touching
    from quntuan.activities.views import _day, _month

    qs = filters.apply(activity_policy.visible(request.user))
    today = timezone.localdate()
    view = request.GET.get("view") if request.GET.get("view") in ("month", "week", "list") else "month"
    if view == "month":  # the month shown, as on the page
        year, month = _month(request.GET.get("month"), today)
        first = date(year, month, 1)
        start, end = local_range(first, (first + timedelta(days=32)).replace(day=1))
    elif view == "week":
        day = _day(request.GET.get("week"), today)
        monday = day - timedelta(days=day.weekday())
        start, end = local_range(monday, monday + timedelta(days=7))
    else:
        start, end = local_range(_day(request.GET.get("from"), today), today)[0], None
    rows = touching(qs, start, end).select_related("primary_host", "venue").order_by("start", "id")
    return rows, ACTIVITY_COLUMNS


@export("activity_stats", "活动出勤统计")
def _activity_stats(request):
    from quntuan.activities.policies import activity_policy
    from quntuan.activities.queries import activity_attendance_rows

    rows = activity_attendance_rows(activity_policy.editable(request.user), now=timezone.now())[:100]
    return rows, (("活动", "activity.title"), ("主办单位", "activity.primary_host.name"),
                  ("开始时间", "activity.start"), ("确认报名", "confirmed"), ("签到人次", "person_times"),
                  ("爽约", "no_shows"), ("爽约率", lambda r: _pct(r["no_show_rate"])))


@export("activity_registrations", "活动报名名单")
def _activity_registrations(request):
    from quntuan.activities.policies import activity_policy

    activity = activity_policy.editable(request.user).filter(pk=_int(request.GET.get("activity"))).first()
    if activity is None:
        raise NotFound(_("未找到该活动,或您不是主办单位的工作人员。"))
    rows = activity.registrations.select_related("resident", "checkin").order_by("seq")
    return rows, (("报名顺序", "seq"), ("姓名", "resident.name"), ("状态", "status"), ("报名时间", "created_at"),
                  ("签到时间", lambda r: getattr(getattr(r, "checkin", None), "checked_in_at", None)),
                  ("备注", "note"))


@export("venues", "阵地列表")
def _venues(request):
    from quntuan.activities.policies import venue_policy

    rows = venue_policy.visible(request.user).select_related("owner", "community").order_by(
        "community__code", "name", "id")
    return rows, (("名称", "name"), ("所属单位", "owner.name"), ("所在社区", "community.name"), ("地址", "address"),
                  ("容纳人数", "capacity"), ("设施", "facilities"), ("场地间隔(分钟)", "buffer_minutes"))


# --- volunteers and training --------------------------------------------------------------------
@export("volunteers", "志愿者名册")
def _volunteers(request):
    from quntuan.volunteers.models import Volunteer
    from quntuan.volunteers.policies import volunteer_policy

    rows = volunteer_policy.visible(request.user).select_related("district").order_by("-id")
    q = request.GET.get("q", "").strip()
    if q:
        rows = rows.filter(Q(real_name__contains=q) | Q(number__iexact=q) | Q(skills__contains=q))
    status = request.GET.get("status")
    if status in Volunteer.Status.values:
        rows = rows.filter(status=status)
    return rows, (("志愿者编号", "number"), ("姓名", "real_name"), ("证件号码", "masked_id"),
                  ("所属区", "district.name"), ("技能特长", "skills"), ("状态", "status"), ("注册时间", "created_at"))


@export("volunteer_teams", "志愿服务队伍")
def _volunteer_teams(request):
    from django.db.models import Count

    from quntuan.volunteers.policies import team_policy

    rows = team_policy.visible(request.user).select_related("organization").annotate(n=Count("members"))
    return rows, (("队伍名称", "name"), ("所属组织", "organization.name"), ("简介", "description"), ("队员数", "n"))


@export("volunteer_activities", "志愿服务活动")
def _volunteer_activities(request):
    from quntuan.activities.models import ActivityKind
    from quntuan.activities.policies import activity_policy

    rows = (activity_policy.editable(request.user).filter(kind=ActivityKind.VOLUNTEER)
            .select_related("primary_host", "volunteer_summary").order_by("-start"))
    return rows, (("活动", "title"), ("主办单位", "primary_host.name"), ("开始时间", "start"), ("结束时间", "end"),
                  ("状态", "status"),
                  ("服务人数", lambda a: getattr(getattr(a, "volunteer_summary", None), "people_served", None)))


@export("volunteer_hours", "待确认志愿服务时长")
def _volunteer_hours(request):
    from quntuan.activities.policies import activity_policy
    from quntuan.volunteers.policies import record_policy
    from quntuan.volunteers.queries import pending_records

    rows = pending_records(record_policy.visible(request.user)
                           .filter(shift__activity__in=activity_policy.editable(request.user).values("pk")))
    return rows, (("志愿者", "volunteer.real_name"), ("活动", "shift.activity.title"), ("岗位", "shift.title"),
                  ("班次开始", "shift.start"), ("自报时长(分钟)", "reported_minutes"), ("说明", "note"))


@export("certificates", "志愿服务证明")
def _certificates(request):
    from quntuan.volunteers.policies import certificate_policy

    rows = certificate_policy.visible(request.user).select_related("organization", "volunteer")
    return rows, (("证明编号", "number"), ("姓名", "real_name"), ("证件号码", "id_masked"),
                  ("出具组织", "organization.name"), ("服务时长(分钟)", "minutes"), ("出具日期", "issued_on"))


@export("courses", "培训课程")
def _courses(request):
    from django.db.models import Count

    from quntuan.volunteers.policies import course_policy

    rows = course_policy.visible(request.user).select_related("organization").annotate(
        n_trainees=Count("enrollments", distinct=True), n_sessions=Count("sessions", distinct=True))
    return rows, (("课程编号", "pk"), ("课程名称", "title"), ("举办组织", "organization.name"), ("培训对象", "audience"),
                  ("课次", "n_sessions"), ("学员数", "n_trainees"), ("结业出勤比例(%)", "completion_percent"),
                  ("开设时间", "created_at"))


@export("course_trainees", "培训学员名单")
def _course_trainees(request):
    from quntuan.volunteers.policies import course_policy
    from quntuan.volunteers.queries import course_grid

    course = course_policy.visible(request.user).filter(pk=_int(request.GET.get("course"))).first()
    if course is None:
        raise NotFound(_("未找到该课程。"))
    _sessions, grid = course_grid(course)
    return [(e, attended) for e, _marks, attended in grid], (
        ("姓名", lambda r: r[0].trainee.name), ("出勤课次", lambda r: r[1]), ("已结业", lambda r: r[0].completed),
        ("结业日期", lambda r: r[0].completed_on), ("结业证书编号", lambda r: r[0].certificate_number),
        ("培训后去向", lambda r: r[0].outcome_row.get_kind_display() if r[0].outcome_row else ""),
    )


@export("training_figures", "培训成效")
def _training_figures(request):
    """The training figures page: per organization whose courses the user sees, over start–end."""
    from quntuan.organizations.models import Organization
    from quntuan.volunteers.policies import course_policy
    from quntuan.volunteers.queries import training_figures

    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("start") or f"{today.year}-01-01")
        end = date.fromisoformat(request.GET.get("end") or today.isoformat())
    except ValueError as exc:
        raise ApplicationError(_("日期无效(格式:2026-01-31)。")) from exc
    if not (2000 <= start.year <= 2100 and 2000 <= end.year <= 2100):
        raise ApplicationError(_("年份应在 2000 至 2100 之间。"))
    if end < start:
        raise ApplicationError(_("截止日期不能早于起始日期。"))
    org_ids = list(course_policy.visible(request.user).values_list("organization", flat=True).distinct())
    names = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    figures = training_figures(organization_ids=sorted(names), start=start, end=end)
    return [(names[pk], f) for pk, f in figures.items()], (
        ("组织", lambda r: r[0]), ("培训人次", lambda r: r[1].person_times), ("学员数", lambda r: r[1].trainees),
        ("结业人数", lambda r: r[1].completed), ("实现再就业", lambda r: r[1].reemployed),
        ("转岗换岗", lambda r: r[1].changed_job), ("自主创业", lambda r: r[1].businesses_started))


# --- plans and referrals ------------------------------------------------------------------------
@export("plans", "计划看板")
def _plans(request):
    from quntuan.programs.models import AudienceGroup
    from quntuan.programs.policies import plan_policy

    plans = plan_policy.visible(request.user)
    if _int(request.GET.get("org")):
        plans = plans.filter(organization_id=_int(request.GET.get("org")))
    if _int(request.GET.get("community")):
        plans = plans.filter(community_id=_int(request.GET.get("community")))
    if request.GET.get("audience") in AudienceGroup.values:
        plans = plans.filter(audience=request.GET["audience"])
    try:
        year, month = (int(x) for x in request.GET.get("period", "").split("-"))
        first = date(year, month, 1)
        last = date(year + month // 12, month % 12 + 1, 1)
        plans = plans.filter(start_date__lt=last, end_date__gte=first)
    except ValueError:
        pass
    return plans[:200], (("名称", "title"), ("类型", "kind"), ("发布组织", "organization.name"),
                         ("面向人群", "audience"), ("社区", "community.name"), ("开始日期", "start_date"),
                         ("结束日期", "end_date"), ("计划人数", "capacity"), ("状态", "status"))


@export("referrals", "转介记录")
def _referrals(request):
    """The referral list of the page: sent by (side=out) or to (side=in) the user's organizations."""
    from quntuan.programs.models import Referral
    from quntuan.programs.queries import referrals_for

    side = "in" if request.GET.get("side") == "in" else "out"
    rows = referrals_for(request.user, side).select_related("from_organization", "to_organization")
    if request.GET.get("status") in Referral.Status.values:
        rows = rows.filter(status=request.GET["status"])
    return rows[:200], (("转出组织", "from_organization.name"), ("接收组织", "to_organization.name"),
                        ("居民", "resident.name"), ("计划", "plan.title"), ("服务", "service.name"),
                        ("转介原因", "reason"), ("状态", "status"), ("办理结果", "outcome"), ("转介时间", "created_at"))


@export("notices", "精准推送")
def _notices(request):
    from quntuan.programs.queries import notices_with_figures

    return notices_with_figures(request.user), (
        ("标题", "title"), ("类别", "purpose"), ("状态", "status"), ("计划", "plan.title"),
        ("目标人数", lambda n: None if n.status == "draft" else n.audience_size),
        ("已送达", lambda n: n.figures["delivered"]), ("已阅读", lambda n: n.figures["opened"]),
        ("已报名", lambda n: n.figures["signed_up"]))


@export("target_groups", "目标人群")
def _target_groups(request):
    from quntuan.programs.queries import visible_groups

    return visible_groups(request.user).order_by("organization_id", "name"), (
        ("名称", "name"), ("组织", "organization.name"), ("建立时间", "created_at"))


# --- assessment ---------------------------------------------------------------------------------
def _scope(request):
    from quntuan.assessment.scoping import scope_from_params

    return scope_from_params(request.user, {k: request.GET.get(k) for k in ("district", "org", "street", "start",
                                                                              "end")})


def _ledger_org(request):
    from quntuan.assessment.policies import assessment_policy

    org = assessment_policy.visible_orgs(request.user).filter(pk=_int(request.GET.get("org"))).first()
    if org is None:
        raise NotFound(_("未找到该组织,或您无权查看。"))
    return org


@export("ledger_posts", "岗位编制与领导职数")
def _ledger_posts(request):
    org = _ledger_org(request)
    return org.posts.all(), (("组织", lambda p: org.name), ("岗位", "name"), ("类别", "kind"), ("核定数", "authorized"),
                             ("实有数", "filled"))


@export("ledger_budgets", "专项经费")
def _ledger_budgets(request):
    from quntuan.assessment.lists import budget_history

    org = _ledger_org(request)
    return budget_history(org.budgets.all()), (
        ("组织", lambda r: org.name), ("年度", "budget.year"), ("金额(元)", "budget.amount"),
        ("上年(元)", "previous"), ("较上年增长", lambda r: _pct(r["growth"])), ("说明", "budget.note"))


@export("ledger_offices", "办公场所")
def _ledger_offices(request):
    org = _ledger_org(request)
    return org.office_spaces.all(), (("组织", lambda o: org.name), ("地址", "address"), ("面积(平方米)", "area"),
                                     ("房间数", "rooms"), ("说明", "note"))


@export("indicator_scores", "人工评分")
def _indicator_scores(request):
    from quntuan.assessment.models import Indicator, ManualScore
    from quntuan.assessment.policies import assessment_policy

    ind = Indicator.objects.filter(pk=_int(request.GET.get("indicator")),
                                   district__in=assessment_policy.visible_districts(request.user)).first()
    if ind is None:
        raise NotFound()
    rows = ManualScore.objects.filter(indicator=ind).select_related("organization", "street")
    if ind.scope == Indicator.Scope.STREET:
        if not assessment_policy.sees_whole_district(request.user, ind.district):
            raise NotFound()
    else:
        rows = rows.filter(organization__in=assessment_policy.visible_orgs(request.user))
    return rows.order_by("organization_id", "street_id"), (
        ("评分对象", lambda m: (m.organization or m.street).name), ("得分", "score"), ("评分依据", "evidence"),
        ("佐证材料", "evidence_name"), ("评分时间", "updated_at"))


@export("supervision", "督查事项")
def _supervision(request):
    from quntuan.assessment.lists import supervision_rows

    return supervision_rows(request.user, _scope(request)), (
        ("事项", "a.item.title"), ("重点任务", "a.item.is_key"), ("责任单位", "a.organization.name"),
        ("完成时限", "a.due_date"), ("状态", "a.status"), ("完成日期", "a.completed_on"), ("逾期", "overdue"))


@export("dispatch", "调度会")
def _dispatch(request):
    from quntuan.assessment.lists import dispatch_rows, month_param

    month = month_param(request.GET.get("month"))
    return dispatch_rows(request.user, _scope(request), month), (
        ("责任单位", "assignment.organization.name"), ("事项", "assignment.item.title"),
        ("完成时限", "assignment.due_date"), ("本月进展", lambda r: r["report"].text if r["report"] else "本月未报送"),
        ("完成进度(%)", lambda r: r["report"].percent if r["report"] else None), ("已完成", "done"),
        ("逾期", "overdue"))


@export("assessment_results", "年度考核")
def _assessment_results(request):
    from quntuan.assessment.lists import result_rows, year_param
    from quntuan.assessment.models import Indicator

    year = year_param(request.GET.get("year"))
    target = request.GET.get("scope", Indicator.Scope.ORGANIZATION)
    rows, indicators, _whole = result_rows(request.user, _scope(request), year, target)
    columns: list[Column] = [("排名", "rank"), ("街道" if target == "street" else "组织", "name")]
    for i, ind in enumerate(indicators):
        columns.append((f"{ind.name}(权重 {ind.weight})", lambda r, i=i: r["indicators"][i]["display"]))
        columns.append((f"{ind.name}得分", lambda r, i=i: r["indicators"][i]["score"]))
    columns += [("总分", "total"), ("等次", "grade"), ("一票否决事由", lambda r: ";".join(r["veto_reasons"]))]
    return rows, columns


RECORD_COLUMNS: dict[str, Sequence[Column]] = {
    "cases": CASE_COLUMNS, "overdue": CASE_COLUMNS,
    "residents": (("姓名", "name"), ("社区", "community.name"), ("注册时间", "date_joined")),
    "activities": (("活动", "title"), ("主办单位", "primary_host.name"), ("开始时间", "start"), ("名额", "capacity")),
    "checkins": (("活动", "activity.title"), ("签到时间", "checked_in_at"),
                 ("方式", lambda c: "报名签到" if c.registration_id else "现场登记")),
    "service_records": (("志愿者", "volunteer.real_name"), ("活动", "shift.activity.title"), ("班次开始", "shift.start"),
                        ("认定时长(分钟)", "minutes")),
    "plans": (("计划名称", "title"), ("发布组织", "organization.name"), ("类型", "kind"), ("结束日期", "end_date"),
              ("培训人数", "trained"), ("再就业人数", "reemployed"), ("创业户数", "businesses_started"),
              ("带动就业岗位", "jobs_created"), ("服务人次", "people_served")),
    "assignments": (("督查事项", "item.title"), ("责任单位", "organization.name"), ("完成时限", "due_date"),
                    ("状态", "status"), ("完成日期", "completed_on")),
}


@export("records", "明细记录")
def _records(request):
    from quntuan.assessment.lists import record_rows

    kind, _scope_, rows = record_rows(request.user, request.GET)
    return rows, RECORD_COLUMNS[kind]


@export("vetoes", "一票否决")
def _vetoes(request):
    from quntuan.assessment.lists import veto_rows, year_param

    return veto_rows(request.user, _scope(request), year_param(request.GET.get("year"))), (
        ("组织", "organization.name"), ("类型", "kind"), ("事由", "reason"), ("佐证材料", "evidence_name"),
        ("登记人", "flagged_by.name"), ("登记时间", "created_at"), ("已撤销", "withdrawn"))


@export("indicators", "考核指标")
def _indicators(request):
    from quntuan.assessment.lists import year_param
    from quntuan.assessment.models import Indicator

    scope = _scope(request)
    rows = Indicator.objects.filter(district=scope.district, year=year_param(request.GET.get("year")))
    return rows, (("指标", "name"), ("考核对象", "scope"), ("数据来源", "source"), ("权重", "weight"),
                  ("满分目标值", "target"))


@export("ledgers", "台账汇总")
def _ledgers(request):
    from quntuan.assessment.lists import ledger_summary_rows, year_param

    year = year_param(request.GET.get("year"))
    return ledger_summary_rows(request.user, _scope(request), year), (
        ("组织", "org.name"), ("编制核定", "staffing.established_authorized"),
        ("编制实有", "staffing.established_filled"), ("领导职数核定", "staffing.leadership_authorized"),
        ("领导职数实有", "staffing.leadership_filled"), ("专职", "cadres.full_time"), ("兼职", "cadres.part_time"),
        ("挂职", "cadres.seconded"), (f"{year}年专项经费(元)", "budget.amount"),
        ("上年专项经费(元)", "budget.previous"), ("较上年增长", lambda r: _pct(r["budget"]["growth"])),
        ("办公面积(平方米)", "office.area"), ("办公用房(间)", "office.rooms"))


@export("ledger_cadres", "专兼挂干部")
def _ledger_cadres(request):
    from quntuan.assessment.lists import cadre_rows, year_param

    return cadre_rows(request.user, _scope(request), year_param(request.GET.get("year"))), (
        ("组织", "organization.name"), ("姓名", "name"), ("类别", "kind"), ("职务", "position"),
        ("原单位", "from_unit"), ("起始日期", "start"), ("截止日期", "end"))


@export("ledger_media", "媒体报道")
def _ledger_media(request):
    from quntuan.assessment.lists import media_rows, year_param

    return media_rows(request.user, _scope(request), year_param(request.GET.get("year"))), (
        ("刊发日期", "published_on"), ("标题", "title"), ("媒体", "outlet"), ("级别", "level"),
        ("组织", "organization.name"), ("链接", "link"))


@export("ledger_trainings", "干部培训")
def _ledger_trainings(request):
    from quntuan.assessment.lists import training_rows, year_param

    return training_rows(request.user, _scope(request), year_param(request.GET.get("year"))), (
        ("开始日期", "start"), ("培训名称", "title"), ("天数", "days"), ("参训人数", "trainees"),
        ("组织", "organization.name"))


# --- reports ------------------------------------------------------------------------------------
@export("report_drafts", "工作汇报")
def _report_drafts(request):
    from quntuan.reports.policies import report_policy

    rows = report_policy.visible(request.user).select_related("district", "organization")
    return rows, (("标题", "title"), ("所属区", "district.name"), ("汇报组织", "organization.name"),
                  ("周期", "period_kind"), ("年份", "year"), ("序号", "number"), ("状态", "status"),
                  ("生成时间", "generated_at"))


@export("import_runs", "名册导入记录")
def _import_runs(request):
    from quntuan.reports.importer import ROSTERS
    from quntuan.reports.models import ImportRun

    since = timezone.now() - timedelta(days=366)
    rows = ImportRun.objects.filter(user=request.user, created_at__gte=since).defer("data")
    return rows, (("名册类型", lambda r: ROSTERS[r.kind].label if r.kind in ROSTERS else r.kind),
                  ("文件名", "filename"), ("状态", "status"), ("导入行数", "imported"),
                  ("错误数", lambda r: len(r.errors)), ("上传时间", "created_at"), ("完成时间", "finished_at"))


@export("import_errors", "导入错误报告")
def _import_errors(request):
    from quntuan.reports.models import ImportRun

    run = ImportRun.objects.filter(pk=_int(request.GET.get("run")), user=request.user).defer("data").first()
    if run is None:
        raise NotFound(_("导入记录不存在，或您无权查看。"))
    return run.errors, (("行号", lambda e: e["row"] or "整个文件"), ("列", "column"), ("问题", "message"))


def build(request, name: str) -> tuple[ListExport, Iterable, Sequence[Column]]:
    spec = EXPORTS.get(name)
    if spec is None:
        raise NotFound(_("没有这个列表的导出。"))
    rows, columns = spec.build(request)
    return spec, rows, columns
