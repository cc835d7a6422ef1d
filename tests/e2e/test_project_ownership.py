"""Ownership in a real browser: another officer sees a colleague's project read-only (no save buttons, no stage
form, told whose it is), on a desktop and on a phone; a co-officer moves it with the stage form and the owner finds
the notice in their reminders.

Screenshots go to test-artifacts/e2e/ownership-*.png.
"""


import pytest

from crm.models import Notification, Project, ReminderRule, Stage
from tests.e2e.support import ensure_reference_data, log_in_admin
from tests.factories import ProjectFactory, officer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]




@pytest.fixture
def world(db):
    ensure_reference_data()
    owner = officer(username="wang", display_name="王志远")
    co_officer = officer(username="zhao", display_name="赵协同")
    other = officer(username="li", display_name="李晓燕")
    project = ProjectFactory(name="沐曦智算中心项目", owner=owner, co_officers=[co_officer])
    return {"owner": owner, "co_officer": co_officer, "other": other, "project": project}


@pytest.mark.parametrize("width,mobile", [(1440, False), (390, True)])
def test_another_officer_sees_the_project_read_only(width, mobile, world, live_server, new_page, artifacts):
    page = new_page(viewport={"width": width, "height": 900}, mobile=mobile)
    path = f"/admin/crm/project/{world['project'].pk}/change/"

    log_in_admin(page, live_server.url, "li", next_path=path)

    assert page.locator("text=此项目由 王志远 负责").is_visible()
    assert page.locator("input[name=_save]").count() == 0
    assert page.locator("text=变更阶段").count() == 0
    page.screenshot(path=str(artifacts / f"ownership-read-only-{width}.png"), full_page=False)


def test_a_co_officer_moves_the_project_and_the_owner_is_told(world, live_server, new_page, artifacts):
    page = new_page(viewport={"width": 1440, "height": 900})
    path = f"/admin/crm/project/{world['project'].pk}/change/"

    log_in_admin(page, live_server.url, "zhao", next_path=path)
    page.select_option("select[name=to]", Stage.CONTACTED)
    page.click("input[value=变更阶段]")
    page.wait_for_selector("text=项目已转到“初步接洽”。")
    page.screenshot(path=str(artifacts / "ownership-co-officer-moved-1440.png"), full_page=False)

    assert Project.objects.get(pk=world["project"].pk).stage == Stage.CONTACTED
    told = Notification.objects.filter(recipient=world["owner"], rule=ReminderRule.Code.PROJECT_CHANGED)
    assert list(told.values_list("subject", flat=True)) == ["赵协同 将您负责的项目“沐曦智算中心项目”从“线索”转到“初步接洽”"]
