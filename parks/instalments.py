"""双兑现: the one rule of an instalment's standing (分期兑现), read by the admin, the policy report, the reminder
sweep and the payment service alike.

An instalment of a grant is tied to one year of the landing commitment of the grant's project (年度承诺):

- **待兑现 scheduled** — that year has no review yet (or the project committed nothing for it);
- **暂缓拨付 held** — that year's review (年度考核) shows a shortfall (``crm.pipeline.lights.annual_shortfalls``);
- **可拨付 released** — that year's review met every committed figure;
- **已拨付 paid** / **已追回 clawed_back** — recorded by the services; the rule no longer moves them.

A shortfall is not final at once: the project may be reviewed again (a corrected or later review that meets
the figures releases the instalment). The commitment is **finally missed** when the shortfall is still on
record ``PARKS_INSTALMENT_RECTIFICATION_DAYS`` (180) days after the review date (整改期满).

**Clawback (追回)**: when one of the years a grant's instalments depend on is finally missed, every instalment
already paid owes ``amount × share``, where ``share`` is the largest shortfall share of the missed years:
``max((承诺 − 实际) / 承诺)`` over their figures (亩均产值, 亩均税收, 用工人数), at most 100 %. Example: 亩均税收
committed 10, actual 6 → 40 %: of 300 万元 paid, 120 万元 is clawed back. The instalments not paid stay held
(they are never released for a missed year).
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.utils.translation import gettext as _

from crm.models import AnnualCommitment
from crm.pipeline.lights import annual_shortfalls

from .models import GrantInstalment

I = GrantInstalment.Status  # noqa: E741
CENT = Decimal("0.01")
ONE = Decimal("1")
ZERO = Decimal("0")
FINAL = (I.PAID, I.CLAWED_BACK)


def rectification_days() -> int:
    """整改期: ``PARKS_INSTALMENT_RECTIFICATION_DAYS`` (DJANGO_PARKS_INSTALMENT_RECTIFICATION_DAYS, 180 by default)."""
    return settings.PARKS_INSTALMENT_RECTIFICATION_DAYS


@dataclass(frozen=True)
class YearStanding:
    """What one commitment year says for the instalments tied to it."""

    status: str  # scheduled / held / released
    reasons: list[str] = field(default_factory=list)
    missed: bool = False  # the shortfall outlived the rectification period
    share: Decimal = ZERO  # the largest shortfall share (0..1)
    rectify_by: dt.date | None = None


def year_standing(commitment: AnnualCommitment | None, *, today: dt.date) -> YearStanding:
    """The standing of one commitment year on ``today``, by the rule in this module's docstring."""
    if commitment is None:
        return YearStanding(I.SCHEDULED, [_("项目未登记该年度的落地承诺。")])
    if commitment.reviewed_on is None:
        return YearStanding(I.SCHEDULED, [_("%(year)s 年度尚未考核。") % {"year": commitment.year}])
    shortfalls = annual_shortfalls(commitment)
    if not shortfalls:
        return YearStanding(
            I.RELEASED,
            [
                _("%(year)s 年度考核达标（%(day)s）。")
                % {"year": commitment.year, "day": f"{commitment.reviewed_on:%Y-%m-%d}"}
            ],
        )
    share = min(ONE, max(s.gap / s.committed for s in shortfalls))
    rectify_by = commitment.reviewed_on + dt.timedelta(days=rectification_days())
    missed = today > rectify_by
    reasons = [s.text for s in shortfalls]
    reasons.append(
        _("整改期已于 %(day)s 届满，承诺未兑现。") % {"day": f"{rectify_by:%Y-%m-%d}"}
        if missed
        else _("整改期至 %(day)s，其间复核达标即可拨付。") % {"day": f"{rectify_by:%Y-%m-%d}"}
    )
    return YearStanding(I.HELD, reasons, missed=missed, share=share, rectify_by=rectify_by)


@dataclass(frozen=True)
class GrantStanding:
    """Every instalment of one grant with its standing, and the clawback the grant owes."""

    instalments: list[tuple[GrantInstalment, str, YearStanding]]  # (instalment, status by the rule, its year)
    share: Decimal  # the clawback share (0 unless a year is finally missed)
    clawback: Decimal  # 应追回 total, 万元

    def clawback_of(self, instalment: GrantInstalment) -> Decimal | None:
        """What this instalment owes back: its amount × the share, if paid (None when nothing is owed)."""
        if self.share <= 0 or instalment.status not in FINAL:
            return None
        return (instalment.amount * self.share).quantize(CENT, rounding=ROUND_HALF_UP)


def grant_standing(
    instalments: Iterable[GrantInstalment], commitments: dict[int, AnnualCommitment], *, today: dt.date
) -> GrantStanding:
    """The rule for one grant's instalments, given its project's commitments by year (``commitments``)."""
    instalments = list(instalments)
    years = {i.commitment_year: year_standing(commitments.get(i.commitment_year), today=today) for i in instalments}
    rows = [
        (i, i.status if i.status in FINAL else years[i.commitment_year].status, years[i.commitment_year])
        for i in instalments
    ]
    share = max((y.share for y in years.values() if y.missed), default=ZERO)
    standing = GrantStanding(rows, share, ZERO)
    clawback = sum((standing.clawback_of(i) or ZERO for i in instalments), ZERO)
    return GrantStanding(rows, share, clawback)


def commitments_by_project(project_ids: Iterable[int]) -> dict[int, dict[int, AnnualCommitment]]:
    """project id → year → its commitment; 1 query."""
    found: dict[int, dict[int, AnnualCommitment]] = {}
    for commitment in AnnualCommitment.objects.filter(project_id__in=set(project_ids)):
        found.setdefault(commitment.project_id, {})[commitment.year] = commitment
    return found
