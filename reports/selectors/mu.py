"""The 亩均论英雄 page: every in-park enterprise's 亩均 class for a year, by class, with the figures that decided it.

The evaluation is ``parks.mu.mu_evaluate`` (the one reading, also shown on the enterprise admin page): this selector
only picks the enterprises (in the park, optionally of one sub-park), groups the results and sums per class.
Queries: the enterprises, then the method and every enterprise's confirmed figures of the year — three in all.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Enterprise
from parks.models import Park
from parks.mu import CLASSES, mu_evaluate

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class MuFilters:
    """The filters of the 亩均 page (``reports.forms.MuFilterForm``): the year, one class, one park."""

    year: int
    klass: str = ""
    park: Park | None = None

    def as_params(self) -> dict[str, str]:
        """The filters back as the page's GET parameters (``reports.drill.link`` carries them to a drill-down)."""
        params = {"year": str(self.year)}
        if self.klass:
            params["klass"] = self.klass
        if self.park is not None:
            params["park"] = str(self.park.pk)
        return params

    def describe(self) -> str:
        """The filters in words, for the page's subtitle and the Excel sheets' title row."""
        klass = str(CLASSES[self.klass]) if self.klass else _("全部")
        return _("；").join(
            [
                _("年度：%(year)s") % {"year": self.year},
                _("等级：%(klass)s") % {"klass": klass},
                _("园区：%(park)s") % {"park": self.park or _("全部")},
            ]
        )


def _sum(values) -> Decimal:
    return sum((Decimal(v) for v in values if v is not None), ZERO).quantize(CENT, rounding=ROUND_HALF_UP)


def _enterprises(filters: MuFilters):
    """The enterprises the page evaluates: in the park (of one sub-park when chosen)."""
    enterprises = Enterprise.objects.in_park().order_by("name")
    return enterprises.filter(park=filters.park) if filters.park is not None else enterprises


def _evaluated(filters: MuFilters) -> tuple[dict[int, str], dict]:
    """Each enterprise's name and its result by the one evaluation (``parks.mu.mu_evaluate``)."""
    names = dict(_enterprises(filters).values_list("pk", "name"))
    return names, mu_evaluate(names, filters.year)


def mu_report(*, filters: MuFilters, now: dt.datetime | None = None) -> dict:
    """Per class A–D the enterprises (score high to low) with their indicators and figures; the enterprises below the
    minimum land and those without a class (with the reason), each listed apart; a summary per class."""
    now = now or timezone.now()
    names, results = _evaluated(filters)

    def item(result):
        f = result.figures
        return {
            "enterprise_id": result.enterprise_id,
            "enterprise": names[result.enterprise_id],
            "klass": result.klass,
            "score": result.score,
            "tax_per_mu": result.tax_per_mu,
            "value_added_per_mu": result.value_added_per_mu,
            "value_added_per_energy": result.value_added_per_energy,
            "rd_ratio": result.rd_ratio,
            "tax": f.tax if f else None,
            "value_added": f.value_added if f else None,
            "energy_tce": f.energy_tce if f else None,
            "revenue": f.revenue if f else None,
            "rd_expense": f.rd_expense if f else None,
            "land_mu": f.land_mu if f else None,
            "reasons": "；".join(result.reasons),
        }

    classed = sorted(
        (item(r) for r in results.values() if r.klass), key=lambda i: (i["klass"], -i["score"], i["enterprise"])
    )
    summary = []
    for klass, label in CLASSES.items():
        members = [i for i in classed if i["klass"] == klass]
        tax, land = _sum(i["tax"] for i in members), _sum(i["land_mu"] for i in members)
        summary.append(
            {
                "klass": klass,
                "label": str(label),
                "count": len(members),
                "share": (Decimal(len(members)) * 100 / len(classed)).quantize(CENT, rounding=ROUND_HALF_UP)
                if classed
                else None,
                "tax": tax,
                "land_mu": land,
                "tax_per_mu": (tax / land).quantize(CENT, rounding=ROUND_HALF_UP) if land else None,
            }
        )
    if filters.klass:
        classed = [i for i in classed if i["klass"] == filters.klass]
    below = sorted((item(r) for r in results.values() if r.below_min_land), key=lambda i: i["enterprise"])
    unclassed = sorted(
        (item(r) for r in results.values() if not r.klass and not r.below_min_land), key=lambda i: i["enterprise"]
    )
    return {
        "as_of": now,
        "year": filters.year,
        "summary": summary,
        "enterprises": classed,
        "below_min_land": below,
        "unclassed": unclassed,
        "evaluated": sum(s["count"] for s in summary),
        "filters": filters,  # what the layout's drill-down links carry (reports.drill.link)
    }
