"""What someone typing (or crafting) strange input gets: a 400 or a 404, never a 500; and no POST without a CSRF token."""

import pytest
from django.test import Client

from crm.models import RequestStatus, ServiceRequest, ServiceRequestMessage

pytestmark = pytest.mark.django_db
HUGE = "9" * 30


@pytest.fixture
def client(client):
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("path", [
    "/portal/?page=%00",
    "/portal/?page=1%00",
    "/portal/requests/new/?category=%00",
    "/portal/requests/new/?category=work_permit%00",
    "/portal/notifications/?page=%00",
])
def test_nul_byte_in_a_query_parameter_is_harmless(alice_client, alice_request, path):
    assert alice_client.get(path).status_code == 200


def test_nul_byte_in_the_login_form_is_a_form_error(client, alice):
    response = client.post("/portal/login/", {"username": "ali\x00ce", "password": "pass-1234"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_nul_byte_in_posted_fields_is_a_form_error_and_saves_nothing(alice_client, work_permit):
    response = alice_client.post(
        "/portal/requests/new/", {"category": "work\x00_permit", "title": "标题\x00", "description": "\x00"}
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"category", "title", "description"}
    assert ServiceRequest.objects.count() == 0


def test_nul_byte_in_a_message_is_refused(alice_client, alice_request):
    alice_client.post(f"/portal/requests/{alice_request.pk}/messages/", {"body": "你好\x00"})

    assert ServiceRequestMessage.objects.count() == 0


@pytest.mark.parametrize("path", [
    f"/portal/requests/{HUGE}/",
    f"/attachments/{HUGE}/",
    "/portal/requests/-1/",
    "/portal/requests/abc/",
])
def test_huge_or_malformed_id_in_a_url_is_not_found(alice_client, path):
    assert alice_client.get(path).status_code == 404


@pytest.mark.parametrize("suffix", ["messages/", "attachments/", "rate/", "actions/withdraw/"])
def test_huge_id_in_a_post_url_is_not_found(alice_client, suffix):
    assert alice_client.post(f"/portal/requests/{HUGE}/{suffix}", {"body": "x", "rating": "5"}).status_code == 404


def test_huge_page_number_shows_the_last_page(alice_client, alice_request):
    response = alice_client.get(f"/portal/?page={HUGE}")

    assert response.status_code == 200
    assert [obj for obj, _ in response.context["rows"]] == [alice_request]


def test_post_without_csrf_token_is_refused(alice, alice_request):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    message = client.post(f"/portal/requests/{alice_request.pk}/messages/", {"body": "没有令牌"})
    withdraw = client.post(f"/portal/requests/{alice_request.pk}/actions/withdraw/")

    assert (message.status_code, withdraw.status_code) == (403, 403)
    assert ServiceRequestMessage.objects.count() == 0
    alice_request.refresh_from_db()
    assert alice_request.status == RequestStatus.SUBMITTED


def test_every_portal_form_carries_a_csrf_token(alice_client, alice_request):
    for path in ("/portal/", f"/portal/requests/{alice_request.pk}/", "/portal/requests/new/", "/portal/notifications/"):
        html = alice_client.get(path).content.decode()
        assert html.count("<form") == html.count('name="csrfmiddlewaretoken"'), path
