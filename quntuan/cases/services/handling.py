"""Handling a case: first contact, transfer and its answer, co-handling, material, transfer out,
notes, reply and close."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quntuan.cases.locks import lock_case, lock_cohandling
from quntuan.cases.models import Case, CaseEvent, CaseStatus, CoHandling
from quntuan.cases.policies import case_policy
from quntuan.cases.services._common import (
    actor_org_for,
    case_deadline_fields,
    check_same_district_org,
    clean_days,
    clean_text,
    notify_requester,
    notify_staff,
    org_users,
    record_event,
    rules_for,
    work_calendar,
)
from quntuan.catalog.models import Category
from quntuan.core.exceptions import ApplicationError, Conflict, PermissionDenied
from quntuan.routing.models import RoutingLabel
from quntuan.routing.services import routing_label_record


def _not_open() -> Conflict:
    return Conflict(_("该诉求已办结或已转出,不能再办理。"))


def _require_handler(actor, case: Case, message: str | None = None) -> None:
    if not case.is_open:
        raise _not_open()
    if not case_policy.can_handle(actor, case):
        raise PermissionDenied(message or _("只有承办单位的工作人员可以办理该诉求。"))


def _mark_contacted(case: Case, actor, now) -> bool:
    """The first handling step counts as first contact (响应). Returns True the first time."""
    if case.contacted_at is not None:
        return False
    case.contacted_at = now
    return True


# --- first contact -----------------------------------------------------------------------------------
@transaction.atomic
def case_contact(*, case, actor, note="") -> Case:
    """签收: the handling organization's staff member takes the case and contacts the requester."""
    case = lock_case(case)
    _require_handler(actor, case)
    note = clean_text(note, _("联系说明"), required=False)
    if case.status not in (CaseStatus.PENDING, CaseStatus.IN_PROGRESS):
        raise Conflict(_("该诉求当前状态为“%(s)s”,不能签收。") % {"s": case.get_status_display()})
    if case.handler_id is not None:
        if case.handler_id == actor.pk:
            raise Conflict(_("您已签收该诉求。"))
        raise Conflict(_("该诉求已由 %(name)s 签收。") % {"name": case.handler.name or case.handler.login_name})
    now = timezone.now()
    first = _mark_contacted(case, actor, now)
    case.handler = actor
    case.status = CaseStatus.IN_PROGRESS
    case.save(update_fields=["handler", "status", "contacted_at", "updated_at"])
    record_event(case, CaseEvent.Kind.CONTACTED if first else CaseEvent.Kind.ACCEPTED, actor=actor,
                 organization=case.handling_org, note=note, at=now)
    return case


# --- transfer ---------------------------------------------------------------------------------------------
@transaction.atomic
def case_transfer(*, case, actor, to_org, reason, category=None) -> Case:
    """Ask another organization to take the case. ``category`` (code or Category), when given and
    different, corrects the case's category; the correction is kept as a routing label."""
    case = lock_case(case)
    _require_handler(actor, case, _("只有承办单位的工作人员可以转办该诉求。"))
    if case.status not in (CaseStatus.PENDING, CaseStatus.IN_PROGRESS):
        raise Conflict(_("该诉求当前状态为“%(s)s”,不能转办。") % {"s": case.get_status_display()})
    reason = clean_text(reason, _("转办理由"))
    to_org = check_same_district_org(to_org, case.district_id, label=_("接收单位"))
    if to_org.pk == case.handling_org_id:
        raise ApplicationError(_("不能转办给本单位。"), code="invalid")
    if case.cohandlings.filter(organization=to_org, status=CoHandling.Status.OPEN).exists():
        raise ApplicationError(_("该单位正在协办此诉求,请待其答复后再转办。"), code="invalid")
    corrected = None
    if category not in (None, ""):
        corrected = category if isinstance(category, Category) else Category.objects.filter(code=str(category)).first()
        if corrected is None:
            raise ApplicationError(_("所选服务类别不存在。"), code="unknown_category")
        if corrected.org_code != to_org.code:  # the page offers only these; the API must keep it too
            raise ApplicationError(_("所选服务类别不属于接收单位,请重新选择。"), code="invalid")
    now = timezone.now()
    _mark_contacted(case, actor, now)
    case.status = CaseStatus.TRANSFERRING
    case.transfer_to_org = to_org
    case.transfer_reason = reason
    fields = ["status", "transfer_to_org", "transfer_reason", "contacted_at", "updated_at"]
    if corrected is not None and corrected.pk != case.category_id:
        case.category = corrected
        fields.append("category")
        routing_label_record(actor=actor, case=case, category=corrected, source=RoutingLabel.Source.CORRECTED)
    case.save(update_fields=fields)
    event = record_event(case, CaseEvent.Kind.TRANSFER_REQUESTED, actor=actor, organization=case.handling_org,
                         target_org=to_org, note=reason, at=now)
    receivers = list(org_users(to_org.pk, on_duty_only=True)) or list(org_users(to_org.pk))
    notify_staff(case, receivers, event, title=_("待接收转办诉求:%(no)s") % {"no": case.tracking_no},
                 body=_("%(org)s 转来诉求“%(t)s”,理由:%(r)s") % {"org": case.handling_org.name, "t": case.title,
                                                               "r": reason})
    return case


def _transfer_gone(case: Case) -> Conflict:
    """The message for someone who answers a transfer somebody else already answered."""
    last = (
        case.events.filter(kind__in=[CaseEvent.Kind.TRANSFER_ACCEPTED, CaseEvent.Kind.TRANSFER_RETURNED])
        .select_related("actor").order_by("-at", "-id").first()
    )
    who = ""
    if last is not None and last.actor is not None:
        who = last.actor.name or last.actor.login_name
    if last is not None and last.kind == CaseEvent.Kind.TRANSFER_RETURNED:
        return Conflict(_("该诉求已被%(who)s退回。") % {"who": who or _("其他工作人员")})
    return Conflict(_("该诉求已被%(who)s接收。") % {"who": who or case.handling_org.name})


@transaction.atomic
def case_transfer_accept(*, case, actor) -> Case:
    original = case
    case = lock_case(case)
    if case.status != CaseStatus.TRANSFERRING:
        if original.transfer_to_org_id and case_policy.can_accept_transfer(actor, original):
            raise _transfer_gone(case)
        raise Conflict(_("该诉求不在待接收状态。"))
    if not case_policy.can_accept_transfer(actor, case):
        raise PermissionDenied(_("只有接收单位的工作人员可以接收该转办。"))
    from_org = case.handling_org
    to_org = case.transfer_to_org
    case.handling_org = to_org
    case.handler = None
    case.transfer_to_org = None
    case.status = CaseStatus.IN_PROGRESS
    case.requester_informed_at = None  # the first inquirer must confirm the requester was told
    case.save(update_fields=["handling_org", "handler", "transfer_to_org", "status", "requester_informed_at",
                             "updated_at"])
    event = record_event(case, CaseEvent.Kind.TRANSFER_ACCEPTED, actor=actor, organization=to_org,
                         target_org=from_org, data={"from_org": from_org.pk, "to_org": to_org.pk})
    notify_requester(case, event, title=_("您的诉求已转办:%(no)s") % {"no": case.tracking_no},
                     body=_("您的诉求“%(t)s”已转由%(org)s办理,首问责任人仍为%(fi)s。")
                     % {"t": case.title, "org": to_org.name, "fi": case.first_inquirer_org.name})
    notify_staff(case, [case.first_inquirer], event, title=_("转办已被接收:%(no)s") % {"no": case.tracking_no},
                 body=_("%(org)s 已接收,请确认已告知诉求人。") % {"org": to_org.name})
    return case


@transaction.atomic
def case_transfer_return(*, case, actor, reason) -> Case:
    original = case
    case = lock_case(case)
    if case.status != CaseStatus.TRANSFERRING:
        if original.transfer_to_org_id and case_policy.can_accept_transfer(actor, original):
            raise _transfer_gone(case)
        raise Conflict(_("该诉求不在待接收状态。"))
    if not case_policy.can_accept_transfer(actor, case):
        raise PermissionDenied(_("只有接收单位的工作人员可以退回该转办。"))
    reason = clean_text(reason, _("退回理由"))
    returned_by = case.transfer_to_org
    # Back to the first inquirer, who stays accountable: never into limbo.
    case.handling_org = case.first_inquirer_org
    case.handler = case.first_inquirer
    case.transfer_to_org = None
    case.status = CaseStatus.IN_PROGRESS
    case.save(update_fields=["handling_org", "handler", "transfer_to_org", "status", "updated_at"])
    event = record_event(case, CaseEvent.Kind.TRANSFER_RETURNED, actor=actor, organization=returned_by,
                         target_org=case.first_inquirer_org, note=reason)
    notify_staff(case, [case.first_inquirer], event, title=_("转办被退回:%(no)s") % {"no": case.tracking_no},
                 body=_("%(org)s 退回了诉求“%(t)s”,理由:%(r)s") % {"org": returned_by.name, "t": case.title,
                                                                 "r": reason})
    return case


@transaction.atomic
def case_confirm_requester_informed(*, case, actor) -> Case:
    case = lock_case(case)
    if not case_policy.can_confirm_informed(actor, case):
        raise PermissionDenied(_("只有首问责任人可以确认已告知诉求人。"))
    if case.requester_informed_at is not None:
        return case
    case.requester_informed_at = timezone.now()
    case.save(update_fields=["requester_informed_at", "updated_at"])
    record_event(case, CaseEvent.Kind.REQUESTER_INFORMED, actor=actor, organization=case.first_inquirer_org,
                 at=case.requester_informed_at)
    return case


# --- co-handling ----------------------------------------------------------------------------------------
@transaction.atomic
def case_add_cohandler(*, case, actor, organization, task, days) -> CoHandling:
    case = lock_case(case)
    _require_handler(actor, case)
    if case.status == CaseStatus.TRANSFERRING:
        raise Conflict(_("诉求转办待接收期间不能增加协办单位。"))
    organization = check_same_district_org(organization, case.district_id, label=_("协办单位"))
    if organization.pk == case.handling_org_id:
        raise ApplicationError(_("承办单位不能作为自己的协办单位。"), code="invalid")
    task = clean_text(task, _("协办事项"))
    days = clean_days(days, _("协办时限"))
    if case.cohandlings.filter(organization=organization).exists():
        raise Conflict(_("%(org)s 已是该诉求的协办单位。") % {"org": organization.name})
    today = timezone.localdate()
    due = work_calendar(today).add_workdays(today, days)
    cohandling = CoHandling.objects.create(case=case, organization=organization, task=task, due_date=due)
    event = record_event(case, CaseEvent.Kind.COHANDLER_ADDED, actor=actor, organization=case.handling_org,
                         target_org=organization, note=task, data={"cohandling": cohandling.pk,
                                                                   "due_date": due.isoformat()})
    notify_staff(case, org_users(organization.pk), event,
                 title=_("协办任务:%(no)s") % {"no": case.tracking_no},
                 body=_("%(org)s 请您协办:%(task)s,%(due)s 前答复。") % {"org": case.handling_org.name, "task": task,
                                                                       "due": due.isoformat()})
    return cohandling


@transaction.atomic
def case_cohandler_reply(*, cohandling, actor, reply) -> CoHandling:
    cohandling = lock_cohandling(cohandling)
    case = lock_case(cohandling.case_id)
    if not case_policy.can_cohandle(actor, cohandling):
        raise PermissionDenied(_("只有协办单位的工作人员可以答复。"))
    if cohandling.status != CoHandling.Status.OPEN:
        raise Conflict(_("该协办事项已答复。"))
    if not case.is_open:
        raise _not_open()
    reply = clean_text(reply, _("协办答复"))
    cohandling.reply = reply
    cohandling.replied_by = actor
    cohandling.replied_at = timezone.now()
    cohandling.status = CoHandling.Status.DONE
    cohandling.save(update_fields=["reply", "replied_by", "replied_at", "status"])
    event = record_event(case, CaseEvent.Kind.COHANDLER_REPLIED, actor=actor, organization=cohandling.organization,
                         note=reply, data={"cohandling": cohandling.pk})
    notify_staff(case, [case.handler] if case.handler_id else org_users(case.handling_org_id), event,
                 title=_("协办已答复:%(no)s") % {"no": case.tracking_no}, body=reply[:200])
    return cohandling


# --- missing material: the clock stops and restarts ------------------------------------------------------
@transaction.atomic
def case_request_material(*, case, actor, materials) -> Case:
    case = lock_case(case)
    _require_handler(actor, case)
    if case.status not in (CaseStatus.PENDING, CaseStatus.IN_PROGRESS):
        raise Conflict(_("该诉求当前状态为“%(s)s”,不能要求补充材料。") % {"s": case.get_status_display()})
    materials = clean_text(materials, _("需补充的材料"))
    now = timezone.now()
    _mark_contacted(case, actor, now)
    case.missing_materials = materials
    case.status = CaseStatus.AWAITING_MATERIAL
    if case.handler_id is None:
        case.handler = actor
    case.save(update_fields=["missing_materials", "status", "contacted_at", "handler", "updated_at"])
    event = record_event(case, CaseEvent.Kind.MATERIAL_REQUESTED, actor=actor, organization=case.handling_org,
                         note=materials, at=now)
    notify_requester(case, event, title=_("请补充材料:%(no)s") % {"no": case.tracking_no},
                     body=_("办理您的诉求“%(t)s”还需要以下材料(一次性告知):%(m)s。补充后重新计算办理时限。")
                     % {"t": case.title, "m": materials})
    return case


@transaction.atomic
def case_supply_material(*, case, actor, note, attachments=()) -> Case:
    from quntuan.cases.services.attachments import attachment_check, attachment_save

    case = lock_case(case)
    if not case_policy.can_supply_material(actor, case):
        if case.status != CaseStatus.AWAITING_MATERIAL:
            raise Conflict(_("该诉求当前不需要补充材料。"))
        raise PermissionDenied(_("只有诉求人或承办单位可以补充材料。"))
    note = clean_text(note, _("补充说明"))
    checked = [attachment_check(f) for f in attachments or ()]
    today = timezone.localdate()
    rules = rules_for(case.district_id)
    fields = case_deadline_fields(rules=rules, time_limit_class=case.time_limit_class, start=today)
    for name, value in fields.items():
        setattr(case, name, value)
    requested = case.missing_materials
    case.missing_materials = ""
    case.status = CaseStatus.IN_PROGRESS
    case.escalation_level = 0
    case.save(update_fields=[*fields, "missing_materials", "status", "escalation_level", "updated_at"])
    for upload, content_type, size in checked:
        attachment_save(case=case, actor=actor, uploaded_file=upload, content_type=content_type, size=size)
    event = record_event(case, CaseEvent.Kind.MATERIAL_SUPPLIED, actor=actor,
                         organization=actor_org_for(actor, case), note=note,
                         data={"requested": requested, "due_date": case.due_date.isoformat()})
    notify_staff(case, [case.handler] if case.handler_id else org_users(case.handling_org_id), event,
                 title=_("诉求人已补充材料:%(no)s") % {"no": case.tracking_no},
                 body=_("办理时限重新起算,新的办结日期为 %(d)s。") % {"d": case.due_date.isoformat()})
    return case


# --- transfer out, notes, reply and close ----------------------------------------------------------------
GOVERNMENT_CATEGORY = "other.government"


@transaction.atomic
def case_transfer_out(*, case, actor, department, note) -> Case:
    """A matter for a government department (other.government): record which, tell the
    requester, and close the case here as TRANSFERRED_OUT."""
    case = lock_case(case)
    _require_handler(actor, case)
    if case.status == CaseStatus.TRANSFERRING:
        raise Conflict(_("诉求转办待接收期间不能转出。"))
    if case.category_id is not None and case.category.code != GOVERNMENT_CATEGORY:
        raise ApplicationError(_("只有属于政府部门职责的诉求才能转出,请先转办给相应的群团组织。"), code="invalid")
    department = clean_text(department, _("政府部门"), max_length=100)
    note = clean_text(note, _("转出说明"))
    now = timezone.now()
    _mark_contacted(case, actor, now)
    if case.category_id is None:
        case.category = Category.objects.filter(code=GOVERNMENT_CATEGORY).first()
    routing_label_record(actor=actor, case=case, category=case.category, source=RoutingLabel.Source.TRANSFER)
    case.transferred_department = department
    case.status = CaseStatus.TRANSFERRED_OUT
    case.closed_at = now
    case.result = note
    case.requester_informed_at = None
    case.save(update_fields=["category", "transferred_department", "status", "closed_at", "result",
                             "contacted_at", "requester_informed_at", "updated_at"])
    event = record_event(case, CaseEvent.Kind.TRANSFERRED_OUT, actor=actor, organization=case.handling_org,
                         note=note, data={"department": department}, at=now)
    notify_requester(case, event, title=_("您的诉求已转交政府部门:%(no)s") % {"no": case.tracking_no},
                     body=_("您的诉求“%(t)s”属于%(d)s的职责,已转交该部门办理。说明:%(n)s")
                     % {"t": case.title, "d": department, "n": note})
    return case


@transaction.atomic
def case_add_note(*, case, actor, note) -> CaseEvent:
    case = lock_case(case)
    if not case_policy.can_add_note(actor, case):
        raise PermissionDenied(_("您无权为该诉求添加内部备注。"))
    note = clean_text(note, _("备注"))
    return record_event(case, CaseEvent.Kind.NOTE, actor=actor, organization=actor_org_for(actor, case), note=note)


@transaction.atomic
def case_reply_and_close(*, case, actor, result) -> Case:
    case = lock_case(case)
    _require_handler(actor, case)
    if case.status not in (CaseStatus.PENDING, CaseStatus.IN_PROGRESS):
        raise Conflict(_("该诉求当前状态为“%(s)s”,不能办结。") % {"s": case.get_status_display()})
    result = clean_text(result, _("办理结果"))
    open_cohandlers = list(
        case.cohandlings.filter(status=CoHandling.Status.OPEN).values_list("organization__name", flat=True)
    )
    if open_cohandlers:
        raise Conflict(_("协办单位尚未答复:%(orgs)s。") % {"orgs": "、".join(open_cohandlers)})
    now = timezone.now()
    if _mark_contacted(case, actor, now):
        record_event(case, CaseEvent.Kind.CONTACTED, actor=actor, organization=case.handling_org, at=now)
    if case.handler_id is None:
        case.handler = actor
    case.result = result
    case.status = CaseStatus.CLOSED
    case.closed_at = now
    case.save(update_fields=["result", "status", "closed_at", "contacted_at", "handler", "updated_at"])
    record_event(case, CaseEvent.Kind.REPLIED, actor=actor, organization=case.handling_org, note=result, at=now)
    event = record_event(case, CaseEvent.Kind.CLOSED, actor=actor, organization=case.handling_org, at=now,
                         data={"round": case.reopen_count, "on_time": timezone.localdate(now) <= case.due_date})
    notify_requester(case, event, title=_("您的诉求已办结:%(no)s") % {"no": case.tracking_no},
                     body=_("办理结果:%(r)s 请您确认是否解决并评价。") % {"r": result})
    return case
