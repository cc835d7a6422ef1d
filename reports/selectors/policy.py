"""The policy page (政策兑现): applications, approved and disbursed money per policy and clause; the 免申即享
proposals apart; the instalments held, released and the clawbacks owed (双兑现)."""

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from crm.models import AnnualCommitment
from parks.instalments import I, grant_standing
from parks.models import GrantInstalment, PolicyClause, PolicyGrant
from reports.drill import register
from reports.selectors.common import ZERO, ReportFilters, date_range, money, percent
from reports.selectors.params import choice, optional_id

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


# -- drill-down: the grants (and instalments) behind each figure, by the same conditions -------------------------------


def _grant_link(grant: PolicyGrant):
    from reports.tables import Linked  # reports.tables is imported after the selectors

    return Linked(f"#{grant.pk}", reverse("admin:parks_policygrant_change", args=[grant.pk]))


GRANT_COLUMNS = (
    (gettext_lazy("编号"), _grant_link),
    (gettext_lazy("企业"), "enterprise"),
    (gettext_lazy("政策"), "clause.policy"),
    (gettext_lazy("条款"), "clause"),
    (gettext_lazy("状态"), "status"),
    (gettext_lazy("申请日期"), "applied_on"),
    (gettext_lazy("申请金额（万元）"), "applied_amount"),
    (gettext_lazy("核准金额（万元）"), "approved_amount"),
    (gettext_lazy("拨付金额（万元）"), "disbursed_amount"),
)
# figure key → (the grants it counts, the amount its sum adds, title)
GRANT_FIGURES = {
    "grants": ("applied", "", gettext_lazy("政策兑现申请")),
    "applied_total": ("applied", "applied_amount", gettext_lazy("政策兑现申请（申请金额）")),
    "approved_count": ("approved", "", gettext_lazy("核准的政策兑现")),
    "approved_total": ("approved", "approved_amount", gettext_lazy("核准的政策兑现（核准金额）")),
    "disbursed_count": ("disbursed", "", gettext_lazy("拨付的政策兑现")),
    "disbursed_total": ("disbursed", "disbursed_amount", gettext_lazy("拨付的政策兑现（拨付金额）")),
    "proposed_count": ("proposed", "", gettext_lazy("免申即享待确认")),
    "proposed_total": ("proposed", "applied_amount", gettext_lazy("免申即享待确认（金额）")),
    "dismissed_count": ("dismissed", "", gettext_lazy("免申即享不予推送")),
}


def _of_clause(rows: QuerySet, params: dict, path: str = "") -> QuerySet:
    """Of one ``clause`` or one ``policy`` when given (the rows of a table row), else of every clause (the total)."""
    clause, policy = optional_id(params, "clause"), optional_id(params, "policy")
    if clause is not None:
        rows = rows.filter(**{f"{path}clause_id": clause})
    if policy is not None:
        rows = rows.filter(**{f"{path}clause__policy_id": policy})
    return rows


def _grant_rows(condition: str):
    def rows(filters: ReportFilters, params: dict) -> QuerySet[PolicyGrant]:
        grants = PolicyGrant.objects.filter(grant_conditions(filters)[condition])
        return _of_clause(grants, params).select_related("enterprise", "clause__policy").order_by("applied_on", "id")

    return rows


for _key, (_condition, _sum_field, _title) in GRANT_FIGURES.items():
    register(f"policies.{_key}", title=_title, page="policies", sum_field=_sum_field, columns=GRANT_COLUMNS)(
        _grant_rows(_condition)
    )


@register("policies.instalments", title=gettext_lazy("分期兑现（按当前状态）"), page="policies", sum_field="amount",
          columns=(
              (gettext_lazy("政策兑现"), lambda instalment: _grant_link(instalment.grant)),
              (gettext_lazy("企业"), "grant.enterprise"),
              (gettext_lazy("条款"), "grant.clause"),
              (gettext_lazy("期次"), "sequence"),
              (gettext_lazy("承诺年度"), "commitment_year"),
              (gettext_lazy("本期金额（万元）"), "amount"),
          ))
def instalment_rows(filters: ReportFilters, params: dict) -> QuerySet[GrantInstalment]:
    """The instalments whose standing today is that of ``figure`` (held_total: 暂缓拨付, released_total: 可拨付), by
    the same rule and the same grants as the page's figure."""
    counted = INSTALMENT_FIGURES[choice(params, "figure", INSTALMENT_FIGURES)]
    grants = _of_clause(PolicyGrant.objects.filter(_own(filters)), params)
    statuses, _clawbacks = _instalment_standings(grants, timezone.localdate())
    return (
        GrantInstalment.objects.filter(pk__in=[instalment.pk for instalment, status in statuses if status == counted])
        .select_related("grant__enterprise", "grant__clause__policy")
        .order_by("grant_id", "sequence")
    )
