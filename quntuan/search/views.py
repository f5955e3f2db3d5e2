"""The search page: one box, results grouped by kind (tabs with counts), paged; htmx swaps the
results as the user types."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from quntuan.search import queries
from quntuan.search.models import DocumentKind
from quntuan.search.text import MAX_QUERY_CHARS


def _page_number(value: str) -> int:
    try:
        return max(1, min(int(value), 10_000))
    except (TypeError, ValueError):
        return 1


@require_GET
def index(request: HttpRequest):
    query = request.GET.get("q", "")
    kind = request.GET.get("kind", "").strip()
    notices = []
    if kind and kind not in DocumentKind.values:
        notices.append(_("没有这种搜索范围,已显示全部结果。"))
        kind = ""
    result = None
    if "q" in request.GET:
        result = queries.search(user=request.user, query=query, kind=kind or None,
                                page=_page_number(request.GET.get("page", "1")))
        notices += result.notices
    context = {
        "query": (result.query if result else query[:MAX_QUERY_CHARS]),
        "kind": kind,
        "result": result,
        "notices": notices,
        "max_chars": MAX_QUERY_CHARS,
        "kinds": queries.kinds_for(request.user),
    }
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "search/partials/results.html" if partial else "search/pages/index.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response
