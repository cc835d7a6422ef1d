"""The pipeline page read from the summary tables (``reports.models``): the same figures as
``reports.selectors.pipeline`` computes from the raw rows, from narrow, indexed rows.

What changes is only where each figure is read: the projects' columns (and their enterprise's 属地) from
``ProjectFact`` with no join; "entered the pipeline in range" from ``ProjectFact.entered_at`` instead of a
subquery on the history; the funnel from the ``reached_<stage>`` flags instead of ``COUNT(DISTINCT)`` over the
history; the days in each stage from ``StageStay.seconds`` instead of ``LEAD()`` over the whole history. The
milestone and capital tables are small (a few rows per landed project) and are read raw, filtered by the facts.
``tests/reports/test_summaries_equal_raw.py`` holds the two paths equal after every kind of change.
"""

import datetime as dt
from itertools import pairwise

from django.db.models import Count, F, Q, QuerySet, Sum
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
    ProjectMilestone,
    Stage,
    YearlyTarget,
    list_labels,
)
from crm.pipeline import lights
from reports.models import ProjectFact, StageStay
from reports.selectors.common import (
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

# As in reports.selectors.pipeline (which imports this module, so it cannot be imported from here; the
# equality test holds the two the same): the pipeline, then the two side states; 已开工 stages.
REPORT_STAGES = [*PIPELINE, Stage.ON_HOLD, Stage.LOST]
STARTED_STAGES = [Stage.CONSTRUCTION, Stage.PRODUCTION]


def _facts(filters: ReportFilters, *, cohort: bool = True) -> QuerySet[ProjectFact]:
    facts = ProjectFact.objects.order_by()
    if filters.park is not None:
        facts = facts.filter(park_id=filters.park.pk)
    if filters.chain:
        facts = facts.filter(industry_chain=filters.chain)
    if filters.owner is not None:
        facts = facts.filter(owner_id=filters.owner.pk)
    if cohort and (filters.start or filters.end):
        facts = facts.filter(moment_range("entered_at", filters.start, filters.end))
    return facts


def _stays(filters: ReportFilters) -> QuerySet[StageStay]:
    stays = StageStay.objects.order_by()
    if filters.park is not None:
        stays = stays.filter(park_id=filters.park.pk)
    if filters.chain:
        stays = stays.filter(industry_chain=filters.chain)
    if filters.owner is not None:
        stays = stays.filter(owner_id=filters.owner.pk)
    if filters.start or filters.end:
        stays = stays.filter(moment_range("project_entered_at", filters.start, filters.end))
    return stays


def _stage_rows(facts: QuerySet[ProjectFact]) -> list[dict]:
    key, major = Q(total_investment__gte=KEY_PROJECT_THRESHOLD), Q(total_investment__gte=MAJOR_PROJECT_THRESHOLD)
    rows = {
        row["stage"]: row
        for row in facts.values("stage").annotate(
            count=Count("pk"),
            investment=Sum("total_investment"),
            key_count=Count("pk", filter=key),
            key_investment=Sum("total_investment", filter=key),
            major_count=Count("pk", filter=major),
            major_investment=Sum("total_investment", filter=major),
        )
    }
    return [
        {
            "stage": stage.value,
            "label": str(stage.label),
            "count": rows.get(stage, {}).get("count", 0),
            "investment_total": money(rows.get(stage, {}).get("investment")),
            "key_count": rows.get(stage, {}).get("key_count", 0),
            "key_investment_total": money(rows.get(stage, {}).get("key_investment")),
            "major_count": rows.get(stage, {}).get("major_count", 0),
            "major_investment_total": money(rows.get(stage, {}).get("major_investment")),
        }
        for stage in REPORT_STAGES
    ]


def _funnel(facts: QuerySet[ProjectFact]) -> list[dict]:
    reached = facts.aggregate(**{stage: Count("pk", filter=Q(**{f"reached_{stage}": True})) for stage in PIPELINE})
    funnel, previous, first = [], None, None
    for stage in PIPELINE:
        n = reached[stage]
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


def _durations(stays: QuerySet[StageStay]) -> list[dict]:
    stats = grouped_stats(stays.filter(seconds__isnull=False).annotate(_g=F("stage"), _v=F("seconds")))
    durations = []
    for stage in REPORT_STAGES:
        count, average, median = stats.get(stage, (0, None, None))
        durations.append({
            "stage": stage.value,
            "label": str(stage.label),
            "stays": count,
            "average_days": seconds_to(average, SECONDS_PER_DAY),
            "median_days": seconds_to(median, SECONDS_PER_DAY),
        })
    return durations


# key: (the fact's column, extra label columns, the editable list naming its codes, or None); as raw.BREAKDOWNS,
# with 属地 read from the fact's own column instead of through the enterprise.
BREAKDOWNS = {
    "industry_chain": ("industry_chain", (), "crm.IndustryChain"),
    "source_channel": ("source_channel", (), "crm.SourceChannel"),
    "owner": ("owner_id", tuple(f"owner__{c}" for c in USER_COLUMNS), None),
    "park": ("park_id", ("park__name", "park__short_name"), None),
    "jurisdiction": ("jurisdiction", (), "crm.Jurisdiction"),
}


def _breakdown(facts: QuerySet[ProjectFact], key: str) -> list[dict]:
    column, label_columns, list_model = BREAKDOWNS[key]
    labels = list_labels(list_model) if list_model else {}
    rows = facts.values(column, *label_columns).annotate(
        count=Count("pk"), investment=Sum("total_investment"), landed=Count("pk", filter=Q(stage__in=LANDED_STAGES))
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
            "label": label,
            "count": row["count"],
            "investment_total": money(row["investment"]),
            "landed_count": row["landed"],
        })
    items.sort(key=lambda item: (-item["investment_total"], -item["count"], item["label"]))
    return items


def _year_figures(filters: ReportFilters, year: int) -> dict:
    year_range = moment_range("entered_at", dt.date(year, 1, 1), dt.date(year, 12, 31))
    landed = Q(pk__in=StageStay.objects.filter(year_range, stage=Stage.REGISTERED).values("project_id"))
    signed = Q(pk__in=StageStay.objects.filter(year_range, stage=Stage.SIGNED).values("project_id"))
    key = Q(total_investment__gte=KEY_PROJECT_THRESHOLD)
    figures = _facts(filters, cohort=False).aggregate(
        landed=Count("pk", filter=landed),
        landed_investment=Sum("total_investment", filter=landed),
        landed_key=Count("pk", filter=landed & key),
        landed_key_investment=Sum("total_investment", filter=landed & key),
        signed=Count("pk", filter=signed),
        signed_investment=Sum("total_investment", filter=signed),
    )
    targets = dict(YearlyTarget.objects.filter(year=year).values_list("metric", "target"))
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


def _landing(facts: QuerySet[ProjectFact], year: int) -> dict:
    committed_q = Q(stage__in=SIGNED_OR_LATER)
    landed_q = Q(stage__in=LANDED_STAGES)
    started_ids = ProjectMilestone.objects.filter(
        kind=Milestone.CONSTRUCTION_START, actual_on__isnull=False
    ).values("project_id")
    figures = facts.aggregate(
        committed_count=Count("pk", filter=committed_q),
        committed=Sum("total_investment", filter=committed_q),
        landed=Count("pk", filter=landed_q),
        started=Count("pk", filter=landed_q & (Q(stage__in=STARTED_STAGES) | Q(pk__in=started_ids))),
        producing=Count("pk", filter=Q(stage=Stage.PRODUCTION)),
    )
    arrivals = CapitalArrival.objects.filter(project_id__in=facts.filter(committed_q).values("pk")).aggregate(
        arrived=Sum("amount"),
        arrived_in_year=Sum("amount", filter=date_range("arrived_on", dt.date(year, 1, 1), dt.date(year, 12, 31))),
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


def _milestone_colours(facts: QuerySet[ProjectFact], today: dt.date) -> dict:
    colours = lights.milestone_colour_conditions(today)
    keys = ("green", "yellow", "red", "done_on_time", "done_late")
    rows = {
        row["kind"]: row
        for row in ProjectMilestone.objects.filter(project_id__in=facts.exclude(stage=Stage.LOST).values("pk"))
        .order_by()
        .values("kind")
        .annotate(
            **{colour: Count("id", filter=condition) for colour, condition in colours.items()},
            done_on_time=Count("id", filter=lights.DONE_ON_TIME),
            done_late=Count("id", filter=lights.DONE_LATE),
        )
    }
    items = [
        {"kind": kind.value, "label": str(kind.label), **{key: rows.get(kind, {}).get(key, 0) for key in keys}}
        for kind in Milestone
    ]
    return {"items": items, "totals": {key: sum(item[key] for item in items) for key in keys}}


def pipeline_report_from_summaries(*, filters: ReportFilters, now: dt.datetime | None = None) -> dict:
    """The pipeline page's figures from the summary tables: the dict ``pipeline.pipeline_report`` returns."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    year = filters.report_year(today)
    facts = _facts(filters)
    stages = _stage_rows(facts)
    key_stages = [s for s in stages if s["stage"] != Stage.LOST]
    landing = _landing(facts, year)
    funnel = _funnel(facts)
    return {
        "as_of": now,
        "year": year,
        "stages": stages,
        "totals": {
            "count": sum(s["count"] for s in stages),
            "investment_total": sum((s["investment_total"] for s in stages), ZERO),
        },
        "key_projects": {
            "threshold": KEY_PROJECT_THRESHOLD,
            "count": sum(s["key_count"] for s in key_stages),
            "investment_total": sum((s["key_investment_total"] for s in key_stages), ZERO),
        },
        "major_projects": {
            "threshold": MAJOR_PROJECT_THRESHOLD,
            "count": sum(s["major_count"] for s in key_stages),
            "investment_total": sum((s["major_investment_total"] for s in key_stages), ZERO),
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
        "durations": _durations(_stays(filters)),
        "breakdowns": {key: _breakdown(facts, key) for key in BREAKDOWNS},
        "this_year": _year_figures(filters, year),
        "capital": landing["capital"],
        "rates": landing["rates"],
        "milestones": _milestone_colours(facts, today),
    }
