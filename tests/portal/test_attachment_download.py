"""The shared attachment download: only for who may see the request, always as a download, never sniffed."""

import pytest

from crm.service_requests.attachments import attachment_add
from tests.factories import manager, service_officer, tiny_pdf

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def attachment(alice, alice_request):
    return attachment_add(service_request=alice_request, uploaded=pdf_upload("护照 首页.pdf"), user=alice)


def test_member_of_the_enterprise_downloads_the_file_as_an_attachment(alice_client, attachment):
    response = alice_client.get(f"/attachments/{attachment.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''%E6%8A%A4%E7%85%A7%20%E9%A6%96%E9%A1%B5.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == tiny_pdf()


def test_service_officer_and_manager_download_it_too(client, attachment):
    for user in (service_officer(), manager()):
        client.force_login(user)
        assert client.get(f"/attachments/{attachment.pk}/").status_code == 200


def test_anonymous_download_goes_to_login(client, attachment):
    response = client.get(f"/attachments/{attachment.pk}/")

    assert response.status_code == 302
    assert response["Location"] == f"/portal/login/?next=/attachments/{attachment.pk}/"


def test_stored_content_type_is_served_not_the_name(alice_client, alice, alice_request):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    attachment = attachment_add(service_request=alice_request, uploaded=pdf_upload("photo.pdf", png), user=alice)

    response = alice_client.get(f"/attachments/{attachment.pk}/")

    assert response["Content-Type"] == "image/png"


def test_missing_file_on_disk_is_not_found(alice_client, attachment):
    attachment.file.storage.delete(attachment.file.name)

    assert alice_client.get(f"/attachments/{attachment.pk}/").status_code == 404


def test_download_is_read_only(alice_client, attachment):
    assert alice_client.post(f"/attachments/{attachment.pk}/").status_code == 405


def test_no_media_url_serves_files_directly(alice_client, attachment):
    assert alice_client.get(f"/media/{attachment.file.name}").status_code == 404
