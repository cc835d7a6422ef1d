"""Landing commitments of signed projects (落地承诺), read at a glance in the three colours (三色预警).

The one definition of a milestone's colour (交地, 开工, 竣工, 达产), for the project page, the admin's column and
filters, and the pipeline report (``milestone_colour`` and its ORM twin ``milestone_colour_conditions``):
- **red** when its planned date has passed and it is not done, or it was **done late**;
- **yellow** when not done and due within ``AT_RISK_DAYS`` (today included);
- **green** when done on time, or not due within ``AT_RISK_DAYS``;
- **none** when it is not planned (no row).

A milestone done late stays red: the colour says whether the commitment was kept, not only whether something is
still to be chased — a late 交地 is a broken promise the leadership should keep seeing, and the project page says
how late (逾期 N 天完成). ``DONE_ON_TIME`` / ``DONE_LATE`` split the done ones out of green and red.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import SIGNED_OR_LATER, AnnualCommitment, Milestone, Project, ProjectMilestone
from crm.text import number, percent, wan

AT_RISK_DAYS = 30
MILESTONE_ORDER = [Milestone.LAND_DELIVERY, Milestone.CONSTRUCTION_START, Milestone.COMPLETION, Milestone.FULL_PRODUCTION]

GREEN, YELLOW, RED, NONE = "green", "yellow", "red", "none"
# The palette of the three colours, wherever they are drawn (lights, the reports' charts).
COLOURS = {GREEN: "#16a34a", YELLOW: "#d97706", RED: "#dc2626", NONE: "#cbd5e1"}

# Done milestones, on time (on or before the planned date) or late: within green and red respectively.
DONE_ON_TIME = Q(actual_on__lte=F("planned_on"))
DONE_LATE = Q(actual_on__gt=F("planned_on"))


@dataclass(frozen=True)
class Light:
    level: str  # green / yellow / red / none (not planned)
    label: str

    @property
    def colour(self) -> str:
        return COLOURS[self.level]


def milestone_colour(*, planned_on: dt.date | None, actual_on: dt.date | None, today: dt.date) -> str:
    """The colour of a milestone on ``today``, by the rules in this module's docstring."""
    if planned_on is None:
        return NONE
    if actual_on is not None:
        return RED if actual_on > planned_on else GREEN
    if planned_on < today:
        return RED
    return YELLOW if planned_on <= today + dt.timedelta(days=AT_RISK_DAYS) else GREEN


def milestone_colour_conditions(today: dt.date) -> dict[str, Q]:
    """The ORM twin of ``milestone_colour``: for each colour, the condition on a ``ProjectMilestone`` that has it."""
    not_done = Q(actual_on__isnull=True)
    horizon = today + dt.timedelta(days=AT_RISK_DAYS)
    return {
        GREEN: (not_done & Q(planned_on__gt=horizon)) | DONE_ON_TIME,
        YELLOW: not_done & Q(planned_on__gte=today, planned_on__lte=horizon),
        RED: (not_done & Q(planned_on__lt=today)) | DONE_LATE,
    }


def milestone_light(*, planned_on: dt.date | None, actual_on: dt.date | None, today: dt.date) -> Light:
    """The milestone's colour with what it means in words (按期完成, 10 天后到期, 已逾期 5 天未完成 ...)."""
    colour = milestone_colour(planned_on=planned_on, actual_on=actual_on, today=today)
    if colour == NONE:
        return Light(NONE, _("未计划"))
    if actual_on is not None:
        late = (actual_on - planned_on).days
        return Light(colour, _("逾期 %(late)s 天完成（%(actual_on)s）") % {"late": late, "actual_on": f"{actual_on:%Y-%m-%d}"} if colour == RED else _("按期完成（%(actual_on)s）") % {"actual_on": f"{actual_on:%Y-%m-%d}"})
    left = (planned_on - today).days
    if colour == RED:
        return Light(colour, _("已逾期 %(left)s 天未完成（计划 %(planned_on)s）") % {"left": -left, "planned_on": f"{planned_on:%Y-%m-%d}"})
    if colour == YELLOW:
        return Light(colour, _("今天到期") if left == 0 else _("%(left)s 天后到期（%(planned_on)s）") % {"left": left, "planned_on": f"{planned_on:%Y-%m-%d}"})
    return Light(colour, _("按计划（%(planned_on)s）") % {"planned_on": f"{planned_on:%Y-%m-%d}"})


@dataclass(frozen=True)
class Shortfall:
    """One committed yearly figure the review found short: “亩均产值 实际 62 < 承诺 100 万元/亩”."""

    measure: str
    committed: Decimal
    actual: Decimal

    @property
    def gap(self) -> Decimal:
        return self.committed - self.actual

    @property
    def text(self) -> str:
        unit = _("人") if self.measure == _("用工人数") else _("万元/亩")
        return _("%(measure)s 实际 %(actual)s < 承诺 %(committed)s %(unit)s") % {"measure": self.measure, "actual": number(self.actual), "committed": number(self.committed), "unit": unit}


def annual_shortfalls(commitment: AnnualCommitment) -> list[Shortfall]:
    """The figures of a reviewed year that fell short of the commitment (empty if not reviewed yet)."""
    if commitment.reviewed_on is None:
        return []
    pairs = (
        (_("亩均产值"), commitment.output_per_mu, commitment.actual_output_per_mu),
        (_("亩均税收"), commitment.tax_per_mu, commitment.actual_tax_per_mu),
        (_("用工人数"), commitment.headcount, commitment.actual_headcount),
    )
    return [
        Shortfall(measure, Decimal(committed), Decimal(actual))
        for measure, committed, actual in pairs
        if actual is not None and committed and actual < committed
    ]


def attach_milestone_dates(projects) -> None:
    """Set ``<kind>_planned`` / ``<kind>_actual`` on each project of an already-cut page: one query for the page's
    milestones (crm_milestone_unique_kind), whatever the table's size — not eight correlated subqueries in the list's
    own query, run for every row before the page is cut."""
    projects = list(projects)
    by_project = {project.pk: project for project in projects}
    for project in projects:
        for kind in MILESTONE_ORDER:
            setattr(project, f"{kind}_planned", None)
            setattr(project, f"{kind}_actual", None)
    if not by_project:
        return
    rows = ProjectMilestone.objects.filter(project__in=list(by_project)).values_list(
        "project_id", "kind", "planned_on", "actual_on"
    )
    for project_id, kind, planned_on, actual_on in rows:
        project = by_project[project_id]
        setattr(project, f"{kind}_planned", planned_on)
        setattr(project, f"{kind}_actual", actual_on)


def milestone_labels() -> list[str]:
    """The four milestones' names in the active language, in order (a list translates them once per page)."""
    return [str(kind.label) for kind in MILESTONE_ORDER]


def milestone_lights(
    project: Project, *, today: dt.date | None = None, labels: list[str] | None = None
) -> list[tuple[str, Light]]:
    """(label, light) of the four milestones of a project given its dates by ``attach_milestone_dates``."""
    today = today or timezone.localdate()
    return [
        (label, milestone_light(
            planned_on=getattr(project, f"{kind}_planned"), actual_on=getattr(project, f"{kind}_actual"), today=today,
        ))
        for kind, label in zip(MILESTONE_ORDER, labels or milestone_labels(), strict=True)
    ]


def project_commitments(*, project: Project, today: dt.date | None = None) -> dict:
    """The landing commitments of a project at a glance; 3 queries (milestones, capital total, annual rows).

    ``milestones``: the four in order, with their light (未计划 where none is planned); ``capital``: the
    committed total investment, the capital arrived (实际到资) and the share; ``annual``: each committed year
    with its review's shortfalls.
    """
    today = today or timezone.localdate()
    by_kind = {m.kind: m for m in ProjectMilestone.objects.filter(project=project)}
    milestones = []
    for kind in MILESTONE_ORDER:
        milestone = by_kind.get(kind)
        planned = milestone.planned_on if milestone else None
        actual = milestone.actual_on if milestone else None
        milestones.append({
            "id": milestone.pk if milestone else None,
            "kind": kind.value,
            "label": str(kind.label),
            "planned_on": planned,
            "actual_on": actual,
            "light": milestone_light(planned_on=planned, actual_on=actual, today=today),
        })
    arrived = project.capital_arrivals.aggregate(total=Sum("amount"))["total"] or Decimal("0")
    committed = project.total_investment
    annual = [
        {"commitment": c, "shortfalls": annual_shortfalls(c)}
        for c in AnnualCommitment.objects.filter(project=project).order_by("year")
    ]
    return {
        "signed": project.stage in SIGNED_OR_LATER,
        "milestones": milestones,
        "capital": {
            "committed": committed,
            "arrived": arrived,
            "share": percent(arrived, committed),
            "text": _("实际到资 %(arrived)s / 承诺总投资 %(committed)s") % {"arrived": wan(arrived), "committed": wan(committed)}
            + (_("（%(percent)s）") % {"percent": percent(arrived, committed)} if committed else ""),
        },
        "annual": annual,
    }
