"""The land map (/land/): the park's parcels drawn from their outlines, coloured by status — for the roles that read
parcels (``crm.roles.WHO_READS``: investment officers and managers; a service officer gets 403, as in the admin).

Leaflet is served from ``static/vendor/leaflet`` and no online tile server is called: the map has a
plain background unless ``PARKS_MAP_TILE_URL`` names an intranet tile server.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from crm.roles import Area, may_read

from .models import Park
from .selectors.parcels import parcel_map_features, parcel_status_legend


@require_safe
@staff_member_required
def land_map(request):
    """Queries: session, user, the user's groups (the role table), the parks of the filter, the parcels with park
    and project."""
    if not may_read(request.user, Area.PARCELS):
        raise PermissionDenied
    park = None
    park_id = request.GET.get("park", "")
    parks = list(Park.objects.order_by("name"))
    if park_id.isdigit():
        park = next((p for p in parks if p.pk == int(park_id)), None)
    features = parcel_map_features(park=park)
    counts: dict[str, int] = {}
    for feature in features["features"]:
        properties = feature["properties"]
        properties["url"] = reverse("admin:parks_landparcel_change", args=[properties["id"]])
        counts[properties["status"]] = counts.get(properties["status"], 0) + 1
    legend = [{**item, "count": counts.get(item["status"], 0)} for item in parcel_status_legend()]
    context = {
        **admin.site.each_context(request),
        "title": _("地块地图"),
        "is_nav_sidebar_enabled": False,  # the map needs the width
        "features": features,
        "legend": legend,
        "parks": parks,
        "park": park,
        "tile_url": settings.PARKS_MAP_TILE_URL,
    }
    return render(request, "parks/land_map.html", context)
