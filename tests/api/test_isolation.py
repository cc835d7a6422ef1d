"""Two enterprises on every endpoint: 科聪控制's user never sees or touches 西湖阳光's data — it is absent or a 404.

Enterprise users get 403 on the staff endpoints (enterprises, projects), whatever the id.
"""

import pytest
from django.utils import timezone

from crm.models import Notification, Project, ServiceRequestAttachment, ServiceRequestMessage
from crm.service_requests.attachments import attachment_add
from crm.service_requests.thread import message_post
from tests.api.support import api_client, pdf_upload, results
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def notify(user, subject, target=None):
    return Notification.objects.create(
        key=f"test:{subject}", rule="sla", recipient=user, subject=subject, target=target
    )


def test_the_request_list_shows_only_the_users_own_enterprise(alice, bob, alice_request, bob_request):
    assert [r["id"] for r in results(api_client(alice).get("/api/v1/service-requests/"))] == [alice_request.pk]
    assert [r["id"] for r in results(api_client(bob).get("/api/v1/service-requests/"))] == [bob_request.pk]


def test_filtering_by_another_enterprise_finds_nothing_of_it(bob, sunshine, alice_request):
    response = api_client(bob).get("/api/v1/service-requests/", {"enterprise": sunshine.pk})

    assert response.status_code == 400
    assert list(response.json()) == ["enterprise"]


def test_search_does_not_reach_another_enterprise(bob, alice_request):
    assert results(api_client(bob).get("/api/v1/service-requests/", {"search": "工作许可"})) == []


@pytest.mark.parametrize("suffix", ["", "messages/", "attachments/"])
def test_reading_another_enterprises_request_is_404(bob, alice_request, suffix):
    response = api_client(bob).get(f"/api/v1/service-requests/{alice_request.pk}/{suffix}")

    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}


@pytest.mark.parametrize("action", ["withdraw", "accept", "close"])
def test_transitioning_another_enterprises_request_is_404_and_changes_nothing(bob, alice_request, action):
    response = api_client(bob).post(
        f"/api/v1/service-requests/{alice_request.pk}/transition/", {"action": action}, format="json"
    )

    assert response.status_code == 404
    alice_request.refresh_from_db()
    assert (alice_request.status, alice_request.transitions.count()) == ("submitted", 1)


def test_assigning_another_enterprises_request_is_404(bob, zhou, alice_request):
    response = api_client(bob).post(
        f"/api/v1/service-requests/{alice_request.pk}/assign/", {"assignee": zhou.pk}, format="json"
    )

    assert response.status_code == 404
    alice_request.refresh_from_db()
    assert alice_request.assignee is None


def test_posting_a_message_on_another_enterprises_request_is_404(bob, alice_request):
    response = api_client(bob).post(
        f"/api/v1/service-requests/{alice_request.pk}/messages/", {"body": "你好"}, format="json"
    )

    assert response.status_code == 404
    assert ServiceRequestMessage.objects.count() == 0


def test_uploading_to_another_enterprises_request_is_404(bob, alice_request):
    response = api_client(bob).post(
        f"/api/v1/service-requests/{alice_request.pk}/attachments/", {"file": pdf_upload()}, format="multipart"
    )

    assert response.status_code == 404
    assert ServiceRequestAttachment.objects.count() == 0


def test_downloading_another_enterprises_attachment_is_404(alice, bob, alice_request):
    attachment = attachment_add(service_request=alice_request, uploaded=pdf_upload(), user=alice)

    response = api_client(bob).get(f"/api/v1/attachments/{attachment.pk}/download/")

    assert response.status_code == 404
    assert "Content-Disposition" not in response


def test_messages_of_another_enterprise_never_appear(alice, bob, zhou, alice_request, bob_request):
    message_post(service_request=alice_request, author=alice, body="西湖阳光的留言")
    message_post(service_request=bob_request, author=bob, body="科聪控制的留言")

    bodies = [m["body"] for m in results(api_client(bob).get(f"/api/v1/service-requests/{bob_request.pk}/messages/"))]

    assert bodies == ["科聪控制的留言"]


def test_notifications_are_the_users_own(alice, bob, alice_request, bob_request):
    notify(alice, "诉求即将到期", alice_request)
    own = notify(bob, "您的诉求已受理", bob_request)

    rows = results(api_client(bob).get("/api/v1/notifications/"))

    assert [(n["id"], n["subject"], n["target_type"], n["target_id"]) for n in rows] == [
        (own.pk, "您的诉求已受理", "crm.servicerequest", bob_request.pk),
    ]


def test_marking_someone_elses_notification_read_is_404_and_leaves_it_unread(alice, bob, alice_request):
    theirs = notify(alice, "诉求即将到期", alice_request)

    response = api_client(bob).post(f"/api/v1/notifications/{theirs.pk}/read/")

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_ones_own_notification_read(bob, bob_request):
    own = notify(bob, "您的诉求已受理", bob_request)
    client = api_client(bob)

    response = client.post(f"/api/v1/notifications/{own.pk}/read/")

    assert response.status_code == 200
    assert response.json()["is_read"] is True
    own.refresh_from_db()
    assert own.read_at is not None
    assert results(client.get("/api/v1/notifications/", {"unread": "true"})) == []


def test_marking_read_twice_keeps_the_first_time(bob):
    own = notify(bob, "提醒")
    first = timezone.now().replace(microsecond=0)
    Notification.objects.filter(pk=own.pk).update(read_at=first)

    api_client(bob).post(f"/api/v1/notifications/{own.pk}/read/")

    own.refresh_from_db()
    assert own.read_at == first


@pytest.fixture
def project(qian, sunshine):
    return ProjectFactory(name="西湖阳光智能装备项目", enterprise=sunshine, owner=qian)


@pytest.mark.parametrize(
    ("path", "refusal"),
    [
        ("/api/v1/enterprises/", "仅限园区工作人员访问。"),
        ("/api/v1/enterprises/{enterprise}/", "仅限园区工作人员访问。"),
        ("/api/v1/projects/", "您没有权限查看招商项目。"),
        ("/api/v1/projects/{project}/", "您没有权限查看招商项目。"),
        ("/api/v1/projects/{project}/follow-ups/", "您没有权限查看招商项目。"),
    ],
)
def test_enterprise_users_cannot_read_staff_endpoints_even_about_their_own_enterprise(
    alice, sunshine, project, path, refusal
):
    response = api_client(alice).get(path.format(enterprise=sunshine.pk, project=project.pk))

    assert response.status_code == 403
    assert response.json() == {"detail": refusal}


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/api/v1/enterprises/", {"name": "新公司"}),
        ("/api/v1/projects/", {"name": "新项目", "enterprise": 0}),
        ("/api/v1/projects/{project}/stage/", {"stage": "contacted"}),
        ("/api/v1/projects/{project}/follow-ups/", {"occurred_on": "2025-01-01", "note": "走访"}),
    ],
)
def test_enterprise_users_cannot_write_staff_endpoints(alice, project, path, payload):
    response = api_client(alice).post(path.format(project=project.pk), payload, format="json")

    assert response.status_code == 403
    project.refresh_from_db()
    assert (project.stage, project.follow_ups.count(), Project.objects.count()) == ("lead", 0, 1)
