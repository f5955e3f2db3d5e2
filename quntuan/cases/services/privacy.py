"""Opening a requester's personal data is recorded: an audit record and a case event."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from quntuan.cases.locks import lock_case
from quntuan.cases.models import CaseEvent
from quntuan.cases.policies import case_policy
from quntuan.cases.services._common import actor_org_for, record_event
from quntuan.core.exceptions import PermissionDenied


@transaction.atomic
def case_personal_data_view(*, case, actor, request=None) -> dict:
    """The requester's full name, mobile number and e-mail for staff allowed to see them, with
    the view recorded (who, when, which case)."""
    from quntuan.accounts.services import audit_record

    case = lock_case(case)
    if not case_policy.can_view(actor, case) or not case_policy.can_see_full_mobile(actor, case):
        raise PermissionDenied(_("您无权查看诉求人的个人信息。"))
    audit_record(actor=actor, action="case.personal_data_view", object_type="cases.Case", object_id=str(case.pk),
                 request=request, detail={"tracking_no": case.tracking_no})
    record_event(case, CaseEvent.Kind.PERSONAL_DATA_VIEWED, actor=actor, organization=actor_org_for(actor, case))
    return {
        "requester_name": case.requester_name,
        "requester_mobile": case.requester_mobile,
        "requester_email": case.requester_email,
        "address": case.address,
    }
