"""Policy matching (政策匹配): which clauses a project or an enterprise may apply for, and why.

Pure logic over plain facts — no queries here. ``parks.selectors.policies`` loads the facts and the
clauses in a constant number of queries and calls :func:`match_clauses`.

Each criterion of a clause is **met**, **failed** or **unknown** (the record does not hold the fact yet,
e.g. the headcount was never entered), with the figures compared in words: “固定资产投资 8,000 万元 <
要求 10,000 万元”. Criteria of the same kind are alternatives (产业链 信创 *or* 人工智能: one met is
enough); criteria of different kinds must all hold. With one criterion per kind — the usual case — this
is simply: a clause is **not eligible** if any criterion failed, **unknown** if none failed but some are
unknown, **eligible** otherwise. A clause without criteria is open to everyone.
"""

import datetime as dt
import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.models import PIPELINE, IndustryChain, Stage, list_labels
from crm.text import number, wan

from .estimates import NOT_ELIGIBLE_ESTIMATE, clause_estimate, figure_year
from .models import EligibilityCriterion

Kind = EligibilityCriterion.Kind

MET, FAILED, UNKNOWN = "met", "failed", "unknown"
ELIGIBLE, NOT_ELIGIBLE = "eligible", "not_eligible"

OUTCOME_LABELS = {MET: gettext_lazy("符合"), FAILED: gettext_lazy("不符合"), UNKNOWN: gettext_lazy("待确认")}
VERDICT_LABELS = {
    ELIGIBLE: gettext_lazy("符合条件"), UNKNOWN: gettext_lazy("信息不全，待确认"), NOT_ELIGIBLE: gettext_lazy("不符合条件"),
}
# Eligible first, then those worth completing the record for, then the rest.
VERDICT_ORDER = {ELIGIBLE: 0, UNKNOWN: 1, NOT_ELIGIBLE: 2}


_STAGE_LABELS = dict(Stage.choices)


def _chain_labels() -> dict[str, str]:
    """The chains' names: rows edited in the admin, read from the process's cache of the lists (crm.models.lists)."""
    return list_labels("crm.IndustryChain")


def _qualification_labels() -> dict[str, str]:
    return list_labels("crm.QualificationKind")


def _label(labels: dict, code) -> str:
    """The (lazily translated) label of a code, as text; the code itself if unknown."""
    return str(labels.get(code, code))
_PIPELINE_INDEX = {stage: i for i, stage in enumerate(PIPELINE)}
_KIND_ORDER = {kind: i for i, kind in enumerate(Kind.values)}
_KIND_LABELS = dict(Kind.choices)
_AMOUNT_FIELDS = {
    Kind.MIN_INVESTMENT: "total_investment", Kind.MIN_FIXED_ASSET: "fixed_asset_investment",
    Kind.MIN_HEADCOUNT: "headcount", Kind.MIN_RD_HEADCOUNT: "rd_headcount",
}


@dataclass(frozen=True)
class Amount:
    """A figure of the record, with where it comes from when that is not obvious (“项目：云谷智算中心”)."""

    value: Decimal | int | None
    source: str = ""

    def suffix(self) -> str:
        return f"（{self.source}）" if self.source else ""


@dataclass(frozen=True)
class YearFigures:
    """企业年度指标 as matching and the estimates read them: the figures of the enterprise's latest confirmed
    year (``crm``'s ``confirmed_figures``, the one reading; None: not in that year's confirmed rows) and
    that year's 亩均论英雄 evaluation (``parks.mu``). ``year`` is None when no year is confirmed at all."""

    year: int | None = None
    revenue: Decimal | None = None
    tax: Decimal | None = None
    rd_expense: Decimal | None = None
    industrial_output: Decimal | None = None
    value_added: Decimal | None = None
    financing: Decimal | None = None
    rd_ratio: Decimal | None = None  # 研发经费占比, in %
    tax_per_mu: Decimal | None = None  # 亩均税收, 万元/亩
    mu_class: str | None = None  # 亩均评价类别 'A'..'D'; None if not evaluated
    mu_below_min_land: bool = False  # below the method's minimum land: not classed, listed apart
    mu_note: str = ""  # why there is no class (“用地 3 亩，小于参评最小用地 5 亩…”, “缺少综合能耗，无法评价”)


NO_FIGURES = YearFigures()


@dataclass(frozen=True)
class Facts:
    """What the record of a project or an enterprise says, as matching needs it; None means not recorded."""

    industry_chain: str | None
    # Qualification kind → expiry date (None: no expiry) of each one recorded; None if none recorded at all.
    qualifications: dict[str, dt.date | None] | None
    total_investment: Amount = Amount(None)
    fixed_asset_investment: Amount = Amount(None)
    headcount: Amount = Amount(None)
    headcount_label: str = gettext_lazy("员工人数")
    rd_headcount: Amount = Amount(None)
    park_id: int | None = None
    park_label: str = gettext_lazy("所在园区")
    stage: str | None = None
    stage_note: str = ""
    figures: YearFigures = NO_FIGURES
    # The space it rents in the park (已入驻): total m² and monthly rent in 元; None when it rents none.
    rented_m2: Decimal | None = None
    monthly_rent: Decimal | None = None


@dataclass(frozen=True)
class ParkTree:
    """Every park's parent and name, so “registered in 紫金港科技城” accepts its sub-parks."""

    parents: dict[int, int | None]
    names: dict[int, str]

    def within(self, park_id: int, ancestor_id: int) -> bool:
        seen = set()
        current: int | None = park_id
        while current is not None and current not in seen:
            if current == ancestor_id:
                return True
            seen.add(current)
            current = self.parents.get(current)
        return False

    def name(self, park_id: int | None) -> str:
        return self.names.get(park_id, "—") if park_id is not None else "—"


class CriterionResult(NamedTuple):
    """One criterion's outcome for one record, with the reason in Chinese (a tuple: millions are made by the batch)."""

    criterion_id: int
    kind: str
    kind_label: str
    requirement: str
    outcome: str
    reason: str

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])


@dataclass(slots=True)
class ClauseMatch:
    """One clause with its verdict for one project or enterprise, and each criterion's outcome."""

    clause: object  # parks.models.PolicyClause, with ``policy`` loaded
    verdict: str
    criteria: list[CriterionResult] = field(default_factory=list)
    rank: int = 0  # the clause's place by policy and number, among the clauses matched
    # The record's facts and the day matched, shared by all its matches: what the estimate reads, on demand.
    basis: tuple | None = None

    @property
    def estimate(self):
        """预计可享 (``parks.estimates.Estimate``), computed when read; None when the clause has no amount rule
        (or the match was built without facts). Not eligible: no amount, the reason says why."""
        if self.basis is None or not self.clause.amount_rule:
            return None
        if self.verdict == NOT_ELIGIBLE:
            return NOT_ELIGIBLE_ESTIMATE
        facts, today = self.basis
        return clause_estimate(self.clause, facts, today=today)

    @property
    def verdict_label(self) -> str:
        return str(VERDICT_LABELS[self.verdict])

    @property
    def policy(self):
        return self.clause.policy

    @property
    def summary(self) -> str:
        """The criteria that decide the verdict, in one line (“固定资产投资 8,000 万元 < 要求 10,000 万元”)."""
        if not self.criteria:
            return _("本条款未设申报条件。")
        wanted = {ELIGIBLE: MET, UNKNOWN: UNKNOWN, NOT_ELIGIBLE: FAILED}[self.verdict]
        return _("；").join(c.reason for c in self.criteria if c.outcome == wanted)


# ---------------------------------------------------------------------------------------------------
# One criterion
# ---------------------------------------------------------------------------------------------------


def _at_least(label: str, amount: Amount, required: Decimal, unit: str) -> tuple[str, str]:
    fmt = wan if unit == _("万元") else (lambda v: f"{number(v)} {unit}")
    if amount.value is None:
        return UNKNOWN, _("%(label)s尚未填写（要求 ≥ %(required)s）") % {"label": label, "required": fmt(required)}
    if Decimal(amount.value) >= required:
        return MET, _("%(label)s %(value)s ≥ 要求 %(required)s") % {"label": label, "value": fmt(amount.value), "required": fmt(required)}
    return FAILED, _("%(label)s %(value)s < 要求 %(required)s") % {"label": label, "value": fmt(amount.value), "required": fmt(required)}


_FIGURE_LABELS = {
    Kind.MIN_REVENUE: gettext_lazy("营业收入"), Kind.MIN_TAX: gettext_lazy("税收"),
    Kind.MIN_RD_RATIO: gettext_lazy("研发经费占比"), Kind.MIN_TAX_PER_MU: gettext_lazy("亩均税收"),
}
_FIGURE_FIELDS = {
    Kind.MIN_REVENUE: "revenue", Kind.MIN_TAX: "tax", Kind.MIN_RD_RATIO: "rd_ratio", Kind.MIN_TAX_PER_MU: "tax_per_mu",
}


def _figure_amount(kind: str, value) -> str:
    if kind == Kind.MIN_RD_RATIO:
        return f"{number(value)}%"
    if kind == Kind.MIN_TAX_PER_MU:
        return _("%(value)s 万元/亩") % {"value": number(value)}
    return wan(value)


def _figure_at_least(kind: str, facts: Facts, required: Decimal, today: dt.date) -> tuple[str, str]:
    """“2025 年税收 820 万元 ≥ 500 万元”, or which figure of which year is missing."""
    figures = facts.figures
    value = getattr(figures, _FIGURE_FIELDS[kind])
    fields = {"year": figure_year(figures, today), "label": _FIGURE_LABELS[kind], "required": _figure_amount(kind, required)}
    if value is None:
        return UNKNOWN, _("缺少 %(year)s 年%(label)s（要求 ≥ %(required)s）") % fields
    fields["value"] = _figure_amount(kind, value)
    if Decimal(value) >= required:
        return MET, _("%(year)s 年%(label)s %(value)s ≥ %(required)s") % fields
    return FAILED, _("%(year)s 年%(label)s %(value)s < %(required)s") % fields


def _mu_class(required: str, facts: Facts, today: dt.date) -> tuple[str, str]:
    """亩均评价类别属于 …: one class per criterion (several criteria of the kind are alternatives)."""
    figures = facts.figures
    fields = {"year": figure_year(figures, today), "wanted": required, "actual": figures.mu_class, "note": figures.mu_note}
    if figures.mu_class is None:
        if figures.mu_below_min_land:
            # Left out of the evaluation by the method (below the minimum land): known, and in no class.
            return FAILED, _("%(year)s 年未参加亩均评价：%(note)s（要求 %(wanted)s 类）") % fields
        if figures.mu_note:
            return UNKNOWN, _("缺少 %(year)s 年亩均评价类别：%(note)s（要求 %(wanted)s 类）") % fields
        return UNKNOWN, _("缺少 %(year)s 年亩均评价类别（要求 %(wanted)s 类）") % fields
    if figures.mu_class == required:
        return MET, _("%(year)s 年亩均评价 %(actual)s 类，符合要求") % fields
    return FAILED, _("%(year)s 年亩均评价 %(actual)s 类，要求 %(wanted)s 类") % fields


def _suffix(kind: str, facts: Facts, outcome: str) -> str:
    """Where the compared figure comes from, appended to the reason: “（项目：智造中心项目）”."""
    if outcome == UNKNOWN:
        return ""
    if kind in _AMOUNT_FIELDS:
        return getattr(facts, _AMOUNT_FIELDS[kind]).suffix()
    if kind == Kind.MIN_STAGE and facts.stage in _PIPELINE_INDEX and facts.stage_note:
        return f"（{facts.stage_note}）"
    return ""


def _evaluate(criterion: EligibilityCriterion, facts: Facts, parks: ParkTree, today: dt.date) -> CriterionResult:
    """The outcome of one criterion for the facts, with the reason in Chinese — without where the figure comes
    from (``_suffix``), so that it is the same for every record with the same fact and can be shared."""
    kind = criterion.kind
    if kind == Kind.INDUSTRY_CHAIN:
        outcome, reason = _industry_chain(criterion.choice, facts)
        requirement = _label(_chain_labels(), criterion.choice)
    elif kind == Kind.QUALIFICATION:
        outcome, reason = _qualification(criterion.choice, facts, today)
        requirement = _label(_qualification_labels(), criterion.choice)
    elif kind == Kind.MIN_INVESTMENT:
        outcome, reason = _at_least(_("总投资"), facts.total_investment, criterion.number, _("万元"))
        requirement = f"≥ {wan(criterion.number)}"
    elif kind == Kind.MIN_FIXED_ASSET:
        outcome, reason = _at_least(_("固定资产投资"), facts.fixed_asset_investment, criterion.number, _("万元"))
        requirement = f"≥ {wan(criterion.number)}"
    elif kind == Kind.MIN_HEADCOUNT:
        outcome, reason = _at_least(facts.headcount_label, facts.headcount, criterion.number, _("人"))
        requirement = _("≥ %(number)s 人") % {"number": number(criterion.number)}
    elif kind == Kind.MIN_RD_HEADCOUNT:
        outcome, reason = _at_least(_("研发人员数"), facts.rd_headcount, criterion.number, _("人"))
        requirement = _("≥ %(number)s 人") % {"number": number(criterion.number)}
    elif kind == Kind.IN_PARK:
        outcome, reason = _in_park(criterion.park_id, facts, parks)
        requirement = parks.name(criterion.park_id)
    elif kind == Kind.MIN_STAGE:
        outcome, reason = _stage(criterion.choice, facts)
        requirement = _label(_STAGE_LABELS, criterion.choice)
    elif kind in _FIGURE_FIELDS:
        outcome, reason = _figure_at_least(kind, facts, criterion.number, today)
        requirement = f"≥ {_figure_amount(kind, criterion.number)}"
    elif kind == Kind.MU_CLASS_IN:
        outcome, reason = _mu_class(criterion.choice, facts, today)
        requirement = _("%(klass)s 类") % {"klass": criterion.choice}
    else:  # a kind added to the model but not taught to the matcher: say so rather than guess
        outcome, reason, requirement = UNKNOWN, _("系统暂不能判断此类条件"), ""
    return CriterionResult(
        criterion_id=criterion.pk, kind=kind, kind_label=str(_KIND_LABELS.get(kind, kind)),
        requirement=requirement, outcome=outcome, reason=reason,
    )


def _industry_chain(required: str, facts: Facts) -> tuple[str, str]:
    wanted = _label(_chain_labels(), required)
    if facts.industry_chain in (None, "", IndustryChain.OTHER) and required != IndustryChain.OTHER:
        return UNKNOWN, _("产业链尚未归类（要求“%(wanted)s”）") % {"wanted": wanted}
    actual = _label(_chain_labels(), facts.industry_chain)
    if facts.industry_chain == required:
        return MET, _("产业链“%(actual)s”符合要求") % {"actual": actual}
    return FAILED, _("产业链“%(actual)s”，要求“%(wanted)s”") % {"actual": actual, "wanted": wanted}


def _qualification(required: str, facts: Facts, today: dt.date) -> tuple[str, str]:
    wanted = _label(_qualification_labels(), required)
    if facts.qualifications is None:
        return UNKNOWN, _("尚未登记企业资质（要求：%(wanted)s）") % {"wanted": wanted}
    if required in facts.qualifications:
        expires = facts.qualifications[required]
        if expires is not None and expires < today:
            return FAILED, _("资质已过期：%(wanted)s（有效期至 %(expires)s）") % {"wanted": wanted, "expires": f"{expires:%Y-%m-%d}"}
        return MET, _("持有资质：%(wanted)s") % {"wanted": wanted}
    held = _("、").join(_label(_qualification_labels(), k) for k in sorted(facts.qualifications)) or _("无")
    return FAILED, _("未持有资质：%(wanted)s（已登记：%(held)s）") % {"wanted": wanted, "held": held}


def _in_park(required_id: int, facts: Facts, parks: ParkTree) -> tuple[str, str]:
    wanted = parks.name(required_id)
    if facts.park_id is None:
        return UNKNOWN, _("尚未登记%(park_label)s（要求在“%(wanted)s”）") % {"park_label": facts.park_label, "wanted": wanted}
    actual = parks.name(facts.park_id)
    if facts.park_id == required_id:
        return MET, _("%(park_label)s“%(actual)s”符合要求") % {"park_label": facts.park_label, "actual": actual}
    if parks.within(facts.park_id, required_id):
        return MET, _("%(park_label)s“%(actual)s”属于“%(wanted)s”") % {"park_label": facts.park_label, "actual": actual, "wanted": wanted}
    return FAILED, _("%(park_label)s“%(actual)s”不在“%(wanted)s”范围内") % {"park_label": facts.park_label, "actual": actual, "wanted": wanted}


def _stage(required: str, facts: Facts) -> tuple[str, str]:
    wanted = _label(_STAGE_LABELS, required)
    if facts.stage is None:
        return UNKNOWN, (facts.stage_note or _("尚无项目阶段")) + _("（要求至少“%(wanted)s”）") % {"wanted": wanted}
    actual = _label(_STAGE_LABELS, facts.stage)
    if facts.stage == Stage.LOST:
        return FAILED, _("项目已“%(actual)s”") % {"actual": actual}
    if facts.stage not in _PIPELINE_INDEX:  # 暂缓: where it will resume is not decided
        return UNKNOWN, _("项目“%(actual)s”，要求至少“%(wanted)s”") % {"actual": actual, "wanted": wanted}
    if _PIPELINE_INDEX[facts.stage] >= _PIPELINE_INDEX.get(required, len(PIPELINE)):
        return MET, _("项目阶段“%(actual)s”已达到“%(wanted)s”") % {"actual": actual, "wanted": wanted}
    return FAILED, _("项目阶段“%(actual)s”未达到“%(wanted)s”") % {"actual": actual, "wanted": wanted}


# ---------------------------------------------------------------------------------------------------
# A clause, and many clauses
# ---------------------------------------------------------------------------------------------------


def verdict_of(results: Iterable[CriterionResult]) -> str:
    """Group by kind (alternatives); a kind holds if any of its criteria is met, is unknown if none is met
    but one is unknown, fails otherwise. Not eligible if a kind fails; unknown if one is unknown."""
    by_kind: dict[str, set[str]] = {}
    for result in results:
        by_kind.setdefault(result.kind, set()).add(result.outcome)
    kinds = [MET if MET in outcomes else UNKNOWN if UNKNOWN in outcomes else FAILED for outcomes in by_kind.values()]
    if FAILED in kinds:
        return NOT_ELIGIBLE
    if UNKNOWN in kinds:
        return UNKNOWN
    return ELIGIBLE


def _fact_key(kind: str, facts: Facts, qualifications_key) -> object:
    """What of the facts a criterion of ``kind`` reads: two records with the same key get the same outcome."""
    if kind == Kind.INDUSTRY_CHAIN:
        return facts.industry_chain
    if kind == Kind.QUALIFICATION:
        return qualifications_key
    if kind == Kind.MIN_INVESTMENT:
        return facts.total_investment.value
    if kind == Kind.MIN_FIXED_ASSET:
        return facts.fixed_asset_investment.value
    if kind == Kind.MIN_HEADCOUNT:
        return (facts.headcount.value, facts.headcount_label)
    if kind == Kind.MIN_RD_HEADCOUNT:
        return facts.rd_headcount.value
    if kind == Kind.IN_PARK:
        return (facts.park_id, facts.park_label)
    if kind == Kind.MIN_STAGE:
        # The note (which project) is only in the reason's suffix, except when there is no stage at all.
        return (facts.stage, facts.stage_note if facts.stage is None else None)
    if kind in _FIGURE_FIELDS:  # the reason names the year
        return (facts.figures.year, getattr(facts.figures, _FIGURE_FIELDS[kind]))
    if kind == Kind.MU_CLASS_IN:
        figures = facts.figures
        return (figures.year, figures.mu_class, figures.mu_below_min_land, figures.mu_note if figures.mu_class is None else None)
    return None


@contextmanager
def without_cycle_collector() -> Iterator[None]:
    """Pause Python's cycle collector while a batch builds its matches.

    A batch allocates hundreds of thousands of small objects (matches, lists of results) that hold no
    reference cycles — reference counting frees them — yet each allocation burst makes the collector
    walk every live object again: measured, about half of a 5,000-enterprise batch. Paused, then
    restored as it was (another thread's pause is left alone).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Matcher:
    """Matches many records against one set of clauses (the nightly batch, a portal user's enterprises).

    The clauses are prepared once (criteria in the kinds' order, their place by policy and number), and
    each criterion's outcome is remembered per distinct fact it reads — ten thousand enterprises share a
    handful of industry chains, parks and stages — so a record costs a few dictionary look-ups per clause.
    Where a figure comes from (“项目：…”) differs per record: it is appended after the look-up.
    """

    def __init__(self, clauses, parks: ParkTree, today: dt.date):
        clauses = list(clauses)
        self.parks, self.today = parks, today
        order = sorted(range(len(clauses)), key=lambda i: (clauses[i].policy.name, clauses[i].policy_id,
                                                           clauses[i].number))
        rank = {index: place for place, index in enumerate(order)}
        self._clauses = []
        for index, clause in enumerate(clauses):
            criteria = tuple(
                (c.pk, c.kind, c)
                for c in sorted(clause.criteria.all(), key=lambda c: (_KIND_ORDER.get(c.kind, len(_KIND_ORDER)), c.pk))
            )
            kinds = tuple(kind for _pk, kind, _c in criteria)
            self._clauses.append((clause, rank[index], criteria, kinds))
        # What the clauses read, so the selector loads only that: the criterion kinds, the amount rules.
        self.kinds = frozenset(kind for _c, _r, _criteria, kinds in self._clauses for kind in kinds)
        self.amount_rules = frozenset(clause.amount_rule for clause in clauses if clause.amount_rule)
        self._outcomes: dict[tuple, CriterionResult] = {}
        self._clause_outcomes: dict[tuple, tuple[str, tuple[CriterionResult, ...]]] = {}

    def _decide(self, criteria, facts: Facts, keys: dict) -> tuple[str, tuple[CriterionResult, ...]]:
        outcomes = self._outcomes
        results = []
        for pk, kind, criterion in criteria:
            key = (pk, keys.get(kind))
            result = outcomes.get(key)
            if result is None:
                result = outcomes[key] = _evaluate(criterion, facts, self.parks, self.today)
            results.append(result)
        return verdict_of(results), tuple(results)

    def match(self, facts: Facts) -> list[ClauseMatch]:
        """Every clause's match for ``facts``: eligible first, then unknown, then not eligible; then by policy and number."""
        held = facts.qualifications
        qualifications_key = tuple(sorted(held.items())) if held is not None else None
        keys = {kind: _fact_key(kind, facts, qualifications_key) for kind in _KIND_ORDER}
        suffixes = {kind: text for kind in _KIND_ORDER if (text := _suffix(kind, facts, MET))}
        decided = self._clause_outcomes
        basis = (facts, self.today)
        matches = []
        for clause, rank, criteria, kinds in self._clauses:
            # A clause reads a few facts: records with the same ones get the same verdict and reasons.
            key = (rank, tuple(map(keys.get, kinds)))
            outcome = decided.get(key)
            if outcome is None:
                outcome = decided[key] = self._decide(criteria, facts, keys)
            verdict, results = outcome
            if suffixes and not suffixes.keys().isdisjoint(kinds):
                results = [
                    CriterionResult(r[0], r[1], r[2], r[3], r[4], r[5] + suffixes[r[1]])
                    if r[1] in suffixes and r[4] != UNKNOWN else r
                    for r in results
                ]
            else:
                results = list(results)
            matches.append(ClauseMatch(clause=clause, verdict=verdict, criteria=results, rank=rank, basis=basis))
        matches.sort(key=lambda m: (VERDICT_ORDER[m.verdict], m.rank))
        return matches


def match_clauses(clauses, facts: Facts, parks: ParkTree, today: dt.date) -> list[ClauseMatch]:
    """Every clause's match, eligible first, then unknown, then not eligible; within each by policy and number."""
    return Matcher(clauses, parks, today).match(facts)
