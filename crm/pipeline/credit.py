"""业绩归属 (credit): who is credited with a project, and by what share — the one reading of the rule.

A project's credit is split by its ``ProjectCredit`` rows (业绩分成): each names an officer, a unit (镇街、部门), or
both, with a share in %. A project **without** credit rows is credited 100% to its owner (负责人). The shares of one
project add up to at most 100%, and one officer or unit appears at most once per project
(``credit_split_check``, which every form that edits the rows calls).

The reports (``reports.selectors.credit``) read the rule through the functions here: ``officer_credited`` and
``unit_credited`` give the projects credited to a holder, ``officer_holdings`` the officer ranking's two sources.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from crm.models import ProjectCredit

FULL_SHARE = Decimal("100")


def uncredited() -> Q:
    """Projects without credit rows: credited 100% to their owner (负责人)."""
    return ~Q(pk__in=ProjectCredit.objects.values("project_id"))


def officer_credited(officer_id=None) -> Q:
    """Projects credited to an officer (``officer_id``), or to any officer (``None``): a credit row names the officer,
    or the project has no credit rows and the officer owns it."""
    rows = ProjectCredit.objects.filter(officer__isnull=False)
    owner = Q(owner__isnull=False)
    if officer_id is not None:
        rows, owner = rows.filter(officer_id=officer_id), Q(owner_id=officer_id)
    return Q(pk__in=rows.values("project_id")) | (owner & uncredited())


def unit_credited(unit: str | None = None) -> Q:
    """Projects credited to a unit (``unit``), or to any unit (``None``): a credit row names the unit."""
    rows = ProjectCredit.objects.exclude(unit="")
    if unit is not None:
        rows = rows.filter(unit=unit)
    return Q(pk__in=rows.values("project_id"))


def credit_split_check(rows: Iterable[tuple[object, str, Decimal | None]]) -> None:
    """Refuse a project's credit split (rows of officer id, unit, share %) whose shares exceed 100% in all, or that
    names an officer or a unit twice, or a row naming neither. Raises ``ValidationError`` with the reason."""
    total, officers, units = Decimal("0"), set(), set()
    for officer_id, unit, share in rows:
        unit = (unit or "").strip()
        if officer_id is None and not unit:
            raise ValidationError(_("每条业绩分成须填写人员或单位。"))
        if officer_id is not None:
            if officer_id in officers:
                raise ValidationError(_("同一人员在一个项目的业绩分成中只能出现一次。"))
            officers.add(officer_id)
        if unit:
            if unit in units:
                raise ValidationError(_("单位“%(unit)s”在一个项目的业绩分成中只能出现一次。") % {"unit": unit})
            units.add(unit)
        total += share or 0
    if total > FULL_SHARE:
        raise ValidationError(
            _("一个项目的业绩分成比例合计不能超过 100%%（现为 %(total)s%%）。") % {"total": f"{total.normalize():f}"}
        )
