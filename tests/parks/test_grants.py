"""政策兑现: an application recorded, approved within the clause's cap, paid in instalments within what was
approved, or refused with a reason; every refusal says why and changes nothing; totals per policy."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.errors import DomainError
from parks.models import PolicyGrant
from parks.services.grants import (
    policy_grant_approve,
    policy_grant_disburse,
    policy_grant_record,
    policy_grant_reject,
)
from reports.selectors.common import ReportFilters
from reports.selectors.policy import policy_report
from tests.factories import EnterpriseFactory, PolicyClauseFactory, PolicyFactory, ProjectFactory, service_officer

pytestmark = pytest.mark.django_db
G = PolicyGrant.Status
APPLIED_ON = dt.date(2025, 3, 10)


@pytest.fixture
def clause(policy):
    return PolicyClauseFactory(policy=policy, number=4, title="固定资产投资奖励", benefit_kind="investment_award",
                               amount_cap=Decimal("2000"))


@pytest.fixture
def grant(clause, zhou):
    project = ProjectFactory(name="启衡国产服务器整机制造基地")
    return policy_grant_record(clause=clause, enterprise=project.enterprise, project=project,
                               applied_amount=Decimal("1800"), applied_on=APPLIED_ON, actor=zhou)


def _row(grant):
    g = PolicyGrant.objects.get(pk=grant.pk)
    return (g.status, g.approved_amount, g.approved_on, g.disbursed_amount, g.disbursed_on, g.decision_note,
            g.history.count())


def test_an_application_is_approved_paid_in_two_instalments_and_remembered_with_who_did_it(grant, zhou):
    grant = policy_grant_approve(grant=grant, amount=Decimal("1500"), on=dt.date(2025, 5, 16), actor=zhou)
    grant = policy_grant_disburse(grant=grant, amount=Decimal("750"), on=dt.date(2025, 7, 8), actor=zhou)
    grant = policy_grant_disburse(grant=grant, amount=Decimal("750"), on=dt.date(2025, 12, 1), actor=zhou)

    assert _row(grant)[:5] == (G.DISBURSED, Decimal("1500"), dt.date(2025, 5, 16), Decimal("1500"), dt.date(2025, 12, 1))
    assert list(grant.history.order_by("history_date").values_list("status", "history_user__username")) == [
        (G.APPLIED, "zhou"), (G.APPROVED, "zhou"), (G.DISBURSED, "zhou"), (G.DISBURSED, "zhou"),
    ]


def test_an_approval_above_the_clauses_cap_is_refused_with_the_figures(clause, zhou):
    grant = policy_grant_record(clause=clause, enterprise=EnterpriseFactory(), applied_amount=Decimal("2500"),
                                applied_on=APPLIED_ON, actor=zhou)
    before = _row(grant)

    with pytest.raises(DomainError) as refused:
        policy_grant_approve(grant=grant, amount=Decimal("2400"), on=dt.date(2025, 5, 16), actor=zhou)

    assert refused.value.field == "approved_amount"
    assert refused.value.message == "核准金额 2,400 万元 超过条款“固定资产投资奖励”的最高金额 2,000 万元。"
    assert _row(grant) == before


def test_the_cap_itself_may_be_approved(clause, zhou):
    grant = policy_grant_record(clause=clause, enterprise=EnterpriseFactory(), applied_amount=Decimal("2500"),
                                applied_on=APPLIED_ON, actor=zhou)

    assert policy_grant_approve(grant=grant, amount=Decimal("2000"), on=APPLIED_ON, actor=zhou).approved_amount == 2000


def test_a_clause_without_a_cap_approves_up_to_the_amount_applied_for(policy, zhou):
    clause = PolicyClauseFactory(policy=policy, amount_cap=None)
    grant = policy_grant_record(clause=clause, enterprise=EnterpriseFactory(), applied_amount=Decimal("9000"),
                                applied_on=APPLIED_ON, actor=zhou)
    before = _row(grant)

    with pytest.raises(DomainError) as refused:
        policy_grant_approve(grant=grant, amount=Decimal("9000.01"), on=APPLIED_ON, actor=zhou)

    assert refused.value.message == "核准金额 9,000.01 万元 高于申请金额 9,000 万元。"
    assert _row(grant) == before


def test_payments_never_exceed_the_approved_amount(grant, zhou):
    grant = policy_grant_approve(grant=grant, amount=Decimal("1500"), on=dt.date(2025, 5, 16), actor=zhou)
    grant = policy_grant_disburse(grant=grant, amount=Decimal("1000"), on=dt.date(2025, 7, 8), actor=zhou)
    before = _row(grant)

    with pytest.raises(DomainError) as refused:
        policy_grant_disburse(grant=grant, amount=Decimal("500.01"), on=dt.date(2025, 8, 1), actor=zhou)

    assert refused.value.message == "拨付后累计 1,500.01 万元 将超过核准金额 1,500 万元（已拨付 1,000 万元）。"
    assert _row(grant) == before


@pytest.mark.parametrize(("step", "action"), [
    ("applied", "disburse"), ("approved", "approve"), ("approved", "reject"), ("rejected", "approve"),
    ("rejected", "disburse"), ("disbursed", "approve"), ("disbursed", "reject"),
])
def test_a_decision_the_status_does_not_allow_is_refused_and_changes_nothing(grant, zhou, step, action):
    day = dt.date(2025, 6, 1)
    if step in ("approved", "disbursed"):
        grant = policy_grant_approve(grant=grant, amount=Decimal("1000"), on=day, actor=zhou)
    if step == "disbursed":
        grant = policy_grant_disburse(grant=grant, amount=Decimal("1000"), on=day, actor=zhou)
    if step == "rejected":
        grant = policy_grant_reject(grant=grant, reason="材料不全", actor=zhou)
    before = _row(grant)

    with pytest.raises(DomainError) as refused:
        if action == "approve":
            policy_grant_approve(grant=grant, amount=Decimal("100"), on=day, actor=zhou)
        elif action == "disburse":
            policy_grant_disburse(grant=grant, amount=Decimal("100"), on=day, actor=zhou)
        else:
            policy_grant_reject(grant=grant, reason="重复申请", actor=zhou)

    assert refused.value.code == DomainError.ILLEGAL_TRANSITION
    assert _row(grant) == before


def test_a_refusal_needs_a_reason_which_the_enterprise_reads(grant, zhou):
    before = _row(grant)
    with pytest.raises(DomainError) as refused:
        policy_grant_reject(grant=grant, reason="  ", actor=zhou)
    assert (refused.value.field, _row(grant)) == ("decision_note", before)

    grant = policy_grant_reject(grant=grant, reason="设备投资发票不全，请补充后重新申请。", actor=zhou)
    assert (grant.status, grant.decision_note) == (G.REJECTED, "设备投资发票不全，请补充后重新申请。")


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"applied_amount": Decimal("0")}, "applied_amount", "申请金额必须大于 0。"),
    ({"applied_on": dt.date(2024, 4, 14)}, "applied_on", "申请日期 2024-04-14 不在政策有效期（2024-04-15 至 2027-04-14）内。"),
    ({"project": "another's"}, "project", None),
])
def test_an_application_that_cannot_be_recorded_is_refused_and_nothing_is_written(clause, zhou, change, field, message):
    enterprise = EnterpriseFactory(short_name="芯体素")
    fields = {"clause": clause, "enterprise": enterprise, "applied_amount": Decimal("300"), "applied_on": APPLIED_ON}
    if change.get("project"):
        change = {"project": ProjectFactory(name="别家的项目")}
    fields.update(change)

    with pytest.raises(DomainError) as refused:
        policy_grant_record(actor=zhou, **fields)

    assert refused.value.field == field
    if message:
        assert refused.value.message == message
    assert PolicyGrant.objects.count() == 0


def test_an_application_after_the_clause_expired_is_refused(policy, zhou):
    clause = PolicyClauseFactory(policy=policy, valid_until=dt.date(2025, 12, 31))

    with pytest.raises(DomainError) as refused:
        policy_grant_record(clause=clause, enterprise=EnterpriseFactory(), applied_amount=Decimal("10"),
                            applied_on=dt.date(2026, 1, 5), actor=zhou)

    assert refused.value.message == "申请日期 2026-01-05 不在条款有效期（— 至 2025-12-31）内。"
    assert PolicyGrant.objects.count() == 0


def test_dates_in_the_future_are_refused(grant, zhou):
    before = _row(grant)
    with pytest.raises(DomainError) as refused:
        policy_grant_approve(grant=grant, amount=Decimal("10"), on=timezone.localdate() + dt.timedelta(days=1), actor=zhou)
    assert (refused.value.message, _row(grant)) == ("核准日期不能晚于今天。", before)


# ---- totals per policy, in the policy report ------------------------------------------------------


def test_totals_per_policy_count_each_measure_by_its_own_date_in_three_queries(clause, zhou, django_assert_num_queries):
    other_policy = PolicyFactory(name="人才新政", short_name="人才新政")
    PolicyClauseFactory(policy=other_policy)
    a = policy_grant_record(clause=clause, enterprise=EnterpriseFactory(), applied_amount=Decimal("1800"),
                            applied_on=dt.date(2024, 12, 20), actor=zhou)
    policy_grant_approve(grant=a, amount=Decimal("1500"), on=dt.date(2025, 1, 10), actor=zhou)
    policy_grant_disburse(grant=a, amount=Decimal("750"), on=dt.date(2025, 2, 1), actor=zhou)
    b = policy_grant_record(clause=clause, enterprise=EnterpriseFactory(), applied_amount=Decimal("300"),
                            applied_on=dt.date(2025, 3, 1), actor=zhou)
    policy_grant_reject(grant=b, reason="不符合条件", actor=zhou)

    with django_assert_num_queries(3):  # the clauses' sums; the instalments; their projects' commitments
        report = policy_report(filters=ReportFilters(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)))

    keys = ("policy", "grants", "applied_total", "approved_total", "disbursed_total", "disbursement_rate")
    assert sorted(({k: row[k] for k in keys} for row in report["policies"]), key=lambda r: r["policy"]) == [
        {"policy": "人才新政", "grants": 0, "applied_total": Decimal("0"), "approved_total": Decimal("0"),
         "disbursed_total": Decimal("0"), "disbursement_rate": None},
        {"policy": "紫金十条", "grants": 1, "applied_total": Decimal("300"), "approved_total": Decimal("1500"),
         "disbursed_total": Decimal("750"), "disbursement_rate": Decimal("50.0")},
    ]


def test_service_officers_are_the_ones_who_record_grants_in_the_role_groups():
    officer = service_officer()
    assert officer.has_perm("parks.add_policygrant") and officer.has_perm("parks.change_policygrant")
