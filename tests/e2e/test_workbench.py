"""The workbench in a real browser, on the demo world: the officer opens /admin/ and records a follow-up from a row —
the row updates without a page load — at 1440 px and on a 390 px phone; the service desk's and the leader's
workbenches render too. Screenshots go to test-artifacts/e2e/workbench-*.png.
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from crm.models import FollowUp, Project, User
from tests.e2e.support import DEMO_PASSWORD, ensure_reference_data, log_in_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
VIEWPORTS = {"desktop": ({"width": 1440, "height": 1000}, False), "phone": ({"width": 390, "height": 844}, True)}




@pytest.fixture
def demo_world(db):
    ensure_reference_data()
    call_command("load_demo", "--password", DEMO_PASSWORD, verbosity=0, stdout=io.StringIO())
    # One project of the officer is certainly due today, whatever day the demo was built for.
    officer = User.objects.get(username="officer")
    project = Project.objects.active().filter(owner=officer).order_by("pk").first()
    Project.objects.filter(pk=project.pk).update(next_follow_up_on=timezone.localdate() - dt.timedelta(days=1))
    return project


def _overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_the_officer_records_a_follow_up_from_a_workbench_row(live_server, new_page, artifacts, demo_world, size):
    viewport, mobile = VIEWPORTS[size]
    base = live_server.url
    page = new_page(viewport=viewport, mobile=mobile)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in_admin(page, base, "officer", DEMO_PASSWORD, via="/admin/")

    assert page.locator("h2#wb-due-title").is_visible()
    assert page.locator(".zj-greeting").inner_text() != ""
    page.screenshot(path=str(artifacts / f"workbench-officer-{size}.png"), full_page=True)
    assert _overflow(page) <= 0, "the workbench scrolls sideways"

    row = page.locator(f'#wb-due li.zj-row[data-project="{demo_world.pk}"]')
    page.evaluate("() => { window.__stillTheSamePage = true; }")
    row.locator("summary").click()
    form = row.locator("form.zj-quick-form")
    form.locator("select[name=kind]").select_option("call")
    form.locator("textarea[name=note]").fill("电话沟通：企业确认下周来园区考察。")
    form.locator("input[name=next_step]").fill("陪同考察地块")
    next_date = timezone.localdate() + dt.timedelta(days=5)
    form.locator("input[name=next_follow_up_on]").fill(next_date.isoformat())
    page.screenshot(path=str(artifacts / f"workbench-officer-form-{size}.png"), full_page=False)
    form.locator("button[type=submit]").click()

    status = row.locator(".zj-row-status.zj-ok")
    status.wait_for()
    assert status.inner_text() == f"已记录跟进：{demo_world.name}"
    assert row.locator('[data-field="next_step"]').inner_text() == "陪同考察地块"
    assert row.locator('[data-field="next_follow_up_on"]').inner_text() == next_date.isoformat()
    assert page.evaluate("() => window.__stillTheSamePage === true"), "the page was reloaded"
    row.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / f"workbench-officer-saved-{size}.png"), full_page=False)

    follow_up = FollowUp.objects.get(project=demo_world, note="电话沟通：企业确认下周来园区考察。")
    assert (follow_up.kind, follow_up.officer.username, follow_up.next_follow_up_on) == ("call", "officer", next_date)
    assert errors == []


@pytest.mark.parametrize("username", ["service", "manager"])
def test_the_service_desk_and_the_leader_open_their_workbench(live_server, new_page, artifacts, demo_world, username):
    for size, (viewport, mobile) in VIEWPORTS.items():
        page = new_page(viewport=viewport, mobile=mobile)
        log_in_admin(page, live_server.url, username, DEMO_PASSWORD, via="/admin/")
        heading = "#wb-my-queue-title" if username == "service" else "#wb-figures"
        assert page.locator(heading).is_visible()
        page.screenshot(path=str(artifacts / f"workbench-{username}-{size}.png"), full_page=True)
        assert _overflow(page) <= 0, f"the {username} workbench scrolls sideways at {size}"


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_the_service_officer_reads_a_reminder_in_the_inbox_and_the_badge_goes_down(
    live_server, new_page, artifacts, demo_world, size
):
    from crm.models import Notification

    viewport, mobile = VIEWPORTS[size]
    service = User.objects.get(username="service")
    unread = Notification.objects.filter(recipient=service, channel="in_app", read_at__isnull=True)
    before = unread.count()
    assert before > 0
    page = new_page(viewport=viewport, mobile=mobile)
    log_in_admin(page, live_server.url, "service", DEMO_PASSWORD, via="/admin/")
    assert page.locator(".zj-unread").inner_text() == str(before)

    page.click("a.zj-inbox-link")
    page.wait_for_url(f"{live_server.url}/admin/inbox/")
    page.screenshot(path=str(artifacts / f"workbench-inbox-{size}.png"), full_page=False)
    assert _overflow(page) <= 0, "the inbox scrolls sideways"
    first = page.locator("li.zj-unread-row").first
    first.locator("button[type=submit]").click()
    page.wait_for_load_state()

    assert page.locator(".zj-unread").inner_text() == str(before - 1)
    assert unread.count() == before - 1
