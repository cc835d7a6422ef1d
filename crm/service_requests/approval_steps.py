"""审批环节: the external steps a request waits on — planned, changed, completed and reopened only here.

Every write is ``@transaction.atomic`` and locks the request row first (``service_request_lock``), so a step
cannot change beside a close or a withdrawal; it is taken by a service officer (or a superuser) only
(``forbidden`` otherwise); it is refused once the request is no longer open — 已办结 as well as 已关闭, 已撤回,
不予受理 — with ``illegal_transition``: its steps are then a record (to change one, reopen the request first);
and it is recorded as a ``ServiceRequestTransition`` row that keeps the status (from_status == to_status),
with the acting officer and a note naming the step: ``step_plan``, ``step_change``, ``step_complete``,
``step_reopen``. Such a row is no status change: the enterprise is not notified of it.

A step is open while it is not completed. The reminder sweep reads open steps on open requests
(``ApprovalStep.objects.open()``), so a completed step is not reminded and a reopened one is again
(by the thresholds still ahead of it: a reminder already sent for the step is not sent twice).
"""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.models import (
    ApprovalStep,
    ApprovalStepTemplate,
    Department,
    RequestStatus,
    ServiceRequest,
    ServiceRequestTransition,
    User,
)
from crm.notifications.links import local
from crm.roles import WHO_DOES, Work, may
from crm.service_requests.figures_version import service_figures_changed
from crm.service_requests.selectors import service_request_lock
from crm.service_requests.sla import working_days_end

NAME_MAX_LENGTH = ApprovalStep._meta.get_field("name").max_length
AUTHORITY_MAX_LENGTH = ApprovalStep._meta.get_field("authority").max_length
SEQUENCE_MAX = 32767  # PositiveSmallIntegerField


def _liaison_of(actor: User, department_id: int | None) -> bool:
    """承办单位联络员 of the step's department: it completes its own department's steps (``approval_step_complete``)."""
    return (
        department_id is not None
        and may(actor, Work.DEPARTMENT_WORK)
        and actor.liaison_departments.filter(pk=department_id).exists()
    )


def approval_steps_refused(
    *, service_request: ServiceRequest, actor: User, department_id: int | None = None
) -> DomainError | None:
    """The error every approval-step service raises for ``actor`` on ``service_request`` now, or ``None``.

    For the screens that offer step forms (the admin's request page, read-only whenever this refuses) and for the
    services themselves. ``department_id``: the step's department, whose liaisons may complete it.
    """
    if not may(actor, Work.APPROVAL_STEPS) and not _liaison_of(actor, department_id):
        return DomainError(WHO_DOES[Work.APPROVAL_STEPS].refusal, code=DomainError.FORBIDDEN)
    if service_request.status == RequestStatus.RESOLVED:
        return DomainError(
            _("诉求已办结，不能再更改审批环节；如需继续办理，请先重新办理。"), code=DomainError.ILLEGAL_TRANSITION
        )
    if service_request.is_finished:
        return DomainError(
            _("诉求已结束（%(status)s），不能再更改审批环节。") % {"status": service_request.get_status_display()},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    return None


def _locked(service_request: ServiceRequest, actor: User, department_id: int | None = None) -> ServiceRequest:
    service_request = service_request_lock(service_request)
    refusal = approval_steps_refused(service_request=service_request, actor=actor, department_id=department_id)
    if refusal is not None:
        raise refusal
    return service_request


def _locked_step(step: ApprovalStep, actor: User, *, by_its_department: bool = False) -> ApprovalStep:
    """The step as it is now, read after its request's row is locked (every step write takes that lock first).
    ``by_its_department``: the step's department's liaisons may take this write too."""
    department_id = step.department_id if by_its_department else None
    service_request = _locked(step.request, actor, department_id)
    step = ApprovalStep.objects.get(pk=step.pk)
    step.request = service_request
    return step


def _record(step: ApprovalStep, *, action: str, actor: User, note: str, at) -> None:
    request = step.request
    ServiceRequestTransition.objects.create(
        request=request, action=action, from_status=request.status, to_status=request.status, actor=actor, note=note,
        created_at=at or timezone.now(),
    )


def _clean_name(name) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("请填写环节名称。"), field="name")
    if len(name) > NAME_MAX_LENGTH:
        raise DomainError(_("环节不能超过 %(n)s 字。") % {"n": NAME_MAX_LENGTH}, field="name")
    return name


def _clean_authority(authority) -> str:
    authority = (authority or "").strip()
    if len(authority) > AUTHORITY_MAX_LENGTH:
        raise DomainError(_("审批部门不能超过 %(n)s 字。") % {"n": AUTHORITY_MAX_LENGTH}, field="authority")
    return authority


def _clean_due_at(due_at) -> dt.datetime:
    if due_at is None:
        raise DomainError(_("请填写应完成时间。"), field="due_at")
    if not isinstance(due_at, dt.datetime) or timezone.is_naive(due_at):
        raise DomainError(_("应完成时间须为带时区的日期时间。"), field="due_at")
    return due_at


@transaction.atomic
def approval_step_plan(
    *,
    service_request: ServiceRequest,
    name: str,
    due_at: dt.datetime,
    actor: User,
    authority: str = "",
    sequence: int | None = None,
    department: Department | None = None,
    at=None,
) -> ApprovalStep:
    """安排: add a step to ``service_request``, after the last one unless ``sequence`` names a free place;
    ``department`` (承办单位): a step that department handles — its liaisons see and complete it."""
    service_request = _locked(service_request, actor)
    name, authority, due_at = _clean_name(name), _clean_authority(authority), _clean_due_at(due_at)
    if department is not None and not department.is_active:
        raise DomainError(_("承办单位“%(department)s”已停用。") % {"department": department}, field="department")
    steps = ApprovalStep.objects.filter(request=service_request)
    if sequence is None:
        sequence = (steps.aggregate(last=Max("sequence"))["last"] or 0) + 1
    elif isinstance(sequence, bool) or not isinstance(sequence, int) or not 1 <= sequence <= SEQUENCE_MAX:
        raise DomainError(_("顺序应为正整数。"), field="sequence")
    elif steps.filter(sequence=sequence).exists():
        raise DomainError(_("第 %(n)s 步已存在。") % {"n": sequence}, field="sequence")
    step = ApprovalStep.objects.create(
        request=service_request, sequence=sequence, name=name, authority=authority, due_at=due_at,
        department=department,
    )
    where = _("（%(authority)s）") % {"authority": authority or department} if authority or department else ""
    _record(
        step, action="step_plan", actor=actor, at=at,
        note=_("安排审批环节“%(step)s”%(where)s，应完成时间 %(due)s") % {"step": step, "where": where, "due": local(due_at)},
    )
    service_figures_changed()  # the service page's cached figures (reports)
    return step


@transaction.atomic
def approval_step_change(
    *, step: ApprovalStep, actor: User, name: str | None = None, authority: str | None = None,
    due_at: dt.datetime | None = None, at=None,
) -> ApprovalStep:
    """修改: the name, authority or due time of an open step (``None`` keeps a field); a completed step is
    reopened first. Only what really changes is saved and recorded; no change writes nothing."""
    step = _locked_step(step, actor)
    if step.completed_at is not None:
        raise DomainError(
            _("审批环节“%(step)s”已完成，不能修改；如需修改，请先重新打开。") % {"step": step},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    label = str(step)
    wanted = {
        "name": _clean_name(name) if name is not None else step.name,
        "authority": _clean_authority(authority) if authority is not None else step.authority,
        "due_at": _clean_due_at(due_at) if due_at is not None else step.due_at,
    }
    changed = [field for field, value in wanted.items() if getattr(step, field) != value]
    if not changed:
        return step
    shown = {"due_at": local, "name": str, "authority": lambda value: value or "—"}
    titles = {"name": _("环节"), "authority": _("审批部门"), "due_at": _("应完成时间")}
    parts = [
        f"{titles[field]} {shown[field](getattr(step, field))} → {shown[field](wanted[field])}" for field in changed
    ]
    for field in changed:
        setattr(step, field, wanted[field])
    step.save(update_fields=[*changed, "updated_at"])
    _record(
        step, action="step_change", actor=actor, at=at,
        note=_("修改审批环节“%(step)s”：%(changes)s") % {"step": label, "changes": "；".join(parts)},
    )
    service_figures_changed()  # the service page's cached figures (reports)
    return step


@transaction.atomic
def approval_step_complete(*, step: ApprovalStep, actor: User, at=None) -> ApprovalStep:
    """完成: the step is done, at ``at`` (now by default). A completed step is not completed twice. The desk
    completes any step; a department's liaison its own department's (承办单位的环节)."""
    step = _locked_step(step, actor, by_its_department=True)
    if step.completed_at is not None:
        raise DomainError(
            _("审批环节“%(step)s”已于 %(at)s 完成。") % {"step": step, "at": local(step.completed_at)},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    at = at or timezone.now()
    step.completed_at = at
    step.save(update_fields=["completed_at", "updated_at"])
    _record(step, action="step_complete", actor=actor, at=at, note=_("完成审批环节“%(step)s”") % {"step": step})
    service_figures_changed()  # the service page's cached figures (reports)
    return step


@transaction.atomic
def approval_step_reopen(*, step: ApprovalStep, actor: User, at=None) -> ApprovalStep:
    """重新打开: a completed step is open again (the authority sent it back); its reminders apply to it again."""
    step = _locked_step(step, actor)
    if step.completed_at is None:
        raise DomainError(
            _("审批环节“%(step)s”尚未完成，不能重新打开。") % {"step": step}, code=DomainError.ILLEGAL_TRANSITION
        )
    step.completed_at = None
    step.save(update_fields=["completed_at", "updated_at"])
    _record(step, action="step_reopen", actor=actor, at=at, note=_("重新打开审批环节“%(step)s”") % {"step": step})
    service_figures_changed()  # the service page's cached figures (reports)
    return step


def template_due_at(template: ApprovalStepTemplate, *, accepted_at: dt.datetime) -> dt.datetime:
    """When a template's step is due: N hours after the acceptance, or the end of the N-th working day after the
    day of acceptance (the working-day calendar, holidays and 调休 included, as the SLA counts)."""
    if template.offset_unit == ApprovalStepTemplate.OffsetUnit.HOURS:
        return accepted_at + dt.timedelta(hours=template.offset_value)
    return working_days_end(accepted_at, template.offset_value).due_at


def approval_steps_from_templates(*, service_request: ServiceRequest, actor: User, at: dt.datetime) -> list[ApprovalStep]:
    """The category's step templates planned on a request just accepted (受理), called by
    ``service_request_transition`` inside its transaction, with the request row locked.

    A request whose steps the officer already planned by hand keeps them: the templates then add nothing. Each
    step is recorded as ``step_plan``, as a step planned by hand is; afterwards the steps are changed, completed
    and reopened through the services above like any other.
    """
    if ApprovalStep.objects.filter(request=service_request).exists():
        return []
    steps = []
    for number, template in enumerate(ApprovalStepTemplate.objects.filter(category_id=service_request.category_id), 1):
        step = ApprovalStep.objects.create(
            request=service_request, sequence=number, name=template.name, authority=template.authority,
            due_at=template_due_at(template, accepted_at=at),
        )
        where = _("（%(authority)s）") % {"authority": step.authority} if step.authority else ""
        _record(
            step, action="step_plan", actor=actor, at=at,
            note=_("按类别模板安排审批环节“%(step)s”%(where)s，应完成时间 %(due)s")
            % {"step": step, "where": where, "due": local(step.due_at)},
        )
        steps.append(step)
    return steps
