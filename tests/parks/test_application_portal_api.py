"""网上申报 through the portal and the API: 在线申报 beside the clause open to the enterprise, the form with its
documents and missing fact, the application followed to its grant, the appeal button within the days; another
enterprise's application, form or enterprise is a 404 — and nothing changes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from parks.models import EligibilityCriterion, PolicyApplication, SuppliedFact
from parks.services.applications import (
    FactInput,
    policy_application_approve,
    policy_application_refuse,
    policy_application_submit,
    supplied_fact_confirm,
)
from tests.api.support import api_client, results
from tests.factories import PolicyClauseFactory, PolicyFactory, ServiceCategoryFactory, criterion, tiny_pdf

pytestmark = pytest.mark.django_db
V1 = "/api/v1"
MATCHES = reverse("parks_portal:policy-matches")


def pdf(name="材料.pdf"):
    return SimpleUploadedFile(name, tiny_pdf(), content_type="application/pdf")


@pytest.fixture
def clause(db):
    ServiceCategoryFactory(code="policy_redemption", name="政策兑现", sla_unit="working_days", sla_value=15)
    today = timezone.localdate()
    clause = PolicyClauseFactory(
        policy=PolicyFactory(name="紫金十条", short_name="紫金十条"), number=7, title="人才安家补贴",
        benefit_kind="talent_subsidy", amount_cap=Decimal("100"), required_documents="人才认定证书",
        application_opens_on=today - dt.timedelta(days=3), application_closes_on=today + dt.timedelta(days=30),
    )
    criterion(clause, EligibilityCriterion.Kind.MIN_HEADCOUNT, number=Decimal("20"))
    return clause


def _apply(alice, sunshine, clause, **kw):
    return policy_application_submit(clause=clause, enterprise=sunshine, applied_amount=Decimal("60"), actor=alice,
                                     documents={"人才认定证书": pdf()},
                                     facts=[FactInput(kind="headcount", value=35, evidence=pdf())], **kw)


def test_the_portal_offers_online_application_and_takes_the_form_with_a_missing_fact(client, alice, sunshine, clause):
    client.force_login(alice)
    page = client.get(MATCHES).content.decode()
    url = reverse("parks_portal:apply", args=[clause.pk, sunshine.pk])
    assert f'href="{url}"' in page and "在线申报" in page

    form = client.get(url).content.decode()
    assert "人才认定证书" in form and 'name="fact_headcount"' in form and 'name="fact_headcount_evidence"' in form

    # Without the confirmation nor the document: shown next to the fields, nothing stored.
    response = client.post(url, {"applied_amount": "60", "fact_headcount": "35", "fact_headcount_evidence": pdf()})
    assert response.status_code == 200
    assert "请勾选承诺后再提交。" in response.content.decode() and PolicyApplication.objects.count() == 0

    response = client.post(url, {"applied_amount": "60", "doc_0": pdf("证书.pdf"), "fact_headcount": "35",
                                 "fact_headcount_evidence": pdf("社保名单.pdf"), "confirm": "on"})
    application = PolicyApplication.objects.get()
    assert response.status_code == 302 and response.url == reverse("parks_portal:application", args=[application.pk])
    assert SuppliedFact.objects.get().value == 35
    detail = client.get(response.url).content.decode()
    assert "待审核" in detail and "员工人数 35 · <span class=\"fact-status\">待确认</span>" in detail
    # Applied: the button is gone, the application listed.
    page = client.get(MATCHES).content.decode()
    assert f'href="{url}"' not in page and reverse("parks_portal:application", args=[application.pk]) in page


def test_the_enterprise_sees_the_grant_then_a_refusal_with_the_appeal_button_within_the_days(
    client, alice, sunshine, clause, zhou
):
    client.force_login(alice)
    application = _apply(alice, sunshine, clause)
    supplied_fact_confirm(fact=SuppliedFact.objects.get(), actor=zhou)
    policy_application_approve(application=application, amount=Decimal("50"), actor=zhou)
    detail = client.get(reverse("parks_portal:application", args=[application.pk])).content.decode()
    assert "已核准" in detail and '<dd class="grant-approved">50 万元' in detail and "提出异议" not in detail

    clause2 = PolicyClauseFactory(policy=clause.policy, number=8, title="房租补贴", benefit_kind="rent_subsidy",
                                  application_opens_on=clause.application_opens_on,
                                  application_closes_on=clause.application_closes_on, appeal_days=10)
    refused = policy_application_submit(clause=clause2, enterprise=sunshine, applied_amount=Decimal("5"), actor=alice,
                                        documents={})
    policy_application_refuse(application=refused, reason="租赁合同未备案", actor=zhou)
    url = reverse("parks_portal:application", args=[refused.pk])
    detail = client.get(url).content.decode()
    assert "租赁合同未备案" in detail and "提出异议" in detail
    response = client.post(reverse("parks_portal:application-appeal", args=[refused.pk]), {"reason": "已备案，见附件"},
                           follow=True)
    assert "异议已提交，园区将重新审核。" in response.content.decode()
    refused.refresh_from_db()
    assert refused.status == PolicyApplication.Status.APPEALED


def test_another_enterprises_application_and_form_are_a_404_in_the_portal(client, alice, bob, sunshine, kecong, clause):
    application = _apply(alice, sunshine, clause)
    client.force_login(bob)
    assert client.get(reverse("parks_portal:application", args=[application.pk])).status_code == 404
    assert client.post(reverse("parks_portal:application-appeal", args=[application.pk]),
                       {"reason": "x"}).status_code == 404
    assert client.get(reverse("parks_portal:apply", args=[clause.pk, sunshine.pk])).status_code == 404
    response = client.post(reverse("parks_portal:apply", args=[clause.pk, sunshine.pk]),
                           {"applied_amount": "60", "doc_0": pdf(), "confirm": "on"})
    assert response.status_code == 404
    assert PolicyApplication.objects.count() == 1
    assert application.pk not in [a.pk for a in PolicyApplication.objects.filter(enterprise=kecong)]


def test_a_closed_window_shows_no_button_and_the_form_says_why(client, alice, sunshine, clause):
    clause.application_closes_on = timezone.localdate() - dt.timedelta(days=1)
    clause.application_opens_on = clause.application_closes_on - dt.timedelta(days=10)
    clause.save()
    client.force_login(alice)
    url = reverse("parks_portal:apply", args=[clause.pk, sunshine.pk])
    assert f'href="{url}"' not in client.get(MATCHES).content.decode()
    response = client.post(url, {"applied_amount": "60", "doc_0": pdf(), "fact_headcount": "35",
                                 "fact_headcount_evidence": pdf(), "confirm": "on"})
    assert response.status_code == 409
    assert "不在网上申报期内" in response.content.decode() and PolicyApplication.objects.count() == 0


def test_the_api_takes_an_application_and_isolates_it_between_enterprises(alice, bob, sunshine, kecong, clause, boss):
    response = api_client(alice).post(f"{V1}/policy-applications/", {
        "clause": clause.pk, "enterprise": sunshine.pk, "applied_amount": "60", "document_0": pdf(),
        "fact_headcount": "35", "fact_headcount_evidence": pdf(),
    }, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["enterprise"], body["request_status"], body["supplied_facts"][0]["value"]) == (
        "submitted", sunshine.pk, "submitted", 35)

    # Without the document: a 400 naming it, nothing stored.
    response = api_client(alice).post(f"{V1}/policy-applications/", {
        "clause": clause.pk, "enterprise": sunshine.pk, "applied_amount": "60"}, format="json")
    assert response.status_code in (400, 409)
    # Bob: another enterprise's application and enterprise are a 404, his list is empty.
    assert api_client(bob).get(f"{V1}/policy-applications/{body['id']}/").status_code == 404
    assert results(api_client(bob).get(f"{V1}/policy-applications/")) == []
    response = api_client(bob).post(f"{V1}/policy-applications/", {
        "clause": clause.pk, "enterprise": sunshine.pk, "applied_amount": "60", "document_0": pdf()}, format="multipart")
    assert response.status_code == 404
    assert api_client(bob).post(f"{V1}/policy-applications/{body['id']}/appeal/", {"reason": "x"}).status_code == 404
    assert PolicyApplication.objects.count() == 1
    assert [a["id"] for a in results(api_client(alice).get(f"{V1}/policy-applications/"))] == [body["id"]]
    assert [a["id"] for a in results(api_client(boss).get(f"{V1}/policy-applications/"))] == [body["id"]]


def test_the_api_list_is_a_fixed_number_of_queries(alice, sunshine, clause, zhou):
    for number in range(3):
        other = PolicyClauseFactory(policy=clause.policy, number=20 + number, application_opens_on=clause.application_opens_on,
                                    application_closes_on=clause.application_closes_on)
        policy_application_submit(clause=other, enterprise=sunshine, applied_amount=Decimal("1"), actor=alice, documents={})
    client = api_client(alice)
    with CaptureQueriesContext(connection) as queries:
        assert len(results(client.get(f"{V1}/policy-applications/"))) == 3
    # token with its user, groups (role check), count, the page (application, clause, policy, enterprise, request,
    # grant in one), the supplied facts (prefetch). Explain any change.
    assert len(queries) == 5, [q["sql"] for q in queries]
