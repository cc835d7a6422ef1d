"""双兑现: an approved grant paid in instalments, each tied to a landing-commitment year of its project — held
while that year's review shows a shortfall, released when it is met, and a clawback computed when the shortfall
outlives the rectification period; shown on the grant page, in the policy report, and told to the officers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.errors import DomainError
from crm.models import AnnualCommitment, Notification, ReminderRule, Stage
from crm.notifications.sweep import reminders_sweep
from crm.pipeline.commitments import annual_commitment_review, annual_commitment_set
from parks.instalments import year_standing
from parks.models import GrantInstalment, PolicyGrant
from parks.services.grants import policy_grant_approve, policy_grant_disburse, policy_grant_record
from parks.services.instalments import (
    grant_instalment_pay,
    grant_instalment_record_clawback,
    grant_instalments_plan,
    instalments_refresh,
)
from reports.selectors.common import ReportFilters
from reports.selectors.policy import policy_report
from tests.factories import PolicyClauseFactory, project_at

pytestmark = pytest.mark.django_db
I = GrantInstalment.Status  # noqa: E741
DAY = dt.timedelta(days=1)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def project(qian, today):
    """A signed project that committed 亩均税收 10 万元/亩 and 100 people for last year and this year."""
    signed = project_at(Stage.SIGNED, owner=qian, name="羲和光电显示模组产线项目", total_investment=Decimal("20000"))
    for year in (today.year - 1, today.year):
        annual_commitment_set(
            project=signed, year=year, output_per_mu=Decimal("100"), tax_per_mu=Decimal("10"), headcount=100, actor=qian
        )
    return signed


@pytest.fixture
def grant(policy, project, zhou, today):
    clause = PolicyClauseFactory(
        policy=policy,
        number=4,
        title="固定资产投资奖励",
        benefit_kind="investment_award",
        amount_cap=Decimal("2000"),
        valid_from=None,
        valid_until=None,
    )
    policy.valid_from = policy.valid_until = None
    policy.save()
    grant = policy_grant_record(
        clause=clause,
        enterprise=project.enterprise,
        project=project,
        applied_amount=Decimal("600"),
        applied_on=today - 400 * DAY,
        actor=zhou,
    )
    return policy_grant_approve(grant=grant, amount=Decimal("600"), on=today - 399 * DAY, actor=zhou)


def _review(project, year, *, tax, on, qian):
    commitment = AnnualCommitment.objects.get(project=project, year=year)
    return annual_commitment_review(
        commitment=commitment,
        actual_output_per_mu=Decimal("120"),
        actual_tax_per_mu=Decimal(tax),
        actual_headcount=120,
        reviewed_on=on,
        actor=qian,
    )


def _statuses(grant):
    return list(grant.instalments.order_by("sequence").values_list("status", "clawback_amount"))


@pytest.fixture
def planned(grant, zhou, today):
    return grant_instalments_plan(
        grant=grant, plan=[(today.year - 1, Decimal("300")), (today.year, Decimal("300"))], actor=zhou
    )


def test_a_plan_must_add_up_to_the_approved_amount_and_name_committed_years(grant, zhou, today):
    with pytest.raises(DomainError, match="各期合计 500 万元 应等于核准金额 600 万元"):
        grant_instalments_plan(grant=grant, plan=[(today.year, Decimal("500"))], actor=zhou)
    with pytest.raises(DomainError, match=f"没有 {today.year + 5} 年度的落地承诺"):
        grant_instalments_plan(grant=grant, plan=[(today.year + 5, Decimal("600"))], actor=zhou)

    assert not GrantInstalment.objects.exists()


def test_instalments_wait_for_the_review_then_are_held_on_a_shortfall_and_released_when_met(
    grant, planned, project, zhou, qian, today
):
    last, this = today.year - 1, today.year
    assert _statuses(grant) == [(I.SCHEDULED, None), (I.SCHEDULED, None)]

    _review(project, last, tax="8", on=today - 10 * DAY, qian=qian)  # 亩均税收 8 < 10: short
    instalments_refresh(today=today)
    assert _statuses(grant) == [(I.HELD, None), (I.SCHEDULED, None)]
    first = grant.instalments.get(sequence=1)
    with pytest.raises(DomainError, match="暂缓拨付"):
        grant_instalment_pay(instalment=first, on=today, actor=zhou)
    with pytest.raises(DomainError, match="请按期拨付"):
        policy_grant_disburse(grant=grant, amount=Decimal("300"), on=today, actor=zhou)
    assert PolicyGrant.objects.get(pk=grant.pk).disbursed_amount is None

    _review(project, last, tax="10.5", on=today - 2 * DAY, qian=qian)  # reviewed again within the period: met
    instalments_refresh(today=today)
    assert _statuses(grant) == [(I.RELEASED, None), (I.SCHEDULED, None)]
    assert grant.instalments.get(sequence=1).released_on == today

    grant_instalment_pay(instalment=first, on=today, actor=zhou)

    grant.refresh_from_db()
    assert (grant.status, grant.disbursed_amount) == (PolicyGrant.Status.DISBURSED, Decimal("300"))
    assert _statuses(grant) == [(I.PAID, None), (I.SCHEDULED, None)]
    assert (this, grant.instalments.get(sequence=2).commitment_year) == (this, this)


def test_a_finally_missed_year_claws_back_the_paid_instalments_by_the_largest_shortfall_share(
    grant, planned, project, zhou, qian, today
):
    last, this = today.year - 1, today.year
    _review(project, last, tax="10", on=today - 20 * DAY, qian=qian)
    instalments_refresh(today=today)
    grant_instalment_pay(instalment=grant.instalments.get(sequence=1), on=today, actor=zhou)
    # This year: 亩均税收 6 of 10 committed (40 % short), 用工 120 ≥ 100; reviewed on 1 January.
    _review(project, this, tax="6", on=dt.date(this, 1, 1), qian=qian)

    within = dt.date(this, 1, 1) + 180 * DAY
    instalments_refresh(today=within)
    assert _statuses(grant) == [(I.PAID, None), (I.HELD, None)]  # still within the 180-day rectification period

    instalments_refresh(today=within + DAY)
    assert _statuses(grant) == [(I.PAID, Decimal("120.00")), (I.HELD, None)]  # 300 paid × 40 %
    standing = year_standing(AnnualCommitment.objects.get(project=project, year=this), today=within + DAY)
    assert (standing.missed, standing.share) == (True, Decimal("0.4"))
    assert "整改期已于" in standing.reasons[-1]


def test_a_clawback_recovered_is_recorded(grant, planned, project, zhou, qian, today, settings):
    settings.PARKS_INSTALMENT_RECTIFICATION_DAYS = 0
    last, this = today.year - 1, today.year
    _review(project, last, tax="10", on=today - 20 * DAY, qian=qian)
    instalments_refresh(today=today)
    grant_instalment_pay(instalment=grant.instalments.get(sequence=1), on=today, actor=zhou)
    with pytest.raises(DomainError, match="应追回金额大于 0"):
        grant_instalment_record_clawback(instalment=grant.instalments.get(sequence=1), actor=zhou)
    _review(project, this, tax="0", on=today - DAY, qian=qian)  # all short: 100 %

    grant_instalment_record_clawback(instalment=grant.instalments.get(sequence=1), actor=zhou)

    assert _statuses(grant) == [(I.CLAWED_BACK, Decimal("300.00")), (I.HELD, None)]


def test_the_policy_report_shows_held_released_and_clawback_totals(
    grant, planned, project, zhou, qian, today, settings
):
    _review(project, today.year - 1, tax="10", on=today - 20 * DAY, qian=qian)
    _review(project, today.year, tax="9", on=today - 5 * DAY, qian=qian)

    report = policy_report(filters=ReportFilters())  # the rule read live, whatever is stored

    (row,) = [c for c in report["clauses"] if c["clause_id"] == grant.clause_id]
    assert (row["released_total"], row["held_total"], row["clawback_total"]) == (Decimal("300"), Decimal("300"), 0)

    instalments_refresh(today=today)
    grant_instalment_pay(instalment=grant.instalments.get(sequence=1), on=today, actor=zhou)
    settings.PARKS_INSTALMENT_RECTIFICATION_DAYS = 1  # the shortfall of 10 % is now final
    report = policy_report(filters=ReportFilters())

    (row,) = [c for c in report["clauses"] if c["clause_id"] == grant.clause_id]
    assert (row["released_total"], row["held_total"], row["clawback_total"]) == (0, Decimal("300"), Decimal("30.00"))
    assert report["totals"]["clawback_total"] == Decimal("30.00")


def test_the_sweep_refreshes_the_instalments_and_tells_the_officers_once(grant, planned, project, zhou, qian, today):
    _review(project, today.year - 1, tax="8", on=today - 3 * DAY, qian=qian)

    dry = reminders_sweep(now=timezone.now(), dry_run=True)
    assert [d.key for d in dry.due if d.rule.code == "instalment_changed"] == [f"instalment:{planned[0].pk}:held:0"]
    assert _statuses(grant)[0] == (I.SCHEDULED, None)  # a dry run writes nothing

    reminders_sweep(now=timezone.now())
    reminders_sweep(now=timezone.now() + dt.timedelta(minutes=5))

    assert _statuses(grant)[0] == (I.HELD, None)
    told = Notification.objects.filter(rule=ReminderRule.Code.INSTALMENT_CHANGED, channel="in_app")
    assert list(told.values_list("recipient__username", flat=True)) == ["zhou"]
    assert "暂缓拨付" in told.get().subject and "亩均税收 实际 8 < 承诺 10" in told.get().body


def test_the_grant_page_shows_each_instalment_and_its_reason(client, grant, planned, project, zhou, qian, today):
    _review(project, today.year - 1, tax="8", on=today - 3 * DAY, qian=qian)
    client.force_login(zhou)

    page = client.get(reverse("admin:parks_policygrant_change", args=[grant.pk]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "暂缓拨付" in text and "亩均税收 实际 8 &lt; 承诺 10" in text


def test_an_officer_plans_and_pays_from_the_grant_page(client, grant, project, zhou, qian, today):
    client.force_login(zhou)
    url = reverse("admin:parks_policygrant_instalments", args=[grant.pk])

    client.post(url, {"action": "plan", "plan": f"{today.year - 1} 200\n{today.year}：400"})
    _review(project, today.year - 1, tax="10", on=today - 3 * DAY, qian=qian)
    first = grant.instalments.get(sequence=1)
    client.post(url, {"action": "pay", "instalment": first.pk, "on": today.isoformat()})

    assert list(grant.instalments.values_list("commitment_year", "amount", "status")) == [
        (today.year - 1, Decimal("200"), I.PAID),
        (today.year, Decimal("400"), I.SCHEDULED),
    ]
