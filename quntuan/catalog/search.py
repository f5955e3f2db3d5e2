"""Keyword search over the catalogue with jieba segmentation.

The query is segmented into tokens; a service matches when every token occurs in its
``search_text`` (AND of ``icontains``, which behaves the same on SQLite and PostgreSQL). A token
also counts as found when its parts occur apart (两癌筛查 → 两癌 … 筛查) or through a small list
of everyday synonyms (家暴 → 家庭暴力). When no
service has every token, services with any token are returned instead (OR). Results are ranked
in Python by token hits, weighted name (3) > category (2) > description (1); ties keep the
catalogue's order. The catalogue of one district is a few hundred rows, so ranking in Python is
cheap and identical on every database.

jieba is initialised lazily, once per process, with the domain dictionary ``userdict.txt``.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from functools import reduce
from operator import and_, or_
from pathlib import Path

from django.db.models import Q, QuerySet

USERDICT = Path(__file__).with_name("userdict.txt")
MAX_QUERY_CHARS = 100
MAX_TOKENS = 12

STOPWORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 和 与 及 或 在 是 有 我 你 他 她 我们 我的 要 想 想要 请问 请 怎么 怎样 如何 "
    "什么 哪里 哪儿 哪个 能 能否 可以 可不可以 去 被 把 给 让 对 从 到 为 一个 一下 这 那 这个 那个 "
    "怎么办 办 吗? 需要 应该 有没有 谁".split()
)
_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)

_lock = threading.Lock()
_tokenizer = None


def _get_tokenizer():
    """The process-wide jieba tokenizer, built on first use (about a second)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                if USERDICT.exists():
                    tokenizer.load_userdict(str(USERDICT))
                _tokenizer = tokenizer
    return _tokenizer


def warm_up() -> None:
    """Build the tokenizer now (called in a background thread when a web process starts)."""
    import logging

    try:
        _get_tokenizer()
    except Exception:  # never take the process down; the first search will try again
        logging.getLogger(__name__).exception("jieba 词典预加载失败")


def _clean(tokens) -> list[str]:
    out: list[str] = []
    for token in tokens:
        token = token.strip().lower()
        if not token or token in STOPWORDS or _PUNCT.match(token):
            continue
        if token not in out:
            out.append(token)
    return out


def tokenize_query(query: str) -> list[str]:
    """The distinct meaningful tokens of a query, in order (precise mode, HMM off)."""
    query = (query or "").strip()
    if len(query) > MAX_QUERY_CHARS:
        cut = query[:MAX_QUERY_CHARS]
        query = cut.rsplit(None, 1)[0] if cut.rstrip() != cut or " " in cut else cut
    if not query:
        return []
    return _clean(_get_tokenizer().lcut(query, HMM=False))[:MAX_TOKENS]


def tokenize_text(text: str) -> list[str]:
    """Tokens of a service text for the index (search mode: whole words and their parts)."""
    if not text:
        return []
    return _clean(_get_tokenizer().cut_for_search(text, HMM=False))


def build_search_text(*, name: str, category_name: str, covers: str, description: str,
                      organization_name: str) -> str:
    """What ``Service.search_text`` holds: the raw texts (so any contiguous query token is found)
    followed by their jieba tokens, all lower-cased."""
    raw = " | ".join(part for part in (name, category_name, organization_name, description, covers) if part)
    tokens = tokenize_text(" ".join((name, category_name, description)))
    return f"{raw}\n{' '.join(tokens)}".lower()


@dataclass
class SearchResult:
    query: str
    tokens: list[str]
    services: list = field(default_factory=list)
    mode: str = "and"  # "and" | "or" | "none"

    @property
    def count(self) -> int:
        return len(self.services)


# Everyday words residents type for the catalogue's wording (query token → alternatives).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "家暴": ("家庭暴力",),
    "讨薪": ("欠薪",),
    "欠工资": ("欠薪", "拖欠"),
    "残疾证": ("残疾人证",),
    "义工": ("志愿者", "志愿服务"),
    "宫颈癌": ("两癌",),
    "乳腺癌": ("两癌",),
    "骑手": ("新就业形态", "外卖"),
}


def token_alternatives(token: str) -> list[tuple[str, ...]]:
    """Ways a query token may appear in a text; each alternative is a group of strings that must
    all occur. A compound (两癌筛查) also matches when its parts occur apart (两癌 … 筛查)."""
    alternatives: list[tuple[str, ...]] = [(token,)]
    parts = tuple(w for w in _clean(_get_tokenizer().cut_for_search(token, HMM=False)) if w != token and len(w) > 1)
    if len(parts) > 1:
        alternatives.append(parts)
    for synonym in SYNONYMS.get(token, ()):
        alternatives.append((synonym,))
    return alternatives


def _token_q(alternatives: list[tuple[str, ...]]) -> Q:
    return reduce(or_, (reduce(and_, (Q(search_text__icontains=part) for part in alt)) for alt in alternatives))


def _found(alternatives: list[tuple[str, ...]], text: str) -> bool:
    return any(all(part in text for part in alt) for alt in alternatives)


def score_service(service, terms: list[list[tuple[str, ...]]]) -> tuple[int, int]:
    """(number of query tokens found anywhere, weighted hits: name 3, category 2, description 1)."""
    name = service.name.lower()
    category = service.category.name.lower() if service.category_id else ""
    description = f"{service.description} {service.category.covers if service.category_id else ''}".lower()
    text = service.search_text or ""
    found = 0
    weighted = 0
    for alternatives in terms:
        found += _found(alternatives, text)
        weighted += 3 * _found(alternatives, name) + 2 * _found(alternatives, category) + _found(alternatives, description)
    return found, weighted


def search_services(queryset: QuerySet, query: str, *, limit: int = 100) -> SearchResult:
    """Search ``queryset`` (already scoped: active services the user may see) for ``query``."""
    tokens = tokenize_query(query)
    result = SearchResult(query=(query or "").strip(), tokens=tokens)
    if not tokens:
        result.mode = "none"
        return result
    terms = [token_alternatives(token) for token in tokens]
    queryset = queryset.select_related("category", "organization")
    conditions = [_token_q(alternatives) for alternatives in terms]
    rows = list(queryset.filter(reduce(and_, conditions)))
    if not rows and len(tokens) > 1:
        result.mode = "or"
        rows = list(queryset.filter(reduce(or_, conditions)))
    scored = [(score_service(s, terms), index, s) for index, s in enumerate(rows)]
    scored.sort(key=lambda item: (-item[0][0], -item[0][1], item[1]))
    result.services = [s for _, _, s in scored[:limit]]
    return result
