"""API throttling: per user when logged in, per client address otherwise; the 429 says when to come back."""

import pytest
from rest_framework.test import APIClient

from tests.api.support import api_client

pytestmark = pytest.mark.django_db
LIST = "/api/v1/service-categories/"


@pytest.fixture
def low_rates(settings):
    """Three calls a minute per user, two per anonymous client (DRF re-reads REST_FRAMEWORK when it changes)."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "3/min", "anon": "2/min"}}


def test_the_default_rates_come_from_settings(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] == {"user": "600/min", "anon": "60/min"}


def test_a_user_over_the_rate_gets_429_with_retry_after(low_rates, alice):
    client = api_client(alice)

    codes = [client.get(LIST).status_code for _ in range(4)]

    assert codes == [200, 200, 200, 429]
    response = client.get(LIST)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["detail"].startswith("请求已被限流。")


def test_the_rate_is_counted_per_user(low_rates, alice, bob):
    for _ in range(3):
        api_client(alice).get(LIST)

    assert api_client(alice).get(LIST).status_code == 429
    assert api_client(bob).get(LIST).status_code == 200


def test_a_throttled_write_changes_nothing(low_rates, alice, alice_request):
    client = api_client(alice)
    for _ in range(3):
        client.get(LIST)

    response = client.post(
        f"/api/v1/service-requests/{alice_request.pk}/transition/", {"action": "withdraw"}, format="json"
    )

    assert response.status_code == 429
    alice_request.refresh_from_db()
    assert alice_request.status == "submitted"


def test_anonymous_clients_cannot_buy_a_fresh_allowance_with_x_forwarded_for(low_rates, db):
    codes = [
        APIClient().post("/api/v1/auth/token/", {}, format="json", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(3)
    ]

    assert codes == [400, 400, 429]
