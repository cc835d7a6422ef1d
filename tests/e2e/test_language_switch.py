"""The language switch in a real browser: the portal, the admin and the reports turn English with one click
and stay English from page to page; the switch fits the header on a desktop and on a phone.

Screenshots: test-artifacts/e2e/language-*.png (1440 px and 390 px wide).
"""

import pytest

from tests.e2e.support import ensure_reference_data, log_in_admin, log_in_portal
from tests.factories import EnterpriseFactory, enterprise_user, manager

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def people(db):
    ensure_reference_data()
    enterprise = EnterpriseFactory(name="Acme Robotics Ltd")
    return {"alice": enterprise_user(enterprise, username="alice", display_name="Alice"),
            "mia": manager(username="mia", display_name="Mia")}


@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_one_click_turns_portal_admin_and_reports_english(live_server, new_page, artifacts, people, size, viewport):
    base = live_server.url
    portal = new_page(viewport=viewport, mobile=size == "phone")
    log_in_portal(portal, base, "alice")
    assert "提交诉求" in portal.inner_text("header")
    portal.screenshot(path=artifacts / f"language-portal-zh-{size}.png")

    portal.click("button.zj-language__button")
    portal.wait_for_url(f"{base}/portal/")
    assert "Submit a request" in portal.inner_text("header")
    assert portal.get_attribute("html", "lang") == "en"
    portal.screenshot(path=artifacts / f"language-portal-en-{size}.png")

    admin = new_page(viewport=viewport, mobile=size == "phone")
    log_in_admin(admin, base, "mia")
    admin.click("#header button.zj-language__button")
    admin.wait_for_url(f"{base}/admin/")
    assert "workbench" in admin.inner_text("#header").lower()  # the admin header writes its links in capitals
    admin.screenshot(path=artifacts / f"language-admin-en-{size}.png")

    admin.click("text=Reports")  # the same browser: the choice follows to the reports
    admin.wait_for_url(f"{base}/reports/")
    assert "Investment projects" in admin.inner_text("nav.nav")
    admin.screenshot(path=artifacts / f"language-reports-en-{size}.png", full_page=False)

    admin.click("button.zj-language__button")  # and back to Chinese
    admin.wait_for_url(f"{base}/reports/")
    assert "招商项目" in admin.inner_text("nav.nav")
