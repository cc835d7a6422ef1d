"""The 业绩考核 page laid out: the officer ranking, the unit ranking and the 考核 table (targets against actuals).

Every count and amount links to the projects (or capital arrivals) behind it (``reports.selectors.credit``'s
drill-downs); the credited (折算) figures are not linked: they weigh each project by a share, so no list of rows
adds up to them — their definition says which list they are computed from.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.drill import link
from reports.selectors.credit import FIGURE_DRILLS, completion_level

from .tables import GREEN, Chart, Column, Kpi, Linked, Page, Table, cell_text

LEVEL_TEXT = {"green": gettext_lazy("绿"), "yellow": gettext_lazy("黄"), "red": gettext_lazy("红"), "": "—"}


def _ranking_columns(first: str, first_help: str) -> list[Column]:
    return [
        Column(first, help=first_help),
        Column(_("在库项目"), _("个"), help=_("归属于该对象、当前不处于终止或暂缓阶段的项目数（不受统计区间影响）。")),
        Column(_("签约项目"), _("个"), help=_("统计区间内转入“签约”阶段的项目数（按阶段变更记录），共享项目全数计入。")),
        Column(_("签约总投资"), _("万元"), help=_("上述签约项目的总投资之和，共享项目全额计入。")),
        Column(_("折算签约额"), _("万元"), help=_("Σ 签约项目总投资 × 分成比例；不链接明细：明细为“签约总投资”的项目。"), drill=False),
        Column(_("落地亿元以上"), _("个"),
               help=_("统计区间内转入“注册落地”阶段且总投资 ≥ 1 亿元的项目数，共享项目全数计入。")),
        Column(_("折算落地亿元以上"), _("个"), help=_("Σ 分成比例 / 100，对上述项目；不链接明细。"), drill=False),
        Column(_("开工项目"), _("个"), help=_("统计区间内转入“开工”阶段的项目数（按阶段变更记录）。")),
        Column(_("实际到资"), _("万元"), help=_("归属项目在统计区间内的到资记录金额之和，共享项目全额计入。")),
        Column(_("折算到资"), _("万元"), help=_("Σ 到资金额 × 分成比例；不链接明细：明细为“实际到资”的到资记录。"), drill=False),
    ]


def _ranking_cells(item: dict, filters, holder: str, key: str = "") -> list:
    def linked(figure):
        return Linked(item[figure], link(FIGURE_DRILLS[figure], filters, holder=holder, holder_key=key or None))

    return [
        linked("projects"), linked("signed_count"), linked("signed_investment"), item["signed_investment_credited"],
        linked("landed_key_count"), item["landed_key_credited"], linked("starts_count"), linked("arrived"),
        item["arrived_credited"],
    ]


def credit_page(report: dict) -> Page:
    year, filters = report["year"], report["filters"]
    officers, units = report["officers"], report["units"]
    officer_totals, unit_totals = report["officer_totals"], report["unit_totals"]
    rule = _("业绩归属按项目的“业绩分成”记录；没有分成记录的项目 100% 归属其负责人（仅计入人员排名）。"
             "合计行每个项目只计一次（共享业绩不重复计算），折算值为各行之和。")
    tables = [
        Table(
            "officers", _("业绩排名：按人员"),
            _ranking_columns(_("人员"), _("分成记录中的人员；没有分成记录的项目归属其负责人。")),
            [[item["label"], *_ranking_cells(item, filters, "officer", item["key"])] for item in officers],
            total=[_("合计（项目去重）"), *_ranking_cells(officer_totals, filters, "officers")],
            chart=Chart("hbar", [4], colors=[GREEN]),
            note=rule,
        ),
        Table(
            "units", _("业绩排名：按单位"),
            _ranking_columns(_("单位"), _("分成记录中填写的单位（镇街或部门）；只计有单位分成记录的项目。")),
            [[item["label"], *_ranking_cells(item, filters, "unit", item["key"])] for item in units],
            total=[_("合计（项目去重）"), *_ranking_cells(unit_totals, filters, "units")],
            chart=Chart("hbar", [4], colors=[GREEN]),
            note=rule,
        ),
    ]
    assessment_rows = []
    for item in report["assessment"]:
        holder = {"park_wide": "all", "park": "park", "unit": "unit", "officer": "officer"}[item["holder_kind"]]
        href = link(FIGURE_DRILLS[item["figure"]], filters, holder=holder, holder_key=item["holder_key"] or None,
                    target_year=year)
        assessment_rows.append([
            item["holder_label"], item["holder_kind_label"], item["metric_label"], item["target"],
            Linked(item["actual"], href), item["credited_actual"], item["completion"], str(LEVEL_TEXT[item["level"]]),
        ])
    tables.append(Table(
        "assessment", _("%(year)s 年度考核") % {"year": year},
        [
            Column(_("考核对象")), Column(_("类型")), Column(_("指标")),
            Column(_("年度目标"), help=_("管理人员在后台“年度目标”中为该对象设定的目标（项目数按个，金额按万元）。"), drill=False),
            Column(_("实际（项目全额）"),
                   help=_("该对象归属项目的全年实际，与业绩排名同一口径（年度 1 月 1 日至 12 月 31 日），共享项目全额计入。")),
            Column(_("考核实际"), help=_("人员、单位按分成比例折算；全区、园区为实际（项目全额）。"), drill=False),
            Column(_("完成率"), "%", help=_("考核实际 / 年度目标。")),
            Column(_("进度"), help=_("完成率 ≥ 100% 为绿，≥ 60% 为黄，其余为红。")),
        ],
        assessment_rows,
        note=_("统计年度为统计区间截止日所在年度（%(year)s 年）；筛选园区时不列全区及其他园区的目标。") % {"year": year},
    ))
    kpis = [
        Kpi(_("%(metric)s（%(holder)s）") % {"metric": item["metric_label"], "holder": item["holder_label"]},
            cell_text(item["credited_actual"]), note=_("目标 %(target)s，完成 %(completion)s%%") % {
                "target": cell_text(item["target"]), "completion": cell_text(item["completion"])},
            level=completion_level(item["completion"]), href=row[4].href, key=f"park_wide.{item['metric']}",
            help=_("%(year)s 年全区实际与目标；完成率 ≥ 100%% 为绿，≥ 60%% 为黄，其余为红。") % {"year": year})
        for item, row in zip(report["assessment"], assessment_rows, strict=True) if item["holder_kind"] == "park_wide"
    ]
    return Page(kpis, tables)
