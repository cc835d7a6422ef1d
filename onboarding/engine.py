"""The onboarding engine: one reading of a file for the admin's 数据导入 page and ``manage.py import_data``.

A file is read twice, row by row (openpyxl ``read_only``, or a CSV), so memory stays flat whatever its size:

1. **check** — every row is parsed and checked (its cells, the model's own field rules, the natural key against
   the file's other rows and what exists): every bad row is collected with its Excel row number, its Chinese
   column and a Chinese message, and the rows to create and to update are counted;
2. **write** — only when no row is bad, the file is read again and written in one transaction through the
   kind's spec (the existing services where they exist). A write refused after all (a race with a clerk) rolls
   the whole file back and is reported like a bad row.

Re-importing the same file updates every row by its natural key and creates none. What each kind reads, and
its natural key, is its ``Spec`` in ``onboarding.specs``.
"""

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from crm.admin.resources import row_message
from crm.errors import DomainError
from crm.roles import Work, require_role
from crm.text import spreadsheet_value

PREVIEW_ROWS = 200  # rows of the preview's table; the counts cover the whole file


@dataclass(frozen=True)
class Column:
    header: str  # the Chinese header, as the template writes it
    key: str  # the spec's value name (usually the model field)
    parse: Callable[[Any], Any]
    required: bool = False
    example: Any = ""
    note: str = ""


class RowError(ValueError):
    """A row refused: ``errors`` is a list of (column header or None, message)."""

    def __init__(self, errors):
        super().__init__("; ".join(message for _column, message in errors))
        self.errors = errors


@dataclass
class Problem:
    row: int
    column: str | None
    message: str

    def __str__(self):
        return row_message(self.row, self.column, self.message)


@dataclass
class Report:
    """What a check (and a write) found: counts, every bad row, warnings, and the first rows for the preview."""

    kind: str
    headers: list[str] = field(default_factory=list)
    rows: int = 0
    creates: int = 0
    updates: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)  # {"row", "action", "cells"}
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> int:
        return len({problem.row for problem in self.errors})


class Spec:
    """One kind of import: its columns, its natural key, how a row is checked and how it is written.

    ``load`` reads what the check needs from the database once (the natural keys that exist, the enterprises by
    credit code, the parks by name…); ``key`` gives a row's natural key; ``check`` raises ``RowError`` or returns
    warnings; ``write`` creates or updates through the services. ``values`` are the parsed cells by column key.
    """

    kind = ""
    title = ""  # “企业”
    work: Work = Work.ENTERPRISES  # who may import it (crm.roles.WHO_DOES)
    model = None
    columns: list[Column] = []
    key_note = ""  # the natural key, in words, for the template's notes and the preview

    def load(self) -> None:
        """Read what ``check`` needs, once per file."""

    def key(self, values: dict):
        raise NotImplementedError

    def existing(self, key):
        """The pk of the stored row holding ``key``, or None."""
        raise NotImplementedError

    def check(self, values: dict, pk) -> list[tuple[str | None, str]]:
        return []

    def write(self, values: dict, pk, *, actor) -> None:
        raise NotImplementedError

    def remember(self, values: dict, key) -> None:
        """After a checked new row: later rows of the file see it (e.g. an enterprise's name is taken)."""

    # ---- helpers for the specs ----
    def header_of(self, key: str) -> str | None:
        if key == NON_FIELD_ERRORS:
            return None
        for column in self.columns:
            if column.key in (key, f"{key}_id"):
                return column.header
        try:
            return str(self.model._meta.get_field(key).verbose_name)
        except (FieldDoesNotExist, AttributeError):
            return None

    def model_errors(self, error: ValidationError | DomainError) -> list[tuple[str | None, str]]:
        """A ``full_clean``'s (or a service's) errors as (column, message), in the template's column order."""
        if isinstance(error, DomainError):
            found = error.as_dict()
            if not isinstance(found, dict):
                found = {"detail": [str(found)]}
        else:
            found = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
        order = [column.header for column in self.columns]
        pairs = []
        for key, messages in found.items():
            header = None if key == "detail" else self.header_of(key)
            for message in [messages] if isinstance(messages, str) else messages:
                pairs.append((header, str(message)))
        return sorted(pairs, key=lambda pair: order.index(pair[0]) if pair[0] in order else len(order))


# ---- reading a file row by row ------------------------------------------------------------------------

def _header(text) -> str:
    """A header as typed, compared as the template writes it: no spaces, full-width brackets."""
    return str(text or "").replace(" ", "").replace("\u3000", "").replace("(", "（").replace(")", "）").strip()


def read_rows(path: str | Path) -> Iterator[tuple[int, tuple]]:
    """(Excel row number, cells) for every row of the first sheet, the header (row 1) first; wholly blank rows are
    skipped. ``.csv`` files are read as UTF-8 (with or without BOM) or GB18030, as Excel saves them in China."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        encoding = "utf-8-sig"
        try:
            with path.open(encoding=encoding) as probe:
                for _line in probe:  # line by line: the whole file is never in memory
                    pass
        except UnicodeDecodeError:
            encoding = "gb18030"
        with path.open(newline="", encoding=encoding) as handle:
            for number, cells in enumerate(csv.reader(handle), start=1):
                if any(str(cell).strip() for cell in cells):
                    yield number, tuple(cells)
        return
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if any(cell is not None and str(cell).strip() for cell in cells):
                yield number, cells
    finally:
        book.close()


def _cell(cells: tuple, index: int | None):
    return cells[index] if index is not None and index < len(cells) else None


def _parse_row(spec: Spec, positions: dict[str, int], cells: tuple):
    values, errors = {}, []
    for column in spec.columns:
        raw = _cell(cells, positions.get(column.header))
        if column.required and (raw is None or str(raw).strip() == ""):
            errors.append((column.header, _("必填，不能为空。")))
            continue
        try:
            values[column.key] = column.parse(raw)
        except (ValueError, ValidationError) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else str(error)
            errors.append((column.header, message))
    return values, errors


def _positions(spec: Spec, header_cells: tuple) -> dict[str, int]:
    by_typed = {_header(column.header): column.header for column in spec.columns}
    headers = [by_typed.get(_header(cell), _header(cell)) for cell in header_cells]
    known = [column.header for column in spec.columns]
    unknown = [header for header in headers if header and header not in known]
    missing = [column.header for column in spec.columns if column.required and column.header not in headers]
    if unknown or missing:
        problems = [_("无法识别的列「%(column)s」") % {"column": column} for column in unknown]
        problems += [_("缺少「%(column)s」列") % {"column": column} for column in missing]
        raise RowError([(None, _("%(problems)s。请使用导入模板中的列名：%(known)s。") % {
            "problems": "；".join(problems), "known": "、".join(known),
        })])
    return {header: index for index, header in enumerate(headers) if header}


def _display(column: Column, value, raw) -> str:
    """A cell as the preview shows it: a choice by its label, a looked-up row (企业, 园区, 负责人) as typed."""
    if hasattr(column.parse, "label"):
        return column.parse.label(value)
    if column.key.endswith("_id"):
        return "" if raw is None else str(raw).strip()
    if value is None:
        return ""
    if isinstance(value, dict):
        return _("已填写")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return str(value)


def _other_errors(spec: Spec, values: dict, errors: list) -> list:
    """A row with unreadable cells is still checked on the cells that were read, so that one upload lists every
    mistake of the row; the columns already refused are not named twice."""
    refused = {column for column, _message in errors}
    try:
        spec.check(values, None)
    except RowError as error:
        return [(column, message) for column, message in error.errors if column not in refused]
    except (KeyError, TypeError, ValueError, AttributeError):  # a check needing a cell that could not be read
        return []
    return []


def check_file(spec: Spec, path, *, progress: Callable[[int], None] | None = None, every: int = 1000) -> Report:
    """Pass 1: every row parsed and checked, nothing written."""
    report = Report(kind=spec.kind, headers=[column.header for column in spec.columns])
    spec.load()
    rows = read_rows(path)
    try:
        _number, header_cells = next(rows)
    except StopIteration:
        report.errors.append(Problem(1, None, _("文件是空的：第 1 行应为列名。")))
        return report
    except Exception:
        report.errors.append(Problem(1, None, _("无法读取文件，请上传 .xlsx 或 .csv 文件。")))
        return report
    try:
        positions = _positions(spec, header_cells)
    except RowError as error:
        report.errors.extend(Problem(1, column, message) for column, message in error.errors)
        return report
    seen: dict = {}
    order = {column.header: index for index, column in enumerate(spec.columns)}
    try:
        for number, cells in rows:
            report.rows += 1
            values, errors = _parse_row(spec, positions, cells)
            pk = None
            if not errors:
                key = spec.key(values)
                if key in seen:
                    errors.append((None, _("与第 %(row)s 行重复（%(key)s）。") % {"row": seen[key], "key": spec.key_note}))
                else:
                    seen[key] = number
                    pk = spec.existing(key)
                    try:
                        for column, message in spec.check(values, pk):
                            report.warnings.append(Problem(number, column, message))
                    except RowError as error:
                        errors.extend(error.errors)
                    else:
                        if pk is None:
                            spec.remember(values, key)
            else:
                errors.extend(_other_errors(spec, values, errors))
            errors.sort(key=lambda error: order.get(error[0], len(order)))  # left to right, as in the file
            for column, message in errors:
                report.errors.append(Problem(number, column, message))
            if not errors:
                if pk is None:
                    report.creates += 1
                else:
                    report.updates += 1
            if len(report.preview) < PREVIEW_ROWS:
                report.preview.append({
                    "row": number,
                    "action": _("有误") if errors else (_("新建") if pk is None else _("更新")),
                    "cells": [
                        _display(column, values.get(column.key), _cell(cells, positions.get(column.header)))
                        for column in spec.columns
                    ],
                })
            if progress and report.rows % every == 0:
                progress(report.rows)
    except Exception:
        report.errors.append(Problem(report.rows + 1, None, _("无法读取文件，请上传 .xlsx 或 .csv 文件。")))
    return report


def import_file(spec: Spec, path, *, actor, dry_run: bool = False,
                progress: Callable[[int], None] | None = None, every: int = 1000) -> Report:
    """Check the file; when no row is bad (and not ``dry_run``), write every row in one transaction.

    Only the roles that may change the kind's data (``spec.work`` in ``crm.roles.WHO_DOES``) may import it:
    ``DomainError`` (forbidden) before anything is read.
    """
    require_role(actor, spec.work)
    report = check_file(spec, path, progress=progress, every=every)
    if not report.ok or dry_run:
        return report
    spec.load()  # afresh: the check's own remembered rows are not stored ones
    rows = read_rows(path)
    _number, header_cells = next(rows)
    positions = _positions(spec, header_cells)
    try:
        with transaction.atomic():
            for count, (number, cells) in enumerate(rows, start=1):
                values, errors = _parse_row(spec, positions, cells)
                try:
                    if errors:
                        raise RowError(errors)
                    spec.write(values, spec.existing(spec.key(values)), actor=actor)
                except RowError as error:
                    report.errors.extend(Problem(number, column, message) for column, message in error.errors)
                    raise
                except (DomainError, ValidationError) as error:
                    report.errors.extend(Problem(number, column, message) for column, message in spec.model_errors(error))
                    raise
                if progress and count % every == 0:
                    progress(count)
    except (RowError, DomainError, ValidationError):
        return report
    report.written = True
    return report


# ---- the template ----------------------------------------------------------------------------------

def template(spec: Spec) -> bytes:
    """The kind's template: its Chinese headers, one example row that imports as it is, and a 填写说明 sheet.

    Every cell goes through ``crm.text.spreadsheet_value`` (nothing in it is ever a formula)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = str(spec.title)
    sheet.append([column.header for column in spec.columns])
    sheet.append([spreadsheet_value(column.example) for column in spec.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(spec.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.header) * 2 + 2)
        if column.parse.__name__ == "date":
            sheet.cell(row=2, column=index).number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(_("填写说明"))
    notes.append([_("列"), _("必填"), _("说明")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for column in spec.columns:
        notes.append([column.header, _("是") if column.required else "", spreadsheet_value(str(column.note))])
    notes.append([])
    notes.append([_("重复导入"), "", spreadsheet_value(_("按%(key)s更新已有记录，不会重复新建。") % {"key": spec.key_note})])
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["C"].width = 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
