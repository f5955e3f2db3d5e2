"""Routing services: suggestions, duplicate checks, training and the versioned model store.

``routing_suggest`` never raises on odd text (empty, emoji only, very long): it answers with no
suggestion or with low confidence."""

from __future__ import annotations

import logging
import pickle
import random
import threading
from collections import OrderedDict
from functools import lru_cache

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from quntuan.accounts.services import audit_record
from quntuan.core.exceptions import NotFound
from quntuan.routing.duplicates import (
    DEFAULT_THRESHOLD,
    SAME_REQUESTER,
    ClueWeights,
    clue_sets,
    follow_up,
    follow_up_of_others,
    meet,
    similarity,
)
from quntuan.routing.model import Router, catalogue_examples, has_content
from quntuan.routing.models import RoutingLabel, RoutingModel

log = logging.getLogger(__name__)
_cache: dict = {}
_lock = threading.Lock()
HELD_OUT_SHARE = 0.2
MAX_TEXT = 20_000  # longer text is cut here: the clues of a matter are in its first lines
# A model learns from the newest confirmed cases, not the whole history: a district's history runs
# to millions of cases, and fitting on a million (two fits: the held-out comparison, then all)
# took over 20 minutes of two cores and 4 GB before it was stopped (docs/benchmarks.md).
TRAINING_CASES = 30_000


def _active_router() -> Router:
    """The active stored model (cached per process, keyed by version); with none stored, a small
    model trained on the catalogue texts on first use."""
    active = RoutingModel.objects.filter(is_active=True).values_list("id", "version").first()
    key = active[1] if active else 0
    with _lock:
        if _cache.get("key") == key and "router" in _cache:
            return _cache["router"]
        _recent.clear()
        if active:
            router = pickle.loads(bytes(RoutingModel.objects.get(id=active[0]).payload))  # noqa: S301 - our own rows
        else:
            router = Router().fit([], [])  # the catalogue texts and the shipped example requests
        _cache.update(key=key, router=router)
        return router


def reset_cache() -> None:
    with _lock:
        _cache.clear()
        _recent.clear()


# The suggestions of the last texts seen: the intake page asks for the suggestions and for the
# duplicate check of the same typed text (two htmx requests), so the second reuses the first's
# categories instead of running the model again. Keyed by the model in use and the text.
_recent: OrderedDict[tuple[int, str], tuple[str, ...]] = OrderedDict()
RECENT_SUGGESTIONS = 256


def _remember(key: tuple[int, str], categories: tuple[str, ...]) -> None:
    with _lock:
        _recent[key] = categories
        _recent.move_to_end(key)
        while len(_recent) > RECENT_SUGGESTIONS:
            _recent.popitem(last=False)


def routing_suggest(*, text: str | None, channel: str | None = None, service=None) -> list[dict]:
    """Top three {category, organization, confidence, reason}; [] when the text says nothing."""
    text = (text or "")[:MAX_TEXT]
    if service is not None:
        text = f"{getattr(service, 'name', '')}。{text}"
    if not has_content(text):
        return []
    router = _active_router()
    out = router.suggest(text, channel)
    if service is None:
        _remember((_cache.get("key", 0), text), tuple(s.category for s in out))
    return [s.as_dict() for s in out]


def routing_categories(*, text: str | None, channel: str | None = None) -> tuple[str, ...]:
    """The top three category codes for a text, without reasons (cheaper); () for odd text. The
    categories of a text suggested a moment ago (``routing_suggest``) are reused."""
    text = (text or "")[:MAX_TEXT]
    if not has_content(text):
        return ()
    router = _active_router()
    key = (_cache.get("key", 0), text)
    with _lock:
        known = _recent.get(key)
    if known is not None:
        return known
    categories = tuple(s.category for s in router.suggest(text, channel, with_reasons=False))
    _remember(key, categories)
    return categories


@transaction.atomic
def routing_label_record(*, actor, case, category, source: str, suggested=None) -> RoutingLabel | None:
    """Record the category a staff member confirmed or corrected for a case (training data for
    the next model). Called inside the service that set the category, so it is written in the
    same transaction. None when there is no category or the actor is not staff. ``suggested``:
    the first suggestion shown at the time (a Category), if any."""
    if category is None or case is None or not getattr(actor, "is_staff_member", False):
        return None
    if source not in RoutingLabel.Source.values:
        raise ValueError(source)
    return RoutingLabel.objects.create(case=case, category=category, actor=actor, source=source,
                                       suggested=suggested)


def intake_label_source(*, category, suggested) -> str:
    """How the category registered at intake relates to the first suggestion shown: accepted,
    overridden (another category: the model was wrong) or none shown."""
    if suggested is None:
        return RoutingLabel.Source.INTAKE
    return RoutingLabel.Source.ACCEPTED if suggested.pk == category.pk else RoutingLabel.Source.OVERRIDDEN


def routing_label_counts() -> dict[str, int]:
    """The number of labels by source (every source present, 0 when none), for the model page."""
    counts = dict.fromkeys(RoutingLabel.Source.values, 0)
    for source, n in RoutingLabel.objects.order_by().values_list("source").annotate(n=Count("id")):
        counts[source] = n
    return counts


def _confirmed_examples(limit: int | None = None) -> list[tuple[str, str]]:
    """The platform's own confirmed history, the newest ``limit`` cases (``TRAINING_CASES``):
    each case's latest staff label (confirmed or corrected category), and closed cases without a
    label with their final category. Oldest first."""
    from quntuan.cases.models import Case, CaseStatus

    rows = list(Case.objects.filter(Q(pk__in=RoutingLabel.objects.values("case_id"))
                                    | Q(status=CaseStatus.CLOSED, category__isnull=False))
                .values_list("pk", "title", "content", "category__code")
                .order_by("-id")[:TRAINING_CASES if limit is None else limit])
    rows.reverse()
    labelled: dict[int, str] = {}
    ids, chunk = [row[0] for row in rows], 5_000
    for start in range(0, len(ids), chunk):
        for case_id, code in (RoutingLabel.objects.filter(case_id__in=ids[start:start + chunk]).order_by("id")
                              .values_list("case_id", "category__code")):
            labelled[case_id] = code  # the latest label wins
    return [(f"{t}。{c}", labelled.get(pk, code)) for pk, t, c, code in rows if labelled.get(pk, code)]


def _score(router: Router, held: list[tuple[str, str]]) -> float:
    if not held:
        return 0.0
    ok = 0
    for text, code in held:
        s = router.suggest(text, with_reasons=False)
        ok += bool(s) and s[0].category == code
    return ok / len(held)


def split_held_out(examples: list[tuple[str, str]], share: float = HELD_OUT_SHARE, seed: int = 0):
    rows = list(examples)
    random.Random(seed).shuffle(rows)
    n = int(len(rows) * share)
    return rows[n:], rows[:n]


@transaction.atomic
def store_model(*, router: Router, metrics: dict, n_examples: int, activate: bool, note: str = "") -> RoutingModel:
    version = (RoutingModel.objects.select_for_update().aggregate(m=Max("version"))["m"] or 0) + 1
    if activate:
        RoutingModel.objects.filter(is_active=True).update(is_active=False)
    row = RoutingModel.objects.create(version=version, is_active=activate, payload=pickle.dumps(router),
                                      metrics=metrics, n_examples=n_examples, note=note[:200])
    transaction.on_commit(reset_cache)
    return row


def routing_retrain(*, actor=None, examples: list[tuple[str, str]] | None = None,
                    held_out: list[tuple[str, str]] | None = None, force: bool = False) -> RoutingModel:
    """Train a new model from the catalogue texts and confirmed cases (or ``examples``) and keep
    it active only if it scores at least as well as the active model on a held-out slice (a
    fifth of the examples, or ``held_out`` when given)."""
    examples = _confirmed_examples() if examples is None else list(examples)
    if held_out is None:
        train, held = split_held_out(examples)
    else:
        train, held = examples, list(held_out)
    candidate = Router().fit([t for t, _ in train], [c for _, c in train])
    new_score = _score(candidate, held)
    current = RoutingModel.objects.filter(is_active=True).first()
    old_score = _score(pickle.loads(bytes(current.payload)), held) if current else -1.0  # noqa: S301
    # with no held-out example there is nothing to compare: the active model stays
    keep = force or current is None or (bool(held) and new_score >= old_score)
    metrics = {"held_out_top1": round(new_score, 4), "held_out_n": len(held),
               "active_top1": round(old_score, 4) if current else None,
               "trained_at": timezone.now().isoformat()}
    if keep:
        # the kept model learns from everything, held-out slice included
        candidate = Router().fit([t for t, _ in examples], [c for _, c in examples])
    row = store_model(router=candidate, metrics=metrics, n_examples=len(examples), activate=keep,
                      note="" if keep else ("留存未启用:留出集为空,无法比较" if not held
                                            else "留存未启用:留出集得分低于在用模型"))
    audit_record(actor=actor, action="routing.retrain", object_type="routing_model", object_id=row.version,
                 detail={"active": row.is_active, "force": force, "n_examples": row.n_examples, **metrics})
    log.info("routing model v%s trained (held-out %.3f vs %.3f), active=%s", row.version, new_score, old_score, keep)
    return row


@transaction.atomic
def routing_activate(*, actor=None, version: int) -> RoutingModel:
    """Activate a stored model (rollback = activate an older version); audited."""
    row = RoutingModel.objects.select_for_update().filter(version=version).first()
    if row is None:
        raise NotFound("没有这个版本的分派模型。")
    previous = RoutingModel.objects.filter(is_active=True).values_list("version", flat=True).first()
    audit_record(actor=actor, action="routing.activate", object_type="routing_model", object_id=row.version,
                 detail={"previous": previous})
    RoutingModel.objects.filter(is_active=True).exclude(id=row.id).update(is_active=False)
    if not row.is_active:
        row.is_active = True
        row.save(update_fields=["is_active"])
    transaction.on_commit(reset_cache)
    return row


class _RememberedWeights(ClueWeights):
    """The clue weights with each clue's weight remembered: the same clues recur in every check
    (a pure function of the fitted corpus, which does not change once fitted)."""

    def weight(self, clue: str) -> float:
        memo = self.__dict__.setdefault("_memo", {})
        w = memo.get(clue)
        if w is None:
            if len(memo) > 200_000:
                memo.clear()
            w = memo[clue] = super().weight(clue)
        return w


def _weights() -> ClueWeights:
    with _lock:
        if "weights" not in _cache:
            _cache["weights"] = _RememberedWeights().fit([t for t, _ in catalogue_examples()])
        return _cache["weights"]


@lru_cache(maxsize=50_000)
def _clues_of(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """A candidate's clues computed from its text, remembered per process (only for candidates
    whose stored clues are missing or of an older extraction; the text is the key)."""
    spec, gen = clue_sets(text)
    return frozenset(spec), frozenset(gen)


def clue_version() -> int:
    """The version of the clue extraction: stored clues of another version are recomputed."""
    from quntuan.routing import duplicates

    return int(duplicates.CLUE_VERSION)


def clues_to_store(text: str | None) -> dict:
    """A case's clues as stored with it at intake: ``{"v": version, "s": [specific], "g":
    [general]}``, so that the duplicate check reads them instead of segmenting every candidate."""
    spec, gen = _clues_of(str(text or "")[:MAX_TEXT]) if has_content(text) else (frozenset(), frozenset())
    return {"v": clue_version(), "s": sorted(spec), "g": sorted(gen)}


def clues_from_stored(value, version: int | None = None) -> tuple[frozenset[str], frozenset[str]] | None:
    """(specific, general) from a stored value, or None when it is missing, malformed or of
    another extraction version (the caller recomputes it from the text)."""
    if not isinstance(value, dict) or value.get("v") != (clue_version() if version is None else version):
        return None
    spec, gen = value.get("s"), value.get("g")
    if not isinstance(spec, list) or not isinstance(gen, list):
        return None
    return frozenset(spec), frozenset(gen)


def routing_duplicates(*, text: str | None, candidates: list[dict], limit: int = 5,
                       threshold: float = DEFAULT_THRESHOLD, categories: tuple[str, ...] | None = None) -> list[dict]:
    """Likely duplicates of ``text`` among ``candidates`` ({id, text, category?} or, with the
    clues already known, {id, clues: (specific, general), category?}; ``same_requester``: true
    when the candidate's requester is the new text's, which adds ``SAME_REQUESTER`` as a clue to
    both, false when it is known to be someone else's, missing when unknown; a text that says it
    follows an earlier request needs less evidence, but not against someone else's case unless
    it says others asked before), best first, each with its score and the clues both share. The caller passes only rows the user may see (open and
    recent cases of the same community or address). ``categories``: the text's suggested
    categories when the caller has them already (else they are computed)."""
    if not has_content(text):
        return []
    text = text[:MAX_TEXT]
    if not categories:
        sugg = _active_router().suggest(text, with_reasons=False)
        categories = tuple(s.category for s in sugg)
    cats = tuple(categories) or ("",)
    org = cats[0].split(".", 1)[0]
    weights = _weights()
    spec, gen = clue_sets(text)
    mine = spec | gen
    # 上周已电话咨询过: the earlier request is likely among the candidates, and is the requester's
    # own unless the text says others asked (之前已有工友反映过)
    again = follow_up(text)
    others_asked = again and follow_up_of_others(text)
    found = []
    for c in candidates[:500]:
        ccat = c.get("category") or ""
        if ccat and org and ccat.split(".", 1)[0] != org and ccat not in cats:
            continue  # another organization's matter: not the same request
        known = c.get("clues")
        if known is not None:
            cspec, cgen = known
        else:
            ctext = str(c.get("text") or "")[:MAX_TEXT]
            if not has_content(ctext):
                continue
            cspec, cgen = _clues_of(ctext)
        if not cspec and not cgen:
            continue
        a, a_spec = mine, spec
        if c.get("same_requester"):
            a, a_spec = mine | {SAME_REQUESTER}, spec | {SAME_REQUESTER}
            cspec = frozenset(cspec) | {SAME_REQUESTER}
        mine_met, theirs_met = meet(a, cspec | cgen, a_spec | cspec)  # 恒达 (那个厂) meets 恒达公司
        shared = mine_met & theirs_met
        relaxed = again and (c.get("same_requester") is not False or others_asked)
        if not (a_spec & cspec) and len(shared) < (1 if relaxed else 2):
            continue
        typical = weights.typical_of(cats[0], ccat or cats[0])  # 两癌筛查 at one community: two women
        score = similarity(
            a, cspec | cgen, weights, a_spec | cspec, relaxed, typical, met=(mine_met, theirs_met)
        )
        if score >= threshold:
            found.append({"id": c.get("id"), "score": round(score, 3), "shared": sorted(shared, key=lambda c: (c != SAME_REQUESTER, c))[:8]})
    found.sort(key=lambda d: -d["score"])
    return found[:limit]
