"""The drill-down lists of the policies page: each figure's rows, by the selector's own rules."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from parks.models import GrantInstalment, Policy, PolicyClause, PolicyGrant
from reports.drill import register
from reports.selectors import policy as selector
from reports.selectors.common import ReportFilters
from reports.selectors.params import choice, label_of, name_of, optional_id, titled
from reports.tables import Linked


def _grant_link(grant: PolicyGrant):
    return Linked(f"#{grant.pk}", reverse("admin:parks_policygrant_change", args=[grant.pk]))


INSTALMENT_LABELS = {"held_total": gettext_lazy("暂缓拨付"), "released_total": gettext_lazy("可拨付")}
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
        grants = PolicyGrant.objects.filter(selector.grant_conditions(filters)[condition])
        return _of_clause(grants, params).select_related("enterprise", "clause__policy").order_by("applied_on", "id")

    return rows


for _key, (_condition, _sum_field, _title) in GRANT_FIGURES.items():
    register(f"policies.{_key}", title=titled(_title, name_of("policy", Policy), name_of("clause", PolicyClause)),
             page="policies", sum_field=_sum_field, columns=GRANT_COLUMNS)(
        _grant_rows(_condition)
    )


@register("policies.instalments", title=titled(gettext_lazy("分期兑现"), label_of("figure", INSTALMENT_LABELS),
                                               name_of("policy", Policy), name_of("clause", PolicyClause)),
          page="policies", sum_field="amount",
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
    counted = selector.INSTALMENT_FIGURES[choice(params, "figure", selector.INSTALMENT_FIGURES)]
    grants = _of_clause(PolicyGrant.objects.filter(selector._own(filters)), params)
    statuses, _clawbacks = selector._instalment_standings(grants, timezone.localdate())
    return (
        GrantInstalment.objects.filter(pk__in=[instalment.pk for instalment, status in statuses if status == counted])
        .select_related("grant__enterprise", "grant__clause__policy")
        .order_by("grant_id", "sequence")
    )
