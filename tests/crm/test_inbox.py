"""我的提醒 (/admin/inbox/): my own reminders only, with human subjects, a link to what they are about, marked read
one by one or all at once — never someone else's — and the unread badge in the header of every admin page."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.utils import timezone

from crm.models import Notification, ReminderRule
from crm.notifications.outbox import Channel
from tests.factories import ProjectFactory, manager, officer, service_officer

pytestmark = pytest.mark.django_db


def _reminder(user, *, subject="项目“智能装备”已 15 天未跟进", rule=ReminderRule.Code.PROJECT_STALE, target=None,
              channel=Channel.IN_APP, read=False):
    return Notification.objects.create(
        key=f"test:{Notification.objects.count()}", rule=rule, recipient=user, channel=channel, subject=subject,
        status=Notification.Status.SENT, read_at=timezone.now() if read else None,
        content_type=ContentType.objects.get_for_model(target) if target else None,
        object_id=target.pk if target else None,
    )


def test_the_inbox_lists_only_my_in_app_reminders_with_the_rule_s_chinese_name_and_a_link(client):
    zhou, li = officer(), officer()
    project = ProjectFactory(owner=zhou)
    mine = _reminder(zhou, target=project)
    _reminder(li, subject="李的提醒：不该出现")
    _reminder(zhou, subject="邮件副本：不在收件箱", channel=Channel.EMAIL)
    client.force_login(zhou)

    response = client.get("/admin/inbox/")

    page = response.content.decode()
    assert [n.pk for n in response.context["page"].object_list] == [mine.pk]
    assert "项目“智能装备”已 15 天未跟进" in page
    assert "项目久未跟进" in page and "project_stale" not in page
    assert f'href="/admin/crm/project/{project.pk}/change/"' in page
    assert "李的提醒" not in page and "邮件副本" not in page


def test_unread_only_filter(client):
    zhou = officer()
    unread = _reminder(zhou, subject="未读的")
    _reminder(zhou, subject="读过的", read=True)
    client.force_login(zhou)

    response = client.get("/admin/inbox/?unread=1")

    assert [n.pk for n in response.context["page"].object_list] == [unread.pk]


def test_marking_one_read_marks_only_that_one(client):
    zhou = officer()
    first, second = _reminder(zhou), _reminder(zhou)
    client.force_login(zhou)

    response = client.post("/admin/inbox/read/", {"notification": first.pk, "next": "/admin/inbox/?unread=1"})

    assert response.status_code == 302 and response["Location"] == "/admin/inbox/?unread=1"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None and second.read_at is None


def test_nobody_marks_another_s_reminder_read(client):
    zhou, li = officer(), officer()
    theirs = _reminder(li)
    client.force_login(zhou)

    response = client.post("/admin/inbox/read/", {"notification": theirs.pk})

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_all_read_touches_only_mine(client):
    zhou, li = officer(), officer()
    mine = [_reminder(zhou), _reminder(zhou)]
    theirs = _reminder(li)
    client.force_login(zhou)

    response = client.post("/admin/inbox/read/")

    assert response.status_code == 302 and response["Location"] == "/admin/inbox/"
    assert Notification.objects.filter(pk__in=[n.pk for n in mine], read_at__isnull=True).count() == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_needs_post_and_the_csrf_token():
    zhou = officer()
    reminder = _reminder(zhou)
    client = Client(enforce_csrf_checks=True)
    client.force_login(zhou)

    assert client.get("/admin/inbox/read/").status_code == 405
    assert client.post("/admin/inbox/read/", {"notification": reminder.pk}).status_code == 403
    reminder.refresh_from_db()
    assert reminder.read_at is None


def test_an_off_site_next_is_ignored(client):
    zhou = officer()
    reminder = _reminder(zhou)
    client.force_login(zhou)

    response = client.post("/admin/inbox/read/", {"notification": reminder.pk, "next": "https://evil.example/"})

    assert response["Location"] == "/admin/inbox/"


def test_the_header_shows_my_unread_count_on_every_admin_page(client):
    zhou = officer()
    _reminder(zhou)
    _reminder(zhou)
    _reminder(zhou, read=True)
    _reminder(officer())
    client.force_login(zhou)

    for path in ("/admin/", "/admin/apps/", "/admin/crm/project/", "/admin/inbox/"):
        page = client.get(path, follow=True).content.decode()  # an officer's bare project list opens on “mine”
        assert '<span class="zj-unread" title="未读">2</span>' in page, path


def test_the_badge_counts_once_per_request(django_assert_num_queries):
    zhou = officer()
    _reminder(zhou)
    request = RequestFactory().get("/admin/")
    request.user = zhou
    template = Template("{% load zj_admin %}{% inbox_unread %}/{% inbox_unread %}")

    with django_assert_num_queries(1):  # the count on crm_notification_unread_idx, then the request's copy
        assert template.render(Context({"request": request})) == "1/1"


def test_the_inbox_runs_the_same_queries_however_many_reminders(django_assert_num_queries):
    zhou = officer()
    project = ProjectFactory(owner=zhou)
    for _n in range(60):
        _reminder(zhou, target=project)
    client = Client()
    client.force_login(zhou)
    # session, user, groups (3); the page of reminders with their content types (1) and the paginator's count (1);
    # the badge (1); the admin's available apps: the user's and the groups' permissions (2); the site profile the header names the park by (crm.notifications.site) (1).
    with django_assert_num_queries(9):
        assert client.get("/admin/inbox/").status_code == 200


def test_everyone_s_reminder_log_stays_for_managers_only(client):
    _reminder(officer(), subject="周的提醒")
    client.force_login(manager())
    assert client.get("/admin/crm/notification/").status_code == 200

    for someone in (officer(), service_officer()):
        client.force_login(someone)
        assert client.get("/admin/crm/notification/").status_code == 403
