"""Two enterprises, each with its own user and a work-permit request: every portal test checks one against the other."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import EnterpriseFactory, ServiceCategoryFactory, enterprise_user, service_request, tiny_pdf


@pytest.fixture
def work_permit(db):
    return ServiceCategoryFactory()


@pytest.fixture
def sunshine(db):
    return EnterpriseFactory(name="西湖阳光（杭州）科技有限公司", short_name="西湖阳光")


@pytest.fixture
def kecong(db):
    return EnterpriseFactory(name="杭州科聪控制技术有限公司", short_name="科聪控制")


@pytest.fixture
def alice(sunshine):
    """An enterprise user of 西湖阳光."""
    return enterprise_user(sunshine, username="alice", display_name="王丽")


@pytest.fixture
def bob(kecong):
    """An enterprise user of 科聪控制, who must never see 西湖阳光's data."""
    return enterprise_user(kecong, username="bob", display_name="李博")


@pytest.fixture
def alice_request(sunshine, alice, work_permit):
    return service_request(enterprise=sunshine, submitted_by=alice, category=work_permit)


@pytest.fixture
def bob_request(kecong, bob, work_permit):
    return service_request(enterprise=kecong, submitted_by=bob, category=work_permit, title="科聪控制的工作许可")


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def pdf_upload(name="passport.pdf", content=None):
    return SimpleUploadedFile(name, content if content is not None else tiny_pdf(), content_type="application/pdf")
