"""Keeping the index in step with the source rows.

* ``document_refresh`` rebuilds (or removes) the document of one row; the signal receivers of
  ``signals.py`` call it after the transaction that changed the row commits.
* ``index_rebuild`` rebuilds a whole kind (or all) in chunks: ``manage.py search_reindex``.
* ``index_refresh`` catches up with rows changed without signals (``queryset.update``, bulk
  loads): every row whose ``updated_at`` is past the newest one indexed for its kind. It runs
  periodically (``search-refresh`` in the beat schedule).

All of them are idempotent: running one twice, or concurrently, leaves the same documents.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Max

from quntuan.search import documents
from quntuan.search.models import DocumentKind, SearchDocument

logger = logging.getLogger(__name__)

UPDATE_FIELDS = [
    "title", "body", "meta", "url", "title_tokens", "body_tokens", "acl", "district_id", "organization_id",
    "owner_id", "sort_at", "source_updated_at", "updated_at",
]


def documents_write(*, kind: str, source_ids: Iterable[int], docs: list[SearchDocument]) -> int:
    """Upsert ``docs`` and delete the documents of ``source_ids`` that produced none."""
    source_ids = list(source_ids)
    kept = {d.object_id for d in docs}
    gone = [pk for pk in source_ids if pk not in kept]
    if gone:
        SearchDocument.objects.filter(kind=kind, object_id__in=gone).delete()
    if docs:
        SearchDocument.objects.bulk_create(
            docs, update_conflicts=True, unique_fields=["kind", "object_id"], update_fields=UPDATE_FIELDS,
        )
    return len(docs)


@transaction.atomic
def document_refresh(*, kind: str, object_id: int) -> SearchDocument | None:
    """Rebuild the document of one source row from the database; remove it when the row is gone
    or may not be found any more (an inactive service)."""
    row = documents.QUERYSETS[kind]().filter(pk=object_id).first()
    docs = documents.build_documents(kind, [row]) if row is not None else []
    documents_write(kind=kind, source_ids=[object_id], docs=docs)
    return docs[0] if docs else None


def document_delete(*, kind: str, object_id: int) -> None:
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()


def index_rebuild(*, kinds: Iterable[str] | None = None, prune: bool = True, chunk: int = documents.CHUNK,
                  progress=None) -> dict[str, int]:
    """Rebuild every document of ``kinds`` (all by default), ``chunk`` rows per transaction.
    With ``prune``, documents whose source row no longer exists are removed."""
    counts: dict[str, int] = {}
    for kind in kinds or DocumentKind.values:
        total = 0
        last_id = 0
        for source_ids, docs in documents.iter_chunks(kind, chunk=chunk):
            with transaction.atomic():
                total += documents_write(kind=kind, source_ids=source_ids, docs=docs)
                if prune:
                    # Documents between the previous chunk and this one whose row is gone.
                    SearchDocument.objects.filter(kind=kind, object_id__gt=last_id,
                                                  object_id__lte=source_ids[-1]).exclude(
                        object_id__in=source_ids).delete()
            last_id = source_ids[-1]
            if progress:
                progress(kind, total)
        if prune:
            SearchDocument.objects.filter(kind=kind, object_id__gt=last_id).delete()
        counts[kind] = total
    return counts


GIN_INDEX = "search_document_fts"
GIN_INDEX_SQL = f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON search_document USING gin (content_tsv, acl_tsv)"


def gin_index_drop() -> bool:
    """Drop the full-text GIN index before a bulk load (PostgreSQL; building it once afterwards is
    several times faster than maintaining it row by row). Returns whether anything was done."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")
    return True


def gin_index_create() -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute(GIN_INDEX_SQL)
        cursor.execute("ANALYZE search_document")


def index_refresh(*, kinds: Iterable[str] | None = None, chunk: int = documents.CHUNK) -> dict[str, int]:
    """Index the rows changed since the newest change already indexed, per kind."""
    counts: dict[str, int] = {}
    for kind in kinds or DocumentKind.values:
        since = SearchDocument.objects.filter(kind=kind).aggregate(m=Max("source_updated_at"))["m"]
        queryset = documents.QUERYSETS[kind]()
        if since is not None:
            queryset = queryset.filter(updated_at__gt=since)
        total = 0
        for source_ids, docs in documents.iter_chunks(kind, queryset, chunk=chunk):
            with transaction.atomic():
                total += documents_write(kind=kind, source_ids=source_ids, docs=docs)
        counts[kind] = total
    return counts
