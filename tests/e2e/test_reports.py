"""The manager reports in a real browser, on the demo world: every chart is drawn, in Chinese, next to its table.

Screenshots of each page go to test-artifacts/e2e/reports-*.png (and one on a phone-sized screen).
"""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from crm.models import YearlyTarget
from tests.e2e.support import DEMO_PASSWORD, ensure_reference_data, log_in_admin

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PAGES = [
    # (path, screenshot name, a heading that must show, how many charts)
    ("/reports/?end=2024-12-31", "pipeline", "累计漏斗与阶段转化", 13),
    # 6, and the departments (承办单位办理情况) and call-back satisfaction by department and by officer (回访)
    ("/reports/service/", "service", "办理时效与满意度", 9),
    ("/reports/land/?start=2024-01-01&end=2024-12-31", "land", "出让地块（2024-01-01 至 2024-12-31）", 4),
    ("/reports/policies/", "policies", "政策兑现（按条款）", 2),
]




@pytest.fixture
def demo_world(db):
    ensure_reference_data()
    call_command("load_demo", "--password", DEMO_PASSWORD, verbosity=0, stdout=io.StringIO())
    # load_demo sets the 2024 target of 32 landed projects of ≥ 1 亿 (the article's figure).
    assert YearlyTarget.objects.for_pipeline(None).get(year=2024, metric="landed_key_projects").target == Decimal("32")


def _chart_sizes(page) -> list[dict]:
    """Each chart container with the size of the SVG or canvas ECharts drew in it (0 when nothing was drawn)."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.chart')).map(node => {
            const drawn = node.querySelector('svg, canvas');
            const box = drawn ? drawn.getBoundingClientRect() : {width: 0, height: 0};
            return {id: node.id, width: Math.round(box.width), height: Math.round(box.height),
                    texts: drawn ? drawn.querySelectorAll('text').length : 0};
        })"""
    )


def test_a_manager_sees_every_report_page_with_its_charts_drawn(live_server, new_page, artifacts, demo_world):
    base = live_server.url
    page = new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in_admin(page, base, "manager", DEMO_PASSWORD, via="/reports/")

    for path, name, heading, chart_count in PAGES:
        page.goto(f"{base}{path}")
        page.wait_for_selector(".chart svg")
        assert page.locator("h2", has_text=heading).is_visible()
        charts = _chart_sizes(page)
        assert len(charts) == chart_count, charts
        for chart in charts:
            assert chart["width"] > 200 and chart["height"] > 200, chart
            assert chart["texts"] > 0, chart  # axis labels, legends or slice names: the chart says what it shows
        page.screenshot(path=artifacts / f"reports-{name}.png", full_page=True)

    # The headline of the demo: 32 projects ≥ 1 亿 landed in 2024, against a target of 32.
    page.goto(f"{base}/reports/?period=custom&start=2024-01-01&end=2024-12-31")
    kpi = page.locator(".kpi", has_text="期内落地亿元以上项目")
    assert kpi.locator(".kpi__value").inner_text().replace("\n", "") == "32个"
    assert "2024 年度目标 32 个，完成 100.00%" in kpi.inner_text()
    assert "上年同期" in kpi.inner_text()

    # The Excel export of the page, with the filter carried over.
    with page.expect_download() as download:
        page.click("[data-export]")
    assert download.value.suggested_filename.startswith("招商项目报表-")
    assert download.value.suggested_filename.endswith(".xlsx")
    assert errors == []


def test_the_reports_read_on_a_phone(live_server, new_page, artifacts, demo_world):
    base = live_server.url
    page = new_page(viewport={"width": 390, "height": 844}, mobile=True)
    log_in_admin(page, base, "manager", DEMO_PASSWORD, via="/reports/")
    page.goto(f"{base}/reports/service/")
    page.wait_for_selector(".chart svg")
    charts = _chart_sizes(page)
    assert len(charts) == next(count for path, _name, _heading, count in PAGES if path == "/reports/service/"), charts
    assert all(chart["width"] > 200 for chart in charts), charts
    page.screenshot(path=artifacts / "reports-service-phone.png", full_page=True)


def test_a_manager_reads_capital_by_source_opens_the_foreign_arrivals_and_downloads_the_monthly_return(
    live_server, new_page, artifacts, demo_world
):
    base = live_server.url
    page = new_page(viewport={"width": 1400, "height": 1000})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in_admin(page, base, "manager", DEMO_PASSWORD, via="/reports/")

    page.goto(f"{base}/reports/capital/?start=2024-01-01&end=2024-12-31")
    page.wait_for_selector(".chart svg")
    charts = _chart_sizes(page)
    assert len(charts) == 4 and all(chart["width"] > 200 and chart["texts"] > 0 for chart in charts), charts
    page.screenshot(path=artifacts / "reports-capital.png", full_page=True)

    # The 外资 card opens the foreign-funded project's arrivals, in dollars at the 2024 中间价.
    page.locator(".kpi a[data-drill][href*='source=foreign']").click()
    page.wait_for_selector("table")
    assert "精创激光高端激光装备产业化项目" in page.content()
    assert "7.1043" in page.content()
    page.screenshot(path=artifacts / "reports-capital-foreign-rows.png", full_page=True)

    page.goto(f"{base}/reports/capital/?start=2024-01-01&end=2024-12-31")
    with page.expect_download() as download:
        page.click("text=2024-12 月报（Excel）")
    assert download.value.suggested_filename == "招商引资实际到位资金月报-202412.xlsx"
    assert errors == []
