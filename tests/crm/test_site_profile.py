"""The park's identity as data (issue 14, item 6): 站点信息 edited in the admin by an administrator.

The migration creates it as 紫金港科技城 (the demo keeps it); a name changed in the admin is the name the portal,
the reports, the admin header, e-mails, robot messages and the calendar feed show; the logo is a small PNG or JPEG
served by the site itself; the profile is read once per request at most.
"""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from crm.models import Notification, SiteProfile
from crm.notifications.delivery import notification_deliver, webhook_payload
from crm.pipeline.calendar import calendar_ical
from tests.factories import UserFactory, enterprise_user, manager, officer

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7V\x9c\xd0\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def administrator(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def _post_profile(client, **changes):
    data = {
        "name": "紫金港科技城", "short_name": "紫金港", "organization": "杭州紫金港科技城管委会", "signature": "",
        "site_url": "", **changes,
    }
    return client.post(reverse("admin:crm_siteprofile_change", args=[1]), data)


def test_the_migration_creates_the_profile_of_the_demo_park():
    profile = SiteProfile.objects.get()
    assert (profile.pk, profile.name, profile.short_name, profile.organization) == (
        1, "紫金港科技城", "紫金港", "杭州紫金港科技城管委会"
    )


def test_a_name_changed_in_the_admin_is_the_name_of_the_portal_the_reports_and_the_admin(client, administrator):
    client.force_login(administrator)

    response = _post_profile(client, name="云溪智造园", short_name="云溪", organization="云溪智造园管理办公室")

    assert response.status_code == 302
    portal = client.get(reverse("portal:login")).content.decode()
    assert "云溪智造园企业服务" in portal and "云溪智造园管理办公室 · 企业服务驿站" in portal
    assert "紫金港" not in portal
    reports = client.get(reverse("reports:index")).content.decode()
    assert "云溪智造园 · 数据报表" in reports and "紫金港" not in reports
    admin_page = client.get(reverse("admin:index")).content.decode()
    assert "云溪智造园 招商与企业服务平台" in admin_page and "紫金港" not in admin_page


def test_the_signature_is_added_to_emails_and_robot_messages(administrator, client):
    client.force_login(administrator)
    _post_profile(client, signature="云溪智造园管理办公室 · 0571-88886666")
    person = officer(email="qian@example.cn")
    sent = Notification.objects.create(key="project:1:stale:30", rule="project_stale", recipient=person,
                                       channel="email", subject="项目久未跟进", body="云谷智算中心已 30 天未跟进。")

    notification_deliver(notification_id=sent.pk)

    (message,) = mail.outbox
    assert message.body == "云谷智算中心已 30 天未跟进。\n\n-- \n云溪智造园管理办公室 · 0571-88886666"
    assert webhook_payload(subject="新诉求", body="请受理。")["text"]["content"] == (
        "新诉求\n请受理。\n\n-- \n云溪智造园管理办公室 · 0571-88886666"
    )


def test_without_a_signature_messages_read_as_before():
    assert webhook_payload(subject="新诉求", body="请受理。")["text"]["content"] == "新诉求\n请受理。"


def test_the_calendar_feed_is_named_by_the_parks_short_name(client, administrator):
    client.force_login(administrator)
    _post_profile(client, short_name="云溪")
    person = officer(display_name="钱进")

    calendar = Calendar.from_ical(calendar_ical(user=person, today=dt.date(2026, 12, 7), absolute=lambda path: path))

    assert str(calendar["x-wr-calname"]) == "云溪招商日历：钱进"


def test_a_png_logo_is_shown_in_every_header_and_served_as_an_image_that_is_never_sniffed(client, administrator):
    client.force_login(administrator)

    _post_profile(client, logo_upload=SimpleUploadedFile("logo.png", PNG, content_type="image/png"))

    logo = client.get(reverse("site-logo"))
    assert (logo.status_code, logo["Content-Type"], logo["X-Content-Type-Options"]) == (200, "image/png", "nosniff")
    assert logo.content == PNG
    assert f'src="{reverse("site-logo")}"' in client.get(reverse("portal:login")).content.decode()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("logo.png", b"<html><script>alert(1)</script></html>"),
        ("big.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * (256 * 1024)),
    ],
)
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused_in_chinese_and_nothing_changes(client, administrator, name, content):
    client.force_login(administrator)

    response = _post_profile(client, name="不应保存的名称", logo_upload=SimpleUploadedFile(name, content))

    assert response.status_code == 200
    errors = " ".join(response.context["adminform"].form.errors["logo_upload"])
    assert "PNG 或 JPEG" in errors or "256 KB" in errors
    profile = SiteProfile.objects.get()
    assert (profile.name, profile.logo_type) == ("紫金港科技城", "")
    assert client.get(reverse("site-logo")).status_code == 404


@pytest.mark.parametrize("who", [manager, officer])
def test_only_an_administrator_edits_the_profile(client, who):
    client.force_login(who())

    response = _post_profile(client, name="越权修改的名称")

    assert response.status_code == 403
    assert SiteProfile.objects.get().name == "紫金港科技城"


def test_a_page_reads_the_profile_once_however_often_it_names_the_park(client, sunshine):
    client.force_login(enterprise_user(sunshine))

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("portal:request-list"))

    assert page.status_code == 200 and page.content.decode().count("紫金港科技城") >= 2
    assert sum("crm_siteprofile" in query["sql"] for query in queries.captured_queries) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_still_names_the_park_when_the_profile_cannot_be_read(client, monkeypatch):
    """A database not migrated yet (or down): the login page and a 404 render with the default name, no 500."""
    from django.db import OperationalError
    from django.db.models import QuerySet

    def unreadable(self, *args, **kwargs):
        if self.model is SiteProfile:
            raise OperationalError("no such table: crm_siteprofile")
        return original(self, *args, **kwargs)

    original = QuerySet.first
    monkeypatch.setattr(QuerySet, "first", unreadable)

    login = client.get("/portal/login/")
    missing = client.get("/portal/no-such-page/")

    assert login.status_code == 200 and "紫金港科技城" in login.content.decode()
    assert missing.status_code == 404 and "紫金港科技城" in missing.content.decode()
