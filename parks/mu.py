"""亩均论英雄: each enterprise's 亩均效益 for a year, scored and classed A/B/C/D by the active ``MuMethod``.

The method (docs/mu-average.md, after Zhejiang's 工业企业亩均效益综合评价): four indicators from the enterprise's
confirmed yearly figures (``crm.figures.selectors.confirmed_figures``, the one reading of them) —

- 亩均税收 = 税收 ÷ 用地面积 (万元/亩)
- 亩均增加值 = 工业增加值 ÷ 用地面积 (万元/亩)
- 单位能耗增加值 = 工业增加值 ÷ 综合能耗 (万元/吨标煤)
- 研发经费占比 = 研发投入 ÷ 营业收入 × 100 (%)

Each indicator's score is value ÷ benchmark × weight, at least 0 and at most ``cap_ratio`` × weight; the benchmark is
the method's, or when blank the park's average that year over the evaluated enterprises (total ÷ total, so a big
enterprise weighs as its size). The score is the sum. By score (``class_by`` = score): ≥ A's threshold is A (优先发展),
≥ B's is B (鼓励提升), ≥ C's is C (整治提升), below is D (倒逼转型); by share: the rank among all evaluated
enterprises that year, within the top ``share_a`` % is A, then up to ``share_b`` % B, ``share_c`` % C, the rest D. An enterprise using less land than ``min_land_mu`` is not scored but listed apart
(``below_min_land``); one missing a figure gets no class and the reason. No energy used (0 吨标煤) scores the capped
maximum on 单位能耗增加值.

Queries: the active method, and the confirmed figures of every enterprise for the year (the averages need all of
them) — two, whatever the number of enterprises asked about.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.figures.selectors import Figures, confirmed_figures
from parks.models import MuMethod

CENT = Decimal("0.01")
HUNDRED = Decimal("100")

CLASSES = {
    "A": gettext_lazy("A 类（优先发展类）"),
    "B": gettext_lazy("B 类（鼓励提升类）"),
    "C": gettext_lazy("C 类（整治提升类）"),
    "D": gettext_lazy("D 类（倒逼转型类）"),
}
INDICATORS = {
    # name: (label, unit, weight field, benchmark field)
    "tax_per_mu": (gettext_lazy("亩均税收"), gettext_lazy("万元/亩"), "weight_tax_per_mu", "benchmark_tax_per_mu"),
    "value_added_per_mu": (
        gettext_lazy("亩均增加值"), gettext_lazy("万元/亩"), "weight_value_added_per_mu", "benchmark_value_added_per_mu"
    ),
    "value_added_per_energy": (
        gettext_lazy("单位能耗增加值"),
        gettext_lazy("万元/吨标煤"),
        "weight_value_added_per_energy",
        "benchmark_value_added_per_energy",
    ),
    "rd_ratio": (gettext_lazy("研发经费占比"), "%", "weight_rd_ratio", "benchmark_rd_ratio"),
}
# The figures each indicator needs, for the reasons of a missing class.
NEEDED = (
    ("land_mu", gettext_lazy("用地面积")),
    ("tax", gettext_lazy("税收")),
    ("value_added", gettext_lazy("工业增加值")),
    ("energy_tce", gettext_lazy("综合能耗")),
    ("revenue", gettext_lazy("营业收入")),
    ("rd_expense", gettext_lazy("研发投入")),
)


@dataclass(frozen=True)
class MuResult:
    """One enterprise's 亩均 evaluation for one year: the indicators, their scores, the score and the class."""

    enterprise_id: int
    year: int
    tax_per_mu: Decimal | None
    value_added_per_mu: Decimal | None
    value_added_per_energy: Decimal | None
    rd_ratio: Decimal | None
    score: Decimal | None
    klass: str | None  # "A".."D", or None with the reasons
    below_min_land: bool
    reasons: tuple[str, ...]
    figures: Figures | None = None  # the confirmed figures that decided it
    indicator_scores: dict = field(default_factory=dict, compare=False)  # indicator name → its points
    benchmarks: dict = field(default_factory=dict, compare=False)  # indicator name → the benchmark used

    def explained(self) -> list[dict]:
        """Per indicator: its label, unit, the enterprise's value, the benchmark and the points it scored."""
        return [
            {
                "name": name,
                "label": label,
                "unit": unit,
                "value": getattr(self, name),
                "benchmark": self.benchmarks.get(name),
                "points": self.indicator_scores.get(name),
            }
            for name, (label, unit, _weight, _bench) in INDICATORS.items()
        ]

    @property
    def klass_label(self) -> str:
        return str(CLASSES[self.klass]) if self.klass else ""


def _ratio(numerator, denominator, scale=1) -> Decimal | None:
    if numerator is None or not denominator:
        return None
    return Decimal(numerator) * scale / Decimal(denominator)


def _indicators(figures: Figures) -> dict[str, Decimal | None]:
    return {
        "tax_per_mu": _ratio(figures.tax, figures.land_mu),
        "value_added_per_mu": _ratio(figures.value_added, figures.land_mu),
        "value_added_per_energy": _ratio(figures.value_added, figures.energy_tce),
        "rd_ratio": _ratio(figures.rd_expense, figures.revenue, HUNDRED),
    }


def _missing(figures: Figures | None) -> list[str]:
    if figures is None:
        return [str(label) for _name, label in NEEDED]
    missing = [str(label) for name, label in NEEDED if getattr(figures, name) is None]
    if figures.land_mu == 0:
        missing.append(str(NEEDED[0][1]))
    if figures.revenue == 0:
        missing.append(str(NEEDED[4][1]))
    return missing


def _is_evaluated(figures: Figures, method: MuMethod) -> bool:
    return not _missing(figures) and figures.land_mu >= method.min_land_mu


def park_averages(all_figures: dict[int, Figures], method: MuMethod) -> dict[str, Decimal | None]:
    """The park's average of each indicator over the enterprises evaluated that year: total ÷ total."""
    evaluated = [f for f in all_figures.values() if _is_evaluated(f, method)]

    def total(name, among=evaluated):
        return sum((Decimal(getattr(f, name)) for f in among), Decimal(0))

    with_energy = [f for f in evaluated if f.energy_tce]
    return {
        "tax_per_mu": _ratio(total("tax"), total("land_mu")),
        "value_added_per_mu": _ratio(total("value_added"), total("land_mu")),
        "value_added_per_energy": _ratio(total("value_added", with_energy), total("energy_tce", with_energy)),
        "rd_ratio": _ratio(total("rd_expense"), total("revenue"), HUNDRED),
    }


def active_method() -> MuMethod | None:
    return MuMethod.objects.filter(is_active=True).first()


def klass_of(score: Decimal, method: MuMethod) -> str:
    if score >= method.threshold_a:
        return "A"
    if score >= method.threshold_b:
        return "B"
    if score >= method.threshold_c:
        return "C"
    return "D"


def _round(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(CENT, rounding=ROUND_HALF_UP)


def _scores(figures: Figures, values: dict, benchmarks: dict, method: MuMethod) -> tuple[dict, list[str]]:
    """Each indicator's points (value ÷ benchmark × weight, within 0..cap × weight), or the reasons it cannot be."""
    scores, reasons = {}, []
    for name, (label, _unit, weight_field, _bench) in INDICATORS.items():
        weight, benchmark, value = getattr(method, weight_field), benchmarks[name], values[name]
        cap = weight * method.cap_ratio
        if name == "value_added_per_energy" and figures.energy_tce == 0:
            scores[name] = cap  # no energy used: the best this indicator can give
        elif not benchmark or benchmark <= 0:
            reasons.append(_("%(label)s没有可用的基准值。") % {"label": label})
        else:
            scores[name] = min(max(value / benchmark * weight, Decimal(0)), cap)
    return scores, reasons


def _share_classes(all_figures: dict[int, Figures], benchmarks: dict, method: MuMethod) -> dict[int, str]:
    """By ranking: each evaluated enterprise's class from where its score ranks among all evaluated that year
    (tied scores share the better rank); rank ÷ count × 100 within A's share is A, then B's, then C's, else D."""
    scored = []
    for eid, figures in all_figures.items():
        if _is_evaluated(figures, method):
            scores, reasons = _scores(figures, _indicators(figures), benchmarks, method)
            if not reasons:
                scored.append((_round(sum(scores.values(), Decimal(0))), eid))
    scored.sort(reverse=True)
    classes, count = {}, len(scored)
    rank = 0
    for position, (score, eid) in enumerate(scored, start=1):
        if position == 1 or score != scored[position - 2][0]:
            rank = position
        share = Decimal(rank) * HUNDRED / count
        if share <= method.share_a:
            classes[eid] = "A"
        elif share <= method.share_b:
            classes[eid] = "B"
        elif share <= method.share_c:
            classes[eid] = "C"
        else:
            classes[eid] = "D"
    return classes


def mu_evaluate(enterprise_ids, year: int, *, method: MuMethod | None = None) -> dict[int, MuResult]:
    """Per enterprise id of ``enterprise_ids``, its ``MuResult`` for ``year`` under ``method`` (the active one)."""
    enterprise_ids = list(enterprise_ids)
    method = method or active_method()
    all_figures = confirmed_figures(None, year=year)
    if method is None:
        reason = (_("未设置启用的亩均评价办法。"),)
        return {
            eid: MuResult(eid, year, None, None, None, None, None, None, False, reason, all_figures.get(eid))
            for eid in enterprise_ids
        }
    averages = park_averages(all_figures, method)
    benchmarks = {
        name: getattr(method, bench) if getattr(method, bench) is not None else averages[name]
        for name, (_label, _unit, _weight, bench) in INDICATORS.items()
    }
    by_share = _share_classes(all_figures, benchmarks, method) if method.class_by == MuMethod.ClassBy.SHARE else None
    shown_benchmarks = {k: _round(v) for k, v in benchmarks.items()}
    results = {}
    for eid in enterprise_ids:
        figures = all_figures.get(eid)
        if figures is None:
            results[eid] = MuResult(
                eid, year, None, None, None, None, None, None, False,
                (_("%(year)s 年度没有已确认的年度指标。") % {"year": year},), None, benchmarks=shown_benchmarks,
            )
            continue
        values = _indicators(figures)
        shown = [_round(value) for value in values.values()]
        reasons: list[str] = []
        missing = _missing(figures)
        below = figures.land_mu is not None and 0 < figures.land_mu < method.min_land_mu
        if below:
            reasons.append(
                _("用地 %(land)s 亩，小于参评最小用地 %(min)s 亩，不参与综合评价，单独列出。")
                % {"land": _plain(figures.land_mu), "min": _plain(method.min_land_mu)}
            )
        elif missing:
            reasons.append(_("缺少%(names)s，无法评价。") % {"names": "、".join(dict.fromkeys(missing))})
        scores: dict[str, Decimal] = {}
        if not reasons:
            scores, reasons = _scores(figures, values, benchmarks, method)
        if reasons:
            results[eid] = MuResult(
                eid, year, *shown, None, None, below, tuple(reasons), figures, benchmarks=shown_benchmarks
            )
            continue
        score = _round(sum(scores.values(), Decimal(0)))
        klass = by_share[eid] if by_share is not None else klass_of(score, method)
        results[eid] = MuResult(
            eid, year, *shown, score, klass, False, (), figures,
            indicator_scores={k: _round(v) for k, v in scores.items()}, benchmarks=shown_benchmarks,
        )
    return results


def mu_of_latest_year(enterprise_id: int) -> MuResult | None:
    """The enterprise's 亩均 result for its latest year with confirmed figures (the enterprise page), else None."""
    latest = confirmed_figures([enterprise_id]).get(enterprise_id)
    return None if latest is None else mu_evaluate([enterprise_id], latest.year)[enterprise_id]


def _plain(number: Decimal) -> str:
    """3 or 3.5, not 3.00 or 3E+1: a number of 亩 as a person writes it."""
    return f"{number.normalize():f}"
