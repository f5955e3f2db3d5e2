"""Merging a repeat report into the case it repeats.

The duplicate follows the original: it is marked 已并入 (``CaseStatus.MERGED``, ``merged_into``
set, closed), its requester becomes a follower of the original (``CaseFollower``) and from then on
gets the original's progress and reply notifications, both requesters are told, and both cases
get a MERGED event in the same transaction. Nothing is moved or deleted: the duplicate's events,
attachments and messages stay on it and are reached from the original through
``original.merged_cases``. Merged cases are left out of every count (``queries.py``), so the
matter is counted once.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quntuan.cases.models import OPEN_STATUSES, Case, CaseEvent, CaseFollower, CaseStatus
from quntuan.cases.policies import case_policy
from quntuan.cases.services._common import actor_org_for, build_event, notify_requester
from quntuan.core.exceptions import ApplicationError, Conflict, NotFound, PermissionDenied


def _lock_pair(duplicate_id: int, into_id: int) -> tuple[Case, Case]:
    """Both rows locked in id order (two merges of the same pair in opposite directions cannot
    deadlock), then re-read."""
    rows = {c.pk: c for c in Case.objects.select_for_update().filter(pk__in=[duplicate_id, into_id]).order_by("pk")}
    if duplicate_id not in rows or into_id not in rows:
        raise NotFound(_("诉求不存在。"))
    return rows[duplicate_id], rows[into_id]


def _check(actor, duplicate: Case, into: Case) -> None:
    if duplicate.pk == into.pk:
        raise ApplicationError(_("不能把诉求并入它自己。"), code="merge_self")
    for case in (duplicate, into):
        if not case_policy.can_merge(actor, case):
            raise PermissionDenied(
                _("只有首问责任人或承办单位的工作人员才能合并诉求 %(no)s。") % {"no": case.tracking_no}
            )
    if duplicate.district_id != into.district_id:
        raise ApplicationError(_("不同区的诉求不能合并。"), code="merge_district")
    if into.status == CaseStatus.MERGED or into.merged_into_id is not None:
        raise Conflict(_("%(no)s 已并入其他诉求,请并入原诉求。") % {"no": into.tracking_no})
    if duplicate.status == CaseStatus.MERGED or duplicate.merged_into_id is not None:
        raise Conflict(_("%(no)s 已并入其他诉求。") % {"no": duplicate.tracking_no})
    if duplicate.status not in OPEN_STATUSES:
        raise ApplicationError(_("已办结或已转出的诉求不能再并入其他诉求。"), code="merge_closed")
    if Case.objects.filter(merged_into=duplicate).exists():
        raise ApplicationError(
            _("已有其他诉求并入 %(no)s,不能再把它并入其他诉求(不允许链式合并)。") % {"no": duplicate.tracking_no},
            code="merge_chain",
        )


@transaction.atomic
def case_merge(*, actor, duplicate: Case | int, into: Case | int, note: str = "") -> Case:
    """Merge ``duplicate`` into ``into`` (the original). Returns the duplicate. Calling it again
    for a pair already merged returns the duplicate unchanged (a retried request)."""
    dup_id = duplicate.pk if isinstance(duplicate, Case) else int(duplicate)
    into_id = into.pk if isinstance(into, Case) else int(into)
    dup, orig = _lock_pair(dup_id, into_id)
    if dup.merged_into_id == orig.pk and dup.status == CaseStatus.MERGED:
        return dup  # idempotent retry
    _check(actor, dup, orig)
    note = (note or "").strip()[:500]
    now = timezone.now()

    dup.status = CaseStatus.MERGED
    dup.merged_into = orig
    dup.closed_at = now
    dup.result = _("与 %(no)s 反映的是同一事项,已并入该诉求一并办理。") % {"no": orig.tracking_no}
    dup.save(update_fields=["status", "merged_into", "closed_at", "result", "updated_at"])
    CaseFollower.objects.get_or_create(
        via_case=dup,
        defaults={"case": orig, "user": dup.requester, "name": dup.requester_name,
                  "mobile": dup.requester_mobile, "email": dup.requester_email},
    )
    orig.save(update_fields=["updated_at"])

    data = {"duplicate": dup.tracking_no, "original": orig.tracking_no}
    dup_event = build_event(dup, CaseEvent.Kind.MERGED, actor=actor, organization=actor_org_for(actor, dup),
                            note=_("已并入 %(no)s。") % {"no": orig.tracking_no}
                            + (f" {note}" if note else ""), data={**data, "role": "duplicate"}, at=now)
    orig_event = build_event(orig, CaseEvent.Kind.MERGED, actor=actor, organization=actor_org_for(actor, orig),
                             note=_("%(no)s 反映同一事项,已并入本诉求。") % {"no": dup.tracking_no}
                             + (f" {note}" if note else ""), data={**data, "role": "original"}, at=now)
    dup_event.save(force_insert=True)
    orig_event.save(force_insert=True)

    # The duplicate's requester: where their request went. The original's requester: that
    # another report of the same matter joined theirs (their case goes on as before).
    notify_requester(
        dup, dup_event, title=_("您的诉求 %(no)s 已并入 %(orig)s") % {"no": dup.tracking_no, "orig": orig.tracking_no},
        body=_("您反映的事项与 %(orig)s 为同一事项,已并入一并办理。该诉求的办理进展和答复会同时通知您。")
        % {"orig": orig.tracking_no},
    )
    notify_requester(
        orig, orig_event, title=_("您的诉求 %(no)s 有同一事项的反映并入") % {"no": orig.tracking_no},
        body=_("另一位群众反映的同一事项(%(dup)s)已并入您的诉求一并办理,您的诉求照常办理。") % {"dup": dup.tracking_no},
        followers=False,
    )
    return dup
