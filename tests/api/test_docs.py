"""The OpenAPI 3 schema and the interactive docs, served without any CDN (the product runs in government intranets)."""

import re

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_the_schema_is_openapi_3_and_lists_every_endpoint():
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    # The service-request and project API; the parks and reports APIs add their own paths beside these.
    assert {
        "/api/v1/attachments/{id}/download/",
        "/api/v1/auth/logout/",
        "/api/v1/auth/token/",
        "/api/v1/enterprises/",
        "/api/v1/enterprises/{id}/",
        "/api/v1/notifications/",
        "/api/v1/notifications/{id}/read/",
        "/api/v1/projects/",
        "/api/v1/projects/{id}/",
        "/api/v1/projects/{id}/follow-ups/",
        "/api/v1/projects/{id}/stage/",
        "/api/v1/service-categories/",
        "/api/v1/service-requests/",
        "/api/v1/service-requests/{id}/",
        "/api/v1/service-requests/{id}/approval-steps/",
        "/api/v1/service-requests/{id}/approval-steps/{step_id}/complete/",
        "/api/v1/service-requests/{id}/approval-steps/{step_id}/reopen/",
        "/api/v1/service-requests/{id}/assign/",
        "/api/v1/service-requests/{id}/attachments/",
        "/api/v1/service-requests/{id}/messages/",
        "/api/v1/service-requests/{id}/transition/",
    } <= set(schema["paths"])
    assert set(schema["components"]["securitySchemes"]) == {"cookieAuth", "tokenAuth"}


def test_the_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_the_docs_pages_load_only_local_static_files(path):
    response = APIClient().get(path)

    html = response.content.decode()
    assert response.status_code == 200
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert references, "the page should load its scripts"
    # Swagger UI's start-up script is the page's own URL with ?script (no inline script: tests/security/);
    # Redoc's bundle is the sidecar's, served without its CDN logo (test_redoc_shows_no_logo_from_a_cdn).
    assert all(ref.startswith(("/static/drf_spectacular_sidecar/", f"{path}?script", f"{path}redoc.standalone.js")) for ref in references), references
    assert "//" not in "".join(ref.removeprefix("/") for ref in references)
    assert not re.search(r"https?://", html), re.findall(r"https?://\S+", html)
    script = APIClient().get(f"{path}?script=").content.decode() if path == "/api/docs/" else html
    assert "/api/schema/" in script


def test_swagger_ui_does_not_call_the_online_validator():
    script = APIClient().get("/api/docs/?script=").content.decode()

    assert '"validatorUrl": null' in script


def test_redoc_shows_no_logo_from_a_cdn():
    html = APIClient().get("/api/redoc/").content.decode()
    bundle_url = re.search(r'<script src="([^"]+)"', html).group(1)

    response = APIClient().get(bundle_url)

    bundle = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert b"Redoc" in bundle and len(bundle) > 500_000  # the whole standalone bundle
    assert b"cdn.redoc.ly" not in bundle
    assert b'"/static/favicon.svg"' in bundle  # the logo, served by the site itself
