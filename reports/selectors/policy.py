"""The policy page (政策兑现): applications, approved and disbursed money per policy and clause."""

import datetime as dt

from django.db.models import Count, Q, Sum
from django.utils import timezone

from parks.models import PolicyClause, PolicyGrant
from reports.selectors.common import ZERO, ReportFilters, date_range, money, percent


def policy_report(*, filters: ReportFilters, now: dt.datetime | None = None) -> dict:
    """The policy page (政策兑现): money applied for, approved and disbursed per policy and clause; 1 query.

    Every clause is listed, with zeros where nothing matched. Approved money counts grants approved or
    disbursed (已核准/已拨付); disbursement rate = disbursed / approved.
    """
    now = now or timezone.now()
    grant = Q()
    if filters.park is not None:
        grant &= Q(grants__enterprise__park=filters.park)
    if filters.chain:
        grant &= Q(grants__enterprise__industry_chain=filters.chain)
    if filters.owner is not None:
        grant &= Q(grants__project__owner=filters.owner)
    applied = grant & date_range("grants__applied_on", filters.start, filters.end)
    approved = (
        grant
        & Q(grants__status__in=[PolicyGrant.Status.APPROVED, PolicyGrant.Status.DISBURSED])
        & date_range("grants__approved_on", filters.start, filters.end)
    )
    disbursed = grant & date_range("grants__disbursed_on", filters.start, filters.end)
    rows = (
        PolicyClause.objects.values("id", "number", "title", "policy_id", "policy__name", "policy__short_name")
        .annotate(
            grants_count=Count("grants", filter=applied),
            applied=Sum("grants__applied_amount", filter=applied),
            approved_count=Count("grants", filter=approved),
            approved=Sum("grants__approved_amount", filter=approved),
            disbursed_count=Count("grants", filter=disbursed & Q(grants__disbursed_amount__isnull=False)),
            disbursed=Sum("grants__disbursed_amount", filter=disbursed),
        )
        .order_by("policy_id", "number", "id")
    )
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
        }
        for row in rows
    ]
    policies: dict[int, dict] = {}
    for clause in clauses:
        policy = policies.setdefault(clause["policy_id"], {
            "policy_id": clause["policy_id"], "policy": clause["policy"], "clauses": 0, "grants": 0,
            "applied_total": ZERO, "approved_count": 0, "approved_total": ZERO, "disbursed_count": 0,
            "disbursed_total": ZERO,
        })
        policy["clauses"] += 1
        for key in ("grants", "applied_total", "approved_count", "approved_total", "disbursed_count", "disbursed_total"):
            policy[key] += clause[key]
    for policy in policies.values():
        policy["disbursement_rate"] = percent(policy["disbursed_total"], policy["approved_total"])
    totals = {
        key: sum((p[key] for p in policies.values()), ZERO if key.endswith("_total") else 0)
        for key in ("grants", "applied_total", "approved_count", "approved_total", "disbursed_count", "disbursed_total")
    }
    totals["disbursement_rate"] = percent(totals["disbursed_total"], totals["approved_total"])
    return {"as_of": now, "policies": list(policies.values()), "clauses": clauses, "totals": totals}
