"""Helpers the API tests share (fixtures are in conftest.py)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from crm.api_tokens import api_token_issue
from tests.factories import tiny_pdf


def api_client(user=None) -> APIClient:
    """A client that authenticates as ``user`` the way an integration does: ``Authorization: Token ...``."""
    client = APIClient()
    if user is not None:
        _token, key = api_token_issue(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def pdf_upload(name="passport.pdf", content=None):
    return SimpleUploadedFile(name, content if content is not None else tiny_pdf(), content_type="application/pdf")


def results(response) -> list:
    """The rows of a paginated list response."""
    assert response.status_code == 200, response.content
    return response.json()["results"]
