"""The capital page (实际到资): arrivals of the period by source (内资 / 省外 / 外资), by month, by park and by chain,
and the provincial monthly return's figures (本月, 1-本月累计, 上年同期累计, 同比).

An arrival counts in the period of its 到资日期; the page's park, chain and owner filters are its project's
(拟落地园区, 产业链, 负责人). Amounts are the ledger's 万元 (each arrival converted at the 中间价 of its day,
``crm.pipeline.commitments``). Every project stage counts: money that arrived stays arrived when a project is later
paused or terminated. ``arrivals`` is the one reading of "the arrivals of this page": the figures and their
drill-down lists (``reports.figures.capital``) both start from it, so a figure and the count of its list cannot differ.
"""

import datetime as dt
from calendar import monthrange
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import CapitalArrival, CapitalSource, Currency
from crm.models.lists import list_labels
from crm.models.targets import FIRST_YEAR
from crm.pipeline.commitments import exchange_rate_on
from reports.selectors.common import ZERO, ReportFilters, date_range, money, percent

WAN = Decimal("10000")
NO_PARK = "none"  # the drill-down parameter of the arrivals of projects without a park


def period_of(filters: ReportFilters, today: dt.date) -> tuple[dt.date, dt.date]:
    """The period the page covers: the filters' range, its open ends closed by the report year; 全部时间 (``all``)
    runs from the first year the site accepts (2000) to the end of the report year."""
    year = filters.report_year(today)
    first = dt.date(FIRST_YEAR, 1, 1) if filters.period == "all" else dt.date(year, 1, 1)
    return filters.start or first, filters.end or dt.date(year, 12, 31)


def year_earlier(day: dt.date) -> dt.date:
    """The same day a year earlier (29 February → 28 February)."""
    return day.replace(year=day.year - 1, day=min(day.day, monthrange(day.year - 1, day.month)[1]))


def _of_projects(rows: QuerySet, filters: ReportFilters) -> QuerySet:
    if filters.park is not None:
        rows = rows.filter(project__park=filters.park)
    if filters.chain:
        rows = rows.filter(project__industry_chain=filters.chain)
    if filters.owner is not None:
        rows = rows.filter(project__owner=filters.owner)
    return rows


def arrivals(filters: ReportFilters, *, start: dt.date, end: dt.date) -> QuerySet:
    """The arrivals of ``start``–``end`` (both included) of the projects the filters select."""
    return _of_projects(CapitalArrival.objects.filter(date_range("arrived_on", start, end)), filters)


def narrowed(rows: QuerySet, params: dict) -> QuerySet:
    """A figure's own parameters: ``source``, ``month`` (YYYY-MM), ``in_park`` (a park's id or ``none``),
    ``in_chain`` (a chain code). An unreadable one selects nothing rather than everything."""
    if params.get("source"):
        rows = rows.filter(source=params["source"])
    if params.get("month"):
        try:
            first = dt.date.fromisoformat(f"{params['month']}-01")
        except ValueError:
            return rows.none()
        rows = rows.filter(arrived_on__gte=first, arrived_on__lte=first.replace(day=monthrange(first.year, first.month)[1]))
    if params.get("in_park"):
        if params["in_park"] == NO_PARK:
            rows = rows.filter(project__park__isnull=True)
        elif params["in_park"].isdigit():
            rows = rows.filter(project__park_id=int(params["in_park"]))
        else:
            return rows.none()
    if params.get("in_chain"):
        rows = rows.filter(project__industry_chain=params["in_chain"])
    return rows


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


MONTHS_SHOWN = 36  # a longer period is still summed; its month table shows the last 36 months


def capital_report(*, filters: ReportFilters, now: dt.datetime | None = None) -> dict:
    """The capital page: 3 queries, whatever the data.

    Arrivals of the period by source and month (1; the totals and the by-source split are its sums), by park (1),
    by chain (1; the chains' names come from the lists' cache). The 同比 beside each card is the page's generic one
    (the same report a year earlier, ``reports.views.report_page``).
    """
    now = now or timezone.now()
    start, end = period_of(filters, timezone.localdate(now))
    rows = arrivals(filters, start=start, end=end).order_by()

    cells = {
        (row["month"], row["source"]): row
        for row in rows.annotate(month=TruncMonth("arrived_on")).values("month", "source")
        .annotate(count=Count("id"), amount=Sum("amount"))
    }

    def _sum(rows_, key):
        return sum((r[key] or 0 for r in rows_), 0 if key == "count" else ZERO)

    total_count = _sum(cells.values(), "count")
    total_amount = money(_sum(cells.values(), "amount"))
    by_source = []
    for source in CapitalSource:
        of_source = [r for (_m, s), r in cells.items() if s == source]
        amount = money(_sum(of_source, "amount"))
        by_source.append({
            "source": source.value, "label": str(source.label), "count": _sum(of_source, "count"),
            "amount": amount, "share": percent(amount, total_amount),
        })

    months = _months(start, end)[-MONTHS_SHOWN:]
    by_month = []
    for month in months:
        of_month = {s: r for (m, s), r in cells.items() if _as_date(m) == month}
        by_month.append({
            "month": f"{month:%Y-%m}",
            "count": _sum(of_month.values(), "count"),
            "amount": money(_sum(of_month.values(), "amount")),
            "by_source": {s.value: money((of_month.get(s.value) or {}).get("amount")) for s in CapitalSource},
        })

    by_park = [
        {"park_id": row["project__park_id"], "park": row["project__park__short_name"] or row["project__park__name"]
         or str(_("未定园区")), "count": row["count"], "amount": money(row["amount"])}
        for row in rows.values("project__park_id", "project__park__name", "project__park__short_name")
        .annotate(count=Count("id"), amount=Sum("amount")).order_by("-amount", "project__park_id")
    ]
    chain_names = list_labels("crm.IndustryChain")  # cached: no query once warm
    by_chain = [
        {"chain": row["project__industry_chain"],
         "label": chain_names.get(row["project__industry_chain"], row["project__industry_chain"]),
         "count": row["count"], "amount": money(row["amount"])}
        for row in rows.values("project__industry_chain").annotate(count=Count("id"), amount=Sum("amount"))
        .order_by("-amount", "project__industry_chain")
    ]

    return {
        "filters": filters, "as_of": now,
        "start": start, "end": end,
        "totals": {"count": total_count, "amount": total_amount},
        "by_source": by_source,
        "by_month": by_month,
        "by_park": by_park,
        "by_chain": by_chain,
    }


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


# -- the provincial monthly return -----------------------------------------------------------------------------


def _by_source(rows: QuerySet) -> dict[str, Decimal]:
    amounts = dict(rows.order_by().values("source").annotate(amount=Sum("amount")).values_list("source", "amount"))
    return {s.value: money(amounts.get(s.value)) for s in CapitalSource}


def monthly_return(*, month: dt.date) -> dict:
    """The figures of the 招商引资 monthly return for ``month`` (its first day), the whole site: 本月, 1-本月累计 and
    上年同期累计 by source, 同比增长% of the 累计, 外资 also in 万美元 at the month's USD 中间价 (that of the month's
    last day, or the latest earlier day; the year-earlier column at the year-earlier month's), and the month's
    arrivals by project. 7 queries: three sums by source, two rates, the arrivals, the site profile."""
    from crm.models import SiteProfile
    from crm.models.site import SITE_PROFILE_ID

    month_end = month.replace(day=monthrange(month.year, month.month)[1])
    year_start = month.replace(month=1)
    everything = ReportFilters()
    this_month = _by_source(arrivals(everything, start=month, end=month_end))
    to_date = _by_source(arrivals(everything, start=year_start, end=month_end))
    last_year = _by_source(arrivals(everything, start=year_earlier(year_start), end=year_earlier(month_end)))
    usd = exchange_rate_on(currency=Currency.USD, day=month_end)
    usd_last_year = exchange_rate_on(currency=Currency.USD, day=year_earlier(month_end))

    def line(label, pick):
        current, cumulative, previous = pick(this_month), pick(to_date), pick(last_year)
        return {"label": label, "month": current, "to_date": cumulative, "last_year": previous,
                "growth": percent(cumulative - previous, previous)}

    def in_usd(line_, rate, rate_last_year):
        def convert(wan, r):
            return None if r is None else (wan / r).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return {"label": str(_("实际使用外资（万美元）")), "month": convert(line_["month"], rate),
                "to_date": convert(line_["to_date"], rate), "last_year": convert(line_["last_year"], rate_last_year),
                "growth": None if rate is None or rate_last_year is None else percent(
                    convert(line_["to_date"], rate) - convert(line_["last_year"], rate_last_year),
                    convert(line_["last_year"], rate_last_year))}

    total = line(str(_("实际到位资金合计")), lambda d: sum(d.values(), ZERO))
    foreign = line(str(_("其中：外资（实际使用外资）")), lambda d: d[CapitalSource.FOREIGN])
    lines = [
        total,
        line(str(_("其中：内资（省内资金）")), lambda d: d[CapitalSource.IN_PROVINCE]),
        line(str(_("其中：省外资金")), lambda d: d[CapitalSource.OUT_OF_PROVINCE]),
        foreign,
    ]
    items = list(
        arrivals(everything, start=month, end=month_end).select_related("project", "project__enterprise")
        .order_by("arrived_on", "project__name", "pk")
    )
    profile = SiteProfile.objects.filter(pk=SITE_PROFILE_ID).values("name", "organization").first() or {}
    return {
        "month": month, "month_end": month_end,
        "organization": profile.get("organization") or profile.get("name") or "",
        "lines": lines,
        "foreign_usd": in_usd(foreign, usd, usd_last_year),
        "usd_rate": usd, "usd_rate_last_year": usd_last_year,
        "items": items,
    }
