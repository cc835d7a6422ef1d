"""Two enterprises: every portal page and the download view answer 404 for the other one's objects, and change nothing."""

import pytest

from crm.models import Notification, RequestStatus, ServiceRequestAttachment, ServiceRequestMessage
from crm.service_requests.attachments import attachment_add
from crm.service_requests.services import service_request_transition
from tests.factories import service_officer

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob_attachment(bob, bob_request):
    return attachment_add(service_request=bob_request, uploaded=pdf_upload("科聪护照.pdf"), user=bob)


def _state(request):
    request.refresh_from_db()
    return (
        request.status,
        request.satisfaction,
        request.transitions.count(),
        ServiceRequestMessage.objects.filter(request=request).count(),
        ServiceRequestAttachment.objects.filter(request=request).count(),
    )


def test_list_shows_none_of_the_other_enterprises_requests(alice_client, alice_request, bob_request):
    html = alice_client.get("/portal/").content.decode()

    assert f"/portal/requests/{bob_request.pk}/" not in html
    assert "科聪控制的工作许可" not in html


def test_detail_of_the_other_enterprises_request_is_not_found(alice_client, alice_request, bob_request):
    assert alice_client.get(f"/portal/requests/{bob_request.pk}/").status_code == 404
    assert alice_client.get(f"/portal/requests/{alice_request.pk}/").status_code == 200


def test_posting_a_message_to_the_other_enterprises_request_is_not_found(alice_client, bob_request):
    before = _state(bob_request)

    response = alice_client.post(f"/portal/requests/{bob_request.pk}/messages/", {"body": "偷看一下"})

    assert response.status_code == 404
    assert _state(bob_request) == before


def test_uploading_to_the_other_enterprises_request_is_not_found(alice_client, bob_request):
    before = _state(bob_request)

    response = alice_client.post(f"/portal/requests/{bob_request.pk}/attachments/", {"attachments": [pdf_upload()]})

    assert response.status_code == 404
    assert _state(bob_request) == before


def test_withdrawing_the_other_enterprises_request_is_not_found(alice_client, bob_request):
    before = _state(bob_request)

    response = alice_client.post(f"/portal/requests/{bob_request.pk}/actions/withdraw/")

    assert response.status_code == 404
    assert _state(bob_request) == before
    assert before[0] == RequestStatus.SUBMITTED


def test_reopening_the_other_enterprises_request_is_not_found(alice_client, bob_request):
    officer = service_officer()
    for action in ("accept", "resolve"):
        service_request_transition(service_request=bob_request, action=action, actor=officer)
    before = _state(bob_request)

    response = alice_client.post(f"/portal/requests/{bob_request.pk}/actions/reopen/")

    assert response.status_code == 404
    assert _state(bob_request) == before


def test_rating_the_other_enterprises_request_is_not_found(alice_client, bob_request):
    officer = service_officer()
    for action in ("accept", "resolve"):
        service_request_transition(service_request=bob_request, action=action, actor=officer)
    before = _state(bob_request)

    response = alice_client.post(f"/portal/requests/{bob_request.pk}/rate/", {"rating": "1", "comment": "差评"})

    assert response.status_code == 404
    assert _state(bob_request) == before
    assert before[:2] == (RequestStatus.RESOLVED, None)


def test_downloading_the_other_enterprises_attachment_is_not_found(alice_client, bob_attachment):
    assert alice_client.get(f"/attachments/{bob_attachment.pk}/").status_code == 404


def test_notifications_page_lists_only_the_users_own(alice_client, alice, bob):
    Notification.objects.create(key="a:1", rule="status", recipient=alice, subject="您的诉求已受理")
    Notification.objects.create(key="b:1", rule="status", recipient=bob, subject="科聪控制的诉求已受理")

    html = alice_client.get("/portal/notifications/").content.decode()

    assert "您的诉求已受理" in html
    assert "科聪控制的诉求已受理" not in html


def test_marking_notifications_read_leaves_the_other_users_unread(alice_client, alice, bob):
    Notification.objects.create(key="a:1", rule="status", recipient=alice, subject="甲")
    theirs = Notification.objects.create(key="b:1", rule="status", recipient=bob, subject="乙")

    alice_client.post("/portal/notifications/read/")

    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert Notification.objects.get(recipient=alice).read_at is not None
