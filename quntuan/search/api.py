"""Search endpoint: the same search as the /search/ page, as JSON. Open to visitors (public
results only); with credentials, also what the user may see (their cases, their organization's)."""

from __future__ import annotations

from typing import Literal

from ninja import Field, Query, Router, Schema

from quntuan.api.auth import AUTH_OPTIONAL, request_user
from quntuan.cases.schemas import ErrorOut, ValidationErrorOut
from quntuan.search import queries
from quntuan.search.schemas import SearchOut

router = Router(tags=["搜索"])


class SearchParams(Schema):
    q: str = Field("", title="关键词", max_length=20_000,
                   description="jieba 分词;超过 100 个字时只按前 100 个字搜索(见 notices)。组织名称可用拼音或首字母")
    kind: Literal["service", "activity", "plan", "case"] | None = Field(None, title="搜索范围")
    page: int = Field(1, title="页码", ge=1, le=10_000)
    page_size: int = Field(queries.PAGE_SIZE, title="每页条数", ge=1, le=queries.MAX_PAGE_SIZE)


@router.get("/", response={200: SearchOut, 401: ErrorOut, 422: ValidationErrorOut}, auth=AUTH_OPTIONAL,
            summary="全文搜索:服务事项、活动、计划和有权查看的诉求")
def search(request, params: Query[SearchParams]):
    # The body is built here in the shape of ``SearchOut`` and rendered without validating it
    # again (a tenth of the endpoint's Python time for twenty results); a test checks the shape.
    result = queries.search(user=request_user(request), query=params.q, kind=params.kind, page=params.page,
                            page_size=params.page_size)
    from quntuan.api.api import api  # imports this module: import here

    return api.create_response(request, {
        "query": result.query,
        "tokens": result.tokens,
        "kind": result.kind,
        "mode": result.mode,
        "total": result.total,
        "capped": result.capped,
        "page": result.page,
        "page_size": result.page_size,
        "pages": result.pages,
        "counts": [vars(c) for c in result.counts],
        "results": [
            {"kind": h.kind, "kind_label": h.kind_label, "id": h.object_id, "title_html": str(h.title),
             "snippet_html": str(h.snippet), "meta": h.meta, "url": h.url, "rank": h.rank}
            for h in result.hits
        ],
        "notices": [str(n) for n in result.notices],
    }, status=200)
