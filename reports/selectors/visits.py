"""走访覆盖 (安商 / 包联): how well the responsible officers (包联干部) keep visiting their enterprises, and what the
visits raise — per officer and per month.

- **In charge (包联企业)**: the in-park enterprises an officer is the 包联干部 of *now* (the assignment is not
  dated, so a month of the past is measured against today's assignment).
- **Visited (已走访)**: those of them visited at least once in the month (by anyone; a visit is the enterprise's).
- **Coverage (覆盖率)**: visited / in charge, %.
- **Problems raised (反映问题)**: problems recorded at visits of those enterprises in the month; **solved (已解决)**:
  those whose request is now 已办结 or 已关闭 (``crm.models.visits.SOLVED_REQUEST_STATUSES``, the problem's one
  reading of its state).

Filters: the date range picks the months (whole months from the start's to the end's; the last six months up to
today's without a range, at most 24); park and chain are the enterprise's; owner is the 包联干部. Four queries,
whatever the data (``tests/reports/test_visit_report.py`` pins them): enterprises in charge per officer, enterprises
visited per officer and month, the same over the whole range, problems per officer and month.
"""

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from crm.models import SOLVED_REQUEST_STATUSES, Enterprise, Visit, VisitProblem

from .common import USER_COLUMNS, ReportFilters, date_range, percent, user_label

DEFAULT_MONTHS = 6
MAX_MONTHS = 24


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def report_months(filters: ReportFilters, today: dt.date) -> list[dt.date]:
    """The first days of the months the report covers, oldest first."""
    last = _month_start(filters.end or today)
    if filters.start is not None:
        first = _month_start(filters.start)
    else:
        first = last
        for _i in range(DEFAULT_MONTHS - 1):
            first = _month_start(first - dt.timedelta(days=1))
    months = []
    month = first
    while month <= last and len(months) < MAX_MONTHS:
        months.append(month)
        month = _next_month(month)
    return months


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def report_span(filters: ReportFilters, today: dt.date, month: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day of the report's months (of ``month`` alone when given)."""
    if month is not None:
        return month, _next_month(month) - dt.timedelta(days=1)
    months = report_months(filters, today)
    return months[0], _next_month(months[-1]) - dt.timedelta(days=1)


def _of_enterprise(filters: ReportFilters) -> dict:
    """The enterprises the page is about: in the park, with a 包联干部; of the park, chain and owner (the 包联干部)."""
    of_enterprise = {"status": Enterprise.Status.IN_PARK, "responsible_officer__isnull": False}
    if filters.park is not None:
        of_enterprise["park"] = filters.park
    if filters.chain:
        of_enterprise["industry_chain"] = filters.chain
    if filters.owner is not None:
        of_enterprise["responsible_officer"] = filters.owner
    return of_enterprise


def in_charge(filters: ReportFilters) -> QuerySet[Enterprise]:
    """包联企业: the enterprises in charge of an officer now."""
    return Enterprise.objects.filter(**_of_enterprise(filters))


def visits_of(filters: ReportFilters, start: dt.date, end: dt.date) -> QuerySet[Visit]:
    """The visits of those enterprises from ``start`` to ``end``."""
    of = {f"enterprise__{key}": value for key, value in _of_enterprise(filters).items()}
    return Visit.objects.filter(Q(**of) & date_range("visited_on", start, end))


def problems_of(filters: ReportFilters, start: dt.date, end: dt.date) -> QuerySet[VisitProblem]:
    """The problems raised at those visits; ``SOLVED`` are those solved."""
    of = {f"visit__enterprise__{key}": value for key, value in _of_enterprise(filters).items()}
    return VisitProblem.objects.filter(Q(**of) & date_range("visit__visited_on", start, end))


SOLVED = Q(service_request__status__in=SOLVED_REQUEST_STATUSES)


def visit_report(*, filters: ReportFilters, now: dt.datetime) -> dict:
    today = timezone.localdate(now)
    months = report_months(filters, today)
    start, end = report_span(filters, today)
    officer = "responsible_officer"

    in_charge_rows = (
        in_charge(filters)
        .values(officer, *(f"{officer}__{c}" for c in USER_COLUMNS))
        .annotate(n=Count("id"))
        .order_by()
    )
    visits = visits_of(filters, start, end)
    visited_rows = (
        visits.annotate(month=TruncMonth("visited_on"))
        .values(f"enterprise__{officer}", "month")
        .annotate(n=Count("enterprise", distinct=True))
        .order_by()
    )
    visited_in_range = dict(
        visits.values_list(f"enterprise__{officer}").annotate(n=Count("enterprise", distinct=True)).order_by()
    )
    problem_rows = (
        problems_of(filters, start, end)
        .annotate(month=TruncMonth("visit__visited_on"))
        .values(f"visit__enterprise__{officer}", "month")
        .annotate(raised=Count("id"), solved=Count("id", filter=SOLVED))
        .order_by()
    )

    officers = {
        row[officer]: {"id": row[officer], "name": user_label(row, officer), "in_charge": row["n"]}
        for row in in_charge_rows
    }
    cells = {}
    for row in visited_rows:
        cells.setdefault((row[f"enterprise__{officer}"], _as_date(row["month"])), {})["visited"] = row["n"]
    for row in problem_rows:
        cell = cells.setdefault((row[f"visit__enterprise__{officer}"], _as_date(row["month"])), {})
        cell["raised"], cell["solved"] = row["raised"], row["solved"]

    def figures(in_charge: int, visited: int, raised: int, solved: int) -> dict:
        return {
            "in_charge": in_charge, "visited": visited, "coverage": percent(visited, in_charge),
            "problems_raised": raised, "problems_solved": solved, "solved_rate": percent(solved, raised),
        }

    ordered = sorted(officers.values(), key=lambda o: (o["name"], o["id"]))
    by_officer_month, by_officer = [], []
    month_totals = {month: [0, 0, 0, 0] for month in months}
    for o in ordered:
        sums = [0, 0]
        for month in months:
            cell = cells.get((o["id"], month), {})
            visited, raised, solved = cell.get("visited", 0), cell.get("raised", 0), cell.get("solved", 0)
            by_officer_month.append({"officer": o["name"], "officer_id": o["id"], "month": month, **figures(o["in_charge"], visited, raised, solved)})
            totals = month_totals[month]
            totals[0] += o["in_charge"]
            totals[1] += visited
            totals[2] += raised
            totals[3] += solved
            sums[0] += raised
            sums[1] += solved
        by_officer.append({"officer": o["name"], "officer_id": o["id"], **figures(o["in_charge"], visited_in_range.get(o["id"], 0), *sums)})
    in_charge_total = sum(o["in_charge"] for o in ordered)
    raised_total = sum(row["problems_raised"] for row in by_officer)
    solved_total = sum(row["problems_solved"] for row in by_officer)
    return {
        "months": months,
        "by_officer_month": by_officer_month,
        "by_officer": by_officer,
        "by_month": [{"month": month, **figures(*month_totals[month])} for month in months],
        "filters": filters,  # what the layout's drill-down links carry (reports.drill.link)
        "totals": figures(in_charge_total, sum(visited_in_range.get(o["id"], 0) for o in ordered), raised_total,
                          solved_total),
    }
