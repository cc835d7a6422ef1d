"""The message thread between an enterprise and the officer working its request."""

from django.db import transaction
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.models import ServiceRequest, ServiceRequestMessage, User
from crm.roles import Work, require_role
from crm.service_requests.attachments import attachments_add
from crm.service_requests.notify import notify_message_posted
from crm.service_requests.selectors import service_request_lock

MAX_MESSAGE_LENGTH = 5000


def message_refused(*, service_request: ServiceRequest, author: User, is_internal: bool = False) -> DomainError | None:
    """The error ``message_post`` raises for this author and kind of message on ``request`` now, or ``None``.

    The one reading of "who may write on this thread": the portal and the admin ask it to offer (or refuse)
    their forms, ``message_post`` raises what it returns. A finished request (已关闭, 已撤回, 不予受理)
    takes no more messages between the enterprise and the station, from either side. Staff internal
    notes (内部备注) are still taken: officers document a call-back or a complaint after closing, and the
    enterprise never sees them.
    """
    if is_internal and not author.is_staff:
        return DomainError(_("只有工作人员可以写内部备注。"), code=DomainError.FORBIDDEN)
    if service_request.is_finished and not is_internal:
        return DomainError(
            _("诉求已结束（%(status)s），不能再留言。") % {"status": service_request.get_status_display()},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    return None


@transaction.atomic
def message_post(
    *, service_request: ServiceRequest, author: User, body: str, is_internal: bool = False, uploads=(),
    shared_with_departments: bool = False,
) -> ServiceRequestMessage:
    """Post a message (or a staff internal note) on the thread of ``request``, with its ``uploads`` if any, and
    tell the other side.

    The request row is locked while its status is checked, so a message cannot slip in beside a close or
    a withdrawal: refused on a finished request with ``illegal_transition`` (see ``message_refused``),
    nothing stored and nobody notified. The uploads are stored through ``attachments_add`` as the message's
    own files: all or none with the message (a refused file refuses the message, and nothing is stored). An
    internal note takes no file: every file of a request is the enterprise's to see.
    """
    require_role(author, Work.REQUESTS)
    if shared_with_departments:
        # 发给承办单位: a desk message the routed departments' liaisons read — internal, as the enterprise never reads it.
        require_role(author, Work.ROUTING, refusal=_("只有企业服务专员可以给承办单位留言。"))
        if uploads:
            raise DomainError(_("给承办单位的留言不能附带附件：附件企业可见。"), field="attachments")
        is_internal = True
    body = (body or "").strip()
    if not body:
        raise DomainError(_("留言内容不能为空。"), field="body")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise DomainError(_("留言不能超过 %(n)s 字。") % {"n": MAX_MESSAGE_LENGTH}, field="body")
    if is_internal and uploads:
        # A request's files are the enterprise's to see (portal, API, download): a note's file would not stay internal.
        raise DomainError(_("内部备注不能附带附件：附件企业可见。"), field="attachments")
    service_request = service_request_lock(service_request)
    refusal = message_refused(service_request=service_request, author=author, is_internal=is_internal)
    if refusal is not None:
        raise refusal
    message = ServiceRequestMessage.objects.create(
        request=service_request, author=author, body=body, is_internal=is_internal,
        shared_with_departments=shared_with_departments,
    )
    if uploads:
        attachments_add(service_request=service_request, uploads=uploads, user=author, message=message)
    notify_message_posted(message)
    return message
