"""免申即享: a clause marked ``no_application`` is granted without an application.

``clause_propose_grants`` matches every enterprise against the clause (the matcher of ``parks.matching``) and
writes, for each eligible one without a grant of the clause, a ``PolicyGrant`` 待确认 (proposed) with the
verdict's reasons stored as its audit trail (``proposal_reasons``) and an estimated amount. An officer then
confirms it (``grant_confirm_proposal``, one or in bulk: → 已核准, the cap checked as any approval, the
enterprise told) or dismisses it with a reason (``grant_dismiss_proposal``: → 不予推送). A dismissed proposal is
a grant of the clause: the enterprise is not proposed again.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.models import Enterprise, User
from crm.roles import Work, require_role

from ..matching import ELIGIBLE, VERDICT_LABELS, ClauseMatch, Matcher, without_cycle_collector
from ..models import PolicyClause, PolicyGrant
from ..notify import notify_grant_confirmed
from ..selectors.policies import CHUNK, clauses_in_force, enterprises_policy_matches, park_tree
from .grants import _illegal, _locked, _not_future, _save, approval_amount_check

G = PolicyGrant.Status
ZERO = Decimal("0")


def clause_estimate(*, clause: PolicyClause, match: ClauseMatch, enterprise_id: int) -> Decimal | None:
    """预计可享: the clause's amount rule applied to the enterprise, or None when the clause has no rule.

    The clause's amount rule (``parks.estimates``, read through ``ClauseMatch.estimate`` — the same 预计可享 the
    admin, the portal and the API show); None when the clause has no rule or a fact it needs is missing, and the
    proposal is then made at the clause's cap (or 0 without a cap)."""
    estimate = match.estimate
    return estimate.amount if estimate is not None else None


def proposal_amount(*, clause: PolicyClause, match: ClauseMatch, enterprise_id: int) -> tuple[Decimal, str]:
    """The proposed amount and its basis: ``estimate`` (the amount rule), ``cap`` (最高金额) or ``none`` (0)."""
    estimate = clause_estimate(clause=clause, match=match, enterprise_id=enterprise_id)
    if estimate is not None:
        if clause.amount_cap is not None:
            estimate = min(estimate, clause.amount_cap)
        return estimate, "estimate"
    if clause.amount_cap is not None:
        return clause.amount_cap, "cap"
    return ZERO, "none"


def proposal_reasons(match: ClauseMatch, *, on: dt.date, basis: str) -> dict:
    """The audit trail of a proposal: the verdict and each criterion's outcome with the compared figures, as text."""
    return {
        "as_of": on.isoformat(),
        "verdict": match.verdict,
        "verdict_label": str(VERDICT_LABELS[match.verdict]),
        "summary": match.summary,
        "amount_basis": basis,
        "criteria": [
            {
                "kind": c.kind,
                "kind_label": str(c.kind_label),
                "requirement": str(c.requirement),
                "outcome": c.outcome,
                "outcome_label": c.outcome_label,
                "reason": str(c.reason),
            }
            for c in match.criteria
        ],
    }


@transaction.atomic
def clause_propose_grants(
    *, clause: PolicyClause, actor: User | None = None, today: dt.date | None = None
) -> list[PolicyGrant]:
    """Propose a grant (待确认) of a 免申即享 clause to every eligible enterprise that has no grant of it.

    Idempotent: the clause row is locked while it runs (two runs wait for each other), an enterprise with any
    grant of the clause — proposed, applied, approved, refused or dismissed — is skipped, and the database allows
    one proposal per enterprise and clause. Nothing happens for a clause not marked 免申即享 or not in force.
    ``actor`` is None for the daily task; an officer starting it by hand is recorded in the history.
    """
    if actor is not None:
        require_role(actor, Work.GRANTS)
    today = today or timezone.localdate()
    clause = PolicyClause.objects.select_for_update().get(pk=clause.pk)
    if not clause.no_application:
        return []
    in_force = [c for c in clauses_in_force(today=today) if c.pk == clause.pk]
    if not in_force:
        return []
    matcher = Matcher(in_force, park_tree(), today)
    taken = PolicyGrant.objects.filter(clause=clause).values("enterprise_id")
    ids = list(Enterprise.objects.exclude(pk__in=taken).order_by("pk").values_list("pk", flat=True))
    created = []
    with without_cycle_collector():
        for start in range(0, len(ids), CHUNK):
            chunk = Enterprise.objects.filter(pk__in=ids[start : start + CHUNK])
            for enterprise_id, matches in enterprises_policy_matches(
                enterprises=chunk, today=today, matcher=matcher
            ).items():
                match = matches[0]
                if match.verdict != ELIGIBLE:
                    continue
                amount, basis = proposal_amount(clause=clause, match=match, enterprise_id=enterprise_id)
                grant = PolicyGrant(
                    clause=clause,
                    enterprise_id=enterprise_id,
                    status=G.PROPOSED,
                    applied_amount=amount,
                    applied_on=today,
                    proposal_reasons=proposal_reasons(match, on=today, basis=basis),
                )
                grant._history_user = actor
                grant._change_reason = "免申即享推送"
                grant.save()
                created.append(grant)
    return created


def clauses_propose_grants(*, today: dt.date | None = None) -> int:
    """Every 免申即享 clause's proposals (the daily task); the number of grants proposed."""
    today = today or timezone.localdate()
    total = 0
    for clause in PolicyClause.objects.filter(no_application=True).order_by("pk"):
        total += len(clause_propose_grants(clause=clause, today=today))
    return total


@transaction.atomic
def grant_confirm_proposal(
    *, grant: PolicyGrant, amount: Decimal, actor: User, on: dt.date | None = None
) -> PolicyGrant:
    """确认免申即享: a proposal becomes 已核准 with ``amount`` 万元 (positive, within the clause's 最高金额, as any
    approval); the enterprise is told (in-app, e-mail if the rule says so)."""
    require_role(actor, Work.GRANTS)
    grant = _locked(grant)
    if grant.status != G.PROPOSED:
        raise _illegal(grant, _("确认"))
    approval_amount_check(grant=grant, amount=amount)
    on = _not_future(on or timezone.localdate(), "approved_on", _("核准日期"))
    if on < grant.applied_on:
        raise DomainError(_("核准日期不能早于推送日期 %(day)s。") % {"day": grant.applied_on}, field="approved_on")
    grant.status = G.APPROVED
    grant.approved_amount = amount
    grant.approved_on = on
    _save(grant, actor=actor, fields=["status", "approved_amount", "approved_on"], reason="免申即享确认")
    notify_grant_confirmed(grant=grant, actor=actor)
    return grant


def proposals_total(grants: Iterable[PolicyGrant]) -> tuple[int, Decimal]:
    """(count, total proposed amount) of the proposals among ``grants`` — the bulk confirmation's page."""
    rows = [g for g in grants if g.status == G.PROPOSED]
    return len(rows), sum((g.applied_amount for g in rows), ZERO)


@transaction.atomic
def grants_confirm_proposals(*, grants: Iterable[PolicyGrant], actor: User) -> list[PolicyGrant]:
    """Bulk confirmation: every proposal at its proposed amount — all or none (a proposal of 0 万元, without an
    estimate or a cap, needs an amount and is confirmed on its own page)."""
    require_role(actor, Work.GRANTS)
    grants = list(grants)
    if not grants:
        raise DomainError(_("请至少选择一条待确认的兑现记录。"))
    confirmed = []
    for grant in grants:
        if grant.status != G.PROPOSED:
            raise _illegal(grant, _("确认"))
        if grant.applied_amount <= 0:
            raise DomainError(
                _("“%(grant)s”没有预计金额，请在其页面填写金额后单独确认。") % {"grant": grant}, field="approved_amount"
            )
        confirmed.append(grant_confirm_proposal(grant=grant, amount=grant.applied_amount, actor=actor))
    return confirmed


@transaction.atomic
def grant_dismiss_proposal(*, grant: PolicyGrant, reason: str, actor: User) -> PolicyGrant:
    """不予推送: dismiss a proposal with the reason (kept on the grant; the enterprise is not proposed it again)."""
    require_role(actor, Work.GRANTS)
    grant = _locked(grant)
    if grant.status != G.PROPOSED:
        raise _illegal(grant, _("不予推送"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("不予推送必须填写原因。"), field="decision_note")
    grant.status = G.DISMISSED
    grant.decision_note = reason
    return _save(grant, actor=actor, fields=["status", "decision_note"], reason="不予推送")


__all__ = [
    "clause_propose_grants",
    "clauses_propose_grants",
    "grant_confirm_proposal",
    "grant_dismiss_proposal",
    "grants_confirm_proposals",
    "proposal_amount",
    "proposals_total",
]
