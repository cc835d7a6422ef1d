"""Sessions end: after an idle period and after an absolute lifetime, for staff in the admin and enterprise
users in the portal alike; an active session within both stays."""

import datetime as dt

import pytest
import time_machine

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def short_lifetimes(settings):
    """30 idle minutes, a 2-hour lifetime: the same rule as the defaults (30 minutes, 12 hours), faster to walk."""
    settings.SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=30)
    settings.SESSION_MAX_AGE = dt.timedelta(hours=2)


def test_the_defaults_are_30_idle_minutes_and_12_hours(settings):
    assert settings.SESSION_IDLE_TIMEOUT.total_seconds() == 30 * 60
    assert settings.SESSION_MAX_AGE.total_seconds() == 12 * 3600
    assert settings.SESSION_COOKIE_AGE == 12 * 3600


def _login(client, user):
    with time_machine.travel(START, tick=False):
        client.force_login(user)


def _get_at(client, url, when):
    with time_machine.travel(when, tick=False):
        return client.get(url)


def test_a_staff_session_idle_past_the_limit_is_sent_to_the_login_page(client, zhou, short_lifetimes):
    _login(client, zhou)
    assert _get_at(client, "/admin/", START).status_code == 200

    response = _get_at(client, "/admin/", START + dt.timedelta(minutes=31))

    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"
    with time_machine.travel(START + dt.timedelta(minutes=31), tick=False):
        assert "_auth_user_id" not in client.session
        assert "登录已超时，请重新登录。" in client.get(response["Location"]).content.decode()


def test_a_staff_session_active_past_its_lifetime_is_sent_to_the_login_page(client, zhou, short_lifetimes):
    _login(client, zhou)
    codes = [_get_at(client, "/admin/", START + dt.timedelta(minutes=20 * n)).status_code for n in range(7)]

    assert codes == [200] * 6 + [200]  # 2 h exactly: still inside
    response = _get_at(client, "/admin/", START + dt.timedelta(hours=2, minutes=5))
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/admin/"


def test_an_active_staff_session_within_both_limits_stays(client, zhou, short_lifetimes):
    _login(client, zhou)

    codes = [_get_at(client, "/admin/", START + dt.timedelta(minutes=29 * n)).status_code for n in range(5)]

    assert codes == [200] * 5
    with time_machine.travel(START + dt.timedelta(minutes=29 * 4), tick=False):
        assert client.session["_auth_user_id"] == str(zhou.pk)


def test_an_enterprise_portal_session_follows_the_same_rule(client, alice, short_lifetimes):
    _login(client, alice)
    assert _get_at(client, "/portal/", START).status_code == 200

    response = _get_at(client, "/portal/", START + dt.timedelta(minutes=31))

    assert response.status_code == 302
    assert response["Location"] == "/portal/login/?next=/portal/"
    with time_machine.travel(START + dt.timedelta(minutes=31), tick=False):
        assert "登录已超时，请重新登录。" in client.get(response["Location"]).content.decode()


def test_activity_is_written_to_the_session_at_most_once_a_minute(client, zhou, short_lifetimes):
    from django.contrib.sessions.models import Session

    _login(client, zhou)
    _get_at(client, "/admin/", START)
    key = client.session.session_key
    saved = Session.objects.get(session_key=key).expire_date

    _get_at(client, "/admin/", START + dt.timedelta(seconds=30))
    assert Session.objects.get(session_key=key).expire_date == saved
    _get_at(client, "/admin/", START + dt.timedelta(seconds=90))
    assert Session.objects.get(session_key=key).expire_date > saved


def test_an_expired_session_on_the_api_is_anonymous(client, alice, short_lifetimes):
    _login(client, alice)
    assert _get_at(client, "/api/v1/service-requests/", START).status_code == 200

    assert _get_at(client, "/api/v1/service-requests/", START + dt.timedelta(minutes=31)).status_code == 401


def test_a_token_login_logs_no_session_in(alice):
    from django.contrib.sessions.models import Session
    from rest_framework.test import APIClient

    response = APIClient().post("/api/v1/auth/token/", {"username": "alice", "password": "pass-1234"}, format="json")

    assert response.status_code == 200
    # django-axes may keep an empty session for its access log; it holds no user and no login clock.
    assert [session.get_decoded() for session in Session.objects.all()] in ([], [{}])
