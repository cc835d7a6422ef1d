"""Drill-down in a real browser, on the demo world: a manager clicks a card's figure, a table cell and a chart
segment of the pipeline page and each time lands on the list of the rows behind it, with the same count.

Screenshots of the list at 1440 and 390 px wide go to /tmp/shots/drill/ (and test-artifacts/e2e/).
"""

import io
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.e2e.support import DEMO_PASSWORD, ensure_reference_data, log_in_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = Path("/tmp/shots/drill")  # noqa: S108 - where the reviewers look at the screenshots
PIPELINE_2024 = "/reports/?start=2024-01-01&end=2024-12-31"


@pytest.fixture
def demo_world(db):
    ensure_reference_data()
    call_command("load_demo", "--password", DEMO_PASSWORD, verbosity=0, stdout=io.StringIO())


def _figure(text: str) -> int:
    return int(text.replace(",", "").strip())


def _listed(page) -> int:
    page.wait_for_selector(".drill-count")
    return int(page.locator(".drill-count").get_attribute("data-count"))


def _shoot(page, artifacts, name, *, full_page=True):
    path = artifacts / f"{name}.png"
    page.screenshot(path=path, full_page=full_page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


def test_a_manager_opens_the_rows_behind_a_card_a_cell_and_a_chart_segment(live_server, new_page, artifacts, demo_world):
    base = live_server.url
    page = new_page(viewport={"width": 1440, "height": 1000})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in_admin(page, base, "manager", DEMO_PASSWORD, via="/reports/")

    # The card: 期内入库项目 (the page's project total), clicked, lists as many projects as it says.
    page.goto(f"{base}{PIPELINE_2024}")
    page.wait_for_selector(".chart svg")
    _shoot(page, artifacts, "drill-pipeline-1440", full_page=False)  # the cards and the stage table, links dotted
    label = page.locator(".kpi__label", has_text=re.compile(r"^期内入库项目$"))
    card = page.locator(".kpi", has=label).locator(".kpi__value a")
    total = _figure(card.inner_text().replace("个", ""))
    assert total > 0
    card.click()
    assert _listed(page) == total
    assert page.locator("h1").inner_text() == "计入合计的项目"
    assert "统计区间：2024-01-01 至 2024-12-31" in page.locator(".report-subtitle").inner_text()
    rows_shown = page.locator("table[data-table=rows] tbody tr").count()
    assert rows_shown == min(total, 50)
    _shoot(page, artifacts, "drill-list-1440")
    with page.expect_download() as download:
        page.click("[data-export]")
    assert download.value.suggested_filename.endswith(".xlsx")

    # A table cell: the number of projects now at 注册落地 in the stage table.
    page.goto(f"{base}{PIPELINE_2024}")
    cell = page.locator("table[data-table=stages] tbody tr", has_text="注册落地").first.locator("td").nth(1).locator("a")
    registered = _figure(cell.inner_text())
    assert registered > 0
    cell.click()
    assert _listed(page) == registered
    assert page.locator("h1").inner_text() == "项目（当前阶段：注册落地）"

    # A chart segment: the 已开工 bar of the 开工率与投产率 chart opens the started projects.
    page.goto(f"{base}{PIPELINE_2024}")
    started = _figure(page.locator("table[data-table=rates] tbody tr", has_text="已开工").locator("td").nth(1).inner_text())
    page.locator("#chart-rates").scroll_into_view_if_needed()
    page.wait_for_selector("#chart-rates svg")
    x, y = page.evaluate(
        """(value) => {
            const node = document.getElementById('chart-rates');
            const point = echarts.getInstanceByDom(node).convertToPixel({seriesIndex: 0}, [1, value / 2]);
            const box = node.getBoundingClientRect();
            return [box.left + point[0], box.top + point[1]];
        }""",
        started,
    )
    page.mouse.click(x, y)
    assert _listed(page) == started
    assert page.locator("h1").inner_text() == "已开工项目"

    # On a phone the list stays readable: the count on top, the table scrolls sideways within its card.
    phone = new_page(viewport={"width": 390, "height": 844}, mobile=True, storage_state=page.context.storage_state())
    phone.goto(page.url)
    assert _listed(phone) == started
    width = phone.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width
    _shoot(phone, artifacts, "drill-list-390")
    assert errors == []
