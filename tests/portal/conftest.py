"""The portal's cast is in tests/conftest.py: two enterprises, each with its own user and a work-permit
request (alice_request, bob_request) — every portal test checks one against the other."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import tiny_pdf


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


def pdf_upload(name="passport.pdf", content=None):
    return SimpleUploadedFile(name, content if content is not None else tiny_pdf(), content_type="application/pdf")
