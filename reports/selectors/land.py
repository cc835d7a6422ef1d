"""The land page (土地与载体): parcels by status and use, transfers in the period, space occupancy.

Each figure's rows come from the same function its count or sum does (``_parcels``, ``_transferred``, ``_spaces``
with ``SPACE_CONDITIONS``): the drill-down lists (``reports/figures/land.py``) open them.
"""

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from parks.models import LandParcel, LandUse, ParcelStatus, Space
from reports.selectors.common import ZERO, ReportFilters, money, percent

# Which spaces each occupancy figure counts or sums (入驻 occupied, 预定 reserved, 空置 the rest).
SPACE_CONDITIONS = {
    "units": Q(),
    "occupied": Q(status=Space.Status.OCCUPIED),
    "reserved": Q(status=Space.Status.RESERVED),
    "vacant": ~Q(status__in=[Space.Status.OCCUPIED, Space.Status.RESERVED]),
}


def _parcels(filters: ReportFilters) -> QuerySet[LandParcel]:
    parcels = LandParcel.objects.order_by()
    return parcels.filter(park=filters.park) if filters.park is not None else parcels


def _spaces(filters: ReportFilters) -> QuerySet[Space]:
    spaces = Space.objects.order_by()
    return spaces.filter(park=filters.park) if filters.park is not None else spaces


def transfer_period(filters: ReportFilters, today: dt.date) -> tuple[dt.date, dt.date]:
    """The period of 出让: the range, or the report year (the range's end's, else this year) where it is open."""
    year = filters.report_year(today)
    return filters.start or dt.date(year, 1, 1), filters.end or dt.date(year, 12, 31)


def _transferred(filters: ReportFilters, today: dt.date) -> QuerySet[LandParcel]:
    """The parcels transferred (出让) in the period."""
    start, end = transfer_period(filters, today)
    return _parcels(filters).filter(transferred_on__gte=start, transferred_on__lte=end)


def land_report(*, filters: ReportFilters, now: dt.datetime | None = None) -> dict:
    """The land-and-space page: 3 queries, whatever the data.

    Parcel inventory by status and land use (1), parcels transferred (出让) in the period by land
    use (1), space occupancy by park (1): occupancy = occupied area / total area.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    period_start, period_end = transfer_period(filters, today)
    parcels = _parcels(filters)
    spaces = _spaces(filters)

    cells = {
        (row["status"], row["land_use"]): row
        for row in parcels.values("status", "land_use").annotate(count=Count("id"), area=Sum("area_m2"))
    }
    inventory = []
    for status in ParcelStatus:
        for use in LandUse:
            row = cells.get((status, use))
            if row:
                inventory.append({
                    "status": status.value, "status_label": str(status.label),
                    "land_use": use.value, "land_use_label": str(use.label),
                    "count": row["count"], "area_m2": money(row["area"]),
                })
    by_status = [
        {
            "status": s.value, "label": str(s.label),
            "count": sum(c["count"] for c in inventory if c["status"] == s),
            "area_m2": sum((c["area_m2"] for c in inventory if c["status"] == s), ZERO),
        }
        for s in ParcelStatus
    ]
    by_land_use = [
        {
            "land_use": u.value, "label": str(u.label),
            "count": sum(c["count"] for c in inventory if c["land_use"] == u),
            "area_m2": sum((c["area_m2"] for c in inventory if c["land_use"] == u), ZERO),
        }
        for u in LandUse
    ]

    transferred_rows = {
        row["land_use"]: row
        for row in _transferred(filters, today)
        .values("land_use")
        .annotate(count=Count("id"), area=Sum("area_m2"))
    }
    transferred = [
        {
            "land_use": u.value, "label": str(u.label),
            "count": transferred_rows.get(u, {}).get("count", 0),
            "area_m2": money(transferred_rows.get(u, {}).get("area")),
        }
        for u in LandUse
    ]

    occupied, reserved, vacant = (SPACE_CONDITIONS[k] for k in ("occupied", "reserved", "vacant"))
    occupancy = []
    for row in spaces.values("park_id", "park__name", "park__short_name").annotate(
        units=Count("id"),
        occupied_units=Count("id", filter=occupied),
        area=Sum("area_m2"),
        occupied_area=Sum("area_m2", filter=occupied),
        reserved_area=Sum("area_m2", filter=reserved),
        vacant_area=Sum("area_m2", filter=vacant),
    ).order_by("park_id"):
        area, occupied_area, reserved_area = money(row["area"]), money(row["occupied_area"]), money(row["reserved_area"])
        occupancy.append({
            "park_id": row["park_id"],
            "park": row["park__short_name"] or row["park__name"],
            "units": row["units"],
            "occupied_units": row["occupied_units"],
            "area_m2": area,
            "occupied_area_m2": occupied_area,
            "reserved_area_m2": reserved_area,
            "vacant_area_m2": money(row["vacant_area"]),  # = area − occupied − reserved (areas are never empty)
            "occupancy_rate": percent(occupied_area, area),
        })
    total_area = sum((p["area_m2"] for p in occupancy), ZERO)
    total_occupied = sum((p["occupied_area_m2"] for p in occupancy), ZERO)
    return {
        "as_of": now,
        "filters": filters,  # what the layout's drill-down links carry (reports.drill.link)
        "inventory": inventory,
        "by_status": by_status,
        "by_land_use": by_land_use,
        "parcel_totals": {
            "count": sum(s["count"] for s in by_status),
            "area_m2": sum((s["area_m2"] for s in by_status), ZERO),
        },
        "transferred": {
            "start": period_start,
            "end": period_end,
            "items": transferred,
            "count": sum(t["count"] for t in transferred),
            "area_m2": sum((t["area_m2"] for t in transferred), ZERO),
        },
        "occupancy": {
            "items": occupancy,
            "units": sum(p["units"] for p in occupancy),
            "occupied_units": sum(p["occupied_units"] for p in occupancy),
            "area_m2": total_area,
            "occupied_area_m2": total_occupied,
            "reserved_area_m2": sum((p["reserved_area_m2"] for p in occupancy), ZERO),
            "vacant_area_m2": sum((p["vacant_area_m2"] for p in occupancy), ZERO),
            "occupancy_rate": percent(total_occupied, total_area),
        },
    }
