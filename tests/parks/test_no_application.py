"""免申即享: a clause marked 免申 proposes a grant (待确认) to exactly the eligible enterprises, with the verdict's
reasons kept as the audit trail, never twice; an officer confirms one (cap checked, the enterprise told once) or
many at once, or dismisses one with a reason; the policy report counts proposals apart from applications."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from crm.errors import DomainError
from crm.models import Notification, ReminderRule
from parks.models import EligibilityCriterion, PolicyGrant
from parks.services.grants import policy_grant_record
from parks.services.proposals import (
    clause_propose_grants,
    grant_confirm_proposal,
    grant_dismiss_proposal,
    grants_confirm_proposals,
)
from parks.tasks import grants_daily_task
from reports.selectors.common import ReportFilters
from reports.selectors.policy import policy_report
from tests.factories import EnterpriseFactory, PolicyClauseFactory, criterion, enterprise_user

pytestmark = pytest.mark.django_db
G = PolicyGrant.Status
K = EligibilityCriterion.Kind


@pytest.fixture
def clause(policy):
    """第 6 条 人才补贴, 免申即享: enterprises of 50 people or more, at most 30 万元."""
    row = PolicyClauseFactory(
        policy=policy,
        number=6,
        title="人才安居补贴",
        benefit_kind="talent_subsidy",
        amount_cap=Decimal("30"),
        no_application=True,
    )
    criterion(row, K.MIN_HEADCOUNT, number=Decimal("50"))
    return row


@pytest.fixture
def firms(db):
    """Two eligible (80 and 50 people), one too small (20), one whose headcount is not recorded (unknown)."""
    return {
        "big": EnterpriseFactory(short_name="大企业", headcount=80),
        "edge": EnterpriseFactory(short_name="刚好五十", headcount=50),
        "small": EnterpriseFactory(short_name="小企业", headcount=20),
        "unknown": EnterpriseFactory(short_name="未填人数", headcount=None),
    }


def _proposed(clause):
    return dict(
        PolicyGrant.objects.filter(clause=clause, status=G.PROPOSED).values_list(
            "enterprise__short_name", "applied_amount"
        )
    )


def test_proposals_go_to_exactly_the_eligible_enterprises_with_the_reasons_as_audit_trail(clause, firms):
    created = clause_propose_grants(clause=clause)

    assert _proposed(clause) == {"大企业": Decimal("30"), "刚好五十": Decimal("30")}  # the cap, without an amount rule
    assert len(created) == 2
    grant = PolicyGrant.objects.get(clause=clause, enterprise=firms["edge"])
    reasons = grant.proposal_reasons
    assert (reasons["verdict"], reasons["verdict_label"], reasons["amount_basis"]) == ("eligible", "符合条件", "cap")
    assert [(c["kind_label"], c["outcome_label"]) for c in reasons["criteria"]] == [("最低员工人数", "符合")]
    assert "50" in reasons["criteria"][0]["reason"] and reasons["summary"] == reasons["criteria"][0]["reason"]
    assert grant.applied_on == timezone.localdate() and grant.history.get().history_change_reason == "免申即享推送"


def test_a_proposal_is_made_at_the_clause_s_estimate_when_it_has_an_amount_rule(clause, firms):
    # 按人: 0.5 万元 per employee, capped at the clause's 30 万元 — 大企业 (80 people) at the cap, 刚好五十 at 25.
    clause.amount_rule, clause.amount_basis, clause.amount_value = "per_person", "headcount", Decimal("0.5")
    clause.save()

    clause_propose_grants(clause=clause)

    assert _proposed(clause) == {"大企业": Decimal("30"), "刚好五十": Decimal("25")}
    grant = PolicyGrant.objects.get(clause=clause, enterprise=firms["edge"])
    assert grant.proposal_reasons["amount_basis"] == "estimate"


def test_proposals_are_not_made_twice_nor_to_an_enterprise_with_a_grant_of_the_clause(clause, firms, zhou):
    policy_grant_record(
        clause=clause,
        enterprise=firms["big"],
        applied_amount=Decimal("10"),
        applied_on=timezone.localdate(),
        actor=zhou,
    )

    clause_propose_grants(clause=clause)
    second = clause_propose_grants(clause=clause)

    assert second == []
    assert _proposed(clause) == {"刚好五十": Decimal("30")}
    assert PolicyGrant.objects.filter(clause=clause).count() == 2


def test_a_clause_not_marked_no_application_proposes_nothing(clause, firms):
    clause.no_application = False
    clause.save()

    assert clause_propose_grants(clause=clause) == []
    assert not PolicyGrant.objects.exists()


def test_the_daily_task_proposes_every_no_application_clause(clause, firms):
    grants_daily_task()
    grants_daily_task()

    assert _proposed(clause) == {"大企业": Decimal("30"), "刚好五十": Decimal("30")}


def test_confirming_a_proposal_approves_it_within_the_cap_and_tells_the_enterprise_once(clause, firms, zhou):
    user = enterprise_user(firms["big"], username="big", email="hr@big.example")
    clause_propose_grants(clause=clause)
    grant = PolicyGrant.objects.get(clause=clause, enterprise=firms["big"])

    with pytest.raises(DomainError, match="超过条款“人才安居补贴”的最高金额 30 万元"):
        grant_confirm_proposal(grant=grant, amount=Decimal("31"), actor=zhou)
    assert PolicyGrant.objects.get(pk=grant.pk).status == G.PROPOSED
    assert not Notification.objects.exists()

    grant = grant_confirm_proposal(grant=grant, amount=Decimal("25"), actor=zhou)

    grant.refresh_from_db()
    assert (grant.status, grant.approved_amount, grant.approved_on) == (G.APPROVED, Decimal("25"), timezone.localdate())
    with pytest.raises(DomainError, match="当前“已核准”，不能确认"):
        grant_confirm_proposal(grant=grant, amount=Decimal("25"), actor=zhou)
    told = Notification.objects.filter(rule=ReminderRule.Code.GRANT_CONFIRMED)
    assert sorted(told.values_list("recipient__username", "channel")) == [("big", "email"), ("big", "in_app")]
    subject = told.first().subject
    assert "人才安居补贴" in subject and "25 万元" in subject
    assert user.pk == told.first().recipient_id


def test_bulk_confirmation_approves_every_selected_proposal_at_its_amount_or_none(clause, firms, zhou):
    clause_propose_grants(clause=clause)
    proposals = list(PolicyGrant.objects.filter(clause=clause, status=G.PROPOSED).order_by("pk"))

    confirmed = grants_confirm_proposals(grants=proposals, actor=zhou)

    assert [g.status for g in confirmed] == [G.APPROVED, G.APPROVED]
    assert sorted(PolicyGrant.objects.filter(clause=clause).values_list("status", "approved_amount")) == [
        (G.APPROVED, Decimal("30")),
        (G.APPROVED, Decimal("30")),
    ]


def test_bulk_confirmation_refuses_all_when_one_has_no_amount(policy, firms, zhou):
    open_clause = PolicyClauseFactory(
        policy=policy, number=9, title="首台套奖励", benefit_kind="first_of_kind", amount_cap=None, no_application=True
    )
    criterion(open_clause, K.MIN_HEADCOUNT, number=Decimal("50"))
    clause_propose_grants(clause=open_clause)
    proposals = list(PolicyGrant.objects.filter(clause=open_clause))

    with pytest.raises(DomainError, match="没有预计金额"):
        grants_confirm_proposals(grants=proposals, actor=zhou)

    assert set(PolicyGrant.objects.filter(clause=open_clause).values_list("status", flat=True)) == {G.PROPOSED}


def test_a_proposal_is_dismissed_with_a_reason_and_not_proposed_again(clause, firms, zhou):
    clause_propose_grants(clause=clause)
    grant = PolicyGrant.objects.get(clause=clause, enterprise=firms["big"])

    with pytest.raises(DomainError, match="必须填写原因"):
        grant_dismiss_proposal(grant=grant, reason="  ", actor=zhou)
    assert PolicyGrant.objects.get(pk=grant.pk).status == G.PROPOSED

    grant_dismiss_proposal(grant=grant, reason="该企业已享受同类补贴", actor=zhou)
    clause_propose_grants(clause=clause)

    grant.refresh_from_db()
    assert (grant.status, grant.decision_note) == (G.DISMISSED, "该企业已享受同类补贴")
    assert _proposed(clause) == {"刚好五十": Decimal("30")}
    assert not Notification.objects.filter(rule=ReminderRule.Code.GRANT_CONFIRMED).exists()


def test_an_enterprise_user_may_not_confirm(clause, firms):
    clause_propose_grants(clause=clause)
    grant = PolicyGrant.objects.get(clause=clause, enterprise=firms["big"])
    user = enterprise_user(firms["big"], username="big")

    with pytest.raises(DomainError):
        grant_confirm_proposal(grant=grant, amount=Decimal("10"), actor=user)

    assert PolicyGrant.objects.get(pk=grant.pk).status == G.PROPOSED


def test_the_policy_report_counts_proposals_apart_from_applications(clause, firms, zhou):
    clause_propose_grants(clause=clause)
    policy_grant_record(
        clause=clause,
        enterprise=firms["small"],
        applied_amount=Decimal("10"),
        applied_on=timezone.localdate(),
        actor=zhou,
    )
    grant = PolicyGrant.objects.get(clause=clause, enterprise=firms["big"])
    grant_dismiss_proposal(grant=grant, reason="重复", actor=zhou)

    report = policy_report(filters=ReportFilters())

    (row,) = [c for c in report["clauses"] if c["clause_id"] == clause.pk]
    assert (row["grants"], row["applied_total"]) == (1, Decimal("10"))
    assert (row["proposed_count"], row["proposed_total"], row["dismissed_count"]) == (1, Decimal("30"), 1)
    assert (report["totals"]["proposed_count"], report["totals"]["proposed_total"]) == (1, Decimal("30"))


def test_the_admin_bulk_confirmation_shows_count_and_total_then_confirms(client, clause, firms, zhou):
    clause_propose_grants(clause=clause)
    ids = [str(pk) for pk in PolicyGrant.objects.filter(status=G.PROPOSED).values_list("pk", flat=True)]
    client.force_login(zhou)
    url = reverse("admin:parks_policygrant_changelist")

    page = client.post(url, {"action": "confirm_proposals", "_selected_action": ids})

    assert page.status_code == 200
    text = page.content.decode()
    assert "确认 2 条免申即享兑现" in text and "合计 60.00 万元" in text
    assert set(PolicyGrant.objects.values_list("status", flat=True)) == {G.PROPOSED}  # nothing yet

    done = client.post(url, {"action": "confirm_proposals", "_selected_action": ids, "confirm": "yes"})

    assert done.status_code == 302
    assert set(PolicyGrant.objects.values_list("status", flat=True)) == {G.APPROVED}


def test_the_proposal_page_shows_the_reasons(client, clause, firms, zhou):
    clause_propose_grants(clause=clause)
    grant = PolicyGrant.objects.get(clause=clause, enterprise=firms["edge"])
    client.force_login(zhou)

    page = client.get(reverse("admin:parks_policygrant_change", args=[grant.pk]))

    text = page.content.decode()
    assert page.status_code == 200 and "免申即享匹配依据" in text and "最低员工人数" in text and "符合" in text


def test_an_enterprise_user_never_sees_a_proposal_before_it_is_confirmed(client, clause, firms, zhou):
    from tests.api.support import api_client, results

    user = enterprise_user(firms["big"], username="big")
    clause_propose_grants(clause=clause)
    grant = PolicyGrant.objects.get(clause=clause, enterprise=firms["big"])

    assert results(api_client(user).get("/api/v1/grants/")) == []
    assert api_client(user).get(f"/api/v1/grants/{grant.pk}/").status_code == 404
    assert (
        api_client(zhou)
        .post(f"/api/v1/grants/{grant.pk}/approve/", {"amount": "10", "approved_on": "2026-01-01"}, format="json")
        .status_code
        == 409
    )  # a proposal is confirmed, not approved
    assert PolicyGrant.objects.get(pk=grant.pk).status == G.PROPOSED

    grant_confirm_proposal(grant=grant, amount=Decimal("20"), actor=zhou)

    assert [g["id"] for g in results(api_client(user).get("/api/v1/grants/"))] == [grant.pk]


def test_the_daily_match_hands_the_proposals_over_to_their_task_but_not_in_a_dry_run(
    clause, firms, monkeypatch, django_capture_on_commit_callbacks
):
    from crm.notifications.sweep import reminders_sweep

    handed = []
    monkeypatch.setattr(grants_daily_task, "apply_async", lambda **kwargs: handed.append(kwargs))
    ReminderRule.objects.filter(code=ReminderRule.Code.POLICY_ELIGIBLE).update(last_swept_at=None)

    with django_capture_on_commit_callbacks(execute=True):
        reminders_sweep(now=timezone.now(), dry_run=True)
    assert handed == []
    with django_capture_on_commit_callbacks(execute=True):
        reminders_sweep(now=timezone.now())
    assert handed == [{"retry": False}]
    with django_capture_on_commit_callbacks(execute=True):
        reminders_sweep(now=timezone.now() + dt.timedelta(minutes=5))  # the match runs once a day
    assert handed == [{"retry": False}]


def test_the_clause_admin_proposes_now(client, clause, firms, zhou):
    client.force_login(zhou)

    client.post(
        reverse("admin:parks_policyclause_changelist"),
        {"action": "propose_grants", "_selected_action": [str(clause.pk)]},
    )

    assert _proposed(clause) == {"大企业": Decimal("30"), "刚好五十": Decimal("30")}
    assert {h.history_user_id for h in PolicyGrant.history.all()} == {zhou.pk}
