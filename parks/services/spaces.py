"""载体空间: an enterprise moves into a unit (with its rent and rent-free months) and moves out."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.models import Enterprise, User
from crm.roles import Work, require_role

from ..models import Space


@transaction.atomic
def space_occupy(
    *,
    space: Space,
    enterprise: Enterprise,
    lease_start: dt.date,
    actor: User,
    lease_end: dt.date | None = None,
    rent_free_months: int = 0,
    rent_per_m2_day: Decimal | None = None,
) -> Space:
    """入驻: a vacant or reserved unit is let to ``enterprise`` from ``lease_start``; its rent-free period
    (``rent_free_months``) ends on ``space.rent_free_ends_on``, and 60 days before that the reminder fires."""
    require_role(actor, Work.LAND)
    space = Space.objects.select_for_update().get(pk=space.pk)
    if space.status == Space.Status.OCCUPIED:
        raise DomainError(
            _("%(space)s 已由“%(occupant)s”入驻。") % {"space": space, "occupant": space.occupant},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    if lease_start is None:
        raise DomainError(_("请填写起租日期。"), field="lease_start")
    if rent_free_months < 0:
        raise DomainError(_("免租期不能为负数。"), field="rent_free_months")
    space.status = Space.Status.OCCUPIED
    space.occupant = enterprise
    space.lease_start = lease_start
    space.lease_end = lease_end
    space.rent_free_months = rent_free_months
    if rent_per_m2_day is not None:
        space.rent_per_m2_day = rent_per_m2_day
    try:
        space.full_clean()
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from None
    space.save()
    return space


@transaction.atomic
def space_vacate(*, space: Space, actor: User) -> Space:
    """迁出: the unit is vacant again, without occupant, lease or rent-free months."""
    require_role(actor, Work.LAND)
    space = Space.objects.select_for_update().get(pk=space.pk)
    if space.status != Space.Status.OCCUPIED:
        raise DomainError(
            _("%(space)s 当前“%(status)s”，没有可迁出的企业。") % {"space": space, "status": space.get_status_display()},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    space.status = Space.Status.VACANT
    space.occupant = None
    space.lease_start = space.lease_end = None
    space.rent_free_months = 0
    space.save()
    return space
