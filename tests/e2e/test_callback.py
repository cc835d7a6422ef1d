"""回访 in a browser: the desk records an unsatisfied call-back on a closed request (after the page's confirmation) and
the request is handled again; a manager reads the departments and the call-backs on the service report."""

import re

import pytest

from crm.models import RequestStatus, ServiceRequest
from tests.e2e.support import log_in_admin
from tests.factories import (
    EnterpriseFactory,
    ServiceCategoryFactory,
    enterprise_user,
    manager,
    request_moved_to,
    service_officer,
)
from tests.factories import service_request as make_request
from tests.reports.test_service_departments import build_department_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_desk_records_an_unsatisfied_call_back_and_the_request_is_handled_again(
    live_server, new_page, artifacts, width, height
):
    sunshine = EnterpriseFactory(name="西湖阳光（杭州）科技有限公司", short_name="西湖阳光")
    xihu = enterprise_user(sunshine, username="xihu", display_name="王丽")
    zhou = service_officer(username="zhou", display_name="周敏")
    request = make_request(enterprise=sunshine, submitted_by=xihu, category=ServiceCategoryFactory(), title="申请外籍专家工作许可")
    request = request_moved_to(request, RequestStatus.CLOSED, officer=zhou)
    tag = "phone" if width < 600 else "desktop"
    page = new_page(viewport={"width": width, "height": height}, mobile=width < 600)
    log_in_admin(page, live_server.url, "zhou", lands=re.compile(r"/admin/"))

    page.goto(f"{live_server.url}/admin/crm/servicerequest/{request.pk}/change/")
    panel = page.locator(".zj-callback")
    panel.get_by_label("不满意").check()
    panel.locator("textarea[name=comment]").fill("许可证上的姓名拼写有误，需重新办理")
    page.screenshot(path=artifacts / f"callback-form-{tag}.png", full_page=True)
    panel.screenshot(path=artifacts / f"callback-panel-{tag}.png")
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    panel.locator("input[type=submit]").click()
    page.wait_for_load_state()

    assert "将重新办理该诉求" in dialogs[0]
    assert page.locator(".messagelist").inner_text().strip() == "已记录回访（不满意），诉求已重新办理。"
    assert "许可证上的姓名拼写有误" in page.locator("body").inner_text()
    assert page.locator(".zj-callback").count() == 0
    page.screenshot(path=artifacts / f"callback-done-{tag}.png", full_page=True)
    assert ServiceRequest.objects.get(pk=request.pk).status == RequestStatus.IN_PROGRESS


def test_the_desk_cancels_at_the_confirmation_and_nothing_is_stored(live_server, new_page):
    sunshine = EnterpriseFactory(name="西湖阳光（杭州）科技有限公司")
    xihu = enterprise_user(sunshine, username="xihu")
    zhou = service_officer(username="zhou")
    request = request_moved_to(make_request(enterprise=sunshine, submitted_by=xihu), RequestStatus.CLOSED, officer=zhou)
    page = new_page()
    log_in_admin(page, live_server.url, "zhou", lands=re.compile(r"/admin/"))

    page.goto(f"{live_server.url}/admin/crm/servicerequest/{request.pk}/change/")
    page.locator(".zj-callback").get_by_label("不满意").check()
    page.locator(".zj-callback textarea[name=comment]").fill("不满意")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.locator(".zj-callback input[type=submit]").click()

    page.wait_for_timeout(300)
    assert ServiceRequest.objects.get(pk=request.pk).status == RequestStatus.CLOSED
    assert request.callbacks.count() == 0


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)], ids=["desktop", "phone"])
def test_a_manager_reads_the_departments_and_call_backs_on_the_service_report(
    live_server, new_page, artifacts, width, height
):
    build_department_world()
    manager(username="boss", display_name="领导")
    tag = "phone" if width < 600 else "desktop"
    page = new_page(viewport={"width": width, "height": height}, mobile=width < 600)
    log_in_admin(page, live_server.url, "boss", via="/reports/")

    page.goto(f"{live_server.url}/reports/service/?start=2024-12-01&end=2024-12-31")
    block = page.locator("#departments")
    assert block.locator("tbody tr").count() == 3
    assert block.locator("th.has-help").first.get_attribute("title")
    assert page.locator("#department_satisfaction tbody tr").count() == 2
    assert page.locator("#officer_satisfaction tbody tr").count() == 2
    block.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # the charts draw
    block.screenshot(path=artifacts / f"report-departments-{tag}.png")
    page.locator("#department_satisfaction").screenshot(path=artifacts / f"report-department-satisfaction-{tag}.png")
