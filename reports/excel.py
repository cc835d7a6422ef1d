"""Excel export of a report page: one workbook per page, one sheet per table, written with openpyxl.

Each sheet opens with a title row naming the page, the table and the filters, then a row with the
time it was made and the table's note, then the headers (with units: 万元, 亿元, m², %) and the rows;
a total row is bold. Numbers stay numbers (formatted with thousands separators), so a manager can sum
them again in Excel; text is written as text by ``crm.text.spreadsheet_value`` (a title typed as a formula is
neutralised, a control character stored before input refused it is dropped). The workbook is written in openpyxl's write-only mode to a temporary file and
streamed back from there, so a long sheet (every overdue request) never sits in memory as a whole.
"""

import datetime as dt
import re
import tempfile
from collections.abc import Iterable
from decimal import Decimal

from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from crm.text import spreadsheet_value
from reports.selectors.common import ReportFilters
from reports.selectors.service import overdue_item, overdue_requests

from .forms import describe
from .tables import Table, overdue_row, unlinked

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TITLE_FONT = Font(bold=True, size=13)
NOTE_FONT = Font(italic=True, color="59636E")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="0B5D63")
TOTAL_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def sheet_name(title: str, used: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    name = re.sub(r"[\[\]:*?/\\]", "", title)[:31] or "Sheet"
    candidate, n = name, 2
    while candidate in used:
        suffix = f"（{n}）"
        candidate, n = name[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate)
    return candidate


def _cell(sheet, value, *, font=None):
    value = unlinked(value)
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).replace(tzinfo=None)
    cell = WriteOnlyCell(sheet, value=spreadsheet_value(value))
    if isinstance(value, bool):
        pass
    elif isinstance(value, int):
        cell.number_format = "#,##0"
    elif isinstance(value, Decimal):
        cell.number_format = "#,##0.00"
    elif isinstance(value, dt.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    if font is not None:
        cell.font = font
    return cell


def write_table(workbook: Workbook, table: Table, *, page_title: str, filters: ReportFilters, now: dt.datetime,
                rows: Iterable[list] | None = None, note: str | None = None, used: set[str]) -> None:
    sheet = workbook.create_sheet(sheet_name(table.title, used))
    widths = [max(10, min(48, len(c.header) * 2 + 2)) for c in table.columns]
    widths[0] = max(widths[0], 24)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    title = _cell(sheet, f"{page_title} · {table.title}（{describe(filters)}）", font=TITLE_FONT)
    sheet.append([title])
    made = _("生成时间：%(now)s") % {"now": f"{timezone.localtime(now):%Y-%m-%d %H:%M}"}
    stop = _("。")
    sheet.append([_cell(sheet, f"{made}{stop}{note if note is not None else table.note}".rstrip(stop) + stop, font=NOTE_FONT)])
    sheet.append([])
    headers = []
    for column in table.columns:
        cell = _cell(sheet, column.header, font=HEADER_FONT)
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
        headers.append(cell)
    sheet.append(headers)
    for row in table.rows if rows is None else rows:
        sheet.append([_cell(sheet, value) for value in row])
    if table.total:
        sheet.append([_cell(sheet, value, font=TOTAL_FONT) for value in table.total])


def workbook_response(*, page: str, title: str, tables: list[Table], filters: ReportFilters, now: dt.datetime):
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for table in tables:
        rows, note = None, None
        if table.key == "overdue":
            # The page lists the most overdue requests; the export lists every one, read in chunks.
            requests = overdue_requests(filters=filters, now=now).iterator(chunk_size=2000)
            rows = (overdue_row(overdue_item(request, now)) for request in requests)
            note = _("全部超期未办结诉求，按超期时长从长到短")
        write_table(workbook, table, page_title=title, filters=filters, now=now, rows=rows, note=note, used=used)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes (and so deletes) it
    workbook.save(handle)
    handle.seek(0)
    filename = _("%(title)s报表-%(now)s.xlsx") % {"title": title, "now": f"{timezone.localtime(now):%Y%m%d-%H%M}"}
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)
