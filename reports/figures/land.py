"""The drill-down lists of the land page: each figure's rows, by the selector's own rules."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from parks.models import LandParcel, LandUse, ParcelStatus, Park, Space
from reports.drill import register
from reports.selectors import land as selector
from reports.selectors.common import ReportFilters
from reports.selectors.params import choice, label_of, name_of, optional_id, titled
from reports.tables import Linked


def _parcel_code(parcel: LandParcel):
    return Linked(parcel.code, reverse("admin:parks_landparcel_change", args=[parcel.pk]))


PARCEL_COLUMNS = (
    (gettext_lazy("地块编号"), _parcel_code),
    (gettext_lazy("地块名称"), "name"),
    (gettext_lazy("园区"), "park"),
    (gettext_lazy("用地性质"), "land_use"),
    (gettext_lazy("状态"), "status"),
    (gettext_lazy("出让日期"), "transferred_on"),
    (gettext_lazy("面积（m²）"), "area_m2"),
)
SPACE_LABELS = {
    "units": gettext_lazy("全部单元"), "occupied": gettext_lazy("已入驻"), "reserved": gettext_lazy("已预定"),
    "vacant": gettext_lazy("空置"),
}
SPACE_COLUMNS = (
    (gettext_lazy("园区"), "park"),
    (gettext_lazy("楼宇"), "building"),
    (gettext_lazy("单元"), "unit"),
    (gettext_lazy("类型"), "kind"),
    (gettext_lazy("状态"), "status"),
    (gettext_lazy("入驻企业"), "occupant"),
    (gettext_lazy("面积（m²）"), "area_m2"),
)


def parcel_rows(filters: ReportFilters, params: dict) -> QuerySet[LandParcel]:
    """The parcels of the inventory, of one ``status`` and/or one ``land_use`` when given."""
    parcels = selector._parcels(filters)
    if params.get("status"):
        parcels = parcels.filter(status=choice(params, "status", ParcelStatus.values))
    if params.get("land_use"):
        parcels = parcels.filter(land_use=choice(params, "land_use", LandUse.values))
    return parcels.select_related("park").order_by("code")


def transferred_rows(filters: ReportFilters, params: dict) -> QuerySet[LandParcel]:
    """The parcels transferred in the period, of one ``land_use`` when given."""
    parcels = selector._transferred(filters, timezone.localdate())
    if params.get("land_use"):
        parcels = parcels.filter(land_use=choice(params, "land_use", LandUse.values))
    return parcels.select_related("park").order_by("transferred_on", "code")


def space_rows(filters: ReportFilters, params: dict) -> QuerySet[Space]:
    """The spaces of one occupancy ``figure`` (units: all), of one ``park`` when given."""
    spaces = selector._spaces(filters).filter(selector.SPACE_CONDITIONS[choice(params, "figure", selector.SPACE_CONDITIONS)])
    park = optional_id(params, "park")
    if park is not None:
        spaces = spaces.filter(park_id=park)
    return spaces.select_related("park", "occupant").order_by("park_id", "building", "unit")


for _key, _rows, _title in (
    ("parcels", parcel_rows, gettext_lazy("地块")),
    ("transferred", transferred_rows, gettext_lazy("出让地块")),
    ("spaces", space_rows, gettext_lazy("载体空间")),
):
    _columns = SPACE_COLUMNS if _key == "spaces" else PARCEL_COLUMNS
    _titled = titled(_title, label_of("status", ParcelStatus), label_of("land_use", LandUse),
                     label_of("figure", SPACE_LABELS), name_of("park", Park))
    register(f"land.{_key}", title=_titled, page="land", columns=_columns)(_rows)
    register(f"land.{_key}_area", title=_titled, page="land", sum_field="area_m2", columns=_columns)(_rows)
