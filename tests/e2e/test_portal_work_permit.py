"""The 24-hour work permit, end to end: an enterprise submits it in the portal, a service officer sees it in the admin queue."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from crm.models import ServiceRequest
from tests.e2e.support import log_in_admin, log_in_portal
from tests.factories import EnterpriseFactory, ServiceCategoryFactory, enterprise_user, service_officer, tiny_pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
TITLE = "申请外籍专家 John Smith 的来华工作许可"


def test_enterprise_submits_a_work_permit_and_a_service_officer_sees_it_in_the_admin_queue(
    live_server, new_page, artifacts
):
    ServiceCategoryFactory()  # 外国人来华工作许可, 24 calendar hours
    ServiceCategoryFactory(code="talent_housing", name="人才房", sla_unit="working_days", sla_value=5)
    sunshine = EnterpriseFactory(name="西湖阳光（杭州）科技有限公司", short_name="西湖阳光")
    enterprise_user(sunshine, username="xihu", display_name="王丽")
    service_officer(username="zhou", display_name="周敏")
    base = live_server.url

    # The enterprise user logs in and opens the form.
    page = new_page()
    log_in_portal(page, base, "xihu")
    page.click("text=提交诉求 >> nth=0")
    page.wait_for_url(f"{base}/portal/requests/new/")
    page.select_option("select[name=category]", "work_permit")
    assert page.locator("fieldset[data-category=work_permit]").is_visible()
    assert page.locator("fieldset[data-category=talent_housing]").is_hidden()

    # A first try with mistakes: no title, a malformed passport number, a start date in the past.
    page.fill("input[name=details-work_permit-expert_name]", "John Smith")
    page.fill("input[name=details-work_permit-nationality]", "英国")
    page.fill("input[name=details-work_permit-passport_number]", "E-1")
    page.fill("input[name=details-work_permit-position]", "首席算法工程师")
    page.fill("input[name=details-work_permit-planned_start_date]", (timezone.localdate() - dt.timedelta(days=1)).isoformat())
    page.click("button:has-text('提交诉求')")
    page.wait_for_selector(".form-errors")
    assert page.locator(".field__error", has_text="该字段是必填项。").count() == 1
    assert page.locator(".field__error", has_text="护照号码格式不正确").count() == 1
    assert page.locator(".field__error", has_text="计划入职日期不能早于今天。").count() == 1
    assert ServiceRequest.objects.count() == 0
    page.screenshot(path=artifacts / "new-request-errors.png", full_page=True)

    # Corrected, with the passport scan as a PDF.
    page.fill("input[name=title]", TITLE)
    page.fill("textarea[name=description]", "专家下月入职，请协助办理工作许可。")
    page.fill("input[name=details-work_permit-passport_number]", "E12345678")
    page.fill("input[name=details-work_permit-planned_start_date]", (timezone.localdate() + dt.timedelta(days=30)).isoformat())
    page.set_input_files(
        "input[name=attachments]", files=[{"name": "护照扫描件.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()}]
    )
    page.click("button:has-text('提交诉求')")
    page.wait_for_url(re.compile(r"/portal/requests/\d+/$"))

    request = ServiceRequest.objects.get()
    assert request.due_at - request.submitted_at == dt.timedelta(hours=24)
    assert list(request.attachments.values_list("original_name", "content_type")) == [("护照扫描件.pdf", "application/pdf")]
    assert page.locator(".flash__item--success").inner_text().startswith("诉求已提交")
    assert page.locator("text=E1*****78").is_visible()
    assert page.locator("a", has_text="护照扫描件.pdf").is_visible()
    page.screenshot(path=artifacts / "request-detail.png", full_page=True)

    # The list shows it with its due time, 24 hours after submission.
    due = timezone.localtime(request.due_at).strftime("%Y-%m-%d %H:%M")
    page.click("nav >> text=我的诉求")
    page.wait_for_url(f"{base}/portal/")
    row = page.locator("tr.request-row", has_text=TITLE)
    assert row.locator(f"time:has-text('{due}')").is_visible()
    assert row.locator(".clock--green").inner_text() == "剩余 23 小时"
    assert row.locator(".status").inner_text() == "已提交"
    page.screenshot(path=artifacts / "request-list-desktop.png", full_page=True)

    # The same list on a phone.
    phone = new_page(viewport={"width": 390, "height": 844}, storage_state=page.context.storage_state(), mobile=True)
    phone.goto(f"{base}/portal/")
    assert phone.locator("tr.request-row", has_text=TITLE).is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=artifacts / "request-list-phone.png", full_page=True)
    phone.goto(f"{base}/portal/requests/{request.pk}/")
    phone.screenshot(path=artifacts / "request-detail-phone.png", full_page=True)
    phone.goto(f"{base}/portal/requests/new/")
    phone.screenshot(path=artifacts / "new-request-phone.png", full_page=True)

    # A service officer finds it in the admin queue.
    officer = new_page()
    log_in_admin(officer, base, "zhou")
    officer.goto(f"{base}/admin/crm/servicerequest/")
    assert officer.locator("#result_list", has_text=TITLE).is_visible()
    officer.screenshot(path=artifacts / "admin-queue.png", full_page=True)
