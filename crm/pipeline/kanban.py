"""看板: the pipeline as columns by stage, read in a fixed number of queries whatever the number of projects.

``kanban_board`` answers every column's count (one grouped query) and its first cards (one query per column, nine
columns); ``kanban_cards`` answers the next page of one column (“加载更多”). The filters are the same for both:
mine or all, owner, industry chain, park, priority (重点 ≥ 1 亿, 重大 ≥ 10 亿). A card's legal moves are
``crm.pipeline.services.allowed_stages``; for 暂缓 cards it needs the stage before the hold, read here in the
same query (``stage_before_hold``) so that a column costs one query.
"""

from dataclasses import dataclass, field

from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery

from crm.models import (
    KEY_PROJECT_THRESHOLD,
    MAJOR_PROJECT_THRESHOLD,
    PIPELINE,
    Project,
    ProjectStageChange,
    Stage,
    User,
)
from crm.pipeline.ownership import may_change_condition

COLUMNS = [*PIPELINE, Stage.ON_HOLD, Stage.LOST]
PAGE_SIZE = 20
# What a card shows (and ``allowed_stages`` reads): the rest of a project's 30 columns stays in the database.
CARD_FIELDS = (
    "pk", "name", "stage", "total_investment", "followed_up_on", "enterprise", "owner",
    "enterprise__name", "enterprise__short_name",
    "owner__username", "owner__display_name", "owner__first_name", "owner__last_name",
)


@dataclass(frozen=True)
class KanbanFilters:
    """What the officer chose above the board; every field empty means the whole pipeline."""

    mine: bool = False
    owner: int | None = None
    chain: str = ""
    park: int | None = None
    priority: str = ""  # "key" (≥ 1 亿) or "major" (≥ 10 亿)


@dataclass
class Column:
    stage: str
    label: str
    count: int
    cards: list = field(default_factory=list)

    @property
    def more(self) -> bool:
        return self.count > len(self.cards)


def kanban_projects(*, user: User, filters: KanbanFilters) -> QuerySet[Project]:
    """The filtered projects, with what a card shows (enterprise, owner), newest-largest first.

    "Mine" is owner or co-officer, as a subquery rather than a join so that no row repeats (no DISTINCT).
    """
    projects = Project.objects.all()
    if filters.mine:
        co = Project.co_officers.through.objects.filter(user=user).values("project_id")
        projects = projects.filter(Q(owner=user) | Q(pk__in=co))
    if filters.owner:
        projects = projects.filter(owner_id=filters.owner)
    if filters.chain:
        projects = projects.filter(industry_chain=filters.chain)
    if filters.park:
        projects = projects.filter(park_id=filters.park)
    if filters.priority == "major":
        projects = projects.filter(total_investment__gte=MAJOR_PROJECT_THRESHOLD)
    elif filters.priority == "key":
        projects = projects.filter(total_investment__gte=KEY_PROJECT_THRESHOLD)
    return projects


def _column_page(projects: QuerySet[Project], stage: str, *, user: User, offset: int, limit: int) -> list[Project]:
    """One page of a column; each card knows whether ``user`` may move it (``may_change``: the ownership rule,
    ``crm.pipeline.ownership``, read in the same query)."""
    cards = (
        projects.filter(stage=stage)
        .select_related("enterprise", "owner")
        .only(*CARD_FIELDS)
        .annotate(may_change=ExpressionWrapper(may_change_condition(user), output_field=BooleanField()))
        .order_by("-total_investment", "-id")
    )
    if stage == Stage.ON_HOLD:
        last_hold = ProjectStageChange.objects.filter(project=OuterRef("pk"), to_stage=Stage.ON_HOLD).order_by(
            "-changed_at", "-id"
        )
        cards = cards.annotate(stage_before_hold=Subquery(last_hold.values("from_stage")[:1]))
    return list(cards[offset : offset + limit])


def kanban_board(*, user: User, filters: KanbanFilters, per_column: int = PAGE_SIZE) -> list[Column]:
    """Every column with its count and first ``per_column`` cards: 1 + 9 queries, whatever the data."""
    projects = kanban_projects(user=user, filters=filters)
    counts = dict(projects.order_by().values_list("stage").annotate(n=Count("pk")))
    return [
        Column(
            stage=stage,
            label=Stage(stage).label,
            count=counts.get(stage, 0),
            cards=_column_page(projects, stage, user=user, offset=0, limit=per_column),
        )
        for stage in COLUMNS
    ]


def kanban_cards(*, user: User, filters: KanbanFilters, stage: str, offset: int, limit: int = PAGE_SIZE) -> list[Project]:
    """One more page of a column (“加载更多”): one query."""
    return _column_page(kanban_projects(user=user, filters=filters), stage, user=user, offset=offset, limit=limit)
