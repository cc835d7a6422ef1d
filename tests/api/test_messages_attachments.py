"""The message thread and the attachments of a request, over the API."""

from pathlib import Path

import pytest

from crm.models import Notification, ServiceRequestAttachment, ServiceRequestMessage
from crm.service_requests.attachments import attachment_add
from crm.service_requests.thread import message_post
from tests.api.support import api_client, pdf_upload, results
from tests.factories import FINISHED_STATUSES, request_moved_to

pytestmark = pytest.mark.django_db


def messages_url(request):
    return f"/api/v1/service-requests/{request.pk}/messages/"


def attachments_url(request):
    return f"/api/v1/service-requests/{request.pk}/attachments/"


def test_enterprise_user_posts_a_message_and_reads_the_thread(alice, zhou, alice_request):
    message_post(service_request=alice_request, author=zhou, body="请补充护照首页扫描件。")
    client = api_client(alice)

    response = client.post(messages_url(alice_request), {"body": "已上传，请查收。"}, format="json")

    assert response.status_code == 201
    assert (response.json()["author"], response.json()["body"], response.json()["is_internal"]) == (
        alice.pk, "已上传，请查收。", False,
    )
    assert [(m["author_name"], m["body"]) for m in results(client.get(messages_url(alice_request)))] == [
        ("周敏", "请补充护照首页扫描件。"), ("王丽", "已上传，请查收。"),
    ]


def test_enterprise_user_never_sees_internal_notes(alice, zhou, alice_request):
    message_post(service_request=alice_request, author=zhou, body="企业材料疑似不全，待核实。", is_internal=True)
    message_post(service_request=alice_request, author=zhou, body="已收到。")

    seen_by_enterprise = [m["body"] for m in results(api_client(alice).get(messages_url(alice_request)))]
    seen_by_officer = [m["body"] for m in results(api_client(zhou).get(messages_url(alice_request)))]

    assert seen_by_enterprise == ["已收到。"]
    assert seen_by_officer == ["企业材料疑似不全，待核实。", "已收到。"]


def test_enterprise_user_cannot_post_an_internal_note(alice, alice_request):
    response = api_client(alice).post(messages_url(alice_request), {"body": "悄悄话", "is_internal": True}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "只有工作人员可以写内部备注。"}
    assert ServiceRequestMessage.objects.count() == 0


def test_service_officer_writes_an_internal_note(zhou, alice_request):
    response = api_client(zhou).post(messages_url(alice_request), {"body": "转外专局", "is_internal": True}, format="json")

    assert response.status_code == 201
    assert ServiceRequestMessage.objects.get().is_internal is True


def test_managers_read_the_thread_but_cannot_post(boss, zhou, alice_request):
    message_post(service_request=alice_request, author=zhou, body="已收到。")
    client = api_client(boss)

    assert [m["body"] for m in results(client.get(messages_url(alice_request)))] == ["已收到。"]
    response = client.post(messages_url(alice_request), {"body": "我来看看"}, format="json")
    assert response.status_code == 403
    assert ServiceRequestMessage.objects.count() == 1


def test_investment_officers_neither_read_the_thread_nor_post(qian, zhou, alice_request):
    message_post(service_request=alice_request, author=zhou, body="内部备注", is_internal=True)
    client = api_client(qian)

    read = client.get(messages_url(alice_request))
    posted = client.post(messages_url(alice_request), {"body": "我来看看"}, format="json")

    assert (read.status_code, posted.status_code) == (403, 403)
    assert "内部备注" not in read.content.decode()
    assert ServiceRequestMessage.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ("", {"body": ["该字段不能为空。"]}),
        ("   ", {"body": ["该字段不能为空。"]}),
        ("字" * 5001, {"body": ["请确保这个字段不能超过 5000 个字符。"]}),
    ],
    ids=["empty", "blank", "over-5000"],
)
def test_bad_message_is_a_field_error(alice, alice_request, body, errors):
    response = api_client(alice).post(messages_url(alice_request), {"body": body}, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert ServiceRequestMessage.objects.count() == 0


def test_enterprise_user_uploads_a_pdf_and_downloads_it(alice, alice_request):
    client = api_client(alice)

    response = client.post(attachments_url(alice_request), {"file": pdf_upload("护照.pdf")}, format="multipart")

    assert response.status_code == 201, response.content
    body = response.json()
    stored = ServiceRequestAttachment.objects.get()
    assert body["id"] == stored.pk
    assert (body["original_name"], body["content_type"], body["size"]) == ("护照.pdf", "application/pdf", stored.size)
    assert body["download_url"] == f"http://testserver/api/v1/attachments/{stored.pk}/download/"
    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content).startswith(b"%PDF-1.4")
    assert [a["id"] for a in results(client.get(attachments_url(alice_request)))] == [stored.pk]


def test_png_is_accepted_and_its_type_comes_from_the_content(alice, alice_request):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64

    response = api_client(alice).post(
        attachments_url(alice_request), {"file": pdf_upload("scan.pdf", png)}, format="multipart"
    )

    assert response.status_code == 201
    assert response.json()["content_type"] == "image/png"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("passport.pdf", b"this is not a pdf at all, just some text" * 10,
         "只接受 PDF、JPEG、PNG、DOCX 或 XLSX 文件（按文件内容识别）。"),
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200,
         "只接受 PDF、JPEG、PNG、DOCX 或 XLSX 文件（按文件内容识别）。"),
        ("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "附件不能超过 10 MB（当前 10.0 MB）。"),
    ],
    ids=["garbage-named-pdf", "exe-renamed-pdf", "over-10-mb"],
)
def test_wrong_type_or_oversized_attachment_is_refused_and_nothing_is_stored(alice, alice_request, name, content, message):
    response = api_client(alice).post(
        attachments_url(alice_request), {"file": pdf_upload(name, content)}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json() == {"file": [message]}
    assert ServiceRequestAttachment.objects.count() == 0


def test_upload_without_a_file_is_a_field_error(alice, alice_request):
    response = api_client(alice).post(attachments_url(alice_request), {}, format="multipart")

    assert response.status_code == 400
    assert response.json() == {"file": ["没有提交任何文件。"]}


@pytest.mark.parametrize("who", ["qian", "boss"])
def test_investment_officers_and_managers_cannot_upload(request, who, alice_request):
    response = api_client(request.getfixturevalue(who)).post(
        attachments_url(alice_request), {"file": pdf_upload()}, format="multipart"
    )

    assert response.status_code == 403
    assert ServiceRequestAttachment.objects.count() == 0


def test_officer_downloads_an_enterprise_attachment(alice, zhou, alice_request):
    attachment = attachment_add(service_request=alice_request, uploaded=pdf_upload(), user=alice)

    response = api_client(zhou).get(f"/api/v1/attachments/{attachment.pk}/download/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="passport.pdf"'


# ---- a finished request (closed, withdrawn, rejected) takes no more messages or files ----------------

FINISHED_LABELS = {"closed": "已关闭", "withdrawn": "已撤回", "rejected": "不予受理"}


def stored_files(settings) -> list[Path]:
    media = Path(settings.MEDIA_ROOT)
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


@pytest.mark.parametrize("status", FINISHED_STATUSES)
@pytest.mark.parametrize("who", ["alice", "zhou"])
def test_a_message_on_a_finished_request_is_409_and_nothing_is_stored_or_sent(request, zhou, alice_request, status, who):
    finished = request_moved_to(alice_request, status, officer=zhou)
    notifications = Notification.objects.count()

    response = api_client(request.getfixturevalue(who)).post(messages_url(finished), {"body": "还在吗？"}, format="json")

    assert response.status_code == 409
    assert response.json() == {"detail": f"诉求已结束（{FINISHED_LABELS[status]}），不能再留言。"}
    assert ServiceRequestMessage.objects.count() == 0
    assert Notification.objects.count() == notifications


@pytest.mark.parametrize("status", FINISHED_STATUSES)
def test_an_officer_may_still_write_an_internal_note_on_a_finished_request(zhou, alice_request, status):
    finished = request_moved_to(alice_request, status, officer=zhou)
    notifications = Notification.objects.count()

    response = api_client(zhou).post(
        messages_url(finished), {"body": "已电话回访，企业无异议。", "is_internal": True}, format="json"
    )

    assert response.status_code == 201
    assert list(ServiceRequestMessage.objects.values_list("body", "author", "is_internal")) == [
        ("已电话回访，企业无异议。", zhou.pk, True),
    ]
    assert Notification.objects.count() == notifications


def test_the_enterprise_may_still_write_on_a_resolved_request_before_confirming_it(alice, zhou, alice_request):
    resolved = request_moved_to(alice_request, "resolved", officer=zhou)

    response = api_client(alice).post(messages_url(resolved), {"body": "证件信息有一处错误。"}, format="json")

    assert response.status_code == 201


@pytest.mark.parametrize("status", FINISHED_STATUSES)
@pytest.mark.parametrize("who", ["alice", "zhou"])
def test_an_upload_to_a_finished_request_is_409_and_no_row_or_file_is_left(
    request, settings, zhou, alice_request, status, who
):
    finished = request_moved_to(alice_request, status, officer=zhou)

    response = api_client(request.getfixturevalue(who)).post(
        attachments_url(finished), {"file": pdf_upload()}, format="multipart"
    )

    assert response.status_code == 409
    assert response.json() == {"detail": f"诉求已结束（{FINISHED_LABELS[status]}），不能再上传附件。"}
    assert ServiceRequestAttachment.objects.count() == 0
    assert stored_files(settings) == []


def test_the_enterprise_cannot_add_files_to_a_resolved_request_and_no_file_is_left(settings, alice, zhou, alice_request):
    resolved = request_moved_to(alice_request, "resolved", officer=zhou)

    response = api_client(alice).post(attachments_url(resolved), {"file": pdf_upload()}, format="multipart")

    assert response.status_code == 409
    assert response.json() == {"detail": "诉求已办结，不能再补充附件；如仍需办理，请先申请重新办理。"}
    assert ServiceRequestAttachment.objects.count() == 0
    assert stored_files(settings) == []


def test_an_officer_may_attach_the_issued_document_to_a_resolved_request(zhou, alice_request):
    resolved = request_moved_to(alice_request, "resolved", officer=zhou)

    response = api_client(zhou).post(attachments_url(resolved), {"file": pdf_upload("许可证.pdf")}, format="multipart")

    assert response.status_code == 201
    assert list(ServiceRequestAttachment.objects.values_list("original_name", "uploaded_by")) == [("许可证.pdf", zhou.pk)]
