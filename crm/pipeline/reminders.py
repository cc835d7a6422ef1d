"""The reminder rules of the pipeline (projects and their landing milestones), registered with the reminder engine at start-up (``crm.apps``).

**Cost follows what is due, not what is open.** Each rule asks the database only for the objects that
crossed its threshold since the rule was last swept (``Sweep.lower``). The threshold is moved onto the
indexed column, so every query is a range scan on a partial index:

==========================  ==================================  ===========================================
rule                        range                               index
==========================  ==================================  ===========================================
project without follow-up   followed_up_on (or created_at when  crm_project_followed_up_idx,
                            never followed up) + days ∈ window  crm_project_never_followed_idx
next follow-up date         next_follow_up_on ∈ window          crm_project_next_follow_idx
weekly digest               Monday 08:30 ∈ (lower, now]         — (one row, key per ISO week)
milestone due within *d*    planned_on ∈ [today, today + d]     crm_milestone_open_idx
milestone missed            planned_on ∈ [lower, today)         crm_milestone_open_idx
==========================  ==================================  ===========================================
"""

import datetime as dt

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import (
    ACTIVE_STAGES,
    KEY_PROJECT_THRESHOLD,
    Milestone,
    Project,
    ProjectMilestone,
    ProjectStageChange,
    ReminderRule,
    Role,
    ServiceRequest,
    Stage,
)
from crm.notifications.links import staff_link
from crm.notifications.rules import rules_register
from crm.notifications.sweep import Due, Sweep, responsible

Code = ReminderRule.Code


DIGEST_LATEST = dt.timedelta(days=1)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _project_body(project: Project) -> str:
    return "\n".join(
        [
            _("阶段：%(stage)s") % {"stage": project.get_stage_display()},
            _("下一步：%(next_step)s") % {"next_step": project.next_step or '—'},
            _("最近跟进：%(followed_up_on)s") % {"followed_up_on": project.followed_up_on or _('未跟进')},
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
                subject=_("项目“%(name)s”已 %(days)s 天未跟进") % {"name": project.name, "days": days},
                body=_project_body(project),
                target=project,
                people=responsible(rule, project.owner),
            )
        )
    return found


def project_stale_condition(*, today: dt.date, rule: ReminderRule | None = None) -> Q:
    """The "no follow-up" rule read as a state on ``today``, for screens (the workbench): an active project
    whose anchor (its last follow-up's date, or its creation date when never followed up) is at least ``days``
    old (``key_project_days`` for 重点项目) — the projects ``_project_stale`` has reminded or will remind about.
    The thresholds are the rule's row (``rule``, else read here; the defaults of ``RULES`` without a row)."""
    if rule is None:
        rule = ReminderRule.objects.filter(code=Code.PROJECT_STALE).first()
    defaults = RULES[Code.PROJECT_STALE][1]
    days = rule.days if rule is not None and rule.days is not None else defaults["days"]
    key_days = (
        rule.key_project_days if rule is not None and rule.key_project_days is not None else defaults["key_project_days"]
    )
    condition = Q()
    for amount, threshold in ((Q(total_investment__lt=KEY_PROJECT_THRESHOLD), days),
                              (Q(total_investment__gte=KEY_PROJECT_THRESHOLD), key_days)):
        last = today - dt.timedelta(days=threshold)  # anchor ≤ last
        condition |= amount & (
            Q(followed_up_on__lte=last)
            | Q(followed_up_on__isnull=True, created_at__lt=_day_start(last + dt.timedelta(days=1)))
        )
    return Q(stage__in=ACTIVE_STAGES) & condition


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
            subject=_("项目“%(name)s”到了计划跟进日期（%(next_follow_up_on)s）：%(next_step)s") % {"name": p.name, "next_follow_up_on": p.next_follow_up_on, "next_step": p.next_step or _('请安排跟进')},
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
    year, week, _weekday = fire_at.date().isocalendar()
    return [
        Due(
            key=f"digest:{year}-W{week:02d}",
            rule=rule,
            subject=_("每周项目进展摘要（%(year)s 年第 %(week)s 周）") % {"year": year, "week": week},
            target=None,
            render=lambda: pipeline_digest_body(now=sweep.now),
        )
    ]


def pipeline_digest_body(*, now: dt.datetime) -> str:
    """The weekly digest for managers: the active pipeline by stage, last week's moves, overdue requests."""
    labels = dict(Stage.choices)
    lines = [_("在谈项目：")]
    by_stage = {
        row["stage"]: row
        for row in Project.objects.active().values("stage").annotate(n=Count("id"), amount=Sum("total_investment"))
    }
    for stage in ACTIVE_STAGES:
        row = by_stage.get(stage)
        if row:
            lines.append(_("  %(stage)s：%(n)s 个，总投资 %(amount)s 万元") % {"stage": labels[stage], "n": row['n'], "amount": f"{row['amount']:,.0f}"})
    moves = (
        ProjectStageChange.objects.filter(changed_at__gte=now - dt.timedelta(days=7), changed_at__lt=now)
        .exclude(from_stage="")
        .values("to_stage")
        .annotate(n=Count("id"))
        .order_by("to_stage")
    )
    lines.append(_("近 7 天阶段变更：") + (_("，").join(_("%(stage)s %(n)s 个") % {"stage": labels[m['to_stage']], "n": m['n']} for m in moves) or _("无")))
    overdue = ServiceRequest.objects.open().filter(due_at__lt=now).count()
    lines.append(_("超期未办结的企业诉求：%(overdue)s 件") % {"overdue": overdue})
    return "\n".join(lines)



MILESTONE_DAYS = 30  # 落地节点即将到期: reminded this many days before the planned date by default


def _open_milestones():
    # Matches crm_milestone_open_idx (planned_on WHERE actual_on IS NULL); a lost project has no clocks.
    return (
        ProjectMilestone.objects.filter(actual_on__isnull=True)
        .exclude(project__stage=Stage.LOST)
        .select_related("project__owner", "project__enterprise")
        .order_by("planned_on", "pk")
    )


def _milestone_body(milestone: ProjectMilestone) -> str:
    project = milestone.project
    return "\n".join([
        _("项目：%(name)s（%(enterprise)s）") % {"name": project.name, "enterprise": project.enterprise},
        _("节点：%(label)s，计划 %(planned_on)s") % {"label": Milestone(milestone.kind).label, "planned_on": f"{milestone.planned_on:%Y-%m-%d}"},
        _("负责人：%(owner)s") % {"owner": project.owner},
        staff_link(project),
    ])


def milestone_due_soon(sweep: Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    """A milestone not done whose planned date is within ``days`` from today (today included): once per
    planned date (key ``milestone:<id>:due_soon:<date>``; a re-planned date is reminded again). Looks at
    the open milestones of the next ``days`` only, so one planned at short notice is reminded too."""
    days = rule.days if rule.days is not None else MILESTONE_DAYS
    today = timezone.localdate(sweep.now)
    found = []
    for m in _open_milestones().filter(planned_on__gte=today, planned_on__lte=today + dt.timedelta(days=days)):
        left = (m.planned_on - today).days
        when = _("今天到期") if left == 0 else _("还有 %(left)s 天") % {"left": left}
        found.append(Due(
            key=f"milestone:{m.pk}:due_soon:{m.planned_on.isoformat()}",
            rule=rule,
            subject=_("项目“%(name)s”%(label)s计划于 %(planned_on)s 完成（%(when)s）") % {"name": m.project.name, "label": Milestone(m.kind).label, "planned_on": f"{m.planned_on:%Y-%m-%d}", "when": when},
            body=_milestone_body(m),
            target=m.project,
            people=responsible(rule, m.project.owner),
        ))
    return found


def milestone_missed(sweep: Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    """The morning after a milestone's planned date passed without an actual date: planned ∈ [since, today)."""
    today = timezone.localdate(sweep.now)
    since = timezone.localdate(lower)
    if today <= since:
        return []
    found = []
    for m in _open_milestones().filter(planned_on__gte=since, planned_on__lt=today):
        found.append(Due(
            key=f"milestone:{m.pk}:missed:{m.planned_on.isoformat()}",
            rule=rule,
            subject=_("【逾期】项目“%(name)s”%(label)s计划 %(planned_on)s，至今未完成") % {"name": m.project.name, "label": Milestone(m.kind).label, "planned_on": f"{m.planned_on:%Y-%m-%d}"},
            body=_milestone_body(m),
            target=m.project,
            people=responsible(rule, m.project.owner),
        ))
    return found

# code → (what it finds due, the defaults of its row)
RULES = {
    Code.PROJECT_STALE: (
        _project_stale, {"days": 14, "key_project_days": 7, "notify_responsible": True, "groups": []}
    ),
    Code.PROJECT_FOLLOW_UP_DUE: (_project_follow_up_due, {"notify_responsible": True, "groups": []}),
    Code.MILESTONE_DUE_SOON: (
        milestone_due_soon, {"days": MILESTONE_DAYS, "notify_responsible": True, "groups": []}
    ),
    Code.MILESTONE_MISSED: (milestone_missed, {"notify_responsible": True, "groups": [Role.MANAGER]}),
    # Immediate: sent by crm.pipeline.notify when someone other than the owner changes a project.
    Code.PROJECT_CHANGED: (None, {"notify_responsible": True, "groups": [], "send_webhook": False}),
    Code.PIPELINE_DIGEST: (_pipeline_digest, {
        "weekday": ReminderRule.Weekday.MONDAY, "send_at": dt.time(8, 30), "notify_responsible": False,
        "groups": [Role.MANAGER],
    }),
}
rules_register(app_label="crm", rules=RULES)
