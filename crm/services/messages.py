"""The message thread between an enterprise and the officer working its request."""

from django.db import transaction
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.models import ServiceRequest, ServiceRequestMessage, User
from crm.roles import Work, require_role
from crm.services.notifications import notify_message_posted

MAX_MESSAGE_LENGTH = 5000


@transaction.atomic
def message_post(*, request: ServiceRequest, author: User, body: str, is_internal: bool = False) -> ServiceRequestMessage:
    require_role(author, Work.REQUESTS)
    body = (body or "").strip()
    if not body:
        raise DomainError(_("留言内容不能为空。"), field="body")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise DomainError(_("留言不能超过 %(n)s 字。") % {"n": MAX_MESSAGE_LENGTH}, field="body")
    if is_internal and not author.is_staff:
        raise DomainError(_("只有工作人员可以写内部备注。"), code=DomainError.FORBIDDEN)
    message = ServiceRequestMessage.objects.create(request=request, author=author, body=body, is_internal=is_internal)
    notify_message_posted(message)
    return message
