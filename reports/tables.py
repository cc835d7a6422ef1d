"""The report pages as tables: each table is laid out once here, from a selector's figures, and drawn three ways.

The page shows every table with its chart beside it (the chart's numbers are the table's own cells),
the Excel export writes each table to a sheet, and the API returns the selector's figures behind them.
Headers carry their unit (万元, 亿元, m², %, 个, 件, 天, 小时).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from crm.pipeline import lights
from reports.selectors.service import APPROVAL_AT_RISK_HOURS, OVERDUE_LIST_LIMIT

YI = Decimal("10000")  # 1 亿元 = 10,000 万元
CENT = Decimal("0.01")
# The three colours are the park's one palette (crm.pipeline.lights.COLOURS; static/css/reports.css follows it).
GREEN, YELLOW, RED = (lights.COLOURS[c] for c in (lights.GREEN, lights.YELLOW, lights.RED))
GREY, BLUE = "#8c959f", "#0b5d63"


def to_yi(wan: Decimal | None) -> Decimal | None:
    return None if wan is None else (wan / YI).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Column:
    label: str
    unit: str = ""

    @property
    def header(self) -> str:
        return f"{self.label}（{self.unit}）" if self.unit else self.label


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
    def display_rows(self) -> list[list[tuple[str, bool]]]:
        """Each cell as (text, is a number): numbers are right-aligned on the page."""
        return [[(cell_text(cell), _is_number(cell)) for cell in row] for row in self.rows]

    @property
    def display_total(self) -> list[tuple[str, bool]] | None:
        return [(cell_text(cell), _is_number(cell)) for cell in self.total] if self.total else None

    def chart_data(self) -> dict | None:
        """The chart's data: the table's own cells (numbers as JSON numbers, a missing figure as null)."""
        if self.chart is None:
            return None
        return {
            "kind": self.chart.kind,
            "title": self.title,
            "categories": [cell_text(row[self.chart.category]) for row in self.rows],
            "series": [
                {"name": self.columns[i].header, "data": [_number(row[i]) for row in self.rows]} for i in self.chart.series
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


@dataclass
class Page:
    kpis: list[Kpi] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)


def _is_number(value) -> bool:
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def _number(value):
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def cell_text(value) -> str:
    """A cell as the page shows it: thousands separators, two decimals for Decimals, local time, — for nothing."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
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
    "industry_chain": ("按产业链", "产业链", "pie"),
    "source_channel": ("按来源渠道", "来源渠道", "pie"),
    "owner": ("按负责人", "负责人", "hbar"),
    "park": ("按拟落地园区", "园区", "hbar"),
    "jurisdiction": ("按属地镇街", "属地", "pie"),
}


def pipeline_page(report: dict) -> Page:
    year = report["year"]
    this_year, capital, rates = report["this_year"], report["capital"], report["rates"]
    stages = report["stages"]
    kpis = [
        Kpi("项目总数", cell_text(report["totals"]["count"]), "个"),
        Kpi("总投资", cell_text(to_yi(report["totals"]["investment_total"])), "亿元",
            note=f"{cell_text(report['totals']['investment_total'])} 万元"),
        Kpi(f"{year} 年落地亿元以上项目", cell_text(this_year["landed_key_count"]), "个",
            note=(f"年度目标 {cell_text(_count_target(this_year['landed_key_target']))} 个，"
                  f"完成 {cell_text(this_year['landed_key_completion'])}%"
                  if this_year["landed_key_target"] is not None else "尚未设定年度目标"),
            level=_completion_level(this_year["landed_key_completion"])),
        Kpi("到资率", cell_text(capital["arrival_rate"]), "%",
            note=f"到资 {cell_text(to_yi(capital['arrived_total']))} 亿元 / 承诺 {cell_text(to_yi(capital['committed_total']))} 亿元"),
        Kpi("开工率", cell_text(rates["construction_start_rate"]), "%",
            note=f"{rates['started_count']} / {rates['landed_count']} 个已落地项目"),
        Kpi("投产率", cell_text(rates["production_rate"]), "%",
            note=f"{rates['producing_count']} / {rates['landed_count']} 个已落地项目"),
    ]
    tables = [
        Table(
            "stages", "当前阶段分布",
            [Column("阶段"), Column("项目数", "个"), Column("总投资", "万元"), Column("总投资", "亿元")],
            [[s["label"], s["count"], s["investment_total"], to_yi(s["investment_total"])] for s in stages],
            total=["合计", report["totals"]["count"], report["totals"]["investment_total"],
                   to_yi(report["totals"]["investment_total"])],
            chart=Chart("dual", [1, 3]),
            note="每个项目按其当前阶段计一次。",
        ),
        Table(
            "funnel", "累计漏斗与阶段转化",
            [Column("阶段"), Column("曾到达项目数", "个"), Column("较上一阶段转化率", "%"), Column("较线索转化率", "%")],
            [[f["label"], f["reached"], f["conversion_from_previous"], f["conversion_from_lead"]] for f in report["funnel"]],
            chart=Chart("funnel", [1]),
            note="按阶段变更记录统计曾进入各阶段的项目（含其后暂缓、终止的项目）。",
        ),
        Table(
            "durations", "各阶段停留时长",
            [Column("阶段"), Column("已结束的停留", "次"), Column("平均停留", "天"), Column("中位停留", "天")],
            [[d["label"], d["stays"], d["average_days"], d["median_days"]] for d in report["durations"]],
            chart=Chart("bar", [2, 3]),
            note="从进入该阶段到下一次阶段变更；尚未离开当前阶段的项目不计入。",
        ),
        Table(
            "this_year", f"{year} 年度目标完成情况",
            [Column("指标"), Column("实际"), Column("年度目标"), Column("完成率", "%")],
            [
                ["落地亿元以上项目（个）", this_year["landed_key_count"], _count_target(this_year["landed_key_target"]),
                 this_year["landed_key_completion"]],
                ["落地亿元以上项目总投资（万元）", this_year["landed_key_investment_total"], None, None],
                ["落地项目（个，不限规模）", this_year["landed_count"], None, None],
                ["签约项目（个）", this_year["signed_count"], None, None],
                ["签约项目总投资（万元）", this_year["signed_investment_total"], this_year["signed_investment_target"],
                 this_year["signed_investment_completion"]],
            ],
            chart=Chart("hbar", [3]),
            note=f"{year} 年内转入“注册落地”“签约”阶段的项目（按阶段变更记录）；目标由管理人员在后台“年度目标”中设定。",
        ),
        Table(
            "key_projects", "重点项目（≥1亿元）与重大项目（≥10亿元）",
            [Column("阶段"), Column("重点项目", "个"), Column("重点项目总投资", "万元"),
             Column("重大项目", "个"), Column("重大项目总投资", "万元")],
            [[s["label"], s["key_count"], s["key_investment_total"], s["major_count"], s["major_investment_total"]]
             for s in stages if s["stage"] != "lost"],
            total=["合计", report["key_projects"]["count"], report["key_projects"]["investment_total"],
                   report["major_projects"]["count"], report["major_projects"]["investment_total"]],
            chart=Chart("bar", [1, 3]),
            note="按当前阶段；不含已终止项目。重大项目同时计入重点项目。",
        ),
        Table(
            "capital", "实际到资与承诺投资",
            [Column("指标"), Column("金额", "万元"), Column("金额", "亿元"), Column("占承诺投资", "%")],
            [
                ["承诺投资", capital["committed_total"],
                 to_yi(capital["committed_total"]), Decimal("100.00") if capital["committed_total"] else None],
                ["累计到资", capital["arrived_total"], to_yi(capital["arrived_total"]), capital["arrival_rate"]],
                [f"{year} 年到资", capital["arrived_in_year"], to_yi(capital["arrived_in_year"]),
                 _share(capital["arrived_in_year"], capital["committed_total"])],
            ],
            chart=Chart("bar", [1]),
            note=f"承诺投资为签约及以后阶段 {capital['committed_count']} 个项目的总投资；到资为这些项目的实际到资记录。",
        ),
        Table(
            "rates", "开工率与投产率",
            [Column("指标"), Column("项目数", "个"), Column("占已落地项目", "%")],
            [
                ["已落地", rates["landed_count"],
                 Decimal("100.00") if rates["landed_count"] else None],
                ["已开工", rates["started_count"], rates["construction_start_rate"]],
                ["已投产", rates["producing_count"], rates["production_rate"]],
            ],
            chart=Chart("bar", [1]),
            note="已落地 = 处于注册落地、开工、投产阶段；开工率 = 已开工（处于开工、投产阶段，或落地节点记有实际开工日期）/ 已落地；投产率 = 已投产 / 已落地。",
        ),
    ]
    for key, items in report["breakdowns"].items():
        title, label, kind = BREAKDOWN_TITLES[key]
        tables.append(Table(
            f"by_{key}", f"项目分布：{title}",
            [Column(label), Column("项目数", "个"), Column("总投资", "万元"), Column("已落地项目", "个")],
            [[i["label"], i["count"], i["investment_total"], i["landed_count"]] for i in items],
            total=["合计", sum(i["count"] for i in items), sum((i["investment_total"] for i in items), Decimal("0.00")),
                   sum(i["landed_count"] for i in items)],
            chart=Chart(kind, [1] if kind == "pie" else [2]),
        ))
    milestones = report["milestones"]
    tables.append(Table(
        "milestones", "落地节点三色预警",
        [Column("节点"), Column("正常（绿）", "个"), Column("临期（黄）", "个"), Column("逾期（红）", "个"),
         Column("按期完成", "个"), Column("逾期完成", "个")],
        [[m["label"], m["green"], m["yellow"], m["red"], m["done_on_time"], m["done_late"]] for m in milestones["items"]],
        total=["合计", *(milestones["totals"][k] for k in ("green", "yellow", "red", "done_on_time", "done_late"))],
        chart=Chart("stack", [1, 2, 3], colors=[GREEN, YELLOW, RED]),
        note=f"计划日期已过仍未完成或逾期完成为红，{lights.AT_RISK_DAYS} 天内到期为黄，其余（含按期完成）为绿；"
             "按期完成、逾期完成是绿、红之中已完成的节点。不含已终止项目。",
    ))
    return Page(kpis, tables)


def _count_target(target: Decimal | None) -> int | None:
    return None if target is None else int(target)


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(CENT, rounding=ROUND_HALF_UP)


# -- service -----------------------------------------------------------------------------------------

STATUS_COLUMNS = [
    ("submitted", "已提交"), ("accepted", "已受理"), ("in_progress", "办理中"), ("waiting_external", "待外部审批"),
    ("resolved", "已办结"), ("closed", "已关闭"), ("rejected", "不予受理"), ("withdrawn", "已撤回"),
]


def service_page(report: dict) -> Page:
    totals, categories = report["totals"], report["categories"]
    kpis = [
        Kpi("诉求总数", cell_text(totals["total"]), "件", note=f"未办结 {totals['open']} 件"),
        Kpi("按时办结率", cell_text(totals["sla_compliance"]), "%",
            note=f"{totals['on_time']} / {totals['resolved']} 件按时办结",
            level="" if totals["sla_compliance"] is None else "green" if totals["sla_compliance"] >= 90 else "yellow"),
        Kpi("办理时长中位数", cell_text(totals["median_handling_hours"]), "小时"),
        Kpi("超期未办结", cell_text(totals["overdue"]), "件", level="red" if totals["overdue"] else "green"),
        Kpi("满意度", cell_text(totals["satisfaction_average"]), "分", note=f"{totals['rated']} 件已评价（满分 5 分）"),
    ]
    tables = [
        Table(
            "categories", "诉求类别与状态",
            [Column("类别"), Column("合计", "件"), *(Column(label, "件") for _code, label in STATUS_COLUMNS)],
            [[c["label"], c["total"], *(c["statuses"][code] for code, _label in STATUS_COLUMNS)] for c in categories],
            total=["合计", totals["total"], *(s["count"] for s in report["statuses"])],
            chart=Chart("stack", list(range(2, 2 + len(STATUS_COLUMNS)))),
        ),
        Table(
            "statuses", "诉求状态",
            [Column("状态"), Column("件数", "件")],
            [[s["label"], s["count"]] for s in report["statuses"]],
            total=["合计", totals["total"]],
            chart=Chart("pie", [1]),
        ),
        Table(
            "sla", "办理时效与满意度",
            [Column("类别"), Column("已办结", "件"), Column("按时办结", "件"), Column("按时办结率", "%"),
             Column("办理时长中位数", "小时"), Column("平均办理时长", "小时"), Column("已评价", "件"),
             Column("满意度均分", "分")],
            [[c["label"], c["resolved"], c["on_time"], c["sla_compliance"], c["median_handling_hours"],
              c["average_handling_hours"], c["rated"], c["satisfaction_average"]] for c in categories],
            total=["全部", totals["resolved"], totals["on_time"], totals["sla_compliance"], totals["median_handling_hours"],
                   totals["average_handling_hours"], totals["rated"], totals["satisfaction_average"]],
            chart=Chart("bar", [3]),
            note="按时办结率 = 在办理时限内办结的诉求 / 已办结的诉求；办理时长为提交到办结的自然时长（含待外部审批）。",
        ),
        Table(
            "request_colours", "未办结诉求三色预警",
            [Column("类别"), Column("正常（绿）", "件"), Column("临期（黄）", "件"), Column("超时（红）", "件")],
            [[c["label"], c["green"], c["yellow"], c["red"]] for c in categories],
            total=["合计", totals["green"], totals["yellow"], totals["red"]],
            chart=Chart("stack", [1, 2, 3], colors=[GREEN, YELLOW, RED]),
            note="剩余时间不足办理时限的 20% 为黄，已超时为红；待外部审批暂停计时的诉求按暂停时的剩余时间计。",
        ),
    ]
    steps = report["approval_steps"]
    tables.append(Table(
        "approval_steps", "审批环节三色预警",
        [Column("状态"), Column("环节数", "个")],
        [["正常（绿）", steps["green"]], ["临期（黄）", steps["yellow"]], ["逾期（红）", steps["red"]],
         ["按期完成", steps["done_on_time"]], ["逾期完成", steps["done_late"]]],
        chart=Chart("bar", [1], colors=[GREEN, YELLOW, RED, BLUE, GREY]),
        note=f"未完成的环节：已过应完成时间为红，{APPROVAL_AT_RISK_HOURS} 小时内到期为黄。",
    ))
    tables.append(Table(
        "satisfaction", "满意度分布",
        [Column("评分"), Column("件数", "件")],
        [[f"{s['score']} 分", s["count"]] for s in report["satisfaction"]],
        total=["合计", totals["rated"]],
        chart=Chart("bar", [1]),
    ))
    tables.append(overdue_table(report["overdue"], totals["overdue"]))
    return Page(kpis, tables)


OVERDUE_COLUMNS = [
    Column("编号"), Column("标题"), Column("企业"), Column("类别"), Column("状态"), Column("经办人"),
    Column("提交时间"), Column("办理时限"), Column("已超时", "小时"),
]


def overdue_row(item: dict) -> list:
    return [f"#{item['id']}", item["title"], item["enterprise"], item["category"], item["status_label"],
            item["assignee"] or "未分派", item["submitted_at"], item["due_at"], item["overdue_hours"]]


def overdue_table(items: list[dict], count: int) -> Table:
    shown = f"，列出超期最久的 {OVERDUE_LIST_LIMIT} 件（Excel 导出全部）" if count > len(items) else ""
    return Table(
        "overdue", "超期未办结诉求", OVERDUE_COLUMNS, [overdue_row(i) for i in items],
        note=f"共 {count} 件{shown}。",
    )


# -- land and space ----------------------------------------------------------------------------------


def land_page(report: dict) -> Page:
    transferred, occupancy, parcels = report["transferred"], report["occupancy"], report["parcel_totals"]
    period = f"{transferred['start']:%Y-%m-%d} 至 {transferred['end']:%Y-%m-%d}"
    kpis = [
        Kpi("地块总数", cell_text(parcels["count"]), "宗", note=f"{cell_text(parcels['area_m2'])} m²"),
        Kpi("区间内出让", cell_text(transferred["count"]), "宗", note=f"{cell_text(transferred['area_m2'])} m²（{period}）"),
        Kpi("载体入驻率", cell_text(occupancy["occupancy_rate"]), "%",
            note=f"已入驻 {cell_text(occupancy['occupied_area_m2'])} / {cell_text(occupancy['area_m2'])} m²"),
    ]
    tables = [
        Table(
            "by_status", "地块库存（按状态）",
            [Column("状态"), Column("地块", "宗"), Column("面积", "m²")],
            [[s["label"], s["count"], s["area_m2"]] for s in report["by_status"]],
            total=["合计", parcels["count"], parcels["area_m2"]],
            chart=Chart("bar", [2]),
        ),
        Table(
            "by_land_use", "地块库存（按用地性质）",
            [Column("用地性质"), Column("地块", "宗"), Column("面积", "m²")],
            [[u["label"], u["count"], u["area_m2"]] for u in report["by_land_use"]],
            total=["合计", parcels["count"], parcels["area_m2"]],
            chart=Chart("pie", [2]),
        ),
        Table(
            "inventory", "地块库存明细（状态 × 用地性质）",
            [Column("状态"), Column("用地性质"), Column("地块", "宗"), Column("面积", "m²")],
            [[c["status_label"], c["land_use_label"], c["count"], c["area_m2"]] for c in report["inventory"]],
            total=["合计", "", parcels["count"], parcels["area_m2"]],
        ),
        Table(
            "transferred", f"出让地块（{period}）",
            [Column("用地性质"), Column("地块", "宗"), Column("面积", "m²")],
            [[t["label"], t["count"], t["area_m2"]] for t in transferred["items"]],
            total=["合计", transferred["count"], transferred["area_m2"]],
            chart=Chart("bar", [1]),
            note="按出让日期统计；未选统计区间时为本年度。",
        ),
        Table(
            "occupancy", "载体空间入驻率（按园区）",
            [Column("园区"), Column("单元", "个"), Column("已入驻单元", "个"), Column("总面积", "m²"),
             Column("已入驻面积", "m²"), Column("已预定面积", "m²"), Column("空置面积", "m²"), Column("入驻率", "%")],
            [[p["park"], p["units"], p["occupied_units"], p["area_m2"], p["occupied_area_m2"], p["reserved_area_m2"],
              p["vacant_area_m2"], p["occupancy_rate"]] for p in occupancy["items"]],
            total=["合计", occupancy["units"], occupancy["occupied_units"], occupancy["area_m2"],
                   occupancy["occupied_area_m2"], occupancy["reserved_area_m2"], occupancy["vacant_area_m2"],
                   occupancy["occupancy_rate"]],
            chart=Chart("stack", [4, 5, 6], colors=[BLUE, YELLOW, GREY]),
            note="入驻率 = 已入驻面积 / 总面积。",
        ),
    ]
    return Page(kpis, tables)


# -- policies ----------------------------------------------------------------------------------------


def policy_page(report: dict) -> Page:
    totals = report["totals"]
    kpis = [
        Kpi("申请", cell_text(totals["grants"]), "笔", note=f"{cell_text(totals['applied_total'])} 万元"),
        Kpi("核准金额", cell_text(totals["approved_total"]), "万元", note=f"{totals['approved_count']} 笔"),
        Kpi("拨付金额", cell_text(totals["disbursed_total"]), "万元", note=f"{totals['disbursed_count']} 笔"),
        Kpi("拨付率", cell_text(totals["disbursement_rate"]), "%", note="拨付金额 / 核准金额"),
    ]
    money_columns = [
        Column("申请", "笔"), Column("申请金额", "万元"), Column("核准", "笔"), Column("核准金额", "万元"),
        Column("拨付", "笔"), Column("拨付金额", "万元"), Column("拨付率", "%"),
    ]

    def money_cells(item):
        return [item["grants"], item["applied_total"], item["approved_count"], item["approved_total"],
                item["disbursed_count"], item["disbursed_total"], item["disbursement_rate"]]

    tables = [
        Table(
            "policies", "政策兑现（按政策）",
            [Column("政策"), Column("条款", "条"), *money_columns],
            [[p["policy"], p["clauses"], *money_cells(p)] for p in report["policies"]],
            total=["合计", sum(p["clauses"] for p in report["policies"]), *money_cells(totals)],
            chart=Chart("bar", [5, 7]),
        ),
        Table(
            "clauses", "政策兑现（按条款）",
            [Column("政策"), Column("条款"), *money_columns],
            [[c["policy"], f"第{c['number']}条 {c['title']}", *money_cells(c)] for c in report["clauses"]],
            total=["合计", "", *money_cells(totals)],
            chart=Chart("hbar", [5, 7], category=1),
            note="申请按申请日期、核准金额按核准日期、拨付金额按拨付日期计入统计区间。",
        ),
    ]
    return Page(kpis, tables)


PAGES = {"pipeline": pipeline_page, "service": service_page, "land": land_page, "policies": policy_page}
