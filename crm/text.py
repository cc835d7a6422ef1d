"""How figures read in Chinese (10,000 万元, 1,300 m², 20 人), and how text is written to a spreadsheet.

What text may be typed is ``crm.validators`` (the models may import it)."""

import re
from decimal import Decimal

from django.utils.translation import gettext as _


def number(value) -> str:
    """``Decimal("10000.00")`` → ``10,000``; ``Decimal("170.82")`` → ``170.82``; ``20`` → ``20``."""
    if value is None:
        return "—"
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def wan(value) -> str:
    """An amount in 万元: ``8,000 万元``."""
    return _("%(value)s 万元") % {"value": number(value)}


def percent(part, whole) -> str | None:
    """``3000`` of ``10000`` → ``30%``; None when there is nothing to divide by."""
    if not whole:
        return None
    return f"{Decimal(part) * 100 / Decimal(whole):.0f}%"


# ---- how text is written to a spreadsheet ----------------------------------------------------------

_SURROGATE = re.compile(r"[\ud800-\udfff]")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what XML 1.0 (and so openpyxl) cannot hold


def spreadsheet_value(value):
    """A value as an export writes it to a cell: numbers, dates and booleans as they are; text as text.

    Text is neutralised by OWASP's rule for CSV and formula injection: one starting with ``=``, ``+``, ``-``, ``@``,
    a tab or a carriage return gets a leading apostrophe (``'=HYPERLINK(...)``), so no spreadsheet evaluates it
    and the reader still sees what was typed. The apostrophe is kept in the cell rather than hidden as Excel's
    quote prefix because every reader (Excel, WPS, LibreOffice, a CSV) honours it alike. Characters a workbook
    cannot hold (control characters stored before they were refused at input, a lone surrogate) are dropped or
    replaced, so one such row never makes a whole export fail.
    """
    if not isinstance(value, str):
        return value
    value = _ILLEGAL_IN_XLSX.sub("", _SURROGATE.sub("\N{REPLACEMENT CHARACTER}", value))
    if value.startswith(FORMULA_TRIGGERS):
        value = "'" + value
    return value
