"""The periods of the reports in a real browser, on the demo world: the page opens on a period with data, the period
is chosen from a list and kept in the address, every card shows 上年同期 and its definition on hover.

Screenshots go to test-artifacts/e2e/periods-*.png and /tmp/shots/periods/ (where the reviewers look at them).
"""

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.e2e.support import DEMO_PASSWORD, ensure_reference_data, log_in_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/periods")  # noqa: S108 - where the reviewers look at the screenshots


@pytest.fixture
def demo_world(db):
    ensure_reference_data()
    call_command("load_demo", "--password", DEMO_PASSWORD, verbosity=0, stdout=io.StringIO())


def _shoot(page, artifacts, name):
    path = artifacts / f"periods-{name}.png"
    page.screenshot(path=path, full_page=False)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def test_a_manager_picks_a_period_and_reads_each_card_beside_its_year_earlier_figure(
    live_server, new_page, artifacts, demo_world
):
    base = live_server.url
    page = new_page(viewport={"width": 1440, "height": 1000})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in_admin(page, base, "manager", DEMO_PASSWORD, via="/reports/")

    # The default: a period with data, its dates in the fields.
    page.goto(f"{base}/reports/")
    assert page.locator(".kpi").count() == 6
    assert page.locator("#id_start").input_value() != ""
    _shoot(page, artifacts, "default-1440")

    # 2024 chosen from the list (a whole earlier year by name): the address keeps it, the fields show its dates,
    # each card shows 上年同期 and its definition on hover.
    page.select_option("#id_period", "2024")
    page.click("form.filters button[type=submit]")
    assert "period=2024" in page.url
    assert (page.locator("#id_start").input_value(), page.locator("#id_end").input_value()) == ("2024-01-01", "2024-12-31")
    card = page.locator(".kpi", has_text="期内落地亿元以上项目")
    assert card.locator(".kpi__value").inner_text().replace("\n", "").startswith("32")
    assert "2024 年度目标 32 个，完成 100.00%" in card.inner_text()
    assert page.locator(".kpi__previous").count() == 6
    assert card.locator(".kpi__previous").inner_text().startswith("上年同期")
    assert card.locator(".kpi__label").get_attribute("title").startswith("统计区间内转入“注册落地”阶段")
    card.locator(".kpi__label").hover()
    _shoot(page, artifacts, "2024-1440")

    page.select_option("#id_stage", "all")
    page.click("form.filters button[type=submit]")
    assert "stage=all" in page.url
    assert "终止（不计入合计）" not in page.content()
    page.select_option("#id_stage", "")
    page.click("form.filters button[type=submit]")
    assert "终止（不计入合计）" in page.content()
    assert errors == []
