"""Chinese segmentation for routing: one jieba tokenizer per process, with the domain terms of
``terms.txt`` added so that words such as 欠薪, 盲道, 两癌筛查 or 侨眷 stay whole."""

from __future__ import annotations

import logging
import re
import threading
from functools import lru_cache
from pathlib import Path

TERMS_FILE = Path(__file__).with_name("terms.txt")
_lock = threading.Lock()
_WORD = re.compile(r"[\w\u4e00-\u9fff]")


@lru_cache(maxsize=1)
def _tokenizers():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import jieba
        import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    with _lock:
        tok = jieba.Tokenizer()
        tok.load_userdict(str(TERMS_FILE))
        pos = jieba.posseg.POSTokenizer(tok)
    return tok, pos


def domain_terms() -> list[str]:
    return [line.split()[0] for line in TERMS_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]


def words(text: str) -> list[str]:
    """jieba words of ``text`` without spaces and punctuation."""
    return list(_words(text or ""))


@lru_cache(maxsize=8192)
def _words(text: str) -> tuple[str, ...]:
    """``words``, remembered: fitting segments every training text once per fold, and one request
    is read by the suggestion, its reasons and the duplicate check."""
    tok, _ = _tokenizers()
    return tuple(w for w in tok.lcut(text) if _WORD.search(w))


def tagged(text: str) -> list[tuple[str, str]]:
    """(word, part-of-speech flag) pairs from jieba.posseg."""
    _, pos = _tokenizers()
    return [(p.word, p.flag) for p in pos.lcut(text or "") if _WORD.search(p.word)]


def subwords(word: str) -> list[str]:
    """The dictionary words inside a longer word, as jieba's search mode finds them
    (两癌筛查 → 两癌, 筛查), without the word itself."""
    tok, _ = _tokenizers()
    if len(word) < 4:
        return []
    return [w for w in tok.lcut_for_search(word, HMM=False) if w != word and len(w) >= 2]


def frequency(word: str) -> int:
    """The word's count in jieba's dictionary (0 when it is not there)."""
    tok, _ = _tokenizers()
    return tok.FREQ.get(word, 0)
