"""The browser-hardening headers and cookie flags, on every kind of page and, in production, over HTTPS only.

Everywhere: no MIME sniffing, no Referer to other sites, no framing, a separate browsing context group.
In production (run with the production settings in a subprocess): HTTP is redirected to HTTPS, HSTS for a
year with sub-domains, and every cookie the site sets — session, CSRF and the language choice — is Secure;
the language cookie is also HttpOnly and SameSite=Lax like the others.
"""

import json

import pytest
from django.test import Client

from tests.factories import officer
from tests.test_settings import PRODUCTION_ENV, _manage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/admin/login/", "/portal/login/", "/admin/", "/api/v1/projects/", "/api/docs/"])
def test_every_kind_of_page_forbids_sniffing_framing_and_foreign_referrers(path):
    client = Client()
    client.force_login(officer())

    response = client.get(path)

    assert response.status_code in (200, 302), path
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


PROBE = """
import json
from django.test import Client
host = {"HTTP_HOST": "crm.zijingang.example"}
client = Client()
plain = client.get("/portal/login/", **host)
page = client.get("/portal/login/", secure=True, **host)
choice = client.post("/i18n/setlang/", {"language": "en", "next": "/portal/login/"}, secure=True, **host)
cookie = lambda response, name: {key: response.cookies[name][key] for key in ("secure", "httponly", "samesite")}
print("PROBE" + json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "hsts": page.get("Strict-Transport-Security"),
    "csrf": cookie(page, "csrftoken"),
    "language": cookie(choice, "django_language"),
}))
"""


def test_production_serves_https_only_with_secure_cookies(production_static_root):
    env = {**PRODUCTION_ENV, "DJANGO_STATIC_ROOT": str(production_static_root)}
    result = _manage("shell", "-c", PROBE, env=env)
    line = next((line for line in result.stdout.splitlines() if line.startswith("PROBE")), None)
    assert line, result.stdout + result.stderr
    seen = json.loads(line.removeprefix("PROBE"))

    assert seen["plain"] == [301, "https://crm.zijingang.example/portal/login/"]
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert seen["csrf"] == {"secure": True, "httponly": "", "samesite": "Lax"}
    assert seen["language"] == {"secure": True, "httponly": True, "samesite": "Lax"}
