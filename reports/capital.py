"""The capital page (实际到资) laid out as cards and tables, and the provincial monthly return as Excel.

The page: cards for the total and each source (the same period a year earlier beside them: the pages' 同比), tables by source,
by month, by park and by chain; every count and sum opens its arrivals (``capital.count`` / ``capital.amount``,
registered in ``reports.selectors.capital``). The monthly return (``/reports/capital/monthly-return.xlsx?month=``)
follows the layout of the Zhejiang 招商引资 statistics monthly return (docs/reports.md says what it reproduces).
"""

import datetime as dt
import tempfile

from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from crm.models import CapitalSource, EvidenceKind
from crm.text import spreadsheet_value

from .access import manager_required
from .drill import link
from .excel import XLSX
from .selectors.capital import NO_PARK, monthly_return
from .tables import Chart, Column, Kpi, Linked, Page, Table, cell_text

SOURCE_COLOURS = {"in_province": "#0b5d63", "out_of_province": "#5b8def", "foreign": "#d4a72c"}


def capital_page(report: dict) -> Page:
    filters, totals = report["filters"], report["totals"]

    def count(value, **params):
        return Linked(value, link("capital.count", filters, **params))

    def amount(value, **params):
        return Linked(value, link("capital.amount", filters, **params))

    # The cards' 上年同期 is the page's generic 同比 (``tables.with_previous``), paired by these keys.
    kpis = [
        Kpi(_("实际到资"), cell_text(totals["amount"]), _("万元"), key="amount",
            note=_("%(count)s 笔") % {"count": totals["count"]},
            href=link("capital.amount", filters),
            help=_("统计区间内到资日期的全部到资记录折人民币金额之和（按到资当日汇率中间价折算），不论项目当前阶段。")),
        Kpi(_("到资笔数"), cell_text(totals["count"]), _("笔"), key="count", href=link("capital.count", filters),
            help=_("统计区间内登记的到资记录笔数（一次银行进账为一笔）。")),
    ]
    for source in report["by_source"]:
        kpis.append(Kpi(
            source["label"], cell_text(source["amount"]), _("万元"),
            note=_("占 %(share)s%%，%(count)s 笔") % {"share": cell_text(source["share"]), "count": source["count"]},
            href=link("capital.amount", filters, source=source["source"]),
            help=SOURCE_HELP[source["source"]], key=f"source.{source['source']}",
        ))

    by_source = Table(
        "by_source", _("按资金来源"),
        [Column(_("资金来源")), Column(_("笔数"), _("笔"), help=_("该来源的到资记录笔数。")),
         Column(_("到资金额"), _("万元"), help=_("该来源到资折人民币金额之和。")),
         Column(_("占比"), "%", help=_("该来源金额占实际到资合计的比例；比例本身不下钻，点金额看明细。"))],
        [[s["label"], count(s["count"], source=s["source"]), amount(s["amount"], source=s["source"]), s["share"]]
         for s in report["by_source"]],
        total=[_("合计"), count(totals["count"]), amount(totals["amount"]), None],
        chart=Chart("pie", [2], colors=[SOURCE_COLOURS[s.value] for s in CapitalSource]),
        note=_("内资（省内）、省外资金、外资的口径见统计说明（docs/reports.md）。"),
    )
    sources = list(CapitalSource)
    by_month = Table(
        "by_month", _("按月份"),
        [Column(_("月份")), Column(_("笔数"), _("笔"), help=_("到资日期在该月的到资记录笔数。")),
         Column(_("合计"), _("万元"), help=_("到资日期在该月的到资折人民币金额之和。")),
         *[Column(str(s.label), _("万元"), help=str(SOURCE_HELP[s.value])) for s in sources]],
        [[m["month"], count(m["count"], month=m["month"]), amount(m["amount"], month=m["month"]),
          *[amount(m["by_source"][s.value], month=m["month"], source=s.value) for s in sources]]
         for m in report["by_month"]],
        chart=Chart("stack", [3, 4, 5], colors=[SOURCE_COLOURS[s.value] for s in sources]),
        note=_("按到资日期所在月份统计。"),
    )
    by_park = Table(
        "by_park", _("按园区"),
        [Column(_("园区")), Column(_("笔数"), _("笔"), help=_("拟落地该园区的项目的到资记录笔数。")),
         Column(_("到资金额"), _("万元"), help=_("拟落地该园区的项目的到资折人民币金额之和；未定园区的单列。"))],
        [[p["park"], count(p["count"], in_park=p["park_id"] or NO_PARK), amount(p["amount"], in_park=p["park_id"] or NO_PARK)]
         for p in report["by_park"]],
        total=[_("合计"), count(totals["count"]), amount(totals["amount"])],
        chart=Chart("hbar", [2]),
        note=_("园区为项目的拟落地园区。"),
    )
    by_chain = Table(
        "by_chain", _("按产业链"),
        [Column(_("产业链")), Column(_("笔数"), _("笔"), help=_("该产业链项目的到资记录笔数。")),
         Column(_("到资金额"), _("万元"), help=_("该产业链项目的到资折人民币金额之和。"))],
        [[c["label"], count(c["count"], in_chain=c["chain"]), amount(c["amount"], in_chain=c["chain"])]
         for c in report["by_chain"]],
        total=[_("合计"), count(totals["count"]), amount(totals["amount"])],
        chart=Chart("pie", [2]),
    )
    return Page(kpis, [by_source, by_month, by_park, by_chain])


SOURCE_HELP = {
    "in_province": gettext_lazy("内资（省内资金）：浙江省内企业、机构或个人投入的境内资金，按到资当日折人民币。"),
    "out_of_province": gettext_lazy("省外资金：浙江省外（境内）企业、机构或个人投入的资金。"),
    "foreign": gettext_lazy("外资（实际使用外资）：境外投资者（含港澳台）投入的资金，按到资当日汇率中间价折人民币。"),
}


def page_links(filters, today: dt.date) -> list[tuple[str, str]]:
    """The monthly return of the period's last month (this month when the period runs on): the page's extra link."""
    from .selectors.capital import period_of

    _start, end = period_of(filters, today)
    month = min(end, today)
    url = reverse("reports:capital-monthly-return") + f"?month={month:%Y-%m}"
    return [(_("%(month)s 月报（Excel）") % {"month": f"{month:%Y-%m}"}, url)]


# -- the monthly return ---------------------------------------------------------------------------------------

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)
BOLD = Font(bold=True)


def _month_param(value: str | None) -> dt.date | None:
    try:
        month = dt.date.fromisoformat(f"{value}-01") if value and len(value) == 7 else None
    except ValueError:
        return None
    if month is None or not 2000 <= month.year <= timezone.localdate().year:
        return None
    return month


@require_safe
@manager_required
def monthly_return_export(request):
    """招商引资实际到位资金月报 for ``?month=YYYY-MM`` as Excel; a missing, malformed or future month is a 400."""
    month = _month_param(request.GET.get("month"))
    if month is None or "\x00" in request.GET.get("month", "") or month > timezone.localdate().replace(day=1):
        return render(request, "reports/bad_request.html", status=400)
    figures = monthly_return(month=month)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("实际到位资金月报")
    write_monthly_return(sheet, figures, now=timezone.now())
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes (and so deletes) it
    workbook.save(handle)
    handle.seek(0)
    filename = _("招商引资实际到位资金月报-%(month)s.xlsx") % {"month": f"{month:%Y%m}"}
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


def _put(sheet, row: int, column: int, value, *, bold=False, box=True, number=None, align=None):
    cell = sheet.cell(row=row, column=column, value=spreadsheet_value(value))
    if bold:
        cell.font = BOLD
    if box:
        cell.border = BOX
    if number:
        cell.number_format = number
    if align is not None:
        cell.alignment = align
    return cell


def write_monthly_return(sheet, figures: dict, *, now: dt.datetime) -> None:
    """The return's layout: title, 填报单位 / 所属月份 / 单位, the table of 实际到位资金 by source (本月, 1-本月累计,
    上年同期累计, 同比增长%), 外资 in 万美元, then the month's arrivals by project."""
    month = figures["month"]
    width = 8
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    _put(sheet, 1, 1, _("招商引资实际到位资金统计月报"), box=False, align=CENTRE).font = Font(bold=True, size=16)
    _put(sheet, 2, 1, _("填报单位：%(organization)s") % {"organization": figures["organization"]}, box=False)
    _put(sheet, 2, 4, _("所属月份：%(year)s 年 %(month)s 月") % {"year": month.year, "month": month.month}, box=False)
    _put(sheet, 2, 7, _("单位：万元、万美元"), box=False)

    headers = [_("指标名称"), _("计量单位"), _("本月"), _("1-%(month)s 月累计") % {"month": month.month},
               _("上年同期累计"), _("同比增长（%）")]
    for column, header in enumerate(headers, start=1):
        _put(sheet, 4, column, header, bold=True, align=CENTRE)
    row = 5
    for line in figures["lines"]:
        _put(sheet, row, 1, line["label"], bold=line is figures["lines"][0])
        _put(sheet, row, 2, _("万元"), align=CENTRE)
        for column, key in enumerate(("month", "to_date", "last_year", "growth"), start=3):
            _put(sheet, row, column, line[key] if line[key] is not None else "—", number="#,##0.00")
        row += 1
    usd = figures["foreign_usd"]
    _put(sheet, row, 1, usd["label"])
    _put(sheet, row, 2, _("万美元"), align=CENTRE)
    for column, key in enumerate(("month", "to_date", "last_year", "growth"), start=3):
        _put(sheet, row, column, usd[key] if usd[key] is not None else "—", number="#,##0.00")
    row += 1
    rate_note = (
        _("外资折美元按本月末（或之前最近一日）美元中间价 %(rate)s 元/美元；上年同期按上年同月末 %(previous)s。")
        % {"rate": figures["usd_rate"] or "—", "previous": figures["usd_rate_last_year"] or "—"}
        if figures["usd_rate"] is not None else _("缺少本月美元汇率中间价，外资未折美元；请在“汇率中间价”中登记。")
    )
    _put(sheet, row, 1, rate_note, box=False)
    row += 1
    _put(sheet, row, 1, _("说明：同比增长 = （1-本月累计 − 上年同期累计）÷ 上年同期累计 × 100%；上年同期为 0 时不计算。"),
         box=False)
    row += 2

    _put(sheet, row, 1, _("本月到资明细"), bold=True, box=False)
    row += 1
    item_headers = [_("序号"), _("项目名称"), _("投资方"), _("资金来源"), _("币种"), _("原币金额（元）"),
                    _("折人民币（万元）"), _("到资日期"), _("凭证")]
    for column, header in enumerate(item_headers, start=1):
        _put(sheet, row, column, header, bold=True, align=CENTRE)
    row += 1
    for number, arrival in enumerate(figures["items"], start=1):
        values = [number, arrival.project.name, arrival.project.enterprise.name, arrival.get_source_display(),
                  arrival.currency, arrival.original, arrival.amount, arrival.arrived_on,
                  str(EvidenceKind(arrival.evidence_kind).label) if arrival.evidence_kind else _("未上传")]
        for column, value in enumerate(values, start=1):
            number_format = "#,##0.00" if column in (6, 7) else "yyyy-mm-dd" if column == 8 else None
            _put(sheet, row, column, value, number=number_format)
        row += 1
    if not figures["items"]:
        _put(sheet, row, 1, _("本月无到资记录。"), box=False)
        row += 1
    row += 1
    _put(sheet, row, 1, _("生成时间：%(now)s") % {"now": f"{timezone.localtime(now):%Y-%m-%d %H:%M}"}, box=False)
    for column, width_ in enumerate((30, 28, 24, 16, 16, 16, 16, 12, 14), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width_
