"""Offline evaluation of routing on labelled JSON Lines files (``routing_eval``).

Each line: ``id``, ``text``, ``channel``, ``category``, ``org``, ``dup_group``. Only ``id``,
``text`` and ``channel`` are read to predict; the labels are used to train and to score."""

from __future__ import annotations

import json
import time
from collections import Counter
from pathlib import Path

from quntuan.routing.duplicates import DEFAULT_THRESHOLD, ClueWeights, DuplicateFinder
from quntuan.routing.model import Router, catalogue_examples, has_content, organization_of


def read_jsonl(path: str | Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


class KeywordBaseline:
    """Keyword-only routing: the category whose catalogue words (jieba words of its name, what it
    covers and its services, plus the training texts' most typical words) occur most often."""

    def fit(self, texts: list[str], labels: list[str]) -> KeywordBaseline:
        from quntuan.routing.segment import words

        per_cat: dict[str, Counter] = {}
        for t, c in [*zip(texts, labels, strict=True), *catalogue_examples()]:
            per_cat.setdefault(c, Counter()).update(set(words(t)))
        df = Counter()
        for cnt in per_cat.values():
            df.update(set(cnt))
        self.keywords = {c: {w for w, n in cnt.items() if len(w) >= 2 and df[w] <= 2 and n >= 1}
                         for c, cnt in per_cat.items()}
        self.classes = sorted(per_cat)
        return self

    def top3(self, text: str) -> list[str]:
        scores = {c: sum(1 for w in kw if w in text) for c, kw in self.keywords.items()}
        return sorted(self.classes, key=lambda c: (-scores[c], c))[:3]


class TextSimilarityFinder:
    """The duplicate baseline: plain wording similarity (character bigram TF-IDF cosine)."""

    def __init__(self, corpus: list[str], threshold: float = 0.5):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vec = TfidfVectorizer(analyzer="char", ngram_range=(2, 2)).fit(corpus or ["-"])
        self.threshold = threshold
        self.seen: list = []

    def check(self, key, text: str):
        v = self.vec.transform([text or ""])
        best, score = None, 0.0
        for k, u in self.seen:
            s = float((v @ u.T).toarray()[0, 0])
            if s > score:
                best, score = k, s
        self.seen.append((key, v))
        return best if score >= self.threshold else None


def evaluate(train_files: list[str], eval_file: str, *, baseline: str | None = None,
             predictions: str | None = None, threshold: float = DEFAULT_THRESHOLD) -> dict:
    train: list[dict] = []
    for f in train_files:
        train.extend(read_jsonl(f))
    texts = [r["text"] for r in train]
    labels = [r["category"] for r in train]
    if baseline == "keyword":
        model = KeywordBaseline().fit(texts, labels)

        def top3(text, channel):
            return model.top3(text)
    else:
        model = Router(use_rules=baseline != "ngram")
        if baseline == "ngram":
            from sklearn.feature_extraction.text import TfidfVectorizer
            from sklearn.linear_model import LogisticRegression
            from sklearn.pipeline import make_pipeline

            pipe = make_pipeline(TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True),
                                 LogisticRegression(C=20, max_iter=3000))
            pipe.fit(texts, labels)

            def top3(text, channel):
                p = pipe.predict_proba([text or ""])[0]
                return [pipe.classes_[i] for i in (-p).argsort()[:3]]
        else:
            model.fit(texts, labels)

            def top3(text, channel):
                return [s.category for s in model.suggest(text, channel, with_reasons=False)]

    weights = ClueWeights().fit(texts + [t for t, _ in catalogue_examples()])
    finder = DuplicateFinder(weights, threshold=threshold)
    text_finder = TextSimilarityFinder(texts)
    rows = read_jsonl(eval_file)
    out_lines = []
    t1 = t3 = org_ok = 0
    tp = fp = 0
    seen_groups: Counter = Counter()
    positives = 0
    group_of = {}
    elapsed = 0.0
    for r in rows:
        text, channel, rid = r.get("text") or "", r.get("channel"), r.get("id")
        start = time.perf_counter()
        cats = top3(text, channel) if has_content(text) else []
        if baseline in ("ngram", "keyword"):
            dup = text_finder.check(rid, text)
        else:
            dup, _ = finder.check(rid, text, tuple(cats) or ("",))
        elapsed += time.perf_counter() - start
        out_lines.append({"id": rid, "top3": cats, "duplicate_of": dup})
        # scoring (labels)
        cat = r.get("category")
        g = r.get("dup_group")
        group_of[rid] = g
        if cats:
            t1 += cats[0] == cat
            t3 += cat in cats
            org_ok += organization_of(cats[0]) == (r.get("org") or organization_of(cat or ""))
        if g:
            if seen_groups[g]:
                positives += 1
            seen_groups[g] += 1
        if dup is not None:
            if g and group_of.get(dup) == g:
                tp += 1
            else:
                fp += 1
    n = len(rows)
    if predictions:
        with open(predictions, "w", encoding="utf-8") as fh:
            for line in out_lines:
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    return {
        "category_top1": round(t1 / n, 4) if n else 0.0,
        "category_top3": round(t3 / n, 4) if n else 0.0,
        "org_accuracy": round(org_ok / n, 4) if n else 0.0,
        "dup_precision": round(tp / (tp + fp), 4) if (tp + fp) else 0.0,
        "dup_recall": round(tp / positives, 4) if positives else 0.0,
        "ms_per_request": round(1000 * elapsed / n, 3) if n else 0.0,
        "n": n,
    }


def confusion_by_org(train_files: list[str], eval_file: str) -> tuple[list[str], dict]:
    """Organization confusion counts (true → predicted) of the full model."""
    train = [r for f in train_files for r in read_jsonl(f)]
    model = Router().fit([r["text"] for r in train], [r["category"] for r in train])
    table: Counter = Counter()
    for r in read_jsonl(eval_file):
        s = model.suggest(r["text"], with_reasons=False)
        pred = s[0].organization if s else "-"
        table[(r.get("org") or organization_of(r["category"]), pred)] += 1
    orgs = sorted({a for a, _ in table} | {b for _, b in table})
    return orgs, dict(table)

