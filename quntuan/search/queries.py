"""Search: one ranked, permission-filtered, highlighted page of documents.

How a query runs (``search``):

1. ``text.parse_query`` segments it (jieba, precise mode) into tokens; each token may also be
   found as its parts or a synonym (the catalogue's rules); Latin tokens of three letters or more
   also as a prefix. All tokens must match; when nothing matches and there are several, any token may.
2. Per kind, the full-text index returns the candidates the user may see: the user's
   permission keys (``permissions.user_keys``) are part of the same index lookup. At most
   ``CANDIDATES`` (200) per kind, the newest first, are ranked — PostgreSQL ``ts_rank_cd`` over the
   weighted ``tsvector``, SQLite FTS5 ``bm25`` with the title weighted ten times the body — so a
   word that occurs in half a million cases costs no more than one in a thousand.
3. The page's documents are checked once more with each app's policy (``visible(user)``), then
   titles and snippets are highlighted (``text.highlight``: escaped, ``<mark>``).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from quntuan.search import permissions
from quntuan.search.models import DocumentKind, SearchDocument
from quntuan.search.text import (
    MAX_QUERY_CHARS,
    ParsedQuery,
    fts5_query_text,
    highlight,
    is_ascii_token,
    parse_query,
    tsquery_text,
)

PAGE_SIZE = 20
MAX_PAGE_SIZE = 50
CANDIDATES = 200
SNIPPET_CHARS = 90
KIND_ORDER = [DocumentKind.SERVICE, DocumentKind.ACTIVITY, DocumentKind.PLAN, DocumentKind.CASE]


@dataclass
class SearchHit:
    kind: str
    kind_label: str
    object_id: int
    title: SafeString
    snippet: SafeString
    meta: str
    url: str
    rank: float


@dataclass
class KindCount:
    kind: str
    label: str
    count: int
    capped: bool


@dataclass
class SearchPage:
    query: str
    tokens: list[str] = field(default_factory=list)
    kind: str | None = None
    hits: list[SearchHit] = field(default_factory=list)
    counts: list[KindCount] = field(default_factory=list)
    total: int = 0
    capped: bool = False
    page: int = 1
    page_size: int = PAGE_SIZE
    pages: int = 0
    mode: str = "none"  # "all" (every token matched) | "any" (some token) | "none"
    notices: list[str] = field(default_factory=list)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def kinds_for(user) -> list[str]:
    """Kinds this user may search: everyone searches the catalogue, activities and plans (what
    they may see of them); cases only a signed-in user (their own, or their organization's)."""
    if user is not None and getattr(user, "is_authenticated", False):
        return list(KIND_ORDER)
    return [k for k in KIND_ORDER if k != DocumentKind.CASE]


def _acl_keys(kind: str, keys: set[str] | None) -> list[str] | None:
    """The user's keys that can grant a document of ``kind`` (None: no filter)."""
    if keys is None:
        return None
    prefixes = {
        DocumentKind.SERVICE: ("pub",),
        DocumentKind.ACTIVITY: ("pub", "ad"),
        DocumentKind.PLAN: ("pd", "pp"),
        DocumentKind.CASE: ("cr", "cu", "co", "cd"),
    }[kind]
    return sorted(k for k in keys if k.startswith(prefixes))


# --- the two backends -------------------------------------------------------------------------------
# One statement per search: a UNION ALL of one capped subquery per kind.

def _kind_terms(kind: str, parsed: ParsedQuery) -> list:
    """Cases are not found by pinyin (only organization names have pinyin in the index, and a
    case is not about its organization's name): letters-only tokens are left out for them."""
    if kind != DocumentKind.CASE:
        return parsed.terms
    return [alts for alts in parsed.terms if not all(is_ascii_token(p) and p.isalpha() for a in alts for p in a)]


# The windows of days (nested, newest first) in which the newest matches are looked for first.
RECENT_DAYS = (3, 62)


def _or(keys: list[str]) -> str:
    return "(" + " | ".join(keys) + ")"


def _postgres_candidates(kinds: dict[str, list[str] | None], parsed: ParsedQuery, any_term: bool):
    sql, params = postgres_statement(kinds, parsed, any_term)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _window_filters(keys: list[str] | None) -> list[str]:
    """The permission part of each step: the last ``RECENT_DAYS[0]`` days, then the rest of the last
    ``RECENT_DAYS[1]`` days, ..., then everything older (the steps partition the kind's documents)."""
    now = timezone.now()
    windows = [_or(permissions.recent_window(now, days)[1]) for days in RECENT_DAYS]
    steps = []
    for i, window in enumerate(windows):
        steps.append(window if i == 0 else f"{window} & !{windows[i - 1]}")
    steps.append(f"!{windows[-1]}")
    if keys is None:
        return steps
    return [f"{_or(keys)} & {step}" for step in steps]


def postgres_statement(kinds: dict[str, list[str] | None], parsed: ParsedQuery, any_term: bool):
    """The one statement of a search on PostgreSQL (``bench/search_bench.py --explain`` shows its plan).
    Per kind, the newest ``CANDIDATES`` + 1 matches, ranked; each kind reads its own partial GIN
    index. A common word matches tens of thousands of documents, and reading all of them to keep
    the newest 201 is what cost hundreds of milliseconds; so the index is first asked for the
    matches of the last few days only (time keys, ``permissions.recent_window``), then for those
    of the last two months, then for the older ones, each step only when the steps before found
    fewer than 201 (a one-time filter: PostgreSQL does not run that step at all otherwise)."""
    limit = CANDIDATES + 1
    parts, params = [], []
    for kind, keys in kinds.items():
        content = tsquery_text(_kind_terms(kind, parsed), any_term=any_term)
        ctes, names = [], []
        for i, acl in enumerate(_window_filters(keys)):
            name = f"w{i}"
            guard = ""
            if names:
                # Names are w0, w1, ... (ours); every value goes in as a parameter.
                guard = " AND " + " + ".join(f"(SELECT count(*) FROM {n})" for n in names) + " < %s"  # noqa: S608
            ctes.append(f"""{name} AS MATERIALIZED (
                SELECT id, sort_at, content_tsv FROM search_document
                WHERE kind = %s AND content_tsv @@ to_tsquery('simple', %s)
                  AND acl_tsv @@ to_tsquery('simple', %s){guard}
                ORDER BY sort_at DESC LIMIT %s)""")  # noqa: S608
            params += [kind, content, acl] + ([limit] if names else []) + [limit]
            names.append(name)
        union = " UNION ALL ".join(f"SELECT id, sort_at, content_tsv FROM {n}" for n in names)  # noqa: S608
        parts.append(f"""
            (WITH {", ".join(ctes)}
             SELECT %s, c.id, ts_rank_cd(c.content_tsv, to_tsquery('simple', %s))
             FROM ({union}) c ORDER BY c.sort_at DESC LIMIT %s)""")  # noqa: S608
        params += [kind, content, limit]
    return " UNION ALL ".join(parts), params


def _sqlite_candidates(kinds: dict[str, list[str] | None], parsed: ParsedQuery, any_term: bool):
    parts, params = [], []
    for kind, keys in kinds.items():
        content = fts5_query_text(_kind_terms(kind, parsed), any_term=any_term)
        acl = f'acl : "{permissions.kind_key(kind)}"'
        if keys is not None:
            acl += " AND acl : (" + " OR ".join(f'"{k}"' for k in keys) + ")"  # small tables: simple
        parts.append("""
            SELECT * FROM (
                SELECT d.kind, d.id, -bm25(search_fts, 10.0, 1.0, 0.0) AS rank
                FROM search_fts JOIN search_document d ON d.id = search_fts.rowid
                WHERE search_fts MATCH %s AND d.kind = %s
                ORDER BY d.sort_at DESC LIMIT %s
            )""")
        params += [f"{{title_tokens body_tokens}} : ({content}) AND {acl}", kind, CANDIDATES + 1]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return cursor.fetchall()


def scoped_kinds(kinds: list[str], parsed: ParsedQuery, keys: set[str] | None) -> dict[str, list[str] | None]:
    """{kind: the user's keys for it} for the kinds worth asking (some key, some term)."""
    scoped = {}
    for kind in kinds:
        acl = _acl_keys(kind, keys)
        if (acl is None or acl) and _kind_terms(kind, parsed):
            scoped[kind] = acl
    return scoped


# --- the candidate cache (an extra layer, off unless CANDIDATE_CACHE_SECONDS > 0) ------------------
# Per kind, the candidates of one query for one set of keys (the keys of a kind are shared: every
# visitor holds ``pub``, every staff member of a district the same activity and plan keys). Kept in
# this process for CANDIDATE_CACHE_SECONDS; a document written by this process starts a new
# generation (``note_index_change``), so only other processes' changes can show that much later.
# The page's rows are still checked with the apps' policies: a cached list can hide a row or count
# one that left, never show one the user may not see.
CANDIDATE_CACHE_SECONDS = 0.0
CANDIDATE_CACHE_SIZE = 20_000
_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()
_generation = [0]
cache_stats = {"hits": 0, "misses": 0}


def note_index_change() -> None:
    _generation[0] += 1


def _cache_key(kind: str, keys: list[str] | None, parsed: ParsedQuery, any_term: bool) -> tuple:
    return (_generation[0], kind, None if keys is None else tuple(keys), tuple(map(tuple, parsed.terms)), any_term)


def candidates(kinds: list[str], parsed: ParsedQuery, keys: set[str] | None, *,
               any_term: bool = False) -> dict[str, list[tuple[int, float]]]:
    """{kind: [(document id, rank)]} of documents matching ``parsed`` that ``keys`` may see, at
    most ``CANDIDATES`` + 1 per kind (the newest)."""
    found: dict[str, list[tuple[int, float]]] = {kind: [] for kind in kinds}
    scoped = scoped_kinds(kinds, parsed, keys)
    ttl = CANDIDATE_CACHE_SECONDS
    if ttl > 0:
        now = time.monotonic()
        with _cache_lock:
            for kind in list(scoped):
                entry = _cache.get(_cache_key(kind, scoped[kind], parsed, any_term))
                if entry is not None and entry[0] > now:
                    found[kind] = entry[1]
                    del scoped[kind]
                    cache_stats["hits"] += 1
                else:
                    cache_stats["misses"] += 1
    if not scoped:
        return found
    backend = _postgres_candidates if connection.vendor == "postgresql" else _sqlite_candidates
    for kind, pk, rank in backend(scoped, parsed, any_term):
        found[kind].append((pk, float(rank)))
    if ttl > 0:
        with _cache_lock:
            for kind in scoped:
                _cache[_cache_key(kind, scoped[kind], parsed, any_term)] = (now + ttl, found[kind])
            while len(_cache) > CANDIDATE_CACHE_SIZE:
                _cache.popitem(last=False)
    return found


@dataclass
class _PageDocument:
    kind: str
    object_id: int
    title: str
    body: str
    meta: str
    url: str


def _page_documents(ids: list[int]) -> dict[int, _PageDocument]:
    """The shown fields of the page's documents (no model instances)."""
    if not ids:
        return {}
    rows = SearchDocument.objects.filter(pk__in=ids).values_list("id", "kind", "object_id", "title", "body",
                                                                "meta", "url")
    return {row[0]: _PageDocument(*row[1:]) for row in rows}


# --- the policy check of the page ---------------------------------------------------------------

def _allowed_ids(user, kind: str, object_ids: list[int]) -> set[int]:
    if not object_ids:
        return set()
    if kind == DocumentKind.SERVICE:
        from quntuan.catalog.policies import service_policy as policy
    elif kind == DocumentKind.PLAN:
        from quntuan.programs.policies import plan_policy as policy
    elif kind == DocumentKind.ACTIVITY:
        from quntuan.activities.policies import activity_policy as policy
    else:
        from quntuan.cases.policies import case_policy as policy
    return set(policy.visible(user).filter(pk__in=object_ids).values_list("pk", flat=True))


# --- search -----------------------------------------------------------------------------------------

def search(*, user, query: str | None, kind: str | None = None, page: int = 1,
           page_size: int = PAGE_SIZE) -> SearchPage:
    """One page of results for ``query`` that ``user`` may see. Never raises for bad input: an
    empty, symbol-only or over-long query comes back with a notice saying why."""
    parsed = parse_query(query)
    result = SearchPage(query=parsed.text, tokens=parsed.tokens, page_size=max(1, min(page_size, MAX_PAGE_SIZE)))
    allowed_kinds = kinds_for(user)
    result.kind = kind if kind in allowed_kinds else None
    if parsed.truncated:
        result.notices.append(_("关键词太长,只按前 %(n)d 个字搜索。") % {"n": MAX_QUERY_CHARS})
    if not parsed.text:
        result.notices.append(_("请输入要搜索的关键词。"))
        return result
    if parsed.is_empty:
        result.notices.append(_("关键词里没有可以搜索的文字,请输入中文、字母或数字。"))
        return result

    keys = permissions.cached_user_keys(user)
    found: dict[str, list] = {}
    result.mode = "all"
    for any_term in (False, True):
        found = candidates(allowed_kinds, parsed, keys, any_term=any_term)
        if any(found.values()) or len(parsed.terms) < 2 or any_term:
            break
        result.mode = "any"
    if not any(found.values()):
        result.mode = "none"

    for k in allowed_kinds:
        rows = found.get(k, [])
        result.counts.append(KindCount(kind=k, label=DocumentKind(k).label, count=min(len(rows), CANDIDATES),
                                       capped=len(rows) > CANDIDATES))
    selected = [(row, k) for k in allowed_kinds if result.kind in (None, k) for row in found[k][:CANDIDATES]]
    selected.sort(key=lambda item: (-item[0][1], -item[0][0]))
    result.total = len(selected)
    result.capped = any(c.capped for c in result.counts if result.kind in (None, c.kind))
    result.pages = math.ceil(result.total / result.page_size) if result.total else 0
    result.page = max(1, min(page, result.pages or 1))
    start = (result.page - 1) * result.page_size
    page_rows = selected[start:start + result.page_size]

    docs = _page_documents([row[0] for row, _ in page_rows])
    by_kind: dict[str, list[int]] = {}
    for doc in docs.values():
        by_kind.setdefault(doc.kind, []).append(doc.object_id)
    allowed = {k: _allowed_ids(user, k, ids) for k, ids in by_kind.items()}
    words = parsed.highlight_words()
    labels = dict(DocumentKind.choices)
    for row, _k in page_rows:
        doc = docs.get(row[0])
        if doc is None or doc.object_id not in allowed.get(doc.kind, ()):
            continue  # the index lags behind a change: show nothing rather than too much
        result.hits.append(SearchHit(
            kind=doc.kind, kind_label=labels[doc.kind], object_id=doc.object_id,
            title=highlight(doc.title, words), snippet=highlight(doc.body, words, width=SNIPPET_CHARS),
            meta=doc.meta, url=doc.url, rank=round(row[1], 6),
        ))
    if result.mode == "any":
        result.notices.append(_("没有同时包含所有关键词的结果,下面是包含部分关键词的结果。"))
    if result.capped:
        result.notices.append(_("匹配结果较多,只在最新的 %(n)d 条中排序,请增加关键词缩小范围。") % {"n": CANDIDATES})
    if not result.hits and len(parsed.text.strip()) == 1:
        result.notices.append(_("单个字往往搜不到结果,请输入一个词,例如“工会”“欠薪”。"))
    return result
