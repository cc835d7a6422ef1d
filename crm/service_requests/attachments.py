"""Attachments: checked on their content (not their name), capped at 10 MB, stored outside the web root."""

import filetype
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.models import RequestStatus, ServiceRequest, ServiceRequestAttachment, ServiceRequestMessage, User
from crm.roles import Work, require_role
from crm.service_requests.selectors import service_request_lock

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


def attachment_refused(*, service_request: ServiceRequest, user: User) -> DomainError | None:
    """The error ``attachment_add`` raises for ``user`` on ``request`` now, or ``None``.

    The one reading of "who may still add files": the portal asks it to offer its upload form,
    ``attachment_add`` raises what it returns. A finished request (已关闭, 已撤回, 不予受理) takes no
    more files from anyone. On a resolved request (已办结) the enterprise adds no more either — to
    continue, it asks to reopen the request — while an officer may still attach what was issued
    (a permit, a licence).
    """
    if service_request.is_finished:
        return DomainError(
            _("诉求已结束（%(status)s），不能再上传附件。") % {"status": service_request.get_status_display()},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    if service_request.status == RequestStatus.RESOLVED and not user.is_staff:
        return DomainError(
            _("诉求已办结，不能再补充附件；如仍需办理，请先申请重新办理。"), code=DomainError.ILLEGAL_TRANSITION
        )
    return None


@transaction.atomic
def attachment_add(
    *, service_request: ServiceRequest, uploaded, user: User, message: ServiceRequestMessage | None = None
) -> ServiceRequestAttachment:
    """Store an upload on ``request`` once its status allows it and its content is of an accepted type; with
    ``message``, as one of that thread message's files (shown beside it).

    The request row is locked while its status is checked; a refusal (``attachment_refused``, or the
    content check) comes before the file is written, so nothing is left in MEDIA_ROOT.
    """
    require_role(user, Work.REQUESTS)
    service_request = service_request_lock(service_request)
    refusal = attachment_refused(service_request=service_request, user=user)
    if refusal is not None:
        raise refusal
    content_type = attachment_validate(uploaded)
    name = (uploaded.name or "attachment").replace("\x00", "")[-200:]
    return ServiceRequestAttachment.objects.create(
        request=service_request,
        file=uploaded,
        original_name=name,
        content_type=content_type,
        size=uploaded.size,
        uploaded_by=user,
        message=message,
    )


@transaction.atomic
def attachments_add(
    *, service_request: ServiceRequest, uploads, user: User, message: ServiceRequestMessage | None = None
) -> list[ServiceRequestAttachment]:
    """Several uploads, all or none: a refused one rolls back the others, and their files are deleted."""
    stored = []
    try:
        for uploaded in uploads:
            stored.append(attachment_add(service_request=service_request, uploaded=uploaded, user=user, message=message))
    except BaseException:
        for attachment in stored:  # the rows go with the transaction; the files must go by hand
            attachment.file.delete(save=False)
        raise
    return stored
