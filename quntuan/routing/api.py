"""Routing API: suggestions for a free text and likely duplicates among open and recent cases.
Thin: validation here, the work in ``services.py``; odd text gets an empty answer, never a 500."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from quntuan.api.auth import AUTH, AUTH_OPTIONAL, request_user
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
    community_id: int | None = None
    days: int = Field(60, ge=1, le=365)


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
    from quntuan.cases.policies import case_policy

    user = request_user(request)
    since = timezone.now() - timedelta(days=payload.days)
    qs = case_policy.visible(user).filter(created_at__gte=since)
    if payload.community_id:
        qs = qs.filter(community_id=payload.community_id)
    rows = list(qs.order_by("-created_at").values("id", "tracking_no", "title", "content", "category__code")[:500])
    found = services.routing_duplicates(
        text=payload.text,
        candidates=[{"id": r["id"], "text": f"{r['title']}。{r['content']}", "category": r["category__code"]} for r in rows],
    )
    by_id = {r["id"]: r for r in rows}
    return [{"id": f["id"], "tracking_no": by_id[f["id"]]["tracking_no"], "title": by_id[f["id"]]["title"],
             "score": f["score"], "shared": f["shared"]} for f in found]


# --- overlap matrix (quntuan/routing/overlap_api.py) ---------------------------------------------
from quntuan.routing.overlap_api import router as overlap_router  # noqa: E402

router.add_router("/overlap", overlap_router)
