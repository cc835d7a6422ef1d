"""The pipeline page read from the summary tables (``reports.models``): the figures ``pipeline.pipeline_report``
computes from the raw rows, from narrow, indexed rows — and ``pipeline_page_report``, which the page, the Excel
export and the API call: the summaries once they are built, the raw rows before.

What changes is only where each figure is read. ``ProjectFact`` has the project's columns under the project's
names (its ``id`` is the project's), so the raw selector's own helpers — stage rows, breakdowns, 到资 and rates,
milestone colours, and the rules they apply (``stage_condition``, ``KEY``, ``COMMITTED``, ``started_q`` …) —
run on it unchanged (属地 through ``enterprise``, as from the project). What reads the history differs:
"entered the pipeline in range" is ``ProjectFact.entered_at`` (not a subquery on the history), the funnel the
``reached_<stage>`` flags (not ``COUNT(DISTINCT)`` over the history), the days in each stage
``StageStay.seconds`` (not ``LEAD()`` over the whole history), 本年落地/签约 the stays begun in the year.
``tests/reports/test_summaries_equal_raw.py`` holds the two paths equal after every kind of change.
"""

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone, translation

from crm.models import PIPELINE, Stage
from reports.models import ProjectFact, StageStay
from reports.selectors import pipeline as raw
from reports.selectors.common import (
    SECONDS_PER_DAY,
    ReportFilters,
    grouped_stats,
    moment_range,
    seconds_to,
)
from reports.summaries import summaries_ready


def pipeline_page_report(*, filters: ReportFilters, now: dt.datetime | None = None) -> dict:
    """The pipeline page's figures: from the summaries once built (``reports.summaries``), else from the raw rows;
    ``summaries`` says which, and how fresh (the page shows it).

    14 queries either way, whatever the data: the summary state (1), then the 13 of ``pipeline.pipeline_report``
    — stages (1), funnel (1), durations (1), five breakdowns (5), this year's figures and targets (2),
    committed/landed counts and capital arrived (2), milestone colours (1) — read from the summaries or the raw rows;
    6 when the stage rows, the funnel, the stays, this year's figures and four breakdowns of this version are in
    the cache.
    """
    state = summaries_ready()
    if state is None:
        report = raw.pipeline_report(filters=filters, now=now)
        report["summaries"] = {"from_summaries": False, "refreshed_at": None, "rebuilt_at": None}
        return report
    report = pipeline_report_from_summaries(filters=filters, now=now, state=state)
    report["summaries"] = {"from_summaries": True, "refreshed_at": state.refreshed_at, "rebuilt_at": state.rebuilt_at}
    return report


def _cached(state, part: str, filters: ReportFilters, compute):
    """``compute()``, kept for ``REPORTS_SUMMARY_CACHE_SECONDS`` under the summaries' version and the filters.

    Only for figures read from the summary tables alone (the stage rows, the funnel, the days in each stage, this
    year's landed and signed): every write of those rows raises ``SummaryState.version`` in its own transaction, so
    a cached figure is never served after a change. The days in each stage are the page's costliest query (a median
    over every finished stay). The breakdown by 属地, 到资, 开工 and the milestone colours read tables the summaries
    do not copy: computed on every view.
    """
    seconds = getattr(settings, "REPORTS_SUMMARY_CACHE_SECONDS", 600)
    if state is None or not seconds:
        return compute()
    # The state row's id and rebuild moment too: a database rebuilt from nothing starts its versions again.
    # The language too: the rows carry the stages' translated labels.
    key = "reports:pipeline:{}:{}:{}:{}:{}:{}:{}:{}:{}:{}:{}".format(
        state.pk, state.rebuilt_at.timestamp(), state.version, translation.get_language(), part,
        filters.start, filters.end, getattr(filters.park, "pk", ""), filters.chain,
        getattr(filters.owner, "pk", ""), filters.stage,
    )
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def _facts(filters: ReportFilters, *, cohort: bool = True) -> QuerySet[ProjectFact]:
    """``raw._projects`` on the facts: park, chain and owner, and with ``cohort`` the entry date."""
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
    """``raw.stage_changes`` on the stays: every stay of the projects of the cohort (their filter columns copied)."""
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


def _funnel(facts: QuerySet[ProjectFact]) -> list[dict]:
    """``raw._funnel`` from the ``reached_<stage>`` flags: one row per fact, no DISTINCT over the history."""
    reached = facts.aggregate(**{stage: Count("id", filter=Q(**{f"reached_{stage}": True})) for stage in PIPELINE})
    return raw.funnel_rows(reached)


def _durations(stays: QuerySet[StageStay]) -> list[dict]:
    """``raw._durations`` from the stored seconds of each finished stay."""
    stats = grouped_stats(stays.filter(seconds__isnull=False).annotate(_g=F("stage"), _v=F("seconds")))
    durations = []
    for stage in raw.REPORT_STAGES:
        count, average, median = stats.get(stage, (0, None, None))
        durations.append({
            "stage": stage.value,
            "label": str(stage.label),
            "stays": count,
            "average_days": seconds_to(average, SECONDS_PER_DAY),
            "median_days": seconds_to(median, SECONDS_PER_DAY),
        })
    return durations


def _breakdown(facts: QuerySet[ProjectFact], key: str, filters: ReportFilters, state) -> list[dict]:
    """``raw._breakdown``; by chain, channel, owner and park cached under the summaries' version (their counts are
    the summaries'; a person's or a park's new name shows from the next write or within the cache's lifetime), by
    属地 computed on every view (it is the enterprise's, which the summaries do not copy)."""
    if key == "jurisdiction":
        return raw._breakdown(facts, key)
    return _cached(state, f"breakdown:{key}", filters, lambda: raw._breakdown(facts, key))


def _year_figures(filters: ReportFilters, year: int, state=None) -> dict:
    """``raw._year_figures`` with "moved into 注册落地 / 签约 within the period" read from the stays (cached:
    summaries alone); the targets are read each time (managers edit them in the admin)."""
    year_range = moment_range("entered_at", *raw.event_period(filters, year))
    landed = Q(pk__in=StageStay.objects.filter(year_range, stage=Stage.REGISTERED).values("project_id"))
    signed = Q(pk__in=StageStay.objects.filter(year_range, stage=Stage.SIGNED).values("project_id"))
    key = raw.KEY
    figures = _cached(state, f"year{year}", filters, lambda: _facts(filters, cohort=False).aggregate(
        landed=Count("id", filter=landed),
        landed_investment=Sum("total_investment", filter=landed),
        landed_key=Count("id", filter=landed & key),
        landed_key_investment=Sum("total_investment", filter=landed & key),
        signed=Count("id", filter=signed),
        signed_investment=Sum("total_investment", filter=signed),
    ))
    return raw.year_figures_answer(filters, year, figures)


def pipeline_report_from_summaries(*, filters: ReportFilters, now: dt.datetime | None = None, state=None) -> dict:
    """The dict ``raw.pipeline_report`` returns, assembled the same way from the summary tables; with the summaries'
    ``state``, the funnel and the days in each stage may come from the cache (``_cached``)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    year = filters.report_year(today)
    cohort = _facts(filters)
    projects = cohort.filter(raw.stage_condition(filters))
    stages = _cached(state, "stages", filters, lambda: raw._stage_rows(cohort, filters))
    landing = raw._landing(projects, raw.event_period(filters, year), year)
    return raw.report_answer(
        now=now, filters=filters, year=year, stages=stages,
        funnel=_cached(state, "funnel", filters, lambda: _funnel(cohort)),
        durations=_cached(state, "durations", filters, lambda: _durations(_stays(filters))),
        breakdowns={key: _breakdown(projects, key, filters, state) for key in raw.BREAKDOWNS},
        this_year=_year_figures(filters, year, state), landing=landing,
        milestones=raw._milestone_colours(projects, today),
    )
