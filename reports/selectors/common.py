"""What every report page shares: the filters, the database helpers, money and percentages.

``SecondsBetween`` lives in ``crm.models.functions``: the SLA clock's ORM twin (crm.service_requests.clock) needs it too.
"""

import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db import NotSupportedError, connections
from django.db.models import Q, QuerySet
from django.utils import timezone

from crm.models import (
    User,
)
from parks.models import Park

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
SECONDS_PER_DAY = 86_400
SECONDS_PER_HOUR = 3_600

# The pipeline page's stage filter (``ReportFilters.stage``): "" is every project still in the pipeline (暂缓 and
# 终止 left out), ALL_STAGES every project, a stage code the projects now at that stage.
ALL_STAGES = "all"


@dataclass(frozen=True)
class ReportFilters:
    """The filters of every report page, validated (``reports.forms.ReportFilterForm``)."""

    start: dt.date | None = None
    end: dt.date | None = None
    park: Park | None = None
    chain: str = ""
    owner: User | None = None
    stage: str = ""  # the pipeline page's stage filter: "" in the pipeline (暂缓、终止 left out), "all", or a stage

    period: str = ""  # the preset the dates were resolved from (reports.forms.PERIODS), for the page's words only

    def report_year(self, today: dt.date) -> int:
        """The year "this year" figures are about: that of the range's end, else the current one."""
        return (self.end or today).year

    def year_earlier(self) -> "ReportFilters":
        """The same filters a year earlier (同比): start and end minus one year, 29 February becoming the 28th."""
        return replace(self, start=shift_years(self.start, -1), end=shift_years(self.end, -1), period="custom")

    def as_params(self) -> dict[str, str]:
        """The filters back as GET parameters, dates resolved (a drill-down link carries the period's own dates)."""
        params = {"period": "custom" if self.start or self.end else "all"}
        for name in ("start", "end"):
            if getattr(self, name) is not None:
                params[name] = getattr(self, name).isoformat()
        for name in ("park", "owner"):
            if getattr(self, name) is not None:
                params[name] = str(getattr(self, name).pk)
        for name in ("chain", "stage"):
            if getattr(self, name):
                params[name] = getattr(self, name)
        return params


def shift_years(day: dt.date | None, years: int) -> dt.date | None:
    """``day`` moved by whole years; 29 February lands on the 28th in a year without one."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def grouped_stats(rows: QuerySet, *, with_total: bool = False) -> dict:
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
    connection = connections[rows.db]  # where the rows are read: the replica when there is one (config/db_router.py)
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


def money(value) -> Decimal:
    return (value or ZERO).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


def seconds_to(seconds, unit_seconds: int) -> Decimal | None:
    if seconds is None:
        return None
    return (Decimal(repr(float(seconds))) / unit_seconds).quantize(CENT, rounding=ROUND_HALF_UP)


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of ``day`` in the park's time zone (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


def moment_range(field: str, start: dt.date | None, end: dt.date | None) -> Q:
    """``field`` (a timestamp) within the local days ``start`` to ``end``, both included; open ends allowed."""
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": _day_start(start)})
    if end is not None:
        q &= Q(**{f"{field}__lt": _day_start(end + dt.timedelta(days=1))})
    return q


def date_range(field: str, start: dt.date | None, end: dt.date | None) -> Q:
    q = Q()
    if start is not None:
        q &= Q(**{f"{field}__gte": start})
    if end is not None:
        q &= Q(**{f"{field}__lte": end})
    return q


def user_label(row: dict, prefix: str) -> str:
    """What ``str(user)`` shows, from the user columns of an aggregated row."""
    full_name = f"{row[prefix + '__first_name']} {row[prefix + '__last_name']}".strip()
    return row[prefix + "__display_name"] or full_name or row[prefix + "__username"]


USER_COLUMNS = ("display_name", "first_name", "last_name", "username")
