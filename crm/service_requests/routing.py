"""分办/转办: a request given to departments (承办单位), one service per step — the one door for each.

- ``routing_create`` (交办, the desk): to one lead department (主办) and any number of assisting ones (协办), each
  due the category's limit for its role after the routing (``routing_due_at``, the SLA's calendar);
- ``routing_hand_back`` (退回, the department, with a reason): the request is the desk's again;
- ``routing_transfer`` (转办, the desk): the routing goes to another active department, due its full limit from now;
- ``routing_request_extension`` (延期申请, the department): a later due time and a reason, for the station head;
- ``routing_decide_extension`` (延期审批, the station head 驿站站长): an approval moves the routing's due time, and the
  request's when the routing is the lead (``sla.request_due_extend``); a refusal changes nothing else;
- ``routing_complete`` (办结, the department);
- ``routing_message_post`` (承办单位留言, the department): a message the desk and its own department read.

Each is ``@transaction.atomic``, checks the role table first (``crm.roles``: ``Work.ROUTING``, ``DEPARTMENT_WORK``,
``EXTENSION_DECISION``), locks the request row (``service_request_lock``) so steps on one request are taken one at
a time, and writes a ``RoutingEvent`` with the actor and the time. A liaison acts only on its own departments'
routings (``forbidden`` otherwise; the API answers 404 before, as it never shows them). A step the routing's status
does not allow is ``illegal_transition`` (409); bad input is ``invalid`` with the field named (400).
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.models import (
    Department,
    RequestStatus,
    Routing,
    RoutingEvent,
    RoutingExtension,
    ServiceCategory,
    ServiceRequest,
    ServiceRequestMessage,
    ServiceRequestTransition,
    User,
)
from crm.notifications.links import local
from crm.roles import WHO_DOES, Work, require_role
from crm.service_requests.figures_version import service_figures_changed
from crm.service_requests.selectors import service_request_lock
from crm.service_requests.sla import DueTime, limit_end, request_due_extend
from crm.validators import LONG_TEXT_MAX_LENGTH

# A request is routed once the desk has accepted it, while it is being handled (the state machine of
# crm.service_requests.services): not before acceptance, not once resolved or finished.
ROUTABLE_STATUSES = (RequestStatus.ACCEPTED, RequestStatus.IN_PROGRESS, RequestStatus.WAITING_EXTERNAL)


def routing_due_at(*, category: ServiceCategory, role: str, routed_at: dt.datetime) -> DueTime:
    """When a routing is due: ``routed_at`` plus the category's limit for ``role`` (主办 ``lead_limit``, 协办
    ``assist_limit``) in ``routing_limit_unit`` — calendar hours, or the end of the N-th working day after the day of
    routing on the working-day calendar (holidays off, 调休 make-up days on), exactly as a request's SLA is counted."""
    value = category.lead_limit if role == Routing.Role.LEAD else category.assist_limit
    return limit_end(unit=category.routing_limit_unit, value=value, start=routed_at)


def _text(value, *, field: str, required_message: str | None = None) -> str:
    value = (value or "").strip()
    if required_message and not value:
        raise DomainError(required_message, field=field)
    if len(value) > LONG_TEXT_MAX_LENGTH:
        raise DomainError(_("不能超过 %(n)s 字。") % {"n": LONG_TEXT_MAX_LENGTH}, field=field)
    return value


def _event(routing: Routing, kind: str, *, actor: User, at, note: str = "", due_before=None, due_after=None) -> RoutingEvent:
    return RoutingEvent.objects.create(
        routing=routing, kind=kind, actor=actor, created_at=at, note=note, due_before=due_before, due_after=due_after,
        visible_to_enterprise=kind in RoutingEvent.VISIBLE_TO_ENTERPRISE,
    )


def _locked_routing(routing: Routing) -> Routing:
    """The routing as it is now, read after its request's row is locked (every routing step takes that lock first)."""
    service_request = service_request_lock(routing.service_request)
    routing = Routing.objects.select_related("department", "service_request__category").get(pk=routing.pk)
    routing.service_request.status = service_request.status
    return routing


def _require_own_department(routing: Routing, actor: User) -> None:
    """A liaison works its own departments' routings only (a superuser any)."""
    require_role(actor, Work.DEPARTMENT_WORK)
    if not actor.is_superuser and not routing.department.liaisons.filter(pk=actor.pk).exists():
        raise DomainError(_("您不是“%(department)s”的联络员，不能办理该事项。") % {"department": routing.department},
                          code=DomainError.FORBIDDEN)


def _require_active(routing: Routing, what: str) -> None:
    if routing.status != Routing.Status.ACTIVE:
        raise DomainError(
            _("该分办事项当前为“%(status)s”，不能%(what)s。") % {"status": routing.get_status_display(), "what": what},
            code=DomainError.ILLEGAL_TRANSITION,
        )


def _check_department(department: Department | None, *, service_request: ServiceRequest, field: str) -> Department:
    if department is None:
        raise DomainError(_("请选择承办单位。"), field=field)
    if not department.is_active:
        raise DomainError(_("承办单位“%(department)s”已停用。") % {"department": department}, field=field)
    if Routing.objects.filter(service_request=service_request, department=department, status=Routing.Status.ACTIVE).exists():
        raise DomainError(_("该诉求已分办给“%(department)s”，正在办理中。") % {"department": department}, field=field)
    return department


def _check_lead_free(service_request: ServiceRequest) -> None:
    lead = Routing.objects.filter(
        service_request=service_request, role=Routing.Role.LEAD, status=Routing.Status.ACTIVE
    ).select_related("department").first()
    if lead is not None:
        raise DomainError(
            _("该诉求已有主办单位“%(department)s”正在办理；如需更换，请转办。") % {"department": lead.department},
            code=DomainError.ILLEGAL_TRANSITION,
        )


def _new_routing(*, service_request, department, role, note, actor, at) -> Routing:
    due = routing_due_at(category=service_request.category, role=role, routed_at=at)
    return Routing.objects.create(
        service_request=service_request, department=department, role=role, due_at=due.due_at, note=note,
        routed_by=actor, routed_at=at,
    )


@transaction.atomic
def routing_create(
    *, service_request: ServiceRequest, department: Department, role: str, note: str = "", actor: User, at=None
) -> Routing:
    """交办: give an accepted request to ``department`` as the lead (主办) or assisting (协办) department.

    Refused: a role other than the desk's (``forbidden``); a request not accepted yet, resolved or finished, or a
    second active lead (``illegal_transition``); no department, a retired one or one already working on the request,
    an unknown role (``invalid``)."""
    require_role(actor, Work.ROUTING)
    if role not in Routing.Role.values:
        raise DomainError(_("承办方式须为“主办”（lead）或“协办”（assist）。"), field="role")
    note = _text(note, field="note")
    service_request = service_request_lock(service_request)
    if service_request.status not in ROUTABLE_STATUSES:
        raise DomainError(
            _("诉求当前状态为“%(status)s”，不能分办；请先受理。")
            % {"status": service_request.get_status_display()}
            if service_request.status == RequestStatus.SUBMITTED
            else _("诉求当前状态为“%(status)s”，不能分办。") % {"status": service_request.get_status_display()},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    department = _check_department(department, service_request=service_request, field="department")
    if role == Routing.Role.LEAD:
        _check_lead_free(service_request)
    at = at or timezone.now()
    routing = _new_routing(service_request=service_request, department=department, role=role, note=note, actor=actor, at=at)
    _event(routing, RoutingEvent.Kind.ROUTED, actor=actor, at=at, note=note, due_after=routing.due_at)
    service_figures_changed()  # the service page's cached figures (reports)
    return routing


@transaction.atomic
def routing_hand_back(*, routing: Routing, reason: str, actor: User, at=None) -> Routing:
    """退回: the department gives the request back to the desk, with a reason (not the enterprise's to see); the desk
    may then transfer it or route it again."""
    reason = _text(reason, field="reason", required_message=_("退回须填写理由。"))
    require_role(actor, Work.DEPARTMENT_WORK)
    routing = _locked_routing(routing)
    _require_own_department(routing, actor)
    _require_active(routing, _("退回"))
    at = at or timezone.now()
    routing.status = Routing.Status.HANDED_BACK
    routing.save(update_fields=["status"])
    _event(routing, RoutingEvent.Kind.HANDED_BACK, actor=actor, at=at, note=reason)
    service_figures_changed()  # the service page's cached figures (reports)
    return routing


@transaction.atomic
def routing_transfer(*, routing: Routing, to_department: Department, note: str = "", actor: User, at=None) -> Routing:
    """转办: the desk gives an active or handed-back routing to another active department, in the same role; the new
    routing is due its full limit from now. Returns the new routing; the old one is ``transferred`` and names it."""
    require_role(actor, Work.ROUTING)
    note = _text(note, field="note")
    routing = _locked_routing(routing)
    if routing.status not in (Routing.Status.ACTIVE, Routing.Status.HANDED_BACK):
        raise DomainError(
            _("该分办事项当前为“%(status)s”，不能转办。") % {"status": routing.get_status_display()},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    service_request = routing.service_request
    if service_request.status not in ROUTABLE_STATUSES:
        raise DomainError(
            _("诉求当前状态为“%(status)s”，不能转办。") % {"status": service_request.get_status_display()},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    if to_department is not None and to_department.pk == routing.department_id:
        raise DomainError(_("请选择另一个承办单位。"), field="department")
    to_department = _check_department(to_department, service_request=service_request, field="department")
    at = at or timezone.now()
    previous_status = routing.status
    routing.status = Routing.Status.TRANSFERRED
    routing.save(update_fields=["status"])  # first: the new lead may take the one active lead's place
    if routing.role == Routing.Role.LEAD and previous_status == Routing.Status.HANDED_BACK:
        _check_lead_free(service_request)
    new = _new_routing(
        service_request=service_request, department=to_department, role=routing.role, note=note, actor=actor, at=at
    )
    routing.transferred_to = new
    routing.save(update_fields=["transferred_to"])
    _event(
        routing, RoutingEvent.Kind.TRANSFERRED, actor=actor, at=at,
        note=_("转办至“%(department)s”。%(note)s") % {"department": to_department, "note": note},
    )
    _event(
        new, RoutingEvent.Kind.ROUTED, actor=actor, at=at, due_after=new.due_at,
        note=_("由“%(department)s”转办。%(note)s") % {"department": routing.department, "note": note},
    )
    service_figures_changed()  # the service page's cached figures (reports)
    return new


def _clean_due(due_at) -> dt.datetime:
    if due_at is None:
        raise DomainError(_("请填写申请延至的时间。"), field="due_at")
    if not isinstance(due_at, dt.datetime) or timezone.is_naive(due_at):
        raise DomainError(_("申请延至的时间须为带时区的日期时间。"), field="due_at")
    return due_at


@transaction.atomic
def routing_request_extension(*, routing: Routing, due_at: dt.datetime, reason: str, actor: User, at=None) -> RoutingExtension:
    """延期申请: the department asks the station head for a later due time, with a reason; one pending at a time.
    The station heads are told at once (rule ``routing_extension_requested``)."""
    due_at = _clean_due(due_at)
    reason = _text(reason, field="reason", required_message=_("申请延期须填写理由。"))
    require_role(actor, Work.DEPARTMENT_WORK)
    routing = _locked_routing(routing)
    _require_own_department(routing, actor)
    _require_active(routing, _("申请延期"))
    if due_at <= routing.due_at:
        raise DomainError(
            _("申请延至的时间须晚于当前办理时限 %(due)s。") % {"due": local(routing.due_at)}, field="due_at"
        )
    if routing.extensions.filter(status=RoutingExtension.Status.PENDING).exists():
        raise DomainError(_("该事项已有一项延期申请待审批。"), code=DomainError.ILLEGAL_TRANSITION)
    at = at or timezone.now()
    extension = RoutingExtension.objects.create(
        routing=routing, requested_due_at=due_at, reason=reason, requested_by=actor, requested_at=at
    )
    _event(
        routing, RoutingEvent.Kind.EXTENSION_REQUESTED, actor=actor, at=at, note=reason, due_before=routing.due_at,
        due_after=due_at,
    )
    from crm.service_requests.notify import notify_extension_requested

    notify_extension_requested(extension)
    service_figures_changed()  # the service page's cached figures (reports)
    return extension


@transaction.atomic
def routing_decide_extension(*, extension: RoutingExtension, approve: bool, note: str = "", actor: User, at=None) -> RoutingExtension:
    """延期审批: the station head approves or refuses a pending extension request. An approval moves the routing's due
    time to the one asked for, and — when the routing is the lead (主办) — the request's too, if that is later
    (``sla.request_due_extend``, recorded in the request's history); only a routing still being worked on is
    extended. A refusal keeps every due time."""
    require_role(actor, Work.EXTENSION_DECISION, refusal=WHO_DOES[Work.EXTENSION_DECISION].refusal)
    if not isinstance(approve, bool):
        raise DomainError(_("请选择批准或不批准。"), field="approve")
    note = _text(note, field="note")
    routing = _locked_routing(extension.routing)
    extension = RoutingExtension.objects.select_for_update().get(pk=extension.pk)
    extension.routing = routing
    if extension.status != RoutingExtension.Status.PENDING:
        raise DomainError(
            _("该延期申请已审批（%(status)s）。") % {"status": extension.get_status_display()},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    if approve:
        _require_active(routing, _("延期"))
    at = at or timezone.now()
    extension.status = RoutingExtension.Status.APPROVED if approve else RoutingExtension.Status.REFUSED
    extension.decided_by, extension.decided_at, extension.decision_note = actor, at, note
    extension.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if not approve:
        _event(routing, RoutingEvent.Kind.EXTENSION_REFUSED, actor=actor, at=at, note=note,
               due_before=routing.due_at, due_after=routing.due_at)
        return extension
    before = routing.due_at
    routing.due_at = extension.requested_due_at
    routing.save(update_fields=["due_at"])
    _event(routing, RoutingEvent.Kind.EXTENSION_APPROVED, actor=actor, at=at, note=note, due_before=before,
           due_after=routing.due_at)
    if routing.role == Routing.Role.LEAD:
        service_request = ServiceRequest.objects.get(pk=routing.service_request_id)
        previous_due = service_request.due_at
        record = _("主办单位“%(department)s”延期获批，办理时限 %(before)s → %(after)s") % {
            "department": routing.department, "before": local(previous_due), "after": local(routing.due_at),
        }
        if request_due_extend(service_request=service_request, due_at=routing.due_at, actor=actor, note=record):
            ServiceRequestTransition.objects.create(
                request=service_request, action="due_extend", from_status=service_request.status,
                to_status=service_request.status, actor=actor, note=record, created_at=at,
            )
    service_figures_changed()  # the service page's cached figures (reports)
    return extension


@transaction.atomic
def routing_complete(*, routing: Routing, note: str = "", actor: User, at=None) -> Routing:
    """办结: the department has done its part; the enterprise sees it on its timeline. The request itself is resolved
    by the desk (``service_request_transition``)."""
    note = _text(note, field="note")
    require_role(actor, Work.DEPARTMENT_WORK)
    routing = _locked_routing(routing)
    _require_own_department(routing, actor)
    _require_active(routing, _("办结"))
    at = at or timezone.now()
    routing.status = Routing.Status.COMPLETED
    routing.completed_at = at
    routing.save(update_fields=["status", "completed_at"])
    _event(routing, RoutingEvent.Kind.COMPLETED, actor=actor, at=at, note=note)
    service_figures_changed()  # the service page's cached figures (reports)
    return routing


@transaction.atomic
def routing_message_post(*, routing: Routing, body: str, actor: User) -> ServiceRequestMessage:
    """承办单位留言: the department writes on the request's thread, for the desk and its own department — internal,
    never the enterprise's, nor another department's. Taken while the routing is worked on or completed, on a
    request not finished."""
    from crm.service_requests.thread import MAX_MESSAGE_LENGTH

    body = (body or "").strip()
    if not body:
        raise DomainError(_("留言内容不能为空。"), field="body")
    if len(body) > MAX_MESSAGE_LENGTH:
        raise DomainError(_("留言不能超过 %(n)s 字。") % {"n": MAX_MESSAGE_LENGTH}, field="body")
    require_role(actor, Work.DEPARTMENT_WORK)
    routing = _locked_routing(routing)
    _require_own_department(routing, actor)
    if routing.status not in (Routing.Status.ACTIVE, Routing.Status.COMPLETED):
        raise DomainError(
            _("该分办事项当前为“%(status)s”，不能留言。") % {"status": routing.get_status_display()},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    if routing.service_request.is_finished:
        raise DomainError(
            _("诉求已结束（%(status)s），不能再留言。") % {"status": routing.service_request.get_status_display()},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    return ServiceRequestMessage.objects.create(
        request=routing.service_request, author=actor, body=body, is_internal=True, department=routing.department
    )
