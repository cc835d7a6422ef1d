"""The drill-down lists of the mu page: each figure's rows, by the selector's own rules."""

from django.utils.translation import gettext_lazy

from parks.mu import CLASSES
from reports.drill import register
from reports.selectors import mu as selector
from reports.selectors.params import choice, label_of, titled

GROUPS = {
    "evaluated": lambda result: bool(result.klass),
    **{klass: (lambda result, klass=klass: result.klass == klass) for klass in CLASSES},
    "below_min_land": lambda result: result.below_min_land,
}


GROUP_LABELS = {"evaluated": gettext_lazy("参评企业"), **CLASSES, "below_min_land": gettext_lazy("用地不足、单独列出")}


@register("mu.enterprises", title=titled(gettext_lazy("亩均评价企业"), label_of("group", GROUP_LABELS)), page="mu", columns=(
    (gettext_lazy("企业"), "name"),
    (gettext_lazy("园区"), "park"),
))
def enterprise_rows(filters: selector.MuFilters, params: dict):
    """The enterprises of ``group``: every class (evaluated), one class (A–D), or below the minimum land. The class
    filter of the page narrows only its enterprise list, not these counts."""
    belongs = GROUPS[choice(params, "group", GROUPS)]
    _names, results = selector._evaluated(filters)
    chosen = [eid for eid, result in results.items() if belongs(result)]
    return selector._enterprises(filters).filter(pk__in=chosen).select_related("park")
