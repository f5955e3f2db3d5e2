"""Attachments: images and PDF only, checked by size and by their real content (magic bytes),
never by the name or the browser's claimed type."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from quntuan.cases.locks import lock_case
from quntuan.cases.models import Attachment, Case, CaseEvent
from quntuan.cases.policies import case_policy
from quntuan.cases.services._common import record_event
from quntuan.core.exceptions import ApplicationError, PermissionDenied

SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"%PDF-", "application/pdf", "pdf"),
)
EXTENSIONS = {ct: ext for _sig, ct, ext in SIGNATURES}


def sniff_content_type(head: bytes) -> str | None:
    for signature, content_type, _ext in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def attachment_check(uploaded_file) -> tuple[object, str, int]:
    """(file, content type, size) or ApplicationError with a Chinese message."""
    size = getattr(uploaded_file, "size", None)
    if size is None:
        raise ApplicationError(_("附件无法读取。"), code="invalid_file")
    if size == 0:
        raise ApplicationError(_("附件是空文件。"), code="invalid_file")
    if size > settings.ATTACHMENT_MAX_BYTES:
        raise ApplicationError(
            _("附件不能超过 %(mb)s MB。") % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}, code="file_too_large"
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ApplicationError(_("附件只能是 PNG、JPEG 图片或 PDF 文件。"), code="invalid_file_type")
    return uploaded_file, content_type, size


def attachment_save(*, case: Case, actor, uploaded_file, content_type: str, size: int) -> Attachment:
    original = os.path.basename(getattr(uploaded_file, "name", "") or "")[:200] or _("附件")
    attachment = Attachment(
        case=case, original_name=original, content_type=content_type, size=size,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    # A random stored name: the original one is kept for display only.
    attachment.file.save(f"{uuid.uuid4().hex}.{EXTENSIONS[content_type]}", uploaded_file, save=False)
    attachment.save()
    record_event(case, CaseEvent.Kind.ATTACHMENT_ADDED, actor=actor,
                 data={"attachment": attachment.pk, "name": original, "size": size})
    return attachment


@transaction.atomic
def case_attachment_add(*, case, actor, uploaded_file) -> Attachment:
    case = lock_case(case)
    if not case_policy.can_add_attachment(actor, case):
        raise PermissionDenied(_("您不能为该诉求上传附件。"))
    if case.attachments.count() >= settings.ATTACHMENT_MAX_COUNT:
        raise ApplicationError(_("每件诉求最多 %(n)s 个附件。") % {"n": settings.ATTACHMENT_MAX_COUNT},
                               code="too_many_files")
    upload, content_type, size = attachment_check(uploaded_file)
    return attachment_save(case=case, actor=actor, uploaded_file=upload, content_type=content_type, size=size)
