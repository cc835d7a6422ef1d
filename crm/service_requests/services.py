"""Writes on enterprise service requests: submit, every status transition, and assignment.

Every change of a request is a ``ServiceRequestTransition`` row. Its submission opens the history; a status
action (``ACTIONS``) moves it from one status to another; the other rows (``RECORD_LABELS``, such as an
assignment) keep it where it is (from_status == to_status) and only say who did what when.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.errors import DomainError
from crm.models import (
    OPEN_REQUEST_STATUSES,
    Enterprise,
    RequestStatus,
    ServiceCategory,
    ServiceRequest,
    ServiceRequestTransition,
    User,
)
from crm.roles import Work, may, require_role
from crm.service_requests.approval_steps import approval_steps_from_templates
from crm.service_requests.attachments import attachments_add
from crm.service_requests.category_forms import category_form_current
from crm.service_requests.details import details_clean
from crm.service_requests.figures_version import service_figures_changed
from crm.service_requests.notify import notify_request_submitted, notify_status_changed
from crm.service_requests.sla import compute_due_at

S = RequestStatus
DESK = "desk"  # the service desk: a service officer (企业服务专员)
ENTERPRISE = "enterprise"


@dataclass(frozen=True)
class Action:
    label: str
    sources: frozenset
    target: str
    actors: frozenset  # who may take it: DESK (a service officer) and/or ENTERPRISE (a member of the request's enterprise)
    needs_note: bool = False


ACTIONS = {
    "accept": Action(gettext_lazy("受理"), frozenset({S.SUBMITTED}), S.ACCEPTED, frozenset({DESK})),
    "start": Action(gettext_lazy("开始办理"), frozenset({S.ACCEPTED, S.WAITING_EXTERNAL}), S.IN_PROGRESS, frozenset({DESK})),
    "wait_external": Action(
        gettext_lazy("转外部审批"), frozenset({S.ACCEPTED, S.IN_PROGRESS}), S.WAITING_EXTERNAL, frozenset({DESK})
    ),
    "resolve": Action(
        gettext_lazy("办结"), frozenset({S.ACCEPTED, S.IN_PROGRESS, S.WAITING_EXTERNAL}), S.RESOLVED, frozenset({DESK})
    ),
    "close": Action(gettext_lazy("确认关闭"), frozenset({S.RESOLVED}), S.CLOSED, frozenset({DESK, ENTERPRISE})),
    "reject": Action(
        gettext_lazy("不予受理"), frozenset({S.SUBMITTED, S.ACCEPTED}), S.REJECTED, frozenset({DESK}), needs_note=True
    ),
    "withdraw": Action(gettext_lazy("撤回"), frozenset({S.SUBMITTED}), S.WITHDRAWN, frozenset({ENTERPRISE})),
    "reopen": Action(gettext_lazy("重新办理"), frozenset({S.RESOLVED}), S.IN_PROGRESS, frozenset({DESK, ENTERPRISE})),
}


# Status actions a service takes as part of its own work, never offered as a button nor accepted by
# ``service_request_transition``: a call-back (回访) answered 不满意 reopens a resolved or closed request
# (``crm.service_requests.callbacks.request_record_callback``, through ``service_request_reopen_after_callback``).
SERVICE_ACTIONS = {
    "callback_reopen": Action(
        gettext_lazy("回访不满意，重新办理"), frozenset({S.RESOLVED, S.CLOSED}), S.IN_PROGRESS, frozenset({DESK})
    ),
}


# The rows of a request's history that are not status actions: its submission, and changes that keep the
# status (from_status == to_status): an assignment, and the approval steps' rows (crm.service_requests.approval_steps).
RECORD_LABELS = {
    "submit": gettext_lazy("提交"),
    "assign": gettext_lazy("分派"),
    "step_plan": gettext_lazy("安排审批环节"),
    "step_change": gettext_lazy("修改审批环节"),
    "step_complete": gettext_lazy("完成审批环节"),
    "step_reopen": gettext_lazy("重新打开审批环节"),
    "due_extend": gettext_lazy("延长办理时限"),  # the lead department's extension approved (crm.service_requests.routing)
}


def transition_label(action: str) -> str:
    """What a history row's ``action`` is called on every screen: “受理” rather than “accept”, “分派” for ``assign``."""
    spec = ACTIONS.get(action) or SERVICE_ACTIONS.get(action)
    if spec is not None:
        return str(spec.label)
    return str(RECORD_LABELS.get(action, action))


def _actor_kinds(user: User, request: ServiceRequest) -> set[str]:
    kinds = set()
    if may(user, Work.SERVICE_DESK):
        kinds.add(DESK)
    if user.enterprises.filter(pk=request.enterprise_id).exists():
        kinds.add(ENTERPRISE)
    return kinds


def allowed_actions(*, service_request: ServiceRequest, user: User) -> list[str]:
    """The actions ``user`` may take on ``request`` in its current status."""
    kinds = _actor_kinds(user, service_request)
    return [name for name, a in ACTIONS.items() if service_request.status in a.sources and a.actors & kinds]


@transaction.atomic
def service_request_submit(
    *,
    enterprise: Enterprise,
    category: ServiceCategory,
    title: str,
    submitted_by: User,
    description: str = "",
    details: dict | None = None,
    attachments: Iterable = (),
    at=None,
) -> tuple[ServiceRequest, list[str]]:
    """An enterprise asks for something: the request gets its SLA due time and its first history row, and
    its ``attachments`` (uploads) are stored with it — one transaction: a refused file means nothing is kept,
    neither the request nor a file already written.

    Returns the request and any calendar warnings meant for staff (never shown as an error to the enterprise).
    """
    require_role(submitted_by, Work.REQUESTS)
    if not category.is_active:
        raise DomainError(_("该服务类别已停用。"), field="category")
    if not submitted_by.is_staff and not submitted_by.enterprises.filter(pk=enterprise.pk).exists():
        raise DomainError(_("您不属于该企业，不能代其提交诉求。"), code=DomainError.FORBIDDEN, field="enterprise")
    title = (title or "").strip()
    if not title:
        raise DomainError(_("标题不能为空。"), field="title")
    form_version = category_form_current(category)
    stored_details = details_clean(version=form_version, data=details)
    at = at or timezone.now()
    due = compute_due_at(category=category, submitted_at=at)
    request = ServiceRequest(
        enterprise=enterprise,
        category=category,
        title=title,
        description=description or "",
        details=stored_details,
        form_version=form_version,
        submitted_by=submitted_by,
        submitted_at=at,
        due_at=due.due_at,
        status=S.SUBMITTED,
    )
    try:
        request.full_clean()
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from None
    request._history_user = submitted_by
    request.save()
    ServiceRequestTransition.objects.create(
        request=request, action="submit", from_status="", to_status=S.SUBMITTED, actor=submitted_by, created_at=at
    )
    attachments_add(service_request=request, uploads=attachments, user=submitted_by)
    notify_request_submitted(request)
    service_figures_changed()  # the service page's cached figures (reports)
    return request, due.warnings


@transaction.atomic
def service_request_transition(
    *, service_request: ServiceRequest, action: str, actor: User, note: str = "", at=None
) -> ServiceRequest:
    """Apply ``action`` to a request — the only way its status changes.

    Raises ``DomainError`` with code ``forbidden`` when the actor's role may not take the action,
    ``illegal_transition`` when the request's status does not allow it (nothing is changed then).
    """
    spec = ACTIONS.get(action)
    if spec is None:
        raise DomainError(
            _("未知操作：%(action)s。可用操作：%(all)s。") % {"action": action, "all": ", ".join(ACTIONS)}, field="action"
        )
    return _transition(service_request=service_request, action=action, spec=spec, actor=actor, note=note, at=at)


@transaction.atomic
def service_request_reopen_after_callback(
    *, service_request: ServiceRequest, actor: User, note: str, at=None
) -> ServiceRequest:
    """回访不满意，重新办理: a resolved or closed request goes back to 办理中 (``SERVICE_ACTIONS["callback_reopen"]``).

    Called by ``request_record_callback`` in its transaction, after it stored the call-back: the same checks,
    history row, clock rule and notice to the enterprise as every transition. The SLA clock is that of
    ``reopen``: the request keeps its due time (the promise made when it was submitted), so a request reopened
    after its due time is overdue (red) at once and the overdue reminders and the report count it late.
    """
    return _transition(
        service_request=service_request, action="callback_reopen", spec=SERVICE_ACTIONS["callback_reopen"], actor=actor,
        note=note, at=at,
    )


def _transition(*, service_request: ServiceRequest, action: str, spec: Action, actor: User, note: str, at) -> ServiceRequest:
    require_role(actor, Work.REQUESTS, refusal=_("您没有权限执行“%(label)s”。") % {"label": spec.label})
    service_request = ServiceRequest.objects.select_for_update().select_related("category").get(pk=service_request.pk)
    if not spec.actors & _actor_kinds(actor, service_request):
        raise DomainError(_("您没有权限执行“%(label)s”。") % {"label": spec.label}, code=DomainError.FORBIDDEN)
    if service_request.status not in spec.sources:
        raise DomainError(
            _("诉求当前状态为“%(status)s”，不能“%(label)s”。")
            % {"status": service_request.get_status_display(), "label": spec.label},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    note = (note or "").strip()
    if spec.needs_note and not note:
        raise DomainError(_("“%(label)s”必须填写原因。") % {"label": spec.label}, field="note")

    at = at or timezone.now()
    from_status = service_request.status
    _apply_clock(service_request, leaving=from_status, entering=spec.target, at=at)
    service_request.status = spec.target
    if action == "accept" and service_request.assignee_id is None:
        service_request.assignee = actor
    if action == "reject":
        service_request.rejection_reason = note
    if spec.target == S.RESOLVED:
        service_request.resolved_at = at
    if from_status in (S.RESOLVED, S.CLOSED) and spec.target in OPEN_REQUEST_STATUSES:
        service_request.resolved_at = None  # reopened (重新办理, 回访不满意): no longer resolved
    service_request._history_user = actor
    service_request._change_reason = f"{action}: {note}"[:100]
    service_request.save()
    transition = ServiceRequestTransition.objects.create(
        request=service_request, action=action, from_status=from_status, to_status=spec.target, actor=actor, note=note, created_at=at
    )
    if action == "accept":
        approval_steps_from_templates(service_request=service_request, actor=actor, at=at)
    notify_status_changed(service_request, transition)
    service_figures_changed()  # the service page's cached figures (reports)
    return service_request


def _apply_clock(request: ServiceRequest, *, leaving: str, entering: str, at) -> None:
    """Pause the SLA clock while waiting on an external authority, if the category says so."""
    if not request.category.pause_while_waiting_external:
        return
    if entering == S.WAITING_EXTERNAL and request.paused_since is None:
        request.paused_since = at
    elif leaving == S.WAITING_EXTERNAL and request.paused_since is not None:
        paused = at - request.paused_since
        request.paused_seconds += int(paused.total_seconds())
        request.due_at += paused
        request.paused_since = None


@transaction.atomic
def service_request_assign(*, service_request: ServiceRequest, assignee: User, actor: User, at=None) -> ServiceRequest:
    """分派: give a request to a service officer, recorded as a transition row that keeps the status.

    The row (action ``assign``, from_status == to_status) says who gave the request to whom and when, as
    every other change of a request is recorded; it announces no status change to the enterprise. The
    request row is locked while it is checked; a finished request (已关闭, 已撤回, 不予受理) is not
    assigned any more (``illegal_transition``). Giving a request to its current assignee writes nothing.
    """
    require_role(actor, Work.SERVICE_DESK)
    if not may(assignee, Work.SERVICE_DESK):
        raise DomainError(_("只能分派给企业服务专员。"), field="assignee")
    # Lock the request row only: the assignee is a nullable join, which PostgreSQL will not lock (FOR UPDATE OF).
    service_request = ServiceRequest.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=service_request.pk)
    service_request._history_user = actor
    if service_request.is_finished:
        raise DomainError(
            _("诉求已结束（%(status)s），不能再分派。") % {"status": service_request.get_status_display()},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    if service_request.assignee_id == assignee.pk:
        return service_request
    if service_request.assignee is None:
        note = _("分派给 %(name)s") % {"name": assignee}
    else:
        note = _("分派给 %(name)s（原经办人：%(previous)s）") % {"name": assignee, "previous": service_request.assignee}
    service_request.assignee = assignee
    service_request._change_reason = note[:100]
    service_request.save(update_fields=["assignee", "updated_at"])
    ServiceRequestTransition.objects.create(
        request=service_request, action="assign", from_status=service_request.status, to_status=service_request.status, actor=actor,
        note=note, created_at=at or timezone.now(),
    )
    service_figures_changed()  # the service page's cached figures (reports)
    return service_request
