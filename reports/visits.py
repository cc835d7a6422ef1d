"""The 走访覆盖 page laid out as tables (``reports.tables``' parts): per officer over the range, per officer and
month, per month — drawn on the page, written to the Excel export, from ``reports.selectors.visits``."""

from django.utils.translation import gettext as _

from .definitions import define
from .tables import Chart, Column, Kpi, Page, Table, cell_text, drill, drill_href


def _month(day) -> str:
    return f"{day:%Y-%m}"


def _level(coverage) -> str:
    if coverage is None:
        return ""
    return "green" if coverage >= 80 else "yellow" if coverage >= 50 else "red"


def visits_page(report: dict, filters=None) -> Page:
    """Every count links to its enterprises or problems (``reports.selectors.visits``' drill-downs); the rates link
    what they are of (coverage: the enterprises in charge; solved rate: the problems raised)."""
    totals = report["totals"]
    months = report["months"]
    filters = filters if filters is not None else report.get("filters")
    span = _("%(first)s 至 %(last)s") % {"first": _month(months[0]), "last": _month(months[-1])}
    kpis = [
        Kpi(_("包联企业"), cell_text(totals["in_charge"]), _("家"), note=_("在园企业中已安排包联干部的"),
            href=drill_href("visits.in_charge", filters), help=define("visits", "in_charge")),
        Kpi(_("期内走访覆盖率"), cell_text(totals["coverage"]), "%",
            note=_("%(visited)s 家在 %(span)s 至少走访一次") % {"visited": totals["visited"], "span": span},
            level=_level(totals["coverage"]), href=drill_href("visits.in_charge", filters), help=define("visits", "coverage")),
        Kpi(_("走访反映问题"), cell_text(totals["problems_raised"]), _("个"),
            note=_("已解决 %(solved)s 个") % {"solved": totals["problems_solved"]},
            href=drill_href("visits.problems_raised", filters), help=define("visits", "problems_raised")),
        Kpi(_("问题解决率"), cell_text(totals["solved_rate"]), "%", href=drill_href("visits.problems_raised", filters),
            help=define("visits", "solved_rate")),
    ]
    figures = [Column(_("包联企业"), _("家"), help=define("visits", "in_charge")),
               Column(_("已走访"), _("家"), help=define("visits", "visited")),
               Column(_("覆盖率"), "%", help=define("visits", "coverage")),
               Column(_("反映问题"), _("个"), help=define("visits", "problems_raised")),
               Column(_("已解决"), _("个"), help=define("visits", "problems_solved"))]

    def cells(row, officer=None, month=None):
        """The figures of a row, each linked to its rows (the enterprises in charge are today's, whatever the month)."""

        def linked(figure, **params):
            return drill(row[figure], f"visits.{figure}", filters, officer=officer, **params)

        of_month = {"month": _month(month)} if month is not None else {}
        return [linked("in_charge"), linked("visited", **of_month), row["coverage"],
                linked("problems_raised", **of_month), linked("problems_solved", **of_month)]

    tables = [
        Table(
            "visit_officers", _("包联干部走访覆盖（统计期内）"),
            [Column(_("包联干部")), *figures, Column(_("解决率"), "%", help=define("visits", "solved_rate"))],
            [[row["officer"], *cells(row, row["officer_id"]), row["solved_rate"]] for row in report["by_officer"]],
            total=[_("合计"), *cells(totals), totals["solved_rate"]],
            chart=Chart("bar", [3]),
            note=_("已走访 = 统计期内至少走访一次的包联企业；问题按走访日期计入，已解决 = 对应诉求已办结或已关闭。"),
        ),
        Table(
            "visit_officer_months", _("包联干部按月走访覆盖"),
            [Column(_("包联干部")), Column(_("月份")), *figures],
            [[row["officer"], _month(row["month"]), *cells(row, row["officer_id"], row["month"])]
             for row in report["by_officer_month"]],
            note=_("包联企业按当前的包联安排计。"),
        ),
        Table(
            "visit_months", _("按月走访覆盖"),
            [Column(_("月份")), *figures],
            [[_month(row["month"]), *cells(row, month=row["month"])] for row in report["by_month"]],
            chart=Chart("bar", [3]),
        ),
    ]
    return Page(kpis=kpis, tables=tables)
