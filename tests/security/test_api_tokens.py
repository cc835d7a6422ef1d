"""API tokens end: they expire (staff and enterprise lifetimes apart), are stored hashed, and die with a
password change, a deactivation and ``POST /api/v1/auth/logout/``."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"
LOGOUT = "/api/v1/auth/logout/"
LIST = "/api/v1/service-requests/"


def _login(username, password=None):
    password = "pass-1234" if password is None else password
    response = APIClient().post(TOKEN, {"username": username, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def _client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_token_answer_names_its_expiry(alice):
    before = timezone.now()

    answer = _login("alice")

    assert set(answer) == {"token", "expiry"}
    expiry = parse_datetime(answer["expiry"])
    assert before + dt.timedelta(days=7) <= expiry <= timezone.now() + dt.timedelta(days=7)
    assert _client(answer["token"]).get(LIST).status_code == 200


def test_a_token_is_refused_once_it_has_expired(zhou):
    key = _login("zhou")["token"]

    with time_machine.travel(timezone.now() + dt.timedelta(hours=11, minutes=59)):
        assert _client(key).get(LIST).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(hours=12, minutes=1)):
        response = _client(key).get(LIST)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_staff_and_enterprise_lifetimes_follow_their_settings(settings, alice, zhou):
    settings.API_TOKEN_TTL_STAFF = dt.timedelta(hours=2)
    settings.API_TOKEN_TTL_ENTERPRISE = dt.timedelta(hours=48)
    staff_key, enterprise_key = _login("zhou")["token"], _login("alice")["token"]

    with time_machine.travel(timezone.now() + dt.timedelta(hours=3)):
        assert _client(staff_key).get(LIST).status_code == 401
        assert _client(enterprise_key).get(LIST).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(hours=49)):
        assert _client(enterprise_key).get(LIST).status_code == 401


def _token_table_rows():
    """Every text column of the token table as a dump would show it, whatever the table is called."""
    tables = [name for name in connection.introspection.table_names() if "token" in name]
    assert tables, "no token table"
    values = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 — a table name we listed
            values += [str(value) for row in cursor.fetchall() for value in row if isinstance(value, str)]
    return values


def test_a_value_copied_from_the_token_table_is_not_a_usable_token(alice):
    key = _login("alice")["token"]

    stored = _token_table_rows()

    assert stored
    assert key not in stored
    for value in stored:
        assert _client(value).get(LIST).status_code == 401
    assert _client(key).get(LIST).status_code == 200


def test_a_password_change_in_the_admin_revokes_every_token(alice, root):
    keys = [_login("alice")["token"], _login("alice")["token"]]
    admin = APIClient()
    admin.force_login(root)

    response = admin.post(
        f"/admin/crm/user/{alice.pk}/password/", {"password1": "N3w-long-pass!", "password2": "N3w-long-pass!"}
    )

    assert response.status_code == 302
    assert [_client(key).get(LIST).status_code for key in keys] == [401, 401]
    assert _client(_login("alice", "N3w-long-pass!")["token"]).get(LIST).status_code == 200


def test_changepassword_command_revokes_the_token(alice, monkeypatch):
    key = _login("alice")["token"]
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "N3w-long-pass!")

    call_command("changepassword", "alice")

    assert _client(key).get(LIST).status_code == 401


def test_set_password_from_code_revokes_the_token(alice):
    key = _login("alice")["token"]
    form = AdminPasswordChangeForm(alice, {"password1": "N3w-long-pass!", "password2": "N3w-long-pass!"})
    assert form.is_valid(), form.errors

    form.save()

    assert _client(key).get(LIST).status_code == 401


def test_saving_the_user_without_a_new_password_keeps_the_token(alice):
    key = _login("alice")["token"]
    alice.display_name = "爱丽丝"
    alice.save()

    assert _client(key).get(LIST).status_code == 200


def test_deactivating_the_user_revokes_the_token(alice):
    key = _login("alice")["token"]
    alice.is_active = False
    alice.save()

    assert _client(key).get(LIST).status_code == 401
    alice.is_active = True
    alice.save()
    assert _client(key).get(LIST).status_code == 401


def test_logout_revokes_the_calling_token_and_only_it(alice):
    key, other = _login("alice")["token"], _login("alice")["token"]

    response = _client(key).post(LOGOUT)

    assert response.status_code == 204
    assert _client(key).get(LIST).status_code == 401
    assert _client(key).post(LOGOUT).status_code == 401
    assert _client(other).get(LIST).status_code == 200


def test_logout_without_a_token_is_401(db):
    assert APIClient().post(LOGOUT).status_code == 401
