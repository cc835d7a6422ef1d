"""Policies, their matches for projects and enterprises, and policy money (政策兑现).

Matches are computed live from the records — change a project's fixed-asset investment and its
matches change on the next read. The batch (:func:`enterprises_policy_matches`) matches many
enterprises at once in six queries; the daily job (the ``policy_eligible`` reminder rule) reads them
1,000 at a time (:func:`enterprises_policy_matches_in_chunks`).
"""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import PIPELINE, Enterprise, Project, Stage

from ..matching import Amount, ClauseMatch, Facts, Matcher, ParkTree, match_clauses, without_cycle_collector
from ..models import EligibilityCriterion, Park, Policy, PolicyClause, PolicyGrant

ZERO = Decimal("0")


def _in_force(prefix: str, today: dt.date) -> Q:
    return (Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": today})) & (
        Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": today})
    )


def policy_list(*, user) -> QuerySet[Policy]:
    """Staff see every policy; anyone else the published ones only."""
    policies = Policy.objects.select_related("park").order_by("-issued_on", "name")
    return policies if user.is_staff else policies.filter(is_published=True)


def clause_list(*, user) -> QuerySet[PolicyClause]:
    """Clauses with their policy and criteria (3 queries for a page); published policies only for non-staff."""
    clauses = PolicyClause.objects.select_related("policy").prefetch_related(
        Prefetch("criteria", queryset=EligibilityCriterion.objects.select_related("park").order_by("id"))
    ).order_by("policy__name", "policy_id", "number")
    return clauses if user.is_staff else clauses.filter(policy__is_published=True)


def clauses_in_force(*, today: dt.date) -> list[PolicyClause]:
    """The clauses of published policies valid on ``today`` (policy and clause windows both): 2 queries."""
    return list(
        PolicyClause.objects.filter(policy__is_published=True)
        .filter(_in_force("policy__", today), _in_force("", today))
        .select_related("policy")
        .prefetch_related(Prefetch("criteria", queryset=EligibilityCriterion.objects.order_by("id")))
        .order_by("policy__name", "policy_id", "number")
    )


def park_tree() -> ParkTree:
    """Every park's parent and display name: 1 query (a park table has tens of rows)."""
    parents, names = {}, {}
    for pk, parent_id, short_name, name in Park.objects.values_list("id", "parent_id", "short_name", "name"):
        parents[pk] = parent_id
        names[pk] = short_name or name
    return ParkTree(parents=parents, names=names)


def _qualifications(enterprise) -> dict | None:
    """Kind → expiry of the enterprise's recorded qualifications (prefetched); None when none is recorded."""
    held = {q.kind: q.expires_on for q in enterprise.qualifications.all()}
    return held or None


def _positive(value) -> Decimal | None:
    # Amounts default to 0 on a new project: 0 means "not entered yet", not "zero yuan".
    return value if value else None


def project_facts(project: Project) -> Facts:
    """What matching knows of a project: its own figures and stage, its enterprise's qualifications and
    staff (or, without them, the planned headcount), its intended park (or the enterprise's)."""
    enterprise = project.enterprise
    if enterprise.headcount is not None:
        headcount, headcount_label = Amount(enterprise.headcount), _("员工人数")
    else:
        headcount, headcount_label = Amount(project.headcount_planned), _("计划用工人数")
    park_id, park_label = (project.park_id, _("拟落地园区")) if project.park_id else (enterprise.park_id, _("所在园区"))
    return Facts(
        industry_chain=project.industry_chain,
        qualifications=_qualifications(enterprise),
        total_investment=Amount(_positive(project.total_investment)),
        fixed_asset_investment=Amount(_positive(project.fixed_asset_investment)),
        headcount=headcount,
        headcount_label=headcount_label,
        rd_headcount=Amount(enterprise.rd_headcount),
        park_id=park_id,
        park_label=park_label,
        stage=project.stage,
    )


_RANK = {stage: i for i, stage in enumerate(PIPELINE)}


def enterprise_facts(enterprise: Enterprise, projects: list[dict]) -> Facts:
    """What matching knows of an enterprise: its own chain, qualifications, staff and park; for amounts and
    stage, its largest and furthest project not lost (named in the reason). An enterprise in the park is
    at least registered (注册落地) even without a project."""
    live = [p for p in projects if p["stage"] != Stage.LOST]
    total = max((p for p in live if p["total_investment"]), key=lambda p: p["total_investment"], default=None)
    fixed = max((p for p in live if p["fixed_asset_investment"]), key=lambda p: p["fixed_asset_investment"], default=None)
    in_pipeline = [p for p in live if p["stage"] in _RANK]
    furthest = max(in_pipeline, key=lambda p: _RANK[p["stage"]], default=None)
    stage, stage_note = None, _("尚无招商项目")
    if furthest is not None:
        stage, stage_note = furthest["stage"], _("项目：%(name)s") % {"name": furthest['name']}
    elif live:
        stage, stage_note = live[0]["stage"], _("项目：%(name)s") % {"name": live[0]['name']}
    if enterprise.status == Enterprise.Status.IN_PARK and (stage is None or _RANK.get(stage, -1) < _RANK[Stage.REGISTERED]):
        stage, stage_note = Stage.REGISTERED, _("在园企业，视为已注册落地")
    return Facts(
        industry_chain=enterprise.industry_chain,
        qualifications=_qualifications(enterprise),
        total_investment=Amount(total["total_investment"], _("项目：%(name)s") % {"name": total['name']}) if total else Amount(None),
        fixed_asset_investment=(
            Amount(fixed["fixed_asset_investment"], _("项目：%(name)s") % {"name": fixed['name']}) if fixed else Amount(None)
        ),
        headcount=Amount(enterprise.headcount),
        rd_headcount=Amount(enterprise.rd_headcount),
        park_id=enterprise.park_id,
        park_label=_("所在园区"),
        stage=stage,
        stage_note=stage_note,
    )


def project_policy_matches(*, project: Project, today: dt.date | None = None) -> list[ClauseMatch]:
    """Every clause in force, matched against the project as it is in the database now.

    5 queries: the project with its enterprise, the enterprise's qualifications, clauses, criteria, parks.
    """
    today = today or timezone.localdate()
    project = Project.objects.select_related("enterprise").prefetch_related("enterprise__qualifications").get(pk=project.pk)
    return match_clauses(clauses_in_force(today=today), project_facts(project), park_tree(), today)


def enterprise_policy_matches(*, enterprise: Enterprise, today: dt.date | None = None) -> list[ClauseMatch]:
    """Every clause in force, matched against one enterprise (6 queries, as the batch)."""
    return enterprises_policy_matches(enterprises=Enterprise.objects.filter(pk=enterprise.pk), today=today).get(
        enterprise.pk, []
    )


def policy_matcher(*, today: dt.date) -> Matcher:
    """The clauses in force on ``today``, prepared for matching many records: 3 queries (clauses, criteria, parks)."""
    return Matcher(clauses_in_force(today=today), park_tree(), today)


def enterprises_policy_matches(
    *, enterprises: QuerySet[Enterprise] | None = None, today: dt.date | None = None, matcher: Matcher | None = None
) -> dict[int, list[ClauseMatch]]:
    """Match many enterprises (all of them by default) at once: enterprise id → its matches.

    6 queries whatever the number of enterprises: enterprises, their qualifications, their projects'
    figures, clauses, criteria, parks (3 when a ``matcher`` is given). For the portal (a user of several
    enterprises) and the API; the daily job reads in chunks (``enterprises_policy_matches_in_chunks``).
    """
    today = today or timezone.localdate()
    enterprises = (enterprises if enterprises is not None else Enterprise.objects.all()).order_by("pk")
    rows = list(enterprises.prefetch_related("qualifications"))
    if not rows:
        return {}
    projects: dict[int, list[dict]] = {}
    for project in (
        Project.objects.filter(enterprise__in=enterprises.values("pk"))
        .order_by("pk")
        .values("enterprise_id", "name", "stage", "total_investment", "fixed_asset_investment")
    ):
        projects.setdefault(project["enterprise_id"], []).append(project)
    matcher = matcher or policy_matcher(today=today)
    with without_cycle_collector():
        return {
            enterprise.pk: matcher.match(enterprise_facts(enterprise, projects.get(enterprise.pk, []))) for enterprise in rows
        }


CHUNK = 1000


def enterprises_policy_matches_in_chunks(
    *, enterprises: QuerySet[Enterprise] | None = None, today: dt.date | None = None, size: int = CHUNK
) -> Iterator[dict[int, list[ClauseMatch]]]:
    """The daily batch: the same matches, ``size`` enterprises at a time against one prepared matcher.

    1 + 3 queries, then 3 per chunk (enterprises, qualifications, projects); the memory of one chunk's
    matches (500,000 for 1,000 enterprises × 500 clauses) rather than of all of them, so the cost grows
    in proportion to the number of enterprises.
    """
    today = today or timezone.localdate()
    enterprises = enterprises if enterprises is not None else Enterprise.objects.all()
    ids = list(enterprises.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return
    matcher = policy_matcher(today=today)
    for start in range(0, len(ids), size):
        chunk = Enterprise.objects.filter(pk__in=ids[start : start + size])
        yield enterprises_policy_matches(enterprises=chunk, today=today, matcher=matcher)


# ---------------------------------------------------------------------------------------------------
# Grants (政策兑现)
# ---------------------------------------------------------------------------------------------------


def policy_grant_list(*, user) -> QuerySet[PolicyGrant]:
    """Staff see every grant; an enterprise user only those of its own enterprises, and not the 免申即享 proposals an
    officer has not confirmed yet (待确认, 不予推送: the park's work, not yet news to the enterprise). Newest first,
    1 query a page."""
    grants = PolicyGrant.objects.select_related("clause__policy", "enterprise", "project").order_by("-applied_on", "-id")
    if user.is_staff:
        return grants
    return grants.filter(enterprise__in=Enterprise.objects.visible_to(user).values("pk")).exclude(
        status__in=[PolicyGrant.Status.PROPOSED, PolicyGrant.Status.DISMISSED]
    )

