"""A manager opens the service page in a real browser, clicks the 超期未办结 card and a cell of the call-back table, and
lands on the rows behind each, as many as the page said; on a desktop and on a phone-sized screen.

Screenshots go to test-artifacts/e2e/drill-service-*.png.
"""

import datetime as dt

import pytest
from django.utils import timezone

from crm.service_requests.callbacks import request_record_callback
from tests.e2e.support import ensure_reference_data, log_in_admin
from tests.factories import EnterpriseFactory, ServiceCategoryFactory, enterprise_user, manager, request_moved_to
from tests.factories import service_officer as make_service_officer
from tests.factories import service_request as make_request

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def world(db):
    """Two requests overdue (submitted 30 hours ago, 24-hour limit), one on time, one resolved and called back."""
    ensure_reference_data()
    manager(username="leader")
    zhou = make_service_officer(username="zhou_e2e", display_name="周敏")
    firm = EnterpriseFactory(name="西湖阳光（杭州）科技有限公司")
    alice = enterprise_user(firm, username="alice_e2e")
    permit = ServiceCategoryFactory()  # 24 calendar hours
    now = timezone.now()
    for title, hours_ago in (("逾期的工作许可甲", 30), ("逾期的工作许可乙", 40), ("刚提交的工作许可", 1)):
        make_request(enterprise=firm, submitted_by=alice, category=permit, title=title,
                     at=now - dt.timedelta(hours=hours_ago))
    done = request_moved_to(make_request(enterprise=firm, submitted_by=alice, category=permit, title="已办结的工作许可",
                                         at=now - dt.timedelta(hours=5)), "resolved", officer=zhou)
    request_record_callback(service_request=done, result="satisfied", comment="", actor=zhou)


@pytest.mark.parametrize("width", [1440, 390])
def test_a_manager_clicks_a_card_and_a_cell_and_lands_on_as_many_rows(live_server, new_page, artifacts, world, width):
    base = live_server.url
    page = new_page(viewport={"width": width, "height": 900}, mobile=width < 500)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in_admin(page, base, "leader", via="/reports/service/")

    card = page.locator('.kpi a[data-drill][href*="/rows/service.red/"]')
    assert card.inner_text() == "2"
    card.click()
    page.wait_for_url(f"{base}/reports/rows/service.red/**")
    assert page.locator(".drill-count").inner_text() == "共 2 条"
    titles = page.locator("table[data-table=rows] tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(titles) == ["逾期的工作许可乙", "逾期的工作许可甲"]
    page.screenshot(path=str(artifacts / f"drill-service-overdue-{width}.png"), full_page=True)

    page.go_back()
    satisfied = page.locator("#officer_satisfaction a[data-drill]").nth(1)  # 满意, of 周敏
    satisfied.scroll_into_view_if_needed()
    assert satisfied.inner_text() == "1"
    satisfied.click()
    page.wait_for_url(f"{base}/reports/rows/service.callbacks/**")
    assert page.locator(".drill-count").inner_text() == "共 1 条"
    page.screenshot(path=str(artifacts / f"drill-service-callbacks-{width}.png"), full_page=True)
    assert errors == []
