"""Writes on 企业年度指标: the one door for each change of an ``EnterpriseFigure``.

``figure_record`` — staff enter (or import) figures from the statistics bureau, the tax office or a checked
self-report: stored confirmed, a second call for the same enterprise, year and source updates that row.
``figure_submit`` — an enterprise user reports its own enterprise's figures with an evidence file: stored
待确认 (self_reported) until staff ``figure_confirm`` or ``figure_reject`` it (with a reason). Every change keeps a
history row naming the acting user.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.models import FIGURE_FIELDS, Enterprise, EnterpriseFigure, User
from crm.models.figures import NON_NEGATIVE_FIGURES
from crm.roles import Work, require_role
from crm.service_requests.attachments import attachment_validate

CENT = Decimal("0.01")


def _clean_values(values: dict) -> dict:
    """The figures of ``values`` as the model stores them: known names only, numbers (2 decimals), ``None`` blank."""
    unknown = sorted(set(values) - set(FIGURE_FIELDS))
    if unknown:
        raise DomainError(_("未知的指标：%(names)s。") % {"names": "、".join(unknown)})
    cleaned, errors = {}, {}
    for name, value in values.items():
        label = EnterpriseFigure._meta.get_field(name).verbose_name
        if value is None or (isinstance(value, str) and not value.strip()):
            cleaned[name] = None
            continue
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            errors[name] = [_("%(label)s应为数字。") % {"label": label}]
            continue
        if not number.is_finite():
            errors[name] = [_("%(label)s应为数字。") % {"label": label}]
        elif number < 0 and name in NON_NEGATIVE_FIGURES:
            errors[name] = [_("%(label)s不能为负数。") % {"label": label}]
        elif name == "employees":
            if number != number.to_integral_value():
                errors[name] = [_("%(label)s应为整数。") % {"label": label}]
            else:
                cleaned[name] = int(number)
        else:
            cleaned[name] = number.quantize(CENT, rounding=ROUND_HALF_UP)
    if errors:
        error = DomainError(next(iter(errors.values()))[0])
        error.errors = errors
        raise error
    return cleaned


def _check_year(year) -> int:
    today = timezone.localdate()
    if not isinstance(year, int) or not 2000 <= year <= today.year:
        raise DomainError(_("年度应在 2000 至 %(year)s 之间。") % {"year": today.year}, field="year")
    return year


def figure_check(*, year, values: dict) -> dict:
    """The year and figures as ``figure_record`` would take them (the import checks each row with it first):
    the figures cleaned, or ``DomainError`` naming the fields. At least one figure must be given."""
    _check_year(year)
    cleaned = _clean_values(values)
    if all(value is None for value in cleaned.values()):
        raise DomainError(_("请至少填写一项指标。"))
    return cleaned


def _store(figure: EnterpriseFigure, values: dict, evidence) -> EnterpriseFigure:
    for name, value in values.items():
        setattr(figure, name, value)
    if all(getattr(figure, name) is None for name in FIGURE_FIELDS):
        raise DomainError(_("请至少填写一项指标。"))
    try:
        figure.full_clean(exclude=["evidence", "enterprise", "submitted_by", "confirmed_by"], validate_constraints=False)
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from None
    if evidence is not None:
        attachment_validate_as_evidence(evidence)
        figure.evidence = evidence
        figure.evidence_name = (evidence.name or "evidence").replace("\x00", "")[-200:]
    figure.save()
    return figure


def attachment_validate_as_evidence(uploaded) -> str:
    """The attachments' rule (type by content, size) for an evidence file, its error on ``evidence``."""
    try:
        return attachment_validate(uploaded)
    except DomainError as error:
        error.field = "evidence"
        raise


def _locked(enterprise: Enterprise, year: int, source: str) -> EnterpriseFigure | None:
    return (
        EnterpriseFigure.objects.select_for_update()
        .filter(enterprise=enterprise, year=year, source=source)
        .first()
    )


@transaction.atomic
def figure_record(
    *,
    enterprise: Enterprise,
    year: int,
    source: str,
    values: dict,
    evidence=None,
    actor: User,
    note: str = "",
) -> EnterpriseFigure:
    """Store staff's figures for ``enterprise``'s ``year`` from ``source``, confirmed (已确认) at once.

    The natural key is (enterprise, year, source): recording again updates that row (the figures given in
    ``values``, a ``None`` clearing one), which is how a re-import corrects a year.
    """
    require_role(actor, Work.FIGURES)
    if source not in EnterpriseFigure.Source.values:
        raise DomainError(_("指标来源不正确。"), field="source")
    year = _check_year(year)
    values = _clean_values(values)
    figure = _locked(enterprise, year, source) or EnterpriseFigure(
        enterprise=enterprise, year=year, source=source, submitted_by=actor
    )
    figure.status = EnterpriseFigure.Status.CONFIRMED
    figure.confirmed_by = actor
    figure.confirmed_at = timezone.now()
    if note:
        figure.note = note
    figure._history_user = actor
    return _store(figure, values, evidence)


@transaction.atomic
def figure_submit(*, enterprise: Enterprise, year: int, values: dict, evidence, actor: User) -> EnterpriseFigure:
    """An enterprise user reports its own enterprise's figures for ``year`` (企业自报), with an evidence file.

    Stored 待确认 until staff confirm it; a returned (已退回) or still waiting report of the same year is replaced.
    A confirmed one is final: a correction goes through the park's staff.
    """
    require_role(actor, Work.OWN_FIGURES)
    if not Enterprise.objects.visible_to(actor).filter(pk=enterprise.pk).exists():
        raise DomainError(_("您不是该企业的用户，不能填报其指标。"), code=DomainError.FORBIDDEN)
    year = _check_year(year)
    if evidence is None:
        raise DomainError(_("请上传佐证材料（如财务报表、完税证明）。"), field="evidence")
    values = _clean_values(values)
    figure = _locked(enterprise, year, EnterpriseFigure.Source.SELF_REPORTED)
    if figure is not None and figure.status == EnterpriseFigure.Status.CONFIRMED:
        raise DomainError(
            _("%(year)s 年度的自报指标已确认，不能再修改；如需更正，请联系园区工作人员。") % {"year": year},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    if figure is None:
        figure = EnterpriseFigure(enterprise=enterprise, year=year, source=EnterpriseFigure.Source.SELF_REPORTED)
    else:
        for name in FIGURE_FIELDS:  # a new report replaces the old one whole
            setattr(figure, name, None)
    figure.status = EnterpriseFigure.Status.SUBMITTED
    figure.submitted_by = actor
    figure.confirmed_by = None
    figure.confirmed_at = None
    figure.note = ""
    figure._history_user = actor
    return _store(figure, values, evidence)


def _lock_waiting(figure: EnterpriseFigure, verb: str) -> EnterpriseFigure:
    figure = EnterpriseFigure.objects.select_for_update().get(pk=figure.pk)
    if figure.status != EnterpriseFigure.Status.SUBMITTED:
        raise DomainError(
            _("该指标当前为“%(status)s”，不能%(verb)s。") % {"status": figure.get_status_display(), "verb": verb},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    return figure


@transaction.atomic
def figure_confirm(*, figure: EnterpriseFigure, actor: User) -> EnterpriseFigure:
    """Staff accept an enterprise's report (待确认 → 已确认): from now on its figures are facts."""
    require_role(actor, Work.FIGURES)
    figure = _lock_waiting(figure, _("确认"))
    figure.status = EnterpriseFigure.Status.CONFIRMED
    figure.confirmed_by = actor
    figure.confirmed_at = timezone.now()
    figure._history_user = actor
    figure.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
    return figure


@transaction.atomic
def figure_reject(*, figure: EnterpriseFigure, reason: str, actor: User) -> EnterpriseFigure:
    """Staff return an enterprise's report (待确认 → 已退回) with the reason it sees in the portal."""
    require_role(actor, Work.FIGURES)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("退回时请填写原因。"), field="reason")
    if len(reason) > 500:
        raise DomainError(_("原因不能超过 500 字。"), field="reason")
    figure = _lock_waiting(figure, _("退回"))
    figure.status = EnterpriseFigure.Status.REJECTED
    figure.confirmed_by = actor
    figure.confirmed_at = None
    figure.note = reason
    figure._history_user = actor
    try:
        figure.full_clean(exclude=["evidence", "enterprise", "submitted_by", "confirmed_by"], validate_constraints=False)
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from None
    figure.save(update_fields=["status", "confirmed_by", "confirmed_at", "note", "updated_at"])
    return figure

