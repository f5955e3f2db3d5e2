"""JSON endpoints: dashboard charts, ledgers, supervision and the yearly assessment."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from quntuan.api.auth import AUTH, request_user
from quntuan.assessment import charts, queries, services
from quntuan.assessment.models import Indicator, SupervisionItem
from quntuan.assessment.policies import assessment_policy
from quntuan.assessment.scoping import check_year, parse_month, scope_from_params
from quntuan.core.exceptions import NotFound

router = Router(tags=["督查与考核"], auth=AUTH)


def _params(request) -> dict:
    return {k: request.GET.get(k) for k in ("district", "org", "street", "start", "end")}


@router.get("/charts/{name}", summary="仪表盘图表数据(district/org/street/start/end)")
def chart(request, name: str):
    user = request_user(request)
    scope = scope_from_params(user, _params(request))
    if name == "ranking":
        year = scope.end.year
        visible = None
        if not assessment_policy.sees_whole_district(user, scope.district):
            visible = set(assessment_policy.visible_orgs(user).values_list("pk", flat=True))
        return {"level": scope.level, **charts.ranking_chart(scope, year, visible)}
    fn = charts.CHARTS.get(name)
    if fn is None:
        raise NotFound(_("没有这个图表。"))
    return {"level": scope.level, **fn(scope)}


def _dec(v):
    return None if v is None else (float(v) if isinstance(v, Decimal) else v)


@router.get("/ledgers", summary="台账汇总:编制、职数、专兼挂、专项经费、办公场所、工作站覆盖、媒体报道、干部培训")
def ledgers(request, year: int | None = None, district: int | None = None):
    user = request_user(request)
    scope = scope_from_params(user, {"district": district})
    year = check_year(year) or timezone.localdate().year
    orgs = list(assessment_policy.visible_orgs(user).filter(district=scope.district).order_by("id"))
    ids = [o.pk for o in orgs]
    staffing = queries.staffing_by_org(ids)
    cadres = queries.cadres_serving(ids, min(date(year, 12, 31), timezone.localdate()))
    budgets = queries.budget_growth(ids, year)
    office = queries.office_space_by_org(ids)
    start, end = queries.year_range(year)
    whole = assessment_policy.sees_whole_district(user, scope.district)
    scoped_ids = None if whole else ids
    return {
        "year": year, "district": scope.district.name,
        "organizations": [{
            "id": o.pk, "name": o.name, "staffing": staffing[o.pk], "cadres": cadres[o.pk],
            "budget": {k: _dec(v) for k, v in budgets[o.pk].items()},
            "office": {k: _dec(v) for k, v in office[o.pk].items()},
        } for o in orgs],
        "coverage": queries.coverage_by_street(scope.district) if whole else [],
        "coverage_total": queries.coverage_district(scope.district),
        "media": queries.media_by_level(scope.district, start, end, scoped_ids),
        "trainings": queries.cadre_training_totals(scope.district, start, end, scoped_ids),
    }


@router.get("/results/{int:year}", summary="年度考核结果与排名")
def results(request, year: int, district: int | None = None, scope: str = "organization"):
    user = request_user(request)
    check_year(year)
    sc = scope_from_params(user, {"district": district})
    if scope not in Indicator.Scope.values:
        raise NotFound(_("考核对象无效。"))
    rows = queries.assessment_results(sc.district, year, scope)
    if not assessment_policy.sees_whole_district(user, sc.district):
        if scope == Indicator.Scope.STREET:
            rows = []
        visible = set(assessment_policy.visible_orgs(user).values_list("pk", flat=True))
        rows = [r for r in rows if r["target_id"] in visible]
    return {"year": year, "scope": scope, "rows": rows}


@router.get("/dispatch", summary="调度会:某月全部督查事项进展")
def dispatch(request, month: str | None = None, district: int | None = None):
    user = request_user(request)
    sc = scope_from_params(user, {"district": district})
    first = parse_month(month, timezone.localdate())
    visible = set(assessment_policy.visible_orgs(user).values_list("pk", flat=True))
    rows = [r for r in queries.dispatch_board(sc.district, first) if r["assignment"].organization_id in visible]
    return {"month": first.strftime("%Y-%m"), "rows": [{
        "item": r["assignment"].item.title, "is_key": r["assignment"].item.is_key,
        "organization": r["assignment"].organization.name, "due_date": r["assignment"].due_date,
        "done": r["done"], "overdue": r["overdue"],
        "percent": r["report"].percent if r["report"] else None,
        "report": r["report"].text if r["report"] else None,
    } for r in rows]}


class ItemIn(Schema):
    title: str
    due_date: date
    organization_ids: list[int]
    description: str = ""
    is_key: bool = False
    district: int | None = None


@router.post("/supervision/items", response={201: dict}, summary="创建督查事项(区督查人员)")
def item_create(request, payload: ItemIn):
    user = request_user(request)
    sc = scope_from_params(user, {"district": payload.district})
    item = services.supervision_item_create(actor=user, district=sc.district, title=payload.title,
                                            due_date=payload.due_date, organization_ids=payload.organization_ids,
                                            description=payload.description, is_key=payload.is_key)
    return 201, {"id": item.pk, "title": item.title, "assignments": item.assignments.count()}


@router.get("/supervision/items", summary="督查事项列表")
def item_list(request, district: int | None = None):
    user = request_user(request)
    sc = scope_from_params(user, {"district": district})
    visible = assessment_policy.visible_orgs(user)
    items = (SupervisionItem.objects.filter(district=sc.district, assignments__organization__in=visible)
             .distinct().order_by("due_date", "id"))
    return [{"id": i.pk, "title": i.title, "due_date": i.due_date, "is_key": i.is_key} for i in items]


class IndicatorIn(Schema):
    year: int
    name: str
    source: str
    weight: int
    target: float | None = None
    scope: str = "organization"
    district: int | None = None


class IndicatorUpdate(Schema):
    weight: int
    target: float | None = None
    name: str | None = None


def _indicator_out(i: Indicator) -> dict:
    return {"id": i.pk, "year": i.year, "name": i.name, "source": i.source, "weight": i.weight,
            "target": _dec(i.target), "scope": i.scope}


@router.get("/indicators", summary="考核指标与权重")
def indicator_list(request, year: int, district: int | None = None):
    check_year(year)
    sc = scope_from_params(request_user(request), {"district": district})
    return [_indicator_out(i) for i in Indicator.objects.filter(district=sc.district, year=year)]


@router.post("/indicators", response={201: dict}, summary="新增考核指标(仅区督查人员)")
def indicator_create(request, payload: IndicatorIn):
    user = request_user(request)
    sc = scope_from_params(user, {"district": payload.district})
    ind = services.indicator_create(actor=user, district=sc.district, year=payload.year, name=payload.name,
                                    source=payload.source, weight=payload.weight, target=payload.target,
                                    scope=payload.scope)
    return 201, _indicator_out(ind)


@router.put("/indicators/{int:indicator_id}", summary="修改指标权重(仅区督查人员)")
def indicator_update(request, indicator_id: int, payload: IndicatorUpdate):
    user = request_user(request)
    ind = Indicator.objects.filter(pk=indicator_id, district__in=assessment_policy.visible_districts(user)).first()
    if ind is None:
        raise NotFound()
    ind = services.indicator_update(actor=user, indicator=ind, weight=payload.weight, target=payload.target,
                                    name=payload.name)
    return _indicator_out(ind)


# --- ledger entries, manual scores and veto flags --------------------------------------------------

def _org(user, organization_id: int):
    org = assessment_policy.visible_orgs(user).filter(pk=organization_id).first()
    if org is None:
        raise NotFound()
    return org


def _opt_org(user, organization_id: int | None):
    return None if organization_id is None else _org(user, organization_id)


class BudgetIn(Schema):
    organization_id: int
    year: int
    amount: Decimal
    note: str = ""


@router.put("/ledgers/budgets", summary="设置某组织某年度专项经费(组织负责人或区督查人员)")
def budget_put(request, payload: BudgetIn):
    user = request_user(request)
    b = services.budget_set(actor=user, organization=_org(user, payload.organization_id), year=payload.year,
                            amount=payload.amount, note=payload.note)
    growth = queries.budget_growth([b.organization_id], b.year)[b.organization_id]
    return {"id": b.pk, "year": b.year, **{k: _dec(v) for k, v in growth.items()}}


class PostIn(Schema):
    organization_id: int
    name: str
    kind: str = "established"
    authorized: int
    filled: int


@router.post("/ledgers/posts", response={201: dict}, summary="新增岗位编制或领导职数")
def post_create(request, payload: PostIn):
    user = request_user(request)
    p = services.post_create(actor=user, organization=_org(user, payload.organization_id), name=payload.name,
                             kind=payload.kind, authorized=payload.authorized, filled=payload.filled)
    return 201, {"id": p.pk}


class CadreIn(Schema):
    organization_id: int
    name: str
    kind: str
    start: date
    end: date | None = None
    position: str = ""
    from_unit: str = ""


@router.post("/ledgers/cadres", response={201: dict}, summary="新增专兼挂干部")
def cadre_create(request, payload: CadreIn):
    user = request_user(request)
    c = services.cadre_create(actor=user, organization=_org(user, payload.organization_id), name=payload.name,
                              kind=payload.kind, start=payload.start, end=payload.end, position=payload.position,
                              from_unit=payload.from_unit)
    return 201, {"id": c.pk}


class OfficeIn(Schema):
    organization_id: int
    address: str
    area: Decimal
    rooms: int = 1


@router.post("/ledgers/offices", response={201: dict}, summary="新增办公场所")
def office_create(request, payload: OfficeIn):
    user = request_user(request)
    o = services.office_space_create(actor=user, organization=_org(user, payload.organization_id),
                                     address=payload.address, area=payload.area, rooms=payload.rooms)
    return 201, {"id": o.pk}


class MediaIn(Schema):
    title: str
    outlet: str
    published_on: date
    level: str
    link: str = ""
    organization_id: int | None = None
    district: int | None = None


@router.post("/ledgers/media", response={201: dict}, summary="登记媒体报道")
def media_create(request, payload: MediaIn):
    user = request_user(request)
    sc = scope_from_params(user, {"district": payload.district})
    m = services.media_report_create(actor=user, district=sc.district,
                                     organization=_opt_org(user, payload.organization_id), title=payload.title,
                                     outlet=payload.outlet, published_on=payload.published_on, level=payload.level,
                                     link=payload.link)
    return 201, {"id": m.pk}


class TrainingIn(Schema):
    title: str
    start: date
    days: int = 1
    trainees: int
    organization_id: int | None = None
    district: int | None = None


@router.post("/ledgers/trainings", response={201: dict}, summary="登记干部培训")
def training_create(request, payload: TrainingIn):
    user = request_user(request)
    sc = scope_from_params(user, {"district": payload.district})
    t = services.cadre_training_create(actor=user, district=sc.district,
                                       organization=_opt_org(user, payload.organization_id), title=payload.title,
                                       start=payload.start, days=payload.days, trainees=payload.trainees)
    return 201, {"id": t.pk}


class ScoreIn(Schema):
    score: Decimal
    evidence: str
    organization_id: int | None = None
    street_id: int | None = None


@router.put("/indicators/{int:indicator_id}/scores", summary="人工评分(仅区督查人员)")
def score_put(request, indicator_id: int, payload: ScoreIn):
    from quntuan.organizations.models import Region
    user = request_user(request)
    ind = Indicator.objects.filter(pk=indicator_id, district__in=assessment_policy.visible_districts(user)).first()
    if ind is None:
        raise NotFound()
    street = None
    if payload.street_id is not None:
        street = Region.objects.filter(pk=payload.street_id, district_id=ind.district_id,
                                       level=Region.Level.STREET).first()
        if street is None:
            raise NotFound(_("未找到该街道。"))
    ms = services.manual_score_set(actor=user, indicator=ind, score=payload.score, evidence=payload.evidence,
                                   organization=_opt_org(user, payload.organization_id), street=street)
    return {"id": ms.pk, "score": _dec(ms.score)}


class VetoIn(Schema):
    organization_id: int = Field(..., title="组织")
    year: int = Field(..., title="年度")
    kind: str = Field(..., title="否决类型", description="major_incident(发生重大事件)/ key_task(重点任务未完成)/ other(其他)")
    reason: str = Field(..., title="否决事由")


@router.post("/vetoes", response={201: dict}, summary="一票否决(仅区督查人员)")
def veto_create(request, payload: VetoIn):
    user = request_user(request)
    flag = services.veto_flag_create(actor=user, organization=_org(user, payload.organization_id), year=payload.year,
                                     kind=payload.kind, reason=payload.reason)
    return 201, {"id": flag.pk}


@router.get("/vetoes", summary="某年度的一票否决(本人可见的组织)")
def veto_list(request, year: int, district: int | None = None):
    from quntuan.assessment.lists import veto_rows

    check_year(year)
    user = request_user(request)
    sc = scope_from_params(user, {"district": district})
    return [{"id": f.pk, "organization_id": f.organization_id, "organization": f.organization.name, "kind": f.kind,
             "reason": f.reason, "withdrawn": f.withdrawn, "has_evidence_file": bool(f.evidence_file)}
            for f in veto_rows(user, sc, year)]


@router.post("/vetoes/{int:flag_id}/withdraw", summary="撤销一票否决(仅区督查人员)")
def veto_withdraw(request, flag_id: int):
    from quntuan.assessment.models import VetoFlag

    user = request_user(request)
    flag = VetoFlag.objects.filter(pk=flag_id, organization__in=assessment_policy.visible_orgs(user)).first()
    if flag is None:
        raise NotFound()
    flag = services.veto_flag_withdraw(actor=user, flag=flag)
    return {"id": flag.pk, "withdrawn": flag.withdrawn}


@router.delete("/indicators/{int:indicator_id}", response={204: None}, summary="删除考核指标(仅区督查人员)")
def indicator_delete(request, indicator_id: int):
    user = request_user(request)
    ind = Indicator.objects.filter(pk=indicator_id, district__in=assessment_policy.visible_districts(user)).first()
    if ind is None:
        raise NotFound()
    services.indicator_delete(actor=user, indicator=ind)
    return 204, None


# --- changing and removing ledger rows ----------------------------------------------------------------

LEDGER_MODELS = {"posts": "Post", "cadres": "Cadre", "budgets": "Budget", "offices": "OfficeSpace",
                 "media": "MediaReport", "trainings": "CadreTraining"}


def _ledger_entry(user, kind: str, entry_id: int):
    """A ledger row the user may see (its organization, or a district-level row of a visible district)."""
    from quntuan.assessment import models

    if kind not in LEDGER_MODELS:
        raise NotFound(_("未知的台账类型。"))
    entry = getattr(models, LEDGER_MODELS[kind]).objects.filter(pk=entry_id).first()
    if entry is None:
        raise NotFound()
    org_id = getattr(entry, "organization_id", None)
    if org_id is not None:
        if not assessment_policy.can_view_org(user, org_id):
            raise NotFound()
    elif not assessment_policy.visible_districts(user).filter(pk=entry.district_id).exists():
        raise NotFound()
    return entry


class PostUpdate(Schema):
    name: str
    kind: str = "established"
    authorized: int
    filled: int


@router.put("/ledgers/posts/{int:entry_id}", summary="修改岗位编制或领导职数")
def post_update(request, entry_id: int, payload: PostUpdate):
    user = request_user(request)
    p = services.post_update(actor=user, post=_ledger_entry(user, "posts", entry_id), **payload.dict())
    return {"id": p.pk, "authorized": p.authorized, "filled": p.filled}


class CadreUpdate(Schema):
    name: str
    kind: str
    start: date
    end: date | None = None
    position: str = ""
    from_unit: str = ""


@router.put("/ledgers/cadres/{int:entry_id}", summary="修改专兼挂干部(含任期)")
def cadre_update(request, entry_id: int, payload: CadreUpdate):
    user = request_user(request)
    c = services.cadre_update(actor=user, cadre=_ledger_entry(user, "cadres", entry_id), **payload.dict())
    return {"id": c.pk, "start": c.start, "end": c.end}


class OfficeUpdate(Schema):
    address: str
    area: Decimal
    rooms: int = 1
    note: str = ""


@router.put("/ledgers/offices/{int:entry_id}", summary="修改办公场所")
def office_update(request, entry_id: int, payload: OfficeUpdate):
    user = request_user(request)
    o = services.office_space_update(actor=user, space=_ledger_entry(user, "offices", entry_id), **payload.dict())
    return {"id": o.pk, "area": _dec(o.area)}


class MediaUpdate(Schema):
    title: str
    outlet: str
    published_on: date
    level: str
    link: str = ""
    organization_id: int | None = None


@router.put("/ledgers/media/{int:entry_id}", summary="修改媒体报道")
def media_update(request, entry_id: int, payload: MediaUpdate):
    user = request_user(request)
    data = payload.dict()
    org = _opt_org(user, data.pop("organization_id"))
    m = services.media_report_update(actor=user, report=_ledger_entry(user, "media", entry_id), organization=org,
                                     **data)
    return {"id": m.pk, "level": m.level}


class TrainingUpdate(Schema):
    title: str
    start: date
    days: int = 1
    trainees: int
    organization_id: int | None = None


@router.put("/ledgers/trainings/{int:entry_id}", summary="修改干部培训")
def training_update(request, entry_id: int, payload: TrainingUpdate):
    user = request_user(request)
    data = payload.dict()
    org = _opt_org(user, data.pop("organization_id"))
    t = services.cadre_training_update(actor=user, training=_ledger_entry(user, "trainings", entry_id),
                                       organization=org, **data)
    return {"id": t.pk, "trainees": t.trainees}


def _ledger_delete_view(kind: str):
    def ledger_delete(request, entry_id: int):
        user = request_user(request)
        services.ledger_entry_delete(actor=user, entry=_ledger_entry(user, kind, entry_id))
        return 204, None
    return ledger_delete


for _kind, _label in (("posts", "岗位编制或领导职数"), ("cadres", "专兼挂干部"), ("budgets", "专项经费"),
                      ("offices", "办公场所"), ("media", "媒体报道"), ("trainings", "干部培训")):
    router.delete(f"/ledgers/{_kind}/{{int:entry_id}}", response={204: None}, summary=f"删除{_label}",
                  operation_id=f"assessment_ledger_delete_{_kind}")(_ledger_delete_view(_kind))


# --- supervision tasks and the records behind a number ---------------------------------------------

def _visible_assignment(user, assignment_id: int):
    from quntuan.assessment.models import Assignment

    a = (Assignment.objects.filter(pk=assignment_id, organization__in=assessment_policy.visible_orgs(user))
         .select_related("item", "organization").first())
    if a is None:
        raise NotFound(_("督查任务不存在,或您无权查看。"))
    return a


class ProgressIn(Schema):
    month: str = Field(..., title="月份", description="2026-03")
    text: str = Field(..., title="进展情况")
    percent: int = Field(..., title="完成进度", ge=0, le=100)
    video_urls: list[str] = Field(default_factory=list, title="视频链接")


@router.post("/supervision/assignments/{int:assignment_id}/reports", response={201: dict},
             summary="报送某月进展(责任单位工作人员;佐证视频链接,文件请在页面上传)")
def progress_report(request, assignment_id: int, payload: ProgressIn):
    user = request_user(request)
    a = _visible_assignment(user, assignment_id)
    report = services.progress_report_submit(actor=user, assignment=a, month=parse_month(payload.month, timezone.localdate()),
                                             text=payload.text, percent=payload.percent,
                                             video_urls=payload.video_urls)
    return 201, {"id": report.pk, "month": report.month.strftime("%Y-%m"), "percent": report.percent,
                 "evidence": [{"kind": e.kind, "url": e.url} for e in report.evidence.all()]}


@router.post("/supervision/assignments/{int:assignment_id}/complete", summary="确认督查任务完成(区督查人员)")
def assignment_complete(request, assignment_id: int):
    user = request_user(request)
    a = services.assignment_complete(actor=user, assignment=_visible_assignment(user, assignment_id))
    return {"id": a.pk, "status": a.status, "completed_on": a.completed_on}


RECORD_FIELDS = {
    "cases": ("tracking_no", "title", "status", "received_at", "due_date"),
    "overdue": ("tracking_no", "title", "status", "received_at", "due_date"),
    "residents": ("name", "date_joined"),
    "activities": ("title", "start", "capacity"),
    "checkins": ("activity_id", "checked_in_at"),
    "service_records": ("shift_id", "minutes"),
    "assignments": ("item_id", "organization_id", "due_date", "status", "completed_on"),
    "plans": ("title", "organization_id", "end_date", *queries.PLAN_OUTCOME_FIELDS),
}


@router.get("/records", summary="某个数字背后的记录(kind/district/org/street/start/end/status/month,最多 page 页每页 50 条)")
def records(request, kind: str = "cases", page: int = 1):
    from quntuan.assessment.lists import record_rows

    user = request_user(request)
    params = {k: request.GET.get(k) for k in ("district", "org", "street", "start", "end", "status", "month")}
    kind, _scope, qs = record_rows(user, {**params, "kind": kind})
    page = max(1, page)
    fields = RECORD_FIELDS.get(kind, ())
    rows = list(qs[(page - 1) * 50:page * 50])
    out = []
    for r in rows:
        item = {"id": r.pk, **{f: getattr(r, f, None) for f in fields}}
        if kind == "service_records":
            item["volunteer"] = r.volunteer.real_name
        out.append(item)
    return {"kind": kind, "page": page, "count": qs.count(), "rows": out}
