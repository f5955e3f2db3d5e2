"""The routing model: jieba words + character n-grams (TF-IDF) into a logistic regression, with
the catalogue's routing rules (``rules.py``) overriding it where they are certain.

Pure Python + scikit-learn; a fitted ``Router`` pickles into a ``RoutingModel`` row."""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import threading
from collections import OrderedDict
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from quntuan.routing import rules
from quntuan.routing.segment import words

MAX_CHARS = 2000  # longer text is cut: the first part says what the matter is
RULE_CONFIDENCE = 0.9
MAX_CONFIDENCE = 0.99  # nothing said in free text is certain
HINT_BOOST = 0.25
# A certain rule gives way when the classifier (before cues, after calibration) is at least this
# sure of another category: a rule reads one phrase ("工伤", "家政", "房产证"), while the request
# may say the matter is settled or only background, or that another organization sent the writer on.
RULE_OVERRULE: float | None = 0.9
# except these rules, which decide between organizations that share one word or where the writer
# names another organization's programme (blind sets 103-106):
# - a worker's child is the union's 金秋助学 even when the request names the League's 希望工程,
#   which the classifier has learnt as the League's word;
# - a disabled person's device or own job is the disabled persons' federation's even when the
#   union's 困难职工帮扶 or the women's 巾帼 is named (not every rehabilitation word: a firm that
#   makes rehabilitation equipment is no patient);
# - a mother's low mood after birth is the women's federation's even when the League's
#   counselling is asked for;
# - an overseas family's house at home in dispute, or a returned overseas Chinese in hardship who
#   never worked for a firm, is the rights service, not the liaison nor the union's 送温暖.
RULE_FIRM: frozenset[str] = frozenset(
    {"student_aid", "disability_device", "disability_job", "perinatal", "overseas_rights"}
)
# words that never explain a routing decision (function words, what every request says)
REASON_STOP = frozenset(
    "我们 你们 他们 她们 什么 怎么 怎么办 可以 能不能 有没有 是不是 一下 一个 这个 那个 现在 已经 还是 就是 "
    "反映 来电 来电人 来访 来访人 市民 本人 咨询 请问 希望 帮忙 帮助 问题 情况 时候 知道 需要 问问 想问 "
    "没有 不是 不能 可能 以后 之前 今年 去年 一直 还有 因为 所以 但是 如果 或者 以及 相关 其他".split()
)
# numbers and measure words ("三个", "三个月", "500元", "两年") say nothing about the matter
_NUMERAL_WORD = re.compile(
    r"^(?:[0-9０-９零〇一二两三四五六七八九十百千万亿几半多]+[个月年天日周次元块岁号位名人家件层栋户小时分钟多余]*"
    r"|个月|多月|多年|多天)$"
)
_CJK_OR_WORD = re.compile(r"[A-Za-z0-9\u4e00-\u9fff]")


def organization_of(category: str) -> str:
    return category.split(".", 1)[0]


def catalogue_examples() -> list[tuple[str, str]]:
    """(text, category) pairs from what the project ships: category names, what they take in,
    and the typical services' names and descriptions."""
    from quntuan.catalog.data import CATEGORIES, SERVICES

    out: list[tuple[str, str]] = []
    for c in CATEGORIES:
        out.append((f"{c['name']}。{c['covers']}", c["code"]))
        for s in SERVICES.get(c["code"], []):
            out.append((f"{s['name']}。{s['description']}", c["code"]))
    return out


# Example requests written for the project (``corpus/*.jsonl``: text and category), the shipped
# complement of the platform's own confirmed cases: every category in several registers and
# many boundary cases, so that a fresh installation routes well before it has a history.
CORPUS_DIR = Path(__file__).with_name("corpus")
CORPUS_WEIGHT = 1.0  # sample weight of a shipped example against a confirmed case (1.0)


# Fitting on the shipped examples takes seconds; the same data fitted again in one process (the
# fallback model after a cache reset, a retraining on unchanged cases) reuses the fitted parts,
# which are never changed after fitting. Keyed by the training data and the settings.
FIT_MEMO = 4
_fitted: OrderedDict[str, tuple] = OrderedDict()
_fit_lock = threading.Lock()


# Fitting runs the model and the folds of its calibration side by side on up to this many threads.
FIT_THREADS = max(1, min(4, os.cpu_count() or 1))


def _fit_one(clf: LogisticRegression, X: list[str], y, sample_weight=None) -> tuple[FeatureUnion, LogisticRegression]:
    """Fresh features and ``clf`` fitted on ``X``."""
    features = _features()
    return features, clf.fit(features.fit_transform(X), y, sample_weight=sample_weight)


@lru_cache(maxsize=1)
def example_requests() -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for path in sorted(CORPUS_DIR.glob("*.jsonl")):
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    row = json.loads(line)
                    out.append((row["text"], row["category"]))
    return tuple(out)


def clean(text: str | None) -> str:
    return (text or "")[:MAX_CHARS]


_ORG = r"(妇联|工会|团委|团区委|共青团|残联|侨联|科协)"
# "妇联你好", "团委老师": whom the request addresses, not what it is about
_ADDRESSEE = re.compile(rf"{_ORG}的?(你好|您好|同志|大姐|阿姨|老师|领导|工作人员)")
# "我是工会会员,", "本人系团员。": a membership says who asks, never what is asked. Identities that
# are part of a matter (归侨 for 侨房 and 归侨帮扶, 残疾人 for the disability services, 困难职工) stay.
_IDENTITY = re.compile(
    r"(我|本人|来电人|来访人|他|她)(自称|称)?(是|系)(一[名个位]|个|区|本区)?"
    r"(团员|共青团员|工会会员|会员|党员|志愿者|注册志愿者|学会会员|女同志)"
    r"(?=[,，。;；、!！\s]|$)"
)


# any statement of who asks ("我是侨眷", "本人系退休职工"): dropped when asking whether the matter
# itself is a government one
_WHO_ASKS = re.compile(
    r"(我|本人|来电人|来访人|他|她|我爸|我妈|我父亲|我母亲|老人)(自称|称)?(是|系)(一[名个位]|个|区|本区)?"
    r"[^,，。;；、!！\s]{0,4}?"
    r"(归侨|侨眷|华侨|归侨子女|侨眷子女|残疾人|残疾人士|盲人|聋人|聋哑人|听障人士|视障人士|退休工人|退休职工|"
    r"职工|工人|女职工|农民工|下岗职工|单亲妈妈|宝妈|大学生|学生|团员|共青团员|工会会员|会员|党员|志愿者|"
    r"低保户|困难职工|科技工作者)"
    r"(?=[,，。;；、!！\s]|$)"
)
IDENTITY_BACKOFF = True


def without_who_asks(text: str) -> str | None:
    """``text`` without statements of who asks, or None when there is none (or nothing is left)."""
    stripped = _WHO_ASKS.sub("", text)
    return stripped if stripped != text and has_content(stripped) else None


# a pupil's sex says nothing about where the matter goes (女生 被同学骂 is youth care, not women's rights)
_PUPIL_NEUTRAL = {
    "女生": "学生",
    "男生": "学生",
    "女同学": "同学",
    "男同学": "同学",
    "女孩子": "孩子",
    "男孩子": "孩子",
    "女孩": "孩子",
    "男孩": "孩子",
}
_PUPIL = re.compile("|".join(sorted(_PUPIL_NEUTRAL, key=len, reverse=True)))


def matter(text: str | None) -> str:
    """What the classifier reads: the text without whom it addresses and without a bare statement of
    membership, so that "妇联你好,我是工会会员,楼上太吵" is read as ",楼上太吵"."""
    t = clean(text)
    stripped = _IDENTITY.sub("", _ADDRESSEE.sub("", t))
    stripped = _PUPIL.sub(lambda m: _PUPIL_NEUTRAL[m.group(0)], stripped)
    return stripped if has_content(stripped) else t


def has_content(text: str | None) -> bool:
    return bool(_CJK_OR_WORD.search(text or ""))


def _features() -> FeatureUnion:
    return FeatureUnion(
        [
            ("char", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=1)),
            (
                "word",
                TfidfVectorizer(
                    tokenizer=words,
                    token_pattern=None,
                    lowercase=False,
                    sublinear_tf=True,
                    ngram_range=(1, 2),
                ),
            ),
        ]
    )


@dataclass
class Suggestion:
    category: str
    organization: str
    confidence: float
    reason: str

    def as_dict(self) -> dict:
        return {
            "category": self.category,
            "organization": self.organization,
            "confidence": round(self.confidence, 3),
            "reason": self.reason,
        }


@dataclass
class Router:
    """A fitted classifier plus the rules. ``use_rules=False`` gives the plain statistical model."""

    C: float = 20.0
    use_rules: bool = True
    calibrate: bool = True
    features: FeatureUnion | None = None
    clf: LogisticRegression | None = None
    classes: list[str] = field(default_factory=list)
    vocab_terms: list[str] = field(default_factory=list)
    temperature: float = 1.0  # fitted on out-of-fold probabilities (``_fit_temperature``)
    read_matter: bool = True  # the classifier reads ``matter(text)``; False in models stored before it
    with_corpus: bool = True  # train on the shipped example requests too (``example_requests``)

    def fit(self, texts: list[str], labels: list[str], *, with_catalogue: bool = True) -> Router:
        pairs = list(zip(texts, labels, strict=True))
        weights = [1.0] * len(pairs)
        if with_catalogue:
            pairs += catalogue_examples()
            corpus = example_requests() if self.with_corpus else ()
            pairs += corpus
            weights += [1.0] * (len(pairs) - len(weights) - len(corpus)) + [CORPUS_WEIGHT] * len(corpus)
        key = hashlib.sha256(
            repr((pairs, weights, self.C, self.calibrate, self.use_rules, self.read_matter)).encode()
        ).hexdigest()
        with _fit_lock:
            fitted = _fitted.get(key)
            if fitted is not None:
                _fitted.move_to_end(key)
        if fitted is None:
            X = [self._reads(t) for t, _ in pairs]
            y = [c for _, c in pairs]
            self.classes = [str(c) for c in np.unique(y)]  # what the classifier's classes_ will be
            # the model and the folds of its calibration are independent fits: the solver runs
            # without the GIL, so they share the cores (the same results as one after another)
            with ThreadPoolExecutor(max_workers=FIT_THREADS) as pool:
                main = pool.submit(_fit_one, self._classifier(), X, y, np.asarray(weights))
                temperature = self._fit_temperature(X, y, pool) if self.calibrate else 1.0
                features, clf = main.result()
            fitted = (features, clf, temperature)
            with _fit_lock:
                _fitted[key] = fitted
                while len(_fitted) > FIT_MEMO:
                    _fitted.popitem(last=False)
        self.features, self.clf, self.temperature = fitted
        self.classes = [str(c) for c in self.clf.classes_]
        return self

    def _classifier(self) -> LogisticRegression:
        return LogisticRegression(
            C=self.C, solver="saga", tol=1e-3, max_iter=400, class_weight="balanced", random_state=0
        )

    def _fit_temperature(self, X: list[str], y: list[str], pool: Executor, folds: int = 3) -> float:
        """Temperature scaling: one scalar T that makes the classifier's probabilities honest,
        chosen to minimize the log-loss of out-of-fold predictions (a model never scores the
        texts it was trained on). With too little data to split, T stays 1."""
        from sklearn.model_selection import StratifiedKFold

        counts = np.unique(y, return_counts=True)[1]
        if len(y) < 60 or counts.min() < folds:
            return 1.0
        y_arr = np.asarray(y)
        logp = np.zeros((len(y), len(self.classes)))
        splits = list(StratifiedKFold(folds, shuffle=True, random_state=0).split(X, y))
        fits = [pool.submit(_fit_one, self._classifier(), [X[i] for i in tr], y_arr[tr]) for tr, _ in splits]
        for (_, te), job in zip(splits, fits, strict=True):
            feats, clf = job.result()
            p = clf.predict_proba(feats.transform([X[i] for i in te]))
            cols = [self.classes.index(c) for c in clf.classes_]
            full = np.full((len(te), len(self.classes)), 1e-9)
            full[:, cols] = p
            for row, i in enumerate(te):
                full[row] = self._with_cues(full[row], X[i])[0]
            logp[te] = np.log(np.clip(full, 1e-9, 1.0))
        truth = np.array([self.classes.index(c) for c in y])

        def nll(t: float) -> float:
            z = logp / t
            z = z - z.max(axis=1, keepdims=True)
            lz = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
            return float(-lz[np.arange(len(y)), truth].mean())

        grid = np.exp(np.linspace(np.log(0.2), np.log(3.0), 41))
        return float(grid[int(np.argmin([nll(t) for t in grid]))])

    def proba(self, texts: list[str]) -> np.ndarray:
        """The classifier's own probabilities (before cues and temperature)."""
        return self.clf.predict_proba(self.features.transform([self._reads(t) for t in texts]))

    def _reads(self, text: str | None) -> str:
        return matter(text) if getattr(self, "read_matter", False) else clean(text)

    def _with_cues(self, p: np.ndarray, text: str) -> tuple[np.ndarray, dict]:
        """Add ``HINT_BOOST`` for every soft topic cue of the rules and renormalize."""
        cue_of: dict[str, rules.RuleHit] = {}
        if not self.use_rules:
            return p, cue_of
        p = p.copy()
        for cue in rules.cues(text):
            if cue.category in self.classes:
                cue_of[cue.category] = cue
                p[self.classes.index(cue.category)] += HINT_BOOST
        return p / p.sum(), cue_of

    def _identity_backoff(self, p: np.ndarray, text: str) -> np.ndarray:
        """Who asks must not decide alone: when the request read without its statements of who
        asks is a government matter for the classifier, that reading wins ("我是侨眷,楼上漏水")."""
        if not (self.use_rules and IDENTITY_BACKOFF) or "other.government" not in self.classes:
            return p
        stripped = without_who_asks(text)
        if stripped is None:
            return p
        q = self.proba([stripped])[0]
        gov = self.classes.index("other.government")
        if int(np.argmax(q)) == gov and int(np.argmax(p)) != gov:
            return q
        return p

    def _sharpen(self, p: np.ndarray) -> np.ndarray:
        """Temperature scaling (monotone: the order of the categories does not change)."""
        t = getattr(self, "temperature", 1.0)  # models pickled before calibration existed
        if t == 1.0:
            return p
        z = np.log(np.clip(p, 1e-12, 1.0)) / t
        z = np.exp(z - z.max())
        return z / z.sum()

    def _top_words(self, text: str, category: str, k: int = 3) -> list[str]:
        """The jieba words of ``text`` that weigh most for ``category`` in the word features."""
        word_vec: TfidfVectorizer = dict(self.features.transformer_list)["word"]
        vocab = word_vec.vocabulary_
        n_char = len(dict(self.features.transformer_list)["char"].vocabulary_)
        coef = self.clf.coef_[self.classes.index(category)]
        scored = {}
        for w in set(words(clean(text))):
            if len(w) < 2 or w in REASON_STOP or _NUMERAL_WORD.match(w):
                continue
            j = vocab.get(w)
            if j is not None and coef[n_char + j] > 0:
                scored[w] = coef[n_char + j]
        return [w for w, _ in sorted(scored.items(), key=lambda kv: -kv[1])[:k]]

    def suggest(
        self, text: str | None, channel: str | None = None, k: int = 3, with_reasons: bool = True
    ) -> list[Suggestion]:
        if not has_content(text):
            return []
        text = clean(text)
        p = self.proba([text])[0]
        hit = rules.route_rules(text) if self.use_rules else None
        if hit is not None and RULE_OVERRULE is not None and hit.category in self.classes and hit.rule not in RULE_FIRM:
            q = self._sharpen(p)
            best = int(np.argmax(q))
            if self.classes[best] != hit.category and q[best] >= RULE_OVERRULE:
                hit = None  # the classifier is much surer of another category than the rule's reading
        cue_of: dict = {}
        if hit is None:
            p = self._identity_backoff(p, text)
            p, cue_of = self._with_cues(p, text)
        p = self._sharpen(p)
        order = list(np.argsort(-p))
        out: list[Suggestion] = []
        if hit is not None and hit.category in self.classes:
            i = self.classes.index(hit.category)
            order.remove(i)
            order.insert(0, i)
            conf = min(max(float(p[i]), RULE_CONFIDENCE), MAX_CONFIDENCE)
            out.append(Suggestion(hit.category, organization_of(hit.category), conf, f"规则:{hit.reason}"))
            rest = 1.0 - conf
            scale = rest / max(1e-9, sum(float(p[j]) for j in order[1:]))
        else:
            scale = 1.0
        for i in order:
            if len(out) >= k:
                break
            cat = self.classes[i]
            if out and out[0].category == cat:
                continue
            conf = min(float(p[i]) * scale, MAX_CONFIDENCE)
            if with_reasons:
                if cat in cue_of:
                    reason = f"提示:{cue_of[cat].reason}"
                else:
                    top = self._top_words(text, cat)
                    reason = ("关键词:" + "、".join(top)) if top else "文本整体相似"
            else:
                reason = ""
            out.append(Suggestion(cat, organization_of(cat), conf, reason))
        if not math.isfinite(out[0].confidence):
            return []
        return out
