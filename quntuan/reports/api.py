"""JSON API for work reports: the figures of a period and scope, drafts, their narrative."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from quntuan.api.auth import AUTH, ErrorOut, request_user
from quntuan.core.exceptions import NotFound, PermissionDenied
from quntuan.organizations.models import Organization, Region
from quntuan.reports import services
from quntuan.reports.figures import Period, Scope, compute_figures
from quntuan.reports.models import ReportDraft
from quntuan.reports.policies import report_policy

router = Router(tags=["工作汇报"], auth=AUTH)
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


class FigureOut(Schema):
    key: str
    label: str
    value: float | int | None
    unit: str
    source: str = Field(..., description="口径说明")
    query: str = Field(..., description="产生该数据的查询函数")


class DraftIn(Schema):
    period_kind: str = Field(..., description="month / quarter / half / year")
    year: int
    number: int = Field(1, description="月 1–12,季度 1–4,半年 1–2,年 1")
    district_id: int | None = Field(None, description="全区汇报时填写")
    organization_id: int | None = Field(None, description="组织汇报时填写")


class DraftOut(Schema):
    id: int
    title: str
    district_id: int
    organization_id: int | None
    period_kind: str
    year: int
    number: int
    status: str
    progress: int
    generated_at: datetime | None
    figures: list[FigureOut]
    narrative: dict[str, str]


class NarrativeIn(Schema):
    narrative: dict[str, str]


def _scope(user, district_id: int | None, organization_id: int | None) -> tuple[Region, Organization | None]:
    if organization_id is not None:
        org = Organization.objects.select_related("district").filter(pk=organization_id).first()
        if org is None:
            raise NotFound(_("组织不存在。"))
        return org.district, org
    district = Region.objects.filter(pk=district_id, level=Region.Level.DISTRICT).first()
    if district is None:
        raise NotFound(_("区不存在。"))
    return district, None


def _draft(request, pk: int) -> ReportDraft:
    draft = report_policy.visible(request_user(request)).filter(pk=pk).first()
    if draft is None:
        raise NotFound(_("工作汇报不存在，或您无权查看。"))
    return draft


@router.get("/figures", response={200: list[FigureOut], **ERRORS}, summary="某周期、某范围的汇报数据（实时计算）")
def figures(request, period_kind: str, year: int, number: int = 1, district_id: int | None = None,
            organization_id: int | None = None):
    user = request_user(request)
    district, org = _scope(user, district_id, organization_id)
    period = Period(kind=period_kind, year=year, number=number)
    districts, orgs = report_policy.scopes(user)
    allowed = org in orgs if org is not None else district in districts
    if not allowed:
        raise PermissionDenied(_("您无权查看该范围的汇报数据。"))
    return compute_figures(Scope(district=district, organization=org), period)


@router.get("/drafts", response={200: list[DraftOut], **ERRORS}, summary="我可查看的工作汇报")
def drafts(request):
    return list(report_policy.visible(request_user(request))[:100])


@router.post("/drafts", response={201: DraftOut, **ERRORS}, summary="生成工作汇报草稿")
def create(request, payload: DraftIn):
    user = request_user(request)
    district, org = _scope(user, payload.district_id, payload.organization_id)
    period = Period(kind=payload.period_kind, year=payload.year, number=payload.number)
    draft = services.draft_create(user=user, district=district, organization=org, period=period)
    draft.refresh_from_db()
    return 201, draft


@router.get("/drafts/{pk}", response={200: DraftOut, **ERRORS}, summary="工作汇报详情")
def detail(request, pk: int):
    return _draft(request, pk)


@router.patch("/drafts/{pk}/narrative", response={200: DraftOut, **ERRORS}, summary="修改叙述部分（数据已锁定）")
def narrative(request, pk: int, payload: NarrativeIn):
    draft = _draft(request, pk)
    return services.draft_update_narrative(user=request_user(request), draft=draft, narrative=payload.narrative)


def _file(request, pk: int, kind: str):
    from quntuan.reports.views import DOCX_TYPE, _download

    draft = _draft(request, pk)
    if draft.status != ReportDraft.Status.READY:
        raise PermissionDenied(_("工作汇报尚未生成完成，暂不能下载。"))
    if kind == "docx":
        from quntuan.reports.docx import build_docx

        return _download(build_docx(draft), DOCX_TYPE, f"{draft.title}.docx")
    from quntuan.reports.pdf import build_pdf

    return _download(build_pdf(draft), "application/pdf", f"{draft.title}.pdf")


@router.get("/drafts/{pk}/docx", response={200: None, **ERRORS}, summary="下载 Word 文件")
def download_docx(request, pk: int):
    return _file(request, pk, "docx")


@router.get("/drafts/{pk}/pdf", response={200: None, **ERRORS}, summary="下载 PDF 文件（LibreOffice 生成）")
def download_pdf(request, pk: int):
    return _file(request, pk, "pdf")
