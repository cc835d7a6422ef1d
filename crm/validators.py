"""Validators for identifiers of Chinese enterprises, what text may be typed, and the window of dates anyone may enter."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength


def normalize_credit_code(value: str) -> str:
    """Upper-case and strip spaces and dashes, as officers paste codes from many sources."""
    return uscc.compact(value or "")


def validate_credit_code(value: str) -> None:
    """统一社会信用代码 (GB 32100-2015): 18 characters whose last one is a check character."""
    try:
        uscc.validate(value)
    except InvalidLength:
        raise ValidationError(
            _("统一社会信用代码应为 18 位，当前为 %(n)s 位。"), code="length", params={"n": len(uscc.compact(value))}
        ) from None
    except InvalidChecksum:
        raise ValidationError(
            _("统一社会信用代码校验位不正确（最后一位应为 %(c)s），请核对。"),
            code="checksum",
            params={"c": uscc.calc_check_digit(uscc.compact(value)[:-1])},
        ) from None
    except (InvalidFormat, InvalidComponent):
        raise ValidationError(
            _("统一社会信用代码格式不正确：只能包含数字和除 I、O、Z、S、V 以外的大写字母。"), code="format"
        ) from None


_PHONE_SEPARATORS = re.compile(r"[\s\-－()（）]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}\d{7,8}")


def normalize_phone(value) -> str:
    """A contact's phone as a clerk types it: a mobile (13812345678, +86 138 1234 5678) or a landline with its area
    code (0571-88886666); spaces, dashes and brackets are dropped, a landline keeps one dash after its area code.
    A number cell (13812345678.0 in Excel) is read as its digits. Blank stays blank; anything else is refused."""
    if value is None or value == "":
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    digits = _PHONE_SEPARATORS.sub("", str(value).strip())
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if _MOBILE.fullmatch(digits):
        return digits
    if _LANDLINE.fullmatch(digits):
        area = 3 if digits[1] in "12" else 4  # 010 and 02x are three digits long, the others four
        return f"{digits[:area]}-{digits[area:]}"
    raise ValidationError(_("请填写 11 位手机号，或带区号的固定电话（如 0571-88886666）。"), code="phone")


EARLIEST_DATE = dt.date(1949, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)
"""The window of every date a person enters (a project's expected signing, a follow-up, a milestone, a lease, an
approval step's due time...): wide enough for any founding date on a business licence and any plan, narrow enough
that a slip of the keyboard (year 1, year 9999) is refused rather than stored and breaking the SLA clock, the
reminders and the reports downstream. The model fields carry it, so the admin, the portal, the API and the import
refuse alike; the plain forms and serializers that take a date name it too."""


def validate_plausible_date(value) -> None:
    """A date (or a date and time) within ``EARLIEST_DATE``..``LATEST_DATE``."""
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            _("日期应在 %(earliest)s 至 %(latest)s 之间，请核对年份。"),
            code="date_out_of_range",
            params={"earliest": EARLIEST_DATE.isoformat(), "latest": LATEST_DATE.isoformat()},
        )


# ---- what text may be typed ----------------------------------------------------------------------------
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
