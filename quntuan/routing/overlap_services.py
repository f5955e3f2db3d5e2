"""State changes of the overlap matrix: recording who leads where two organizations overlap."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quntuan.accounts.services import audit_record
from quntuan.core.exceptions import ApplicationError, Conflict, PermissionDenied
from quntuan.organizations.models import Organization, Region
from quntuan.routing.overlap_models import OverlapLead
from quntuan.routing.overlap_policies import overlap_policy

NOTE_MAX = 500
AUDIT_ACTION = "routing.overlap_lead"
AUDIT_OBJECT = "routing.OverlapLead"


def _org(value, district: Region, label: str) -> Organization:
    if not isinstance(value, Organization) or value.district_id != district.pk or not value.is_active:
        raise ApplicationError(_("%(label)s不存在、已停用或不属于本区。") % {"label": label}, code="invalid")
    return value


@transaction.atomic
def overlap_lead_record(*, actor, district: Region, org_a: Organization, org_b: Organization,
                        lead_org: Organization | None, note: str = "", request=None) -> OverlapLead:
    """Record (or change) which of two organizations leads where their services overlap, with a
    note on the division of work; an audit record keeps every change."""
    if not overlap_policy.can_record_lead(actor, district):
        raise PermissionDenied(_("只有本区督查人员或系统管理员可以记录牵头单位。"))
    org_a = _org(org_a, district, _("组织"))
    org_b = _org(org_b, district, _("组织"))
    if org_a.pk == org_b.pk:
        raise ApplicationError(_("请选择两个不同的组织。"), code="invalid")
    if org_a.pk > org_b.pk:
        org_a, org_b = org_b, org_a
    if lead_org is not None and lead_org.pk not in (org_a.pk, org_b.pk):
        raise ApplicationError(_("牵头单位须是这两个组织之一。"), code="invalid")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ApplicationError(_("分工说明不能超过 %(n)s 个字。") % {"n": NOTE_MAX}, code="invalid")
    if lead_org is None and not note:
        raise ApplicationError(_("请选择牵头单位或填写分工说明。"), code="invalid")
    lead = OverlapLead.objects.select_for_update().filter(org_a=org_a, org_b=org_b).first()
    before = {"lead_org": lead.lead_org_id, "note": lead.note} if lead else None
    if lead is None:
        lead = OverlapLead(district=district, org_a=org_a, org_b=org_b)
    lead.lead_org = lead_org
    lead.note = note
    lead.updated_by = actor
    lead.updated_at = timezone.now()
    try:
        with transaction.atomic():
            lead.save()
    except IntegrityError:
        # Somebody recorded this pair at the same moment: theirs stands, this one is refused.
        raise Conflict(_("该组织对的牵头单位刚刚由他人记录,请刷新后再试。")) from None
    audit_record(actor=actor, action=AUDIT_ACTION, object_type=AUDIT_OBJECT, object_id=lead.pk, request=request,
                 detail={"org_a": org_a.pk, "org_b": org_b.pk, "lead_org": lead_org.pk if lead_org else None,
                         "lead_org_name": lead_org.name if lead_org else "", "note": note, "before": before})
    return lead
