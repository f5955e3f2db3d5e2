"""JSON API of the overlap matrix (mounted under /api/routing/overlap by ``routing/api.py``).
Staff only; example cases come from ``case_policy.visible``."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from quntuan.api.auth import AUTH, request_user
from quntuan.core.exceptions import NotFound
from quntuan.organizations.models import Organization
from quntuan.routing import overlap
from quntuan.routing.overlap_policies import overlap_scope
from quntuan.routing.overlap_services import NOTE_MAX, overlap_lead_record

router = Router(tags=["智能分派"], auth=AUTH)


class OverlapOrgRef(Schema):
    id: int
    name: str


class OverlapOrgOut(OverlapOrgRef):
    kind: str = Field(..., description="mass 群团组织、government 政府部门、social 社会组织、unit 驻区单位")


class OverlapCategoryRef(Schema):
    code: str
    name: str


class OverlapServiceRef(Schema):
    id: int
    name: str
    organization: OverlapOrgRef
    category: OverlapCategoryRef


class OverlapServicePairOut(Schema):
    a: OverlapServiceRef
    b: OverlapServiceRef
    score: float = Field(..., description="服务文本的 TF-IDF 余弦相似度")
    terms: list[str] = Field(..., description="权重最大的共同关键词")


class OverlapTransferOut(Schema):
    from_org: OverlapOrgRef
    to_org: OverlapOrgRef
    category: OverlapCategoryRef
    requested: int = Field(..., description="转办件数")
    accepted: int = Field(..., description="其中被接收")
    returned: int = Field(..., description="其中被退回")


class OverlapCoHandlingOut(Schema):
    handling_org: OverlapOrgRef
    cohandling_org: OverlapOrgRef
    category: OverlapCategoryRef
    count: int


class OverlapSharedNeedOut(Schema):
    owner_org: OverlapOrgRef = Field(..., description="类别所属组织")
    handling_org: OverlapOrgRef = Field(..., description="未经转办直接办理的组织")
    category: OverlapCategoryRef
    count: int


class OverlapLeadOut(Schema):
    lead_org: OverlapOrgRef | None
    note: str
    updated_at: datetime
    updated_by: str


class OverlapPairOut(Schema):
    a: OverlapOrgRef
    b: OverlapOrgRef
    weight: int = Field(..., description="重叠服务对 + 转办 + 协办 + 在对方窗口办理的件数")
    service_count: int
    transfer_count: int
    cohandling_count: int
    shared_case_count: int
    categories: list[OverlapCategoryRef]
    services: list[OverlapServicePairOut]
    transfers: list[OverlapTransferOut]
    cohandlings: list[OverlapCoHandlingOut]
    shared_needs: list[OverlapSharedNeedOut]
    lead: OverlapLeadOut | None


class OverlapCellOut(Schema):
    a: int
    b: int
    weight: int
    level: int = Field(..., description="颜色深浅 1–5")


class OverlapMatrixOut(Schema):
    district: OverlapOrgRef
    days: int = Field(..., description="统计的诉求时间范围(天),0 为全部")
    organizations: list[OverlapOrgOut]
    cells: list[OverlapCellOut]
    max_weight: int
    pairs: list[OverlapPairOut]


class OverlapExampleOut(Schema):
    tracking_no: str
    title: str
    excerpt: str
    category: str
    first_inquirer_org: str
    handling_org: str
    received_at: datetime


class OverlapHistoryOut(Schema):
    at: datetime
    actor: str
    lead_org: str
    note: str


class OverlapPairDetailOut(OverlapPairOut):
    examples: list[OverlapExampleOut] = Field(..., description="调用者有权查看的示例诉求")
    history: list[OverlapHistoryOut]


class OverlapLeadIn(Schema):
    district: int | None = None
    org_a: int
    org_b: int
    lead_org: int | None = Field(None, description="牵头单位(须是两者之一);不填为暂不确定")
    note: str = Field("", max_length=NOTE_MAX)


def _matrix(request, district: int | None, days: int | None):
    user = request_user(request)
    district_obj, days, since = overlap_scope(user, district_id=district, days=days)
    return user, district_obj, days, since, overlap.overlap_matrix(district_obj, since=since)


def _orgs(matrix) -> dict:
    return {o.pk: o for o in matrix.organizations}


@router.get("/matrix", response=OverlapMatrixOut, summary="职能交叉矩阵(组织 × 组织)与交叉的组织对")
def overlap_matrix(request, district: int | None = None, org: int | None = None, days: int | None = None):
    """服务目录文本相似的服务对,以及诉求的转办、协办和在对方窗口办理的情况。``org`` 只列出与该组织有关的组织对。"""
    _user, district_obj, days, _since, matrix = _matrix(request, district, days)
    orgs = _orgs(matrix)
    if org is not None and org not in orgs:
        raise NotFound(_("没有这个组织,或它不属于本区。"))
    leads = overlap.leads_by_pair(district_obj)
    pairs = matrix.ranked(org)
    return {
        "district": {"id": district_obj.pk, "name": district_obj.name},
        "days": days,
        "organizations": [{"id": o.pk, "name": o.name, "kind": o.kind} for o in matrix.organizations],
        "cells": [{"a": p.a, "b": p.b, "weight": p.weight, "level": matrix.level(p.weight)} for p in pairs],
        "max_weight": matrix.max_weight,
        "pairs": [overlap.pair_view(p, orgs, matrix.category_names, lead=leads.get(p.key)) for p in pairs],
    }


@router.get("/pair", response=OverlapPairDetailOut, summary="两个组织的交叉详情与示例诉求")
def overlap_pair(request, a: int, b: int, district: int | None = None, days: int | None = None):
    user, district_obj, _days, since, matrix = _matrix(request, district, days)
    orgs = _orgs(matrix)
    if a not in orgs or b not in orgs or a == b:
        raise NotFound(_("没有这两个组织,或它们不属于本区。"))
    pair = matrix.pair(a, b) or overlap.Pair(min(a, b), max(a, b))
    lead = overlap.lead_for(pair)
    examples = overlap.pair_examples(user, district_obj, pair, since=since)
    return {
        **overlap.pair_view(pair, orgs, matrix.category_names, lead=lead),
        "examples": [{"tracking_no": c.tracking_no, "title": c.title, "excerpt": c.content[:80],
                      "category": c.category.name if c.category else "", "first_inquirer_org": c.first_inquirer_org.name,
                      "handling_org": c.handling_org.name, "received_at": c.received_at} for c in examples],
        "history": overlap.lead_history(lead, orgs),
    }


@router.post("/lead", response=OverlapLeadOut, summary="记录两个组织交叉处由谁牵头(区督查人员)")
def overlap_lead(request, payload: OverlapLeadIn):
    user = request_user(request)
    district_obj, _days, _since = overlap_scope(user, district_id=payload.district, days=None)
    ids = [payload.org_a, payload.org_b] + ([payload.lead_org] if payload.lead_org is not None else [])
    orgs = {o.pk: o for o in Organization.objects.filter(district=district_obj, pk__in=ids)}
    if payload.org_a not in orgs or payload.org_b not in orgs:
        raise NotFound(_("没有这两个组织,或它们不属于本区。"))
    if payload.lead_org is not None and payload.lead_org not in orgs:
        raise NotFound(_("没有这个牵头单位,或它不属于本区。"))
    lead = overlap_lead_record(actor=user, district=district_obj, org_a=orgs[payload.org_a],
                               org_b=orgs[payload.org_b], lead_org=orgs.get(payload.lead_org),
                               note=payload.note, request=request)
    return overlap.lead_view(lead, {o.pk: o for o in Organization.objects.filter(pk=lead.lead_org_id)})
