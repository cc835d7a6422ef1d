"""Token authentication, and the login lockout shared by the admin and the token endpoint (django-axes, per account
at an address; the per-address limit across usernames is in tests/security/test_password_spraying.py)."""

import pytest
from axes.models import AccessAttempt
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.api.support import api_client

pytestmark = pytest.mark.django_db
TOKEN = "/api/v1/auth/token/"
ADMIN_LOGIN = "/admin/login/?next=/admin/"
LOCKED = {"detail": "登录失败次数过多，已暂时禁止从此处登录，请 15 分钟后再试或联系管理员。"}


def test_the_right_password_returns_a_token_that_authenticates_later_calls(alice, alice_request):
    response = APIClient().post(TOKEN, {"username": "alice", "password": "pass-1234"}, format="json")

    assert response.status_code == 200
    assert set(response.json()) == {"token", "expiry"}
    assert AuthToken.objects.get().user == alice
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/v1/service-requests/").json()["count"] == 1


def test_each_login_gets_its_own_token_and_both_work(alice):
    first = APIClient().post(TOKEN, {"username": "alice", "password": "pass-1234"}, format="json").json()
    second = APIClient().post(TOKEN, {"username": "alice", "password": "pass-1234"}, format="multipart").json()

    assert first["token"] != second["token"]
    for answer in (first, second):
        assert api_client_with(answer["token"]).get("/api/v1/service-requests/").status_code == 200


def test_wrong_password_is_a_400_without_a_token(alice):
    response = APIClient().post(TOKEN, {"username": "alice", "password": "wrong"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["用户名或密码不正确。"]}
    assert AuthToken.objects.count() == 0


def test_missing_credentials_are_field_errors(db):
    response = APIClient().post(TOKEN, {}, format="json")

    assert response.status_code == 400
    assert response.json() == {"username": ["该字段是必填项。"], "password": ["该字段是必填项。"]}


def test_inactive_user_gets_no_token(alice):
    alice.is_active = False
    alice.save()

    response = APIClient().post(TOKEN, {"username": "alice", "password": "pass-1234"}, format="json")

    assert response.status_code == 400
    assert AuthToken.objects.count() == 0


def test_anonymous_calls_are_401_with_a_token_challenge(db):
    response = APIClient().get("/api/v1/service-requests/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_an_unknown_token_is_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    assert client.get("/api/v1/service-requests/").status_code == 401


def test_session_login_works_too(client, alice, alice_request):
    client.force_login(alice)

    assert client.get("/api/v1/service-requests/").json()["count"] == 1


def test_session_writes_need_the_csrf_token(alice, work_permit):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post("/api/v1/service-requests/", {"category": "work_permit", "title": "x"}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def api_client_with(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _fail_on_the_token_endpoint(times, **headers):
    for _ in range(times):
        APIClient().post(TOKEN, {"username": "alice", "password": "wrong"}, format="json", **headers)


def _fail_on_the_admin(client, times, **headers):
    for _ in range(times):
        client.post(ADMIN_LOGIN, {"username": "alice", "password": "wrong"}, **headers)


def test_five_failures_on_the_token_endpoint_lock_the_account_at_that_address_even_with_the_right_password(alice):
    _fail_on_the_token_endpoint(5, HTTP_X_FORWARDED_FOR="203.0.113.7")

    response = APIClient().post(
        TOKEN, {"username": "alice", "password": "pass-1234"}, format="json", HTTP_X_FORWARDED_FOR="198.51.100.99"
    )

    assert response.status_code == 429
    assert response.json() == LOCKED
    assert AuthToken.objects.count() == 0


def test_four_failures_do_not_lock_and_a_success_clears_them(alice):
    _fail_on_the_token_endpoint(4)

    ok = APIClient().post(TOKEN, {"username": "alice", "password": "pass-1234"}, format="json")
    _fail_on_the_token_endpoint(4)
    again = APIClient().post(TOKEN, {"username": "alice", "password": "pass-1234"}, format="json")

    assert (ok.status_code, again.status_code) == (200, 200)


def test_five_failures_on_the_admin_lock_the_token_endpoint_from_that_address_whatever_x_forwarded_for_says(client, zhou):
    for n in range(5):
        client.post(ADMIN_LOGIN, {"username": "zhou", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")

    response = APIClient().post(
        TOKEN, {"username": "zhou", "password": "pass-1234"}, format="json", HTTP_X_FORWARDED_FOR="192.0.2.200"
    )

    assert response.status_code == 429
    assert response.json() == LOCKED
    assert AuthToken.objects.count() == 0


def test_five_failures_on_the_token_endpoint_lock_the_admin_login(client, zhou):
    for n in range(5):
        APIClient().post(
            TOKEN, {"username": "zhou", "password": "wrong"}, format="json", HTTP_X_FORWARDED_FOR=f"10.0.1.{n}"
        )

    response = client.post(
        ADMIN_LOGIN, {"username": "zhou", "password": "pass-1234"}, HTTP_X_FORWARDED_FOR="192.0.2.201"
    )

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_an_account_lockout_does_not_lock_other_accounts_at_the_same_address(alice, bob):
    _fail_on_the_token_endpoint(5)

    response = APIClient().post(TOKEN, {"username": "bob", "password": "pass-1234"}, format="json")

    assert response.status_code == 200
    assert AccessAttempt.objects.get().username == "alice"


def test_an_existing_token_keeps_working_for_other_accounts(alice, bob, bob_request):
    _fail_on_the_token_endpoint(5)

    assert api_client(bob).get("/api/v1/service-requests/").json()["count"] == 1
