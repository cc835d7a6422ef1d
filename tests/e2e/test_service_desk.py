"""The service desk's day, in a browser: from the queue to a request, its passport scan downloaded, a reply sent."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from crm.service_requests.approval_steps import approval_step_plan
from crm.service_requests.services import service_request_submit
from crm.service_requests.thread import message_post
from tests.e2e.support import log_in_admin
from tests.factories import (
    EnterpriseFactory,
    ServiceCategoryFactory,
    enterprise_user,
    service_officer,
    tiny_pdf,
    work_permit_details,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
TITLE = "申请外籍专家 John Smith 的来华工作许可"


def _pdf(name):
    return SimpleUploadedFile(name, tiny_pdf(), content_type="application/pdf")


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (390, 844)], ids=["desktop", "phone"])
def test_a_service_officer_opens_a_request_from_the_queue_downloads_the_scan_and_replies(
    live_server, new_page, artifacts, width, height
):
    sunshine = EnterpriseFactory(name="西湖阳光（杭州）科技有限公司", short_name="西湖阳光")
    xihu = enterprise_user(sunshine, username="xihu", display_name="王丽")
    zhou = service_officer(username="zhou", display_name="周敏")
    # Submitted 20 hours ago on a 24-hour SLA: more than 80 % used, yellow in the queue.
    request, _warnings = service_request_submit(
        enterprise=sunshine, category=ServiceCategoryFactory(), title=TITLE, submitted_by=xihu,
        details=work_permit_details(contact_phone="0571-88886666"), attachments=[_pdf("护照扫描件.pdf")],
        at=timezone.now() - dt.timedelta(hours=20),
    )
    message_post(service_request=request, author=xihu, body="补充学历证明。", uploads=[_pdf("学历证明.pdf")])
    approval_step_plan(service_request=request, name="外专局审批", due_at=timezone.now() + dt.timedelta(days=2), actor=zhou)
    base = live_server.url
    mobile = width < 600
    tag = "phone" if mobile else "desktop"

    page = new_page(viewport={"width": width, "height": height}, mobile=mobile)
    log_in_admin(page, base, "zhou", lands=re.compile(r"/admin/"))

    # The queue: found by the contact phone given with the request, its clock yellow.
    page.goto(f"{base}/admin/crm/servicerequest/?q=88886666")
    row = page.locator("#result_list tbody tr", has_text=TITLE)
    assert row.locator(".field-time_left .zj-at-risk").inner_text().startswith("剩余 3 小时")
    page.screenshot(path=artifacts / f"desk-queue-{tag}.png", full_page=True)
    row.locator("a", has_text=TITLE).click()
    page.wait_for_url(re.compile(rf"/admin/crm/servicerequest/{request.pk}/change/"))  # the queue's filters kept

    # The passport scan, from the 附件 list, through the access-checked download.
    scan = page.locator(".inline-group a.zj-attachment", has_text="护照扫描件.pdf")
    scan.scroll_into_view_if_needed()
    with page.expect_download() as info:
        scan.click()
    download = info.value
    assert download.suggested_filename == "护照扫描件.pdf"
    assert Path(download.path()).read_bytes() == tiny_pdf()
    # … and the file the enterprise sent with its message, beside that message in the thread.
    assert page.locator("td.field-files a.zj-attachment", has_text="学历证明.pdf").is_visible()
    page.screenshot(path=artifacts / f"desk-request-{tag}.png", full_page=True)

    # An edit below, not saved: replying asks first, and a refusal sends nothing.
    page.fill("input[name=approval_steps-0-name]", "外专局审批（未保存的修改）")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.fill("#zj-reply-form textarea[name=body]", "许可证已签发，请查收附件。")
    page.set_input_files("#zj-reply-form input[name=attachments]", files=[
        {"name": "工作许可证.pdf", "mimeType": "application/pdf", "buffer": tiny_pdf()},
    ])
    page.click("#zj-reply-form input[type=submit]")
    assert asked == ["页面下方的修改尚未保存。发送回复不会保存这些修改，返回后它们将丢失。仍要发送回复吗？"]
    assert request.messages.count() == 1

    # Confirmed: the reply alone is posted, with its file; the step keeps its stored name.
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#zj-reply-form input[type=submit]")
    page.wait_for_selector(".messagelist .success")
    assert page.locator(".messagelist .success").inner_text() == "回复已发送给企业。（附件 1 个）"
    reply = request.messages.get(author=zhou)
    assert (reply.body, reply.is_internal) == ("许可证已签发，请查收附件。", False)
    assert list(reply.attachments.values_list("original_name", flat=True)) == ["工作许可证.pdf"]
    assert list(request.approval_steps.values_list("name", flat=True)) == ["外专局审批"]
    assert page.locator("td.field-files a.zj-attachment", has_text="工作许可证.pdf").count() == 1
    page.screenshot(path=artifacts / f"desk-replied-{tag}.png", full_page=True)
    page.screenshot(path=artifacts / f"desk-replied-{tag}-top.png")  # the first screen: the message and 回复企业
    page.locator("td.field-files a.zj-attachment", has_text="工作许可证.pdf").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / f"desk-replied-{tag}-thread.png")
