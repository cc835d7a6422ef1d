"""How a cell becomes a value: the parsers of the onboarding columns, each refusing with a Chinese message.

A parser takes what openpyxl (or the CSV reader) gives — text, a number, a date, ``None`` — and returns the value,
or raises ``ValueError`` with the message shown beside the row and column. Amounts, dates and choices are read as
the leads import reads them (``crm.admin.resources``: “1,200.5”, 2026年12月31日, the Chinese label or the code).

A choice is resolved through the model field (``choice(Model, "field")``): its own choices, or — for a field of an
editable list (issue 14 item 1, a field with ``list_model``) — the list's active entries, by name or code.
"""

import datetime as dt
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from crm.admin.resources import AmountWidget, LocalDateWidget
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


def _options(field) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """(what a new record may choose, every code's label) of a choice field — or of an editable list's field
    (``list_model``, issue 14 item 1): its active entries to choose, retired ones still named."""
    list_model = getattr(field, "list_model", None)
    if list_model:
        from crm.models.lists import list_choices, list_labels

        return list_choices(list_model), list_labels(list_model)
    choices = [(str(code), str(label)) for code, label in field.choices or []]
    return choices, dict(choices)


def choice(model, field_name: str, *, default=None):
    """A parser reading the Chinese label or the code of ``model.field_name``'s choices (or list entries); blank →
    ``default`` (the field's own default when not given). Its ``label`` shows a code by its label in the preview."""
    options = None

    def parse(value):
        nonlocal options
        field = model._meta.get_field(field_name)
        if options is None:  # read on the first cell, once per file (a spec is made per file)
            options = _options(field)
        choices, _labels = options
        word = text(value)
        if not word:
            return default if default is not None else (field.default if field.has_default() else "")
        by_label = {label: code for code, label in choices}
        if word in dict(choices):
            return word
        if word in by_label:
            return by_label[word]
        raise ValueError(_("无法识别“%(value)s”，可填：%(labels)s。") % {"value": word, "labels": "、".join(by_label)})

    def label(code) -> str:
        labels = options[1] if options is not None else {}
        return labels.get(code, str(code or ""))

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
