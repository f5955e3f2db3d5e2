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

import functools
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import translation

from quntuan.search import documents
from quntuan.search.models import DocumentKind, SearchDocument

logger = logging.getLogger(__name__)

UPDATE_FIELDS = [
    "title", "body", "meta", "url", "title_tokens", "body_tokens", "acl", "district_id", "organization_id",
    "owner_id", "sort_at", "source_updated_at", "updated_at",
]


def _in_site_language(func):
    """Documents are shared by every user: their labels (a case's status, a plan's kind) are
    written in the site's language, whatever language the request that changed the row used."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)

    return wrapper


def documents_write(*, kind: str, source_ids: Iterable[int], docs: list[SearchDocument]) -> int:
    """Upsert ``docs`` and delete the documents of ``source_ids`` that produced none."""
    from quntuan.search.queries import note_index_change

    note_index_change()
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
@_in_site_language
def document_refresh(*, kind: str, object_id: int) -> SearchDocument | None:
    """Rebuild the document of one source row from the database; remove it when the row is gone
    or may not be found any more (an inactive service)."""
    row = documents.QUERYSETS[kind]().filter(pk=object_id).first()
    docs = documents.build_documents(kind, [row]) if row is not None else []
    documents_write(kind=kind, source_ids=[object_id], docs=docs)
    return docs[0] if docs else None


def document_delete(*, kind: str, object_id: int) -> None:
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()


@_in_site_language
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


# One GIN index per kind, each over the kind's rows only (partial), so a search of the catalogue,
# plans or activities never reads a posting list of the two million cases, and a kind's
# candidates need no kind key. ``search_document_fts`` was the one index over every kind.
GIN_INDEXES = {
    kind: f"search_doc_fts_{kind}" for kind in (DocumentKind.SERVICE, DocumentKind.PLAN, DocumentKind.ACTIVITY,
                                                DocumentKind.CASE)
}
LEGACY_GIN_INDEX = "search_document_fts"


def gin_index_sql(kind: str, *, concurrently: bool = False) -> str:
    return (f"CREATE INDEX {'CONCURRENTLY ' if concurrently else ''}IF NOT EXISTS {GIN_INDEXES[kind]} "
            f"ON search_document USING gin (content_tsv, acl_tsv) WHERE kind = '{kind}'")


def gin_index_drop() -> bool:
    """Drop the full-text GIN indexes before a bulk load (PostgreSQL; building them once afterwards
    is several times faster than maintaining them row by row). Returns whether anything was done."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        for name in [LEGACY_GIN_INDEX, *GIN_INDEXES.values()]:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")
    return True


def gin_index_create(*, memory: str = "1GB") -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"SET maintenance_work_mem = '{memory}'")
        for kind in GIN_INDEXES:
            cursor.execute(gin_index_sql(kind))
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("ANALYZE search_document")


def _copy_rows(rows: list[tuple]) -> None:
    with connection.cursor() as cursor:
        sql = f"COPY search_document ({', '.join(documents.COPY_COLUMNS)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


@_in_site_language
def index_load(*, kind: str, chunk: int = 5000, first_id: int = 0, last_id: int | None = None,
               progress=None) -> int:
    """Write the documents of ``kind`` (source ids in ``first_id`` < id <= ``last_id``) into an
    index that holds none of them: no upsert, and on PostgreSQL ``COPY`` (with the GIN indexes
    dropped by the caller, this is the initial bulk build). Elsewhere, plain inserts."""
    total = read = 0
    for n, rows in documents.iter_rows(kind, chunk=chunk, first_id=first_id, last_id=last_id):
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _copy_rows(rows)
            else:
                SearchDocument.objects.bulk_create(
                    [SearchDocument(**dict(zip(documents.COPY_COLUMNS, row, strict=True))) for row in rows])
        read += n
        total += len(rows)
        if progress:
            progress(kind, read)
    return total


@_in_site_language
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
