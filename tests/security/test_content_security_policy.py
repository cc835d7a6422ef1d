"""Every HTML page carries a Content-Security-Policy that forbids inline script, and our templates write none.

The policy (config/settings/base.py, django-csp): scripts, styles, images, fonts and connections only from
the site itself (no CDN), no plugins, no framing, no <base> or form posts elsewhere. Script is never inline:
an injected ``<script>`` or ``onclick=`` does not run. The browser test beside this one
(test_content_security_policy_in_browser.py) shows that every page still works under it.
"""

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.factories import (
    EnterpriseFactory,
    LandParcelFactory,
    ProjectFactory,
    UserFactory,
    enterprise_user,
    manager,
    service_request,
)

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
OUR_TEMPLATES = [ROOT / "templates", ROOT / "crm" / "templates", ROOT / "parks" / "templates", ROOT / "reports" / "templates"]


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']} has no Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_strict(policy: dict[str, list[str]]):
    assert policy["default-src"] == ["'self'"]
    script = policy.get("script-src", policy["default-src"])
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert "'unsafe-inline'" not in policy.get("script-src-attr", []) + policy.get("script-src-elem", [])
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    # No CDN: every source is the site itself, a keyword, data: images or (Redoc's search) a blob: worker.
    for name, sources in policy.items():
        for source in sources:
            allowed = source.startswith("'") or (name, source) in {("img-src", "data:"), ("worker-src", "blob:")}
            assert allowed, f"{name} allows {source}"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def inline_script_in(html: str) -> list[str]:
    return INLINE_SCRIPT.findall(html) + EVENT_HANDLER.findall(html) + JAVASCRIPT_URL.findall(html)


@pytest.fixture
def world():
    sunshine = EnterpriseFactory(name="西湖阳光（杭州）科技有限公司", short_name="西湖阳光")
    member = enterprise_user(sunshine, username="xihu")
    request = service_request(enterprise=sunshine, submitted_by=member)
    project = ProjectFactory(enterprise=sunshine)
    parcel = LandParcelFactory()
    return {"request": request, "project": project, "parcel": parcel, "enterprise": sunshine, "member": member}


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _pages(world):
    admin_user = UserFactory(username="root", is_staff=True, is_superuser=True)
    boss = manager(username="boss")
    return [
        (None, "/admin/login/"),
        (None, "/portal/login/"),
        (admin_user, "/admin/"),
        (admin_user, "/admin/crm/project/"),
        (admin_user, f"/admin/crm/project/{world['project'].pk}/change/"),
        (admin_user, "/admin/crm/project/add/"),
        (admin_user, "/admin/crm/project/import/"),
        (admin_user, f"/admin/crm/project/{world['project'].pk}/history/"),
        (admin_user, f"/admin/crm/servicerequest/{world['request'].pk}/change/"),
        (admin_user, f"/admin/parks/landparcel/{world['parcel'].pk}/change/"),
        (admin_user, "/land/"),
        (admin_user, "/api/docs/"),
        (admin_user, "/api/redoc/"),
        (boss, "/reports/"),
        (boss, "/reports/service/"),
        (boss, "/reports/land/"),
        (boss, "/reports/policies/"),
        (boss, "/admin/crm/servicerequest/"),
        (world["member"], "/portal/"),
        (world["member"], "/portal/requests/new/"),
        (world["member"], f"/portal/requests/{world['request'].pk}/"),
        (world["member"], "/portal/notifications/"),
        (world["member"], "/portal/policies/"),
    ]


def test_every_html_page_has_a_policy_without_inline_script(world):
    for user, path in _pages(world):
        response = _client(user).get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("text/html"), path
        assert_strict(policy_of(response))


def test_no_page_of_ours_writes_inline_script(world):
    for user, path in _pages(world):
        html = _client(user).get(path).content.decode()
        assert inline_script_in(html) == [], path


def test_swagger_ui_is_started_by_a_script_file_of_the_same_page():
    page = _client().get("/api/docs/")
    script_url = re.search(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', page.content.decode()).group(1)

    script = _client().get(script_url.replace("&amp;", "&"))

    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()
    assert '"validatorUrl": null' in script.content.decode()


def test_the_api_and_error_pages_carry_the_policy_too():
    assert_strict(policy_of(_client().get("/api/v1/service-requests/")))
    assert_strict(policy_of(_client().get("/no-such-page/")))


@pytest.mark.parametrize("folder", OUR_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_our_templates_write_no_inline_script(folder):
    offending = {
        str(path.relative_to(ROOT)): found
        for path in folder.rglob("*.html")
        if (found := inline_script_in(path.read_text()))
    }
    assert offending == {}


def test_the_land_map_may_show_an_intranet_tile_server():
    from config.settings.base import csp_img_sources

    assert csp_img_sources("") == ["'self'", "data:"]
    assert csp_img_sources("http://tiles.park.intranet:8080/{z}/{x}/{y}.png") == [
        "'self'", "data:", "http://tiles.park.intranet:8080"
    ]
    assert csp_img_sources("https://{s}.tiles.park.intranet/{z}/{x}/{y}.png")[-1] == "https://*.tiles.park.intranet"
