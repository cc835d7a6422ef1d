"""满意度评价: an enterprise confirms a resolved request and rates how it was handled."""

from django.db import transaction
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.models import ServiceRequest, User
from crm.roles import Work, require_role
from crm.service_requests.figures_version import service_figures_changed
from crm.service_requests.services import service_request_transition

MAX_COMMENT_LENGTH = 1000


@transaction.atomic
def service_request_rate(*, service_request: ServiceRequest, user: User, rating, comment: str = "") -> ServiceRequest:
    """Close a resolved request (``close``) and store the enterprise's 1–5 rating and comment, both or neither.

    Only a member of the request's enterprise rates it: an officer may close a request, but not
    in the enterprise's name.
    """
    require_role(user, Work.REQUESTS)
    if isinstance(rating, str) and rating.strip().isdigit():
        rating = int(rating)
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(_("满意度请选择 1 到 5 分。"), field="rating")
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT_LENGTH:
        raise DomainError(_("评价不能超过 %(n)s 字。") % {"n": MAX_COMMENT_LENGTH}, field="comment")
    if not user.enterprises.filter(pk=service_request.enterprise_id).exists():
        raise DomainError(_("只有提出诉求的企业可以评价。"), code=DomainError.FORBIDDEN)
    service_request = service_request_transition(
        service_request=service_request, action="close", actor=user, note=_("满意度 %(n)s 分") % {"n": rating}
    )
    service_request.satisfaction = rating
    service_request.satisfaction_comment = comment
    service_request._history_user = user
    service_request._change_reason = "rate"
    service_request.save(update_fields=["satisfaction", "satisfaction_comment", "updated_at"])
    service_figures_changed()  # the service page's cached figures (reports)
    return service_request
