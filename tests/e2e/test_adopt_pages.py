"""The pages a newcomer meets first (issue 14, item 8), in Chromium at 1440 px and 390 px: the error pages in the
product's style, the portal's list with open requests first and the unread badge on its line, and withdrawing a
request, which asks first — dismissing the question withdraws nothing."""

import pytest

from crm.models import Notification, ServiceRequest
from tests.e2e.support import ensure_reference_data, log_in_admin, log_in_portal
from tests.factories import (
    EnterpriseFactory,
    ServiceCategoryFactory,
    enterprise_user,
    officer,
    request_moved_to,
    service_officer,
)
from tests.factories import service_request as make_request

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
WIDTHS = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


def _world():
    ensure_reference_data()
    ServiceCategoryFactory()
    sunshine = EnterpriseFactory(name="西湖阳光（杭州）科技有限公司", short_name="西湖阳光")
    alice = enterprise_user(sunshine, username="xihu", display_name="王丽")
    desk = service_officer(username="zhou", display_name="周敏")
    officer(username="qian", display_name="钱进")  # an investment officer: the service queue is not theirs (403)
    finished = make_request(enterprise=sunshine, submitted_by=alice, title="已撤回：人才房申请")
    request_moved_to(finished, "withdrawn", officer=desk)
    open_one = make_request(enterprise=sunshine, submitted_by=alice, title="申请外籍专家工作许可")
    for n in range(12):
        Notification.objects.create(key=f"request:{open_one.pk}:n{n}", rule="status_changed", recipient=alice,
                                    subject=f"诉求状态变更{n}", body="查看：http://127.0.0.1:8000/portal/")
    return open_one


@pytest.mark.parametrize("width", WIDTHS)
def test_the_portal_list_error_pages_and_withdrawal_as_a_newcomer_sees_them(live_server, new_page, artifacts, width):
    open_one = _world()
    base = live_server.url
    page = new_page(viewport=WIDTHS[width], mobile=width == "phone")
    log_in_portal(page, base, "xihu")

    assert page.locator(".request-row__title").all_inner_texts() == ["申请外籍专家工作许可", "已撤回：人才房申请"]
    badge = page.locator(".nav__link .badge")
    link = page.locator(".nav__link", has=page.locator(".badge"))
    assert badge.inner_text() == "12"
    # On its link's line: the badge's middle lies within the link's first line box.
    box, link_box = badge.bounding_box(), link.bounding_box()
    assert box["y"] >= link_box["y"] - 1 and box["y"] + box["height"] <= link_box["y"] + link_box["height"] + 1
    assert link_box["height"] < 48
    page.screenshot(path=artifacts / f"adopt-portal-list-{width}.png", full_page=True)

    page.goto(f"{base}/portal/notifications/")
    assert "http://" not in page.locator("main").inner_text()

    # Withdrawing asks first; dismissed, nothing is withdrawn.
    page.goto(f"{base}/portal/requests/{open_one.pk}/")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.click("button.button--danger")
    page.wait_for_timeout(300)
    assert questions and questions[0].startswith("确定撤回这条诉求吗")
    assert ServiceRequest.objects.get(pk=open_one.pk).status == "submitted"

    page.goto(f"{base}/portal/no-such-page/")
    assert page.locator(".error-card h1").inner_text() == "页面不存在"
    page.screenshot(path=artifacts / f"adopt-error-404-{width}.png", full_page=True)

    staff = new_page(viewport=WIDTHS[width], mobile=width == "phone")
    log_in_admin(staff, base, "qian")
    staff.goto(f"{base}/admin/crm/servicerequest/")
    assert staff.locator(".error-card h1").inner_text() == "没有访问权限"
    staff.screenshot(path=artifacts / f"adopt-error-403-{width}.png", full_page=True)
