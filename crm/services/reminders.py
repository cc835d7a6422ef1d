"""The reminder rules of service requests and projects, registered with the engine at start-up
(``crm.apps``; the engine, ``crm.notifications.sweep``, runs them every five minutes).

**Cost follows what is due, not what is open.** Each rule asks the database only for the objects that
crossed its threshold since the rule was last swept (``ReminderRule.last_swept_at``, less a 15-minute
overlap for transactions still committing then, and at most ``REMINDERS_CATCH_UP_HOURS`` back). The
threshold is moved onto the indexed column, so every query is a range scan on a partial index:

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
project without follow-up   followed_up_on (or created_at when  crm_project_followed_up_idx,
                            never followed up) + days ∈ window  crm_project_never_followed_idx
next follow-up date         next_follow_up_on ∈ window          crm_project_next_follow_idx
weekly digest               Monday 08:30 ∈ (lower, now]         — (one row, key per ISO week)
rent-free ends in *d* days  lease start + free months − d ∈     parks_space_rent_free_idx (lease_start)
                            (lower, today]
milestone due within *d*    planned_on ∈ [today, today + d]     crm_milestone_open_idx
milestone missed            planned_on ∈ [lower, today)         crm_milestone_open_idx
==========================  ==================================  ===========================================

"SLA *p* % elapsed" means: the time left until ``due_at`` is at most (100 − *p*) % of the category's
SLA — in calendar hours, or for a working-day category in working time, so a 5-working-day request
submitted on the eve of National Day reaches 50 % on the Saturday make-up day after the holiday,
not during it. A request whose clock is paused (待外部审批) gets no SLA reminders until it resumes.
"""

import datetime as dt

from django.db.models import Count, Q, Sum
from django.utils import timezone

from crm.models import (
    ACTIVE_STAGES,
    KEY_PROJECT_THRESHOLD,
    OPEN_REQUEST_STATUSES,
    ApprovalStep,
    Project,
    ProjectStageChange,
    ReminderRule,
    RequestStatus,
    ServiceCategory,
    ServiceRequest,
    Stage,
)
from crm.notifications.links import local, staff_link
from crm.notifications.rules import rules_register
from crm.notifications.sweep import Due, Sweep, responsible
from crm.services.sla import WorkingCalendar

Code = ReminderRule.Code

DIGEST_LATEST = dt.timedelta(days=1)


def working_time_add(start: dt.datetime, amount: dt.timedelta, calendar: WorkingCalendar) -> dt.datetime:
    """The latest moment by which ``amount`` of working time has passed since ``start``.

    Working time is the time inside working days (whole days, Asia/Shanghai), as the SLA clock counts
    it. "Latest": when the amount runs out exactly at the end of a working day, the non-working days
    after it are added too — a request due at 24:00 on Friday has the same working time left at any
    moment of the weekend.
    """
    tz = timezone.get_current_timezone()
    moment = timezone.localtime(start, tz)
    remaining = amount
    day = moment.date()
    for _ in range(3700):  # ten years of days: an SLA never comes close
        day_start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
        next_start = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), tz)
        if calendar.is_working_day(day):
            begin = max(moment, day_start)
            available = next_start - begin
            if remaining < available:
                return begin + remaining
            remaining -= available
            if not remaining:
                day += dt.timedelta(days=1)
                while not calendar.is_working_day(day):
                    day += dt.timedelta(days=1)
                return timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
        day += dt.timedelta(days=1)
    raise ValueError("working time beyond ten years")


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
    # Matches crm_request_open_due_idx's condition; a paused clock (待外部审批) is not running.
    return ServiceRequest.objects.filter(status__in=OPEN_REQUEST_STATUSES, paused_since__isnull=True).select_related(
        "assignee", "enterprise", "category"
    )


def _request_lines(request: ServiceRequest) -> str:
    return "\n".join(
        [
            f"企业：{request.enterprise}",
            f"类别：{request.category}",
            f"经办人：{request.assignee or '未分派'}",
            f"办理时限：{local(request.due_at)}",
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
            subject=f"诉求 #{r.pk} 提交已超过 {rule.hours} 小时仍无人受理：{r.title}",
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
                    subject=f"诉求 #{r.pk} 办理时限已用去 {percent}%：{r.title}",
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
    when = "已到办理时限" if not rule.hours else f"将在 {rule.hours} 小时内到期"
    return [
        Due(
            key=f"request:{r.pk}:due",
            rule=rule,
            subject=f"诉求 #{r.pk} {when}：{r.title}",
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
            subject=f"【{label}】诉求 #{r.pk} 超期 {after} 小时未办结：{r.title}",
            body=_request_lines(r),
            target=r,
            people=responsible(rule, r.assignee),
            category_id=r.category_id,
        )
        for r in requests
    ]


def _request_overdue(sweep: Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    return _overdue(sweep, rule, lower, after=rule.hours, key="overdue", label="超期督办")


def _request_overdue_leadership(sweep: Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    # "A further period" after the overdue escalation, whose own delay is counted from the due time.
    overdue = sweep.rules.get(Code.REQUEST_OVERDUE)
    after = ((overdue.hours or 0) if overdue else 0) + rule.hours
    return _overdue(sweep, rule, lower, after=after, key="overdue_leadership", label="超期报领导")


def _open_steps():
    # ApprovalStep.objects.open(), the reading crm.services.approval_steps keeps: not completed (a reopened step
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
            [f"诉求：#{request.pk} {request.title}", f"企业：{request.enterprise}", f"审批部门：{step.authority or '—'}",
             f"应完成时间：{local(step.due_at)}", staff_link(request)]
        ),
        target=step,
        people=responsible(rule, request.assignee),
        category_id=request.category_id,
    )


def _approval_due_soon(sweep: Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    ahead = dt.timedelta(hours=rule.hours)
    steps = _open_steps().filter(due_at__gt=max(lower + ahead, sweep.now), due_at__lte=sweep.now + ahead)
    return [
        _step_due(s, rule, "due_soon", f"审批环节“{s.name}”将于 {local(s.due_at)} 到期（诉求 #{s.request_id}）") for s in steps
    ]


def _approval_overdue(sweep: Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    steps = _open_steps().filter(due_at__gt=lower, due_at__lte=sweep.now)
    return [_step_due(s, rule, "overdue", f"审批环节“{s.name}”已超期（诉求 #{s.request_id}）") for s in steps]


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _project_body(project: Project) -> str:
    return "\n".join(
        [
            f"阶段：{project.get_stage_display()}",
            f"下一步：{project.next_step or '—'}",
            f"最近跟进：{project.followed_up_on or '未跟进'}",
            staff_link(project),
        ]
    )


def _project_stale(sweep: Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    """No follow-up for ``days`` (``key_project_days`` for 重点项目): fires on the morning of day anchor + days,
    where the anchor is the last follow-up's date, or the creation date of a project never followed up."""
    today = timezone.localdate(sweep.now)
    since = timezone.localdate(lower)
    branches = Q()
    for amount, days in ((Q(total_investment__lt=KEY_PROJECT_THRESHOLD), rule.days),
                         (Q(total_investment__gte=KEY_PROJECT_THRESHOLD), rule.key_project_days)):
        first, last = since - dt.timedelta(days=days), today - dt.timedelta(days=days)  # anchor ∈ (first, last]
        if last <= first:
            continue
        branches |= Q(stage__in=ACTIVE_STAGES, followed_up_on__gt=first, followed_up_on__lte=last) & amount
        branches |= Q(
            stage__in=ACTIVE_STAGES,
            followed_up_on__isnull=True,
            created_at__gte=_day_start(first + dt.timedelta(days=1)),
            created_at__lt=_day_start(last + dt.timedelta(days=1)),
        ) & amount
    if not branches:
        return []
    found = []
    for project in Project.objects.filter(branches).select_related("owner").order_by("pk"):
        anchor = project.followed_up_on or timezone.localdate(project.created_at)
        days = (today - anchor).days
        found.append(
            Due(
                key=f"project:{project.pk}:stale:{anchor.isoformat()}",
                rule=rule,
                subject=f"项目“{project.name}”已 {days} 天未跟进",
                body=_project_body(project),
                target=project,
                people=responsible(rule, project.owner),
            )
        )
    return found


def _project_follow_up_due(sweep: Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    today = timezone.localdate(sweep.now)
    since = timezone.localdate(lower)
    if today <= since:
        return []
    projects = Project.objects.filter(
        stage__in=ACTIVE_STAGES, next_follow_up_on__gt=since, next_follow_up_on__lte=today
    ).select_related("owner").order_by("pk")
    return [
        Due(
            key=f"project:{p.pk}:next_follow_up:{p.next_follow_up_on.isoformat()}",
            rule=rule,
            subject=f"项目“{p.name}”到了计划跟进日期（{p.next_follow_up_on}）：{p.next_step or '请安排跟进'}",
            body=_project_body(p),
            target=p,
            people=responsible(rule, p.owner),
        )
        for p in projects
    ]


def _pipeline_digest(sweep: Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    local_now = timezone.localtime(sweep.now)
    monday = local_now.date() - dt.timedelta(days=local_now.isoweekday() - 1)
    fire_at = timezone.make_aware(dt.datetime.combine(monday + dt.timedelta(days=rule.weekday - 1), rule.send_at))
    # Sent from its time until a day later; a digest found later than that (sweeps down, or a fresh
    # install mid-week) is skipped: next Monday's covers the same ground.
    if not (lower < fire_at <= sweep.now and sweep.now - fire_at <= DIGEST_LATEST):
        return []
    year, week, _ = fire_at.date().isocalendar()
    return [
        Due(
            key=f"digest:{year}-W{week:02d}",
            rule=rule,
            subject=f"每周项目进展摘要（{year} 年第 {week} 周）",
            target=None,
            render=lambda: pipeline_digest_body(now=sweep.now),
        )
    ]


def pipeline_digest_body(*, now: dt.datetime) -> str:
    """The weekly digest for managers: the active pipeline by stage, last week's moves, overdue requests."""
    labels = dict(Stage.choices)
    lines = ["在谈项目："]
    by_stage = {
        row["stage"]: row
        for row in Project.objects.active().values("stage").annotate(n=Count("id"), amount=Sum("total_investment"))
    }
    for stage in ACTIVE_STAGES:
        row = by_stage.get(stage)
        if row:
            lines.append(f"  {labels[stage]}：{row['n']} 个，总投资 {row['amount']:,.0f} 万元")
    moves = (
        ProjectStageChange.objects.filter(changed_at__gte=now - dt.timedelta(days=7), changed_at__lt=now)
        .exclude(from_stage="")
        .values("to_stage")
        .annotate(n=Count("id"))
        .order_by("to_stage")
    )
    lines.append("近 7 天阶段变更：" + ("，".join(f"{labels[m['to_stage']]} {m['n']} 个" for m in moves) or "无"))
    overdue = ServiceRequest.objects.open().filter(due_at__lt=now).count()
    lines.append(f"超期未办结的企业诉求：{overdue} 件")
    return "\n".join(lines)


# The groups the defaults notify (names of auth groups; service_manager is created with the rules).
SERVICE_DESK = "service_officer"
SERVICE_MANAGER = "service_manager"  # 服务站负责人: created here; add the station's head to it
LEADERSHIP = "manager"

# code → (what it finds due, or None for an immediate event's rule; the defaults of its row)
RULES = {
    Code.REQUEST_UNASSIGNED: (_request_unassigned, {"hours": 1, "notify_responsible": False, "groups": [SERVICE_DESK]}),
    Code.REQUEST_SLA: (_request_sla, {"percents": "50,80", "notify_responsible": True, "groups": []}),
    Code.REQUEST_DUE: (_request_due, {"hours": 0, "notify_responsible": True, "groups": [SERVICE_MANAGER]}),
    Code.REQUEST_OVERDUE: (_request_overdue, {"hours": 4, "notify_responsible": False, "groups": [SERVICE_MANAGER]}),
    Code.REQUEST_OVERDUE_LEADERSHIP: (
        _request_overdue_leadership, {"hours": 24, "notify_responsible": False, "groups": [LEADERSHIP]}
    ),
    Code.APPROVAL_DUE_SOON: (_approval_due_soon, {"hours": 24, "notify_responsible": True, "groups": []}),
    Code.APPROVAL_OVERDUE: (_approval_overdue, {"notify_responsible": True, "groups": []}),
    Code.PROJECT_STALE: (
        _project_stale, {"days": 14, "key_project_days": 7, "notify_responsible": True, "groups": []}
    ),
    Code.PROJECT_FOLLOW_UP_DUE: (_project_follow_up_due, {"notify_responsible": True, "groups": []}),
    Code.PIPELINE_DIGEST: (_pipeline_digest, {
        "weekday": ReminderRule.Weekday.MONDAY, "send_at": dt.time(8, 30), "notify_responsible": False,
        "groups": [LEADERSHIP],
    }),
    # Immediate events (crm.services.notifications): no sweep, a row for their thresholds and recipients.
    Code.REQUEST_SUBMITTED: (None, {"notify_responsible": False, "groups": [SERVICE_DESK]}),
    Code.MESSAGE_POSTED: (None, {"notify_responsible": True, "groups": [SERVICE_DESK]}),
    Code.STATUS_CHANGED: (None, {"notify_responsible": True, "groups": [], "send_webhook": False}),
}
rules_register(app_label="crm", rules=RULES)
