"""The land map (/land/): staff only, parcels drawn from their outlines coloured by status, Leaflet served
from our own static files, no online tile server unless one is configured."""

import json
import re
from pathlib import Path

import pytest
from django.urls import reverse

from parks.models import ParcelStatus
from parks.selectors.parcels import STATUS_COLOURS
from parks.services.parcels import parcel_change_status, parcel_reserve
from tests.factories import EnterpriseFactory, LandParcelFactory, ProjectFactory, enterprise_user, officer

pytestmark = pytest.mark.django_db
URL = reverse("parks:land-map")


def _outline(west, south):
    return {"type": "Polygon", "coordinates": [[[west, south], [west + 0.002, south], [west + 0.002, south + 0.0015],
                                                [west, south + 0.0015], [west, south]]]}


def _features(response):
    return json.loads(re.search(r'<script id="land-parcels" type="application/json">(.*?)</script>',
                                response.content.decode(), re.S).group(1))["features"]


def test_visitors_and_enterprise_users_are_sent_to_the_staff_login(client):
    assert client.get(URL)["Location"].startswith(reverse("admin:login"))
    client.force_login(enterprise_user(EnterpriseFactory()))
    assert client.get(URL)["Location"].startswith(reverse("admin:login"))


def test_staff_see_each_parcel_with_its_status_colour_and_a_legend_with_counts(client, django_assert_num_queries):
    me = officer()
    planned = LandParcelFactory(code="ZJG-XK-M1-12", outline=_outline(120.071, 30.293))
    reserved = parcel_reserve(
        parcel=parcel_change_status(parcel=LandParcelFactory(code="ZJG-YG-M0-03", outline=_outline(120.077, 30.293)),
                                    to=ParcelStatus.AVAILABLE, actor=me),
        project=ProjectFactory(name="云谷智算中心项目"), actor=me,
    )
    LandParcelFactory(code="无轮廓地块")
    client.force_login(me)

    client.get(URL)
    # session, user, the user's role groups (may it read parcels?), parks of the filter, parcels with park and
    # project, the user's and its groups' permissions (the admin's header and app list), the header's unread-reminder
    # badge; the site profile the header names the park by (crm.notifications.site). Explain any change.
    with django_assert_num_queries(9):
        response = client.get(URL)

    features = _features(response)
    assert [(f["properties"]["code"], f["properties"]["colour"]) for f in features] == [
        ("ZJG-XK-M1-12", STATUS_COLOURS[ParcelStatus.PLANNED]), ("ZJG-YG-M0-03", STATUS_COLOURS[ParcelStatus.RESERVED]),
    ]
    assert features[1]["properties"]["project"] == "云谷智算中心项目"
    assert features[0]["geometry"] == planned.outline
    assert features[1]["properties"]["url"] == reverse("admin:parks_landparcel_change", args=[reserved.pk])
    legend = {item["status"]: (item["colour"], item["count"]) for item in response.context["legend"]}
    assert legend["planned"] == ("#9e9e9e", 1) and legend["reserved"] == ("#f9a825", 1) and legend["delivered"][1] == 0


def test_the_map_filters_by_park(client):
    kept = LandParcelFactory(code="A", outline=_outline(120.07, 30.29))
    LandParcelFactory(code="B", outline=_outline(120.08, 30.29))
    client.force_login(officer())

    features = _features(client.get(URL, {"park": kept.park_id}))

    assert [f["properties"]["code"] for f in features] == ["A"]


def test_the_map_loads_only_our_own_files_and_no_tile_server_by_default(client):
    client.force_login(officer())

    html = client.get(URL).content.decode()

    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert "/static/vendor/leaflet/leaflet.js" in references and "/static/vendor/leaflet/leaflet.css" in references
    assert not [ref for ref in references if re.match(r"(https?:)?//", ref)]
    assert 'data-tile-url=""' in html


def test_an_intranet_tile_server_can_be_configured(client, settings):
    settings.PARKS_MAP_TILE_URL = "http://tiles.zjg.intranet/{z}/{x}/{y}.png"
    client.force_login(officer())

    assert 'data-tile-url="http://tiles.zjg.intranet/{z}/{x}/{y}.png"' in client.get(URL).content.decode()


def test_leaflet_is_vendored_with_its_licence():
    vendor = Path(__file__).resolve().parents[2] / "static" / "vendor" / "leaflet"
    assert (vendor / "leaflet.js").read_text().startswith("/* @preserve\n * Leaflet 1.9.4")
    assert {"leaflet.css", "LICENSE", "images"} <= {p.name for p in vendor.iterdir()}


def test_a_tile_url_that_is_not_a_template_is_reported_by_the_system_check(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    settings.PARKS_MAP_TILE_URL = "tiles.zjg.intranet/map.png"
    with pytest.raises(SystemCheckError, match=r"parks\.E001"):
        call_command("check")
    settings.PARKS_MAP_TILE_URL = "https://tiles.zjg.intranet/{z}/{x}/{y}.png"
    call_command("check")
