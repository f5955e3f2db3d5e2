"""Routing API: suggestions for a free text and likely duplicates among open and recent cases.
Thin: validation here, the work in ``services.py``; odd text gets an empty answer, never a 500."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Router, Schema
from pydantic import Field

from quntuan.api.auth import AUTH, AUTH_OPTIONAL, request_user
from quntuan.core.exceptions import ApplicationError, PermissionDenied
from quntuan.routing import services

router = Router(tags=["智能分派"])
MAX_TEXT = 20000


class SuggestIn(Schema):
    text: str = Field("", max_length=MAX_TEXT)
    channel: str | None = None
    service_id: int | None = None


class SuggestionOut(Schema):
    category: str
    organization: str
    confidence: float
    reason: str


class SuggestOut(Schema):
    suggestions: list[SuggestionOut]


class DuplicatesIn(Schema):
    text: str = Field("", max_length=MAX_TEXT)
    community_id: int | None = Field(None, description="社区编号;与 address 至少填一项")
    address: str = Field("", max_length=200, description="地点:同一地点的诉求;3 个字以上时也找地点中包含它的诉求"
                         "(如“宏达服装厂”找到“新桥社区宏达服装厂”,限本区近期最新的 5000 件)")
    district_id: int | None = Field(None, description="所属区;不填时取社区所属区或本人单位所在区")
    requester_mobile: str = Field("", max_length=20, description="诉求人手机号(可选):同一诉求人近 60 天的诉求也参与比较,"
                                  "不论社区;同一人就同一问题再次反映时记为共同线索“同一诉求人”")


class DuplicateOut(Schema):
    id: int
    tracking_no: str
    title: str
    score: float
    shared: list[str]


@router.post("/suggest", response=SuggestOut, auth=AUTH_OPTIONAL, summary="分派建议(前三个类别)")
def suggest(request, payload: SuggestIn):
    service = None
    if payload.service_id:
        from quntuan.catalog.models import Service

        service = Service.objects.filter(id=payload.service_id).first()
    return {"suggestions": services.routing_suggest(text=payload.text, channel=payload.channel, service=service)}


@router.post("/duplicates", response=list[DuplicateOut], auth=AUTH, summary="可能重复的诉求")
def duplicates(request, payload: DuplicatesIn):
    """同一社区(或同一地点)近 60 天内和仍未办结的诉求中,与这段文字可能反映同一事项的,按相似度排列。
    只在本人有权查看的诉求中查找;按社区与受理时间的索引预筛选,诉求再多也只比较几百件。"""
    from quntuan.cases.policies import user_memberships
    from quntuan.cases.queries import likely_duplicates
    from quntuan.organizations.models import Region

    user = request_user(request)
    district_id = payload.district_id
    if payload.community_id:
        community = Region.objects.filter(pk=payload.community_id, level=Region.Level.COMMUNITY).first()
        if community is None:
            raise ApplicationError(_("所选社区不存在。"), code="invalid")
        district_id = community.district_id
    if district_id is None:
        district_id = user_memberships(user).values_list("organization__district_id", flat=True).first() \
            or getattr(user, "region_id", None)
    if district_id is None or not (payload.community_id or payload.address.strip() or payload.requester_mobile.strip()):
        return []
    rows = likely_duplicates(user=user, text=payload.text, district_id=district_id,
                             community_id=payload.community_id, address=payload.address,
                             requester_mobile=payload.requester_mobile)
    return [{"id": r["id"], "tracking_no": r["tracking_no"], "title": r["title"], "score": r["score"],
             "shared": r["shared"]} for r in rows]


# --- model versions: the district supervisor and the platform administrator see and roll back --


class ModelOut(Schema):
    version: int
    is_active: bool
    created_at: str
    n_examples: int
    metrics: dict
    note: str


def _model_out(row) -> dict:
    return {"version": row.version, "is_active": row.is_active, "created_at": row.created_at.isoformat(),
            "n_examples": row.n_examples, "metrics": row.metrics or {}, "note": row.note}


def _require_model_manager(user) -> None:
    from quntuan.routing.policies import can_manage_models

    if not can_manage_models(user):
        raise PermissionDenied(_("只有区督查人员或平台管理员可以管理分派模型。"))


@router.get("/models", response=list[ModelOut], auth=AUTH, summary="分派模型版本")
def models_list(request):
    """已训练的分派模型版本(新的在前),含留出集得分、训练样本数和是否在用。"""
    from quntuan.routing.models import RoutingModel

    _require_model_manager(request_user(request))
    return [_model_out(r) for r in RoutingModel.objects.defer("payload").order_by("-version")[:50]]


@router.post("/models/{version}/activate", response=ModelOut, auth=AUTH, summary="启用分派模型版本(回滚)")
def models_activate(request, version: int):
    """启用指定版本(回滚即启用较早的版本);操作记入审计日志。"""
    user = request_user(request)
    _require_model_manager(user)
    return _model_out(services.routing_activate(actor=user, version=version))


# --- overlap matrix (quntuan/routing/overlap_api.py; helper "overlap" keeps this block) ---------
from quntuan.routing.overlap_api import router as overlap_router  # noqa: E402

router.add_router("/overlap", overlap_router)
