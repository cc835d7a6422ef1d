"""Attachments: checked on their content (not their name), capped at 10 MB, stored outside the web root."""

import filetype
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.models import ServiceRequest, ServiceRequestAttachment, User
from crm.roles import Work, require_role

# What the content must be, by the magic bytes ``filetype`` reads; DOCX and XLSX are ZIP containers
# told apart by their first entry names.
ALLOWED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
}


def sniff_content_type(head: bytes) -> str | None:
    kind = filetype.guess(head)
    return kind.mime if kind else None


def attachment_validate(uploaded) -> str:
    """Return the detected content type of an upload, or raise ``DomainError`` on the ``file`` field."""
    if uploaded.size > settings.ATTACHMENT_MAX_BYTES:
        raise DomainError(
            _("附件不能超过 %(mb)s MB（当前 %(size).1f MB）。")
            % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024), "size": uploaded.size / 1024 / 1024},
            field="file",
        )
    if uploaded.size == 0:
        raise DomainError(_("附件是空文件。"), field="file")
    uploaded.seek(0)
    head = uploaded.read(8192)
    uploaded.seek(0)
    content_type = sniff_content_type(head)
    if content_type not in ALLOWED:
        raise DomainError(_("只接受 PDF、JPEG、PNG、DOCX 或 XLSX 文件（按文件内容识别）。"), field="file")
    return content_type


@transaction.atomic
def attachment_add(*, request: ServiceRequest, uploaded, user: User) -> ServiceRequestAttachment:
    require_role(user, Work.REQUESTS)
    content_type = attachment_validate(uploaded)
    name = (uploaded.name or "attachment").replace("\x00", "")[-200:]
    return ServiceRequestAttachment.objects.create(
        request=request,
        file=uploaded,
        original_name=name,
        content_type=content_type,
        size=uploaded.size,
        uploaded_by=user,
    )
