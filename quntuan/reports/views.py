"""Work report pages, list exports and roster import. Thin: policies decide, services act."""

from __future__ import annotations

from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from quntuan.accounts.decorators import staff_required
from quntuan.core.exceptions import ApplicationError, NotFound, PermissionDenied
from quntuan.organizations.models import Region
from quntuan.reports import exports, services, xlsx
from quntuan.reports.compose import compose
from quntuan.reports.docx import build_docx
from quntuan.reports.forms import DraftForm, ImportForm, NarrativeForm
from quntuan.reports.importer import (
    MAX_BYTES,
    ROSTERS,
    import_run_start,
    may_import,
    run_progress,
    template_workbook,
)
from quntuan.reports.models import ImportRun
from quntuan.reports.pdf import build_pdf
from quntuan.reports.policies import report_policy

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _draft(request, pk: int):
    draft = report_policy.visible(request.user).select_related("district", "organization").filter(pk=pk).first()
    if draft is None:
        raise NotFound(_("工作汇报不存在，或您无权查看。"))
    return draft


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@require_http_methods(["GET", "POST"])
@staff_required
def index(request):
    districts, orgs = report_policy.scopes(request.user)
    form = DraftForm(request.POST or None, districts=districts, organizations=orgs)
    if request.method == "POST" and form.is_valid():
        draft = services.draft_create(user=request.user, district=form.cleaned_data["district"],
                                      organization=form.cleaned_data["organization"],
                                      period=form.cleaned_data["period"])
        return redirect("reports:draft", pk=draft.pk)
    drafts = report_policy.visible(request.user).select_related("district", "organization")[:50]
    return render(request, "reports/pages/index.html", {"form": form, "drafts": drafts,
                                                        "can_start": bool(districts or orgs)
                                                        and request.user.role != "auditor"})


@require_http_methods(["GET", "POST"])
@staff_required
def draft_detail(request, pk: int):
    draft = _draft(request, pk)
    can_edit = report_policy.can_edit(request.user, draft)
    form = NarrativeForm(request.POST or None, initial=draft.narrative)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("您无权修改该工作汇报。"))
        if form.is_valid():
            services.draft_update_narrative(user=request.user, draft=draft, narrative=form.cleaned_data)
            return redirect("reports:draft", pk=pk)
    blocks = compose(draft) if draft.status == draft.Status.READY else []
    return render(request, "reports/pages/draft.html", {"draft": draft, "form": form, "can_edit": can_edit,
                                                        "blocks": blocks})


@require_GET
@staff_required
def draft_progress(request, pk: int):
    draft = _draft(request, pk)
    response = render(request, "reports/partials/progress.html", {"draft": draft})
    if draft.status in (draft.Status.READY, draft.Status.FAILED) and getattr(request, "htmx", False):
        response["HX-Refresh"] = "true"
    return response


@require_GET
@staff_required
def draft_docx(request, pk: int):
    draft = _draft(request, pk)
    return _download(build_docx(draft), DOCX_TYPE, f"{draft.title}.docx")


@require_GET
@staff_required
def draft_pdf(request, pk: int):
    draft = _draft(request, pk)
    return _download(build_pdf(draft), "application/pdf", f"{draft.title}.pdf")


# --- list exports ----------------------------------------------------------------------------------
def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


@require_GET
@staff_required
def export_list(request, name: str):
    """Any staff list as .xlsx: the rows the list page shows (all its pages), with Chinese headers."""
    spec, rows, columns = exports.build(request, name)
    return xlsx.export(rows, columns, filename=f"{spec.label}-{_stamp()}", sheet_title=spec.label)


# --- roster import -----------------------------------------------------------------------------------
def _import_district(request) -> Region | None:
    region = request.user.region
    if region is None:
        return None
    return region if region.level == Region.Level.DISTRICT else region.district


@require_http_methods(["GET", "POST"])
@staff_required
def roster_import_view(request):
    form = ImportForm(request.POST or None, request.FILES or None,
                      initial={"kind": request.GET.get("kind")} if request.GET.get("kind") in ROSTERS else None)
    if request.method == "POST" and form.is_valid():
        district = _import_district(request)
        if district is None:
            raise PermissionDenied(_("您的账户没有所属区，无法导入名册。"))
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ApplicationError(_("文件超过 20 MB，请拆分后分批导入。"), code="too_large")
        run = import_run_start(user=request.user, district=district, kind=form.cleaned_data["kind"],
                               filename=upload.name, data=upload.read())
        return redirect("reports:import_run", pk=run.pk)
    runs = ImportRun.objects.filter(user=request.user).defer("data")[:20]
    return render(request, "reports/pages/import.html", {"form": form, "rosters": ROSTERS, "runs": runs})


def _run(request, pk: int) -> ImportRun:
    run = ImportRun.objects.filter(pk=pk, user=request.user).defer("data").first()
    if run is None:
        raise NotFound(_("导入记录不存在，或您无权查看。"))
    return run


@require_GET
@staff_required
def import_run_detail(request, pk: int):
    run = _run(request, pk)
    status = 400 if run.status == ImportRun.Status.REJECTED else 200
    return render(request, "reports/pages/import_run.html", {"run": run, "progress": run_progress(run)},
                  status=status)


@require_GET
@staff_required
def import_run_progress(request, pk: int):
    run = _run(request, pk)
    response = render(request, "reports/partials/import_progress.html", {"run": run, "progress": run_progress(run)})
    if run.status in (ImportRun.Status.DONE, ImportRun.Status.REJECTED) and getattr(request, "htmx", False):
        response["HX-Refresh"] = "true"
    return response


@require_GET
@staff_required
def roster_template(request, kind: str):
    if kind not in ROSTERS:
        raise NotFound(_("未知的名册类型。"))
    district = _import_district(request)
    if district is None:
        raise PermissionDenied(_("您的账户没有所属区，无法导入名册。"))
    may_import(request.user, district=district, kind=kind)
    return _download(template_workbook(kind), xlsx.XLSX_TYPE, f"{ROSTERS[kind].label}模板.xlsx")
