"""The cockpit (大屏) in a real browser, on the demo world, as a manager: one screen at 1920×1080 without scrollbars,
every card in view, the figures refreshing themselves; one column on a 390 px phone.

Screenshots go to test-artifacts/e2e/cockpit-*.png.
"""

import io
from itertools import pairwise

import pytest
from django.core.management import call_command

from crm.models import Enterprise, ServiceCategory
from tests.e2e.support import DEMO_PASSWORD, ensure_reference_data, log_in_admin
from tests.factories import service_request

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SCREEN = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
CARDS = ["landed_key", "signed", "projects", "investment", "arrival_rate", "start_rate", "requests", "on_time_rate", "overdue", "colours"]


@pytest.fixture
def demo_world(db):
    ensure_reference_data()
    call_command("load_demo", "--password", DEMO_PASSWORD, verbosity=0, stdout=io.StringIO())


def _layout(page) -> dict:
    return page.evaluate(
        """() => ({
            scrollHeight: document.documentElement.scrollHeight, scrollWidth: document.documentElement.scrollWidth,
            innerHeight: window.innerHeight, innerWidth: window.innerWidth,
            cards: Array.from(document.querySelectorAll('[data-card]')).map(node => {
                const box = node.getBoundingClientRect();
                return {key: node.dataset.card, left: Math.round(box.left), top: Math.round(box.top),
                        right: Math.round(box.right), bottom: Math.round(box.bottom), width: Math.round(box.width)};
            }),
            charts: Array.from(document.querySelectorAll('.cockpit-chart__canvas')).map(node => {
                const drawn = node.querySelector('svg');
                const box = drawn ? drawn.getBoundingClientRect() : {width: 0, height: 0, bottom: 0};
                return {id: node.id, width: Math.round(box.width), height: Math.round(box.height),
                        bottom: Math.round(box.bottom), texts: drawn ? drawn.querySelectorAll('text').length : 0};
            }),
            // Text cut off: an element whose content is wider than its box.
            clipped: Array.from(document.querySelectorAll('.cockpit-card *, .cockpit__head *'))
                .filter(node => node.scrollWidth > node.clientWidth + 1 && getComputedStyle(node).overflow !== 'visible')
                .map(node => node.className),
        })"""
    )


def _card_value(page, key: str) -> str:
    return page.locator(f'[data-card="{key}"] [data-field="value"]').inner_text()


def test_the_cockpit_fills_the_big_screen_without_scrollbars_and_refreshes_itself(live_server, new_page, artifacts,
                                                                                  demo_world):
    base = live_server.url
    page = new_page(viewport=SCREEN)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in_admin(page, base, "manager", DEMO_PASSWORD, via="/reports/")

    # The report pages lead to the cockpit; it opens on the pipeline page's default period.
    page.click("[data-cockpit-link]")
    page.wait_for_url(f"{base}/reports/cockpit/")
    page.wait_for_selector(".cockpit-chart__canvas svg")
    for period, name in [("", "screen"), ("?period=2024", "screen-2024")]:
        page.goto(f"{base}/reports/cockpit/{period}")
        page.wait_for_selector(".cockpit-chart__canvas svg")
        layout = _layout(page)
        page.screenshot(path=artifacts / f"cockpit-{name}.png")
        assert layout["scrollHeight"] <= layout["innerHeight"], layout
        assert layout["scrollWidth"] <= layout["innerWidth"], layout
        assert [c["key"] for c in layout["cards"]] == CARDS
        for card in layout["cards"]:  # every card whole on the screen
            assert card["left"] >= 0 and card["top"] >= 0, card
            assert card["right"] <= SCREEN["width"] and card["bottom"] <= SCREEN["height"], card
        assert len(layout["charts"]) == 4
        for chart in layout["charts"]:  # every chart drawn, big, and above the screen's bottom edge
            assert chart["width"] > 300 and chart["height"] > 200, chart
            assert chart["bottom"] <= SCREEN["height"] and chart["texts"] > 0, chart
        assert layout["clipped"] == []
    # The demo's 2024: 32 projects of at least 1 亿 landed, against the year's target of 32.
    assert page.locator("[data-period]").inner_text().startswith("统计区间：2024 年（2024-01-01 至 2024-12-31）")
    assert _card_value(page, "landed_key") == "32"
    assert page.locator('[data-card="landed_key"] [data-field="note"]').inner_text() == "2024 年度目标 32 个，完成 100.00%"
    # With a 同比 line on every card (the periods' Kpi.previous) the screen still fits: the charts give way.
    page.evaluate("""() => document.querySelectorAll('[data-field="previous"]').forEach(node => {
        node.textContent = '上年同期 1,234.56'; node.hidden = false; })""")
    page.evaluate("() => new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)))")
    layout = _layout(page)
    page.screenshot(path=artifacts / "cockpit-screen-previous.png")
    assert layout["scrollHeight"] <= layout["innerHeight"] and layout["scrollWidth"] <= layout["innerWidth"], layout
    assert all(card["bottom"] <= SCREEN["height"] for card in layout["cards"]), layout["cards"]
    assert all(chart["height"] > 200 for chart in layout["charts"]), layout["charts"]
    assert page.locator("text=退出大屏").is_visible()
    assert page.locator("[data-updated]").inner_text().startswith("更新于 ")

    # A request submitted while the screen is on shows within the refresh (2 s here, a minute by default).
    page.goto(f"{base}/reports/cockpit/?refresh=2")
    page.wait_for_selector(".cockpit-chart__canvas svg")
    before = int(_card_value(page, "requests").replace(",", ""))
    enterprise = Enterprise.objects.order_by("pk").first()
    service_request(enterprise=enterprise, category=ServiceCategory.objects.order_by("pk").first(), title="大屏刷新测试")
    page.wait_for_function(
        "expected => document.querySelector('[data-card=\"requests\"] [data-field=\"value\"]').innerText.replace(/,/g, '') === expected",
        arg=str(before + 1), timeout=10_000,
    )

    # The server is unreachable: the last figures stay, and the screen says since when.
    page.route("**/reports/cockpit/?*format=json*", lambda route: route.abort())
    alert = page.locator("[data-alert]")
    alert.wait_for(state="visible", timeout=10_000)
    shown = page.locator("[data-updated]").inner_text().removeprefix("更新于 ")
    assert alert.inner_text() == f"连接中断，显示 {shown} 的数据"
    assert _card_value(page, "requests").replace(",", "") == str(before + 1)
    page.unroute("**/reports/cockpit/?*format=json*")
    alert.wait_for(state="hidden", timeout=10_000)

    # The session ends: the screen says so and stops asking.
    asked = []
    page.on("request", lambda request: asked.append(request.url) if "format=json" in request.url else None)
    page.context.clear_cookies()
    page.wait_for_function("() => document.querySelector('[data-alert]').classList.contains('is-expired')", timeout=10_000)
    assert "登录已失效" in alert.inner_text()
    count = len(asked)
    page.wait_for_timeout(5_000)
    assert len(asked) == count
    page.screenshot(path=artifacts / "cockpit-expired.png")
    assert errors == []


def test_on_a_phone_the_cockpit_is_one_column_without_sideways_scrolling(live_server, new_page, artifacts, demo_world):
    base = live_server.url
    page = new_page(viewport=PHONE, mobile=True)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in_admin(page, base, "manager", DEMO_PASSWORD, next_path="/reports/cockpit/")
    page.wait_for_selector(".cockpit-chart__canvas svg")

    layout = _layout(page)
    page.screenshot(path=artifacts / "cockpit-phone.png", full_page=True)
    assert layout["scrollWidth"] <= layout["innerWidth"], layout
    cards = layout["cards"]
    assert [c["key"] for c in cards] == CARDS
    assert len({c["left"] for c in cards}) == 1 and len({c["width"] for c in cards}) == 1, cards  # one column
    assert all(a["bottom"] <= b["top"] for a, b in pairwise(cards)), cards  # stacked, no overlap
    assert all(c["width"] >= 300 for c in cards), cards
    for chart in layout["charts"]:  # full width
        assert chart["width"] >= 300 and chart["height"] >= 250 and chart["texts"] > 0, chart
    font = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.cockpit-card__note')).fontSize)")
    assert font >= 14  # readable without zooming
    assert layout["clipped"] == []
    assert errors == []
