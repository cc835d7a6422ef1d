"""A session cookie that cannot be a session key is no session: the page answers as to anyone not logged in.

Before, a NUL byte in the cookie (as schemathesis sends) reached PostgreSQL in the session lookup and every page,
the API included, answered 500 there.
"""

import pytest
from django.test import Client

from crm.session_store import SessionStore
from tests.api.support import api_client
from tests.factories import officer

pytestmark = pytest.mark.django_db

GARBAGE = ["abcdefgh\x00ijklmnop", "abcdefgh'; --", "漢字漢字漢字漢字漢字", "a" * 7]


@pytest.mark.parametrize("key", GARBAGE)
def test_a_cookie_that_cannot_be_a_session_key_opens_no_session(key):
    assert SessionStore(key).session_key is None


@pytest.mark.parametrize("path", ["/admin/", "/portal/", "/api/v1/projects/"])
def test_a_nul_byte_in_the_session_cookie_is_not_a_server_error(path):
    response = Client().get(path, HTTP_COOKIE="sessionid=abcdefgh\x00ijklmnop")

    assert response.status_code in (302, 401, 403), (path, response.status_code)


def test_with_such_a_cookie_an_api_token_still_works():
    client = api_client(officer())

    response = client.get("/api/v1/projects/", HTTP_COOKIE="sessionid=abcdefgh\x00ijklmnop")

    assert response.status_code == 200


def test_a_real_session_still_opens(client):
    client.force_login(officer())

    assert client.get("/admin/").status_code == 200
