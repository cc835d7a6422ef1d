"""Validators for identifiers of Chinese enterprises."""

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
