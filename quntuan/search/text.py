"""Pure text functions of search: tokens for the index, the parsed query, pinyin of organization
names and highlighted snippets. No database here.

The index holds space-joined jieba tokens (the catalogue's tokenizer and domain dictionary, search
mode: whole words and their parts) so that both PostgreSQL's ``simple`` parser and SQLite FTS5's
``unicode61`` tokenizer see one jieba word as one token. A query is segmented in precise mode;
every token keeps only letters and digits, so nothing of the query ever reaches the full-text
syntax of either database (quotes, ``*``, ``:``, ``-``, ``NEAR``, ``&``, ``|``, ``!``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape  # what django.utils.html.escape runs, without its lazy-string check

from django.utils.safestring import SafeString, mark_safe

from quntuan.catalog import search as catalog_search

MAX_QUERY_CHARS = catalog_search.MAX_QUERY_CHARS  # longer queries are cut (with a notice)
MAX_TOKENS = catalog_search.MAX_TOKENS
MAX_BODY_CHARS = 4000  # text kept per document for snippets (and segmented for the index)
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_ASCII = re.compile(r"^[a-z0-9]+$")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# A tracking number (QT-20261123-000001) is one token in the index, so also in the query.
_TRACKING_NO = re.compile(r"\b[A-Za-z]{1,4}-\d{6,8}-\d{3,8}\b")


def clean_token(token: str) -> str:
    """Letters and digits only, lower-case: safe inside a tsquery or an FTS5 string."""
    return _NOT_WORD.sub("", token or "").lower()


# jieba segments each run of these characters on its own (its ``re_han_default``), so a text's
# tokens are the union of its runs' tokens; runs repeat a lot (place names, organization names,
# set phrases), so they are segmented once and cached.
_JIEBA_BLOCK_SPLIT = re.compile(r"[^\u4E00-\u9FD5a-zA-Z0-9+#&._%\-]+")


@lru_cache(maxsize=200_000)
def _block_tokens(block: str) -> tuple[str, ...]:
    return tuple(t for t in (clean_token(x) for x in catalog_search.tokenize_text(block)) if t)


def index_tokens(*texts: str) -> list[str]:
    """Distinct tokens of ``texts`` for the index, in order of first appearance."""
    out: dict[str, None] = {}
    for text in texts:
        if not text:
            continue
        for block in _JIEBA_BLOCK_SPLIT.split(text[:MAX_BODY_CHARS]):
            if block:
                for token in _block_tokens(block):
                    out.setdefault(token, None)
    return list(out)


@lru_cache(maxsize=4096)
def name_pinyin(name: str) -> tuple[str, ...]:
    """Pinyin forms under which an organization name is found: the whole name and each of its
    words, spelt out and as initials (区总工会 → quzonggonghui, qzgh, zonggonghui, zgh, gonghui,
    gh, ...). Forms shorter than two letters are left out."""
    from pypinyin import lazy_pinyin

    if not name or not _HAN.search(name):
        return ()
    words = [name, *catalog_search.tokenize_text(name)]
    forms: dict[str, None] = {}
    for word in words:
        if not _HAN.search(word):
            continue
        syllables = [clean_token(s) for s in lazy_pinyin(word, errors="ignore")]
        syllables = [s for s in syllables if s]
        full = "".join(syllables)
        initials = "".join(s[0] for s in syllables)
        for form in (full, initials):
            if len(form) >= 2:
                forms.setdefault(form, None)
    return tuple(forms)


@dataclass
class ParsedQuery:
    """A query as the search runs it: ``terms`` is one list per query token of its alternatives,
    each alternative a tuple of strings that must all be found."""

    text: str
    tokens: list[str] = field(default_factory=list)
    terms: list[list[tuple[str, ...]]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    truncated: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.terms

    def highlight_words(self) -> list[str]:
        words = {part for alternatives in self.terms for alt in alternatives for part in alt}
        return sorted(words, key=len, reverse=True)


def parse_query(query: str | None) -> ParsedQuery:
    """Segment a query. Never raises: empty, very long and symbol-only queries come back with no
    terms (``is_empty``) or cut, and the caller says why (``truncated``). The same query is
    segmented once per process (the callers only read the result)."""
    text = (query or "").strip()
    truncated = len(text) > MAX_QUERY_CHARS
    if truncated:
        text = text[:MAX_QUERY_CHARS]
    return _parse(text, truncated)


@lru_cache(maxsize=20_000)
def _parse(text: str, truncated: bool) -> ParsedQuery:
    parsed = ParsedQuery(text=text, truncated=truncated)
    if not text:
        return parsed
    tokens: list[str] = [clean_token(m) for m in _TRACKING_NO.findall(text)]
    for token in catalog_search.tokenize_query(_TRACKING_NO.sub(" ", text)):
        cleaned = clean_token(token)
        if cleaned and cleaned not in tokens:
            tokens.append(cleaned)
    # A query in letters only may be pinyin or an ASCII word: jieba keeps it whole already.
    for token in tokens[:MAX_TOKENS]:
        alternatives: list[tuple[str, ...]] = []
        for alt in catalog_search.token_alternatives(token):
            parts = tuple(p for p in (clean_token(x) for x in alt) if p)
            if parts and parts not in alternatives:
                alternatives.append(parts)
        if alternatives:
            parsed.tokens.append(token)
            parsed.terms.append(alternatives)
    return parsed


def is_prefix_term(part: str) -> bool:
    """Prefix-match Latin letters and digits of three or more (pinyin typed in part: ``zongg``).
    Chinese tokens match whole: the index already holds every word's parts (search mode), and a
    prefix over Chinese lexemes makes PostgreSQL's GIN collect every lexeme that starts so,
    which at millions of rows costs ten times the exact lookup."""
    return len(part) >= 3 and bool(_ASCII.match(part))


# --- the two query languages -------------------------------------------------------------------

def tsquery_text(terms: list[list[tuple[str, ...]]], *, any_term: bool = False) -> str:
    """A ``to_tsquery('simple', ...)`` string. Parts are letters and digits only (``clean_token``),
    each single-quoted, so the text cannot change the query's structure."""
    def lexeme(part: str) -> str:
        return f"'{part}'" + (":*" if is_prefix_term(part) else "")

    groups = []
    for alternatives in terms:
        options = ["(" + " & ".join(lexeme(p) for p in alt) + ")" for alt in alternatives]
        groups.append("(" + " | ".join(options) + ")")
    return (" | " if any_term else " & ").join(groups)


def fts5_query_text(terms: list[list[tuple[str, ...]]], *, any_term: bool = False) -> str:
    """An FTS5 MATCH expression over the token columns. Every part is a double-quoted FTS5 string
    (``"`` cannot occur: parts are letters and digits), so NEAR, AND, ``*``, ``:`` or ``-`` typed
    by a user are plain text."""
    def string(part: str) -> str:
        return f'"{part}"' + ("*" if is_prefix_term(part) else "")

    groups = []
    for alternatives in terms:
        options = ["(" + " AND ".join(string(p) for p in alt) + ")" for alt in alternatives]
        groups.append("(" + " OR ".join(options) + ")")
    return (" OR " if any_term else " AND ").join(groups)


# --- snippets ------------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _pattern(words: tuple[str, ...]) -> re.Pattern | None:
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None


def highlight(text: str, words: list[str], *, width: int | None = None) -> SafeString:
    """``text`` HTML-escaped with each occurrence of ``words`` (case-insensitive) in ``<mark>``.
    With ``width``, a window of about that many characters around the first match, with "…"
    where text was left out. Matching runs on the raw text and every piece is escaped on its
    own, so markup in the text (``<script>``, ``&amp;``) is shown, never interpreted."""
    text = text or ""
    pattern = _pattern(tuple(w for w in words if w))
    start, end = 0, len(text)
    if width is not None and len(text) > width:
        first = pattern.search(text) if pattern else None
        centre = first.start() if first else 0
        start = max(0, centre - width // 3)
        end = min(len(text), start + width)
        start = max(0, min(start, end - width))
    piece = text[start:end]
    out = ["…" if start > 0 else ""]
    position = 0
    if pattern:
        for match in pattern.finditer(piece):
            out.append(escape(piece[position:match.start()]))
            out.append(f"<mark>{escape(match.group(0))}</mark>")
            position = match.end()
    out.append(escape(piece[position:]))
    if end < len(text):
        out.append("…")
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def is_ascii_token(token: str) -> bool:
    return bool(_ASCII.match(token))
