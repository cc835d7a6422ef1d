"""The policy page (政策兑现): applications, approved and disbursed money per policy and clause; the 免申即享
proposals apart; the instalments held, released and the clawbacks owed (双兑现)."""

import datetime as dt

from django.db.models import Count, Q, Sum
from django.utils import timezone

from crm.models import AnnualCommitment
from parks.instalments import I, grant_standing
from parks.models import GrantInstalment, PolicyClause, PolicyGrant
from reports.selectors.common import ZERO, ReportFilters, date_range, money, percent

G = PolicyGrant.Status
# Figures summed per clause, per policy and in total (counts, then money in 万元).
FIGURES = ("grants", "applied_total", "approved_count", "approved_total", "disbursed_count", "disbursed_total",
           "proposed_count", "proposed_total", "dismissed_count", "held_total", "released_total", "clawback_total")


def _instalment_standings(grants, today: dt.date):
    """Each instalment of ``grants`` with its status by the one rule (``parks.instalments``) on ``today``, and each
    grant's clawback: (instalments [(instalment, status)], {grant: clawback}). 2 queries: the instalments with
    their grants, the commitments of their projects."""
    instalments = list(
        GrantInstalment.objects.filter(grant__in=grants.values("pk")).select_related("grant").order_by("grant_id", "sequence")
    )
    commitments: dict[int, dict[int, AnnualCommitment]] = {}
    for commitment in AnnualCommitment.objects.filter(
        project__grants__in=grants.filter(instalments__isnull=False).values("pk")
    ).distinct():
        commitments.setdefault(commitment.project_id, {})[commitment.year] = commitment
    by_grant: dict[int, list[GrantInstalment]] = {}
    for instalment in instalments:
        by_grant.setdefault(instalment.grant_id, []).append(instalment)
    statuses, clawbacks = [], {}
    for rows in by_grant.values():
        grant = rows[0].grant
        standing = grant_standing(rows, commitments.get(grant.project_id, {}), today=today)
        statuses += [(instalment, status) for instalment, status, _year in standing.instalments]
        clawbacks[grant] = standing.clawback
    return statuses, clawbacks


# The instalment figures: the statuses each sums the instalments of.
INSTALMENT_FIGURES = {"held_total": I.HELD, "released_total": I.RELEASED}


def _instalment_figures(grants, today: dt.date) -> dict[int, dict]:
    """clause id → the money of its instalments on ``today``: 暂缓拨付 (held), 可拨付 (released) and 应追回
    (clawback)."""
    statuses, clawbacks = _instalment_standings(grants, today)
    figures: dict[int, dict] = {}

    def of(clause_id):
        return figures.setdefault(clause_id, {"held_total": ZERO, "released_total": ZERO, "clawback_total": ZERO})

    for instalment, status in statuses:
        for name, counted in INSTALMENT_FIGURES.items():
            if status == counted:
                of(instalment.grant.clause_id)[name] += instalment.amount
    for grant, clawback in clawbacks.items():
        of(grant.clause_id)["clawback_total"] += clawback
    return figures


def _own(filters: ReportFilters, prefix: str = "") -> Q:
    """The page's filters on a grant: the enterprise's park and chain, the owner of its project."""
    own = {}
    if filters.park is not None:
        own["enterprise__park"] = filters.park
    if filters.chain:
        own["enterprise__industry_chain"] = filters.chain
    if filters.owner is not None:
        own["project__owner"] = filters.owner
    return Q(**{f"{prefix}{name}": value for name, value in own.items()})


def grant_conditions(filters: ReportFilters, prefix: str = "") -> dict[str, Q]:
    """The one reading of each grant figure: the condition a grant meets to be counted (or summed) in it, with its
    lookups under ``prefix`` (``"grants__"`` when the clauses aggregate their grants, ``""`` on the grants).

    申请 ``applied``: applied for in the period (a confirmed 免申即享 proposal keeps its reasons and was never applied
    for); 核准 ``approved``: approved or disbursed, approved in the period; 拨付 ``disbursed``: disbursed in the
    period; 免申即享 ``proposed`` / ``dismissed``: by the proposal date."""

    def q(**lookups) -> Q:
        return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})

    own = _own(filters, prefix)
    proposal_date = date_range(f"{prefix}applied_on", filters.start, filters.end)
    return {
        "applied": own & q(status__in=[G.APPLIED, G.APPROVED, G.DISBURSED, G.REJECTED], proposal_reasons__isnull=True)
        & proposal_date,
        "approved": own & q(status__in=[G.APPROVED, G.DISBURSED])
        & date_range(f"{prefix}approved_on", filters.start, filters.end),
        "disbursed": own & q(disbursed_amount__isnull=False) & date_range(f"{prefix}disbursed_on", filters.start, filters.end),
        "proposed": own & q(status=G.PROPOSED) & proposal_date,
        "dismissed": own & q(status=G.DISMISSED) & proposal_date,
    }


def policy_report(*, filters: ReportFilters, now: dt.datetime | None = None) -> dict:
    """The policy page (政策兑现): money applied for, approved and disbursed per policy and clause; 3 queries (the
    clauses with their sums, then the instalments and their projects' commitments).

    Every clause is listed, with zeros where nothing matched. Applications (申请) are the grants applied for —
    not the 免申即享 proposals, counted apart: 待确认 (proposed, with the proposed money) and 不予推送 (dismissed),
    by the proposal date. Approved money counts grants approved or disbursed (已核准/已拨付), a confirmed
    proposal included; disbursement rate = disbursed / approved. The instalments (双兑现) are their standing
    today, whatever the period: 暂缓拨付, 可拨付 and 应追回 (``parks.instalments``).
    """
    now = now or timezone.now()
    conditions = grant_conditions(filters, "grants__")
    applied, approved, disbursed = conditions["applied"], conditions["approved"], conditions["disbursed"]
    proposed, dismissed = conditions["proposed"], conditions["dismissed"]
    rows = (
        PolicyClause.objects.values("id", "number", "title", "policy_id", "policy__name", "policy__short_name")
        .annotate(
            grants_count=Count("grants", filter=applied),
            applied=Sum("grants__applied_amount", filter=applied),
            approved_count=Count("grants", filter=approved),
            approved=Sum("grants__approved_amount", filter=approved),
            disbursed_count=Count("grants", filter=disbursed),
            disbursed=Sum("grants__disbursed_amount", filter=disbursed),
            proposed_count=Count("grants", filter=proposed),
            proposed=Sum("grants__applied_amount", filter=proposed),
            dismissed_count=Count("grants", filter=dismissed),
        )
        .order_by("policy_id", "number", "id")
    )
    instalments = _instalment_figures(PolicyGrant.objects.filter(_own(filters)), timezone.localdate(now))
    none = {"held_total": ZERO, "released_total": ZERO, "clawback_total": ZERO}
    clauses = [
        {
            "policy_id": row["policy_id"],
            "policy": row["policy__short_name"] or row["policy__name"],
            "clause_id": row["id"],
            "number": row["number"],
            "title": row["title"],
            "grants": row["grants_count"],
            "applied_total": money(row["applied"]),
            "approved_count": row["approved_count"],
            "approved_total": money(row["approved"]),
            "disbursed_count": row["disbursed_count"],
            "disbursed_total": money(row["disbursed"]),
            "disbursement_rate": percent(money(row["disbursed"]), money(row["approved"])),
            "proposed_count": row["proposed_count"],
            "proposed_total": money(row["proposed"]),
            "dismissed_count": row["dismissed_count"],
            **instalments.get(row["id"], none),
        }
        for row in rows
    ]
    policies: dict[int, dict] = {}
    for clause in clauses:
        policy = policies.setdefault(clause["policy_id"], {
            "policy_id": clause["policy_id"], "policy": clause["policy"], "clauses": 0,
            **{key: ZERO if key.endswith("_total") else 0 for key in FIGURES},
        })
        policy["clauses"] += 1
        for key in FIGURES:
            policy[key] += clause[key]
    for policy in policies.values():
        policy["disbursement_rate"] = percent(policy["disbursed_total"], policy["approved_total"])
    totals = {
        key: sum((p[key] for p in policies.values()), ZERO if key.endswith("_total") else 0)
        for key in FIGURES
    }
    totals["disbursement_rate"] = percent(totals["disbursed_total"], totals["approved_total"])
    # ``filters``: what the layout's drill-down links carry (reports.drill.link).
    return {"as_of": now, "policies": list(policies.values()), "clauses": clauses, "totals": totals, "filters": filters}
