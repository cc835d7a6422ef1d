"""回访: after a request is resolved (已办结) or closed (已关闭), the service desk calls the enterprise back and records
how the outcome was received — 满意, 基本满意 or 不满意 — with a comment.

不满意 reopens the request (办理中) through the state machine: ``service_request_reopen_after_callback`` writes a
history row ``callback_reopen`` with the desk officer as actor, tells the enterprise its request is being handled
again (its status is its own to see), and keeps the request's due time (``reopen``'s clock rule: the promise made at
submission stands, so a request reopened after its due time is overdue at once). The call-back record itself stays
with the staff (``Area.CALLBACKS``): the enterprise's history row reads “回访不满意，重新办理”, without the comment.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.models import RequestCallBack, RequestStatus, ServiceRequest, User
from crm.roles import Work, require_role
from crm.service_requests.figures_version import service_figures_changed
from crm.service_requests.services import service_request_reopen_after_callback

# A call-back follows a request that the desk considers done: resolved, or since confirmed closed.
CALLBACK_STATUSES = (RequestStatus.RESOLVED, RequestStatus.CLOSED)
MAX_COMMENT_LENGTH = 2000


def callback_refused(*, service_request: ServiceRequest, actor: User) -> DomainError | None:
    """Why ``actor`` may not record a call-back on ``service_request`` now, or None: the one reading the admin's
    panel, the API and the service share."""
    try:
        require_role(actor, Work.SERVICE_DESK, refusal=_("只有企业服务专员可以记录回访。"))
    except DomainError as refusal:
        return refusal
    if service_request.status not in CALLBACK_STATUSES:
        return DomainError(
            _("诉求当前状态为“%(status)s”，办结或关闭后才能回访。") % {"status": service_request.get_status_display()},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    return None


@transaction.atomic
def request_record_callback(
    *, service_request: ServiceRequest, result: str, comment: str = "", actor: User, at: dt.datetime | None = None
) -> RequestCallBack:
    """Record a call-back (回访) on a resolved or closed request; 不满意 reopens it (办理中).

    Refuses — and stores nothing — a role other than the service desk (``forbidden``), a request not resolved or
    closed (``illegal_transition``), an unknown result or 不满意 without a comment (``invalid``).
    """
    require_role(actor, Work.SERVICE_DESK, refusal=_("只有企业服务专员可以记录回访。"))
    if result not in RequestCallBack.Result.values:
        raise DomainError(_("请选择回访结果：满意、基本满意或不满意。"), field="result")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise DomainError(_("回访意见不能超过 %(n)s 字。") % {"n": MAX_COMMENT_LENGTH}, field="comment")
    if result == RequestCallBack.Result.UNSATISFIED and not comment:
        raise DomainError(_("回访结果为“不满意”时，请写明企业不满意的原因。"), field="comment")
    # The request row is locked while it is checked: two officers calling back at once meet one after the other.
    service_request = ServiceRequest.objects.select_for_update(of=("self",)).get(pk=service_request.pk)
    refusal = callback_refused(service_request=service_request, actor=actor)
    if refusal is not None:
        raise refusal
    at = at or timezone.now()
    callback = RequestCallBack(request=service_request, result=result, comment=comment, recorded_by=actor, recorded_at=at)
    try:
        callback.full_clean(exclude=["request", "recorded_by"])
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from None
    callback.save()
    if result == RequestCallBack.Result.UNSATISFIED:
        service_request_reopen_after_callback(
            service_request=service_request, actor=actor, note=_("回访结果：不满意"), at=at
        )
    service_figures_changed()  # the service page's cached figures (reports)
    return callback


def callback_list(*, service_request: ServiceRequest):
    """The call-backs of a request, oldest first, each with who recorded it: the admin inline and the API list."""
    return service_request.callbacks.select_related("recorded_by").order_by("recorded_at", "id")
