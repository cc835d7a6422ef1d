"""Password spraying: one address trying many usernames is locked by address on every login (admin, portal,
API token), X-Forwarded-For is believed only through the trusted proxies, and an attacker's failures on
someone's username do not lock that person out from their own address."""

import pytest
from django.conf import settings as django_settings
from django.test import Client
from rest_framework.test import APIClient

from config.settings.base import login_address_settings

pytestmark = pytest.mark.django_db
ADMIN_LOGIN = "/admin/login/?next=/admin/"
PORTAL_LOGIN = "/portal/login/"
TOKEN = "/api/v1/auth/token/"
ATTACKER = "203.0.113.66"
HOME = "198.51.100.20"


def _spray(url, count, *, client_class=Client, xff=None, **extra):
    """``count`` logins with a wrong password, each for another username; their status codes."""
    codes = []
    for n in range(count):
        headers = dict(extra)
        if xff is not None:
            headers["HTTP_X_FORWARDED_FOR"] = xff(n)
        codes.append(client_class().post(url, {"username": f"guess{n}", "password": "wrong"}, **headers).status_code)
    return codes


def _limit():
    return django_settings.LOGIN_ADDRESS_FAILURE_LIMIT


def test_the_address_limit_is_well_above_the_account_limit():
    assert (django_settings.AXES_FAILURE_LIMIT, django_settings.LOGIN_ADDRESS_FAILURE_LIMIT) == (5, 20)


@pytest.mark.parametrize(
    ("url", "client_class", "refused"),
    [(ADMIN_LOGIN, Client, 200), (PORTAL_LOGIN, Client, 200), (TOKEN, APIClient, 400)],
    ids=["admin", "portal", "token"],
)
def test_thirty_usernames_from_one_address_are_locked_after_the_address_limit(url, client_class, refused, zhou, alice):
    codes = _spray(url, 30, client_class=client_class, REMOTE_ADDR=ATTACKER)

    assert codes == [refused] * (_limit() - 1) + [429] * (30 - _limit() + 1)
    # The right password of a real account is refused from that address too ...
    username = "alice" if url == PORTAL_LOGIN else "zhou"
    locked = client_class().post(url, {"username": username, "password": "pass-1234"}, REMOTE_ADDR=ATTACKER)
    assert locked.status_code == 429
    text = locked.json()["detail"] if url == TOKEN else locked.content.decode()
    assert "登录失败次数过多，已暂时禁止从此处登录，请 15 分钟后再试或联系管理员。" in text  # an HTML page for a browser
    # ... but not from another address.
    other = client_class().post(url, {"username": username, "password": "pass-1234"}, REMOTE_ADDR=HOME)
    assert other.status_code == (200 if url == TOKEN else 302)


def test_a_spoofed_x_forwarded_for_does_not_escape_the_address_limit_without_trusted_proxies(db):
    codes = _spray(ADMIN_LOGIN, 25, xff=lambda n: f"192.0.2.{n}", REMOTE_ADDR=ATTACKER)

    assert codes.index(429) == _limit() - 1


def test_behind_one_trusted_proxy_the_client_is_the_address_the_proxy_gives(settings, zhou):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    settings.AXES_IPWARE_PROXY_COUNT, settings.AXES_IPWARE_META_PRECEDENCE_ORDER = login_address_settings(1)
    # nginx appends the address it saw to whatever X-Forwarded-For the client sent, and connects from 127.0.0.1.
    codes = _spray(ADMIN_LOGIN, 25, xff=lambda n: f"192.0.2.{n}, {ATTACKER}", REMOTE_ADDR="127.0.0.1")

    assert codes.index(429) == _limit() - 1
    # Another client behind the same proxy is a different address, and logs in.
    response = Client().post(
        ADMIN_LOGIN, {"username": "zhou", "password": "pass-1234"}, HTTP_X_FORWARDED_FOR=HOME, REMOTE_ADDR="127.0.0.1"
    )
    assert response.status_code == 302


def test_an_attackers_failures_on_a_username_do_not_lock_its_owner_out_from_another_address(zhou):
    attempts = [
        Client().post(ADMIN_LOGIN, {"username": "zhou", "password": "wrong"}, REMOTE_ADDR=ATTACKER).status_code
        for _ in range(8)
    ]

    assert attempts == [200] * 4 + [429] * 4
    owner = Client()
    response = owner.post(ADMIN_LOGIN, {"username": "zhou", "password": "pass-1234"}, REMOTE_ADDR=HOME)
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(zhou.pk)


def test_a_successful_login_forgives_only_its_own_failures_not_the_addresses(zhou, qian):
    """An attacker holding one valid account cannot reset the address count by logging in with it."""
    _spray(ADMIN_LOGIN, _limit() - 2, REMOTE_ADDR=ATTACKER)
    assert Client().post(ADMIN_LOGIN, {"username": "qian", "password": "pass-1234"}, REMOTE_ADDR=ATTACKER).status_code == 302

    assert _spray(ADMIN_LOGIN, 2, REMOTE_ADDR=ATTACKER) == [200, 429]
