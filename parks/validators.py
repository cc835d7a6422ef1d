"""Checks of what an officer types into a parcel's outline."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def validate_polygon(value) -> None:
    """A GeoJSON Polygon: ``{"type": "Polygon", "coordinates": [ring, ...]}``, each ring a closed list of at
    least four ``[longitude, latitude]`` points inside the valid ranges (GeoJSON puts longitude first)."""
    if value in (None, ""):
        return
    if not isinstance(value, dict) or value.get("type") != "Polygon":
        raise ValidationError(_('地块轮廓必须是 GeoJSON Polygon，如 {"type": "Polygon", "coordinates": [[[经度, 纬度], …]]}。'))
    rings = value.get("coordinates")
    if not isinstance(rings, list) or not rings:
        raise ValidationError(_("地块轮廓缺少坐标（coordinates）。"))
    for ring in rings:
        if not isinstance(ring, list) or len(ring) < 4:
            raise ValidationError(_("每个环至少需要 4 个点（首尾相同）。"))
        for point in ring:
            if (
                not isinstance(point, list | tuple)
                or len(point) < 2
                or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in point[:2])
            ):
                raise ValidationError(_("每个点必须是 [经度, 纬度] 两个数字。"))
            lng, lat = point[0], point[1]
            if not (-180 <= lng <= 180 and -90 <= lat <= 90):
                raise ValidationError(
                    _("坐标 [%(lng)s, %(lat)s] 超出范围：经度在 -180 到 180 之间，纬度在 -90 到 90 之间（经度在前）。")
                    % {"lng": lng, "lat": lat}
                )
        if list(ring[0][:2]) != list(ring[-1][:2]):
            raise ValidationError(_("环的首尾两点必须相同（闭合）。"))
