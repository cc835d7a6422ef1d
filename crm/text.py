"""Text rules: how figures read in Chinese (10,000 万元, 1,300 m², 20 人), what text may be typed, and how text is
written to a spreadsheet."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


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
    return f"{number(value)} 万元"


def percent(part, whole) -> str | None:
    """``3000`` of ``10000`` → ``30%``; None when there is nothing to divide by."""
    if not whole:
        return None
    return f"{Decimal(part) * 100 / Decimal(whole):.0f}%"


# ---- what may be typed, and how text is written to a spreadsheet --------------------------------------
#
# One reading of "text" for every interface: the model fields carry these validators (so ModelForms in the admin
# and the portal, ModelSerializers and every service calling ``full_clean`` apply them), and the plain forms and
# serializers that write text name them too (tests/security/test_control_characters.py walks them all).

LONG_TEXT_MAX_LENGTH = 10_000
"""The longest free text kept (a description, a note, a follow-up): about five pages of Chinese."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_IN_LONG_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # a line break (\n, \r) and \t may stay
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _refuse(value, pattern) -> None:
    if not isinstance(value, str):
        return
    found = _SURROGATE.search(value)
    if found:
        raise ValidationError(
            _("含有无效字符（U+%(code)04X，不成对的代理字符），请删除后重新输入。"),
            code="surrogate", params={"code": ord(found.group())},
        )
    found = pattern.search(value)
    if found:
        raise ValidationError(
            _("不能包含控制字符（U+%(code)04X），请删除后重新输入。"), code="control_character",
            params={"code": ord(found.group())},
        )


def validate_line(value) -> None:
    """A one-line text (a name, a title): no control character at all — not even a line break or a tab."""
    _refuse(value, _CONTROL)


def validate_long_text(value) -> None:
    """A free text (a description, a note): line breaks and tabs are kept, any other control character refused."""
    _refuse(value, _CONTROL_IN_LONG_TEXT)


LINE_VALIDATORS = [validate_line]
LONG_TEXT_VALIDATORS = [validate_long_text, MaxLengthValidator(LONG_TEXT_MAX_LENGTH)]

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
