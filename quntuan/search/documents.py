"""What each kind of row becomes in the index: title, body, a line of context, the link, the
tokens and the permission keys. Builders take source rows (with what they need already loaded)
and return unsaved ``SearchDocument`` objects; ``iter_documents`` streams a whole kind in chunks
for the bulk paths (``search_reindex``, the periodic refresh).
"""

from __future__ import annotations

from collections import defaultdict, namedtuple
from collections.abc import Iterable, Iterator
from datetime import datetime, time
from functools import lru_cache

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from quntuan.search import permissions
from quntuan.search.models import DocumentKind, SearchDocument
from quntuan.search.text import MAX_BODY_CHARS, clean_token, index_tokens, name_pinyin

CHUNK = 2000


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


_SAMPLE_TRACKING_NO = "QT-20000101-000001"


@lru_cache(maxsize=8)
def _url_parts(name: str) -> tuple[str, str] | None:
    """The link of ``name`` around its one argument (reversed once, not once per case)."""
    url = _url(name, _SAMPLE_TRACKING_NO)
    if url.count(_SAMPLE_TRACKING_NO) != 1:
        return None
    before, after = url.split(_SAMPLE_TRACKING_NO)
    return before, after


def _case_url(tracking_no: str) -> str:
    parts = _url_parts("cases:detail")
    if parts is None:
        return _url("cases:detail", tracking_no)
    return f"{parts[0]}{tracking_no}{parts[1]}"


def _as_datetime(value) -> datetime:
    if isinstance(value, datetime):
        return value
    return timezone.make_aware(datetime.combine(value, time.min))


def _document(*, kind: str, row, title: str, body: str, meta: str, url: str, org_name: str,
              extra_tokens: Iterable[str] = (), acl: list[str], district_id, organization_id, owner_id,
              sort_at) -> SearchDocument:
    body = (body or "")[:MAX_BODY_CHARS]
    title_tokens = index_tokens(title)
    body_tokens = index_tokens(body, org_name)
    body_tokens += [t for t in (clean_token(x) for x in extra_tokens) if t and t not in body_tokens]
    body_tokens += [p for p in name_pinyin(org_name) if p not in body_tokens]
    sort_at = _as_datetime(sort_at)
    return SearchDocument(
        kind=kind, object_id=row.pk, title=title[:200], body=body, meta=meta[:200], url=url[:200],
        title_tokens=" ".join(title_tokens), body_tokens=" ".join(body_tokens),
        acl=" ".join([permissions.kind_key(kind), *acl]),
        district_id=district_id, organization_id=organization_id, owner_id=owner_id,
        sort_at=sort_at, source_updated_at=getattr(row, "updated_at", None),
    )


# The columns a bulk load writes (``services.copy_load``), in this order.
COPY_COLUMNS = [
    "kind", "object_id", "title", "body", "meta", "url", "title_tokens", "body_tokens", "acl", "district_id",
    "organization_id", "owner_id", "sort_at", "source_updated_at", "updated_at",
]


def document_values(doc: SearchDocument, now: datetime) -> tuple:
    """A document as a row of ``COPY_COLUMNS``."""
    return (doc.kind, doc.object_id, doc.title, doc.body, doc.meta, doc.url, doc.title_tokens, doc.body_tokens,
            doc.acl, doc.district_id, doc.organization_id, doc.owner_id, doc.sort_at, doc.source_updated_at, now)


# --- services -----------------------------------------------------------------------------------

def service_queryset():
    from quntuan.catalog.models import Service

    return Service.objects.select_related("organization", "category")


def service_is_searchable(service) -> bool:
    return service.is_active and service.organization.is_active


def service_document(service) -> SearchDocument:
    org = service.organization
    category = service.category.name if service.category_id else ""
    body = "\n".join(part for part in (category, service.description, service.materials) if part)
    return _document(
        kind=DocumentKind.SERVICE, row=service, title=service.name, body=body,
        meta=" · ".join(part for part in (org.name, category) if part),
        url=_url("catalog:service", service.pk), org_name=org.name, acl=permissions.service_keys(),
        district_id=org.district_id, organization_id=org.pk, owner_id=None, sort_at=service.created_at,
    )


# --- plans --------------------------------------------------------------------------------------

def plan_queryset():
    from quntuan.programs.models import Plan

    return Plan.objects.select_related("organization", "community")


def plan_document(plan) -> SearchDocument:
    from quntuan.programs.models import Plan

    org = plan.organization
    community = plan.community.name if plan.community_id else ""
    body = "\n".join(part for part in (plan.goal, community, plan.get_kind_display()) if part)
    meta = " · ".join((org.name, plan.get_status_display(), f"{plan.start_date:%Y-%m-%d} 至 {plan.end_date:%Y-%m-%d}"))
    return _document(
        kind=DocumentKind.PLAN, row=plan, title=plan.title, body=body, meta=meta,
        url=_url("programs:plan_detail", plan.pk), org_name=org.name,
        acl=permissions.plan_keys(district_id=plan.district_id, published=plan.status == Plan.Status.PUBLISHED),
        district_id=plan.district_id, organization_id=org.pk, owner_id=None, sort_at=plan.start_date,
    )


# --- activities ---------------------------------------------------------------------------------

def activity_queryset():
    from quntuan.activities.models import Activity

    return Activity.objects.select_related("primary_host", "venue", "community")


def activity_document(activity) -> SearchDocument:
    from quntuan.activities.models import ActivityStatus

    org = activity.primary_host
    place = activity.venue.name if activity.venue_id else activity.address
    community = activity.community.name if activity.community_id else ""
    body = "\n".join(part for part in (activity.description, place, community) if part)
    start = timezone.localtime(activity.start)
    meta = " · ".join((org.name, activity.get_status_display(), f"{start:%Y-%m-%d %H:%M}"))
    return _document(
        kind=DocumentKind.ACTIVITY, row=activity, title=activity.title, body=body, meta=meta,
        url=_url("activities:detail", activity.pk), org_name=org.name,
        acl=permissions.activity_keys(district_id=activity.district_id,
                                      published=activity.status == ActivityStatus.PUBLISHED),
        district_id=activity.district_id, organization_id=org.pk, owner_id=None, sort_at=activity.start,
    )


# --- cases --------------------------------------------------------------------------------------

def case_queryset():
    from quntuan.cases.models import Case

    return Case.objects.only(
        "id", "tracking_no", "district_id", "requester_id", "title", "content", "address",
        "result", "status", "received_at", "updated_at", "first_inquirer_id", "first_inquirer_org_id",
        "handling_org_id", "handler_id", "transfer_to_org_id",
    ).order_by()


def _organizations(ids=None) -> dict[int, str]:
    from quntuan.organizations.models import Organization

    queryset = Organization.objects.all() if ids is None else Organization.objects.filter(pk__in=ids)
    return dict(queryset.values_list("id", "name"))


def _cohandling_orgs(case_ids: list[int]) -> dict[int, set[int]]:
    from quntuan.cases.models import CoHandling

    out: dict[int, set[int]] = defaultdict(set)
    for case_id, org_id in CoHandling.objects.filter(case_id__in=case_ids).values_list("case_id", "organization_id"):
        out[case_id].add(org_id)
    return out


_CASE_KIND_KEY = permissions.kind_key(DocumentKind.CASE)


def case_rows(cases: list, *, org_names: dict[int, str] | None = None, now: datetime | None = None) -> list[tuple]:
    """The documents of ``cases`` as rows of ``COPY_COLUMNS`` (no model instances: the bulk load
    writes millions). ``cases`` are Case instances or rows with the same attribute names."""
    from quntuan.cases.models import CaseStatus

    if org_names is None:
        org_names = _organizations({c.handling_org_id for c in cases})
    now = now or timezone.now()
    status_labels = dict(CaseStatus.choices)
    cohandling = _cohandling_orgs([c.pk for c in cases])
    rows = []
    for case in cases:
        orgs = {case.handling_org_id, case.first_inquirer_org_id, *cohandling.get(case.pk, ())}
        if case.status == CaseStatus.TRANSFERRING and case.transfer_to_org_id:
            orgs.add(case.transfer_to_org_id)
        orgs.discard(None)
        handling_name = org_names.get(case.handling_org_id, "")
        received = timezone.localtime(case.received_at)
        # The requester's name, mobile and ID are never indexed: case pages mask them and audit
        # every reveal, so a search must not show or find them.
        body = "\n".join(part for part in (case.content, case.address, case.result) if part)[:MAX_BODY_CHARS]
        meta = " · ".join((case.tracking_no, str(status_labels.get(case.status, case.status)), handling_name,
                           f"{received:%Y-%m-%d}"))
        # The organization's name and pinyin are not indexed for cases: they would make every
        # case of an organization match its name (the name is in the context line).
        title_tokens = index_tokens(case.title)
        body_tokens = index_tokens(body)
        tracking = clean_token(case.tracking_no)
        if tracking and tracking not in body_tokens:
            body_tokens.append(tracking)
        keys = permissions.case_keys(district_id=case.district_id, requester_id=case.requester_id,
                                     first_inquirer_id=case.first_inquirer_id, handler_id=case.handler_id,
                                     org_ids=orgs, handling_org_id=case.handling_org_id)
        week = permissions.week_number(case.received_at)
        acl = " ".join([_CASE_KIND_KEY, *keys, *permissions.week_keys(keys, week)])
        rows.append((
            DocumentKind.CASE.value, case.pk, case.title[:200], body, meta[:200], _case_url(case.tracking_no)[:200],
            " ".join(title_tokens), " ".join(body_tokens), acl, case.district_id, case.handling_org_id,
            case.requester_id, case.received_at, getattr(case, "updated_at", None), now,
        ))
    return rows


def case_documents(cases: list, *, org_names: dict[int, str] | None = None) -> list[SearchDocument]:
    return [SearchDocument(**dict(zip(COPY_COLUMNS, row, strict=True)))
            for row in case_rows(cases, org_names=org_names)]


# --- one entry point per kind ---------------------------------------------------------------------

QUERYSETS = {
    DocumentKind.SERVICE: service_queryset,
    DocumentKind.PLAN: plan_queryset,
    DocumentKind.ACTIVITY: activity_queryset,
    DocumentKind.CASE: case_queryset,
}


def build_documents(kind: str, rows: list) -> list[SearchDocument]:
    """Documents for ``rows`` of one kind; rows that must not be searchable give none."""
    if kind == DocumentKind.CASE:
        return case_documents(rows)
    if kind == DocumentKind.SERVICE:
        return [service_document(r) for r in rows if service_is_searchable(r)]
    if kind == DocumentKind.PLAN:
        return [plan_document(r) for r in rows]
    return [activity_document(r) for r in rows]


def iter_chunks(kind: str, queryset=None, *, chunk: int = CHUNK) -> Iterator[tuple[list[int], list[SearchDocument]]]:
    """(source ids, documents) for a kind in chunks of ``chunk`` rows, by ascending id (keyset
    pagination, so a table of millions is read in constant memory)."""
    queryset = (queryset if queryset is not None else QUERYSETS[kind]()).order_by("pk")
    org_names = _organizations() if kind == DocumentKind.CASE else None
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last)[:chunk])
        if not rows:
            return
        last = rows[-1].pk
        if kind == DocumentKind.CASE:
            docs = case_documents(rows, org_names=org_names)
        else:
            docs = build_documents(kind, rows)
        yield [r.pk for r in rows], docs


# --- the bulk load ------------------------------------------------------------------------------

_CASE_FIELDS = ["id", "tracking_no", "district_id", "requester_id", "title", "content", "address", "result",
                "status", "received_at", "updated_at", "first_inquirer_id", "first_inquirer_org_id",
                "handling_org_id", "handler_id", "transfer_to_org_id"]
CaseRow = namedtuple("CaseRow", ["pk", *_CASE_FIELDS[1:]])


def iter_rows(kind: str, *, chunk: int = CHUNK, first_id: int = 0, last_id: int | None = None
              ) -> Iterator[tuple[int, list[tuple]]]:
    """(rows read, rows of ``COPY_COLUMNS``) for the source rows of ``kind`` with ``first_id`` <
    id <= ``last_id``, by ascending id. Cases are read as plain tuples (no model instances)."""
    now = timezone.now()
    last = first_id
    if kind != DocumentKind.CASE:
        queryset = QUERYSETS[kind]()
        if last_id is not None:
            queryset = queryset.filter(pk__lte=last_id)
        for source_ids, docs in iter_chunks(kind, queryset.filter(pk__gt=first_id), chunk=chunk):
            yield len(source_ids), [document_values(d, now) for d in docs]
        return
    from quntuan.cases.models import Case

    org_names = _organizations()
    while True:
        queryset = Case.objects.filter(pk__gt=last).order_by("pk")
        if last_id is not None:
            queryset = queryset.filter(pk__lte=last_id)
        cases = [CaseRow(*values) for values in queryset.values_list(*_CASE_FIELDS)[:chunk]]
        if not cases:
            return
        last = cases[-1].pk
        yield len(cases), case_rows(cases, org_names=org_names, now=now)
