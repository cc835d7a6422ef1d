"""Files sent with a message in the portal: stored as the message's own, shown beside it in the thread."""

import pytest

from crm.models import ServiceRequestAttachment, ServiceRequestMessage
from crm.service_requests.thread import message_post
from tests.factories import request_moved_to, service_officer

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


def url(request, suffix=""):
    return f"/portal/requests/{request.pk}/{suffix}"


def test_an_enterprise_sends_a_file_with_its_message_and_sees_it_beside_the_message(alice_client, alice, alice_request):
    response = alice_client.post(
        url(alice_request, "messages/"), {"body": "护照首页见附件。", "attachments": [pdf_upload("护照首页.pdf")]}
    )

    assert (response.status_code, response["Location"]) == (302, url(alice_request) + "#thread")
    message = ServiceRequestMessage.objects.get()
    scan = message.attachments.get()
    assert (scan.original_name, scan.uploaded_by, scan.request) == ("护照首页.pdf", alice, alice_request)
    html = alice_client.get(url(alice_request)).content.decode()
    thread = html[html.index('id="thread"'):html.index("</section>", html.index('id="thread"'))]
    assert f'<a href="/attachments/{scan.pk}/" download>护照首页.pdf</a>' in thread


def test_an_officers_reply_with_a_file_shows_the_file_beside_it_for_the_enterprise(alice_client, alice_request):
    reply = message_post(
        service_request=alice_request, author=service_officer(), body="许可证已签发。", uploads=[pdf_upload("许可证.pdf")]
    )

    html = alice_client.get(url(alice_request)).content.decode()

    thread = html[html.index('id="thread"'):html.index("</section>", html.index('id="thread"'))]
    assert f'<a href="/attachments/{reply.attachments.get().pk}/" download>许可证.pdf</a>' in thread
    assert alice_client.get(f"/attachments/{reply.attachments.get().pk}/").status_code == 200


def test_a_message_with_a_file_on_a_resolved_request_is_refused_whole(alice_client, alice_request):
    resolved = request_moved_to(alice_request, "resolved", officer=service_officer())

    response = alice_client.post(
        url(resolved, "messages/"), {"body": "再补一份。", "attachments": [pdf_upload("补充.pdf")]}, follow=True
    )

    assert "诉求已办结，不能再补充附件；如仍需办理，请先申请重新办理。" in response.content.decode()
    assert (ServiceRequestMessage.objects.count(), ServiceRequestAttachment.objects.count()) == (0, 0)
    # The file field is not offered there; the message alone still is.
    html = response.content.decode()
    assert 'name="body"' in html and 'name="attachments"' not in html


def test_a_message_with_a_file_of_a_refused_type_stores_nothing(alice_client, alice_request):
    response = alice_client.post(
        url(alice_request, "messages/"), {"body": "见附件", "attachments": [pdf_upload("a.exe", b"MZ" + b"\0" * 64)]},
        follow=True,
    )

    assert "a.exe：只接受 PDF、JPEG、PNG、DOCX 或 XLSX 文件（按文件内容识别）。" in response.content.decode()
    assert (ServiceRequestMessage.objects.count(), ServiceRequestAttachment.objects.count()) == (0, 0)


def test_another_enterprise_cannot_post_on_the_thread(client, bob, alice_request):
    client.force_login(bob)

    response = client.post(url(alice_request, "messages/"), {"body": "越权", "attachments": [pdf_upload()]})

    assert response.status_code == 404
    assert (ServiceRequestMessage.objects.count(), ServiceRequestAttachment.objects.count()) == (0, 0)
