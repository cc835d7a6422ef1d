"""Policies, their matches for projects and enterprises, and policy money (政策兑现).

Matches are computed live from the records — change a project's fixed-asset investment and its
matches change on the next read. The batch (:func:`enterprises_policy_matches`) matches many
enterprises at once in six queries; the daily job (the ``policy_eligible`` reminder rule) reads them
1,000 at a time (:func:`enterprises_policy_matches_in_chunks`).
"""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import NamedTuple

from django.db.models import F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.figures.selectors import confirmed_figures
from crm.models import PIPELINE, Enterprise, Project, Stage

from ..estimates import monthly_rent
from ..matching import (
    NO_FIGURES,
    Amount,
    ClauseMatch,
    Facts,
    Matcher,
    ParkTree,
    YearFigures,
    without_cycle_collector,
)
from ..models import EligibilityCriterion, Park, Policy, PolicyApplication, PolicyClause, PolicyGrant, Space
from ..mu import _indicators as mu_indicators  # the 亩均 method's formulas: 研发经费占比, 亩均税收 (one reading)
from ..mu import _round as mu_round
from ..mu import active_method, mu_evaluate

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


def clauses_in_force(*, today: dt.date, ids=None) -> list[PolicyClause]:
    """The clauses of published policies valid on ``today`` (policy and clause windows both), only ``ids`` if
    given: 2 queries."""
    clauses = PolicyClause.objects.filter(pk__in=ids) if ids is not None else PolicyClause.objects.all()
    return list(
        clauses.filter(policy__is_published=True)
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


def rented_spaces(enterprise_ids: list[int]) -> dict[int, tuple[Decimal, Decimal]]:
    """Enterprise id → (m² it rents in the park, their monthly rent in 元), over its 已入驻 spaces: 1 query."""
    rows = (
        Space.objects.filter(occupant_id__in=enterprise_ids, status=Space.Status.OCCUPIED)
        .order_by()
        .values("occupant_id")
        .annotate(area=Sum("area_m2"), rent_per_day=Sum(F("area_m2") * F("rent_per_m2_day")))
    )
    return {row["occupant_id"]: (row["area"], monthly_rent(row["rent_per_day"] or ZERO)) for row in rows}


def year_figures(enterprise_ids: list[int], *, classes: bool = True) -> dict[int, YearFigures]:
    """Enterprise id → the figures of its latest confirmed year (``confirmed_figures``, the one reading), its
    研发经费占比 and 亩均税收 by the 亩均 method's own formulas (``parks.mu``), and — when ``classes`` — that
    year's 亩均 class (``mu_evaluate``). Enterprises without any confirmed row are absent (``NO_FIGURES``).

    1 query; with ``classes`` and figures confirmed, 1 for the active 亩均 method and 1 per distinct year among
    them (that year's figures of every enterprise: the park averages need them) — never per enterprise.
    """
    confirmed = confirmed_figures(enterprise_ids)
    if not confirmed:
        return {}
    evaluated = {}
    if classes and (method := active_method()) is not None:
        by_year: dict[int, list[int]] = {}
        for figures in confirmed.values():
            by_year.setdefault(figures.year, []).append(figures.enterprise_id)
        for year, ids in by_year.items():
            evaluated.update(mu_evaluate(ids, year, method=method))
    result = {}
    for pk, figures in confirmed.items():
        mu = evaluated.get(pk)
        indicators = mu_indicators(figures)
        result[pk] = YearFigures(
            year=figures.year, revenue=figures.revenue, tax=figures.tax, rd_expense=figures.rd_expense,
            industrial_output=figures.industrial_output, value_added=figures.value_added, financing=figures.financing,
            rd_ratio=mu_round(indicators["rd_ratio"]), tax_per_mu=mu_round(indicators["tax_per_mu"]),
            mu_class=mu.klass if mu else None, mu_below_min_land=mu.below_min_land if mu else False,
            mu_note=" ".join(mu.reasons).rstrip("。") if mu and mu.klass is None else "",
        )
    return result


_FIGURE_KINDS = frozenset(EligibilityCriterion.FIGURE_KINDS)
_FIGURE_RULES = frozenset({PolicyClause.AmountRule.SHARE_OF_FIGURE})
_SPACE_RULES = frozenset({PolicyClause.AmountRule.PER_SQM, PolicyClause.AmountRule.PER_MONTH_RENT})


def year_context(enterprise_ids: list[int], matcher: Matcher) -> "YearContext":
    """What the matcher's clauses read beyond the records themselves, and only that: the yearly figures if a
    criterion or an amount rule reads them (with the 亩均 classes if a 亩均类别 criterion does), the rented
    space if an amount rule does. 0 queries for clauses that read none of them (the 8 older kinds)."""
    figures, spaces = {}, {}
    if not _FIGURE_KINDS.isdisjoint(matcher.kinds) or not _FIGURE_RULES.isdisjoint(matcher.amount_rules):
        figures = year_figures(enterprise_ids, classes=EligibilityCriterion.Kind.MU_CLASS_IN in matcher.kinds)
    if not _SPACE_RULES.isdisjoint(matcher.amount_rules):
        spaces = rented_spaces(enterprise_ids)
    return YearContext(figures, spaces)


class YearContext(NamedTuple):
    """What the batch reads beside the enterprises' own rows (``year_context``), loaded once for a whole daily
    run: their yearly figures with the 亩均 evaluation, and the space they rent."""

    figures: dict[int, YearFigures]
    spaces: dict[int, tuple[Decimal, Decimal]]


def _qualifications(enterprise) -> dict | None:
    """Kind → expiry of the enterprise's recorded qualifications (prefetched); None when none is recorded."""
    held = {q.kind: q.expires_on for q in enterprise.qualifications.all()}
    return held or None


def _positive(value) -> Decimal | None:
    # Amounts default to 0 on a new project: 0 means "not entered yet", not "zero yuan".
    return value if value else None


def project_facts(project: Project, figures: YearFigures = NO_FIGURES, space: tuple | None = None) -> Facts:
    """What matching knows of a project: its own figures and stage, its enterprise's qualifications and
    staff (or, without them, the planned headcount), its intended park (or the enterprise's), and its
    enterprise's yearly figures, 亩均 class and rented space."""
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
        figures=figures,
        rented_m2=space[0] if space else None,
        monthly_rent=space[1] if space else None,
    )


_RANK = {stage: i for i, stage in enumerate(PIPELINE)}


def enterprise_facts(
    enterprise: Enterprise, projects: list[dict], figures: YearFigures = NO_FIGURES, space: tuple | None = None
) -> Facts:
    """What matching knows of an enterprise: its own chain, qualifications, staff and park; for amounts and
    stage, its largest and furthest project not lost (named in the reason). An enterprise in the park is
    at least registered (注册落地) even without a project. Its latest confirmed yearly figures and 亩均
    class (``figures``) and the space it rents (``space``: m², monthly rent) as loaded for the batch."""
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
        figures=figures,
        rented_m2=space[0] if space else None,
        monthly_rent=space[1] if space else None,
    )


def project_policy_matches(*, project: Project, today: dt.date | None = None) -> list[ClauseMatch]:
    """Every clause in force, matched against the project as it is in the database now.

    5 queries: the project with its enterprise, the enterprise's qualifications, clauses, criteria, parks; and
    what the clauses read beyond them (``year_context``): its confirmed yearly figures (+1, and +2 for the 亩均
    class), the space it rents (+1).
    """
    today = today or timezone.localdate()
    project = Project.objects.select_related("enterprise").prefetch_related("enterprise__qualifications").get(pk=project.pk)
    matcher = policy_matcher(today=today)
    figures, spaces = year_context([project.enterprise_id], matcher)
    return matcher.match(
        project_facts(project, figures.get(project.enterprise_id, NO_FIGURES), spaces.get(project.enterprise_id))
    )


def enterprise_policy_matches(*, enterprise: Enterprise, today: dt.date | None = None) -> list[ClauseMatch]:
    """Every clause in force, matched against one enterprise (6 queries or more, as the batch)."""
    return enterprises_policy_matches(enterprises=Enterprise.objects.filter(pk=enterprise.pk), today=today).get(
        enterprise.pk, []
    )


def policy_matcher_for(*, clause_ids, today: dt.date) -> Matcher:
    """Only these clauses (those in force among them), prepared for matching many records: 3 queries."""
    return Matcher(clauses_in_force(today=today, ids=clause_ids), park_tree(), today)


def policy_matcher(*, today: dt.date) -> Matcher:
    """The clauses in force on ``today``, prepared for matching many records: 3 queries (clauses, criteria, parks)."""
    return Matcher(clauses_in_force(today=today), park_tree(), today)


def enterprises_policy_matches(
    *, enterprises: QuerySet[Enterprise] | None = None, today: dt.date | None = None, matcher: Matcher | None = None,
    context: YearContext | None = None,
) -> dict[int, list[ClauseMatch]]:
    """Match many enterprises (all of them by default) at once: enterprise id → its matches.

    6 queries whatever the number of enterprises: enterprises, their qualifications, their projects'
    figures, clauses, criteria, parks (3 fewer when a ``matcher`` is given); and what the clauses read beyond
    them, unless a ``context`` is given (``year_context``): the confirmed yearly figures (+1; +1 for the 亩均
    method and +1 per distinct latest year when a 亩均类别 criterion is in force), the rented space (+1).
    For the portal (a user of several enterprises) and the API; the daily job reads in chunks
    (``enterprises_policy_matches_in_chunks``).
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
    figures, spaces = context or year_context([enterprise.pk for enterprise in rows], matcher)
    with without_cycle_collector():
        return {
            enterprise.pk: matcher.match(enterprise_facts(
                enterprise, projects.get(enterprise.pk, []), figures.get(enterprise.pk, NO_FIGURES), spaces.get(enterprise.pk)
            ))
            for enterprise in rows
        }


CHUNK = 1000


def enterprises_policy_matches_in_chunks(
    *, enterprises: QuerySet[Enterprise] | None = None, today: dt.date | None = None, size: int = CHUNK,
    matcher: Matcher | None = None,
) -> Iterator[dict[int, list[ClauseMatch]]]:
    """The daily batch: the same matches, ``size`` enterprises at a time against one prepared matcher.

    1 + 3 queries (ids; clauses, criteria, parks), what the clauses read beyond the records for every
    enterprise at once (``year_context``: 0 to 4 or so), then 3 per chunk (enterprises, qualifications,
    projects); the memory of one chunk's
    matches (500,000 for 1,000 enterprises × 500 clauses) rather than of all of them, so the cost grows
    in proportion to the number of enterprises.
    """
    today = today or timezone.localdate()
    enterprises = enterprises if enterprises is not None else Enterprise.objects.all()
    ids = list(enterprises.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return
    matcher = matcher or policy_matcher(today=today)
    context = year_context(ids, matcher)
    for start in range(0, len(ids), size):
        chunk = Enterprise.objects.filter(pk__in=ids[start : start + size])
        yield enterprises_policy_matches(enterprises=chunk, today=today, matcher=matcher, context=context)


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



# ---------------------------------------------------------------------------------------------------
# Online applications (政策申报)
# ---------------------------------------------------------------------------------------------------


def policy_application_list(*, user) -> QuerySet[PolicyApplication]:
    """Staff see every application; an enterprise user only those of its own enterprises (another's is a 404).
    Newest first, with clause, policy, enterprise, request and grant: 1 query a page."""
    applications = PolicyApplication.objects.select_related(
        "clause__policy", "enterprise", "service_request", "grant", "figure"
    ).order_by("-submitted_at", "-id")
    if user.is_staff:
        return applications
    return applications.filter(enterprise__in=Enterprise.objects.visible_to(user).values("pk"))
