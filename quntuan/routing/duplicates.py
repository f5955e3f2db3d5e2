"""Likely duplicates: the same matter told in other words shares its concrete clues — the place
(roads, communities, building numbers), the company or school, the person and the problem — not
its wording. Clues come from regular expressions and jieba's part-of-speech tags (ns/nt/nr/nz
and nouns); two requests are compared by the rarity-weighted overlap of their clues, only when
their likeliest categories agree (one's first among the other's first two) and within a time window."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from quntuan.routing.segment import tagged

DEFAULT_THRESHOLD = 0.40  # best F0.5 on train's dup groups (precision first)
DEFAULT_WINDOW_DAYS = 60
SPECIFIC_BOOST = 1.5
RARE_DF = 5  # a shared concrete clue must be rare in the training corpus

_PLACE = re.compile(
    r"[\u4e00-\u9fff]{2,4}(?:路|街|大道|巷|村|镇|小区|社区|花园|新村|园区|街道|里(?=小区|社区|\d|[一二三四五六七八九十]+栋))(?:[0-9一二三四五六七八九十]+号)?"
)
_UNIT = re.compile(
    r"[\u4e00-\u9fffA-Za-z]{1,6}?(?:小学|中学|学校|医院|公司|厂|KTV|ktv|集团|幼儿园|科技馆|工地|项目|大厦|广场|车站|地铁站)"
)
_NUMBER = re.compile(r"[0-9一二三四五六七八九十百]+(?:号|栋|幢|单元|期|亩|年级)")
_PERSON = re.compile(r"([\u4e00-\u9fff])(?:某某|某|先生|女士|师傅|老伯|大爷|阿姨|老师|伯)|老([王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘])")
_AMOUNT = re.compile(r"[0-9一二三四五六七八九十百千万]+(?:万|元|块|个月|小时|天)")
_KEEP_FLAGS = ("ns", "nt", "nr", "nz", "nrt", "n", "vn", "nrfg", "eng")
_STOP = {
    "来电人", "来电", "来访人", "来访", "反映", "希望", "请求", "问题", "情况", "时候", "现在", "事情",
    "部门", "本人", "市民", "联系人", "咨询", "工作", "帮助", "帮忙", "申请", "办理", "材料", "政策",
    "孩子", "家里", "东西", "地方", "电话", "有人", "大家", "区里", "多次", "相关", "小区", "社区",
}


# Kinship, role and kind-of-place words that jieba tags as names or the unit pattern catches: they
# say what kind of person or place, not which one, so they count as problem words, not clues.
_GENERIC = {
    "老公", "丈夫", "老婆", "妻子", "母亲", "父亲", "儿子", "女儿", "孩子", "爸爸", "妈妈", "老伴", "婆婆",
    "家人", "女士", "先生", "老人", "司机", "师傅", "老师", "同学", "邻居", "员工", "职工", "工人", "社区",
    "小区", "医院", "学校", "公司", "单位", "工地", "平台", "项目", "公交公司",
}
_SPECIFIC_FLAGS = ("ns", "nt", "nr", "nz", "nrt", "nrfg")
_NOISE = re.compile(r"^(来电|来访|反映|本人|市民|都|在|去|到|至|从|住|是|的|和|家|那|这|我|他|她)")


def _trim(s: str) -> str:
    while s and _NOISE.match(s) and len(s) > 2:
        s = _NOISE.sub("", s, count=1)
    return s


def clue_sets(text: str) -> tuple[set[str], set[str]]:
    """(specific, general) clues: specific ones name *this* matter — places, units, numbers,
    persons (regular expressions and jieba's ns/nt/nr/nz tags); general ones are the nouns that
    name the problem."""
    t = (text or "")[:2000]
    specific: set[str] = set()
    general: set[str] = set()
    for m in _PERSON.finditer(t):
        specific.add((m.group(1) or m.group(2)) + "某")  # 张大爷, 张老伯 → 张某
    for rx in (_PLACE, _UNIT, _NUMBER, _AMOUNT):
        for m in rx.finditer(t):
            s = _trim(m.group(0))
            if len(s) >= 2 and s not in _STOP:
                specific.add(s)
    for w, flag in tagged(t):
        if len(w) < 2 or w in _STOP:
            continue
        if flag.startswith(_SPECIFIC_FLAGS):
            specific.add(w)
        elif flag.startswith(_KEEP_FLAGS):
            general.add(w)
    generic = specific & _GENERIC
    return specific - generic, general | generic


def clues(text: str) -> set[str]:
    """All clues of a request (specific and general)."""
    specific, general = clue_sets(text)
    return specific | general


@dataclass
class ClueWeights:
    """Inverse document frequency of clues, learned from a corpus: a clue that many requests
    share (e.g. 工资) weighs little, a road name or a company weighs a lot."""

    n_docs: int = 0
    df: Counter = field(default_factory=Counter)

    def fit(self, texts: list[str]) -> ClueWeights:
        self.n_docs = len(texts)
        self.df = Counter()
        for t in texts:
            self.df.update(clues(t))
        return self

    def weight(self, clue: str) -> float:
        return math.log((1 + self.n_docs) / (1 + self.df.get(clue, 0))) + 1.0


def similarity(a: set[str], b: set[str], weights: ClueWeights,
               specific: frozenset[str] | set[str] = frozenset()) -> float:
    """Weighted overlap of two clue sets, 0..1 (a weighted cosine); concrete clues (places,
    units, persons, numbers) weigh ``SPECIFIC_BOOST`` times more than problem words."""
    if not a or not b:
        return 0.0
    shared = a & b
    if not shared:
        return 0.0

    def w(c: str) -> float:
        return weights.weight(c) * (SPECIFIC_BOOST if c in specific else 1.0)

    wa = math.sqrt(sum(w(c) ** 2 for c in a))
    wb = math.sqrt(sum(w(c) ** 2 for c in b))
    return sum(w(c) ** 2 for c in shared) / (wa * wb)


@dataclass
class Seen:
    key: object
    clues: set[str]
    specific: set[str]
    organization: str
    categories: tuple[str, ...]
    day: float = 0.0


class DuplicateFinder:
    """Requests arrive one by one; ``check`` returns the earlier request this one most likely
    repeats (or None) and then remembers it."""

    def __init__(self, weights: ClueWeights, threshold: float = DEFAULT_THRESHOLD,
                 window_days: float = DEFAULT_WINDOW_DAYS):
        self.weights = weights
        self.threshold = threshold
        self.window_days = window_days
        self.seen: list[Seen] = []

    def best(self, text: str, categories: tuple[str, ...], day: float = 0.0):
        spec, gen = clue_sets(text)
        c = spec | gen
        best_key, best_score = None, 0.0
        for s in self.seen:
            if abs(day - s.day) > self.window_days:
                continue
            if categories and not (categories[0] in s.categories[:2] or s.categories[:1] and
                                   s.categories[0] in categories[:2]):
                continue  # the two requests are not about the same kind of matter
            rare_spec = sum(1 for x in spec & s.specific if self.weights.df.get(x, 0) <= RARE_DF)
            rare_all = sum(1 for x in c & s.clues if self.weights.df.get(x, 0) <= RARE_DF)
            if rare_spec < 1 and rare_all < 2:
                continue  # no shared concrete clue (place, unit, person, number) nor rare problem words
            score = similarity(c, s.clues, self.weights, spec | s.specific)
            if score > best_score:
                best_key, best_score = s.key, score
        return (spec, c), best_key, best_score

    def check(self, key, text: str, categories: tuple[str, ...], day: float = 0.0):
        (spec, c), best_key, score = self.best(text, categories, day)
        org = categories[0].split(".", 1)[0] if categories else ""
        self.seen.append(Seen(key, c, spec, org, tuple(categories), day))
        return (best_key if score >= self.threshold else None), score
