"""Issue 15 in a browser: the desk routes the work permit to the foreign-expert department in the admin; its liaison
logs in, sees only it and asks for an extension; the station head approves it (asked first); the enterprise follows
who handles its request, and the approved extension, on a phone."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from crm.models import Routing, RoutingExtension
from crm.service_requests.routing import routing_create
from crm.service_requests.services import service_request_transition
from tests.e2e.support import log_in_admin, log_in_portal
from tests.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    ServiceCategoryFactory,
    department_liaison,
    enterprise_user,
    service_officer,
    service_request,
    station_head,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
TITLE = "外籍专家 Daniel Weber 来华工作许可（加急）"
OTHER = "科聪控制分公司设立登记"
DESKTOP, PHONE = {"width": 1440, "height": 900}, {"width": 390, "height": 844}


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_desk_routes_the_liaison_asks_more_time_the_station_head_approves_the_enterprise_follows(
    live_server, new_page, artifacts
):
    zhou = service_officer(username="zhou", display_name="周敏")
    station_head(username="zhan", display_name="张站长")
    experts = DepartmentFactory(name="杭州市人社局（外国专家服务处）", short_name="人社外专处", sort_order=10)
    market = DepartmentFactory(name="杭州市西湖区市场监督管理局", short_name="市场监管", sort_order=20)
    department_liaison(experts, username="liaison", display_name="孙立群")
    department_liaison(market, username="liaison2", display_name="钱卫东")
    sunshine = EnterpriseFactory(name="西湖阳光（杭州）科技有限公司", short_name="西湖阳光")
    kecong = EnterpriseFactory(name="杭州科聪控制技术有限公司", short_name="科聪控制")
    xihu = enterprise_user(sunshine, username="xihu", display_name="王丽")
    permit = service_request(enterprise=sunshine, submitted_by=xihu, category=ServiceCategoryFactory(), title=TITLE)
    permit = service_request_transition(service_request=permit, action="accept", actor=zhou)
    other = service_request(enterprise=kecong, category=ServiceCategoryFactory(
        code="business_registration", name="企业开办", sla_unit="working_days", sla_value=3, form=False), title=OTHER)
    other = service_request_transition(service_request=other, action="accept", actor=zhou)
    routing_create(service_request=other, department=market, role="lead", note="", actor=zhou)
    base = live_server.url
    change = f"/admin/crm/servicerequest/{permit.pk}/change/"

    # 1. The desk routes the work permit to 人社外专处 as the lead.
    desk = new_page(viewport=DESKTOP)
    log_in_admin(desk, base, "zhou", next_path=change)
    desk.select_option("#zj-routing select[name=department]", label=experts.name)
    desk.select_option("#zj-routing select[name=role]", "lead")
    desk.fill("#zj-routing input[name=note]", "专家下周到杭，请加急审批。")
    desk.click("#zj-routing input[type=submit]")
    desk.wait_for_selector(".messagelist .success")
    routing = Routing.objects.get(service_request=permit)
    due = timezone.localtime(routing.due_at)
    assert desk.locator(".messagelist .success").inner_text() == (
        f"已分办给 {experts.name}（主办），办理时限 {due:%Y-%m-%d %H:%M}。"
    )
    assert desk.locator(".zj-routing-row .zj-on-time").inner_text().startswith("剩余 23 小时")
    desk.locator("#zj-routing").screenshot(path=artifacts / "routing-desk-routed-1440.png")
    desk.screenshot(path=artifacts / "routing-desk-1440.png", full_page=True)

    # 2. The liaison logs in and sees only the work permit, in its list with its due time and colour.
    for viewport, tag in ((PHONE, "390"), (DESKTOP, "1440")):
        liaison = new_page(viewport=viewport, mobile=viewport is PHONE)
        log_in_admin(liaison, base, "liaison")
        liaison.goto(f"{base}/admin/crm/servicerequest/")
        rows = liaison.locator("#result_list tbody tr")
        assert rows.count() == 1
        assert TITLE in rows.first.inner_text() and OTHER not in liaison.content()
        liaison.screenshot(path=artifacts / f"routing-liaison-list-{tag}.png", full_page=True)
    rows.first.locator("a", has_text=TITLE).click()
    liaison.wait_for_url(re.compile(rf"{change}$"))
    assert "E12345678" not in liaison.content()  # the passport number is not the department's to read

    # … and asks for two more days.
    wanted = (due + dt.timedelta(days=2)).replace(second=0, microsecond=0)
    liaison.fill(".zj-routing-extension input[name=due_at]", f"{wanted:%Y-%m-%dT%H:%M}")
    liaison.fill(".zj-routing-extension input[name=reason]", "需向省厅核实学历认证")
    liaison.click(".zj-routing-extension button[type=submit]")
    liaison.wait_for_selector(".messagelist .success")
    assert liaison.locator(".messagelist .success").inner_text() == "延期申请已提交，等待驿站站长审批。"
    extension = RoutingExtension.objects.get()
    assert (extension.status, timezone.localtime(extension.requested_due_at)) == ("pending", wanted)
    liaison.screenshot(path=artifacts / "routing-liaison-request-1440.png", full_page=True)
    phone_liaison = new_page(viewport=PHONE, mobile=True)
    log_in_admin(phone_liaison, base, "liaison", next_path=change)
    phone_liaison.screenshot(path=artifacts / "routing-liaison-request-390.png", full_page=True)

    # 3. The station head approves; the browser asks first, and a dismissed question sends nothing.
    head = new_page(viewport=DESKTOP)
    log_in_admin(head, base, "zhan", next_path=change)
    assert "需向省厅核实学历认证" in head.locator(".zj-routing-pending").inner_text()
    head.once("dialog", lambda dialog: dialog.dismiss())
    head.click(".zj-routing-decide button[value='1']")
    extension.refresh_from_db()
    assert extension.status == "pending"
    asked = []
    head.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    head.click(".zj-routing-decide button[value='1']")
    head.wait_for_selector(".messagelist .success")
    assert asked == [f"确定批准 {experts.name} 延期至 {wanted:%Y-%m-%d %H:%M} 吗？批准后办理时限随即变更，不能撤销。"]
    extension.refresh_from_db()
    routing.refresh_from_db()
    permit.refresh_from_db()
    assert extension.status == "approved" and routing.due_at == permit.due_at == extension.requested_due_at
    head.locator("#zj-routing").screenshot(path=artifacts / "routing-head-approved-1440.png")

    # 4. The enterprise, on its phone: who handles the request, and the approved extension — not the reason.
    phone = new_page(viewport=PHONE, mobile=True)
    log_in_portal(phone, base, "xihu")
    phone.goto(f"{base}/portal/requests/{permit.pk}/")
    assert phone.locator("dd.handling").inner_text() == f"{experts.name}（主办）"
    steps = phone.locator("#routing-timeline .timeline__action").all_inner_texts()
    assert steps == ["交由 人社外专处 办理（主办）", f"人社外专处 的办理时限延长至 {wanted:%Y-%m-%d %H:%M}"]
    body = phone.content()
    assert "需向省厅核实学历认证" not in body and "专家下周到杭，请加急审批。" not in body
    assert _no_sideways_scroll(phone)
    phone.locator("#routing-timeline").scroll_into_view_if_needed()
    phone.screenshot(path=artifacts / "routing-portal-timeline-390.png")
    phone.screenshot(path=artifacts / "routing-portal-390.png", full_page=True)
