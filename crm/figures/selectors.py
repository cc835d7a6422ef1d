"""The one reading of an enterprise's yearly figures: ``confirmed_figures``.

Only confirmed rows are facts. Several sources may give the same year's figure; per field the tax office's wins
(税务), then the statistics bureau's (统计), then the enterprise's own (企业自报) — the order a park trusts them in.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from crm.models import FIGURE_FIELDS, EnterpriseFigure

SOURCE_PRECEDENCE = (
    EnterpriseFigure.Source.TAX,
    EnterpriseFigure.Source.STATISTICS,
    EnterpriseFigure.Source.SELF_REPORTED,
)


@dataclass(frozen=True)
class Figures:
    """One enterprise's confirmed figures for one year, each field from the most trusted source that gives it."""

    enterprise_id: int
    year: int
    revenue: Decimal | None = None
    tax: Decimal | None = None
    industrial_output: Decimal | None = None
    value_added: Decimal | None = None
    rd_expense: Decimal | None = None
    energy_tce: Decimal | None = None
    land_mu: Decimal | None = None
    employees: int | None = None
    financing: Decimal | None = None
    # field name → the source (``EnterpriseFigure.Source``) its value came from
    sources: dict = field(default_factory=dict, compare=False)

    def source_label(self, name: str) -> str:
        source = self.sources.get(name)
        return EnterpriseFigure.Source(source).label if source else ""


def _merge(enterprise_id: int, year: int, rows: list[dict]) -> Figures:
    rank = {source: i for i, source in enumerate(SOURCE_PRECEDENCE)}
    values, sources = {}, {}
    for row in sorted(rows, key=lambda r: rank[r["source"]]):
        for name in FIGURE_FIELDS:
            if name not in values and row[name] is not None:
                values[name] = row[name]
                sources[name] = row["source"]
    return Figures(enterprise_id=enterprise_id, year=year, sources=sources, **values)


def confirmed_figures(enterprise_ids=None, year: int | None = None) -> dict[int, Figures]:
    """Per enterprise id, its confirmed figures of ``year`` — or, without a year, of its latest year with a
    confirmed row. ``enterprise_ids=None`` reads every enterprise (亩均's park averages). One query.

    An enterprise without a confirmed row (for that year) is absent from the result.
    """
    rows = EnterpriseFigure.objects.confirmed()
    if enterprise_ids is not None:
        rows = rows.filter(enterprise_id__in=list(enterprise_ids))
    if year is not None:
        rows = rows.filter(year=year)
    else:
        latest = (
            EnterpriseFigure.objects.confirmed()
            .filter(enterprise_id=OuterRef("enterprise_id"))
            .order_by("-year")
            .values("year")[:1]
        )
        rows = rows.filter(year=Subquery(latest))
    grouped: dict[tuple[int, int], list[dict]] = {}
    for row in rows.values("enterprise_id", "year", "source", *FIGURE_FIELDS):
        grouped.setdefault((row["enterprise_id"], row["year"]), []).append(row)
    return {eid: _merge(eid, y, group) for (eid, y), group in grouped.items()}


def figures_waiting():
    """The self-reported rows waiting for staff (待确认), oldest first, with their enterprise."""
    return EnterpriseFigure.objects.waiting().select_related("enterprise", "submitted_by").order_by("created_at")
