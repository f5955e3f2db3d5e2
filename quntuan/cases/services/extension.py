"""One extension per case, asked before the deadline, decided by a leader of the handling
organization."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quntuan.cases.locks import lock_case, lock_extension
from quntuan.cases.models import CaseEvent, CaseStatus, EscalationLevel, ExtensionRequest
from quntuan.cases.policies import case_policy
from quntuan.cases.services._common import (
    clean_days,
    clean_text,
    notify_requester,
    notify_staff,
    org_users,
    record_event,
    rules_for,
    work_calendar,
)
from quntuan.core.exceptions import Conflict, PermissionDenied

MAX_EXTENSION_DAYS = 30


@transaction.atomic
def case_request_extension(*, case, actor, days, reason) -> ExtensionRequest:
    case = lock_case(case)
    if not case.is_open:
        raise Conflict(_("该诉求已办结或已转出,不能申请延期。"))
    if not case_policy.can_handle(actor, case):
        raise PermissionDenied(_("只有承办单位的工作人员可以申请延期。"))
    if case.status not in (CaseStatus.IN_PROGRESS, CaseStatus.PENDING):
        raise Conflict(_("该诉求当前状态为“%(s)s”,不能申请延期。") % {"s": case.get_status_display()})
    if ExtensionRequest.objects.filter(case=case).exists():
        raise Conflict(_("每件诉求只能申请一次延期。"))
    if timezone.localdate() > case.due_date:
        raise Conflict(_("已超过办结时限(%(d)s),不能再申请延期。") % {"d": case.due_date.isoformat()})
    days = clean_days(days, _("延期天数"), maximum=MAX_EXTENSION_DAYS)
    reason = clean_text(reason, _("延期理由"))
    extension = ExtensionRequest.objects.create(case=case, requested_by=actor, days=days, reason=reason)
    event = record_event(case, CaseEvent.Kind.EXTENSION_REQUESTED, actor=actor, organization=case.handling_org,
                         note=reason, data={"days": days, "extension": extension.pk})
    notify_staff(case, org_users(case.handling_org_id, leaders_only=True), event,
                 title=_("延期申请待审批:%(no)s") % {"no": case.tracking_no},
                 body=_("申请延期 %(n)s 个工作日,理由:%(r)s") % {"n": days, "r": reason})
    return extension


@transaction.atomic
def case_decide_extension(*, case, actor, approve, note="") -> ExtensionRequest:
    case = lock_case(case)
    extension = lock_extension(case)
    if extension is None or extension.status != ExtensionRequest.Status.PENDING:
        raise Conflict(_("该诉求没有待审批的延期申请。"))
    if not case.is_open:
        raise Conflict(_("该诉求已办结或已转出,延期申请无需审批。"))
    if not case_policy.can_decide_extension(actor, case):
        raise PermissionDenied(_("只有承办单位负责人可以审批延期。"))
    note = clean_text(note, _("审批意见"), required=False)
    now = timezone.now()
    extension.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REJECTED
    extension.decided_by = actor
    extension.decided_at = now
    extension.decision_note = note
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if not approve:
        record_event(case, CaseEvent.Kind.EXTENSION_REJECTED, actor=actor, organization=case.handling_org,
                     note=note, at=now)
        return extension
    old_due = case.due_date
    cal = work_calendar(old_due)
    case.due_date = cal.add_workdays(old_due, extension.days)
    case.red_flag_after = cal.add_workdays(case.due_date, max(rules_for(case.district_id).red_flag_days_late, 1))
    case.deadline_provisional = case.deadline_provisional or cal.is_provisional(case.due_date, case.red_flag_after)
    case.extended = True
    case.escalation_level = min(case.escalation_level, EscalationLevel.REMINDED)
    case.save(update_fields=["due_date", "red_flag_after", "deadline_provisional", "extended",
                             "escalation_level", "updated_at"])
    event = record_event(case, CaseEvent.Kind.EXTENSION_APPROVED, actor=actor, organization=case.handling_org,
                         note=note, at=now, data={"days": extension.days, "old_due_date": old_due.isoformat(),
                                                  "due_date": case.due_date.isoformat()})
    notify_requester(case, event, title=_("办理时限已延长:%(no)s") % {"no": case.tracking_no},
                     body=_("您的诉求“%(t)s”经批准延期办理,新的办结日期为 %(d)s。")
                     % {"t": case.title, "d": case.due_date.isoformat()})
    return extension
