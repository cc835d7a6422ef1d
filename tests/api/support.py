"""Helpers the API tests share (fixtures are in conftest.py)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from crm.api_tokens import api_token_issue
from tests.factories import tiny_pdf


def api_token(user) -> str:
    """The one place tests get an API token for ``user`` (what goes after ``Authorization: Token``)."""
    _token, key = api_token_issue(user=user)
    return key


def api_client(user=None) -> APIClient:
    """A client that authenticates as ``user`` the way an integration does: ``Authorization: Token ...``."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def pdf_upload(name="passport.pdf", content=None):
    return SimpleUploadedFile(name, content if content is not None else tiny_pdf(), content_type="application/pdf")


def results(response) -> list:
    """The rows of a paginated list response."""
    assert response.status_code == 200, response.content
    return response.json()["results"]
