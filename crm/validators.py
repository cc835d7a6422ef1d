"""Validators for identifiers of Chinese enterprises, and the window of dates anyone may enter."""

import datetime as dt

from django.core.exceptions import ValidationError
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
