"""The pipeline page (招商项目): where the cohort is now, how far it got, how long it stayed, what landed."""

import datetime as dt
from itertools import pairwise

from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import Lead
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import (
    KEY_PROJECT_THRESHOLD,
    LANDED_STAGES,
    MAJOR_PROJECT_THRESHOLD,
    PIPELINE,
    SIGNED_OR_LATER,
    CapitalArrival,
    Milestone,
    Project,
    ProjectMilestone,
    ProjectStageChange,
    Stage,
    YearlyTarget,
    list_labels,
)
from crm.models.functions import SecondsBetween
from crm.pipeline import lights
from reports.selectors.common import (
    ALL_STAGES,
    SECONDS_PER_DAY,
    USER_COLUMNS,
    ZERO,
    ReportFilters,
    date_range,
    grouped_stats,
    moment_range,
    money,
    percent,
    seconds_to,
    user_label,
)

# The report's stage order: the pipeline first, then the two side states.
REPORT_STAGES = [*PIPELINE, Stage.ON_HOLD, Stage.LOST]
# 已开工: in construction or production now, or with an actual 开工 date on the landing record.
STARTED_STAGES = [Stage.CONSTRUCTION, Stage.PRODUCTION]
# Left out of the pipeline's totals unless the stage filter asks for them: 暂缓 (on hold) and 终止 (lost).
SIDE_STAGES = [Stage.ON_HOLD, Stage.LOST]


def stage_condition(filters: ReportFilters) -> Q:
    """The stage filter as a condition on ``Project``: in the pipeline (default), one stage, or every stage."""
    if filters.stage == ALL_STAGES:
        return Q()
    if filters.stage:
        return Q(stage=filters.stage)
    return Q(stage__in=PIPELINE)


def in_total(filters: ReportFilters, stage: str) -> bool:
    """Whether projects now at ``stage`` count in the page's totals under ``filters`` (the stage table's mark)."""
    if filters.stage == ALL_STAGES:
        return True
    if filters.stage:
        return stage == filters.stage
    return stage not in SIDE_STAGES


def report_projects(filters: ReportFilters) -> QuerySet[Project]:
    """The projects behind the page's totals: the cohort of the period, at the stages the stage filter keeps.

    期内入库项目 and their 总投资, the key and major projects, the breakdowns, 承诺投资 and 到资, 开工率 and 投产率 all count these:
    by default the projects still in the pipeline, 暂缓 and 终止 left out. The drill-down lists use the same queryset.
    """
    return _projects(filters).filter(stage_condition(filters))

# -- one reading of each figure's rule: the page aggregates these, its drill-down lists filter by them ---------
# (reports/figures/pipeline.py registers the drill-down lists; tests/reports/test_drill_equality.py checks that
# every list counts what its figure says.)
KEY = Q(total_investment__gte=KEY_PROJECT_THRESHOLD)  # 重点项目: ≥ 1 亿元
MAJOR = Q(total_investment__gte=MAJOR_PROJECT_THRESHOLD)  # 重大项目: ≥ 10 亿元
COMMITTED = Q(stage__in=SIGNED_OR_LATER)  # 承诺投资: signed or beyond
LANDED = Q(stage__in=LANDED_STAGES)  # 已落地: 注册落地, 开工, 投产
PRODUCING = Q(stage=Stage.PRODUCTION)  # 已投产


def started_q() -> Q:
    """已开工 (of the landed): at 开工/投产 now, or an actual 开工 date on the landing record."""
    started_ids = ProjectMilestone.objects.filter(
        kind=Milestone.CONSTRUCTION_START, actual_on__isnull=False
    ).values("project_id")
    return LANDED & (Q(stage__in=STARTED_STAGES) | Q(pk__in=started_ids))


def moved_in_period_q(stage: str, period: tuple[dt.date | None, dt.date | None]) -> Q:
    """Projects with a history row into ``stage`` within ``period`` (落地 = into 注册落地, 签约 = into 签约)."""
    in_period = moment_range("changed_at", *period)
    return Q(pk__in=ProjectStageChange.objects.filter(in_period, to_stage=stage).values("project_id"))


def committed_arrivals(projects: QuerySet[Project]) -> QuerySet[CapitalArrival]:
    """实际到资: the arrival records of the committed projects (a lost project's money is not counted)."""
    return CapitalArrival.objects.order_by().filter(project__in=projects.filter(COMMITTED).values("pk"))


def arrivals_in_period_q(period: tuple[dt.date | None, dt.date | None]) -> Q:
    """期内到资: arrival records dated within ``period``."""
    return date_range("arrived_on", *period)


def milestones_of(projects: QuerySet[Project]) -> QuerySet[ProjectMilestone]:
    """The landing milestones the 三色预警 counts: those of the projects not lost."""
    return ProjectMilestone.objects.order_by().filter(project__in=projects.exclude(stage=Stage.LOST).values("pk"))


def stage_changes(filters: ReportFilters) -> QuerySet[ProjectStageChange]:
    """The history rows the funnel and the stays read: whole projects of the filtered cohort."""
    changes = ProjectStageChange.objects.order_by()
    if _is_filtered(filters):
        changes = changes.filter(project__in=_projects(filters).values("pk"))
    return changes


def stay_rows(changes: QuerySet[ProjectStageChange]) -> QuerySet[ProjectStageChange]:
    """Each history row with the seconds until the project's next one (``_v``; NULL for the current stage)."""
    following = Window(
        Lead("changed_at"), partition_by=[F("project_id")], order_by=[F("changed_at").asc(), F("id").asc()]
    )
    return changes.annotate(_g=F("to_stage"), _v=SecondsBetween(following, F("changed_at")))


def finished_stays(changes: QuerySet[ProjectStageChange], stage: str) -> QuerySet[ProjectStageChange]:
    """The finished stays in ``stage``: its history rows followed by another (the window runs over whole projects)."""
    ended = stay_rows(changes).filter(_v__isnull=False).values("pk")
    return ProjectStageChange.objects.filter(pk__in=ended, to_stage=stage)


def reached(changes: QuerySet[ProjectStageChange], stage: str) -> QuerySet[Project]:
    """The projects that ever reached ``stage`` (a history row into it)."""
    return Project.objects.filter(pk__in=changes.filter(to_stage=stage).values("project_id"))


def group_q(key: str, value: str | None) -> Q:
    """The projects of one row of breakdown ``key``: the group column equal to ``value`` (None: not filled in)."""
    column = BREAKDOWNS[key][0]
    return Q(**{f"{column}__isnull": True}) if value is None else Q(**{column: value})


def _projects(filters: ReportFilters, *, cohort: bool = True) -> QuerySet[Project]:
    """The projects a pipeline figure is about, at every stage; with ``cohort``, only those that entered in range."""
    projects = Project.objects.order_by()
    if filters.park is not None:
        projects = projects.filter(park=filters.park)
    if filters.chain:
        projects = projects.filter(industry_chain=filters.chain)
    if filters.owner is not None:
        projects = projects.filter(owner=filters.owner)
    if cohort and (filters.start or filters.end):
        # The first history row (from_stage "") is written by project_create at the moment the project
        # was registered as a lead; created_at is only when the row was inserted.
        entered = ProjectStageChange.objects.filter(
            moment_range("changed_at", filters.start, filters.end), from_stage=""
        ).values("project_id")
        projects = projects.filter(pk__in=entered)
    return projects


def _is_filtered(filters: ReportFilters) -> bool:
    return bool(filters.park or filters.chain or filters.owner or filters.start or filters.end)


def _stage_rows(projects: QuerySet[Project], filters: ReportFilters) -> list[dict]:
    """Projects by current stage (every stage, 暂缓 and 终止 too): count and investment, the key (≥ 1 亿) and major
    (≥ 10 亿) ones, and whether the stage counts in the page's totals under the stage filter (``in_total``)."""
    key, major = KEY, MAJOR
    rows = {
        row["stage"]: row
        for row in projects.values("stage").annotate(
            count=Count("id"),
            investment=Sum("total_investment"),
            key_count=Count("id", filter=key),
            key_investment=Sum("total_investment", filter=key),
            major_count=Count("id", filter=major),
            major_investment=Sum("total_investment", filter=major),
        )
    }
    stages = []
    for stage in REPORT_STAGES:
        row = rows.get(stage, {})
        stages.append({
            "stage": stage.value,
            "label": str(stage.label),
            "in_total": in_total(filters, stage),
            "count": row.get("count", 0),
            "investment_total": money(row.get("investment")),
            "key_count": row.get("key_count", 0),
            "key_investment_total": money(row.get("key_investment")),
            "major_count": row.get("major_count", 0),
            "major_investment_total": money(row.get("major_investment")),
        })
    return stages


def _funnel(changes: QuerySet[ProjectStageChange]) -> list[dict]:
    """累计漏斗: how many projects ever reached each pipeline stage, and the conversion between stages.

    A project moves forward one stage at a time and every move writes a history row, so "reached
    stage S" is "has a history row into S"; a project counts once however often it re-entered S.
    """
    reached = dict(
        changes.filter(to_stage__in=PIPELINE).values("to_stage").annotate(n=Count("project_id", distinct=True))
        .values_list("to_stage", "n")
    )
    return funnel_rows(reached)


def funnel_rows(reached: dict) -> list[dict]:
    """The funnel's rows from the count of projects that reached each pipeline stage (raw rows or summaries)."""
    funnel, previous, first = [], None, None
    for stage in PIPELINE:
        n = reached.get(stage, 0)
        first = n if first is None else first
        funnel.append({
            "stage": stage.value,
            "label": str(stage.label),
            "reached": n,
            "conversion_from_previous": percent(n, previous) if previous is not None else None,
            "conversion_from_lead": percent(n, first),
        })
        previous = n
    return funnel


def _durations(changes: QuerySet[ProjectStageChange]) -> list[dict]:
    """Days spent in each stage: from entering it to the next history row of the same project.

    Only finished stays count (the current stage of a project has no end yet). The next row comes
    from ``LEAD(changed_at) OVER (PARTITION BY project ORDER BY changed_at, id)``; ``changes`` always
    holds whole projects, so no stay is cut short by a filter.
    """
    stats = grouped_stats(stay_rows(changes))
    durations = []
    for stage in REPORT_STAGES:
        stays, average, median = stats.get(stage, (0, None, None))
        durations.append({
            "stage": stage.value,
            "label": str(stage.label),
            "stays": stays,
            "average_days": seconds_to(average, SECONDS_PER_DAY),
            "median_days": seconds_to(median, SECONDS_PER_DAY),
        })
    return durations


BREAKDOWNS = {
    # key: (group-by column, extra label columns, the editable list naming its codes, or None)
    "industry_chain": ("industry_chain", (), "crm.IndustryChain"),
    "source_channel": ("source_channel", (), "crm.SourceChannel"),
    "owner": ("owner_id", tuple(f"owner__{c}" for c in USER_COLUMNS), None),
    "park": ("park_id", ("park__name", "park__short_name"), None),
    "jurisdiction": ("enterprise__jurisdiction", (), "crm.Jurisdiction"),
}


def _breakdown(projects: QuerySet[Project], key: str) -> list[dict]:
    """Projects by one dimension: count, investment, and how many of them have landed (注册落地 or beyond)."""
    column, label_columns, list_model = BREAKDOWNS[key]
    labels = list_labels(list_model) if list_model else {}
    rows = projects.values(column, *label_columns).annotate(
        count=Count("id"), investment=Sum("total_investment"), landed=Count("id", filter=LANDED)
    )
    items = []
    for row in rows:
        value = row[column]
        if key == "owner":
            label = user_label(row, "owner")
        elif key == "park":
            label = (row["park__short_name"] or row["park__name"]) if value is not None else _("未定园区")
        elif value:
            label = labels.get(value, value)
        else:
            label = _("未填写")
        items.append({
            "key": "" if value is None else str(value),
            "is_null": value is None,  # "" and NULL are two rows, both 未填写: the drill-down tells them apart
            "label": label,
            "count": row["count"],
            "investment_total": money(row["investment"]),
            "landed_count": row["landed"],
        })
    items.sort(key=lambda item: (-item["investment_total"], -item["count"], item["label"]))
    return items


def event_period(filters: ReportFilters, year: int) -> tuple[dt.date | None, dt.date | None]:
    """The days that decide 期内落地, 期内签约 and 期内到资: the period's, or the whole report year without one."""
    if filters.start or filters.end:
        return filters.start, filters.end
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _year_figures(filters: ReportFilters, year: int) -> dict:
    """The projects that moved to 注册落地 (and those ≥ 1 亿) and to 签约 within the period, against the year's targets.

    Counted by the stage history whatever the project's stage now (a project landed in the period and paused later
    still landed then), and whenever it entered the pipeline; the targets are those of the period's end year.
    """
    period = event_period(filters, year)
    landed, signed = moved_in_period_q(Stage.REGISTERED, period), moved_in_period_q(Stage.SIGNED, period)
    key = KEY
    figures = _projects(filters, cohort=False).aggregate(
        landed=Count("id", filter=landed),
        landed_investment=Sum("total_investment", filter=landed),
        landed_key=Count("id", filter=landed & key),
        landed_key_investment=Sum("total_investment", filter=landed & key),
        signed=Count("id", filter=signed),
        signed_investment=Sum("total_investment", filter=signed),
    )
    return year_figures_answer(filters, year, figures)


def year_figures_answer(filters: ReportFilters, year: int, figures: dict) -> dict:
    """The year's landed/signed figures beside the targets the pipeline reads: the park-wide ones, or the filtered
    park's (``YearlyTarget.objects.for_pipeline``) — never an officer's or a unit's. One reading for the raw rows and
    the summaries (reports.selectors.pipeline_summary)."""
    targets = dict(YearlyTarget.objects.filter(year=year).for_pipeline(filters.park).values_list("metric", "target"))
    landed_target = targets.get(YearlyTarget.Metric.LANDED_KEY_PROJECTS)
    signed_target = targets.get(YearlyTarget.Metric.SIGNED_INVESTMENT)
    return {
        "year": year,
        "landed_count": figures["landed"],
        "landed_investment_total": money(figures["landed_investment"]),
        "landed_key_count": figures["landed_key"],
        "landed_key_investment_total": money(figures["landed_key_investment"]),
        "landed_key_target": landed_target,
        "landed_key_completion": percent(figures["landed_key"], landed_target),
        "signed_count": figures["signed"],
        "signed_investment_total": money(figures["signed_investment"]),
        "signed_investment_target": signed_target,
        "signed_investment_completion": percent(money(figures["signed_investment"]), signed_target),
    }


def _landing(projects: QuerySet[Project], period: tuple[dt.date | None, dt.date | None], year: int) -> dict:
    """到资 against committed investment, and the 开工率 and 投产率 of the landed projects.

    Committed (承诺投资) is the total investment of the projects at 签约 or beyond; arrived (实际到资)
    sums their ``CapitalArrival`` rows. Landed projects are those now at 注册落地, 开工 or 投产;
    开工率 = landed projects that started construction (stage 开工/投产, or an actual 开工 date on the
    landing record) / landed projects; 投产率 = landed projects at 投产 / landed projects.
    """
    figures = projects.aggregate(
        committed_count=Count("id", filter=COMMITTED),
        committed=Sum("total_investment", filter=COMMITTED),
        landed=Count("id", filter=LANDED),
        started=Count("id", filter=started_q()),
        producing=Count("id", filter=PRODUCING),
    )
    arrivals = committed_arrivals(projects).aggregate(
        arrived=Sum("amount"),
        arrived_in_year=Sum("amount", filter=arrivals_in_period_q(period)),
    )
    committed, arrived = money(figures["committed"]), money(arrivals["arrived"])
    return {
        "capital": {
            "committed_count": figures["committed_count"],
            "committed_total": committed,
            "arrived_total": arrived,
            "arrival_rate": percent(arrived, committed),
            "year": year,
            "arrived_in_year": money(arrivals["arrived_in_year"]),
        },
        "rates": {
            "landed_count": figures["landed"],
            "started_count": figures["started"],
            "producing_count": figures["producing"],
            "construction_start_rate": percent(figures["started"], figures["landed"]),
            "production_rate": percent(figures["producing"], figures["landed"]),
        },
    }


def _colour_totals(items: list[dict], keys=("green", "yellow", "red", "done_on_time", "done_late")) -> dict:
    return {key: sum(item[key] for item in items) for key in keys}


def _milestone_colours(projects: QuerySet[Project], today: dt.date) -> dict:
    """三色预警 of landing milestones (交地, 开工, 竣工, 达产) of projects not lost, as crm.pipeline.lights colours
    them everywhere: red (overdue, or done late), yellow (due within ``lights.AT_RISK_DAYS``), green (the rest,
    done on time included); ``done_on_time`` and ``done_late`` are the done ones within green and red.
    """
    colours = lights.milestone_colour_conditions(today)
    rows = {
        row["kind"]: row
        for row in milestones_of(projects)
        .values("kind")
        .annotate(
            **{colour: Count("id", filter=condition) for colour, condition in colours.items()},
            done_on_time=Count("id", filter=lights.DONE_ON_TIME),
            done_late=Count("id", filter=lights.DONE_LATE),
        )
    }
    items = [
        {
            "kind": kind.value,
            "label": str(kind.label),
            **{key: rows.get(kind, {}).get(key, 0) for key in ("green", "yellow", "red", "done_on_time", "done_late")},
        }
        for kind in Milestone
    ]
    return {"items": items, "totals": _colour_totals(items)}


def pipeline_report(*, filters: ReportFilters, now: dt.datetime | None = None) -> dict:
    """The 招商 pipeline page from the raw rows: 13 queries, whatever the data (the page reads
    ``pipeline_summary.pipeline_page_report``: the same figures from the summary tables once they are built).

    stages (1), funnel (1), durations (1), five breakdowns (5), this year's figures and targets (2),
    committed/landed counts and capital arrived (2), milestone colours (1).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    year = filters.report_year(today)
    cohort = _projects(filters)
    projects = cohort.filter(stage_condition(filters))
    # The funnel and the stays follow every project of the cohort, those later paused or lost included.
    changes = stage_changes(filters)
    stages = _stage_rows(cohort, filters)
    landing = _landing(projects, event_period(filters, year), year)
    return report_answer(
        now=now, filters=filters, year=year, stages=stages, funnel=_funnel(changes), durations=_durations(changes),
        breakdowns={key: _breakdown(projects, key) for key in BREAKDOWNS}, this_year=_year_figures(filters, year),
        landing=landing, milestones=_milestone_colours(projects, today),
    )


def report_answer(*, now, filters, year, stages, funnel, durations, breakdowns, this_year, landing, milestones) -> dict:
    """The pipeline answer from its parts — one assembly (the totals over the stages counted in them, the
    conversions between the funnel's stages) for the raw rows and the summaries (``pipeline_summary``)."""
    counted = [s for s in stages if s["in_total"]]
    return {
        "as_of": now,
        "filters": filters,  # what the figures were computed under: the layout's drill-down links carry them
        "year": year,
        "stages": stages,
        "totals": {
            "count": sum(s["count"] for s in counted),
            "investment_total": sum((s["investment_total"] for s in counted), ZERO),
        },
        "key_projects": {
            "threshold": KEY_PROJECT_THRESHOLD,
            "count": sum(s["key_count"] for s in counted),
            "investment_total": sum((s["key_investment_total"] for s in counted), ZERO),
        },
        "major_projects": {
            "threshold": MAJOR_PROJECT_THRESHOLD,
            "count": sum(s["major_count"] for s in counted),
            "investment_total": sum((s["major_investment_total"] for s in counted), ZERO),
        },
        "funnel": funnel,
        "conversions": [
            {
                "from_stage": before["stage"],
                "to_stage": after["stage"],
                "from_count": before["reached"],
                "to_count": after["reached"],
                "rate": after["conversion_from_previous"],
            }
            for before, after in pairwise(funnel)
        ],
        "durations": durations,
        "breakdowns": breakdowns,
        "this_year": this_year,
        "capital": landing["capital"],
        "rates": landing["rates"],
        "milestones": milestones,
    }
