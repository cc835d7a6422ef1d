"""The notifications page and the unread badge in the header."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from crm.models import Notification, ServiceRequest

pytestmark = pytest.mark.django_db


def _notify(user, key, subject, **kwargs):
    return Notification.objects.create(key=key, rule="status", recipient=user, subject=subject, **kwargs)


def test_page_lists_in_app_notifications_and_links_to_the_request(alice_client, alice, alice_request):
    _notify(
        alice, "r:1", "您的诉求已受理", body="经办人：周敏",
        content_type=ContentType.objects.get_for_model(ServiceRequest), object_id=alice_request.pk,
    )
    _notify(alice, "r:2", "邮件提醒", channel=Notification.Channel.EMAIL)

    response = alice_client.get("/portal/notifications/")

    html = response.content.decode()
    assert response.status_code == 200
    assert [n.subject for n, _ in response.context["rows"]] == ["您的诉求已受理"]
    assert f'<a href="/portal/requests/{alice_request.pk}/">您的诉求已受理</a>' in html
    assert "经办人：周敏" in html
    assert "邮件提醒" not in html


def test_header_badge_counts_unread_in_app_notifications(alice_client, alice):
    _notify(alice, "r:1", "一")
    _notify(alice, "r:2", "二")
    _notify(alice, "r:3", "已读", read_at=timezone.now())
    _notify(alice, "r:4", "邮件", channel=Notification.Channel.EMAIL)

    response = alice_client.get("/portal/")

    assert response.context["unread_count"] == 2
    assert '<span class="badge" aria-label="2 条未读">2</span>' in response.content.decode()


def test_marking_all_read_clears_the_badge(alice_client, alice):
    _notify(alice, "r:1", "一")
    _notify(alice, "r:2", "二")

    response = alice_client.post("/portal/notifications/read/")

    assert response.status_code == 302
    assert response["Location"] == "/portal/notifications/"
    assert Notification.objects.filter(read_at__isnull=True).count() == 0
    assert 'class="badge"' not in alice_client.get("/portal/").content.decode()


def test_empty_page_says_there_is_nothing(alice_client):
    assert "暂无提醒。" in alice_client.get("/portal/notifications/").content.decode()


def test_subject_is_shown_escaped(alice_client, alice):
    _notify(alice, "r:1", "<b>加粗</b>")

    html = alice_client.get("/portal/notifications/").content.decode()

    assert "&lt;b&gt;加粗&lt;/b&gt;" in html
    assert "<b>加粗</b>" not in html
