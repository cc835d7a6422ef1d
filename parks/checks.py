"""System checks for the parks settings: a misconfigured map tile URL is reported by ``manage.py check``
(and so at every start), not discovered as a blank map by the first user."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks

PLACEHOLDERS = ("{z}", "{x}", "{y}")


@checks.register(checks.Tags.compatibility)
def map_tile_url_check(app_configs=None, **kwargs):
    url = settings.PARKS_MAP_TILE_URL
    if not url:
        return []  # a plain background: the default, and right for a park without a tile server
    missing = [p for p in PLACEHOLDERS if p not in url]
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc or missing:
        return [
            checks.Error(
                f"DJANGO_PARKS_MAP_TILE_URL={url!r} is not a tile URL template.",
                hint="Use http(s)://host/path/{z}/{x}/{y}.png (an intranet tile server), or leave it empty "
                "for a plain background.",
                id="parks.E001",
            )
        ]
    return []
