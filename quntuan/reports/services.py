"""Work report: start a draft, generate its figures (locked), edit its narrative parts."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quntuan.core.exceptions import ApplicationError, NotFound, PermissionDenied
from quntuan.organizations.models import Organization, Region
from quntuan.reports.figures import Period, Scope, compute_figures
from quntuan.reports.models import NARRATIVE_KEYS, PROBLEMS, ReportDraft
from quntuan.reports.policies import report_policy

NARRATIVE_MAX = 5000


def draft_title(scope: Scope, period: Period) -> str:
    return f"{scope.label}{period.label}群团改革工作汇报"


@transaction.atomic
def draft_create(*, user, district: Region, organization: Organization | None, period: Period) -> ReportDraft:
    """A new draft, queued for generation (the task runs after commit)."""
    if organization is not None and organization.district_id != district.pk:
        raise ApplicationError(_("该组织不属于所选区。"), code="invalid")
    if not report_policy.can_generate(user, district=district, organization=organization):
        raise PermissionDenied(_("您无权生成该范围的工作汇报：组织只能汇报本组织，全区汇报需由区督查人员生成。"))
    scope = Scope(district=district, organization=organization)
    draft = ReportDraft.objects.create(
        district=district, organization=organization, period_kind=period.kind, year=period.year,
        number=period.number, title=draft_title(scope, period), created_by=user, updated_by=user,
        narrative={key: "" for key in NARRATIVE_KEYS},
    )
    from quntuan.reports.background import start_task
    from quntuan.reports.tasks import generate_report_draft

    transaction.on_commit(lambda: start_task(generate_report_draft, draft.pk))
    return draft


def draft_period(draft: ReportDraft) -> Period:
    return Period(kind=draft.period_kind, year=draft.year, number=draft.number)


def draft_scope(draft: ReportDraft) -> Scope:
    return Scope(district=draft.district, organization=draft.organization)


def draft_generate(*, draft_id: int) -> ReportDraft:
    """Compute the figures and lock them into the draft. Safe to run twice: it recomputes."""
    draft = ReportDraft.objects.select_related("district", "organization").filter(pk=draft_id).first()
    if draft is None:
        raise NotFound(_("工作汇报不存在。"))
    ReportDraft.objects.filter(pk=draft.pk).update(status=ReportDraft.Status.GENERATING, progress=0)

    def progress(pct: int) -> None:
        ReportDraft.objects.filter(pk=draft.pk).update(progress=min(pct, 99))

    try:
        figures = compute_figures(draft_scope(draft), draft_period(draft), progress)
    except Exception:
        ReportDraft.objects.filter(pk=draft.pk).update(status=ReportDraft.Status.FAILED,
                                                       error=_("统计数据时出错，请稍后重试。"))
        raise
    narrative = dict(draft.narrative or {})
    if not narrative.get(PROBLEMS[0], "").strip():  # a default draft staff can edit
        from quntuan.reports.problems import default_problems

        narrative[PROBLEMS[0]] = default_problems(draft_scope(draft), draft_period(draft))
    ReportDraft.objects.filter(pk=draft.pk).update(
        narrative=narrative, figures=figures, status=ReportDraft.Status.READY, progress=100, generated_at=timezone.now(), error="")
    draft.refresh_from_db()
    return draft


@transaction.atomic
def draft_update_narrative(*, user, draft: ReportDraft, narrative: dict[str, str]) -> ReportDraft:
    """Replace the narrative parts named in ``narrative``; the figures are never touched."""
    draft = ReportDraft.objects.select_for_update().get(pk=draft.pk)
    if not report_policy.can_edit(user, draft):
        raise PermissionDenied(_("您无权修改该工作汇报。"))
    unknown = set(narrative) - set(NARRATIVE_KEYS)
    if unknown:
        raise ApplicationError(_("生成的数据已锁定，只能修改叙述部分。"), code="locked")
    for key, text in narrative.items():
        text = (text or "").strip()
        if len(text) > NARRATIVE_MAX:
            raise ApplicationError(_("每部分叙述不超过 %(n)d 字。") % {"n": NARRATIVE_MAX}, code="invalid")
        draft.narrative[key] = text
    draft.updated_by = user
    draft.save(update_fields=["narrative", "updated_by", "updated_at"])
    return draft
