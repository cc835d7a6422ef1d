"""The production stack, from the outside, over HTTPS (.ci/production runs it; `make test` skips it).

nginx with a TLS certificate in front of gunicorn (bin/serve), two Celery workers and beat, PostgreSQL and Redis,
the demo world loaded. What a park's users do on the first morning: the service desk logs in to the admin, an
enterprise logs in to the portal and submits a work permit request with a passport scan, reads it back through the
API and downloads the scan, and the desk's e-mail about the new request is sent by a real worker.

Environment: PRODUCTION_SMOKE_URL (https://host:port, required), PRODUCTION_SMOKE_HTTP_URL (the plain-HTTP
listener, optional), PRODUCTION_SMOKE_CA (the certificate to trust, else the system's), PRODUCTION_SMOKE_PASSWORD
(the demo accounts' password), PRODUCTION_SMOKE_MAIL_DIR (where the file e-mail backend writes, optional).
"""

import os
import re
import time
from pathlib import Path

import pytest

from tests.factories import tiny_pdf, work_permit_details

BASE = os.environ.get("PRODUCTION_SMOKE_URL", "").rstrip("/")
pytestmark = pytest.mark.skipif(not BASE, reason="PRODUCTION_SMOKE_URL is not set: no production stack to test")

PASSWORD = os.environ.get("PRODUCTION_SMOKE_PASSWORD", "demo-pass-123")
VERIFY = os.environ.get("PRODUCTION_SMOKE_CA") or True
TITLE = f"冒烟测试：外籍专家工作许可 {int(time.time())}"
SCAN = tiny_pdf() + b"%% smoke " + TITLE.encode()  # a PDF of its own, to recognise it when downloaded


def browser():
    import requests

    session = requests.Session()
    session.verify = VERIFY
    # Not REQUESTS_CA_BUNDLE or proxies from the environment: they would win over the certificate named here.
    session.trust_env = False
    session.headers["Accept-Language"] = "zh-hans"
    return session


def csrf_of(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def log_in(session, path, username):
    page = session.get(f"{BASE}{path}")
    assert page.status_code == 200
    data = {"csrfmiddlewaretoken": csrf_of(page.text), "username": username, "password": PASSWORD}
    # The admin's login form says where to land: its own "next", after the username (the language switch in the
    # page's header has a "next" of its own, the login page itself).
    login_form = page.text[page.text.index('name="username"'):]
    following = re.search(r'name="next" value="([^"]*)"', login_form)
    if following:
        data["next"] = following.group(1)
    return session.post(
        f"{BASE}{path}",
        data=data,
        headers={"Referer": f"{BASE}{path}"},
        allow_redirects=False,
    )


def api_client(username):
    session = browser()
    response = session.post(f"{BASE}/api/v1/auth/token/", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    session.headers["Authorization"] = f"Token {response.json()['token']}"
    return session


@pytest.fixture(scope="module")
def submitted():
    """The enterprise user's new work permit request, submitted through the portal with one attachment."""
    portal = browser()
    login = log_in(portal, "/portal/login/", "enterprise")
    assert login.status_code == 302 and login.headers["Location"] == "/portal/"
    form = portal.get(f"{BASE}/portal/requests/new/")
    assert form.status_code == 200
    data = {
        "csrfmiddlewaretoken": csrf_of(form.text),
        "category": "work_permit",
        "title": TITLE,
        "description": "冒烟测试：下月入职，请协助办理。",
        **{f"details-work_permit-{key}": value for key, value in work_permit_details().items()},
    }
    enterprise = re.search(r'<select name="enterprise"[^>]*>\s*<option value="(\d+)"', form.text)
    if enterprise:
        data["enterprise"] = enterprise.group(1)
    response = portal.post(
        f"{BASE}/portal/requests/new/",
        data=data,
        files={"attachments": ("passport.pdf", SCAN, "application/pdf")},
        headers={"Referer": f"{BASE}/portal/requests/new/"},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:2000]
    pk = int(re.fullmatch(r"/portal/requests/(\d+)/", response.headers["Location"]).group(1))
    return {"pk": pk, "portal": portal}


def test_plain_http_is_redirected_to_https():
    http = os.environ.get("PRODUCTION_SMOKE_HTTP_URL")
    if not http:
        pytest.skip("PRODUCTION_SMOKE_HTTP_URL is not set")
    import requests

    response = requests.get(f"{http.rstrip('/')}/admin/login/", allow_redirects=False, timeout=30, proxies={"http": None, "https": None})

    assert response.status_code == 301
    assert response.headers["Location"] == f"{BASE}/admin/login/"


def test_the_service_desk_logs_in_to_the_admin_over_https_with_secure_cookies_and_hsts():
    admin = browser()

    response = log_in(admin, "/admin/login/", "service")

    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    assert all(cookie.secure for cookie in admin.cookies)
    workbench = admin.get(f"{BASE}/admin/")
    assert workbench.status_code == 200
    assert "工作台" in workbench.text and "周敏" in workbench.text
    assert workbench.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_static_files_come_compressed_with_hashed_names_and_uploads_are_never_static():
    page = browser().get(f"{BASE}/admin/login/")
    css = re.search(r'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', page.text).group(1)

    response = browser().get(f"{BASE}{css}", headers={"Accept-Encoding": "gzip"})

    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response.headers["Cache-Control"]
    assert browser().get(f"{BASE}/media/").status_code == 404
    assert browser().get(f"{BASE}/media/attachments/passport.pdf").status_code == 404


def test_an_enterprise_submits_a_request_with_an_attachment_in_the_portal(submitted):
    page = submitted["portal"].get(f"{BASE}/portal/requests/{submitted['pk']}/")

    assert page.status_code == 200
    assert TITLE in page.text and "passport.pdf" in page.text


def test_the_api_reads_the_request_and_the_attachment_downloads_unchanged(submitted):
    api = api_client("enterprise")

    listing = api.get(f"{BASE}/api/v1/service-requests/", params={"page_size": 100})
    detail = api.get(f"{BASE}/api/v1/service-requests/{submitted['pk']}/")

    assert listing.status_code == 200
    assert submitted["pk"] in [row["id"] for row in listing.json()["results"]]
    assert detail.status_code == 200
    assert detail.json()["title"] == TITLE
    (attachment,) = detail.json()["attachments"]
    # Built from X-Forwarded-Proto and the Host nginx passes on: the address the client used.
    assert attachment["download_url"] == f"{BASE}/api/v1/attachments/{attachment['id']}/download/"
    download = api.get(attachment["download_url"])
    assert download.status_code == 200
    assert download.content == SCAN
    assert download.headers["Content-Type"] == "application/pdf"
    # Another enterprise cannot read it.
    assert api_client("enterprise2").get(attachment["download_url"]).status_code == 404


def test_the_desk_s_email_about_the_new_request_is_sent_by_a_worker(submitted):
    api = api_client("service")
    deadline = time.monotonic() + 60
    while True:
        rows = api.get(f"{BASE}/api/v1/notifications/", params={"page_size": 100}).json()["results"]
        mine = [r for r in rows if r["target_id"] == submitted["pk"] and r["subject"].startswith("新诉求")]
        email = [r for r in mine if r["channel"] == "email"]
        if (email and email[0]["status"] == "sent") or time.monotonic() > deadline:
            break
        time.sleep(1)

    assert [r["channel"] for r in mine] and email, mine
    assert email[0]["status"] == "sent" and email[0]["sent_at"]
    mail_dir = os.environ.get("PRODUCTION_SMOKE_MAIL_DIR")
    if mail_dir:  # the file e-mail backend: the message itself, as the SMTP server would have received it
        sent = "".join(p.read_text(errors="replace") for p in sorted(Path(mail_dir).glob("*.log")))
        assert "To: service@example.com" in sent
