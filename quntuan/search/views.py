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

# A query longer than this is not a search (a pasted document, a broken link, a probe): the page
# answers 414 with a Chinese message instead of cutting it. Between MAX_QUERY_CHARS and this, the
# query is cut with a notice. The web server must let such a request line through (gunicorn
# ``--limit-request-line 0``, see scripts/run) so that it is this page, not the server, that answers.
MAX_REQUEST_QUERY_CHARS = 1000


def _page_number(value: str) -> int:
    try:
        return max(1, min(int(value), 10_000))
    except (TypeError, ValueError):
        return 1


def _too_long(request: HttpRequest, kind: str):
    message = _("关键词太长(超过 %(n)d 个字),请缩短到 %(m)d 个字以内再搜索。") % {
        "n": MAX_REQUEST_QUERY_CHARS, "m": MAX_QUERY_CHARS}
    context = {"query": "", "kind": kind if kind in DocumentKind.values else "", "result": None,
               "notices": [message], "max_chars": MAX_QUERY_CHARS, "kinds": queries.kinds_for(request.user)}
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = "search/partials/results.html" if partial else "search/pages/index.html"
    response = render(request, template, context, status=414)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
def index(request: HttpRequest):
    query = request.GET.get("q", "")
    kind = request.GET.get("kind", "").strip()
    notices = []
    if len(query) > MAX_REQUEST_QUERY_CHARS or len(request.META.get("QUERY_STRING", "")) > 20 * MAX_REQUEST_QUERY_CHARS:
        return _too_long(request, kind)
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
