"""How a cell becomes a value: the parsers of the onboarding columns, each refusing with a Chinese message.

A parser takes what openpyxl (or the CSV reader) gives — text, a number, a date, ``None`` — and returns the value,
or raises ``ValueError`` with the message shown beside the row and column. Amounts, dates and choices are read as
the leads import reads them (``crm.admin.resources``: “1,200.5”, 2026年12月31日, the Chinese label or the code).

A choice is resolved through the model field's own choices (``choice(Model, "field")``), so when a list becomes rows
(issue 14 item 1) only ``choice`` changes: a lookup of the row by its label or code.
"""

import datetime as dt
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from crm.admin.resources import AmountWidget, ChoiceLabelWidget, LocalDateWidget
from crm.validators import normalize_credit_code, normalize_phone

_AMOUNT = AmountWidget()
_DATE = LocalDateWidget()


def text(value) -> str:
    """A text cell: stripped; a whole number typed in a text column (a phone, a unit “301”) reads without “.0”."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def decimal(value) -> Decimal | None:
    try:
        return _AMOUNT.clean(value)
    except ValueError:
        raise ValueError(_("请输入数字。")) from None


def integer(value) -> int | None:
    number = decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise ValueError(_("请输入整数。"))
    return int(number)


def date(value) -> dt.date | None:
    return _DATE.clean(value)


def boolean(value) -> bool:
    word = text(value).lower()
    if word in ("", "否", "n", "no", "false", "0"):
        return False
    if word in ("是", "y", "yes", "true", "1"):
        return True
    raise ValueError(_("请填写“是”或“否”。"))


def phone(value) -> str:
    try:
        return normalize_phone(value)
    except ValidationError as error:
        raise ValueError(error.messages[0]) from None


def credit_code(value) -> str:
    return normalize_credit_code(text(value))


def choice(model, field_name: str, *, default=None):
    """A parser reading the Chinese label or the code of ``model.field_name``'s choices; blank → ``default`` (the
    field's own default when not given)."""

    widget = None

    def parse(value):
        nonlocal widget
        if widget is None:  # built on the first cell, once per file (a spec is made per file): labels read once
            field = model._meta.get_field(field_name)
            fallback = default if default is not None else (field.default if field.has_default() else "")
            widget = ChoiceLabelWidget(field.choices, fallback)
        return widget.clean(text(value))

    def label(code) -> str:
        """How the preview shows a value read: by its Chinese label."""
        if widget is None:
            return str(code or "")
        return widget.render(code)

    parse.label = label
    return parse


def outline(value) -> dict | None:
    """A parcel's outline: GeoJSON (a Polygon, or a Feature holding one) or its corners as “经度,纬度; 经度,纬度; …”
    (at least three; the ring is closed for you). The model's ``validate_polygon`` then checks the ranges."""
    raw = text(value)
    if not raw:
        return None
    if raw.startswith("{"):
        try:
            shape = json.loads(raw)
        except ValueError:
            raise ValueError(_("轮廓不是有效的 GeoJSON。")) from None
        if isinstance(shape, dict) and shape.get("type") == "Feature":
            shape = shape.get("geometry")
        return shape
    points = []
    for pair in raw.replace("；", ";").replace("，", ",").split(";"):
        if not pair.strip():
            continue
        parts = [part.strip() for part in pair.split(",")]
        try:
            lng, lat = (float(part) for part in parts)
        except ValueError:
            raise ValueError(
                _("角点坐标应写作“经度,纬度; 经度,纬度; …”，无法读取“%(pair)s”。") % {"pair": pair.strip()}
            ) from None
        points.append([lng, lat])
    if len(points) < 3:
        raise ValueError(_("角点坐标至少需要 3 个点。"))
    if points[0] != points[-1]:
        points.append(list(points[0]))
    return {"type": "Polygon", "coordinates": [points]}
