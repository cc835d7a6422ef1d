"""What a newcomer trips over (issue 14, item 8), each one fixed where it happens.

A fresh clone migrates without ``var/`` and its broker's folders exist before any worker runs; reminder links follow
the address the site is reached by; 403, 404, 500 and a locked login are Chinese pages in the product's style; every
page has a favicon and references no external host; in the portal open requests come first, withdrawing asks first,
notification texts carry no raw address.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from crm.auth_backends import LOCKED_MESSAGE, lockout_response
from crm.models import Notification, SiteProfile
from crm.notifications.links import site_link
from crm.notifications.site import site_url, site_url_forget
from tests.factories import EnterpriseFactory, UserFactory, enterprise_user, officer, request_moved_to, service_officer
from tests.factories import service_request as make_request

ROOT = Path(settings.BASE_DIR)


# ---- a fresh clone -------------------------------------------------------------------------------------

def test_a_fresh_clone_migrates_without_var_and_has_the_broker_folders_before_any_worker(tmp_path):
    clone = tmp_path / "clone"
    clone.mkdir()
    # config/ and manage.py copied (the project root is found from their real path), the apps linked.
    shutil.copytree(ROOT / "config", clone / "config", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", clone / "manage.py")
    for name in ("crm", "parks", "reports", "onboarding", "demo", "templates", "static", "locale"):
        if (ROOT / name).exists():
            (clone / name).symlink_to(ROOT / name)
    environment = {
        key: value for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "CELERY_", "DJANGO_"))
    }
    environment["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    assert not (clone / "var").exists()

    done = subprocess.run(  # noqa: S603 — our own manage.py with a fixed argument list
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=clone, env=environment, capture_output=True,
        text=True, timeout=600,
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert (clone / "var" / "db.sqlite3").is_file()
    assert all((clone / "var" / "broker" / folder).is_dir() for folder in ("out", "processed", "control"))


# ---- links in reminders --------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _fresh_site_url():
    """A process keeps the profile's address for a minute: each test reads it afresh."""
    site_url_forget()
    yield
    site_url_forget()


@pytest.mark.django_db
def test_links_follow_django_site_url_when_it_is_set(settings):
    settings.REMINDERS_SITE_URL = "https://crm.park.example.cn/"

    assert site_link("portal:request-list") == "https://crm.park.example.cn/portal/"


@pytest.mark.django_db
def test_without_django_site_url_the_first_admin_sign_in_records_the_address_the_browser_used(client, settings):
    settings.REMINDERS_SITE_URL = ""
    settings.ALLOWED_HOSTS = ["crm.park.example.cn"]
    UserFactory(username="zhou", is_staff=True, role="investment_officer")

    response = client.post(reverse("admin:login"), {"username": "zhou", "password": "pass-1234"},
                           HTTP_HOST="crm.park.example.cn:8443")

    assert response.status_code == 302
    assert SiteProfile.objects.get().site_url == "http://crm.park.example.cn:8443"
    assert site_link("portal:request-list") == "http://crm.park.example.cn:8443/portal/"


@pytest.mark.django_db
def test_an_address_set_in_the_site_profile_is_kept_over_the_browsers(client, settings):
    settings.REMINDERS_SITE_URL = ""
    SiteProfile.objects.update(site_url="https://crm.example.cn")
    UserFactory(username="zhou", is_staff=True, role="investment_officer")

    client.post(reverse("admin:login"), {"username": "zhou", "password": "pass-1234"}, HTTP_HOST="localhost:9000")

    assert SiteProfile.objects.get().site_url == "https://crm.example.cn"
    assert site_url() == "https://crm.example.cn"


# ---- error pages ---------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_missing_page_is_a_chinese_page_in_the_products_style(client):
    response = client.get("/no-such-page/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and "error-card" in page and "Not Found" not in page


@pytest.mark.django_db
def test_a_refused_page_is_a_chinese_page_in_the_products_style(client):
    client.force_login(officer())  # investment officers do not read service requests

    response = client.get(reverse("admin:crm_servicerequest_changelist"))

    page = response.content.decode()
    assert response.status_code == 403
    assert "没有访问权限" in page and "error-card" in page and "Forbidden" not in page


def test_a_server_error_is_a_chinese_page_that_needs_no_database():
    response = server_error(RequestFactory().get("/"))

    page = response.content.decode()
    assert response.status_code == 500
    assert "服务器出错了" in page and "favicon.svg" in page and "Server Error" not in page


@pytest.mark.django_db
def test_a_locked_login_is_a_chinese_page_in_the_products_style():
    response = lockout_response(RequestFactory().get("/admin/login/"))

    page = response.content.decode()
    assert response.status_code == 429
    assert str(LOCKED_MESSAGE) in page and "error-card" in page and "<html" in page


# ---- favicon, and no external host ---------------------------------------------------------------------

@pytest.mark.django_db
def test_every_base_template_links_the_favicon_served_from_the_site(client):
    pages = [reverse("portal:login"), reverse("admin:login"), "/no-such-page/"]
    for url in pages:
        assert 'rel="icon" href="/static/favicon.svg"' in client.get(url).content.decode(), url
    assert (ROOT / "static" / "favicon.svg").is_file()
    assert client.get("/favicon.ico")["Location"] == "/static/favicon.svg"


EXTERNAL = re.compile(r"""<(?:script|img|link|iframe|source)\b[^>]*\b(?:src|href)=["']?(?:https?:)?//""", re.I)


@pytest.mark.django_db
def test_no_page_loads_anything_from_an_external_host(client, sunshine, alice_request):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    staff_pages = [
        reverse("admin:index"), reverse("admin:crm_servicerequest_changelist"), reverse("admin:crm_project_changelist"),
        reverse("reports:index"), reverse("api:redoc"), reverse("api:docs"), "/no-such-page/",
    ]
    for url in staff_pages:
        page = client.get(url, follow=True).content.decode()
        assert not EXTERNAL.search(page), (url, EXTERNAL.search(page))
    client.force_login(alice_request.submitted_by)
    for url in [reverse("portal:request-list"), reverse("portal:request-detail", args=[alice_request.pk]),
                reverse("portal:notifications")]:
        page = client.get(url).content.decode()
        assert not EXTERNAL.search(page), url


# ---- the portal ----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_portal_lists_open_requests_before_finished_ones(client):
    enterprise = EnterpriseFactory()
    alice = enterprise_user(enterprise)
    desk = service_officer()
    finished = make_request(enterprise=enterprise, submitted_by=alice, title="已撤回的诉求")  # due first
    finished = request_moved_to(finished, "withdrawn", officer=desk)
    make_request(enterprise=enterprise, submitted_by=alice, title="办理中的诉求")
    client.force_login(alice)

    rows = client.get(reverse("portal:request-list")).context["rows"]

    assert [obj.title for obj, _clock in rows] == ["办理中的诉求", "已撤回的诉求"]


@pytest.mark.django_db
def test_withdrawing_asks_for_confirmation_from_a_static_script(client, alice, alice_request):
    client.force_login(alice)

    page = client.get(reverse("portal:request-detail", args=[alice_request.pk])).content.decode()

    withdraw = reverse("portal:request-transition", args=[alice_request.pk, "withdraw"])
    assert re.search(rf'action="{withdraw}" data-confirm="确定撤回这条诉求吗？', page)
    assert '<script src="/static/js/portal-confirm.js" defer></script>' in page
    assert "<script>" not in page


@pytest.mark.django_db
def test_portal_notification_texts_carry_no_raw_address(client, alice):
    Notification.objects.create(
        key="clause:1:eligible", rule="policy_eligible", recipient=alice, subject="新的可申请政策：研发补助",
        body="西湖阳光可申请“研发补助”。\n支持额度：最高 50 万元\n查看并申请：http://127.0.0.1:8000/portal/policies/",
    )
    client.force_login(alice)

    page = client.get(reverse("portal:notifications")).content.decode()

    assert "支持额度：最高 50 万元" in page
    assert "http://127.0.0.1" not in page and "查看并申请" not in page
