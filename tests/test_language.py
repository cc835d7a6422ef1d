"""The interface speaks Simplified Chinese first, whatever the browser asks for; English on request."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_admin_login_is_chinese_for_an_english_browser(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "zh-hans"
    assert "用户名" in response.content.decode()


def test_english_is_available_when_chosen(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/admin/login/")
    assert response.headers["Content-Language"] == "en"
    assert "Username" in response.content.decode()
