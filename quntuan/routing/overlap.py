"""Overlap matrix: which services of different organizations cover the same needs, so that the
organizations can agree who leads (legal aid, for one, is offered by the union, the women's
federation and the legal-aid centre).

Two sources, both for one district:

* The catalogue (``catalog_overlaps``). Every active service of an active organization is one
  document: its name (twice), its description and — when the category is its own
  organization's — the category's name and scope, cut into words by jieba with the routing
  dictionary (``segment.words``), generic words dropped. TF-IDF (sublinear tf, l2 norm) over the
  district's services; two services of *different* organizations whose cosine is at least
  ``SIMILARITY_MIN`` and that share at least ``MIN_SHARED_WORDS`` words overlap; the shared
  words with the largest weight say why. The result is cached under a fingerprint of the
  catalogue (services, categories, organizations: counts, sums of ids, last change), so any
  change to the catalogue recomputes it on the next request and nothing is invalidated by hand.
* The cases (``case_flows``). Aggregate queries only, never a case list: transfers asked,
  accepted and returned between organizations by category (``CaseEvent``), co-handlings, and
  cases of one organization's category handled by another where they came in, without a
  transfer (the same need taken up at another organization's window). The case figures are
  cached for ``FLOWS_CACHE_SECONDS`` (a planning view: a few minutes old is fine).

``overlap_matrix`` combines both into organization × organization cells and a list of pairs;
``pair_examples`` and ``examples_for_pairs`` pick example cases among those the viewer may see.
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, F, Max, Q, Sum

SIMILARITY_MIN = 0.12
MIN_SHARED_WORDS = 2  # one shared word (免费, 关爱) is a coincidence, not a common need
MAX_TERMS = 5
MAX_SERVICE_PAIRS = 400
CACHE_SECONDS = 7 * 24 * 3600
CACHE_PREFIX = "routing:overlap:catalog:v1"
FLOWS_CACHE_SECONDS = 600
FLOWS_CACHE_PREFIX = "routing:overlap:flows:v1"
LEVELS = 5  # colour steps of the matrix
CANDIDATES = 200  # latest transfers and co-handlings of a pair looked at for examples

# Words every service text uses whatever it is about: they say nothing about the need.
GENERIC_WORDS = frozenset(
    "申请 咨询 提供 相关 协助 办理 问题 服务 可以 符合 条件 情况 需要 以及 或者 进行 等等 如有 有关 "
    "报名 预约 查询 反映 说明 材料 证明 身份证 联系 联系方式 告知 解答 指导 帮助 帮扶 开展 参加 "
    "包括 各类 其他 不同 每年 一次性 方面 本区 区里 居民 群众 我们 他们 为了 已经 通过 根据 按照 "
    "对于 由于 以及 并且 同时 事项 类别 受理 登记 转交 转办 部门 单位 组织 人员 工作 活动".split()
)


# --- the catalogue ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ServiceDoc:
    id: int
    name: str
    organization_id: int
    category_code: str
    category_name: str
    words: tuple[str, ...]


def document_words(*, name: str, description: str = "", category_name: str = "", covers: str = "") -> list[str]:
    """The words a service is compared by (the name counts twice)."""
    from quntuan.routing.segment import words

    text = "。".join(part for part in (name, name, description, category_name, covers) if part)
    return [w for w in words(text) if len(w) >= 2 and w not in GENERIC_WORDS and not w.isdigit()]


def similar_services(docs: list[ServiceDoc], *, threshold: float = SIMILARITY_MIN,
                     min_shared: int = MIN_SHARED_WORDS, max_terms: int = MAX_TERMS) -> list[dict]:
    """Pure: service pairs of different organizations with TF-IDF cosine ≥ ``threshold`` and at
    least ``min_shared`` shared words, best first, each with the shared words that weigh most
    (``terms``)."""
    docs = [d for d in docs if d.words]
    if len(docs) < 2:
        return []
    df: dict[str, int] = defaultdict(int)
    for d in docs:
        for w in set(d.words):
            df[w] += 1
    n = len(docs)
    vectors: list[dict[str, float]] = []
    for d in docs:
        tf: dict[str, int] = defaultdict(int)
        for w in d.words:
            tf[w] += 1
        # sklearn's smooth idf and sublinear tf, so the figures match TfidfVectorizer's
        vec = {w: (1 + math.log(c)) * (math.log((1 + n) / (1 + df[w])) + 1) for w, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({w: v / norm for w, v in vec.items()})
    pairs = []
    for i in range(n):
        vi, di = vectors[i], docs[i]
        for j in range(i + 1, n):
            dj = docs[j]
            if dj.organization_id == di.organization_id:
                continue
            vj = vectors[j]
            small, large = (vi, vj) if len(vi) <= len(vj) else (vj, vi)
            shared = {w: v * large[w] for w, v in small.items() if w in large}
            score = sum(shared.values())
            if score < threshold or len(shared) < min_shared:
                continue
            a, b = (di, dj) if di.organization_id < dj.organization_id else (dj, di)
            terms = [w for w, _ in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:max_terms]]
            pairs.append({
                "a": _service_ref(a), "b": _service_ref(b), "score": round(score, 3), "terms": terms,
            })
    pairs.sort(key=lambda p: (-p["score"], p["a"]["id"], p["b"]["id"]))
    return pairs


def _service_ref(d: ServiceDoc) -> dict:
    return {"id": d.id, "name": d.name, "organization_id": d.organization_id,
            "category": d.category_code, "category_name": d.category_name}


def catalog_fingerprint(district_id: int) -> str:
    """Changes whenever a service, category or organization of the district is added, removed or
    edited: three aggregate queries, no rows."""
    from quntuan.catalog.models import Category, Service
    from quntuan.organizations.models import Organization

    services = Service.objects.filter(organization__district_id=district_id).aggregate(
        n=Count("id"), ids=Sum("id"), last=Max("updated_at"), active=Count("id", filter=Q(is_active=True)))
    orgs = Organization.objects.filter(district_id=district_id).aggregate(
        n=Count("id"), ids=Sum("id"), last=Max("updated_at"), active=Count("id", filter=Q(is_active=True)))
    # Categories have no change time; their texts are few and short, so they are hashed whole.
    categories = list(Category.objects.order_by("id").values_list("id", "name", "covers"))
    raw = repr((sorted(services.items()), sorted(orgs.items()), categories))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


def _load_docs(district_id: int) -> list[ServiceDoc]:
    from quntuan.catalog.models import Service

    rows = (Service.objects.filter(organization__district_id=district_id, organization__is_active=True,
                                   is_active=True)
            .order_by("organization_id", "id")
            .values_list("id", "name", "description", "organization_id", "organization__code", "category__code",
                         "category__name", "category__org_code", "category__covers"))
    docs = []
    for pk, name, desc, org, org_code, code, cname, cat_org, covers in rows:
        # A category's name and scope describe its own organization's services; a partner's
        # service filed under another organization's category (the government's, say) is
        # compared by its own text only.
        own = cat_org == org_code
        words = document_words(name=name, description=desc, category_name=(cname or "") if own else "",
                               covers=(covers or "") if own else "")
        docs.append(ServiceDoc(id=pk, name=name, organization_id=org, category_code=code or "",
                               category_name=cname or "", words=tuple(words)))
    return docs


def catalog_overlaps(district_id: int) -> list[dict]:
    """Overlapping service pairs of the district's catalogue (cached; see the module text)."""
    key = f"{CACHE_PREFIX}:{district_id}:{catalog_fingerprint(district_id)}"
    found = cache.get(key)
    if found is not None:
        return found
    pairs = similar_services(_load_docs(district_id))[:MAX_SERVICE_PAIRS]
    cache.set(key, pairs, CACHE_SECONDS)
    return pairs


# --- the cases -------------------------------------------------------------------------------------
@dataclass
class Flows:
    # (from org, to org, category code) → {"requested", "accepted", "returned"}
    transfers: dict[tuple[int, int, str], dict[str, int]] = field(default_factory=dict)
    # (handling org, co-handling org, category code) → count
    cohandlings: dict[tuple[int, int, str], int] = field(default_factory=dict)
    # (owning org, handling org, category code) → cases of the owner's category handled by
    # another organization without a transfer to it
    elsewhere: dict[tuple[int, int, str], int] = field(default_factory=dict)


def case_flows(district_id: int, since: datetime | None = None) -> Flows:
    """Where the district's cases went: seven queries, the five big ones grouped by the database.
    Events and co-handlings are found through the district's organizations (the index on
    organization, kind and time), categories are mapped in Python."""
    from quntuan.cases.models import Case, CaseEvent, CoHandling
    from quntuan.catalog.models import Category
    from quntuan.organizations.models import Organization

    flows = Flows()
    orgs = dict(Organization.objects.filter(district_id=district_id).values_list("id", "code"))
    owners = {code: pk for pk, code in orgs.items()}
    org_ids = sorted(orgs)
    categories = {pk: (code, org_code) for pk, code, org_code in
                  Category.objects.values_list("id", "code", "org_code")}

    def code(category_id) -> str:
        return categories.get(category_id, ("", ""))[0]

    events = CaseEvent.objects.filter(organization_id__in=org_ids)
    if since is not None:
        events = events.filter(at__gte=since)
    # transfer_requested: organization = from, target = to; accepted and returned the other way.
    for kind, label, swap in (
        (CaseEvent.Kind.TRANSFER_REQUESTED, "requested", False),
        (CaseEvent.Kind.TRANSFER_ACCEPTED, "accepted", True),
        (CaseEvent.Kind.TRANSFER_RETURNED, "returned", True),
    ):
        rows = (events.filter(kind=kind).values_list("organization_id", "target_org_id", "case__category_id")
                .annotate(n=Count("id")).order_by())
        for src, dst, category_id, n in rows:
            if dst is None:
                continue
            if swap:
                src, dst = dst, src
            key = (src, dst, code(category_id))
            flows.transfers.setdefault(key, {"requested": 0, "accepted": 0, "returned": 0})[label] += n

    co = CoHandling.objects.filter(organization_id__in=org_ids)
    if since is not None:
        co = co.filter(case__received_at__gte=since)
    for handling, helper, category_id, n in (co.values_list("case__handling_org_id", "organization_id",
                                                            "case__category_id")
                                             .annotate(n=Count("id")).order_by()):
        key = (handling, helper, code(category_id))
        flows.cohandlings[key] = flows.cohandlings.get(key, 0) + n

    # Cases handled where they were received (no transfer to the handler), by category.
    cases = Case.objects.filter(district_id=district_id, category__isnull=False,
                                handling_org_id=F("first_inquirer_org_id"))
    if since is not None:
        cases = cases.filter(received_at__gte=since)
    for category_id, handling, n in (cases.values_list("category_id", "handling_org_id")
                                     .annotate(n=Count("id")).order_by()):
        category_code, org_code = categories.get(category_id, ("", ""))
        owner = owners.get(org_code)
        if owner is not None and owner != handling:
            flows.elsewhere[(owner, handling, category_code)] = n
    return flows


def cached_case_flows(district_id: int, since: datetime | None) -> Flows:
    """``case_flows`` kept for ``FLOWS_CACHE_SECONDS`` per district and period (in days)."""
    from django.utils import timezone

    days = 0 if since is None else max(0, round((timezone.now() - since).total_seconds() / 86400))
    key = f"{FLOWS_CACHE_PREFIX}:{district_id}:{days}"
    flows = cache.get(key)
    if flows is None:
        flows = case_flows(district_id, since)
        cache.set(key, flows, FLOWS_CACHE_SECONDS)
    return flows


# --- the matrix ------------------------------------------------------------------------------------
@dataclass
class Pair:
    a: int  # organization ids, a < b
    b: int
    services: list[dict] = field(default_factory=list)
    transfers: list[dict] = field(default_factory=list)
    cohandlings: list[dict] = field(default_factory=list)
    shared_needs: list[dict] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, int]:
        return (self.a, self.b)

    @property
    def transfer_count(self) -> int:
        return sum(t["requested"] for t in self.transfers)

    @property
    def cohandling_count(self) -> int:
        return sum(c["count"] for c in self.cohandlings)

    @property
    def shared_case_count(self) -> int:
        return sum(s["count"] for s in self.shared_needs)

    @property
    def weight(self) -> int:
        return len(self.services) + self.transfer_count + self.cohandling_count + self.shared_case_count

    @property
    def categories(self) -> list[str]:
        """The categories the pair's overlap is about, most evidence first."""
        score: dict[str, int] = defaultdict(int)
        for s in self.services:
            score[s["a"]["category"]] += 1
            score[s["b"]["category"]] += 1
        for t in self.transfers:
            score[t["category"]] += t["requested"]
        for c in self.cohandlings:
            score[c["category"]] += c["count"]
        for s in self.shared_needs:
            score[s["category"]] += s["count"]
        return [c for c, _ in sorted(score.items(), key=lambda kv: (-kv[1], kv[0])) if c]


@dataclass
class Matrix:
    organizations: list  # Organization rows, in display order
    pairs: dict[tuple[int, int], Pair]
    category_names: dict[str, str]

    @property
    def max_weight(self) -> int:
        return max((p.weight for p in self.pairs.values()), default=0)

    def pair(self, x: int, y: int) -> Pair | None:
        return self.pairs.get((min(x, y), max(x, y)))

    def level(self, weight: int) -> int:
        """0 for nothing, else 1…LEVELS by the share of the largest cell (colour intensity)."""
        top = self.max_weight
        if weight <= 0 or top <= 0:
            return 0
        return max(1, math.ceil(LEVELS * weight / top))

    def ranked(self, organization_id: int | None = None) -> list[Pair]:
        pairs = [p for p in self.pairs.values() if p.weight > 0
                 and (organization_id is None or organization_id in p.key)]
        return sorted(pairs, key=lambda p: (-p.weight, p.a, p.b))

    def rows(self) -> list[dict]:
        """The matrix for a template: one row per organization, one cell per organization."""
        out = []
        for x in self.organizations:
            cells = []
            for y in self.organizations:
                p = None if x.pk == y.pk else self.pair(x.pk, y.pk)
                weight = p.weight if p else 0
                cells.append({"org": y, "pair": p, "weight": weight, "level": self.level(weight),
                              "self": x.pk == y.pk})
            out.append({"org": x, "cells": cells})
        return out


def _pair(pairs: dict, x: int, y: int) -> Pair:
    key = (min(x, y), max(x, y))
    if key not in pairs:
        pairs[key] = Pair(*key)
    return pairs[key]


def build_pairs(service_pairs: list[dict], flows: Flows, org_ids: set[int]) -> dict[tuple[int, int], Pair]:
    """Pure: the pairs of organizations (among ``org_ids``) with their evidence."""
    pairs: dict[tuple[int, int], Pair] = {}
    for sp in service_pairs:
        x, y = sp["a"]["organization_id"], sp["b"]["organization_id"]
        if x in org_ids and y in org_ids and x != y:
            _pair(pairs, x, y).services.append(sp)
    for (src, dst, category), counts in sorted(flows.transfers.items()):
        if src in org_ids and dst in org_ids and src != dst:
            _pair(pairs, src, dst).transfers.append({"from_org": src, "to_org": dst, "category": category, **counts})
    for (handling, helper, category), n in sorted(flows.cohandlings.items()):
        if handling in org_ids and helper in org_ids and handling != helper:
            _pair(pairs, handling, helper).cohandlings.append(
                {"handling_org": handling, "cohandling_org": helper, "category": category, "count": n})
    for (owner, handling, category), n in sorted(flows.elsewhere.items()):
        if owner in org_ids and handling in org_ids and owner != handling:
            _pair(pairs, owner, handling).shared_needs.append(
                {"category": category, "owner_org": owner, "handling_org": handling, "count": n})
    for p in pairs.values():
        p.transfers.sort(key=lambda t: (-t["requested"], t["from_org"], t["category"]))
        p.shared_needs.sort(key=lambda s: (-s["count"], s["category"]))
    return pairs


def overlap_matrix(district, *, since: datetime | None = None) -> Matrix:
    """The district's overlap matrix: the catalogue pairs (cached) and the case flows since
    ``since`` (all time when None)."""
    from quntuan.catalog.models import Category
    from quntuan.organizations.models import Organization

    kind_order = {Organization.Kind.MASS: 0, Organization.Kind.GOVERNMENT: 1, Organization.Kind.SOCIAL: 2,
                  Organization.Kind.UNIT: 3}
    orgs = sorted(Organization.objects.filter(district=district, is_active=True),
                  key=lambda o: (kind_order.get(o.kind, 9), o.pk))
    pairs = build_pairs(catalog_overlaps(district.pk), cached_case_flows(district.pk, since),
                        {o.pk for o in orgs})
    names = dict(Category.objects.values_list("code", "name"))
    return Matrix(organizations=orgs, pairs=pairs, category_names=names)


# --- examples ------------------------------------------------------------------------------------
def pair_examples(user, district, pair: Pair, *, limit: int = 6, since: datetime | None = None,
                  same_need: bool = True) -> list:
    """A few recent cases of the pair that ``user`` may see (``case_policy.visible``): first the
    cases transferred or co-handled between the two organizations (their latest ids come from
    the event index), then, with ``same_need``, cases of one of the pair's categories handled by
    one of them (a scan by time: the pair panel asks for them, the page's list does not)."""
    from quntuan.cases.models import CaseEvent, CoHandling
    from quntuan.cases.policies import case_policy

    a, b = pair.a, pair.b
    # The latest cases that went between the two, from the event index (organization, kind, time).
    moved = list(CaseEvent.objects.filter(Q(organization_id=a, target_org_id=b) | Q(organization_id=b, target_org_id=a),
                                          kind=CaseEvent.Kind.TRANSFER_REQUESTED)
                 .order_by("-at").values_list("case_id", flat=True)[:CANDIDATES])
    co = list(CoHandling.objects.filter(Q(case__handling_org_id=a, organization_id=b)
                                        | Q(case__handling_org_id=b, organization_id=a))
              .order_by("-id").values_list("case_id", flat=True)[:CANDIDATES])
    visible = case_policy.visible(user).filter(district=district)
    if since is not None:
        visible = visible.filter(received_at__gte=since)
    visible = visible.select_related("category", "handling_org", "first_inquirer_org").order_by("-received_at", "-id")
    found = list(visible.filter(pk__in=sorted(set(moved) | set(co)))[:limit])
    categories = pair.categories[:6]
    if same_need and len(found) < limit and categories:
        more = visible.filter(category__code__in=categories, handling_org_id__in=[a, b]).exclude(
            pk__in=[c.pk for c in found])
        found += list(more[:limit - len(found)])
    return found


def examples_for_pairs(user, district, pairs: list[Pair], *, per_pair: int = 2, since: datetime | None = None,
                       recent: int = 3000, days: int = 90) -> dict[tuple[int, int], list]:
    """For the page's list: up to ``per_pair`` cases per pair that ``user`` may see, among the
    district's latest ``recent`` transfers and co-handlings of the last ``days`` days — three
    queries for all the pairs (tracking number, title and time only)."""
    from datetime import timedelta

    from django.utils import timezone

    from quntuan.cases.models import CaseEvent, CoHandling
    from quntuan.cases.policies import case_policy

    window = timezone.now() - timedelta(days=days)
    since = max(since, window) if since is not None else window

    wanted = {p.key for p in pairs}
    org_ids = sorted({o for key in wanted for o in key})
    if not wanted:
        return {}
    candidates: dict[tuple[int, int], list[int]] = defaultdict(list)
    events = CaseEvent.objects.filter(organization_id__in=org_ids, target_org_id__in=org_ids,
                                      kind=CaseEvent.Kind.TRANSFER_REQUESTED)
    co = CoHandling.objects.filter(organization_id__in=org_ids, case__district=district)
    events = events.filter(at__gte=since)
    co = co.filter(case__received_at__gte=since)
    rows = list(events.order_by("-at").values_list("organization_id", "target_org_id", "case_id")[:recent])
    rows += list(co.order_by("-id").values_list("case__handling_org_id", "organization_id", "case_id")[:recent])
    for x, y, case_id in rows:
        key = (min(x, y), max(x, y))
        if key in wanted and len(candidates[key]) < 5 * per_pair and case_id not in candidates[key]:
            candidates[key].append(case_id)
    ids = sorted({c for cs in candidates.values() for c in cs})
    cases = {c.pk: c for c in case_policy.visible(user).filter(district=district, pk__in=ids)
             .only("id", "tracking_no", "title", "received_at")}
    out = {}
    for key, cs in candidates.items():
        seen = sorted((cases[c] for c in cs if c in cases), key=lambda c: (c.received_at, c.pk), reverse=True)
        out[key] = seen[:per_pair]
    return out


# --- presentation and the who-leads notes ------------------------------------------------------------
def pair_view(pair: Pair, orgs: dict, category_names: dict[str, str], *, lead=None) -> dict:
    """A pair as plain data for the page and the API: ids with names, categories with names."""
    def org(pk: int) -> dict:
        o = orgs.get(pk)
        return {"id": pk, "name": o.name if o else ""}

    def cat(code: str) -> dict:
        return {"code": code, "name": category_names.get(code, code)}

    def service(ref: dict) -> dict:
        return {"id": ref["id"], "name": ref["name"], "organization": org(ref["organization_id"]),
                "category": cat(ref["category"])}

    return {
        "a": org(pair.a), "b": org(pair.b),
        "weight": pair.weight, "service_count": len(pair.services), "transfer_count": pair.transfer_count,
        "cohandling_count": pair.cohandling_count, "shared_case_count": pair.shared_case_count,
        "categories": [cat(c) for c in pair.categories],
        "services": [{"a": service(s["a"]), "b": service(s["b"]), "score": s["score"], "terms": s["terms"]}
                     for s in pair.services],
        "transfers": [{"from_org": org(t["from_org"]), "to_org": org(t["to_org"]), "category": cat(t["category"]),
                       "requested": t["requested"], "accepted": t["accepted"], "returned": t["returned"]}
                      for t in pair.transfers],
        "cohandlings": [{"handling_org": org(c["handling_org"]), "cohandling_org": org(c["cohandling_org"]),
                         "category": cat(c["category"]), "count": c["count"]} for c in pair.cohandlings],
        "shared_needs": [{"owner_org": org(s["owner_org"]), "handling_org": org(s["handling_org"]),
                          "category": cat(s["category"]), "count": s["count"]} for s in pair.shared_needs],
        "lead": lead_view(lead, orgs) if lead is not None else None,
    }


def lead_view(lead, orgs: dict) -> dict:
    lead_org = orgs.get(lead.lead_org_id)
    return {"lead_org": {"id": lead.lead_org_id, "name": lead_org.name} if lead_org else None,
            "note": lead.note, "updated_at": lead.updated_at,
            "updated_by": (lead.updated_by.name or lead.updated_by.login_name) if lead.updated_by else ""}


def leads_by_pair(district) -> dict[tuple[int, int], object]:
    from quntuan.routing.overlap_models import OverlapLead

    return {(x.org_a_id, x.org_b_id): x
            for x in OverlapLead.objects.filter(district=district).select_related("updated_by")}


def lead_for(pair: Pair):
    from quntuan.routing.overlap_models import OverlapLead

    return OverlapLead.objects.filter(org_a_id=pair.a, org_b_id=pair.b).select_related("updated_by").first()


def lead_history(lead, orgs: dict, *, limit: int = 10) -> list[dict]:
    """The recorded changes of a pair's who-leads note (audit records), newest first."""
    if lead is None:
        return []
    from quntuan.accounts.models import AuditRecord
    from quntuan.routing.overlap_services import AUDIT_ACTION, AUDIT_OBJECT

    rows = (AuditRecord.objects.filter(action=AUDIT_ACTION, object_type=AUDIT_OBJECT, object_id=str(lead.pk))
            .select_related("actor").order_by("-at", "-id")[:limit])
    out = []
    for r in rows:
        lead_org = orgs.get(r.detail.get("lead_org"))
        out.append({"at": r.at, "actor": (r.actor.name or r.actor.login_name) if r.actor else "",
                    "lead_org": lead_org.name if lead_org else "", "note": r.detail.get("note", "")})
    return out
