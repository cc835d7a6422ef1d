"""Manager reports (报表): every figure of the four report pages, computed in the database.

One function per page — ``pipeline_report``, ``service_report``, ``land_report``, ``policy_report`` —
returns plain dicts and lists of ``int``/``Decimal``; the HTML pages (``crm.reports.views``), their
Excel export (``crm.reports.excel``) and the API (``crm.reports.api``) all call these, so the three
always show the same numbers. Each figure is one aggregate query (``annotate``/``aggregate`` with
conditional ``Count(filter=...)``, a window function for the time spent in each stage); the only
Python loops run over already-aggregated rows (a handful per stage, category or park). The number
of queries never depends on the data: ``tests/reports/test_query_counts.py`` pins it.

Money is in 万元 (Decimal, exact: PostgreSQL sums ``numeric``), areas in m², percentages and days
are Decimals with two places, rounded half up. Figures whose denominator is zero are ``None``.

What the filters mean, page by page (the pages and the API say the same):

- **Pipeline.** Park, chain and owner select projects (拟落地园区, 产业链, 负责人). The date range
  selects the projects that *entered the pipeline* (their first stage-history row, 线索登记) within
  it — a cohort — and every figure is about that cohort: where it is now, how far it got, how long
  it stayed. "Landed this year" is about the year of the range's end (today's year without one) and
  counts every project that moved to 注册落地 within that year, whenever it entered the pipeline.
- **Service.** The date range selects requests *submitted* within it; park and chain are those of
  the requesting enterprise; owner is the officer handling the request (经办人).
- **Land.** Park selects parcels and spaces; the date range is the period of 出让 (transferred_on),
  the report year when not given. Chains and owners do not apply to land.
- **Policies.** Park and chain are the enterprise's; owner is the owner of the grant's project.
  Applications count by ``applied_on``, approved money by ``approved_on``, disbursed money by
  ``disbursed_on`` within the range.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise

from django.db import NotSupportedError, connection
from django.db.models import Count, F, FloatField, Func, Q, QuerySet, Sum, Value, Window
from django.db.models.functions import Coalesce, Lead
from django.db.models.lookups import LessThan
from django.utils import timezone

from crm.models import (
    KEY_PROJECT_THRESHOLD,
    LANDED_STAGES,
    MAJOR_PROJECT_THRESHOLD,
    OPEN_REQUEST_STATUSES,
    PIPELINE,
    ApprovalStep,
    CapitalArrival,
    IndustryChain,
    Jurisdiction,
    Milestone,
    Project,
    ProjectMilestone,
    ProjectStageChange,
    RequestStatus,
    ServiceRequest,
    SourceChannel,
    Stage,
    User,
    YearlyTarget,
)
from parks.models import LandParcel, LandUse, ParcelStatus, Park, PolicyClause, PolicyGrant, Space

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
SECONDS_PER_DAY = 86_400
SECONDS_PER_HOUR = 3_600

# The report's stage order: the pipeline first, then the two side states.
REPORT_STAGES = [*PIPELINE, Stage.ON_HOLD, Stage.LOST]
# 签约 and beyond: the projects whose total investment is committed (承诺投资).
COMMITTED_STAGES = [Stage.SIGNED, *LANDED_STAGES]
# 已开工: in construction or production now, or with an actual 开工 date on the landing record.
STARTED_STAGES = [Stage.CONSTRUCTION, Stage.PRODUCTION]
# 三色预警 for a milestone still open: yellow when its planned date is at most this many days away.
MILESTONE_AT_RISK_DAYS = 30
# ... for a request (as crm.portal.display): yellow once less than this share of its SLA window is left.
REQUEST_AT_RISK_SHARE = Decimal("0.2")
# ... for an approval step (no start of its own): yellow within this many hours of its due time, as the
# default "审批环节即将到期" reminder (crm.services.reminders).
APPROVAL_AT_RISK_HOURS = 24
# How many overdue requests the page and the API list (most overdue first); the count covers them all.
OVERDUE_LIST_LIMIT = 100


@dataclass(frozen=True)
class ReportFilters:
    """The filters of every report page, validated (``crm.reports.forms.ReportFilterForm``)."""

    start: dt.date | None = None
    end: dt.date | None = None
    park: Park | None = None
    chain: str = ""
    owner: User | None = None

    def report_year(self, today: dt.date) -> int:
        """The year "this year" figures are about: that of the range's end, else the current one."""
        return (self.end or today).year


# -- database helpers ------------------------------------------------------------------------------


class SecondsBetween(Func):
    """``end - start`` in seconds (a float), for two timestamps; PostgreSQL and SQLite."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError("SecondsBetween supports PostgreSQL and SQLite only.")

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(
            compiler,
            connection,
            template="CAST(EXTRACT(EPOCH FROM (%(expressions)s)) AS double precision)",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite keeps timestamps as ISO text in UTC; julianday() reads them as fractional days.
        return super().as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )


def _grouped_stats(rows: QuerySet, *, with_total: bool = False) -> dict:
    """Count, average and median of ``_v`` for each ``_g``, over ``rows`` annotated with both; one query.

    ``rows`` stays an ORM queryset (so it carries every filter); it becomes the subquery of a
    hand-written aggregate, because Django cannot aggregate over a window function (``_v`` may use one).
    On PostgreSQL the median is ``PERCENTILE_CONT(0.5)``. SQLite has no ordered-set aggregates (its
    ``median()`` exists only in builds with the percentile extension, which Python's sqlite3 is not), so
    there the values of each group are numbered in order and the middle one (odd count) or the mean of
    the middle two (even count) is taken: the same number PERCENTILE_CONT(0.5) gives, by a different road.
    Rows whose ``_v`` is NULL are left out. With ``with_total``, the figures over all rows come too, under
    the key ``None`` (``_g`` is never NULL): PostgreSQL by ``GROUPING SETS``, SQLite by ``UNION ALL``.
    """
    # ``sql`` is Django's own compiled SQL; every value stays in ``params``, bound by the driver.
    sql, params = rows.order_by().values_list("_g", "_v").query.sql_with_params()
    if connection.vendor == "postgresql":
        grouping = 'GROUPING SETS ((t."_g"), ())' if with_total else 't."_g"'
        outer = (
            'SELECT t."_g", COUNT(*), AVG(t."_v"), PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY t."_v") '  # noqa: S608
            f'FROM ({sql}) AS t WHERE t."_v" IS NOT NULL GROUP BY {grouping}'
        )
    elif connection.vendor == "sqlite":
        values = f'SELECT t."_g" AS g, t."_v" AS v FROM ({sql}) AS t WHERE t."_v" IS NOT NULL'  # noqa: S608
        if with_total:
            values += f' UNION ALL SELECT NULL, t."_v" FROM ({sql}) AS t WHERE t."_v" IS NOT NULL'  # noqa: S608
            params = (*params, *params)
        outer = (
            "SELECT r.g, MAX(r.n), MAX(r.a), AVG(r.v) FROM ("  # noqa: S608
            " SELECT g, v, ROW_NUMBER() OVER (PARTITION BY g ORDER BY v) AS rn,"
            " COUNT(*) OVER (PARTITION BY g) AS n, AVG(v) OVER (PARTITION BY g) AS a"
            f" FROM ({values}) AS u"
            ") AS r WHERE r.rn IN ((r.n + 1) / 2, (r.n + 2) / 2) GROUP BY r.g"
        )
    else:
        raise NotSupportedError("The reports support PostgreSQL and SQLite only.")
    with connection.cursor() as cursor:
        cursor.execute(outer, params)
        return {group: (count, average, median) for group, count, average, median in cursor.fetchall()}


def _money(value) -> Decimal:
    return (value or ZERO).quantize(CENT, rounding=ROUND_HALF_UP)


def _percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def _seconds_to(seconds, unit_seconds: int) -> Decimal | None:
    if seconds is None:
        return None
    return (Decimal(repr(float(seconds))) / unit_seconds).quantize(CENT, rounding=ROUND_HALF_UP)


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the park's time zone (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


def _moment_range(field: str, start: dt.date | None, end: dt.date | None) -> Q:
    """``field`` (a timestamp) within the local days ``start`` to ``end``, both included; open ends allowed."""
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": _day_start(start)})
    if end is not None:
        q &= Q(**{f"{field}__lt": _day_start(end + dt.timedelta(days=1))})
    return q


def _date_range(field: str, start: dt.date | None, end: dt.date | None) -> Q:
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": start})
    if end is not None:
        q &= Q(**{f"{field}__lte": end})
    return q


def _user_label(row: dict, prefix: str) -> str:
    """What ``str(user)`` shows, from the user columns of an aggregated row."""
    full_name = f"{row[prefix + '__first_name']} {row[prefix + '__last_name']}".strip()
    return row[prefix + "__display_name"] or full_name or row[prefix + "__username"]


USER_COLUMNS = ("display_name", "first_name", "last_name", "username")


# -- pipeline ----------------------------------------------------------------------------------------


def _projects(filters: ReportFilters, *, cohort: bool = True) -> QuerySet[Project]:
    """The projects a pipeline figure is about; with ``cohort``, only those that entered the pipeline in range."""
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
            _moment_range("changed_at", filters.start, filters.end), from_stage=""
        ).values("project_id")
        projects = projects.filter(pk__in=entered)
    return projects


def _is_filtered(filters: ReportFilters) -> bool:
    return bool(filters.park or filters.chain or filters.owner or filters.start or filters.end)


def _stage_rows(projects: QuerySet[Project]) -> list[dict]:
    """Projects by current stage: count and investment, and the key (≥ 1 亿) and major (≥ 10 亿) ones."""
    key, major = Q(total_investment__gte=KEY_PROJECT_THRESHOLD), Q(total_investment__gte=MAJOR_PROJECT_THRESHOLD)
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
            "count": row.get("count", 0),
            "investment_total": _money(row.get("investment")),
            "key_count": row.get("key_count", 0),
            "key_investment_total": _money(row.get("key_investment")),
            "major_count": row.get("major_count", 0),
            "major_investment_total": _money(row.get("major_investment")),
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
    funnel, previous, first = [], None, None
    for stage in PIPELINE:
        n = reached.get(stage, 0)
        first = n if first is None else first
        funnel.append({
            "stage": stage.value,
            "label": str(stage.label),
            "reached": n,
            "conversion_from_previous": _percent(n, previous) if previous is not None else None,
            "conversion_from_lead": _percent(n, first),
        })
        previous = n
    return funnel


def _durations(changes: QuerySet[ProjectStageChange]) -> list[dict]:
    """Days spent in each stage: from entering it to the next history row of the same project.

    Only finished stays count (the current stage of a project has no end yet). The next row comes
    from ``LEAD(changed_at) OVER (PARTITION BY project ORDER BY changed_at, id)``; ``changes`` always
    holds whole projects, so no stay is cut short by a filter.
    """
    following = Window(
        Lead("changed_at"), partition_by=[F("project_id")], order_by=[F("changed_at").asc(), F("id").asc()]
    )
    stats = _grouped_stats(changes.annotate(_g=F("to_stage"), _v=SecondsBetween(following, F("changed_at"))))
    durations = []
    for stage in REPORT_STAGES:
        stays, average, median = stats.get(stage, (0, None, None))
        durations.append({
            "stage": stage.value,
            "label": str(stage.label),
            "stays": stays,
            "average_days": _seconds_to(average, SECONDS_PER_DAY),
            "median_days": _seconds_to(median, SECONDS_PER_DAY),
        })
    return durations


BREAKDOWNS = {
    # key: (group-by column, extra label columns, choices or None)
    "industry_chain": ("industry_chain", (), IndustryChain),
    "source_channel": ("source_channel", (), SourceChannel),
    "owner": ("owner_id", tuple(f"owner__{c}" for c in USER_COLUMNS), None),
    "park": ("park_id", ("park__name", "park__short_name"), None),
    "jurisdiction": ("enterprise__jurisdiction", (), Jurisdiction),
}


def _breakdown(projects: QuerySet[Project], key: str) -> list[dict]:
    """Projects by one dimension: count, investment, and how many of them have landed (注册落地 or beyond)."""
    column, label_columns, choices = BREAKDOWNS[key]
    rows = projects.values(column, *label_columns).annotate(
        count=Count("id"), investment=Sum("total_investment"), landed=Count("id", filter=Q(stage__in=LANDED_STAGES))
    )
    items = []
    for row in rows:
        value = row[column]
        if key == "owner":
            label = _user_label(row, "owner")
        elif key == "park":
            label = (row["park__short_name"] or row["park__name"]) if value is not None else "未定园区"
        elif value:
            label = str(choices(value).label) if value in choices.values else value
        else:
            label = "未填写"
        items.append({
            "key": "" if value is None else str(value),
            "label": label,
            "count": row["count"],
            "investment_total": _money(row["investment"]),
            "landed_count": row["landed"],
        })
    items.sort(key=lambda item: (-item["investment_total"], -item["count"], item["label"]))
    return items


def _year_figures(filters: ReportFilters, year: int) -> dict:
    """This year's landed (≥ 1 亿) projects and signed investment, against the targets managers set."""
    year_range = _moment_range("changed_at", dt.date(year, 1, 1), dt.date(year, 12, 31))
    landed_ids = ProjectStageChange.objects.filter(year_range, to_stage=Stage.REGISTERED).values("project_id")
    signed_ids = ProjectStageChange.objects.filter(year_range, to_stage=Stage.SIGNED).values("project_id")
    landed, signed = Q(pk__in=landed_ids), Q(pk__in=signed_ids)
    key = Q(total_investment__gte=KEY_PROJECT_THRESHOLD)
    figures = _projects(filters, cohort=False).aggregate(
        landed=Count("id", filter=landed),
        landed_investment=Sum("total_investment", filter=landed),
        landed_key=Count("id", filter=landed & key),
        landed_key_investment=Sum("total_investment", filter=landed & key),
        signed=Count("id", filter=signed),
        signed_investment=Sum("total_investment", filter=signed),
    )
    targets = dict(YearlyTarget.objects.filter(year=year).values_list("metric", "target"))
    landed_target = targets.get(YearlyTarget.Metric.LANDED_KEY_PROJECTS)
    signed_target = targets.get(YearlyTarget.Metric.SIGNED_INVESTMENT)
    return {
        "year": year,
        "landed_count": figures["landed"],
        "landed_investment_total": _money(figures["landed_investment"]),
        "landed_key_count": figures["landed_key"],
        "landed_key_investment_total": _money(figures["landed_key_investment"]),
        "landed_key_target": landed_target,
        "landed_key_completion": _percent(figures["landed_key"], landed_target),
        "signed_count": figures["signed"],
        "signed_investment_total": _money(figures["signed_investment"]),
        "signed_investment_target": signed_target,
        "signed_investment_completion": _percent(_money(figures["signed_investment"]), signed_target),
    }


def _landing(projects: QuerySet[Project], year: int) -> dict:
    """到资 against committed investment, and the 开工率 and 投产率 of the landed projects.

    Committed (承诺投资) is the total investment of the projects at 签约 or beyond; arrived (实际到资)
    sums their ``CapitalArrival`` rows. Landed projects are those now at 注册落地, 开工 or 投产;
    开工率 = landed projects that started construction (stage 开工/投产, or an actual 开工 date on the
    landing record) / landed projects; 投产率 = landed projects at 投产 / landed projects.
    """
    committed_q = Q(stage__in=COMMITTED_STAGES)
    landed_q = Q(stage__in=LANDED_STAGES)
    started_ids = ProjectMilestone.objects.filter(
        kind=Milestone.CONSTRUCTION_START, actual_on__isnull=False
    ).values("project_id")
    figures = projects.aggregate(
        committed_count=Count("id", filter=committed_q),
        committed=Sum("total_investment", filter=committed_q),
        landed=Count("id", filter=landed_q),
        started=Count("id", filter=landed_q & (Q(stage__in=STARTED_STAGES) | Q(pk__in=started_ids))),
        producing=Count("id", filter=Q(stage=Stage.PRODUCTION)),
    )
    arrivals = CapitalArrival.objects.filter(project__in=projects.filter(committed_q).values("pk")).aggregate(
        arrived=Sum("amount"),
        arrived_in_year=Sum("amount", filter=_date_range("arrived_on", dt.date(year, 1, 1), dt.date(year, 12, 31))),
    )
    committed, arrived = _money(figures["committed"]), _money(arrivals["arrived"])
    return {
        "capital": {
            "committed_count": figures["committed_count"],
            "committed_total": committed,
            "arrived_total": arrived,
            "arrival_rate": _percent(arrived, committed),
            "year": year,
            "arrived_in_year": _money(arrivals["arrived_in_year"]),
        },
        "rates": {
            "landed_count": figures["landed"],
            "started_count": figures["started"],
            "producing_count": figures["producing"],
            "construction_start_rate": _percent(figures["started"], figures["landed"]),
            "production_rate": _percent(figures["producing"], figures["landed"]),
        },
    }


def _colour_totals(items: list[dict], keys=("green", "yellow", "red", "done_on_time", "done_late")) -> dict:
    return {key: sum(item[key] for item in items) for key in keys}


def _milestone_colours(projects: QuerySet[Project], today: dt.date) -> dict:
    """三色预警 of landing milestones (交地, 开工, 竣工, 达产) of projects not lost.

    Open (no actual date): red once the planned date has passed, yellow when it is at most
    ``MILESTONE_AT_RISK_DAYS`` away, green otherwise. Done: on time if the actual date is on or
    before the planned one, late otherwise.
    """
    horizon = today + dt.timedelta(days=MILESTONE_AT_RISK_DAYS)
    open_ = Q(actual_on__isnull=True)
    rows = {
        row["kind"]: row
        for row in ProjectMilestone.objects.filter(project__in=projects.exclude(stage=Stage.LOST).values("pk"))
        .order_by()
        .values("kind")
        .annotate(
            green=Count("id", filter=open_ & Q(planned_on__gt=horizon)),
            yellow=Count("id", filter=open_ & Q(planned_on__gte=today, planned_on__lte=horizon)),
            red=Count("id", filter=open_ & Q(planned_on__lt=today)),
            done_on_time=Count("id", filter=Q(actual_on__lte=F("planned_on"))),
            done_late=Count("id", filter=Q(actual_on__gt=F("planned_on"))),
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
    """The 招商 pipeline page: 13 queries, whatever the data.

    stages (1), funnel (1), durations (1), five breakdowns (5), this year's figures and targets (2),
    committed/landed counts and capital arrived (2), milestone colours (1).
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    year = filters.report_year(today)
    projects = _projects(filters)
    changes = ProjectStageChange.objects.order_by()
    if _is_filtered(filters):
        changes = changes.filter(project__in=projects.values("pk"))
    stages = _stage_rows(projects)
    key_stages = [s for s in stages if s["stage"] != Stage.LOST]
    landing = _landing(projects, year)
    funnel = _funnel(changes)
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
        "durations": _durations(changes),
        "breakdowns": {key: _breakdown(projects, key) for key in BREAKDOWNS},
        "this_year": _year_figures(filters, year),
        "capital": landing["capital"],
        "rates": landing["rates"],
        "milestones": _milestone_colours(projects, today),
    }


# -- service -------------------------------------------------------------------------------------


def _requests(filters: ReportFilters) -> QuerySet[ServiceRequest]:
    requests = ServiceRequest.objects.order_by().filter(_moment_range("submitted_at", filters.start, filters.end))
    if filters.park is not None:
        requests = requests.filter(enterprise__park=filters.park)
    if filters.chain:
        requests = requests.filter(enterprise__industry_chain=filters.chain)
    if filters.owner is not None:
        requests = requests.filter(assignee=filters.owner)
    return requests


def _request_colour_conditions(now: dt.datetime) -> dict[str, Q]:
    """三色预警 of open requests, as crm.portal.display.time_left reads the clock.

    A paused clock (待外部审批) reads as of when it paused. Red: no time left. Yellow: less than
    ``REQUEST_AT_RISK_SHARE`` of the SLA window (due − submitted − paused time) left. Green: the rest.
    """
    clock = Coalesce(F("paused_since"), Value(now))
    remaining = SecondsBetween(F("due_at"), clock)
    window = SecondsBetween(F("due_at"), F("submitted_at")) - F("paused_seconds")
    is_open = Q(status__in=OPEN_REQUEST_STATUSES)
    red = is_open & Q(due_at__lte=clock)
    at_risk = LessThan(remaining, window * Value(float(REQUEST_AT_RISK_SHARE)))
    return {"red": red, "yellow": is_open & Q(due_at__gt=clock) & Q(at_risk), "green": is_open & Q(due_at__gt=clock) & ~Q(at_risk)}


SATISFACTION_SCORES = (1, 2, 3, 4, 5)


def _satisfaction_average(counts: dict[int, int]) -> Decimal | None:
    rated = sum(counts.values())
    if not rated:
        return None
    return (Decimal(sum(score * n for score, n in counts.items())) / rated).quantize(CENT, rounding=ROUND_HALF_UP)


def service_report(*, filters: ReportFilters, now: dt.datetime | None = None) -> dict:
    """The enterprise-service page: 4 queries, whatever the data.

    by category (status counts, SLA, satisfaction, colours: 1), median handling time by category and
    overall (1), approval-step colours (1), the overdue list (1).

    SLA compliance = requests resolved on or before their due time / requests resolved (办结, still
    办结 or since 关闭; a reopened request is not resolved). Handling time = resolved − submitted, in
    hours of the clock, pauses included: the time the enterprise waited.
    """
    now = now or timezone.now()
    requests = _requests(filters)
    colours = _request_colour_conditions(now)
    resolved = Q(resolved_at__isnull=False)
    rows = (
        requests.values("category_id", "category__code", "category__name", "category__sort_order")
        .annotate(
            total=Count("id"),
            **{f"status_{s}": Count("id", filter=Q(status=s)) for s in RequestStatus.values},
            resolved=Count("id", filter=resolved),
            on_time=Count("id", filter=resolved & Q(resolved_at__lte=F("due_at"))),
            **{f"score_{n}": Count("id", filter=Q(satisfaction=n)) for n in SATISFACTION_SCORES},
            **{colour: Count("id", filter=condition) for colour, condition in colours.items()},
        )
        .order_by("category__sort_order", "category__code")
    )
    handled = requests.filter(resolved).annotate(
        _g=F("category_id"), _v=SecondsBetween(F("resolved_at"), F("submitted_at"))
    )
    times = _grouped_stats(handled, with_total=True)

    categories = []
    for row in rows:
        scores = {n: row[f"score_{n}"] for n in SATISFACTION_SCORES}
        _count, average, median = times.get(row["category_id"], (0, None, None))
        categories.append({
            "category": row["category__code"],
            "label": row["category__name"],
            "total": row["total"],
            "statuses": {s: row[f"status_{s}"] for s in RequestStatus.values},
            "open": sum(row[f"status_{s}"] for s in OPEN_REQUEST_STATUSES),
            "resolved": row["resolved"],
            "on_time": row["on_time"],
            "sla_compliance": _percent(row["on_time"], row["resolved"]),
            "median_handling_hours": _seconds_to(median, SECONDS_PER_HOUR),
            "average_handling_hours": _seconds_to(average, SECONDS_PER_HOUR),
            "rated": sum(scores.values()),
            "satisfaction_average": _satisfaction_average(scores),
            "green": row["green"],
            "yellow": row["yellow"],
            "red": row["red"],
            "scores": scores,
        })

    scores = {n: sum(c["scores"][n] for c in categories) for n in SATISFACTION_SCORES}
    _count, average, median = times.get(None, (0, None, None))
    resolved_total = sum(c["resolved"] for c in categories)
    on_time_total = sum(c["on_time"] for c in categories)
    totals = {
        "total": sum(c["total"] for c in categories),
        "open": sum(c["open"] for c in categories),
        "resolved": resolved_total,
        "on_time": on_time_total,
        "sla_compliance": _percent(on_time_total, resolved_total),
        "median_handling_hours": _seconds_to(median, SECONDS_PER_HOUR),
        "average_handling_hours": _seconds_to(average, SECONDS_PER_HOUR),
        "overdue": sum(c["red"] for c in categories),
        "rated": sum(scores.values()),
        "satisfaction_average": _satisfaction_average(scores),
        **{colour: sum(c[colour] for c in categories) for colour in ("green", "yellow", "red")},
    }
    statuses = [
        {"status": s.value, "label": str(s.label), "count": sum(c["statuses"][s] for c in categories)}
        for s in RequestStatus
    ]
    return {
        "as_of": now,
        "categories": categories,
        "statuses": statuses,
        "totals": totals,
        "satisfaction": [{"score": n, "count": scores[n]} for n in SATISFACTION_SCORES],
        "approval_steps": _approval_step_colours(requests, now),
        "overdue": _overdue(requests, colours["red"], now),
    }


def _approval_step_colours(requests: QuerySet[ServiceRequest], now: dt.datetime) -> dict:
    """三色预警 of approval steps of the requests: open ones red when past due, yellow within
    ``APPROVAL_AT_RISK_HOURS`` of it, green otherwise; done ones on time or late."""
    soon = now + dt.timedelta(hours=APPROVAL_AT_RISK_HOURS)
    open_ = Q(completed_at__isnull=True)
    steps = ApprovalStep.objects.all()
    if requests.query.has_filters():
        steps = steps.filter(request__in=requests.values("pk"))
    figures = steps.aggregate(
        green=Count("id", filter=open_ & Q(due_at__gt=soon)),
        yellow=Count("id", filter=open_ & Q(due_at__gt=now, due_at__lte=soon)),
        red=Count("id", filter=open_ & Q(due_at__lte=now)),
        done_on_time=Count("id", filter=Q(completed_at__lte=F("due_at"))),
        done_late=Count("id", filter=Q(completed_at__gt=F("due_at"))),
    )
    return figures


def _overdue(requests: QuerySet[ServiceRequest], red: Q, now: dt.datetime) -> list[dict]:
    """The most overdue open requests first (``crm_request_open_due_idx``), at most ``OVERDUE_LIST_LIMIT``."""
    rows = (
        requests.filter(red)
        .select_related("enterprise", "category", "assignee")
        .order_by("due_at", "id")[:OVERDUE_LIST_LIMIT]
    )
    return [overdue_item(request, now) for request in rows]


def overdue_requests(*, filters: ReportFilters, now: dt.datetime | None = None) -> QuerySet[ServiceRequest]:
    """Every overdue open request, most overdue first: the Excel export lists them all, streamed."""
    now = now or timezone.now()
    return (
        _requests(filters)
        .filter(_request_colour_conditions(now)["red"])
        .select_related("enterprise", "category", "assignee")
        .order_by("due_at", "id")
    )


def overdue_item(request: ServiceRequest, now: dt.datetime) -> dict:
    clock = request.paused_since or now
    return {
        "id": request.pk,
        "title": request.title,
        "enterprise": str(request.enterprise),
        "category": request.category.name,
        "status": request.status,
        "status_label": request.get_status_display(),
        "assignee": str(request.assignee) if request.assignee else "",
        "submitted_at": request.submitted_at,
        "due_at": request.due_at,
        "overdue_hours": _seconds_to((clock - request.due_at).total_seconds(), SECONDS_PER_HOUR),
    }


# -- land and space ----------------------------------------------------------------------------------


def land_report(*, filters: ReportFilters, now: dt.datetime | None = None) -> dict:
    """The land-and-space page: 3 queries, whatever the data.

    Parcel inventory by status and land use (1), parcels transferred (出让) in the period by land
    use (1), space occupancy by park (1): occupancy = occupied area / total area.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    year = filters.report_year(today)
    period_start = filters.start or dt.date(year, 1, 1)
    period_end = filters.end or dt.date(year, 12, 31)
    parcels = LandParcel.objects.order_by()
    spaces = Space.objects.order_by()
    if filters.park is not None:
        parcels = parcels.filter(park=filters.park)
        spaces = spaces.filter(park=filters.park)

    cells = {
        (row["status"], row["land_use"]): row
        for row in parcels.values("status", "land_use").annotate(count=Count("id"), area=Sum("area_m2"))
    }
    inventory = []
    for status in ParcelStatus:
        for use in LandUse:
            row = cells.get((status, use))
            if row:
                inventory.append({
                    "status": status.value, "status_label": str(status.label),
                    "land_use": use.value, "land_use_label": str(use.label),
                    "count": row["count"], "area_m2": _money(row["area"]),
                })
    by_status = [
        {
            "status": s.value, "label": str(s.label),
            "count": sum(c["count"] for c in inventory if c["status"] == s),
            "area_m2": sum((c["area_m2"] for c in inventory if c["status"] == s), ZERO),
        }
        for s in ParcelStatus
    ]
    by_land_use = [
        {
            "land_use": u.value, "label": str(u.label),
            "count": sum(c["count"] for c in inventory if c["land_use"] == u),
            "area_m2": sum((c["area_m2"] for c in inventory if c["land_use"] == u), ZERO),
        }
        for u in LandUse
    ]

    transferred_rows = {
        row["land_use"]: row
        for row in parcels.filter(transferred_on__gte=period_start, transferred_on__lte=period_end)
        .values("land_use")
        .annotate(count=Count("id"), area=Sum("area_m2"))
    }
    transferred = [
        {
            "land_use": u.value, "label": str(u.label),
            "count": transferred_rows.get(u, {}).get("count", 0),
            "area_m2": _money(transferred_rows.get(u, {}).get("area")),
        }
        for u in LandUse
    ]

    occupied, reserved = Q(status=Space.Status.OCCUPIED), Q(status=Space.Status.RESERVED)
    occupancy = []
    for row in spaces.values("park_id", "park__name", "park__short_name").annotate(
        units=Count("id"),
        occupied_units=Count("id", filter=occupied),
        area=Sum("area_m2"),
        occupied_area=Sum("area_m2", filter=occupied),
        reserved_area=Sum("area_m2", filter=reserved),
    ).order_by("park_id"):
        area, occupied_area, reserved_area = _money(row["area"]), _money(row["occupied_area"]), _money(row["reserved_area"])
        occupancy.append({
            "park_id": row["park_id"],
            "park": row["park__short_name"] or row["park__name"],
            "units": row["units"],
            "occupied_units": row["occupied_units"],
            "area_m2": area,
            "occupied_area_m2": occupied_area,
            "reserved_area_m2": reserved_area,
            "vacant_area_m2": area - occupied_area - reserved_area,
            "occupancy_rate": _percent(occupied_area, area),
        })
    total_area = sum((p["area_m2"] for p in occupancy), ZERO)
    total_occupied = sum((p["occupied_area_m2"] for p in occupancy), ZERO)
    return {
        "as_of": now,
        "inventory": inventory,
        "by_status": by_status,
        "by_land_use": by_land_use,
        "parcel_totals": {
            "count": sum(s["count"] for s in by_status),
            "area_m2": sum((s["area_m2"] for s in by_status), ZERO),
        },
        "transferred": {
            "start": period_start,
            "end": period_end,
            "items": transferred,
            "count": sum(t["count"] for t in transferred),
            "area_m2": sum((t["area_m2"] for t in transferred), ZERO),
        },
        "occupancy": {
            "items": occupancy,
            "units": sum(p["units"] for p in occupancy),
            "occupied_units": sum(p["occupied_units"] for p in occupancy),
            "area_m2": total_area,
            "occupied_area_m2": total_occupied,
            "reserved_area_m2": sum((p["reserved_area_m2"] for p in occupancy), ZERO),
            "vacant_area_m2": sum((p["vacant_area_m2"] for p in occupancy), ZERO),
            "occupancy_rate": _percent(total_occupied, total_area),
        },
    }


# -- policies ----------------------------------------------------------------------------------------


def policy_report(*, filters: ReportFilters, now: dt.datetime | None = None) -> dict:
    """The policy page (政策兑现): money applied for, approved and disbursed per policy and clause; 1 query.

    Every clause is listed, with zeros where nothing matched. Approved money counts grants approved or
    disbursed (已核准/已拨付); disbursement rate = disbursed / approved.
    """
    now = now or timezone.now()
    grant = Q()
    if filters.park is not None:
        grant &= Q(grants__enterprise__park=filters.park)
    if filters.chain:
        grant &= Q(grants__enterprise__industry_chain=filters.chain)
    if filters.owner is not None:
        grant &= Q(grants__project__owner=filters.owner)
    applied = grant & _date_range("grants__applied_on", filters.start, filters.end)
    approved = (
        grant
        & Q(grants__status__in=[PolicyGrant.Status.APPROVED, PolicyGrant.Status.DISBURSED])
        & _date_range("grants__approved_on", filters.start, filters.end)
    )
    disbursed = grant & _date_range("grants__disbursed_on", filters.start, filters.end)
    rows = (
        PolicyClause.objects.values("id", "number", "title", "policy_id", "policy__name", "policy__short_name")
        .annotate(
            grants_count=Count("grants", filter=applied),
            applied=Sum("grants__applied_amount", filter=applied),
            approved_count=Count("grants", filter=approved),
            approved=Sum("grants__approved_amount", filter=approved),
            disbursed_count=Count("grants", filter=disbursed & Q(grants__disbursed_amount__isnull=False)),
            disbursed=Sum("grants__disbursed_amount", filter=disbursed),
        )
        .order_by("policy_id", "number", "id")
    )
    clauses = [
        {
            "policy_id": row["policy_id"],
            "policy": row["policy__short_name"] or row["policy__name"],
            "clause_id": row["id"],
            "number": row["number"],
            "title": row["title"],
            "grants": row["grants_count"],
            "applied_total": _money(row["applied"]),
            "approved_count": row["approved_count"],
            "approved_total": _money(row["approved"]),
            "disbursed_count": row["disbursed_count"],
            "disbursed_total": _money(row["disbursed"]),
            "disbursement_rate": _percent(_money(row["disbursed"]), _money(row["approved"])),
        }
        for row in rows
    ]
    policies: dict[int, dict] = {}
    for clause in clauses:
        policy = policies.setdefault(clause["policy_id"], {
            "policy_id": clause["policy_id"], "policy": clause["policy"], "clauses": 0, "grants": 0,
            "applied_total": ZERO, "approved_count": 0, "approved_total": ZERO, "disbursed_count": 0,
            "disbursed_total": ZERO,
        })
        policy["clauses"] += 1
        for key in ("grants", "applied_total", "approved_count", "approved_total", "disbursed_count", "disbursed_total"):
            policy[key] += clause[key]
    for policy in policies.values():
        policy["disbursement_rate"] = _percent(policy["disbursed_total"], policy["approved_total"])
    totals = {
        key: sum((p[key] for p in policies.values()), ZERO if key.endswith("_total") else 0)
        for key in ("grants", "applied_total", "approved_count", "approved_total", "disbursed_count", "disbursed_total")
    }
    totals["disbursement_rate"] = _percent(totals["disbursed_total"], totals["approved_total"])
    return {"as_of": now, "policies": list(policies.values()), "clauses": clauses, "totals": totals}


__all__ = [
    "REPORT_STAGES", "ReportFilters", "land_report", "overdue_item", "overdue_requests", "pipeline_report",
    "policy_report", "service_report",
]
