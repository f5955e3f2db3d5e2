"""What each kind of row becomes in the index: title, body, a line of context, the link, the
tokens and the permission keys. Builders take source rows (with what they need already loaded)
and return unsaved ``SearchDocument`` objects; ``iter_documents`` streams a whole kind in chunks
for the bulk paths (``search_reindex``, the periodic refresh).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import datetime, time

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
    return SearchDocument(
        kind=kind, object_id=row.pk, title=title[:200], body=body, meta=meta[:200], url=url[:200],
        title_tokens=" ".join(title_tokens), body_tokens=" ".join(body_tokens), acl=" ".join([permissions.kind_key(kind), *acl]),
        district_id=district_id, organization_id=organization_id, owner_id=owner_id,
        sort_at=_as_datetime(sort_at), source_updated_at=getattr(row, "updated_at", None),
    )


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


def case_documents(cases: list, *, org_names: dict[int, str] | None = None) -> list[SearchDocument]:
    from quntuan.cases.models import CaseStatus

    if org_names is None:
        org_names = _organizations({c.handling_org_id for c in cases})
    cohandling = _cohandling_orgs([c.pk for c in cases])
    docs = []
    for case in cases:
        orgs = {case.handling_org_id, case.first_inquirer_org_id, *cohandling.get(case.pk, ())}
        if case.status == CaseStatus.TRANSFERRING and case.transfer_to_org_id:
            orgs.add(case.transfer_to_org_id)
        handling_name = org_names.get(case.handling_org_id, "")
        received = timezone.localtime(case.received_at)
        # The requester's name, mobile and ID are never indexed: case pages mask them and audit
        # every reveal, so a search must not show or find them.
        body = "\n".join(part for part in (case.content, case.address, case.result) if part)
        meta = " · ".join((case.tracking_no, case.get_status_display(), handling_name, f"{received:%Y-%m-%d}"))
        docs.append(_document(
            kind=DocumentKind.CASE, row=case, title=case.title, body=body, meta=meta,
            # The organization's name and pinyin are not indexed for cases: they would make every
            # case of an organization match its name (the name is in the context line).
            url=_url("cases:detail", case.tracking_no), org_name="",
            extra_tokens=[case.tracking_no],
            acl=permissions.case_keys(district_id=case.district_id, requester_id=case.requester_id,
                                      first_inquirer_id=case.first_inquirer_id, handler_id=case.handler_id,
                                      org_ids=orgs),
            district_id=case.district_id, organization_id=case.handling_org_id, owner_id=case.requester_id,
            sort_at=case.received_at,
        ))
    return docs


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
