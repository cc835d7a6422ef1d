"""Every main page works in a real browser under the Content-Security-Policy, with nothing refused.

Chromium (Debian's, through Playwright) visits each page as the role that uses it, on the demo world. On
every page the browser reports no ``securitypolicyviolation`` event, no "Content Security Policy" console
message, no script error and no request to another host; and the page's own script did its work: the
admin's action counter and inline rows, the land map's parcels and its park filter, the report charts, the
portal's category form, Swagger UI's operations and Redoc's sections. Screenshots go to
test-artifacts/e2e/csp-*.png.
"""

import io
import re
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from crm.models import Project, ServiceRequest
from parks.models import LandParcel, Policy
from tests.e2e.conftest import artifacts, browser, new_page  # noqa: F401 — the e2e tests' Chromium fixtures
from tests.e2e.support import ensure_reference_data
from tests.e2e.test_reports import _chart_sizes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "demo-pass-123"

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def demo_world(db):
    ensure_reference_data()
    call_command("load_demo", "--password", PASSWORD, verbosity=0, stdout=io.StringIO())


class Watched:
    """A browser page that records what the policy refused, script errors and requests to other hosts."""

    def __init__(self, page, base):
        self.page, self.base = page, base
        self.console, self.errors, self.foreign = [], [], []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("console", lambda message: self.console.append(f"{message.type}: {message.text}"))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        host = urlsplit(base).netloc
        page.on("request", lambda request: self._check_host(request.url, host))

    def _check_host(self, url, host):
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.netloc != host:
            self.foreign.append(url)

    def visit(self, path):
        self.console.clear()
        self.errors.clear()
        self.page.goto(f"{self.base}{path}")
        return self.page

    def assert_clean(self, path):
        self.page.wait_for_load_state("networkidle")
        violations = self.page.evaluate("window.__cspViolations")
        refused = [line for line in self.console if "Content Security Policy" in line or "Refused to" in line]
        assert (violations, refused, self.errors, self.foreign) == ([], [], [], []), path

    def log_in_admin(self, username):
        self.page.context.clear_cookies()
        self.visit("/admin/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("input[type=submit]")
        self.page.wait_for_url(f"{self.base}/admin/")

    def log_in_portal(self, username):
        self.page.context.clear_cookies()
        self.visit("/portal/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{self.base}/portal/")


def test_every_main_page_works_under_the_policy(live_server, new_page, artifacts, demo_world):  # noqa: F811
    project = Project.objects.filter(owner__username="officer").order_by("pk").first()
    request = ServiceRequest.objects.filter(enterprise__members__username="enterprise").order_by("pk").first()
    parcel = LandParcel.objects.exclude(outline=None).order_by("pk").first()
    policy = Policy.objects.order_by("pk").first()
    w = Watched(new_page(viewport={"width": 1400, "height": 1000}), live_server.url)

    # 招商专员: the admin's own scripts run (action counter, inline rows, history, import-export, map).
    w.log_in_admin("officer")
    page = w.visit("/admin/")  # the workbench, with its script (static/js/workbench.js)
    assert page.locator("#content-main .zj-card").count() > 0
    w.assert_clean("/admin/")
    page = w.visit("/admin/apps/")  # Django's app list, one click away
    assert page.locator("#content-main .module").count() > 0
    w.assert_clean("/admin/apps/")
    page = w.visit("/admin/crm/project/")  # opens on the officer's remembered scope; no bulk action is theirs
    assert page.locator("#result_list tbody tr").count() > 0
    w.assert_clean("/admin/crm/project/")
    page = w.visit("/admin/crm/followup/")
    page.locator("#action-toggle").check()
    # admin/js/actions.js counts the ticked rows: "选中了 58 个中的 58 个".
    assert re.fullmatch(r"选中了 (\d+) 个中的 \1 个", page.locator(".action-counter").inner_text())
    w.assert_clean("/admin/crm/followup/")
    page = w.visit(f"/admin/crm/project/{project.pk}/change/")
    assert page.locator(".inline-group .add-row a").count() > 0  # written by admin/js/inlines.js
    w.assert_clean("project change form")
    page.screenshot(path=artifacts / "csp-admin-project.png", full_page=True)
    for path in (f"/admin/crm/project/{project.pk}/history/", "/admin/crm/project/import/",
                 f"/admin/parks/landparcel/{parcel.pk}/change/"):
        w.visit(path)
        w.assert_clean(path)
    page = w.visit("/land/")
    page.wait_for_selector("#land-map path.leaflet-interactive")
    assert page.locator("#land-map path.leaflet-interactive").count() == LandParcel.objects.exclude(outline=None).count()
    w.assert_clean("/land/")
    page.screenshot(path=artifacts / "csp-land-map.png", full_page=True)
    page.select_option("#park-filter", str(parcel.park_id))  # the filter's script submits the form
    page.wait_for_url(f"{live_server.url}/land/?park={parcel.park_id}")
    w.assert_clean("/land/?park=")

    # 企业服务专员: a request's page, a policy with its criteria rows (parks/criteria.js).
    w.log_in_admin("service")
    for path in ("/admin/crm/servicerequest/", f"/admin/crm/servicerequest/{request.pk}/change/",
                 f"/admin/parks/policy/{policy.pk}/change/"):
        w.visit(path)
        w.assert_clean(path)

    # 领导: the reports' charts are drawn.
    w.log_in_admin("manager")
    for path in ("/reports/?end=2024-12-31", "/reports/service/", "/reports/land/", "/reports/policies/"):
        page = w.visit(path)
        page.wait_for_selector(".chart svg")
        charts = _chart_sizes(page)
        assert charts and all(chart["width"] > 200 and chart["texts"] > 0 for chart in charts), (path, charts)
        w.assert_clean(path)
    page.screenshot(path=artifacts / "csp-reports-service.png", full_page=True)

    # The API docs, as a logged-in staff member: Swagger UI lists the operations, Redoc its sections.
    page = w.visit("/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock")
    assert page.locator(".swagger-ui .opblock").count() > 20
    w.assert_clean("/api/docs/")
    page.screenshot(path=artifacts / "csp-swagger.png")
    page = w.visit("/api/redoc/")
    page.wait_for_selector("[data-section-id]")
    assert page.locator("[data-section-id]").count() > 20
    w.assert_clean("/api/redoc/")
    page.screenshot(path=artifacts / "csp-redoc.png")

    # 企业用户: the portal, its category form script and the policies page.
    w.log_in_portal("enterprise")
    for path in ("/portal/", f"/portal/requests/{request.pk}/", "/portal/notifications/", "/portal/policies/"):
        w.visit(path)
        w.assert_clean(path)
    page = w.visit("/portal/requests/new/")
    assert page.locator(".request-form fieldset[data-category][hidden]").count() > 0  # portal-request-form.js
    w.assert_clean("/portal/requests/new/")
    page.screenshot(path=artifacts / "csp-portal-form.png", full_page=True)
