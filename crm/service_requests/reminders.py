"""The reminder rules of service requests and their approval steps, registered with the reminder engine at
start-up (``crm.apps``; ``crm.notifications.sweep`` runs them every five minutes).

**Cost follows what is due, not what is open.** Each rule asks the database only for the objects that
crossed its threshold since the rule was last swept (``Sweep.lower``). The threshold is moved onto the
indexed column, so every query is a range scan on a partial index:

==========================  ==================================  ===========================================
rule                        range                               index
==========================  ==================================  ===========================================
unassigned after *h*        submitted_at ∈ (lower−h, now−h]     crm_request_unassigned_idx
SLA *p* % elapsed           due_at ∈ (g(lower), g(now)], per    crm_request_open_due_idx
                            category: g(t) = t + (100−p) % of
                            its SLA (working time for 工作日)
due (*h* before)            due_at ∈ (lower+h, now+h]           crm_request_open_due_idx
overdue / leadership        due_at ∈ (lower−h, now−h]           crm_request_open_due_idx
approval step due soon      due_at ∈ (lower+h, now+h]           crm_approvalstep_open_idx
approval step overdue       due_at ∈ (lower, now]               crm_approvalstep_open_idx
==========================  ==================================  ===========================================

"SLA *p* % elapsed" means: the time left until ``due_at`` is at most (100 − *p*) % of the category's
SLA — in calendar hours, or for a working-day category in working time, so a 5-working-day request
submitted on the eve of National Day reaches 50 % on the Saturday make-up day after the holiday,
not during it. A request whose clock is paused (待外部审批) gets no SLA reminders until it resumes.
"""

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import (
    OPEN_REQUEST_STATUSES,
    ApprovalStep,
    ReminderRule,
    RequestStatus,
    Routing,
    ServiceCategory,
    ServiceRequest,
)
from crm.notifications.links import local, staff_link
from crm.notifications.rules import rules_register
from crm.notifications.sweep import Due, Sweep, responsible
from crm.service_requests import clock
from crm.service_requests.sla import WorkingCalendar, working_time_add

Code = ReminderRule.Code


def _categories(sweep: Sweep) -> list[ServiceCategory]:
    return sweep.memo("service_categories", lambda: list(ServiceCategory.objects.order_by("pk")))


def _calendar(sweep: Sweep) -> WorkingCalendar:
    """The working calendar over the sweep's catch-up window and the longest working-day SLA ahead."""

    def load() -> WorkingCalendar:
        longest = max(
            (c.sla_value for c in _categories(sweep) if c.sla_unit == ServiceCategory.SlaUnit.WORKING_DAYS), default=0
        )
        today = timezone.localdate(sweep.now)
        return WorkingCalendar.for_range(
            today - sweep.catch_up - dt.timedelta(days=1), today + dt.timedelta(days=2 * longest + 30)
        )

    return sweep.memo("working_calendar", load)


def _sla_shift(sweep: Sweep, moment: dt.datetime, category: ServiceCategory, share: float) -> dt.datetime:
    """``moment`` plus ``share`` of the category's SLA (working time for a working-day category)."""
    if category.sla_unit == ServiceCategory.SlaUnit.CALENDAR_HOURS:
        return moment + dt.timedelta(hours=category.sla_value * share)
    return working_time_add(moment, dt.timedelta(days=category.sla_value * share), _calendar(sweep))


def _open_requests():
    # Requests whose clock runs (crm.service_requests.clock.RUNNING: open, not paused for 待外部审批), within
    # crm_request_open_due_idx's condition.
    return ServiceRequest.objects.filter(clock.RUNNING).select_related(
        "assignee", "enterprise", "category"
    )


def _request_lines(request: ServiceRequest) -> str:
    return "\n".join(
        [
            _("企业：%(enterprise)s") % {"enterprise": request.enterprise},
            _("类别：%(category)s") % {"category": request.category},
            _("经办人：%(assignee)s") % {"assignee": request.assignee or _('未分派')},
            _("办理时限：%(due_at)s") % {"due_at": local(request.due_at)},
            staff_link(request),
        ]
    )


def _request_unassigned(sweep: Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    hours = dt.timedelta(hours=rule.hours)
    requests = ServiceRequest.objects.filter(
        status=RequestStatus.SUBMITTED,
        assignee__isnull=True,
        submitted_at__gt=lower - hours,
        submitted_at__lte=sweep.now - hours,
    ).select_related("enterprise", "category", "assignee").order_by("submitted_at", "pk")
    return [
        Due(
            key=f"request:{r.pk}:unassigned:{rule.hours}h",
            rule=rule,
            subject=_("诉求 #%(number)s 提交已超过 %(hours)s 小时仍无人受理：%(title)s") % {"number": r.pk, "hours": rule.hours, "title": r.title},
            body=_request_lines(r),
            target=r,
            category_id=r.category_id,
        )
        for r in requests
    ]


def _request_sla(sweep: Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    found = []
    for percent in rule.percent_list:
        share_left = (100 - percent) / 100
        ranges = Q()
        for category in _categories(sweep):
            start = max(sweep.now, _sla_shift(sweep, lower, category, share_left))
            end = _sla_shift(sweep, sweep.now, category, share_left)
            if end > start:
                ranges |= Q(category_id=category.pk, due_at__gt=start, due_at__lte=end)
        if not ranges:
            continue
        for r in _open_requests().filter(ranges):
            found.append(
                Due(
                    key=f"request:{r.pk}:sla:{percent}",
                    rule=rule,
                    subject=_("诉求 #%(number)s 办理时限已用去 %(percent)s%%：%(title)s") % {"number": r.pk, "percent": percent, "title": r.title},
                    body=_request_lines(r),
                    target=r,
                    people=responsible(rule, r.assignee),
                    category_id=r.category_id,
                )
            )
    return found


def _request_due(sweep: Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    ahead = dt.timedelta(hours=rule.hours)
    requests = _open_requests().filter(due_at__gt=lower + ahead, due_at__lte=sweep.now + ahead)
    when = _("已到办理时限") if not rule.hours else _("将在 %(hours)s 小时内到期") % {"hours": rule.hours}
    return [
        Due(
            key=f"request:{r.pk}:due",
            rule=rule,
            subject=_("诉求 #%(number)s %(when)s：%(title)s") % {"number": r.pk, "when": when, "title": r.title},
            body=_request_lines(r),
            target=r,
            people=responsible(rule, r.assignee),
            category_id=r.category_id,
        )
        for r in requests
    ]


def _overdue(sweep: Sweep, rule: ReminderRule, lower: dt.datetime, *, after: int, key: str, label: str) -> list[Due]:
    late = dt.timedelta(hours=after)
    requests = _open_requests().filter(due_at__gt=lower - late, due_at__lte=sweep.now - late)
    return [
        Due(
            key=f"request:{r.pk}:{key}",
            rule=rule,
            subject=_("【%(label)s】诉求 #%(number)s 超期 %(after)s 小时未办结：%(title)s") % {"label": label, "number": r.pk, "after": after, "title": r.title},
            body=_request_lines(r),
            target=r,
            people=responsible(rule, r.assignee),
            category_id=r.category_id,
        )
        for r in requests
    ]


def _request_overdue(sweep: Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    return _overdue(sweep, rule, lower, after=rule.hours, key="overdue", label=_("超期督办"))


def _request_overdue_leadership(sweep: Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    # "A further period" after the overdue escalation, whose own delay is counted from the due time.
    overdue = sweep.rules.get(Code.REQUEST_OVERDUE)
    after = ((overdue.hours or 0) if overdue else 0) + rule.hours
    return _overdue(sweep, rule, lower, after=after, key="overdue_leadership", label=_("超期报领导"))


def _open_steps():
    # ApprovalStep.objects.open(), the reading crm.service_requests.approval_steps keeps: not completed (a reopened step
    # is again), on an open request. Matches crm_approvalstep_open_idx's condition (completed_at IS NULL).
    return (
        ApprovalStep.objects.open()
        .select_related("request__assignee", "request__enterprise")
        .order_by("due_at", "pk")
    )


def _step_due(step: ApprovalStep, rule: ReminderRule, key: str, subject: str) -> Due:
    request = step.request
    return Due(
        key=f"approvalstep:{step.pk}:{key}",
        rule=rule,
        subject=subject,
        body="\n".join(
            [_("诉求：#%(number)s %(title)s") % {"number": request.pk, "title": request.title}, _("企业：%(enterprise)s") % {"enterprise": request.enterprise}, _("审批部门：%(authority)s") % {"authority": step.authority or '—'},
             _("应完成时间：%(due_at)s") % {"due_at": local(step.due_at)}, staff_link(request)]
        ),
        target=step,
        people=responsible(rule, request.assignee),
        category_id=request.category_id,
    )


def _approval_due_soon(sweep: Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    ahead = dt.timedelta(hours=rule.hours)
    steps = _open_steps().filter(due_at__gt=max(lower + ahead, sweep.now), due_at__lte=sweep.now + ahead)
    return [
        _step_due(s, rule, "due_soon", _("审批环节“%(name)s”将于 %(due_at)s 到期（诉求 #%(request_id)s）") % {"name": s.name, "due_at": local(s.due_at), "request_id": s.request_id}) for s in steps
    ]


def _approval_overdue(sweep: Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    steps = _open_steps().filter(due_at__gt=lower, due_at__lte=sweep.now)
    return [_step_due(s, rule, "overdue", _("审批环节“%(name)s”已超期（诉求 #%(request_id)s）") % {"name": s.name, "request_id": s.request_id}) for s in steps]


def _active_routings():
    # Routings being worked on (crm_routing_active_due_idx: status = active), of requests still open.
    return (
        Routing.objects.active()
        .filter(service_request__status__in=OPEN_REQUEST_STATUSES)
        .select_related("department", "service_request__assignee", "service_request__enterprise")
        .prefetch_related("department__liaisons")
        .order_by("due_at", "pk")
    )


def _routing_due(routing: Routing, rule: ReminderRule, key: str, subject: str) -> Due:
    """To the department's liaisons, and the desk: the request's assignee (``notify_responsible``) and the rule's groups.
    The key holds the due time, so an approved extension is reminded again by its new time."""
    request = routing.service_request
    stamp = int(routing.due_at.timestamp())
    return Due(
        key=f"routing:{routing.pk}:{key}:{stamp}",
        rule=rule,
        subject=subject,
        body="\n".join(
            [_("诉求：#%(number)s %(title)s") % {"number": request.pk, "title": request.title},
             _("承办单位：%(department)s（%(role)s）") % {"department": routing.department, "role": routing.get_role_display()},
             _("办理时限：%(due_at)s") % {"due_at": local(routing.due_at)}, staff_link(request)]
        ),
        target=request,
        people=[*routing.department.liaisons.all(), *responsible(rule, request.assignee)],
        category_id=request.category_id,
    )


def _routing_due_soon(sweep: Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    ahead = dt.timedelta(hours=rule.hours or 0)
    routings = _active_routings().filter(due_at__gt=max(lower + ahead, sweep.now), due_at__lte=sweep.now + ahead)
    return [
        _routing_due(r, rule, "due_soon", _("%(department)s承办的诉求 #%(number)s 将于 %(due_at)s 到期")
                     % {"department": r.department, "number": r.service_request_id, "due_at": local(r.due_at)})
        for r in routings
    ]


def _routing_overdue(sweep: Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    routings = _active_routings().filter(due_at__gt=lower, due_at__lte=sweep.now)
    return [
        _routing_due(r, rule, "overdue", _("%(department)s承办的诉求 #%(number)s 已超期")
                     % {"department": r.department, "number": r.service_request_id})
        for r in routings
    ]


# The groups the defaults notify (names of auth groups; service_manager is created with the rules).
SERVICE_DESK = "service_officer"


SERVICE_MANAGER = "service_manager"  # 服务站负责人: created here; add the station's head to it


LEADERSHIP = "manager"


STATION_HEAD = "service_lead"  # 驿站站长: decides the departments' extension requests


# code → (what it finds due, or None for an immediate event's rule; the defaults of its row)
RULES = {
    Code.REQUEST_UNASSIGNED: (_request_unassigned, {"hours": 1, "notify_responsible": False, "groups": [SERVICE_DESK]}),
    # The last warning comes as the request turns yellow in the queue (clock.AT_RISK_PERCENT_USED).
    Code.REQUEST_SLA: (
        _request_sla, {"percents": f"50,{clock.AT_RISK_PERCENT_USED}", "notify_responsible": True, "groups": []}
    ),
    Code.REQUEST_DUE: (_request_due, {"hours": 0, "notify_responsible": True, "groups": [SERVICE_MANAGER]}),
    Code.REQUEST_OVERDUE: (_request_overdue, {"hours": 4, "notify_responsible": False, "groups": [SERVICE_MANAGER]}),
    Code.REQUEST_OVERDUE_LEADERSHIP: (
        _request_overdue_leadership, {"hours": 24, "notify_responsible": False, "groups": [LEADERSHIP]}
    ),
    Code.APPROVAL_DUE_SOON: (_approval_due_soon, {"hours": 24, "notify_responsible": True, "groups": []}),
    Code.APPROVAL_OVERDUE: (_approval_overdue, {"notify_responsible": True, "groups": []}),
    # Immediate events (crm.service_requests.notify): no sweep, a row for their recipients and channels.
    Code.REQUEST_SUBMITTED: (None, {"notify_responsible": False, "groups": [SERVICE_DESK]}),
    Code.MESSAGE_POSTED: (None, {"notify_responsible": True, "groups": [SERVICE_DESK]}),
    Code.STATUS_CHANGED: (None, {"notify_responsible": True, "groups": [], "send_webhook": False}),
    # Departments (承办单位): to the routing's department's liaisons and the request's assignee (the desk).
    Code.ROUTING_DUE_SOON: (_routing_due_soon, {"hours": 8, "notify_responsible": True, "groups": []}),
    Code.ROUTING_OVERDUE: (_routing_overdue, {"notify_responsible": True, "groups": []}),
    Code.ROUTING_EXTENSION_REQUESTED: (None, {"notify_responsible": False, "groups": [STATION_HEAD]}),
}
rules_register(app_label="crm", rules=RULES)
