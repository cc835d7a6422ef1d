"""预计可享: what a policy clause may bring an enterprise, from the clause's amount rule and the enterprise's facts.

Pure logic over the same facts matching reads (``parks.matching.Facts``, loaded by ``parks.selectors.policies``
— the one reading of the yearly figures, the staff counts and the rented space), so the admin panels, the
portal's policy page and the API show the same number. Amounts are in 万元, rounded to the 元 (2 decimals of
万元 is 100 元: rounded half up to 0.01 万元), capped at the clause's 最高金额 when it has one.

An estimate is an indication, not a decision: the grant's approved amount is decided by the officer
(``parks.services.grants``), with the cap checked there as well.
"""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.text import number, wan

from .models import AMOUNT_FIGURES, PolicyClause

Rule = PolicyClause.AmountRule

CENT = Decimal("0.01")
TEN_THOUSAND = Decimal(10000)
# 月租金 = rented m² × daily rent per m² × 365 / 12 (a month is a twelfth of a year): the one reading.
DAYS_PER_MONTH = Decimal(365) / Decimal(12)


class Estimate(NamedTuple):
    """An estimate: ``amount`` in 万元 (None when a fact is missing) and how it was computed, or what is missing."""

    amount: Decimal | None
    reason: str

    @property
    def label(self) -> str:
        """“预计可享 160 万元”, or “暂无法估算：缺少 2025 年营业收入”."""
        if self.amount is None:
            return _("暂无法估算：%(reason)s") % {"reason": self.reason}
        return _("预计可享 %(amount)s") % {"amount": wan(self.amount)}


NOT_ELIGIBLE_ESTIMATE = Estimate(None, gettext_lazy("不符合申报条件"))


def figure_year(figures, today: dt.date) -> int:
    """The year a yearly figure is read for (``parks.matching.YearFigures``): the latest confirmed one, or last
    year when none is confirmed — the same in a criterion's reason and an estimate's."""
    return figures.year if figures.year is not None else today.year - 1


def monthly_rent(area_rent_per_day: Decimal) -> Decimal:
    """月租金 in 元 of spaces whose Σ(m² × 元/m²·天) is ``area_rent_per_day``."""
    return area_rent_per_day * DAYS_PER_MONTH


def clause_estimate(clause: PolicyClause, facts, *, today: dt.date | None = None) -> Estimate | None:
    """预计可享 of ``clause`` for the record ``facts`` (``parks.matching.Facts``) describe: None when the clause
    has no amount rule. (matching imports this module, never the reverse.)"""
    rule, value = clause.amount_rule, clause.amount_value
    if not rule or value is None:
        return None
    today = today or timezone.localdate()
    if rule == Rule.FIXED:
        amount, how = value, _("定额 %(amount)s") % {"amount": wan(value)}
    elif rule == Rule.SHARE_OF_FIGURE and clause.amount_basis == "fixed_asset_investment":
        investment = facts.fixed_asset_investment
        if investment.value is None:
            return Estimate(None, _("缺少固定资产投资"))
        amount = Decimal(investment.value) * value / 100
        how = _("固定资产投资 %(figure)s%(source)s × %(rate)s%%") % {
            "figure": wan(investment.value), "source": investment.suffix(), "rate": number(value),
        }
    elif rule == Rule.SHARE_OF_FIGURE:
        figure = getattr(facts.figures, clause.amount_basis, None)
        fields = {"year": figure_year(facts.figures, today), "label": AMOUNT_FIGURES.get(clause.amount_basis, clause.amount_basis)}
        if figure is None:
            return Estimate(None, _("缺少 %(year)s 年%(label)s") % fields)
        amount = Decimal(figure) * value / 100
        how = _("%(year)s 年%(label)s %(figure)s × %(rate)s%%") % {**fields, "figure": wan(figure), "rate": number(value)}
    elif rule == Rule.PER_PERSON:
        if clause.amount_basis == "rd_headcount":
            people, label = facts.rd_headcount.value, _("研发人员数")
        else:
            people, label = facts.headcount.value, str(facts.headcount_label)
        if people is None:
            return Estimate(None, _("缺少%(label)s") % {"label": label})
        amount = Decimal(people) * value
        how = _("%(label)s %(people)s 人 × 每人 %(each)s") % {"label": label, "people": number(people), "each": wan(value)}
    elif rule == Rule.PER_SQM:
        if not facts.rented_m2:
            return Estimate(None, _("尚无在园租用的空间"))
        amount = facts.rented_m2 * value / TEN_THOUSAND
        how = _("租用面积 %(area)s m² × 每平方米 %(each)s 元") % {"area": number(facts.rented_m2), "each": number(value)}
    elif rule == Rule.PER_MONTH_RENT:
        if not facts.monthly_rent:
            return Estimate(None, _("尚无在园租用的空间（或租金未填写）"))
        rent = (facts.monthly_rent / TEN_THOUSAND).quantize(CENT, ROUND_HALF_UP)
        amount = rent * value
        how = _("月租金 %(rent)s × %(months)s 个月") % {"rent": wan(rent), "months": number(value)}
    else:  # a rule added to the model but not taught here: say so rather than guess
        return Estimate(None, _("系统暂不能估算此类金额"))
    amount = amount.quantize(CENT, ROUND_HALF_UP)
    cap = clause.amount_cap
    if cap is not None and amount > cap:
        return Estimate(cap, _("%(how)s = %(amount)s，封顶 %(cap)s") % {"how": how, "amount": wan(amount), "cap": wan(cap)})
    if rule == Rule.FIXED:
        return Estimate(amount, how)
    return Estimate(amount, _("%(how)s = %(amount)s") % {"how": how, "amount": wan(amount)})
