"""Landing commitments of a signed project (落地承诺): the clocks of 交地 → 开工 → 竣工 → 达产, capital arrivals
(实际到资) and the yearly figures committed to, with their annual review (年度考核).

Only a signed project (签约 and after) carries commitments. The rows are crm's (ProjectMilestone,
CapitalArrival, AnnualCommitment); these functions are the door for the API and the admin. Each ``*_check``
raises the ``DomainError`` its service would, without writing: the admin forms call it to show the refusal
next to the field before anything of the submit is saved, then save through the service.
"""

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.models import (
    SIGNED_OR_LATER,
    AnnualCommitment,
    CapitalArrival,
    CapitalSource,
    Currency,
    EvidenceKind,
    ExchangeRate,
    Milestone,
    Project,
    ProjectMilestone,
    User,
)
from crm.pipeline.lights import MILESTONE_ORDER, Shortfall, annual_shortfalls
from crm.roles import Work, require_role
from crm.service_requests.attachments import attachment_validate

from .ownership import require_project_change


def commitments_refusal(project: Project) -> str | None:
    """Why this project may not carry commitments yet, or None."""
    if project.stage in SIGNED_OR_LATER:
        return None
    return _("项目“%(project)s”当前“%(stage)s”，签约后才能登记落地承诺。") % {
        "project": project, "stage": project.get_stage_display()
    }


def _require_signed(project: Project) -> None:
    refusal = commitments_refusal(project)
    if refusal:
        raise DomainError(refusal, code=DomainError.ILLEGAL_TRANSITION)


def milestone_order_error(planned: dict[str, dt.date]) -> str | None:
    """交地 ≤ 开工 ≤ 竣工 ≤ 达产 over the planned dates given (kind → date); the message of the first break."""
    dated = [(kind, planned[kind]) for kind in MILESTONE_ORDER if planned.get(kind)]
    for (earlier, first), (later, second) in itertools.pairwise(dated):
        if second < first:
            return _("“%(later)s”的计划日期 %(second)s 早于“%(earlier)s”的 %(first)s。") % {
                "later": Milestone(later).label, "second": second, "earlier": Milestone(earlier).label, "first": first,
            }
    return None


def milestones_plan_check(*, project: Project, planned: Mapping[str, dt.date | None]) -> None:
    """Raise ``DomainError`` (naming the field) if these planned dates (kind → date) may not join the project's
    other milestones: each a known milestone with a date, the four in order 交地 ≤ 开工 ≤ 竣工 ≤ 达产."""
    for kind, planned_on in planned.items():
        if kind not in Milestone.values:
            raise DomainError(_("未知的节点：%(kind)s") % {"kind": kind}, field="kind")
        if planned_on is None:
            raise DomainError(_("请填写计划日期。"), field="planned_on")
    dates = dict(project.milestones.values_list("kind", "planned_on"))
    dates.update(planned)
    error = milestone_order_error(dates)
    if error:
        raise DomainError(error, field="planned_on")


@transaction.atomic
def milestones_plan(*, project: Project, planned: Mapping[str, dt.date], actor: User) -> list[ProjectMilestone]:
    """Plan (or re-plan) several milestones at once (kind → date); the order is checked on the result, so the
    project page can move all four dates later in one submit although each alone would pass its neighbour."""
    require_role(actor, Work.LAND)
    project = Project.objects.select_for_update().get(pk=project.pk)
    require_project_change(actor, project)
    _require_signed(project)
    milestones_plan_check(project=project, planned=planned)
    return [
        ProjectMilestone.objects.update_or_create(project=project, kind=kind, defaults={"planned_on": planned_on})[0]
        for kind, planned_on in planned.items()
    ]


def milestone_plan(*, project: Project, kind: str, planned_on: dt.date, actor: User) -> ProjectMilestone:
    """Plan (or re-plan) a milestone's date; the four stay in order 交地 ≤ 开工 ≤ 竣工 ≤ 达产."""
    (milestone,) = milestones_plan(project=project, planned={kind: planned_on}, actor=actor)
    return milestone


def milestone_actual_check(*, actual_on: dt.date | None) -> None:
    """Raise ``DomainError`` if this is not a day a milestone may be recorded as reached (none, or in the future)."""
    if actual_on is None or actual_on > timezone.localdate():
        raise DomainError(_("实际日期不能为空，也不能晚于今天。"), field="actual_on")


@transaction.atomic
def milestone_record_actual(*, milestone: ProjectMilestone, actual_on: dt.date, actor: User) -> ProjectMilestone:
    """Record the day a milestone was actually reached (not in the future)."""
    require_role(actor, Work.LAND)
    milestone = ProjectMilestone.objects.select_for_update().get(pk=milestone.pk)
    require_project_change(actor, milestone.project)
    _require_signed(milestone.project)
    milestone_actual_check(actual_on=actual_on)
    milestone.actual_on = actual_on
    milestone.save(update_fields=["actual_on", "updated_at"])
    return milestone


WAN = Decimal("10000")  # 1 万元 = 10,000 元
CENT = Decimal("0.01")
# 折人民币 above this does not fit the ledger's 万元 column (14 digits): a typing slip, not an arrival.
AMOUNT_MAX_WAN = Decimal("999999999999.99")


def exchange_rate_on(*, currency: str, day: dt.date) -> Decimal | None:
    """The 中间价 (元 per unit) an arrival in ``currency`` on ``day`` is converted at: that day's, else the latest
    earlier day's; 1 for 人民币; None when staff have entered none on or before ``day``."""
    if currency == Currency.CNY:
        return Decimal("1")
    return (ExchangeRate.objects.filter(currency=currency, day__lte=day).order_by("-day")
            .values_list("rate", flat=True).first())


@dataclass(frozen=True)
class ArrivalFigures:
    """An arrival's amounts as the ledger stores them: 原币金额 (元 of ``currency``), the rate and 万元."""

    currency: str
    original_amount: Decimal
    rate: Decimal
    amount: Decimal


def capital_arrival_check(
    *, arrived_on: dt.date | None, amount: Decimal | None = None, original_amount: Decimal | None = None,
    currency: str = Currency.CNY, source: str = CapitalSource.IN_PROVINCE, evidence=None, evidence_kind: str = "",
) -> ArrivalFigures:
    """Raise ``DomainError`` (naming the field) unless this is an arrival that may be recorded; else its figures.

    The amount is given either as ``original_amount`` in 元 of ``currency`` (what the bank slip says), converted
    at the arrival day's 中间价 (``exchange_rate_on``), or — for 人民币 only — as ``amount`` in 万元 (the API's and
    the admin's older way). 万元 = 原币 × rate / 10,000, rounded half up to the fen."""
    if currency not in Currency.values:
        raise DomainError(_("未知的币种：%(currency)s") % {"currency": currency}, field="currency")
    if source not in CapitalSource.values:
        raise DomainError(_("未知的资金来源：%(source)s") % {"source": source}, field="source")
    if original_amount is None and amount is None:
        raise DomainError(_("请填写原币金额。"), field="original_amount")
    if original_amount is not None and original_amount <= 0:
        raise DomainError(_("原币金额必须大于 0。"), field="original_amount")
    if original_amount is None and amount <= 0:
        raise DomainError(_("到资金额必须大于 0。"), field="amount")
    if original_amount is None and currency != Currency.CNY:
        raise DomainError(_("外币到资请填写原币金额，按到资当日汇率折算为万元。"), field="original_amount")
    if arrived_on is None or arrived_on > timezone.localdate():
        raise DomainError(_("到资日期不能为空，也不能晚于今天。"), field="arrived_on")
    if evidence_kind and evidence_kind not in EvidenceKind.values:
        raise DomainError(_("未知的凭证类型：%(kind)s") % {"kind": evidence_kind}, field="evidence_kind")
    if evidence is not None and not evidence_kind:
        raise DomainError(_("请选择凭证类型（银行进账单或验资报告）。"), field="evidence_kind")
    if evidence_kind and evidence is None:
        raise DomainError(_("请上传%(kind)s。") % {"kind": EvidenceKind(evidence_kind).label}, field="evidence")
    if evidence is not None:
        try:
            attachment_validate(evidence)
        except DomainError as error:
            error.field = "evidence"
            raise
    rate = exchange_rate_on(currency=currency, day=arrived_on)
    if rate is None:
        raise DomainError(
            _("没有 %(day)s 或之前的%(currency)s汇率中间价，请先在“汇率中间价”中登记后再登记到资。")
            % {"day": arrived_on, "currency": Currency(currency).label},
            field="currency",
        )
    if original_amount is None:
        original_amount = amount * WAN
    wan = (original_amount * rate / WAN).quantize(CENT, rounding=ROUND_HALF_UP)
    if wan <= 0:
        raise DomainError(_("折合人民币不足 0.01 万元。"), field="original_amount")
    if wan > AMOUNT_MAX_WAN:
        raise DomainError(_("折合人民币超过 %(max)s 万元，请核对金额。") % {"max": f"{AMOUNT_MAX_WAN:,}"},
                          field="original_amount")
    return ArrivalFigures(currency=currency, original_amount=original_amount, rate=rate, amount=wan)


@transaction.atomic
def capital_arrival_record(
    *, project: Project, arrived_on: dt.date, actor: User, amount: Decimal | None = None,
    original_amount: Decimal | None = None, currency: str = Currency.CNY, source: str = CapitalSource.IN_PROVINCE,
    evidence=None, evidence_kind: str = "", note: str = "",
) -> CapitalArrival:
    """实际到资: one arrival of capital (not in the future), with its 资金来源, 币种, 原币金额, the day's rate and the
    万元 it makes (``capital_arrival_check``), and its evidence (银行进账单 / 验资报告, validated by content). A
    foreign currency without a 中间价 on or before the day is refused and nothing is stored. The ledger is not
    edited: a wrong arrival is deleted and recorded again, so every amount on it passed these checks."""
    require_role(actor, Work.LAND)
    require_project_change(actor, project)
    _require_signed(project)
    figures = capital_arrival_check(
        arrived_on=arrived_on, amount=amount, original_amount=original_amount, currency=currency, source=source,
        evidence=evidence, evidence_kind=evidence_kind,
    )
    arrival = CapitalArrival(
        project=project, arrived_on=arrived_on, source=source, currency=figures.currency,
        original_amount=figures.original_amount, rate=figures.rate, amount=figures.amount, note=note.strip()[:200],
    )
    if evidence is not None:
        arrival.evidence = evidence
        arrival.evidence_kind = evidence_kind
        arrival.evidence_name = (evidence.name or "evidence").replace("\x00", "")[-200:]
    arrival.save()
    return arrival


# A headcount beyond any plant in the park is a typing slip (an extra zero or two), not a commitment.
HEADCOUNT_MAX = 10_000_000


def _headcount_check(field: str, value: int) -> None:
    if value > HEADCOUNT_MAX:
        raise DomainError(_("用工人数不能超过 %(max)s 人。") % {"max": f"{HEADCOUNT_MAX:,}"}, field=field)


def _figures_check(*, year: int | None, output_per_mu: Decimal | None, tax_per_mu: Decimal | None,
                   headcount: int | None) -> None:
    if year is None or not 2000 <= year <= 2100:
        raise DomainError(_("年度不正确。"), field="year")
    for field, value in (("output_per_mu", output_per_mu), ("tax_per_mu", tax_per_mu), ("headcount", headcount)):
        if value is None:
            raise DomainError(_("请填写承诺数值。"), field=field)
        if value < 0:
            raise DomainError(_("承诺数值不能为负数。"), field=field)
    _headcount_check("headcount", headcount)


def _reviewed_year_check(existing: AnnualCommitment | None) -> None:
    if existing is not None and existing.reviewed_on is not None:
        raise DomainError(
            _("%(year)s 年度已于 %(day)s 考核，承诺不能再改。") % {"year": existing.year, "day": existing.reviewed_on},
            code=DomainError.ILLEGAL_TRANSITION,
        )


def annual_commitment_check(
    *, project: Project, year: int | None, output_per_mu: Decimal | None, tax_per_mu: Decimal | None,
    headcount: int | None,
) -> None:
    """Raise ``DomainError`` (naming the field) unless these figures may be committed for ``year``: a year
    2000–2100, figures not negative, a headcount up to ``HEADCOUNT_MAX``, and not a year already reviewed (its
    figures are final)."""
    _figures_check(year=year, output_per_mu=output_per_mu, tax_per_mu=tax_per_mu, headcount=headcount)
    _reviewed_year_check(AnnualCommitment.objects.filter(project=project, year=year).first())


@transaction.atomic
def annual_commitment_set(
    *, project: Project, year: int, output_per_mu: Decimal, tax_per_mu: Decimal, headcount: int, actor: User
) -> AnnualCommitment:
    """The figures committed for ``year`` (亩均产值, 亩均税收 in 万元/亩, headcount); a reviewed year is final."""
    require_role(actor, Work.LAND)
    require_project_change(actor, project)
    _require_signed(project)
    _figures_check(year=year, output_per_mu=output_per_mu, tax_per_mu=tax_per_mu, headcount=headcount)
    _reviewed_year_check(AnnualCommitment.objects.select_for_update().filter(project=project, year=year).first())
    commitment, _created = AnnualCommitment.objects.update_or_create(
        project=project, year=year,
        defaults={"output_per_mu": output_per_mu, "tax_per_mu": tax_per_mu, "headcount": headcount},
    )
    return commitment


@dataclass(frozen=True)
class AnnualReview:
    commitment: AnnualCommitment
    shortfalls: list[Shortfall]

    @property
    def short(self) -> bool:
        return bool(self.shortfalls)


def annual_review_check(
    *,
    year: int,
    actual_output_per_mu: Decimal | None,
    actual_tax_per_mu: Decimal | None,
    actual_headcount: int | None,
    reviewed_on: dt.date | None,
) -> None:
    """Raise ``DomainError`` (naming the field) unless this is a review of ``year`` that may be recorded: all three
    actuals, none negative, a headcount up to ``HEADCOUNT_MAX``, reviewed by today and not before the year began."""
    actuals = (("actual_output_per_mu", actual_output_per_mu), ("actual_tax_per_mu", actual_tax_per_mu),
               ("actual_headcount", actual_headcount))
    for field, value in actuals:
        if value is None:
            raise DomainError(_("考核须填写实际亩均产值、实际亩均税收和实际用工人数。"), field=field)
        if value < 0:
            raise DomainError(_("实际数值不能为负数。"), field=field)
    _headcount_check("actual_headcount", actual_headcount)
    if reviewed_on is None or reviewed_on > timezone.localdate():
        raise DomainError(_("考核日期不能为空，也不能晚于今天。"), field="reviewed_on")
    if reviewed_on < dt.date(year, 1, 1):
        raise DomainError(_("考核日期不能早于 %(year)s 年度开始。") % {"year": year}, field="reviewed_on")


@transaction.atomic
def annual_commitment_review(
    *,
    commitment: AnnualCommitment,
    actual_output_per_mu: Decimal,
    actual_tax_per_mu: Decimal,
    actual_headcount: int,
    reviewed_on: dt.date,
    actor: User,
) -> AnnualReview:
    """年度考核: record the year's actuals; the result flags every figure short of the commitment."""
    require_role(actor, Work.LAND)
    commitment = AnnualCommitment.objects.select_for_update().get(pk=commitment.pk)
    require_project_change(actor, commitment.project)
    _require_signed(commitment.project)
    annual_review_check(year=commitment.year, actual_output_per_mu=actual_output_per_mu,
                        actual_tax_per_mu=actual_tax_per_mu, actual_headcount=actual_headcount, reviewed_on=reviewed_on)
    commitment.actual_output_per_mu = actual_output_per_mu
    commitment.actual_tax_per_mu = actual_tax_per_mu
    commitment.actual_headcount = actual_headcount
    commitment.reviewed_on = reviewed_on
    commitment.save(update_fields=[
        "actual_output_per_mu", "actual_tax_per_mu", "actual_headcount", "reviewed_on", "updated_at",
    ])
    return AnnualReview(commitment=commitment, shortfalls=annual_shortfalls(commitment))
