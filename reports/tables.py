"""The report pages as tables: each table is laid out once here, from a selector's figures, and drawn three ways.

The page shows every table with its chart beside it (the chart's numbers are the table's own cells),
the Excel export writes each table to a sheet, and the API returns the selector's figures behind them.
Headers carry their unit (万元, 亿元, m², %, 个, 件, 天, 小时).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.pipeline import lights
from reports.definitions import define
from reports.drill import link
from reports.selectors.service import APPROVAL_AT_RISK_HOURS, OVERDUE_LIST_LIMIT

YI = Decimal("10000")  # 1 亿元 = 10,000 万元
CENT = Decimal("0.01")
# The three colours are the park's one palette (crm.pipeline.lights.COLOURS; static/css/reports.css follows it).
GREEN, YELLOW, RED = (lights.COLOURS[c] for c in (lights.GREEN, lights.YELLOW, lights.RED))
GREY, BLUE = "#8c959f", "#0b5d63"


def to_yi(wan: Decimal | None) -> Decimal | None:
    return None if wan is None else (wan / YI).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Linked:
    """A figure with the link to the rows behind it (its drill-down list, filtered the same way).

    Any table cell may be one; the page draws it as a link, the chart opens ``href`` when its segment is
    clicked, and the Excel export writes the bare ``value``.
    """

    value: object
    href: str


def drill(value, key: str, filters, /, **params):
    """``value`` linked to the rows of figure ``key`` (``reports.drill``) under ``filters``; bare without filters."""
    if filters is None or value is None:
        return value
    return Linked(value, link(key, filters, **params))


def unlinked(value):
    """The bare figure of a cell, linked or not."""
    return value.value if isinstance(value, Linked) else value


def cell_href(value) -> str:
    return value.href if isinstance(value, Linked) else ""


@dataclass
class Column:
    label: str
    unit: str = ""
    help: str = ""  # the definition, shown when hovering the header (its ``title``)
    # False for a figure no list of rows adds up to (an average, a median, a target); a percentage never is one.
    # Every other number of a table links to its rows (tests/reports/test_drill_equality.py checks it).
    drill: bool = True

    @property
    def header(self) -> str:
        return _("%(label)s（%(unit)s）") % {"label": self.label, "unit": self.unit} if self.unit else str(self.label)


@dataclass
class Chart:
    """How to draw a table: ``kind`` (bar, hbar, stack, dual, funnel, pie), the columns to plot, optional colours."""

    kind: str
    series: list[int]
    category: int = 0
    colors: list[str] | None = None


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list]
    total: list | None = None
    chart: Chart | None = None
    note: str = ""

    @property
    def display_rows(self) -> list[list[tuple[str, bool, str]]]:
        """Each cell as (text, is a number, drill-down link or ""): numbers are right-aligned on the page."""
        return [[(cell_text(cell), _is_number(cell), cell_href(cell)) for cell in row] for row in self.rows]

    @property
    def display_total(self) -> list[tuple[str, bool, str]] | None:
        return [(cell_text(cell), _is_number(cell), cell_href(cell)) for cell in self.total] if self.total else None

    def chart_data(self) -> dict | None:
        """The chart's data: the table's own cells (numbers as JSON numbers, a missing figure as null)."""
        if self.chart is None:
            return None
        return {
            "kind": self.chart.kind,
            "title": self.title,
            "categories": [cell_text(row[self.chart.category]) for row in self.rows],
            "series": [
                {
                    "name": self.columns[i].header,
                    "data": [_number(row[i]) for row in self.rows],
                    "links": [cell_href(row[i]) for row in self.rows],
                }
                for i in self.chart.series
            ],
            "colors": self.chart.colors,
        }


@dataclass
class Kpi:
    label: str
    value: str
    unit: str = ""
    note: str = ""
    level: str = ""  # "", "green", "yellow", "red"
    href: str = ""  # the drill-down list of the rows behind the figure
    help: str = ""  # the figure's written definition, shown on hover (docs/reports.md collects them)
    previous: str = ""  # 同比: the same figure for the same period a year earlier, as text
    key: str = ""  # pairs the card with its year-earlier twin (``with_previous``); the label when empty

    @property
    def pair_key(self) -> str:
        return self.key or str(self.label)


def with_previous(page: "Page", earlier: "Page") -> "Page":
    """Each card of ``page`` gets its year-earlier value (同比) from the card of ``earlier`` with the same key."""
    before = {kpi.pair_key: kpi for kpi in earlier.kpis}
    for kpi in page.kpis:
        twin = before.get(kpi.pair_key)
        if twin is not None:
            kpi.previous = f"{twin.value} {twin.unit}".strip()
    return page


@dataclass
class Page:
    kpis: list[Kpi] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def _is_number(value) -> bool:
    value = unlinked(value)
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _number(value):
    value = unlinked(value)
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def cell_text(value) -> str:
    """A cell as the page shows it: thousands separators, two decimals for Decimals, local time, — for nothing."""
    value = unlinked(value)
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if isinstance(value, dt.datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    return str(value)


def _completion_level(percent: Decimal | None) -> str:
    if percent is None:
        return ""
    return "green" if percent >= 100 else "yellow" if percent >= 60 else "red"


# -- pipeline ----------------------------------------------------------------------------------------

BREAKDOWN_TITLES = {
    "industry_chain": (gettext_lazy("按产业链"), gettext_lazy("产业链"), "pie"),
    "source_channel": (gettext_lazy("按来源渠道"), gettext_lazy("来源渠道"), "pie"),
    "owner": (gettext_lazy("按负责人"), gettext_lazy("负责人"), "hbar"),
    "park": (gettext_lazy("按拟落地园区"), gettext_lazy("园区"), "hbar"),
    "jurisdiction": (gettext_lazy("按属地镇街"), gettext_lazy("属地"), "pie"),
}


MILESTONE_COLUMNS = ("green", "yellow", "red", "done_on_time", "done_late")


def P(key: str) -> str:  # the pipeline page's definition of ``key`` (reports/definitions.py)
    return define("pipeline", key)


def S(key: str) -> str:  # the service page's definition of ``key``
    return define("service", key)


def pipeline_page(report: dict) -> Page:
    year = report["year"]
    this_year, capital, rates = report["this_year"], report["capital"], report["rates"]
    stages = report["stages"]
    filters = report.get("filters")

    def href(key, /, **params):
        return link(key, filters, **params) if filters is not None else ""

    kpis = [
        Kpi(_("期内入库项目"), cell_text(report["totals"]["count"]), _("个"), href=href("pipeline.projects"),
            key="cohort_count", help=P("cohort_count")),
        Kpi(_("期内入库项目总投资"), cell_text(to_yi(report["totals"]["investment_total"])), _("亿元"),
            href=href("pipeline.projects"),
            note=_("%(investment_total)s 万元") % {"investment_total": cell_text(report['totals']['investment_total'])},
            key="cohort_investment", help=P("cohort_investment")),
        Kpi(_("期内落地亿元以上项目"), cell_text(this_year["landed_key_count"]), _("个"),
            note=(_("%(year)s 年度目标 %(landed_key_target)s 个，完成 %(landed_key_completion)s%%") % {"year": year, "landed_key_target": cell_text(_count_target(this_year['landed_key_target'])), "landed_key_completion": cell_text(this_year['landed_key_completion'])}
                  if this_year["landed_key_target"] is not None else _("%(year)s 年尚未设定年度目标") % {"year": year}),
            level=_completion_level(this_year["landed_key_completion"]), href=href("pipeline.year_landed", size="key"),
            key="landed_key", help=P("landed_key")),
        Kpi(_("到资率"), cell_text(capital["arrival_rate"]), "%", href=href("pipeline.committed"),
            note=_("到资 %(arrived_total)s 亿元 / 承诺 %(committed_total)s 亿元") % {"arrived_total": cell_text(to_yi(capital['arrived_total'])), "committed_total": cell_text(to_yi(capital['committed_total']))},
            key="arrival_rate", help=P("arrival_rate")),
        Kpi(_("开工率"), cell_text(rates["construction_start_rate"]), "%", href=href("pipeline.landed"),
            note=_("%(started_count)s / %(landed_count)s 个期内入库且已落地的项目") % {"started_count": rates['started_count'], "landed_count": rates['landed_count']},
            key="start_rate", help=P("start_rate")),
        Kpi(_("投产率"), cell_text(rates["production_rate"]), "%", href=href("pipeline.landed"),
            note=_("%(producing_count)s / %(landed_count)s 个期内入库且已落地的项目") % {"producing_count": rates['producing_count'], "landed_count": rates['landed_count']},
            key="production_rate", help=P("production_rate")),
    ]
    tables = [
        Table(
            "stages", _("当前阶段分布"),
            [Column(_("阶段"), help=P("stage")), Column(_("项目数"), _("个"), help=P("stage_count")),
             Column(_("总投资"), _("万元"), help=P("stage_investment")), Column(_("总投资"), _("亿元"), help=P("stage_investment"))],
            [[_stage_label(s), *(drill(v, "pipeline.projects", filters, in_stage=s["stage"])
                                 for v in (s["count"], s["investment_total"], to_yi(s["investment_total"])))]
             for s in stages],
            total=[_("合计"), *(drill(v, "pipeline.projects", filters) for v in (
                report["totals"]["count"], report["totals"]["investment_total"], to_yi(report["totals"]["investment_total"])))],
            chart=Chart("dual", [1, 3]),
            note=_("每个项目按其当前阶段计一次；标注“不计入合计”的阶段（默认为暂缓、终止）列出但不计入合计，可在“阶段”筛选中选择计入。"),
        ),
        Table(
            "funnel", _("累计漏斗与阶段转化"),
            [Column(_("阶段"), help=P("stage")), Column(_("曾到达项目数"), _("个"), help=P("funnel_reached")),
             Column(_("较上一阶段转化率"), "%", help=P("funnel_from_previous")),
             Column(_("较线索转化率"), "%", help=P("funnel_from_lead"))],
            [[f["label"], drill(f["reached"], "pipeline.reached", filters, in_stage=f["stage"]), f["conversion_from_previous"],
              f["conversion_from_lead"]] for f in report["funnel"]],
            chart=Chart("funnel", [1]),
            note=_("按阶段变更记录统计曾进入各阶段的项目（含其后暂缓、终止的项目）。"),
        ),
        Table(
            "durations", _("各阶段停留时长"),
            [Column(_("阶段"), help=P("stage")), Column(_("已结束的停留"), _("次"), help=P("stays")),
             Column(_("平均停留"), _("天"), help=P("average_stay"), drill=False),
             Column(_("中位停留"), _("天"), help=P("median_stay"), drill=False)],
            [[d["label"], drill(d["stays"], "pipeline.stays", filters, in_stage=d["stage"]), d["average_days"], d["median_days"]]
             for d in report["durations"]],
            chart=Chart("bar", [2, 3]),
            note=_("从进入该阶段到下一次阶段变更；尚未离开当前阶段的项目不计入。"),
        ),
        Table(
            "this_year", _("%(year)s 年度目标完成情况") % {"year": year},
            [Column(_("指标"), help=P("target_metric")), Column(_("实际"), help=P("target_actual")),
             Column(_("年度目标"), help=P("target"), drill=False), Column(_("完成率"), "%", help=P("target_completion"))],
            [
                [_("期内落地亿元以上项目（个）"), drill(this_year["landed_key_count"], "pipeline.year_landed", filters, size="key"),
                 _count_target(this_year["landed_key_target"]), this_year["landed_key_completion"]],
                [_("期内落地亿元以上项目总投资（万元）"),
                 drill(this_year["landed_key_investment_total"], "pipeline.year_landed", filters, size="key"), None, None],
                [_("期内落地项目（个，不限规模）"), drill(this_year["landed_count"], "pipeline.year_landed", filters), None, None],
                [_("期内签约项目（个）"), drill(this_year["signed_count"], "pipeline.year_signed", filters), None, None],
                [_("期内签约项目总投资（万元）"), drill(this_year["signed_investment_total"], "pipeline.year_signed", filters),
                 this_year["signed_investment_target"], this_year["signed_investment_completion"]],
            ],
            chart=Chart("hbar", [3]),
            note=_("统计区间内转入“注册落地”“签约”阶段的项目（按阶段变更记录，不论何时入库、现处何阶段）；目标为区间截止日所在年度（%(year)s 年）的年度目标，由管理人员在后台“年度目标”中设定。") % {"year": year},
        ),
        Table(
            "key_projects", _("重点项目（≥1亿元）与重大项目（≥10亿元）"),
            [Column(_("阶段"), help=P("stage")), Column(_("重点项目"), _("个"), help=P("key_count")),
             Column(_("重点项目总投资"), _("万元"), help=P("key_investment")),
             Column(_("重大项目"), _("个"), help=P("major_count")), Column(_("重大项目总投资"), _("万元"), help=P("major_investment"))],
            [[s["label"], drill(s["key_count"], "pipeline.key", filters, in_stage=s["stage"]),
              drill(s["key_investment_total"], "pipeline.key", filters, in_stage=s["stage"]),
              drill(s["major_count"], "pipeline.major", filters, in_stage=s["stage"]),
              drill(s["major_investment_total"], "pipeline.major", filters, in_stage=s["stage"])]
             for s in stages if s["in_total"]],
            total=[_("合计"), drill(report["key_projects"]["count"], "pipeline.key", filters),
                   drill(report["key_projects"]["investment_total"], "pipeline.key", filters),
                   drill(report["major_projects"]["count"], "pipeline.major", filters),
                   drill(report["major_projects"]["investment_total"], "pipeline.major", filters)],
            chart=Chart("bar", [1, 3]),
            note=_("按当前阶段；默认不含暂缓、终止的项目（见“阶段”筛选）。重大项目同时计入重点项目。"),
        ),
        Table(
            "capital", _("实际到资与承诺投资"),
            [Column(_("指标"), help=P("capital_metric")), Column(_("金额"), _("万元"), help=P("capital_amount")),
             Column(_("金额"), _("亿元"), help=P("capital_amount")), Column(_("占承诺投资"), "%", help=P("capital_share"))],
            [
                [_("承诺投资"), drill(capital["committed_total"], "pipeline.committed", filters),
                 drill(to_yi(capital["committed_total"]), "pipeline.committed", filters),
                 Decimal("100.00") if capital["committed_total"] else None],
                [_("累计到资"), drill(capital["arrived_total"], "pipeline.arrivals", filters),
                 drill(to_yi(capital["arrived_total"]), "pipeline.arrivals", filters), capital["arrival_rate"]],
                [_("期内到资"), drill(capital["arrived_in_year"], "pipeline.arrivals", filters, year=1),
                 drill(to_yi(capital["arrived_in_year"]), "pipeline.arrivals", filters, year=1),
                 _share(capital["arrived_in_year"], capital["committed_total"])],
            ],
            chart=Chart("bar", [1]),
            note=_("承诺投资为签约及以后阶段 %(committed_count)s 个项目的总投资；到资为这些项目的实际到资记录。") % {"committed_count": capital['committed_count']},
        ),
        Table(
            "rates", _("开工率与投产率"),
            [Column(_("指标"), help=P("rates_metric")), Column(_("项目数"), _("个"), help=P("rates_count")),
             Column(_("占已落地项目"), "%", help=P("rates_share"))],
            [
                [_("已落地"), drill(rates["landed_count"], "pipeline.landed", filters),
                 Decimal("100.00") if rates["landed_count"] else None],
                [_("已开工"), drill(rates["started_count"], "pipeline.started", filters), rates["construction_start_rate"]],
                [_("已投产"), drill(rates["producing_count"], "pipeline.producing", filters), rates["production_rate"]],
            ],
            chart=Chart("bar", [1]),
            note=_("已落地 = 处于注册落地、开工、投产阶段；开工率 = 已开工（处于开工、投产阶段，或落地节点记有实际开工日期）/ 已落地；投产率 = 已投产 / 已落地。"),
        ),
    ]
    for key, items in report["breakdowns"].items():
        title, label, kind = map(str, BREAKDOWN_TITLES[key])
        tables.append(Table(
            f"by_{key}", _("项目分布：%(title)s") % {"title": title},
            [Column(label, help=P("breakdown")), Column(_("项目数"), _("个"), help=P("breakdown_count")),
             Column(_("总投资"), _("万元"), help=P("breakdown_investment")),
             Column(_("已落地项目"), _("个"), help=P("breakdown_landed"))],
            [[i["label"], *(drill(v, "pipeline.group", filters, by=key, value=None if i["is_null"] else i["key"])
                            for v in (i["count"], i["investment_total"])),
              drill(i["landed_count"], "pipeline.group", filters, by=key, value=None if i["is_null"] else i["key"], landed=1)]
             for i in items],
            total=[_("合计"), drill(sum(i["count"] for i in items), "pipeline.projects", filters),
                   drill(sum((i["investment_total"] for i in items), Decimal("0.00")), "pipeline.projects", filters),
                   drill(sum(i["landed_count"] for i in items), "pipeline.landed", filters)],
            chart=Chart(kind, [1] if kind == "pie" else [2]),
        ))
    milestones = report["milestones"]
    tables.append(Table(
        "milestones", _("落地节点三色预警"),
        [Column(_("节点"), help=P("milestone")), Column(_("正常（绿）"), _("个"), help=P("milestone_green")),
         Column(_("临期（黄）"), _("个"), help=P("milestone_yellow")), Column(_("逾期（红）"), _("个"), help=P("milestone_red")),
         Column(_("按期完成"), _("个"), help=P("milestone_on_time")), Column(_("逾期完成"), _("个"), help=P("milestone_late"))],
        [[m["label"], *(drill(m[c], "pipeline.milestones", filters, kind=m["kind"], colour=c) for c in MILESTONE_COLUMNS)]
         for m in milestones["items"]],
        total=[_("合计"), *(drill(milestones["totals"][c], "pipeline.milestones", filters, colour=c) for c in MILESTONE_COLUMNS)],
        chart=Chart("stack", [1, 2, 3], colors=[GREEN, YELLOW, RED]),
        note=_("计划日期已过仍未完成或逾期完成为红，%(days)s 天内到期为黄，其余（含按期完成）为绿；按期完成、逾期完成是绿、红之中已完成的节点。不含已终止项目。") % {"days": lights.AT_RISK_DAYS},
    ))
    return Page(kpis, tables)


def _stage_label(stage: dict) -> str:
    """A stage's row label; a stage left out of the totals says so."""
    if stage["in_total"]:
        return stage["label"]
    return _("%(stage)s（不计入合计）") % {"stage": stage["label"]}


def _count_target(target: Decimal | None) -> int | None:
    return None if target is None else int(target)


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(CENT, rounding=ROUND_HALF_UP)


# -- service -----------------------------------------------------------------------------------------

STATUS_COLUMNS = [
    ("submitted", gettext_lazy("已提交")), ("accepted", gettext_lazy("已受理")), ("in_progress", gettext_lazy("办理中")), ("waiting_external", gettext_lazy("待外部审批")),
    ("resolved", gettext_lazy("已办结")), ("closed", gettext_lazy("已关闭")), ("rejected", gettext_lazy("不予受理")), ("withdrawn", gettext_lazy("已撤回")),
]


def service_page(report: dict) -> Page:
    totals, categories = report["totals"], report["categories"]
    kpis = [
        Kpi(_("期内提交诉求"), cell_text(totals["total"]), _("件"), note=_("未办结 %(open)s 件") % {"open": totals['open']},
            key="total", help=S("total")),
        Kpi(_("按时办结率"), cell_text(totals["sla_compliance"]), "%",
            note=_("%(on_time)s / %(resolved)s 件按时办结") % {"on_time": totals['on_time'], "resolved": totals['resolved']},
            level="" if totals["sla_compliance"] is None else "green" if totals["sla_compliance"] >= 90 else "yellow",
            key="sla_compliance", help=S("sla_compliance")),
        Kpi(_("办理时长中位数"), cell_text(totals["median_handling_hours"]), _("小时"), key="median_hours",
            help=S("median_hours")),
        Kpi(_("超期未办结"), cell_text(totals["overdue"]), _("件"), level="red" if totals["overdue"] else "green",
            key="overdue", help=S("overdue")),
        Kpi(_("满意度"), cell_text(totals["satisfaction_average"]), _("分"), note=_("%(rated)s 件已评价（满分 5 分）") % {"rated": totals['rated']},
            key="satisfaction", help=S("satisfaction")),
    ]
    tables = [
        Table(
            "categories", _("诉求类别与状态"),
            [Column(_("类别"), help=S("category")), Column(_("合计"), _("件"), help=S("category_total")),
             *(Column(label, _("件"), help=S("status_count")) for _code, label in STATUS_COLUMNS)],
            [[c["label"], c["total"], *(c["statuses"][code] for code, _label in STATUS_COLUMNS)] for c in categories],
            total=[_("合计"), totals["total"], *(s["count"] for s in report["statuses"])],
            chart=Chart("stack", list(range(2, 2 + len(STATUS_COLUMNS)))),
        ),
        Table(
            "statuses", _("诉求状态"),
            [Column(_("状态"), help=S("status")), Column(_("件数"), _("件"), help=S("status_count"))],
            [[s["label"], s["count"]] for s in report["statuses"]],
            total=[_("合计"), totals["total"]],
            chart=Chart("pie", [1]),
        ),
        Table(
            "sla", _("办理时效与满意度"),
            [Column(_("类别"), help=S("category")), Column(_("已办结"), _("件"), help=S("resolved")),
             Column(_("按时办结"), _("件"), help=S("on_time")), Column(_("按时办结率"), "%", help=S("category_sla")),
             Column(_("办理时长中位数"), _("小时"), help=S("category_median")),
             Column(_("平均办理时长"), _("小时"), help=S("average_hours")), Column(_("已评价"), _("件"), help=S("rated")),
             Column(_("满意度均分"), _("分"), help=S("rating_average"))],
            [[c["label"], c["resolved"], c["on_time"], c["sla_compliance"], c["median_handling_hours"],
              c["average_handling_hours"], c["rated"], c["satisfaction_average"]] for c in categories],
            total=[_("全部"), totals["resolved"], totals["on_time"], totals["sla_compliance"], totals["median_handling_hours"],
                   totals["average_handling_hours"], totals["rated"], totals["satisfaction_average"]],
            chart=Chart("bar", [3]),
            note=_("按时办结率 = 在办理时限内办结的诉求 / 已办结的诉求；办理时长为提交到办结的自然时长（含待外部审批）。"),
        ),
        Table(
            "request_colours", _("未办结诉求三色预警"),
            [Column(_("类别"), help=S("category")), Column(_("正常（绿）"), _("件"), help=S("request_green")),
             Column(_("临期（黄）"), _("件"), help=S("request_yellow")), Column(_("超时（红）"), _("件"), help=S("request_red"))],
            [[c["label"], c["green"], c["yellow"], c["red"]] for c in categories],
            total=[_("合计"), totals["green"], totals["yellow"], totals["red"]],
            chart=Chart("stack", [1, 2, 3], colors=[GREEN, YELLOW, RED]),
            note=_("剩余时间不足办理时限的 20% 为黄，已超时为红；待外部审批暂停计时的诉求按暂停时的剩余时间计。"),
        ),
    ]
    steps = report["approval_steps"]
    tables.append(Table(
        "approval_steps", _("审批环节三色预警"),
        [Column(_("状态"), help=S("step_status")), Column(_("环节数"), _("个"), help=S("step_count"))],
        [[_("正常（绿）"), steps["green"]], [_("临期（黄）"), steps["yellow"]], [_("逾期（红）"), steps["red"]],
         [_("按期完成"), steps["done_on_time"]], [_("逾期完成"), steps["done_late"]]],
        chart=Chart("bar", [1], colors=[GREEN, YELLOW, RED, BLUE, GREY]),
        note=_("未完成的环节：已过应完成时间为红，%(hours)s 小时内到期为黄。") % {"hours": APPROVAL_AT_RISK_HOURS},
    ))
    tables.append(Table(
        "satisfaction", _("满意度分布"),
        [Column(_("评分"), help=S("score")), Column(_("件数"), _("件"), help=S("score_count"))],
        [[_("%(score)s 分") % {"score": s['score']}, s["count"]] for s in report["satisfaction"]],
        total=[_("合计"), totals["rated"]],
        chart=Chart("bar", [1]),
    ))
    tables.extend(department_tables(report))
    tables.append(overdue_table(report["overdue"], totals["overdue"]))
    return Page(kpis, tables)


def _department_columns():
    return [
        Column(_("承办单位"), help=S("department")),
        Column(_("分办"), _("件"), help=S("routings")),
        Column(_("主办"), _("件"), help=S("lead")),
        Column(_("协办"), _("件"), help=S("assist")),
        Column(_("已办结"), _("件"), help=S("completed")),
        Column(_("按时办结"), _("件"), help=S("routing_on_time")),
        Column(_("逾期"), _("件"), help=S("late")),
        Column(_("按时率"), "%", help=S("on_time_rate")),
        Column(_("办理时长中位数"), _("小时"), help=S("routing_median")),
        Column(_("延期申请"), _("次"), help=S("extensions_requested")),
        Column(_("延期批准"), _("次"), help=S("extensions_approved")),
        Column(_("退回"), _("件"), help=S("handed_back")),
        Column(_("转办"), _("件"), help=S("transferred")),
    ]


SATISFACTION_HELP = gettext_lazy("满意率 =（满意 + 基本满意）/ 回访次数；每次回访都计入。")


def _satisfaction_columns(first: str, first_help: str):
    return [
        Column(first, help=first_help),
        Column(_("回访"), _("次"), help=S("callbacks")),
        Column(_("满意"), _("次"), help=S("satisfied")),
        Column(_("基本满意"), _("次"), help=S("basic")),
        Column(_("不满意"), _("次"), help=S("unsatisfied")),
        Column(_("满意率"), "%", help=S("satisfied_rate")),
    ]


def _satisfaction_rows(rows: list[dict]) -> list[list]:
    return [[r["label"], r["callbacks"], r["satisfied"], r["basic"], r["unsatisfied"], r["satisfied_rate"]] for r in rows]


def department_tables(report: dict) -> list[Table]:
    """承办单位办理情况 and the satisfaction of the call-backs (回访) by department and by officer."""
    departments = report["departments"]
    return [
        Table(
            "departments", _("承办单位办理情况"), _department_columns(),
            [[d["label"], d["routings"], d["lead"], d["assist"], d["completed"], d["on_time"], d["late"],
              d["on_time_rate"], d["median_hours"], d["extensions_requested"], d["extensions_approved"],
              d["handed_back"], d["transferred"]] for d in departments],
            chart=Chart("bar", [7]),
            note=_(
                "按时率 = 按时办结 /（按时办结 + 逾期），逾期含超过时限才办结的和仍在办理且已超时的；办理时限为分办的时限，"
                "批准延期后按延期后的时限；办理时长为交办到办结的自然时长。"
            ),
        ),
        Table(
            "department_satisfaction", _("回访满意度（按主办单位）"),
            _satisfaction_columns(_("主办单位"), S("lead_department")),
            _satisfaction_rows(report["department_satisfaction"]),
            chart=Chart("stack", [2, 3, 4], colors=[GREEN, YELLOW, RED]),
            note=str(SATISFACTION_HELP),
        ),
        Table(
            "officer_satisfaction", _("回访满意度（按经办人）"),
            _satisfaction_columns(_("经办人"), S("assignee")),
            _satisfaction_rows(report["officer_satisfaction"]),
            chart=Chart("stack", [2, 3, 4], colors=[GREEN, YELLOW, RED]),
            note=str(SATISFACTION_HELP),
        ),
    ]


def overdue_columns() -> list[Column]:
    return [
        Column(_("编号"), help=S("number")), Column(_("标题"), help=S("title")), Column(_("企业"), help=S("enterprise")),
        Column(_("类别"), help=S("overdue_category")), Column(_("状态"), help=S("overdue_status")),
        Column(_("经办人"), help=S("overdue_assignee")), Column(_("提交时间"), help=S("submitted_at")),
        Column(_("办理时限"), help=S("due_at")), Column(_("已超时"), _("小时"), help=S("overdue_hours")),
    ]


def overdue_row(item: dict) -> list:
    return [f"#{item['id']}", item["title"], item["enterprise"], item["category"], item["status_label"],
            item["assignee"] or _("未分派"), item["submitted_at"], item["due_at"], item["overdue_hours"]]


def overdue_table(items: list[dict], count: int) -> Table:
    shown = _("，列出超期最久的 %(limit)s 件（Excel 导出全部）") % {"limit": OVERDUE_LIST_LIMIT} if count > len(items) else ""
    return Table(
        "overdue", _("超期未办结诉求"), overdue_columns(), [overdue_row(i) for i in items],
        note=_("共 %(count)s 件%(shown)s。") % {"count": count, "shown": shown},
    )


# -- land and space ----------------------------------------------------------------------------------


def land_page(report: dict) -> Page:
    transferred, occupancy, parcels = report["transferred"], report["occupancy"], report["parcel_totals"]
    period = _("%(start)s 至 %(end)s") % {"start": f"{transferred['start']:%Y-%m-%d}", "end": f"{transferred['end']:%Y-%m-%d}"}
    kpis = [
        Kpi(_("地块总数"), cell_text(parcels["count"]), _("宗"), note=f"{cell_text(parcels['area_m2'])} m²"),
        Kpi(_("区间内出让"), cell_text(transferred["count"]), _("宗"), note=_("%(area)s m²（%(period)s）") % {"area": cell_text(transferred['area_m2']), "period": period}),
        Kpi(_("载体入驻率"), cell_text(occupancy["occupancy_rate"]), "%",
            note=_("已入驻 %(occupied_area_m2)s / %(area_m2)s m²") % {"occupied_area_m2": cell_text(occupancy['occupied_area_m2']), "area_m2": cell_text(occupancy['area_m2'])}),
    ]
    tables = [
        Table(
            "by_status", _("地块库存（按状态）"),
            [Column(_("状态")), Column(_("地块"), _("宗")), Column(_("面积"), "m²")],
            [[s["label"], s["count"], s["area_m2"]] for s in report["by_status"]],
            total=[_("合计"), parcels["count"], parcels["area_m2"]],
            chart=Chart("bar", [2]),
        ),
        Table(
            "by_land_use", _("地块库存（按用地性质）"),
            [Column(_("用地性质")), Column(_("地块"), _("宗")), Column(_("面积"), "m²")],
            [[u["label"], u["count"], u["area_m2"]] for u in report["by_land_use"]],
            total=[_("合计"), parcels["count"], parcels["area_m2"]],
            chart=Chart("pie", [2]),
        ),
        Table(
            "inventory", _("地块库存明细（状态 × 用地性质）"),
            [Column(_("状态")), Column(_("用地性质")), Column(_("地块"), _("宗")), Column(_("面积"), "m²")],
            [[c["status_label"], c["land_use_label"], c["count"], c["area_m2"]] for c in report["inventory"]],
            total=[_("合计"), "", parcels["count"], parcels["area_m2"]],
        ),
        Table(
            "transferred", _("出让地块（%(period)s）") % {"period": period},
            [Column(_("用地性质")), Column(_("地块"), _("宗")), Column(_("面积"), "m²")],
            [[t["label"], t["count"], t["area_m2"]] for t in transferred["items"]],
            total=[_("合计"), transferred["count"], transferred["area_m2"]],
            chart=Chart("bar", [1]),
            note=_("按出让日期统计；未选统计区间时为本年度。"),
        ),
        Table(
            "occupancy", _("载体空间入驻率（按园区）"),
            [Column(_("园区")), Column(_("单元"), _("个")), Column(_("已入驻单元"), _("个")), Column(_("总面积"), "m²"),
             Column(_("已入驻面积"), "m²"), Column(_("已预定面积"), "m²"), Column(_("空置面积"), "m²"), Column(_("入驻率"), "%")],
            [[p["park"], p["units"], p["occupied_units"], p["area_m2"], p["occupied_area_m2"], p["reserved_area_m2"],
              p["vacant_area_m2"], p["occupancy_rate"]] for p in occupancy["items"]],
            total=[_("合计"), occupancy["units"], occupancy["occupied_units"], occupancy["area_m2"],
                   occupancy["occupied_area_m2"], occupancy["reserved_area_m2"], occupancy["vacant_area_m2"],
                   occupancy["occupancy_rate"]],
            chart=Chart("stack", [4, 5, 6], colors=[BLUE, YELLOW, GREY]),
            note=_("入驻率 = 已入驻面积 / 总面积。"),
        ),
    ]
    return Page(kpis, tables)


# -- policies ----------------------------------------------------------------------------------------


def policy_page(report: dict) -> Page:
    totals = report["totals"]
    kpis = [
        Kpi(_("申请"), cell_text(totals["grants"]), _("笔"), note=_("%(applied_total)s 万元") % {"applied_total": cell_text(totals['applied_total'])}),
        Kpi(_("核准金额"), cell_text(totals["approved_total"]), _("万元"), note=_("%(approved_count)s 笔") % {"approved_count": totals['approved_count']}),
        Kpi(_("拨付金额"), cell_text(totals["disbursed_total"]), _("万元"), note=_("%(disbursed_count)s 笔") % {"disbursed_count": totals['disbursed_count']}),
        Kpi(_("拨付率"), cell_text(totals["disbursement_rate"]), "%", note=_("拨付金额 / 核准金额")),
        Kpi(_("免申即享待确认"), cell_text(totals["proposed_count"]), _("笔"), note=_("%(proposed_total)s 万元") % {"proposed_total": cell_text(totals['proposed_total'])}),
        Kpi(_("应追回"), cell_text(totals["clawback_total"]), _("万元"), note=_("暂缓拨付 %(held_total)s 万元") % {"held_total": cell_text(totals['held_total'])}),
    ]
    money_columns = [
        Column(_("申请"), _("笔")), Column(_("申请金额"), _("万元")), Column(_("核准"), _("笔")), Column(_("核准金额"), _("万元")),
        Column(_("拨付"), _("笔")), Column(_("拨付金额"), _("万元")), Column(_("拨付率"), "%"),
        Column(_("免申待确认"), _("笔")), Column(_("待确认金额"), _("万元")), Column(_("不予推送"), _("笔")),
        Column(_("暂缓拨付"), _("万元")), Column(_("可拨付"), _("万元")), Column(_("应追回"), _("万元")),
    ]

    def money_cells(item):
        return [item["grants"], item["applied_total"], item["approved_count"], item["approved_total"],
                item["disbursed_count"], item["disbursed_total"], item["disbursement_rate"],
                item["proposed_count"], item["proposed_total"], item["dismissed_count"],
                item["held_total"], item["released_total"], item["clawback_total"]]

    tables = [
        Table(
            "policies", _("政策兑现（按政策）"),
            [Column(_("政策")), Column(_("条款"), _("条")), *money_columns],
            [[p["policy"], p["clauses"], *money_cells(p)] for p in report["policies"]],
            total=[_("合计"), sum(p["clauses"] for p in report["policies"]), *money_cells(totals)],
            chart=Chart("bar", [5, 7]),
        ),
        Table(
            "clauses", _("政策兑现（按条款）"),
            [Column(_("政策")), Column(_("条款")), *money_columns],
            [[c["policy"], _("第%(number)s条 %(title)s") % {"number": c['number'], "title": c['title']}, *money_cells(c)] for c in report["clauses"]],
            total=[_("合计"), "", *money_cells(totals)],
            chart=Chart("hbar", [5, 7], category=1),
            note=_("申请按申请日期、核准金额按核准日期、拨付金额按拨付日期计入统计区间；免申即享按推送日期另计，不计入申请。"
                   "暂缓拨付、可拨付、应追回为分期兑现（双兑现）当前状态，不受统计区间影响。"),
        ),
    ]
    return Page(kpis, tables)


PAGES = {"pipeline": pipeline_page, "service": service_page, "land": land_page, "policies": policy_page}


# -- 亩均论英雄 ---------------------------------------------------------------------------------------


MU_COLOURS = {"A": GREEN, "B": BLUE, "C": YELLOW, "D": RED}


def mu_page(report: dict) -> Page:
    summary = {s["klass"]: s for s in report["summary"]}
    kpis = [Kpi(_("参评企业"), cell_text(report["evaluated"]), _("家"))]
    kpis += [
        Kpi(s["label"], cell_text(s["count"]), _("家"), note=_("占 %(share)s%%") % {"share": cell_text(s["share"])},
            level={"A": "green", "C": "yellow", "D": "red"}.get(k, ""))
        for k, s in summary.items()
    ]
    kpis.append(Kpi(_("用地不足、单独列出"), cell_text(len(report["below_min_land"])), _("家")))
    indicator_columns = [
        Column(_("亩均税收"), _("万元/亩")), Column(_("亩均增加值"), _("万元/亩")),
        Column(_("单位能耗增加值"), _("万元/吨标煤")), Column(_("研发经费占比"), "%"),
    ]
    figure_columns = [
        Column(_("税收"), _("万元")), Column(_("工业增加值"), _("万元")), Column(_("综合能耗"), _("吨标煤")),
        Column(_("营业收入"), _("万元")), Column(_("研发投入"), _("万元")), Column(_("用地面积"), _("亩")),
    ]

    def cells(i):
        return [i["tax_per_mu"], i["value_added_per_mu"], i["value_added_per_energy"], i["rd_ratio"],
                i["tax"], i["value_added"], i["energy_tce"], i["revenue"], i["rd_expense"], i["land_mu"]]

    tables = [
        Table(
            "classes", _("分类汇总"),
            [Column(_("等级")), Column(_("企业数"), _("家")), Column(_("占比"), "%"), Column(_("税收合计"), _("万元")),
             Column(_("用地合计"), _("亩")), Column(_("亩均税收"), _("万元/亩"))],
            [[s["label"], s["count"], s["share"], s["tax"], s["land_mu"], s["tax_per_mu"]] for s in report["summary"]],
            total=[_("合计"), report["evaluated"], None, sum((s["tax"] for s in report["summary"]), Decimal("0.00")),
                   sum((s["land_mu"] for s in report["summary"]), Decimal("0.00")), None],
            chart=Chart("pie", [1], colors=list(MU_COLOURS.values())),
            note=_("占比为各等级企业数占参评企业数的比例。"),
        ),
        Table(
            "enterprises", _("企业亩均评价"),
            [Column(_("企业")), Column(_("等级")), Column(_("得分"), _("分")), *indicator_columns, *figure_columns],
            [[i["enterprise"], i["klass"], i["score"], *cells(i)] for i in report["enterprises"]],
            note=_("按等级、得分从高到低；指标取当年已确认的年度指标（税务优先于统计，统计优先于企业自报）。"),
        ),
        Table(
            "below_min_land", _("用地不足最小参评面积的企业（单独列出）"),
            [Column(_("企业")), *indicator_columns, *figure_columns],
            [[i["enterprise"], *cells(i)] for i in report["below_min_land"]],
            note=_("按评价办法，用地面积小于最小参评面积的企业不参与综合评价和平均值计算。"),
        ),
        Table(
            "unclassed", _("未评价的企业"),
            [Column(_("企业")), Column(_("原因"))],
            [[i["enterprise"], i["reasons"]] for i in report["unclassed"]],
            note=_("缺少当年已确认的指标的在园企业；补齐并确认后即参与评价。"),
        ),
    ]
    return Page(kpis, tables)


PAGES["mu"] = mu_page
