"""Reads on rentable spaces: lists, occupancy per park, and rent-free periods coming to an end."""

import datetime as dt
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Q, QuerySet, Sum

from ..models import Space, rent_free_end


def space_list() -> QuerySet[Space]:
    return Space.objects.select_related("park", "occupant").order_by("park__name", "building", "unit")


def space_occupancy() -> list[dict]:
    """Per park: units, area, area let (已入驻) and the occupancy rate by area; 1 query."""
    rows = (
        Space.objects.order_by("park__name")
        .values("park_id", "park__name", "park__short_name")
        .annotate(
            units=Count("id"),
            area=Sum("area_m2"),
            occupied_units=Count("id", filter=Q(status=Space.Status.OCCUPIED)),
            occupied_area=Sum("area_m2", filter=Q(status=Space.Status.OCCUPIED)),
        )
    )
    return [
        {
            "park_id": row["park_id"],
            "park": row["park__short_name"] or row["park__name"],
            "units": row["units"],
            "area_m2": row["area"],
            "occupied_units": row["occupied_units"],
            "occupied_area_m2": row["occupied_area"] or Decimal("0"),
            "occupancy_rate": ((row["occupied_area"] or Decimal("0")) * 100 / row["area"]).quantize(Decimal("0.1")),
        }
        for row in rows
    ]


def spaces_rent_free_ending(*, after: dt.date, until: dt.date) -> list[Space]:
    """Occupied spaces whose rent-free period ends (``rent_free_ends_on``) in (after, until]; 2 queries.

    The end is the lease start plus a number of months, which SQL cannot add portably; but the months
    take few values (12, 24, 36 …). So: one query for the distinct values, then one range scan on
    ``lease_start`` per value (parks_space_rent_free_idx), widened by a few days for month ends and
    checked exactly here. The cost follows the spaces due, not all the spaces let.
    """
    occupied = Space.objects.filter(status=Space.Status.OCCUPIED, rent_free_months__gt=0, lease_start__isnull=False)
    months_values = sorted(set(occupied.order_by().values_list("rent_free_months", flat=True).distinct()))
    if not months_values or until <= after:
        return []
    ranges = Q()
    slack = dt.timedelta(days=3)  # 03-31 − 1 month = 02-28: a start may sit up to 3 days off the shifted bound
    for months in months_values:
        ranges |= Q(
            rent_free_months=months,
            lease_start__gt=after - relativedelta(months=months) - slack,
            lease_start__lte=until - relativedelta(months=months) + slack,
        )
    found = occupied.filter(ranges).select_related("park", "occupant").order_by("lease_start", "pk")
    return [s for s in found if after < rent_free_end(s.lease_start, s.rent_free_months) <= until]
