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
from datetime import UTC, datetime, timedelta

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from quntuan.core.policies import compiled_for_user
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
        DocumentKind.CASE: ("cr", "cu", "ch", "co", "cd"),
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


# Words in nearly every case. Community names end in 社区, and so does nearly every case's text
# (its address): requiring 社区 as well as 光明 and 公寓 narrows nothing, yet made the GIN index
# step through a posting list of two million cases (70 ms of 134 for one staff query). So in the
# case query a word that PostgreSQL's statistics find in at least COMMON_SHARE of the documents is
# left out when other words remain (the rest still must all match; it is still highlighted).
COMMON_SHARE = 0.3
COMMON_REFRESH_SECONDS = 600
_common: dict = {"at": -math.inf, "words": frozenset()}


def common_words() -> frozenset[str]:
    """Words of the index's statistics found in at least ``COMMON_SHARE`` of the documents
    (PostgreSQL's most common elements of ``content_tsv``; read again every ten minutes)."""
    now = time.monotonic()
    if now - _common["at"] > COMMON_REFRESH_SECONDS:
        _common["at"] = now
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT u.e FROM pg_stats, unnest(most_common_elems::text::text[], most_common_elem_freqs) AS u(e, f) "
                "WHERE schemaname = current_schema() AND tablename = 'search_document' AND attname = 'content_tsv' "
                "AND u.e IS NOT NULL AND u.f >= %s", [COMMON_SHARE])
            _common["words"] = frozenset(row[0] for row in cursor.fetchall())
    return _common["words"]


def without_common(terms: list, common: frozenset[str]) -> list:
    """``terms`` less the groups whose every word is common, unless nothing else would remain."""
    kept = [alts for alts in terms if not all(part in common for alt in alts for part in alt)]
    return kept or terms


# Newest-first probe. A word found in every tenth document of a kind (an organization's name or its
# pinyin: 12,000 activities; its name in each of its 40,000 cases) cost 0.1–1 s through the GIN
# index: every match read from the table, then sorted for the newest 201. The probe reads the
# newest N documents of the kind in date order (index ``search_doc_kind_sort``) and filters them;
# when 201 of them match, those ARE the newest 201 matches (nothing newer was skipped) and the GIN
# query does not run at all (a one-time filter). Otherwise the GIN query answers, exactly as
# without a probe. N is learnt per process for each kind, query and set of organization keys
# (``_probe_size``): from what the last probe found, the rows a probe needs for 201 matches
# (at most PROBE_MAX), or no probe for a rare word. Only the probe's size is remembered, never a
# result. A first query starts with PROBE_START rows. Cases do not probe: they read their last weeks
# first (``_cases_part``), and the learnt sizes of both live in the same memory.
PROBE_START = {DocumentKind.ACTIVITY: 2000, DocumentKind.PLAN: 2000}
# The largest useful probe. A probe of N rows reads N rows from the table; the GIN index reads each
# of the M matches once. A probe that needs N = 201 / density rows pays more than the GIN index as
# soon as N > M, i.e. past about sqrt(201 × rows of the kind): ~4,500 of 100,000 activities, ~1,800
# of 16,500 plans. A sparser word goes to the GIN index alone.
PROBE_MAX = {DocumentKind.ACTIVITY: 4000, DocumentKind.PLAN: 2000}
PROBE_MEMORY = 50_000
_probe_sizes: OrderedDict = OrderedDict()
_probe_lock = threading.Lock()


def _probe_key(kind: str, content: str, keys: list[str] | None) -> tuple | None:
    if kind not in PROBE_START:
        return None
    if keys is None:
        return (kind, content, None)
    shared = tuple(k for k in keys if not k.startswith(("cu", "cr")))  # personal keys: few documents
    if not shared:
        return None
    return (kind, content, shared)


def _probe_size(key: tuple | None) -> int:
    if key is None:
        return 0
    return _probe_sizes.get(key, PROBE_START[key[0]])


def _probe_learn(key: tuple | None, size: int, found: int | None) -> None:
    """Size the next probe of ``key`` from what a probe of ``size`` rows ``found`` (up to 201)."""
    if key is None or not size or found is None:
        return
    limit = CANDIDATES + 1
    if found >= limit:
        new = size
    elif found == 0:
        new = 0
    else:
        most = PROBE_MAX[key[0]]
        new = min(most, math.ceil(limit * size / found * 1.25))
        if new >= most and limit * size / found > most:
            new = 0  # too sparse for any probe: the GIN index alone
    _remember(key, new)


def _remember(key: tuple, size: int) -> None:
    """Keep a learnt probe or window size (the oldest learnt first forgotten)."""
    with _probe_lock:  # web threads share the dict: eviction between the two steps would raise
        _probe_sizes[key] = size
        _probe_sizes.move_to_end(key)
        while len(_probe_sizes) > PROBE_MEMORY:
            _probe_sizes.popitem(last=False)


def _or(keys: list[str]) -> str:
    return "(" + " | ".join(keys) + ")"


def _postgres_candidates(kinds: dict[str, list[str] | None], parsed: ParsedQuery, any_term: bool):
    sql, params, probes = postgres_statement(kinds, parsed, any_term)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found: dict[str, tuple] = {}
    for kind, _pk, _rank, *info in rows:
        if info[0] is not None or info[1] is not None:
            found[kind] = info
    for kind, probe in probes.items():
        info = found.get(kind, (0, 0, None))
        if kind == DocumentKind.CASE:
            key, weeks, now = probe
            _window_learn(key, weeks, info[0] or 0, info[1], info[2], now)
        else:
            _probe_learn(probe[0], probe[1], info[0] or 0)
    return [row[:3] for row in rows]


_GIN_PART = """
    SELECT id, sort_at, content_tsv FROM search_document
    WHERE kind = %s AND content_tsv @@ to_tsquery('simple', %s){acl}
    ORDER BY sort_at DESC LIMIT %s"""
_ACL = " AND acl_tsv @@ to_tsquery('simple', %s)"


# Cases, the newest matches week by week. A word in thousands of an organization's or a district's
# cases (工伤: 4,500 of one organization's) cost one read from the table per match — to learn its
# date and keep the newest 201 — after intersecting the word's posting list with the organization's
# (92,000 cases). Every case document also carries each of its keys scoped to its week
# (``permissions.week_keys``: ``ch3x2t2920``), so the GIN index itself can answer "what these keys
# grant in the last N weeks": posting lists a few thousand long instead of an organization's or a
# district's whole history, and only those weeks' matches are read from the table. When the window
# holds 201 matches they ARE the newest 201 (everything newer is inside it); otherwise the whole
# index answers, exactly as without a window. N is learnt per process for each query and key set
# (``_window_learn``) from the date of the 201st match or from how many the window found; a word
# with fewer than 201 matches in all gets no window. Only the size is remembered, never a result.
WINDOW_START = 4  # weeks, for a query and key set seen for the first time
WINDOW_MIN = 2  # this week and the whole of the last (a Monday holds little)
WINDOW_MAX = 16  # past this a word is sparse enough for the index alone (and the OR grows long)


def window_keys(keys: list[str], weeks: int, now) -> list[str]:
    """``keys`` scoped to each of the last ``weeks`` weeks up to ``now`` — and to the next week,
    so that a case received a moment ago by a clock a little ahead is inside the window too."""
    last = permissions.week_number(now) + 1
    return [scoped for week in range(last, last - weeks - 1, -1) for scoped in permissions.week_keys(keys, week)]


def _week_start(week: int) -> datetime:
    return datetime.combine(permissions.WEEK_ZERO + timedelta(weeks=week), datetime.min.time(), tzinfo=UTC)


def _window_learn(key: tuple, weeks: int, found: int, everything: int | None, oldest, now) -> None:
    """Size the next window of ``key``: a window of ``weeks`` weeks found ``found`` matches (up
    to 201, the 201st dated ``oldest``); ``everything``: what the whole index found after it (None
    when the window was enough)."""
    limit = CANDIDATES + 1
    this_week = permissions.week_number(now)
    if found >= limit:
        new = max(WINDOW_MIN, min(weeks, this_week - permissions.week_number(oldest) + 1))
    elif everything is not None and everything < limit:
        new = 0  # fewer than 201 matches in all: no window can save anything
    else:
        span = max(1.0, (now - _week_start(this_week - weeks + 1)).total_seconds() / 86400)
        needed = span * limit / max(found, 1) * 1.25
        new = max(weeks + 1, math.ceil(needed / 7) + 1)
        if new > WINDOW_MAX:
            new = 0
    _remember(key, new)


def _cases_part(content: str, keys: list[str] | None, weeks: int, now) -> tuple[str, list]:
    """The newest 201 cases matching ``content`` that ``keys`` grant (None: every case), read
    through a window of ``weeks`` weeks first (none when 0; ``keys`` needed). Rows: ('case', id,
    rank, what the window found, what the whole index found, the window's oldest date)."""
    limit = CANDIDATES + 1
    # The GIN index answers, never a date-ordered scan: ordering by an expression rather than the
    # column keeps the planner from walking ``search_doc_kind_sort`` through rows the keys do not
    # grant (840,000 for 区总工会 asked by another organization).
    gin = """{name} AS MATERIALIZED (
                SELECT id, sort_at FROM search_document
                WHERE kind = 'case' AND content_tsv @@ to_tsquery('simple', %s){acl}{guard}
                ORDER BY sort_at + interval '0 s' DESC LIMIT %s)"""
    acl = "" if keys is None else " AND acl_tsv @@ to_tsquery('simple', %s)"
    acl_params = [] if keys is None else [_or(keys)]
    if not weeks or keys is None:
        sql = f"""
            (WITH {gin.format(name="g", acl=acl, guard="")}
             SELECT 'case', d.id, ts_rank_cd(d.content_tsv, to_tsquery('simple', %s)), NULL::bigint,
                    NULL::bigint, NULL::timestamptz
             FROM g JOIN search_document d ON d.id = g.id ORDER BY g.sort_at DESC)"""  # noqa: S608 - constant SQL, values are parameters
        return sql, [content, *acl_params, limit, content]
    ctes = [gin.format(name="w", acl=acl, guard=""),
            "wn AS (SELECT count(*) AS n, min(sort_at) AS oldest FROM w)",
            gin.format(name="g", acl=acl, guard=" AND (SELECT n FROM wn) < %s"),
            "gn AS (SELECT count(*) AS n FROM g)"]
    params = [content, _or(window_keys(keys, weeks, now)), limit, content, *acl_params, limit, limit]
    sql = f"""
            (WITH {", ".join(ctes)},
             top AS (SELECT id, sort_at FROM w WHERE (SELECT n FROM wn) >= %s UNION ALL SELECT id, sort_at FROM g)
             SELECT 'case', d.id, ts_rank_cd(d.content_tsv, to_tsquery('simple', %s)), (SELECT n FROM wn),
                    CASE WHEN (SELECT n FROM wn) < %s THEN (SELECT n FROM gn) END, (SELECT oldest FROM wn)
             FROM top JOIN search_document d ON d.id = top.id ORDER BY top.sort_at DESC)"""  # noqa: S608 - constant SQL, values are parameters
    return sql, [*params, limit, content, limit]


def postgres_statement(kinds: dict[str, list[str] | None], parsed: ParsedQuery, any_term: bool):
    """The one statement of a search on PostgreSQL (``bench/search_bench.py --explain`` shows its plan):
    per kind, the newest ``CANDIDATES`` + 1 matches the keys grant, ranked (``ts_rank_cd``). Each
    kind reads its own partial GIN index, unless the newest-first probe found enough. Returns
    the SQL, its parameters and {kind: (probe key, probe rows)} of the kinds that probe."""
    limit = CANDIDATES + 1
    parts, params, probes = [], [], {}
    for kind, keys in kinds.items():
        terms = _kind_terms(kind, parsed)
        if kind == DocumentKind.CASE:
            terms = without_common(terms, common_words())
        content = tsquery_text(terms, any_term=any_term)
        acl_sql, acl_params = ("", []) if keys is None else (_ACL, [_or(keys)])
        if kind == DocumentKind.CASE:
            # A resident's own cases are few, and the administrator holds no keys: no window.
            shared = () if keys is None else tuple(k for k in keys if not k.startswith(("cu", "cr")))
            key = (kind, content, shared) if shared else None
            weeks = 0 if key is None else _probe_sizes.get(key, WINDOW_START)
            now = timezone.now()
            if weeks:
                probes[kind] = (key, weeks, now)
            sql, values = _cases_part(content, keys, weeks, now)
            parts.append(sql)
            params += values
            continue
        key = _probe_key(kind, content, keys)
        probe = _probe_size(key)
        if not probe:
            parts.append(f"""
                (SELECT %s, c.id, ts_rank_cd(c.content_tsv, to_tsquery('simple', %s)), NULL::bigint,
                        NULL::bigint, NULL::timestamptz
                 FROM ({_GIN_PART.format(acl=acl_sql)}) c)""")  # noqa: S608 - constant SQL, values are parameters
            params += [kind, content, kind, content, *acl_params, limit]
            continue
        probes[kind] = (key, probe)
        parts.append(f"""
            (WITH probe AS MATERIALIZED (
                SELECT id, sort_at, content_tsv FROM (
                    SELECT id, sort_at, content_tsv, acl_tsv FROM search_document
                    WHERE kind = %s ORDER BY sort_at DESC LIMIT %s) newest
                WHERE content_tsv @@ to_tsquery('simple', %s){acl_sql}
                ORDER BY sort_at DESC LIMIT %s),
             found AS (SELECT count(*) AS n FROM probe)
             SELECT %s, c.id, ts_rank_cd(c.content_tsv, to_tsquery('simple', %s)), (SELECT n FROM found),
                    NULL::bigint, NULL::timestamptz FROM (
                SELECT id, sort_at, content_tsv FROM probe WHERE (SELECT n FROM found) >= %s
                UNION ALL
                (SELECT id, sort_at, content_tsv FROM search_document
                 WHERE kind = %s AND content_tsv @@ to_tsquery('simple', %s){acl_sql}
                   AND (SELECT n FROM found) < %s
                 ORDER BY sort_at DESC LIMIT %s)) c)""")  # noqa: S608 - constant SQL, values are parameters
        params += [kind, probe, content, *acl_params, limit, kind, content, limit, kind, content, *acl_params, limit,
                   limit]
    return " UNION ALL ".join(parts), params, probes


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


def _in(values: list) -> str:
    return "(" + ", ".join(["%s"] * len(values)) + ")"


def _page_documents(ids: list[int]) -> dict[int, _PageDocument]:
    """The shown fields of the page's documents (no model instances)."""
    if not ids:
        return {}
    table = SearchDocument._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, kind, object_id, title, body, meta, url FROM {table} WHERE id IN {_in(ids)}", ids)  # noqa: S608 - constant SQL, values are parameters
        return {row[0]: _PageDocument(*row[1:]) for row in cursor.fetchall()}


# --- the policy check of the page ---------------------------------------------------------------
# Each row of the page is checked once more with its app's policy (``visible(user)``): the index can
# lag behind a change, the policy cannot. Building and compiling those querysets cost more than the
# rest of a search in Python (1.7 ms of 4.8), so the SQL of ``visible(user)`` is compiled once per
# user and kind (``core.policies.compiled_for_user``) within one generation of memberships,
# organizations and regions — as the keys are. It is still run against the live tables for every
# page.


def _policy(kind: str):
    if kind == DocumentKind.SERVICE:
        from quntuan.catalog.policies import service_policy as policy
    elif kind == DocumentKind.PLAN:
        from quntuan.programs.policies import plan_policy as policy
    elif kind == DocumentKind.ACTIVITY:
        from quntuan.activities.policies import activity_policy as policy
    else:
        from quntuan.cases.policies import case_policy as policy
    return policy


def visible_sql(user, kind: str, generation: int) -> tuple[str, tuple] | None:
    """The SQL of ``visible(user)`` of ``kind``'s policy, selecting ``id`` (None: nothing)."""

    def compile_sql():
        queryset = _policy(kind).visible(user).order_by().values_list("id")
        try:
            return None if queryset.query.is_empty() else queryset.query.sql_with_params()
        except EmptyResultSet:
            return None

    return compiled_for_user(f"search:{kind}", user, generation, compile_sql)


def allowed_ids(user, by_kind: dict[str, list[int]], generation: int) -> dict[str, set[int]]:
    """{kind: the ids among ``by_kind[kind]`` that the kind's policy shows ``user``}: one statement."""
    parts, params = [], []
    for kind, ids in by_kind.items():
        compiled = visible_sql(user, kind, generation) if ids else None
        if compiled is None:
            continue
        sql, values = compiled
        parts.append(f"SELECT %s, v.id FROM ({sql}) v WHERE v.id IN {_in(ids)}")  # noqa: S608 - Django-compiled SQL, values are parameters
        params += [kind, *values, *ids]
    allowed: dict[str, set[int]] = {kind: set() for kind in by_kind}
    if parts:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for kind, pk in cursor.fetchall():
                allowed[kind].add(pk)
    return allowed


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

    generation, keys = permissions.generation_and_keys(user)
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
        result.counts.append(KindCount(kind=k, label=str(DocumentKind(k).label), count=min(len(rows), CANDIDATES),
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
    allowed = allowed_ids(user, by_kind, generation)
    words = parsed.highlight_words()
    labels = {k: str(label) for k, label in DocumentKind.choices}
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
