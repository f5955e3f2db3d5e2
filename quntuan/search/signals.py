"""Receivers that keep the index fresh: after the transaction that saved or deleted a source row
commits, its document is rebuilt (``services.document_refresh``). One refresh per row and
transaction, however often the row was saved in it. A failure is logged and never breaks the
request; the periodic ``index_refresh`` picks the row up later."""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from quntuan.search.models import DocumentKind

logger = logging.getLogger(__name__)


class _Refresh:
    """One pending refresh of a document, run after commit (at most once)."""

    def __init__(self, kind: str, object_id: int):
        self.key = (kind, object_id)
        self.done = False

    def __call__(self) -> None:
        from quntuan.search.services import document_refresh

        self.done = True
        try:
            document_refresh(kind=self.key[0], object_id=self.key[1])
        except Exception:  # the change itself is committed; the periodic refresh will retry
            logger.exception("搜索索引更新失败:%s %s", *self.key)


def schedule_refresh(kind: str, object_id: int | None) -> None:
    """Refresh the document after the current transaction commits (now, outside one); a row
    saved several times in one transaction is refreshed once."""
    if object_id is None:
        return
    connection = transaction.get_connection()
    key = (kind, object_id)
    if connection.in_atomic_block and any(
        isinstance(func, _Refresh) and func.key == key and not func.done for _, func, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_Refresh(kind, object_id))


def _receiver(kind: str, attribute: str = "pk"):
    def receive(sender, instance, **kwargs):
        if kwargs.get("raw"):  # fixtures
            return
        schedule_refresh(kind, getattr(instance, attribute, None))

    return receive


def _organization_changed(sender, instance, **kwargs):
    """An organization renamed or switched off: its services, plans and activities change with it
    (its cases follow at the next ``search_reindex --kind case``, see docs/architecture.md)."""
    if kwargs.get("raw") or kwargs.get("created"):
        return
    from quntuan.activities.models import Activity
    from quntuan.catalog.models import Service
    from quntuan.programs.models import Plan

    for kind, model, field in ((DocumentKind.SERVICE, Service, "organization"),
                               (DocumentKind.PLAN, Plan, "organization"),
                               (DocumentKind.ACTIVITY, Activity, "primary_host")):
        for pk in model.objects.filter(**{field: instance}).values_list("pk", flat=True)[:5000]:
            schedule_refresh(kind, pk)


_RECEIVERS = []


def connect() -> None:
    from quntuan.activities.models import Activity
    from quntuan.cases.models import Case, CoHandling
    from quntuan.catalog.models import Service
    from quntuan.organizations.models import Organization
    from quntuan.programs.models import Plan

    for model, kind, attribute in (
        (Service, DocumentKind.SERVICE, "pk"),
        (Plan, DocumentKind.PLAN, "pk"),
        (Activity, DocumentKind.ACTIVITY, "pk"),
        (Case, DocumentKind.CASE, "pk"),
        (CoHandling, DocumentKind.CASE, "case_id"),  # who may see a case
    ):
        receiver = _receiver(kind, attribute)
        _RECEIVERS.append(receiver)  # signals hold weak references
        post_save.connect(receiver, sender=model, dispatch_uid=f"search-{model.__name__}-save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"search-{model.__name__}-delete")
    post_save.connect(_organization_changed, sender=Organization, dispatch_uid="search-organization-save")

    # Who holds which permission keys: a change starts a new generation of the cached keys.
    from quntuan.organizations.models import Membership, Region
    from quntuan.search.permissions import keys_generation_bump

    for model in (Membership, Organization, Region):
        for signal in (post_save, post_delete):
            signal.connect(keys_generation_bump, sender=model, dispatch_uid=f"search-keys-{model.__name__}-{signal is post_save}")
