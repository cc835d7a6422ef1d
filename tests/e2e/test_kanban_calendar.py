"""The officer's board and calendar in a real browser: on a desktop the officer drags a card to the next stage (an
illegal drop is refused and the card stays), on a phone moves one with “移动到…”, then sees the month and the week.

Screenshots go to test-artifacts/e2e/kanban-*.png and calendar-*.png.
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from crm.models import Milestone, Project, ProjectMilestone, Stage
from crm.pipeline.services import follow_up_create
from tests.e2e.support import log_in_admin
from tests.factories import EnterpriseFactory, EventFactory, ProjectFactory, officer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
KANBAN = "/admin/crm/project/kanban/"


@pytest.fixture
def pipeline():
    me = officer(username="wang", display_name="王招商")
    today = timezone.localdate()
    mover = ProjectFactory(
        owner=me, name="西湖阳光研发总部项目", total_investment=Decimal("12000"), fixed_asset_investment=Decimal("4500"),
        enterprise=EnterpriseFactory(name="西湖阳光（杭州）科技有限公司"),
    )
    follow_up_create(project=mover, officer=me, occurred_on=today.replace(day=1), note="首次走访",
                     next_follow_up_on=today)
    other = ProjectFactory(owner=me, name="科聪控制智能产线项目", total_investment=Decimal("3000"),
                           fixed_asset_investment=Decimal("1000"),
                           enterprise=EnterpriseFactory(name="浙江科聪控制技术有限公司"))
    for project in (mover, other):
        ProjectMilestone.objects.create(project=project, kind=Milestone.LAND_DELIVERY, planned_on=today)
    EventFactory(name="西湖链链看 机器人专场", held_on=today)
    return {"me": me, "mover": mover, "other": other}


def _stage(project) -> str:
    return Project.objects.get(pk=project.pk).stage


def test_the_officer_drags_a_card_to_the_next_stage_and_sees_the_calendar(live_server, new_page, artifacts, pipeline):
    base = live_server.url
    page = new_page(viewport={"width": 1440, "height": 1000})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in_admin(page, base, "wang", next_path=KANBAN)
    card = page.locator(f"#card-{pipeline['mover'].pk}")
    assert "1.20 亿元" in card.inner_text()

    card.drag_to(page.locator('.zj-column[data-stage="signed"]'))  # 线索 → 签约 skips two stages
    page.wait_for_selector(".zj-kanban-status.zj-refused")
    assert "不能转到“签约”" in page.inner_text("#kanban-status")
    assert page.locator(f'.zj-column[data-stage="lead"] #card-{pipeline["mover"].pk}').count() == 1
    assert _stage(pipeline["mover"]) == Stage.LEAD

    card.drag_to(page.locator('.zj-column[data-stage="contacted"]'))
    page.wait_for_selector(f'.zj-column[data-stage="contacted"] #card-{pipeline["mover"].pk}')
    assert _stage(pipeline["mover"]) == Stage.CONTACTED
    assert page.inner_text('.zj-column[data-stage="contacted"] .zj-count') == "1"
    assert page.inner_text('.zj-column[data-stage="lead"] .zj-count') == "1"
    page.screenshot(path=str(artifacts / "kanban-desktop.png"), full_page=True)

    page.once("dialog", lambda dialog: dialog.accept("企业迁往外省"))  # 终止 asks for the reason
    page.locator(f"#card-{pipeline['other'].pk}").drag_to(page.locator('.zj-column[data-stage="lost"]'))
    page.wait_for_selector(f'.zj-column[data-stage="lost"] #card-{pipeline["other"].pk}')
    other = Project.objects.get(pk=pipeline["other"].pk)
    assert (other.stage, other.lost_reason) == (Stage.LOST, "企业迁往外省")
    page.screenshot(path=str(artifacts / "kanban-desktop-lost.png"), full_page=True)

    page.click("text=日历")
    page.wait_for_selector("table.zj-calendar")
    today_cell = page.locator("td.zj-today")
    assert "跟进：西湖阳光研发总部项目" in today_cell.inner_text()
    assert "交地：西湖阳光研发总部项目" in today_cell.inner_text()
    assert "科聪控制" not in today_cell.inner_text()  # lost: its follow-ups and milestones are off the calendar
    assert "活动：西湖链链看 机器人专场" in today_cell.inner_text()
    page.click("button:has-text('生成订阅链接')")
    assert page.input_value("#feed-url").startswith(f"{base}/calendar/")
    page.screenshot(path=str(artifacts / "calendar-month-desktop.png"), full_page=True)
    assert errors == []


def test_on_a_phone_the_officer_moves_a_card_with_the_select_and_sees_the_week(live_server, new_page, artifacts,
                                                                                pipeline):
    base = live_server.url
    page = new_page(viewport={"width": 390, "height": 844}, mobile=True)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in_admin(page, base, "wang", next_path=KANBAN)

    page.select_option(f"#card-{pipeline['other'].pk} select", "contacted")
    page.wait_for_selector(f'.zj-column[data-stage="contacted"] #card-{pipeline["other"].pk}')
    assert _stage(pipeline["other"]) == Stage.CONTACTED
    assert "已转到“初步接洽”" in page.inner_text("#kanban-status")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.screenshot(path=str(artifacts / "kanban-phone.png"), full_page=True)

    page.goto(f"{base}/admin/crm/project/calendar/?view=week")
    assert "跟进：西湖阳光研发总部项目" in page.inner_text("td.zj-today")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(artifacts / "calendar-week-phone.png"), full_page=True)
    assert errors == []
