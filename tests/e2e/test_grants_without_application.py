"""免申即享 and 双兑现 in a real browser: an officer selects the proposals of a 免申 clause, sees the count and the
total on the confirmation page, confirms them; then opens a grant in instalments and sees the held one with why."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.models import AnnualCommitment, Stage
from crm.pipeline.commitments import annual_commitment_review, annual_commitment_set
from parks.models import EligibilityCriterion, PolicyGrant
from parks.services.grants import policy_grant_approve, policy_grant_record
from parks.services.instalments import grant_instalments_plan
from parks.services.proposals import clause_propose_grants
from tests.e2e.support import log_in_admin
from tests.factories import (
    EnterpriseFactory,
    PolicyClauseFactory,
    PolicyFactory,
    criterion,
    officer,
    project_at,
    service_officer,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
K = EligibilityCriterion.Kind


def test_an_officer_confirms_proposals_in_bulk_and_reads_a_held_instalment(live_server, new_page, artifacts):
    today = timezone.localdate()
    zhou = service_officer(username="zhou", display_name="周敏")
    qian = officer(username="qian", display_name="钱进")
    policy = PolicyFactory(name="紫金港科技城人才新政", short_name="人才新政")
    talent = PolicyClauseFactory(policy=policy, number=6, title="人才安居补贴", benefit_kind="talent_subsidy",
                                 amount_cap=Decimal("30"), no_application=True)
    criterion(talent, K.MIN_HEADCOUNT, number=Decimal("50"))
    EnterpriseFactory(short_name="科聪控制", name="杭州科聪控制技术有限公司", headcount=260)
    EnterpriseFactory(short_name="西湖阳光", name="西湖阳光（杭州）科技有限公司", headcount=85)
    EnterpriseFactory(short_name="小微企业", name="杭州小微科技有限公司", headcount=12)
    clause_propose_grants(clause=talent)

    project = project_at(Stage.SIGNED, owner=qian, name="羲和光电显示模组产线项目", total_investment=Decimal("20000"))
    for year in (today.year - 1, today.year):
        annual_commitment_set(project=project, year=year, output_per_mu=Decimal("100"), tax_per_mu=Decimal("10"),
                              headcount=100, actor=qian)
    award = PolicyClauseFactory(policy=policy, number=4, title="固定资产投资奖励", benefit_kind="investment_award",
                                amount_cap=Decimal("2000"))
    grant = policy_grant_record(clause=award, enterprise=project.enterprise, project=project,
                                applied_amount=Decimal("600"), applied_on=today - dt.timedelta(days=30), actor=zhou)
    grant = policy_grant_approve(grant=grant, amount=Decimal("600"), on=today - dt.timedelta(days=20), actor=zhou)
    grant_instalments_plan(grant=grant, plan=[(today.year - 1, Decimal("300")), (today.year, Decimal("300"))],
                           actor=zhou)
    annual_commitment_review(commitment=AnnualCommitment.objects.get(project=project, year=today.year - 1),
                             actual_output_per_mu=Decimal("120"), actual_tax_per_mu=Decimal("8"), actual_headcount=120,
                             reviewed_on=today - dt.timedelta(days=3), actor=qian)
    base = live_server.url

    page = new_page(viewport={"width": 1440, "height": 900})
    log_in_admin(page, base, "zhou")
    page.goto(f"{base}/admin/parks/policygrant/?status__exact=proposed")
    page.check("#action-toggle")
    page.select_option("select[name=action]", "confirm_proposals")
    page.click("button[name=index]")
    page.wait_for_selector("text=确认 2 条免申即享兑现，合计 60.00 万元。")
    page.screenshot(path=str(artifacts / "grants-confirm-proposals-1440.png"), full_page=True)
    page.click("input[name=confirm]")
    page.wait_for_selector("text=已确认 2 条免申即享兑现")
    assert sorted(PolicyGrant.objects.filter(clause=talent).values_list("status", flat=True)) == ["approved", "approved"]

    page.goto(f"{base}/admin/parks/policygrant/{grant.pk}/change/")
    page.wait_for_selector("text=分期兑现（双兑现）")
    text = page.inner_text("#content")
    assert "暂缓拨付" in text and "亩均税收 实际 8 < 承诺 10" in text and "待兑现" in text
    page.screenshot(path=str(artifacts / "grants-instalments-1440.png"), full_page=True)
