"""The reminder sweep: derive from the database what is due now and write it, once, as notifications.

Celery beat runs ``crm.tasks.reminders_sweep_task`` every five minutes; ``manage.py send_reminders`` runs
the same function by hand. The database is the source of truth: each reminder has a unique key
(object, rule, threshold), so a sweep that runs twice, two beat processes, or a sweep racing a retry
never write — and so never send — a reminder twice, and a sweep that did not run is caught up by the next.

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
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from crm.models import (
    ACTIVE_STAGES,
    KEY_PROJECT_THRESHOLD,
    OPEN_REQUEST_STATUSES,
    ApprovalStep,
    Notification,
    Project,
    ProjectStageChange,
    ReminderRule,
    RequestStatus,
    ServiceCategory,
    ServiceRequest,
    Stage,
    User,
)
from crm.notifications import outbox
from crm.notifications.links import local, staff_link
from crm.notifications.outbox import Draft, WebhookIndex, drafts_for, group_members, notifications_create
from crm.services.sla import WorkingCalendar
from parks.reminders import PARKS_DEFAULT_RULES, PARKS_EVALUATORS

logger = logging.getLogger(__name__)

Code = ReminderRule.Code
Status = Notification.Status

# Each sweep looks this far behind the previous one, for rows committed just after it read.
OVERLAP = dt.timedelta(minutes=15)
# At most this many unsent notifications are re-enqueued per sweep (the rest wait for the next one).
RETRY_BATCH = 1000
DIGEST_LATEST = dt.timedelta(days=1)
KEY_CHUNK = 500


@dataclass
class Due:
    """One reminder found due: what it is about and who is responsible; recipients are added from the rule."""

    key: str
    rule: ReminderRule
    subject: str
    target: models.Model | None
    people: list = field(default_factory=list)
    body: str = ""
    category_id: int | None = None
    render: Callable[[], str] | None = None  # builds the body only if the reminder is really sent (digest)


@dataclass
class SweepResult:
    now: dt.datetime
    dry_run: bool
    due: list[Due]
    drafts: list[Draft]
    created: list[Notification]
    retried: list[int]


@dataclass
class _Sweep:
    """What one sweep knows: its time, the rules, and the lazily loaded categories and working calendar."""

    now: dt.datetime
    rules: dict
    catch_up: dt.timedelta
    _categories: list | None = None
    _calendar: WorkingCalendar | None = None

    def lower(self, rule: ReminderRule) -> dt.datetime:
        """Objects that crossed the rule's threshold after this moment are looked at."""
        floor = self.now - self.catch_up
        if rule.last_swept_at is None or rule.last_swept_at > self.now:  # never swept, or a replay of the past
            return floor
        return max(rule.last_swept_at - OVERLAP, floor)

    @property
    def categories(self) -> list[ServiceCategory]:
        if self._categories is None:
            self._categories = list(ServiceCategory.objects.order_by("pk"))
        return self._categories

    @property
    def calendar(self) -> WorkingCalendar:
        if self._calendar is None:
            longest = max(
                (c.sla_value for c in self.categories if c.sla_unit == ServiceCategory.SlaUnit.WORKING_DAYS), default=0
            )
            today = timezone.localdate(self.now)
            self._calendar = WorkingCalendar.for_range(
                today - self.catch_up - dt.timedelta(days=1), today + dt.timedelta(days=2 * longest + 30)
            )
        return self._calendar

    def sla_shift(self, moment: dt.datetime, category: ServiceCategory, share: float) -> dt.datetime:
        """``moment`` plus ``share`` of the category's SLA (working time for a working-day category)."""
        if category.sla_unit == ServiceCategory.SlaUnit.CALENDAR_HOURS:
            return moment + dt.timedelta(hours=category.sla_value * share)
        return working_time_add(moment, dt.timedelta(days=category.sla_value * share), self.calendar)


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


# ---------------------------------------------------------------------------------------------------
# The rules. Each returns what crossed its threshold in (lower, now]; the sweep drops keys already sent.
# ---------------------------------------------------------------------------------------------------


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


def _responsible(rule: ReminderRule, user: User | None) -> list[User]:
    return [user] if (rule.notify_responsible and user is not None) else []


def _request_unassigned(sweep: _Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
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


def _request_sla(sweep: _Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    found = []
    for percent in rule.percent_list:
        share_left = (100 - percent) / 100
        ranges = Q()
        for category in sweep.categories:
            start = max(sweep.now, sweep.sla_shift(lower, category, share_left))
            end = sweep.sla_shift(sweep.now, category, share_left)
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
                    people=_responsible(rule, r.assignee),
                    category_id=r.category_id,
                )
            )
    return found


def _request_due(sweep: _Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
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
            people=_responsible(rule, r.assignee),
            category_id=r.category_id,
        )
        for r in requests
    ]


def _overdue(sweep: _Sweep, rule: ReminderRule, lower: dt.datetime, *, after: int, key: str, label: str) -> list[Due]:
    late = dt.timedelta(hours=after)
    requests = _open_requests().filter(due_at__gt=lower - late, due_at__lte=sweep.now - late)
    return [
        Due(
            key=f"request:{r.pk}:{key}",
            rule=rule,
            subject=f"【{label}】诉求 #{r.pk} 超期 {after} 小时未办结：{r.title}",
            body=_request_lines(r),
            target=r,
            people=_responsible(rule, r.assignee),
            category_id=r.category_id,
        )
        for r in requests
    ]


def _request_overdue(sweep: _Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    return _overdue(sweep, rule, lower, after=rule.hours, key="overdue", label="超期督办")


def _request_overdue_leadership(sweep: _Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    # "A further period" after the overdue escalation, whose own delay is counted from the due time.
    overdue = sweep.rules.get(Code.REQUEST_OVERDUE)
    after = ((overdue.hours or 0) if overdue else 0) + rule.hours
    return _overdue(sweep, rule, lower, after=after, key="overdue_leadership", label="超期报领导")


def _open_steps():
    # Matches crm_approvalstep_open_idx's condition (completed_at IS NULL).
    return (
        ApprovalStep.objects.filter(completed_at__isnull=True, request__status__in=OPEN_REQUEST_STATUSES)
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
        people=_responsible(rule, request.assignee),
        category_id=request.category_id,
    )


def _approval_due_soon(sweep: _Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    ahead = dt.timedelta(hours=rule.hours)
    steps = _open_steps().filter(due_at__gt=max(lower + ahead, sweep.now), due_at__lte=sweep.now + ahead)
    return [
        _step_due(s, rule, "due_soon", f"审批环节“{s.name}”将于 {local(s.due_at)} 到期（诉求 #{s.request_id}）") for s in steps
    ]


def _approval_overdue(sweep: _Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
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


def _project_stale(sweep: _Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
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
                people=_responsible(rule, project.owner),
            )
        )
    return found


def _project_follow_up_due(sweep: _Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
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
            people=_responsible(rule, p.owner),
        )
        for p in projects
    ]


def _pipeline_digest(sweep: _Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
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


# In this order: a reminder printed by send_reminders reads from the first threshold to the last.
EVALUATORS = {
    Code.REQUEST_UNASSIGNED: _request_unassigned,
    Code.REQUEST_SLA: _request_sla,
    Code.REQUEST_DUE: _request_due,
    Code.REQUEST_OVERDUE: _request_overdue,
    Code.REQUEST_OVERDUE_LEADERSHIP: _request_overdue_leadership,
    Code.APPROVAL_DUE_SOON: _approval_due_soon,
    Code.APPROVAL_OVERDUE: _approval_overdue,
    Code.PROJECT_STALE: _project_stale,
    Code.PROJECT_FOLLOW_UP_DUE: _project_follow_up_due,
    Code.PIPELINE_DIGEST: _pipeline_digest,
    **PARKS_EVALUATORS,  # rent-free ending, milestones due / missed, daily policy match (parks/reminders.py)
}


# ---------------------------------------------------------------------------------------------------
# The sweep
# ---------------------------------------------------------------------------------------------------


def reminders_sweep(
    *, now: dt.datetime, dry_run: bool = False, deliver: Callable[[int], object] | None = None
) -> SweepResult:
    """Write every reminder due at ``now`` that was not written before, and hand new e-mails and webhook
    posts to ``deliver`` after commit; then re-hand any notification still unsent past its next attempt.

    ``dry_run`` writes nothing and returns what would be written. The guarantees are in the module
    docstring; ``deliver`` is the Celery enqueue by default and a direct call in ``send_reminders``.
    """
    deliver = deliver or outbox.enqueue_delivery
    rules = {rule.code: rule for rule in ReminderRule.objects.prefetch_related("recipient_groups")}
    sweep = _Sweep(now=now, rules=rules, catch_up=dt.timedelta(hours=settings.REMINDERS_CATCH_UP_HOURS))
    due, swept = [], []
    for code, evaluate in EVALUATORS.items():
        rule = rules.get(code)
        if rule is None or not rule.enabled:
            continue
        swept.append(rule.pk)
        due += evaluate(sweep, rule, sweep.lower(rule))
    due = _not_yet_notified(due)
    for item in due:
        if item.render is not None:
            item.body = item.render()
    drafts = _drafts(due)
    if dry_run:
        return SweepResult(now, True, due, drafts, [], list(_unsent(now)))
    with transaction.atomic():
        created = notifications_create(drafts, now=now, deliver=deliver)
        ReminderRule.objects.filter(pk__in=swept).filter(
            Q(last_swept_at__isnull=True) | Q(last_swept_at__lt=now)
        ).update(last_swept_at=now)
        new = {n.pk for n in created}
        retried = [pk for pk in _unsent(now) if pk not in new]
        if retried:
            transaction.on_commit(lambda: [deliver(pk) for pk in retried], robust=True)
    if created or retried:
        logger.info("reminder sweep at %s: %s new notifications, %s re-sent", now, len(created), len(retried))
    return SweepResult(now, False, due, drafts, created, retried)


def _not_yet_notified(due: list[Due]) -> list[Due]:
    """Drop reminders whose key was written before (by any earlier sweep), using the unique key's index."""
    keys = sorted({item.key for item in due})
    seen = set()
    for start in range(0, len(keys), KEY_CHUNK):
        seen.update(
            Notification.objects.filter(key__in=keys[start : start + KEY_CHUNK])
            .order_by()
            .values_list("key", flat=True)
            .distinct()
        )
    unique = {}
    for item in due:
        if item.key not in seen:
            unique.setdefault(item.key, item)
    return list(unique.values())


def _drafts(due: list[Due]) -> list[Draft]:
    if not due:
        return []
    rule_groups = {item.rule.pk: [g.pk for g in item.rule.recipient_groups.all()] for item in due}
    members = group_members(gid for gids in rule_groups.values() for gid in gids)
    webhooks = WebhookIndex.load() if any(item.rule.send_webhook for item in due) else WebhookIndex()
    drafts = []
    for item in due:
        group_ids = rule_groups[item.rule.pk]
        recipients = list(item.people) + [user for gid in group_ids for user in members[gid]]
        drafts += drafts_for(
            key=item.key,
            rule=item.rule,
            subject=item.subject,
            body=item.body,
            target=item.target,
            recipients=recipients,
            webhooks=webhooks.matching(category_id=item.category_id, group_ids=group_ids),
        )
    return drafts


def _unsent(now: dt.datetime):
    """Notifications not sent whose next attempt is due: never enqueued (broker down), retry lost, or a
    worker that died while sending. A range scan on crm_notification_unsent_idx."""
    return (
        Notification.objects.filter(status__in=[Status.PENDING, Status.SENDING, Status.FAILED], next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:RETRY_BATCH]
    )


# ---------------------------------------------------------------------------------------------------
# Defaults and the periodic schedule — the one place they are defined
# ---------------------------------------------------------------------------------------------------

SERVICE_DESK = "service_officer"
SERVICE_MANAGER = "service_manager"  # 服务站负责人: created here; add the station's head to it
LEADERSHIP = "manager"

DEFAULT_RULES = {
    Code.REQUEST_UNASSIGNED: {"hours": 1, "notify_responsible": False, "groups": [SERVICE_DESK]},
    Code.REQUEST_SLA: {"percents": "50,80", "notify_responsible": True, "groups": []},
    Code.REQUEST_DUE: {"hours": 0, "notify_responsible": True, "groups": [SERVICE_MANAGER]},
    Code.REQUEST_OVERDUE: {"hours": 4, "notify_responsible": False, "groups": [SERVICE_MANAGER]},
    Code.REQUEST_OVERDUE_LEADERSHIP: {"hours": 24, "notify_responsible": False, "groups": [LEADERSHIP]},
    Code.APPROVAL_DUE_SOON: {"hours": 24, "notify_responsible": True, "groups": []},
    Code.APPROVAL_OVERDUE: {"notify_responsible": True, "groups": []},
    Code.PROJECT_STALE: {"days": 14, "key_project_days": 7, "notify_responsible": True, "groups": []},
    Code.PROJECT_FOLLOW_UP_DUE: {"notify_responsible": True, "groups": []},
    Code.PIPELINE_DIGEST: {
        "weekday": ReminderRule.Weekday.MONDAY, "send_at": dt.time(8, 30), "notify_responsible": False,
        "groups": [LEADERSHIP],
    },
    Code.REQUEST_SUBMITTED: {"notify_responsible": False, "groups": [SERVICE_DESK]},
    Code.MESSAGE_POSTED: {"notify_responsible": True, "groups": [SERVICE_DESK]},
    Code.STATUS_CHANGED: {"notify_responsible": True, "groups": [], "send_webhook": False},
    **PARKS_DEFAULT_RULES,
}

SWEEP_TASK = "crm.reminders_sweep"
SWEEP_EVERY_MINUTES = 5
# The whole periodic schedule. The weekly digest is a rule evaluated by the sweep (Monday 08:30 by default).
SCHEDULE = [
    {
        "name": "提醒扫描 reminders sweep",
        "task": SWEEP_TASK,
        "every_minutes": SWEEP_EVERY_MINUTES,
        # A sweep not started within 4 minutes is dropped: the next one does the same work.
        "expire_seconds": 240,
        "description": "每 5 分钟检查到期、超期、久未跟进等提醒（crm.services.reminders）。",
    },
]


def reminders_setup(apps=None) -> None:
    """Create what is missing — the service_manager group, one rule per code with its defaults, the beat
    schedule — and leave alone whatever exists (an admin's edits survive). Called by migrations crm.0004 and crm.0006;
    ``apps`` is the migration's app registry."""
    if apps is None:
        from django.apps import apps
    group_model = apps.get_model("auth", "Group")
    rule_model = apps.get_model("crm", "ReminderRule")
    group_model.objects.get_or_create(name=SERVICE_MANAGER)
    for code, defaults in DEFAULT_RULES.items():
        values = {k: v for k, v in defaults.items() if k != "groups"}
        rule, created = rule_model.objects.get_or_create(code=code, defaults=values)
        if created and defaults["groups"]:
            rule.recipient_groups.set(group_model.objects.filter(name__in=defaults["groups"]))
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    for entry in SCHEDULE:
        interval, _ = interval_model.objects.get_or_create(every=entry["every_minutes"], period="minutes")
        task_model.objects.get_or_create(
            name=entry["name"],
            defaults={
                "task": entry["task"],
                "interval": interval,
                "expire_seconds": entry["expire_seconds"],
                "description": entry["description"],
                "enabled": True,
            },
        )
    # Tell a running beat (DatabaseScheduler) that the schedule changed.
    changed = apps.get_model("django_celery_beat", "PeriodicTasks")
    changed.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


__all__ = ["SweepResult", "reminders_setup", "reminders_sweep", "working_time_add"]
