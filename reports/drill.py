"""Drill-down: every figure of a report opens the rows behind it, filtered the same way, with the same count.

A figure registers how to find its rows — ``register("pipeline.stage", title=..., page="pipeline")`` on a
function ``rows(filters, params) -> QuerySet`` — and the report's layout links the figure's cell with
``link("pipeline.stage", filters, stage="signed")``. The link opens ``/reports/rows/<key>/``: the rows, their
count (equal to the figure: ``tests/reports/test_drill_equality.py`` walks every figure), and an Excel export.
``filters`` are the page's validated filters; ``params`` the figure's own (a stage, an officer, a source…),
passed as GET parameters next to the filters and read back as strings.

Where things live: each page's figures are registered in ``reports/figures/<page>.py`` (imported at start-up by
``ReportsConfig.ready``), their rows built by the same functions the page's selector aggregates (one reading of
each rule); a selector's answer carries ``"filters"`` (those it computed under), so its layout links with exactly
them. A figure whose own parameter names nothing raises ``BadParameter`` (the list answers 400).
"""

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse


class BadParameter(ValueError):
    """A figure's own parameter that does not name anything (an unknown stage, breakdown or colour): a 400."""


@dataclass(frozen=True)
class DrillFigure:
    key: str
    title: object  # text, or a callable ``title(params)`` naming the figure with its parameters in words
    page: str  # the report page whose filter form reads the filters back
    rows: Callable[..., QuerySet]
    # Optional: the column summed to give the figure when it is an amount (e.g. "total_investment").
    sum_field: str = ""
    columns: tuple = field(default_factory=tuple)


FIGURES: dict[str, DrillFigure] = {}


def register(key: str, *, title, page: str, sum_field: str = "", columns: tuple = ()):
    """Decorator: ``rows(filters, params)`` gives the queryset behind figure ``key``."""

    def decorator(rows):
        FIGURES[key] = DrillFigure(key, title, page, rows, sum_field, tuple(columns))
        return rows

    return decorator


def filter_params(filters) -> dict[str, str]:
    """A page's validated filters back as GET parameters (model choices by primary key, dates ISO)."""
    if hasattr(filters, "as_params"):
        return filters.as_params()
    params = {}
    names = [f.name for f in dataclasses.fields(filters)] if dataclasses.is_dataclass(filters) else [
        "start", "end", "park", "chain", "owner"]
    for name in names:
        value = getattr(filters, name, None)
        if value is None or value == "":
            continue
        if isinstance(value, list | tuple | set | frozenset):
            continue  # not a single GET parameter; a page with such a filter defines ``as_params``
        params[name] = str(value.pk) if hasattr(value, "pk") else value.isoformat() if hasattr(value, "isoformat") else str(value)
    return params


def title_of(figure: DrillFigure, params: dict) -> str:
    return str(figure.title(params) if callable(figure.title) else figure.title)


def link(key: str, filters=None, /, **params) -> str:
    """The drill-down list of figure ``key`` under ``filters`` with the figure's own ``params``."""
    if key not in FIGURES:
        raise KeyError(f"no drill-down registered for {key!r}")
    query = {**(filter_params(filters) if filters is not None else {}),
             **{k: str(v) for k, v in params.items() if v is not None}}
    url = reverse("reports:rows", args=[key])
    return f"{url}?{urlencode(query)}" if query else url
