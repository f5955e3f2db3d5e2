"""The case page (one URL, a resident's or a staff member's view), its actions and the receipt."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from quntuan.accounts.services import user_org_ids
from quntuan.cases import forms as f
from quntuan.cases import services
from quntuan.cases.models import Case, CaseStatus, CoHandling, ExtensionRequest, FollowUp
from quntuan.cases.policies import case_policy
from quntuan.cases.queries import case_timeline, merged_into_case
from quntuan.cases.views.common import (
    FLAG_LABELS,
    SESSION_RECEIPTS,
    confirm_informed_needed,
    decorate_rows,
    local_today,
    visible_case,
)
from quntuan.core.exceptions import ApplicationError
from quntuan.core.exceptions import PermissionDenied as AppPermissionDenied
from quntuan.core.text import mask_mobile, mask_name

GOVERNMENT_CATEGORY = "other.government"
WORKING = (CaseStatus.PENDING, CaseStatus.IN_PROGRESS)


@dataclass
class Action:
    form: type
    run: Callable
    done: str
    staff: bool = True
    form_kwargs: Callable = field(default=lambda case: {})


def _org_kwargs(case):
    return {"organizations": f.organization_choices_for_case(case)}


def _transfer_kwargs(case):
    organizations = f.organization_choices_for_case(case)
    return {"organizations": organizations, "categories": f.transfer_categories_for(organizations)}


def _cohandling(case, data):
    cohandling = case.cohandlings.filter(pk=data["cohandling"]).first()
    if cohandling is None:
        raise ApplicationError(_("协办记录不存在。"), status=404)
    return cohandling


def _followup(case, data):
    followup = case.followups.filter(pk=data["followup"]).first()
    if followup is None:
        raise ApplicationError(_("回访记录不存在。"), status=404)
    return followup


def _merge(user, case, other_no):
    """The later of the two reports is merged into the earlier one."""
    other = case_policy.visible(user).filter(tracking_no=other_no).first()
    if other is None:
        raise ApplicationError(_("要合并的诉求不存在,或您无权查看。"), status=404)
    if (case.received_at, case.pk) > (other.received_at, other.pk):
        return services.case_merge(actor=user, duplicate=case, into=other)
    return services.case_merge(actor=user, duplicate=other, into=case)


ACTIONS: dict[str, Action] = {
    "contact": Action(f.ContactForm, lambda r, c, d: services.case_contact(case=c, actor=r.user, note=d["note"]),
                      gettext_lazy("已签收,并记录了与诉求人的联系。")),
    "transfer": Action(f.TransferForm,
                       lambda r, c, d: services.case_transfer(case=c, actor=r.user, to_org=d["to_org"],
                                                              reason=d["reason"], category=d["category"]),
                       gettext_lazy("已转办,等待对方单位接收。"), form_kwargs=_transfer_kwargs),
    "accept": Action(f.EmptyForm, lambda r, c, d: services.case_transfer_accept(case=c, actor=r.user),
                     gettext_lazy("已接收转办,由本单位承办。")),
    "return": Action(f.ReasonForm,
                     lambda r, c, d: services.case_transfer_return(case=c, actor=r.user, reason=d["reason"]),
                     gettext_lazy("已退回,诉求回到首问单位。")),
    "confirm_informed": Action(f.EmptyForm,
                               lambda r, c, d: services.case_confirm_requester_informed(case=c, actor=r.user),
                               gettext_lazy("已确认诉求人已被告知。")),
    "cohandler": Action(f.CohandlerForm,
                        lambda r, c, d: services.case_add_cohandler(case=c, actor=r.user, organization=d["organization"],
                                                                    task=d["task"], days=d["days"]),
                        gettext_lazy("已增加协办单位。"), form_kwargs=_org_kwargs),
    "cohandler_reply": Action(f.CohandlerReplyForm,
                              lambda r, c, d: services.case_cohandler_reply(cohandling=_cohandling(c, d), actor=r.user,
                                                                            reply=d["reply"]),
                              gettext_lazy("协办答复已提交。")),
    "request_material": Action(f.MaterialRequestForm,
                               lambda r, c, d: services.case_request_material(case=c, actor=r.user,
                                                                              materials=d["materials"]),
                               gettext_lazy("已一次性告知需补充的材料,办理时限暂停计算。")),
    "request_extension": Action(f.ExtensionRequestForm,
                                lambda r, c, d: services.case_request_extension(case=c, actor=r.user, days=d["days"],
                                                                                reason=d["reason"]),
                                gettext_lazy("延期申请已提交,等待单位负责人审批。")),
    "decide_extension": Action(f.ExtensionDecideForm,
                               lambda r, c, d: services.case_decide_extension(case=c, actor=r.user,
                                                                              approve=d["approve"], note=d["note"]),
                               gettext_lazy("延期申请已审批。")),
    "transfer_out": Action(f.TransferOutForm,
                           lambda r, c, d: services.case_transfer_out(case=c, actor=r.user,
                                                                      department=d["department"], note=d["note"]),
                           gettext_lazy("已转政府部门办理,并告知诉求人。")),
    "note": Action(f.NoteForm, lambda r, c, d: services.case_add_note(case=c, actor=r.user, note=d["note"]),
                   gettext_lazy("内部备注已保存。")),
    "close": Action(f.CloseForm,
                    lambda r, c, d: services.case_reply_and_close(case=c, actor=r.user, result=d["result"]),
                    gettext_lazy("已答复并办结。")),
    "followup": Action(f.FollowupForm,
                       lambda r, c, d: services.followup_record(followup=_followup(c, d), actor=r.user,
                                                                outcome=d["outcome"], solved=d["solved"],
                                                                note=d["note"]),
                       gettext_lazy("回访记录已保存。")),
    "merge": Action(f.MergeForm, lambda r, c, d: _merge(r.user, c, d["other"]),
                    gettext_lazy("已合并:重复反映已并入原诉求,两位诉求人都已收到通知。")),
    # The requester's own actions.
    "supply": Action(f.SupplyMaterialForm,
                     lambda r, c, d: services.case_supply_material(case=c, actor=r.user, note=d["note"],
                                                                   attachments=d["attachments"]),
                     gettext_lazy("补充材料已提交,办理时限重新起算。"), staff=False),
    "rate": Action(f.RateForm,
                   lambda r, c, d: services.case_rate(case=c, actor=r.user, solved=d["solved"], level=d["level"],
                                                      comment=d["comment"]),
                   gettext_lazy("感谢您的评价。"), staff=False),
}


# ---- Context -------------------------------------------------------------------------------

def _staff_context(request, case, bound=None, error=None, done=None):
    user = request.user
    p = case_policy
    is_open = case.is_open
    can_handle = p.can_handle(user, case)
    extension = ExtensionRequest.objects.filter(case=case).first()
    my_orgs = user_org_ids(user)
    cohandlings = list(case.cohandlings.select_related("organization", "replied_by").order_by("id"))
    my_cohandlings = [ch for ch in cohandlings if ch.status == CoHandling.Status.OPEN and ch.organization_id in my_orgs]
    open_followups = list(case.followups.filter(status=FollowUp.Status.OPEN).order_by("round"))
    show = {
        "contact": can_handle and case.contacted_at is None and case.status in WORKING,
        "transfer": p.can_transfer(user, case) and case.status in WORKING,
        "accept": case.status == CaseStatus.TRANSFERRING and p.can_accept_transfer(user, case),
        "return": case.status == CaseStatus.TRANSFERRING and p.can_accept_transfer(user, case),
        # Needed once the case left the first inquirer's organization (transfer, transfer out).
        "confirm_informed": confirm_informed_needed(user, case),
        "cohandler": can_handle and case.status in WORKING,
        "cohandler_reply": bool(my_cohandlings) and is_open,
        "request_material": can_handle and case.status in WORKING,
        # One extension, asked before the deadline.
        "request_extension": can_handle and is_open and not case.extended and extension is None
        and local_today() <= case.due_date,
        "decide_extension": extension is not None and extension.status == ExtensionRequest.Status.PENDING
        and p.can_decide_extension(user, case),
        "transfer_out": can_handle and case.status in WORKING
        and (case.category_id is None or case.category.code == GOVERNMENT_CATEGORY),
        "note": True,
        "close": can_handle and case.status in WORKING,
        "followup": bool(open_followups) and (can_handle or case.first_inquirer_id == user.pk),
    }
    forms = {}
    for name, allowed in show.items():
        if allowed:
            spec = ACTIONS[name]
            forms[name] = spec.form(**spec.form_kwargs(case))
    if bound is not None:
        forms[bound[0]] = bound[1]
    decorate_rows([case])
    return {
        "case": case,
        "staff_view": True,
        "merged_cases": merged_into_case(case),
        "show_duplicates": p.can_see_duplicates(user, case),
        "forms": forms,
        "error": error,
        "done": done,
        "masked_name": mask_name(case.requester_name),
        "masked_mobile": mask_mobile(case.requester_mobile),
        "can_reveal": p.can_see_full_mobile(user, case),
        "timeline": case_timeline(case=case, user=user),
        "cohandlings": cohandlings,
        "my_cohandlings": my_cohandlings,
        "open_followups": open_followups,
        "extension": extension,
        "attachments": list(case.attachments.order_by("id")),
        "ratings": list(case.ratings.order_by("round")),
        "flag_labels": FLAG_LABELS,
    }


def _resident_context(request, case, bound=None, error=None, done=None):
    user = request.user
    forms = {}
    if case.status == CaseStatus.AWAITING_MATERIAL and case.requester_id == user.pk:
        forms["supply"] = f.SupplyMaterialForm()
    if case_policy.can_rate(user, case) and not case.ratings.filter(round=case.reopen_count).exists():
        forms["rate"] = f.RateForm()
    if bound is not None:
        forms[bound[0]] = bound[1]
    return {
        "case": case,
        "staff_view": False,
        "original": _original_progress(case),
        "forms": forms,
        "error": error,
        "done": done,
        "timeline": case_timeline(case=case, user=user),
        "attachments": list(case.attachments.order_by("id")),
        "ratings": list(case.ratings.order_by("round")),
    }


def _original_progress(case):
    """For the requester of a merged case: the original's state and public steps (what was done
    and by which organization, not the notes, which speak of the other requester)."""
    if case.merged_into_id is None:
        return None
    original = Case.objects.select_related("handling_org").get(pk=case.merged_into_id)
    events = [{"at": e.at, "label": e.get_kind_display(), "org": e.organization.name if e.organization else ""}
              for e in original.events.filter(internal=False).select_related("organization").order_by("at", "id")]
    return {"case": original, "events": events}


def _error(request, name, message):
    item = request.POST.get("cohandling") or request.POST.get("followup") or ""
    return {"action": name, "message": message, "item": item}


def _render_detail(request, case, *, bound=None, error=None, done=None, status=200):
    staff = request.user.is_staff_member
    ctx = (_staff_context if staff else _resident_context)(request, case, bound=bound, error=error, done=done)
    if request.htmx:
        template = "cases/partials/detail_staff.html" if staff else "cases/partials/detail_resident.html"
    else:
        template = "cases/pages/detail_staff.html" if staff else "cases/pages/detail_resident.html"
    return render(request, template, ctx, status=status)


# ---- Views ---------------------------------------------------------------------------------

@require_GET
@login_required
def detail(request, tracking_no):
    if tracking_no.isdigit():
        # Notification links name the case by id.
        found = case_policy.visible(request.user).filter(pk=int(tracking_no)).values_list("tracking_no", flat=True)
        if not found:
            raise Http404(_("未找到该诉求,或您无权查看。"))
        return redirect("cases:detail", tracking_no=found[0])
    case = visible_case(request.user, tracking_no)
    return _render_detail(request, case)


@require_POST
@login_required
def action(request, tracking_no, name):
    spec = ACTIONS.get(name)
    if spec is None:
        raise Http404(_("没有这项操作。"))
    case = visible_case(request.user, tracking_no)
    if spec.staff != request.user.is_staff_member:
        return _render_detail(request, case, error=_error(request, name, _("您无权执行此操作。")), status=403)
    form = spec.form(request.POST, request.FILES, **spec.form_kwargs(case))
    if not form.is_valid():
        return _render_detail(request, case, bound=(name, form), error=_error(request, name, _("请检查填写的内容。")), status=400)
    try:
        spec.run(request, case, form.cleaned_data)
    except ApplicationError as exc:
        case = visible_case(request.user, tracking_no)
        return _render_detail(request, case, bound=(name, form), error=_error(request, name, exc.message), status=exc.status_code)
    done = str(spec.done)
    try:
        case = visible_case(request.user, tracking_no)
    except Http404:
        # The action took the case out of this user's sight (e.g. handed to another organization).
        messages.success(request, done)
        target = reverse("cases:workbench")
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)
    if request.htmx:
        return _render_detail(request, case, done=done)
    messages.success(request, done)
    next_url = request.POST.get("next", "")
    if next_url.startswith(reverse("cases:workbench")) and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("cases:detail", tracking_no=case.tracking_no)


@require_POST
@login_required
def reveal(request, tracking_no):
    """Show the requester's full personal data; every look is written to the audit log."""
    case = visible_case(request.user, tracking_no)
    status = 200
    reveal_error = None
    personal = None
    try:
        if not request.user.is_staff_member:
            raise AppPermissionDenied(_("您无权查看诉求人的完整信息。"))
        personal = services.case_personal_data_view(case=case, actor=request.user, request=request)
    except ApplicationError as exc:
        reveal_error, status = exc.message, exc.status_code
    ctx = {
        "case": case,
        "revealed": personal is not None,
        "personal": personal,
        "reveal_error": reveal_error,
        "masked_name": mask_name(case.requester_name),
        "masked_mobile": mask_mobile(case.requester_mobile),
        "can_reveal": reveal_error is None,
    }
    if request.htmx:
        return render(request, "cases/partials/requester.html", ctx, status=status)
    if reveal_error:
        messages.error(request, reveal_error)
        return redirect("cases:detail", tracking_no=case.tracking_no)
    return render(request, "cases/pages/requester.html", ctx, status=status)


def _receipt_case(request, tracking_no):
    """The requester, staff who may see the case, or the browser that submitted it."""
    if request.user.is_authenticated:
        try:
            return visible_case(request.user, tracking_no)
        except Http404:
            pass
    if tracking_no in request.session.get(SESSION_RECEIPTS, []):
        case = Case.objects.filter(tracking_no=tracking_no).select_related("first_inquirer", "first_inquirer_org").first()
        if case is not None:
            return case
    raise Http404(_("未找到该回执,或您无权查看。"))


@require_GET
def receipt(request, tracking_no):
    case = _receipt_case(request, tracking_no)
    data = services.case_receipt(case)
    return render(request, "cases/pages/receipt.html", {"case": case, "receipt": data})


@require_GET
@login_required
def attachment(request, tracking_no, pk):
    """An attachment, only to those who may see its case, or the case it was merged into (files
    are not served publicly)."""
    try:
        case = visible_case(request.user, tracking_no)
    except Http404:
        case = Case.objects.filter(tracking_no=tracking_no, merged_into__isnull=False).select_related("merged_into").first()
        if case is None or not request.user.is_staff_member or not case_policy.can_view(request.user, case.merged_into):
            raise
    item = case.attachments.filter(pk=pk).first()
    if item is None:
        raise Http404(_("附件不存在。"))
    try:
        handle = item.file.open("rb")
    except OSError:
        raise Http404(_("附件文件已丢失。")) from None
    return FileResponse(handle, content_type=item.content_type, filename=item.original_name)
