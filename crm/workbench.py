"""The workbench (工作台): what each role sees first on opening the admin, as bounded panels.

Every panel is the first ``PANEL_ROWS`` rows of one queryset plus its count — two queries, whatever the data —
so the landing page costs the same at 1,000 and at 10,000 projects (``tests/crm/test_workbench.py`` pins it).
The rules are read where they live: the "no follow-up" rule from ``crm.pipeline.reminders``, the milestone
colours from ``crm.pipeline.lights``, the SLA clock from ``crm.service_requests.clock``.

The leader's figures come from the reports app, which reads both sides and which crm never imports: it registers
a function here at start-up (``headlines_register``, from ``reports.apps``), as parks registers its reminder rules.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from crm.models import (
    ACTIVE_STAGES,
    ApprovalStep,
    Project,
    ProjectMilestone,
    Role,
    ServiceRequest,
    ServiceRequestMessage,
    Stage,
    User,
)
from crm.notifications.inbox import notification_list
from crm.notifications.outbox import Channel
from crm.pipeline import lights
from crm.pipeline.reminders import project_stale_condition
from crm.roles import Area, Work, may, may_read
from crm.service_requests import clock
from crm.visits.reminders import visit_periods
from crm.visits.selectors import visits_due, with_due_dates

PANEL_ROWS = 10  # rows shown in each panel; the panel says how many there are in all


@dataclass
class Panel:
    """One panel of the workbench: its first rows and how many there are."""

    rows: list
    count: int

    @property
    def more(self) -> int:
        return max(self.count - len(self.rows), 0)


def _panel(queryset: QuerySet, *, rows: int = PANEL_ROWS) -> Panel:
    """Two queries, whatever the data: the first ``rows`` rows, then the count."""
    return Panel(rows=list(queryset[:rows]), count=queryset.order_by().count())


# ---- the investment officer's day (招商专员) ----------------------------------------------------------------


def sees_whole_pipeline(user: User) -> bool:
    """Superusers and the head of investment promotion (招商负责人) work over every project."""
    return user.is_superuser or user.has_role(Role.INVESTMENT_LEAD)


def my_projects(*, user: User) -> QuerySet[Project]:
    """Active projects ``user`` owns or co-officers (every active project for ``sees_whole_pipeline``) — without
    the join on co-officers that would repeat rows: the co-officer side is a subquery."""
    projects = Project.objects.active()
    if sees_whole_pipeline(user):
        return projects
    co_officed = Project.co_officers.through.objects.filter(user=user).values("project_id")
    return projects.filter(Q(owner=user) | Q(pk__in=co_officed))


def _project_rows(projects: QuerySet[Project]) -> QuerySet[Project]:
    return projects.select_related("enterprise", "owner")


def follow_ups_due(*, user: User, today: dt.date) -> Panel:
    """下次跟进 due today or overdue, the most overdue first."""
    projects = my_projects(user=user).filter(next_follow_up_on__lte=today)
    return _panel(_project_rows(projects).order_by("next_follow_up_on", "pk"))


def projects_stale(*, user: User, today: dt.date) -> Panel:
    """Projects the "no follow-up" reminder rule calls stale (14 days, 7 for 重点项目): never followed up first,
    then the longest untouched."""
    projects = my_projects(user=user).filter(project_stale_condition(today=today))
    # Never followed up first (on every database), then the oldest follow-up.
    return _panel(_project_rows(projects).order_by(F("followed_up_on").asc(nulls_first=True), "created_at", "pk"))


@dataclass(frozen=True)
class StageRow:
    stage: str
    label: str
    count: int
    investment: object  # Decimal, 万元


def pipeline_by_stage(*, user: User) -> list[StageRow]:
    """My active projects by stage: count and total investment (万元), in pipeline order — one query."""
    rows = {
        row["stage"]: row
        for row in my_projects(user=user).order_by().values("stage").annotate(n=Count("id"), amount=Sum("total_investment"))
    }
    return [
        StageRow(stage, str(Stage(stage).label), rows.get(stage, {}).get("n", 0), rows.get(stage, {}).get("amount") or 0)
        for stage in ACTIVE_STAGES
    ]


def milestones_due(*, user: User, today: dt.date) -> Panel:
    """Landing milestones not done and planned within ``lights.AT_RISK_DAYS`` (the overdue ones first, red)."""
    horizon = today + dt.timedelta(days=lights.AT_RISK_DAYS)
    milestones = (
        ProjectMilestone.objects.filter(actual_on__isnull=True, planned_on__lte=horizon)
        .exclude(project__stage=Stage.LOST)
        .select_related("project__enterprise")
        .order_by("planned_on", "pk")
    )
    if not sees_whole_pipeline(user):
        milestones = milestones.filter(project__in=_mine_any_stage(user))
    panel = _panel(milestones)
    for milestone in panel.rows:
        milestone.light = lights.milestone_light(planned_on=milestone.planned_on, actual_on=None, today=today)
    return panel


def _mine_any_stage(user: User) -> QuerySet[Project]:
    co_officed = Project.co_officers.through.objects.filter(user=user).values("project_id")
    return Project.objects.filter(Q(owner=user) | Q(pk__in=co_officed)).values("pk")


def unread_reminders(*, user: User) -> Panel:
    """My unread in-app reminders, newest first (``crm_notification_unread_idx``)."""
    return _panel(notification_list(user=user).filter(channel=Channel.IN_APP, read_at__isnull=True))


# ---- the service desk (企业服务专员) ------------------------------------------------------------------------


def _with_clock(panel: Panel, now: dt.datetime) -> Panel:
    for request in panel.rows:
        request.clock = clock.time_left(request, now=now)
    return panel


def _request_rows(requests: QuerySet[ServiceRequest]) -> QuerySet[ServiceRequest]:
    # Ordered by due time: the time left, as the queue and crm_request_open_due_idx read it.
    return requests.select_related("enterprise", "category", "assignee").order_by("due_at", "pk")


def my_queue(*, user: User, now: dt.datetime) -> Panel:
    return _with_clock(_panel(_request_rows(ServiceRequest.objects.open().filter(assignee=user))), now)


def unassigned_queue(*, now: dt.datetime) -> Panel:
    return _with_clock(_panel(_request_rows(ServiceRequest.objects.open().filter(assignee__isnull=True))), now)


def _mine_or_nobodys(user: User) -> Q:
    return Q(assignee=user) | Q(assignee__isnull=True)


def approval_steps_due(*, user: User, now: dt.datetime) -> Panel:
    """Open approval steps (of my requests or nobody's) due within 24 hours, the overdue ones first."""
    requests = ServiceRequest.objects.open().filter(_mine_or_nobodys(user)).values("pk")
    steps = (
        ApprovalStep.objects.open()
        .filter(due_at__lte=now + dt.timedelta(hours=24), request__in=requests)
        .select_related("request__enterprise")
        .order_by("due_at", "pk")
    )
    return _panel(steps)


def messages_unanswered(*, user: User, now: dt.datetime) -> Panel:
    """Open requests (mine or nobody's) whose thread ends with the enterprise's message: not answered yet.

    The last message that the enterprise can see decides (an internal note is no answer); the oldest wait first.
    """
    visible = ServiceRequestMessage.objects.filter(request=OuterRef("pk"), is_internal=False).order_by(
        "-created_at", "-id"
    )
    requests = (
        ServiceRequest.objects.open()
        .filter(_mine_or_nobodys(user))
        .annotate(
            last_by_staff=Subquery(visible.values("author__is_staff")[:1]),
            last_message_at=Subquery(visible.values("created_at")[:1]),
        )
        .filter(Exists(visible), last_by_staff=False)
        .select_related("enterprise", "category", "assignee")
        .order_by("last_message_at", "pk")
    )
    return _with_clock(_panel(requests), now)


# ---- 包联: the enterprises in my charge (招商专员 and 企业服务专员 alike) ------------------------------------------


def enterprises_to_visit(*, user: User, today: dt.date) -> Panel:
    """待走访: my enterprises (包联干部) whose visit is overdue or due within ``DUE_SOON_DAYS`` — the "not visited"
    reminder's rule (``crm.visits.reminders``) read ahead; the longest unvisited first."""
    periods = visit_periods()
    panel = _panel(visits_due(user=user, today=today, periods=periods))
    panel.rows = with_due_dates(panel.rows, today=today, periods=periods)
    return panel


# ---- the leader's figures (领导), registered by the reports app ------------------------------------------------


@dataclass(frozen=True)
class Headline:
    """One figure at a glance: “今年签约投资 12.3 亿元 / 目标 50 亿元”, with the report page it comes from."""

    label: str
    value: str
    note: str = ""
    url: str = ""


HEADLINES: list[Callable[..., list[Headline]]] = []


def headlines_register(source: Callable[..., list[Headline]]) -> None:
    """Register a function ``(*, now) -> list[Headline]`` (once; the reports app calls this at start-up)."""
    if source not in HEADLINES:
        HEADLINES.append(source)


def headlines(*, now: dt.datetime) -> list[Headline]:
    return [figure for source in HEADLINES for figure in source(now=now)]


# ---- the page -----------------------------------------------------------------------------------------------


@dataclass
class Workbench:
    """The panels of one person's workbench (a panel not shown is ``None``)."""

    roles: list[str] = field(default_factory=list)
    due: Panel | None = None
    stale: Panel | None = None
    stages: list[StageRow] | None = None
    milestones: Panel | None = None
    reminders: Panel | None = None
    my_queue: Panel | None = None
    unassigned: Panel | None = None
    steps: Panel | None = None
    unanswered: Panel | None = None
    visits: Panel | None = None
    headlines: list[Headline] | None = None


def workbench_for(*, user: User, now: dt.datetime | None = None) -> Workbench:
    """The workbench of ``user``: the investment officer's panels if they work the pipeline, the service desk's if
    they serve requests, the leader's figures if they read the reports (a superuser gets them all)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    bench = Workbench()
    works_pipeline = user.is_superuser or user.has_role(Role.INVESTMENT_OFFICER) or sees_whole_pipeline(user)
    if works_pipeline:
        bench.roles.append(Role.INVESTMENT_OFFICER)
        bench.due = follow_ups_due(user=user, today=today)
        bench.stale = projects_stale(user=user, today=today)
        bench.stages = pipeline_by_stage(user=user)
        bench.milestones = milestones_due(user=user, today=today)
    if user.is_superuser or user.has_role(Role.SERVICE_OFFICER):
        bench.roles.append(Role.SERVICE_OFFICER)
        bench.my_queue = my_queue(user=user, now=now)
        bench.unassigned = unassigned_queue(now=now)
        bench.steps = approval_steps_due(user=user, now=now)
        bench.unanswered = messages_unanswered(user=user, now=now)
    if may(user, Work.VISITS):
        bench.visits = enterprises_to_visit(user=user, today=today)
    if may_read(user, Area.REPORTS):
        bench.roles.append(Role.MANAGER)
        bench.headlines = headlines(now=now)
    bench.reminders = unread_reminders(user=user)
    return bench

