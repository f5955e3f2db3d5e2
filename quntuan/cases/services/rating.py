"""The requester's rating, the follow-up call (回访) and reopening (重办)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quntuan.cases.locks import lock_case, lock_followup
from quntuan.cases.models import Case, CaseEvent, CaseStatus, EscalationLevel, FollowUp, Rating
from quntuan.cases.policies import case_policy
from quntuan.cases.services._common import (
    actor_org_for,
    case_deadline_fields,
    clean_text,
    notify_requester,
    notify_staff,
    record_event,
    rules_for,
)
from quntuan.core.exceptions import ApplicationError, Conflict, PermissionDenied


def _reopen(case: Case, *, actor, reason: str) -> None:
    """重办: back to the handling organization with a fresh clock."""
    today = timezone.localdate()
    rules = rules_for(case.district_id)
    fields = case_deadline_fields(rules=rules, time_limit_class=case.time_limit_class, start=today)
    for name, value in fields.items():
        setattr(case, name, value)
    previous = case.result
    case.status = CaseStatus.IN_PROGRESS
    case.reopen_count += 1
    case.closed_at = None
    case.result = ""
    case.escalation_level = EscalationLevel.NONE
    case.save(update_fields=[*fields, "status", "reopen_count", "closed_at", "result", "escalation_level",
                             "updated_at"])
    event = record_event(case, CaseEvent.Kind.REOPENED, actor=actor, organization=case.handling_org, note=reason,
                         data={"round": case.reopen_count, "previous_result": previous,
                               "due_date": case.due_date.isoformat()})
    notify_requester(case, event, title=_("您的诉求已重新办理:%(no)s") % {"no": case.tracking_no},
                     body=_("您对办理结果不满意,诉求“%(t)s”已重新交由%(org)s办理,新的办结日期为 %(d)s。")
                     % {"t": case.title, "org": case.handling_org.name, "d": case.due_date.isoformat()})
    notify_staff(case, [case.handler, case.first_inquirer], event,
                 title=_("诉求重办:%(no)s") % {"no": case.tracking_no}, body=reason[:200])


def _should_reopen(case: Case, level: str) -> bool:
    return level == Rating.Level.DISSATISFIED and case.reopen_count < rules_for(case.district_id).max_reopen


def _create_rating(case: Case, **fields) -> Rating:
    try:
        with transaction.atomic():
            return Rating.objects.create(case=case, round=case.reopen_count, **fields)
    except IntegrityError:
        raise Conflict(_("本轮办理结果已评价,不能重复评价。")) from None


def _rated_event(case: Case, rating: Rating, *, actor, data: dict | None = None) -> None:
    """The RATED event names the organization handling the case when it was rated: 三率 counts the
    rating for that organization."""
    record_event(case, CaseEvent.Kind.RATED, actor=actor, organization=case.handling_org, note=rating.comment,
                 at=rating.rated_at,
                 data={"round": rating.round, "solved": rating.solved, "level": rating.level, **(data or {})})


@transaction.atomic
def case_rate(*, case, actor, solved, level, comment="") -> Rating:
    case = lock_case(case)
    if case.requester_id is None or actor is None or case.requester_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("只有诉求人本人可以评价。"))
    if case.status != CaseStatus.CLOSED:
        raise Conflict(_("诉求办结后才能评价。"))
    if not case_policy.can_rate(actor, case):
        raise PermissionDenied(_("只有诉求人本人可以评价。"))
    if level not in Rating.Level.values:
        raise ApplicationError(_("请选择满意、基本满意或不满意。"), code="invalid")
    if not isinstance(solved, bool):
        raise ApplicationError(_("请确认问题是否已解决。"), code="invalid")
    comment = clean_text(comment, _("评价内容"), required=False)
    if Rating.objects.filter(case=case, round=case.reopen_count).exists():
        raise Conflict(_("本轮办理结果已评价,不能重复评价。"))
    rating = _create_rating(case, solved=solved, level=level, comment=comment, rated_by=actor)
    _rated_event(case, rating, actor=actor)
    # An open follow-up for this round is answered by the rating itself.
    FollowUp.objects.filter(case=case, round=rating.round, status=FollowUp.Status.OPEN).update(
        status=FollowUp.Status.DONE, outcome=level, solved=solved, note=_("诉求人已在线评价。"),
        done_at=timezone.now(),
    )
    if _should_reopen(case, level):
        _reopen(case, actor=actor, reason=comment or _("诉求人对办理结果不满意。"))
    return rating


@transaction.atomic
def followup_record(*, followup, actor, outcome, solved, note="") -> FollowUp:
    followup = lock_followup(followup)
    case = lock_case(followup.case_id)
    if not case_policy.can_followup(actor, case):
        raise PermissionDenied(_("只有承办单位或首问单位的工作人员可以记录回访。"))
    if followup.status != FollowUp.Status.OPEN:
        raise Conflict(_("该回访已记录。"))
    if outcome not in FollowUp.Outcome.values:
        raise ApplicationError(_("请选择回访结果。"), code="invalid")
    reachable = outcome != FollowUp.Outcome.UNREACHABLE
    if reachable and not isinstance(solved, bool):
        raise ApplicationError(_("请确认问题是否已解决。"), code="invalid")
    note = clean_text(note, _("回访记录"), required=False)
    now = timezone.now()
    followup.status = FollowUp.Status.DONE
    followup.outcome = outcome
    followup.solved = solved if reachable else None
    followup.note = note
    followup.done_by = actor
    followup.done_at = now
    followup.save(update_fields=["status", "outcome", "solved", "note", "done_by", "done_at"])
    record_event(case, CaseEvent.Kind.FOLLOWUP_DONE, actor=actor, organization=actor_org_for(actor, case),
                 note=note, at=now, data={"round": followup.round, "outcome": outcome, "solved": followup.solved})
    # What the requester said on the phone counts as their rating of this round.
    if (reachable and case.status == CaseStatus.CLOSED and followup.round == case.reopen_count
            and not Rating.objects.filter(case=case, round=followup.round).exists()):
        rating = _create_rating(case, solved=solved, level=outcome, comment=note, rated_by=actor)
        _rated_event(case, rating, actor=actor, data={"source": "followup"})
        if _should_reopen(case, outcome):
            _reopen(case, actor=actor, reason=note or _("回访时诉求人表示不满意。"))
    return followup
