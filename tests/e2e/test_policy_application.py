"""网上申报 end to end: an enterprise on a phone applies for a clause, supplying its headcount (unknown to the park)
with evidence; a service officer confirms the fact and approves in the admin on a desktop; the enterprise sees
the grant."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from parks.models import EligibilityCriterion, PolicyApplication, PolicyGrant, SuppliedFact
from tests.e2e.support import ensure_reference_data, log_in_admin, log_in_portal
from tests.factories import (
    EnterpriseFactory,
    PolicyClauseFactory,
    PolicyFactory,
    ServiceCategoryFactory,
    criterion,
    enterprise_user,
    service_officer,
    tiny_pdf,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def _pdf(name):
    return {"name": name, "mimeType": "application/pdf", "buffer": tiny_pdf()}


def test_an_enterprise_applies_on_a_phone_an_officer_confirms_the_fact_and_approves_the_enterprise_sees_the_grant(
    live_server, new_page, artifacts
):
    ensure_reference_data()
    ServiceCategoryFactory(code="policy_redemption", name="政策兑现", sla_unit="working_days", sla_value=15)
    today = timezone.localdate()
    clause = PolicyClauseFactory(
        policy=PolicyFactory(name="紫金港科技城支持信创和商密产业高质量发展的若干政策", short_name="紫金十条"),
        number=7, title="人才安家补贴", benefit_kind="talent_subsidy", amount_cap=Decimal("100"),
        required_documents="人才认定证书", application_opens_on=today - dt.timedelta(days=5),
        application_closes_on=today + dt.timedelta(days=25),
    )
    criterion(clause, EligibilityCriterion.Kind.MIN_HEADCOUNT, number=Decimal("20"))
    sunshine = EnterpriseFactory(name="西湖阳光（杭州）科技有限公司", short_name="西湖阳光")
    enterprise_user(sunshine, username="xihu", display_name="王丽")
    service_officer(username="zhou", display_name="周敏")
    base = live_server.url

    # The enterprise, on a phone: the clause is 待确认 (headcount unknown) with 在线申报 beside it.
    phone = new_page(viewport=PHONE, mobile=True)
    log_in_portal(phone, base, "xihu")
    phone.goto(f"{base}/portal/policies/")
    item = phone.locator(f"li.zj-match[data-clause='{clause.pk}']")
    assert item.get_attribute("data-verdict") == "unknown"
    phone.screenshot(path=artifacts / "policy-apply-1-matches-phone.png", full_page=True)
    item.locator("a", has_text="在线申报").click()
    phone.wait_for_url(re.compile(r"/portal/policies/\d+/apply/\d+/$"))
    phone.fill("input[name=applied_amount]", "60")
    phone.set_input_files("input[name=doc_0]", files=[_pdf("人才认定证书.pdf")])
    phone.fill("input[name=fact_headcount]", "35")
    phone.set_input_files("input[name=fact_headcount_evidence]", files=[_pdf("社保缴纳名单.pdf")])
    phone.check("input[name=confirm]")
    phone.screenshot(path=artifacts / "policy-apply-2-form-phone.png", full_page=True)
    phone.click("button:has-text('提交申报')")
    phone.wait_for_url(re.compile(r"/portal/policies/applications/\d+/$"))
    assert phone.locator(".application-status").inner_text() == "待审核"
    assert phone.locator(".fact-status").inner_text() == "待确认"
    phone.screenshot(path=artifacts / "policy-apply-3-submitted-phone.png", full_page=True)
    application = PolicyApplication.objects.get()
    assert application.service_request.category.code == "policy_redemption"

    # The officer, on a desktop: confirms the headcount, then approves 50 万元.
    desk = new_page(viewport=DESKTOP)
    log_in_admin(desk, base, "zhou")
    desk.goto(f"{base}/admin/parks/policyapplication/{application.pk}/change/")
    assert "待确认" in desk.locator(".zj-current-verdict").inner_text()
    fact = SuppliedFact.objects.get()
    desk.select_option("select[name=action]", f"confirm_fact:{fact.pk}")
    desk.click(".application-decision input[type=submit]")
    desk.wait_for_selector(".messagelist .success")
    assert desk.locator(".zj-current-verdict").inner_text() == "符合条件"
    desk.select_option("select[name=action]", "approve")
    desk.fill("input[name=amount]", "50")
    desk.screenshot(path=artifacts / "policy-apply-4-admin-desktop.png", full_page=True)
    desk.click(".application-decision input[type=submit]")
    desk.wait_for_selector(".messagelist .success")
    assert "已核准" in desk.locator(".messagelist .success").inner_text()
    desk.screenshot(path=artifacts / "policy-apply-5-approved-desktop.png", full_page=True)
    grant = PolicyGrant.objects.get()
    assert (grant.status, grant.approved_amount, grant.enterprise_id) == ("approved", Decimal("50"), sunshine.pk)

    # The enterprise sees the grant.
    phone.reload()
    assert phone.locator(".application-status").inner_text() == "已核准"
    assert phone.locator(".grant-approved").inner_text().startswith("50 万元")
    phone.screenshot(path=artifacts / "policy-apply-6-granted-phone.png", full_page=True)
