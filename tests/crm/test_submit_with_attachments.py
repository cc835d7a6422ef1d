"""Submitting a request with its attachments is one service and one transaction, whoever calls it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from crm.errors import DomainError
from crm.models import Notification, ServiceRequest, ServiceRequestAttachment, ServiceRequestTransition
from crm.service_requests.services import service_request_submit
from tests.factories import EnterpriseFactory, ServiceCategoryFactory, enterprise_user
from tests.portal.conftest import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return enterprise_user(EnterpriseFactory(), username="alice")


def test_a_request_is_submitted_with_its_files_stored_beside_it(alice, settings):
    service_request, _warnings = service_request_submit(
        enterprise=alice.enterprises.get(), category=ServiceCategoryFactory(code="policy_redemption", name="政策兑现"), title="政策兑现咨询",
        submitted_by=alice, attachments=[pdf_upload("a.pdf"), pdf_upload("b.pdf")],
    )

    stored = list(service_request.attachments.order_by("original_name"))
    assert [(a.original_name, a.uploaded_by) for a in stored] == [("a.pdf", alice), ("b.pdf", alice)]
    assert all((settings.MEDIA_ROOT / a.file.name).is_file() for a in stored)


def test_a_refused_file_undoes_the_request_and_the_files_already_written(alice, settings):
    not_a_pdf = SimpleUploadedFile("c.pdf", b"just text", content_type="application/pdf")

    with pytest.raises(DomainError) as refused:
        service_request_submit(
            enterprise=alice.enterprises.get(), category=ServiceCategoryFactory(code="policy_redemption", name="政策兑现"), title="政策兑现咨询",
            submitted_by=alice, attachments=[pdf_upload("a.pdf"), not_a_pdf],
        )

    assert refused.value.field == "file"
    assert (ServiceRequest.objects.count(), ServiceRequestTransition.objects.count(),
            ServiceRequestAttachment.objects.count(), Notification.objects.count()) == (0, 0, 0, 0)
    media = settings.MEDIA_ROOT
    assert not media.exists() or [p for p in media.rglob("*") if p.is_file()] == []
