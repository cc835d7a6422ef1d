"""The project page in a real browser (issue 11, item 8): an officer lands on “我的在办项目”, opens a project and
logs a follow-up from the 记录跟进 form at the top of the page — on a desktop (1440 px) and a phone (390 px)."""

import datetime as dt

import pytest

from crm.models import Contact, Stage
from tests.e2e.support import log_in_admin
from tests.factories import FollowUpFactory, ProjectFactory, officer, project_at

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("width", [1440, 390])
def test_an_officer_logs_a_follow_up_from_the_top_of_the_project_page(live_server, new_page, artifacts, width):
    me = officer(username="qian", display_name="钱进")
    project = project_at(Stage.NEGOTIATING, owner=me, name="机器人小脑研发中心")
    Contact.objects.create(enterprise=project.enterprise, name="王建国", phone="13805712345")
    for days in (60, 30, 12):
        FollowUpFactory(project=project, occurred_on=dt.date.today() - dt.timedelta(days=days),
                        note=f"{days} 天前上门走访，了解用地需求。")
    ProjectFactory(name="别人的项目")
    base = live_server.url
    page = new_page(viewport={"width": width, "height": 900}, mobile=width < 800)
    log_in_admin(page, base, "qian")

    page.goto(f"{base}/admin/crm/project/")
    page.wait_for_url(f"{base}/admin/crm/project/?scope=mine_active")
    assert page.locator("#result_list tbody tr").count() == 1
    page.screenshot(path=str(artifacts / f"project-list-mine-{width}.png"), full_page=False)

    page.goto(f"{base}/admin/crm/project/{project.pk}/change/")
    quick = page.locator("#follow-up-quick")
    # The follow-up entry is at the top: within the first screen on a desktop, above the project's fields anyway.
    top = quick.bounding_box()["y"]
    assert top < page.locator("#project_form fieldset").first.bounding_box()["y"]
    if width >= 800:
        assert top < 900
    page.screenshot(path=str(artifacts / f"project-page-top-{width}.png"), full_page=False)
    page.screenshot(path=str(artifacts / f"project-page-full-{width}.png"), full_page=True)

    quick.locator("select[name=kind]").select_option("call")
    quick.locator("textarea[name=note]").fill("电话确认考察时间。")
    quick.locator("input[name=next_step]").fill("安排实地考察")
    quick.locator("input[name=next_follow_up_on]").fill((dt.date.today() + dt.timedelta(days=7)).isoformat())
    quick.locator("input[type=submit]").click()
    page.wait_for_url(f"{base}/admin/crm/project/{project.pk}/change/")
    assert "已记录跟进。" in page.locator(".messagelist").inner_text()
    page.screenshot(path=str(artifacts / f"project-page-logged-{width}.png"), full_page=False)
    project.refresh_from_db()
    assert (project.next_step, project.followed_up_on) == ("安排实地考察", dt.date.today())
