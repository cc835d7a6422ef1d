"""In production the OpenAPI schema and its docs pages are for logged-in users, unless a setting opens them.

``API_DOCS_PUBLIC`` (env ``DJANGO_API_DOCS_PUBLIC``) is false in production and true elsewhere. Closed, an
anonymous client gets 401 from /api/schema/ and a browser is sent to the login page from /api/docs/ and
/api/redoc/; any logged-in user — staff in the admin, an enterprise user in the portal or with a token —
reads them.
"""

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from tests.factories import EnterpriseFactory, enterprise_user, officer
from tests.test_settings import PRODUCTION_ENV, _manage

pytestmark = pytest.mark.django_db
DOCS_PAGES = ["/api/docs/", "/api/docs/?script=", "/api/redoc/"]


@override_settings(API_DOCS_PUBLIC=False)
def test_closed_the_schema_answers_401_to_an_anonymous_client():
    response = APIClient().get("/api/schema/")

    assert response.status_code == 401
    assert "paths" not in response.content.decode()


@override_settings(API_DOCS_PUBLIC=False)
@pytest.mark.parametrize("path", DOCS_PAGES)
def test_closed_the_docs_pages_send_an_anonymous_browser_to_the_login_page(path):
    response = APIClient().get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/api/")
    assert b"SwaggerUIBundle" not in response.content and b"redoc" not in response.content


@override_settings(API_DOCS_PUBLIC=False)
def test_closed_a_logged_in_user_reads_the_schema_and_the_docs():
    staff = APIClient()
    staff.force_login(officer())
    member = APIClient()
    member.force_authenticate(enterprise_user(EnterpriseFactory()))

    assert member.get("/api/schema/").status_code == 200
    assert "/api/v1/service-requests/" in staff.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path in DOCS_PAGES:
        assert staff.get(path).status_code == 200, path


@override_settings(API_DOCS_PUBLIC=True)
@pytest.mark.parametrize("path", ["/api/schema/", *DOCS_PAGES])
def test_opened_by_the_setting_anyone_reads_them(path):
    assert APIClient().get(path).status_code == 200


def test_production_closes_them_unless_the_environment_opens_them():
    show = ("shell", "-c", "from django.conf import settings; print('public', settings.API_DOCS_PUBLIC)")

    closed = _manage(*show, env=PRODUCTION_ENV)
    opened = _manage(*show, env={**PRODUCTION_ENV, "DJANGO_API_DOCS_PUBLIC": "true"})

    assert "public False" in closed.stdout, closed.stderr
    assert "public True" in opened.stdout, opened.stderr
