"""Reads on land parcels: lists, the candidates for a project's land need, and the map's features."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from crm.models import Project
from crm.text import number, wan

from ..models import PARCEL_FREE_STATUSES, LandParcel, LandUse, ParcelStatus
from .policies import park_tree

# ±30 %: a parcel within this share of the project's land need is a candidate.
AREA_TOLERANCE = Decimal("0.30")

# The map's colours by status (legend, polygons and the browser test use the same values).
STATUS_COLOURS = {
    ParcelStatus.PLANNED: "#9e9e9e",
    ParcelStatus.AVAILABLE: "#2e7d32",
    ParcelStatus.RESERVED: "#f9a825",
    ParcelStatus.LISTED: "#1565c0",
    ParcelStatus.TRANSFERRED: "#6a1b9a",
    ParcelStatus.UNDER_CONSTRUCTION: "#ef6c00",
    ParcelStatus.DELIVERED: "#37474f",
}


def parcel_list() -> QuerySet[LandParcel]:
    return LandParcel.objects.select_related("park", "project").order_by("code")


@dataclass(frozen=True)
class Candidate:
    """A parcel offered for a project's land need, with its place in the ranking and why."""

    rank: int
    parcel: LandParcel
    area_difference: Decimal  # parcel area − need, as a share of the need (0.10 = 10 % larger)
    in_park: bool
    reasons: list[str]

    @property
    def reason(self) -> str:
        return "；".join(self.reasons)


def parcel_candidates(*, project: Project, tolerance: Decimal = AREA_TOLERANCE) -> list[Candidate]:
    """Parcels still on offer (可供地, 挂牌中, or reserved for this very project) for the project's land need.

    Kept: area within ±``tolerance`` of ``land_need_m2``, and the land use asked for (when one is).
    Ranked: parcels reserved for the project first, then those in its intended park (or a sub-park of it),
    then by how close the area is to the need, then the lower reserve price. Each candidate says why in
    Chinese. No land need recorded → no candidates. 2 queries (parcels, parks).
    """
    need = project.land_need_m2
    if not need:
        return []
    low, high = need * (1 - tolerance), need * (1 + tolerance)
    parcels = LandParcel.objects.filter(area_m2__gte=low, area_m2__lte=high).filter(
        Q(status__in=PARCEL_FREE_STATUSES, project__isnull=True)
        | Q(status__in=[ParcelStatus.RESERVED, ParcelStatus.LISTED], project=project)
    ).select_related("park")
    if project.land_use_need:
        parcels = parcels.filter(land_use=project.land_use_need)
    parks = park_tree()
    scored = []
    for parcel in parcels:
        difference = (parcel.area_m2 - need) / need
        in_park = project.park_id is not None and parks.within(parcel.park_id, project.park_id)
        reasons = []
        if parcel.project_id == project.pk:
            reasons.append(_("为本项目预留（%(status)s）") % {"status": parcel.get_status_display()})
        else:
            reasons.append(parcel.get_status_display())
        if project.land_use_need:
            reasons.append(_("用地性质相符（%(label)s）") % {"label": LandUse(parcel.land_use).label})
        else:
            reasons.append(_("用地性质 %(label)s（项目未填写需求）") % {"label": LandUse(parcel.land_use).label})
        if difference == 0:
            reasons.append(_("面积 %(area_m2)s m²，与需求相同") % {"area_m2": number(parcel.area_m2)})
        else:
            reasons.append(
                (_("面积 %(area_m2)s m²，比需求 %(need)s m² 大 %(percent)s%%") if difference > 0 else _("面积 %(area_m2)s m²，比需求 %(need)s m² 小 %(percent)s%%"))
                % {"area_m2": number(parcel.area_m2), "need": number(need), "percent": f"{abs(difference) * 100:.0f}"}
            )
        if project.park_id is None:
            reasons.append(_("位于%(park)s（项目未定落地园区）") % {"park": parks.name(parcel.park_id)})
        elif in_park:
            reasons.append(_("位于拟落地园区%(park)s") % {"park": parks.name(project.park_id)})
        else:
            reasons.append(_("位于%(park)s，不在拟落地园区%(project_park)s") % {"park": parks.name(parcel.park_id), "project_park": parks.name(project.park_id)})
        if parcel.reserve_price is not None:
            reasons.append(_("起始价 %(price)s") % {"price": wan(parcel.reserve_price)})
        key = (
            parcel.project_id != project.pk,
            not in_park,
            abs(difference),
            parcel.reserve_price if parcel.reserve_price is not None else Decimal("Infinity"),
            parcel.code,
        )
        scored.append((key, parcel, difference, in_park, reasons))
    scored.sort(key=lambda item: item[0])
    return [
        Candidate(rank=i, parcel=parcel, area_difference=difference, in_park=in_park, reasons=reasons)
        for i, (_key, parcel, difference, in_park, reasons) in enumerate(scored, start=1)
    ]


def parcel_map_features(*, park=None) -> dict:
    """The parcels with an outline as a GeoJSON FeatureCollection, each with what its popup shows; 1 query."""
    parcels = LandParcel.objects.filter(outline__isnull=False).select_related("park", "project").order_by("code")
    if park is not None:
        parcels = parcels.filter(park=park)
    features = []
    for parcel in parcels:
        features.append({
            "type": "Feature",
            "geometry": parcel.outline,
            "properties": {
                "id": parcel.pk,
                "code": parcel.code,
                "name": parcel.name,
                "park": str(parcel.park),
                "status": parcel.status,
                "status_label": parcel.get_status_display(),
                "colour": STATUS_COLOURS[parcel.status],
                "land_use": parcel.get_land_use_display(),
                "area": f"{number(parcel.area_m2)} m²",
                "project": parcel.project.name if parcel.project_id else "",
                "transferred_on": parcel.transferred_on.isoformat() if parcel.transferred_on else "",
            },
        })
    return {"type": "FeatureCollection", "features": features}


def parcel_status_legend() -> list[dict]:
    return [{"status": s.value, "label": str(s.label), "colour": STATUS_COLOURS[s]} for s in ParcelStatus]
