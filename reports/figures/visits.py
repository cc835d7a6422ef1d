"""The drill-down lists of the visits page: each figure's rows, by the selector's own rules."""

import datetime as dt

from django.core.exceptions import BadRequest
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.models import Enterprise, User, VisitProblem
from reports.drill import register
from reports.selectors import visits as selector
from reports.selectors.common import ReportFilters
from reports.selectors.params import name_of, optional_id, titled


def _month_param(params: dict) -> dt.date | None:
    """``month`` as ``YYYY-MM`` (a month of the report), or ``None``."""
    value = params.get("month")
    if not value:
        return None
    try:
        return dt.date.fromisoformat(f"{value}-01")
    except ValueError:
        raise BadRequest(_("下钻参数 %(name)s 有误。") % {"name": "month"}) from None


def _of_officer(rows: QuerySet, params: dict, path: str) -> QuerySet:
    officer = optional_id(params, "officer")
    return rows if officer is None else rows.filter(**{f"{path}responsible_officer_id": officer})


_OFFICER = name_of("officer", User)
_MONTH = lambda params: params.get("month")  # noqa: E731 - "2024-10" as it is


ENTERPRISE_COLUMNS = (
    (gettext_lazy("企业"), "name"),
    (gettext_lazy("园区"), "park"),
    (gettext_lazy("包联干部"), "responsible_officer"),
)


@register("visits.in_charge", title=titled(gettext_lazy("包联企业"), _OFFICER, _MONTH), page="visits", columns=ENTERPRISE_COLUMNS)
def in_charge_rows(filters: ReportFilters, params: dict) -> QuerySet[Enterprise]:
    """The enterprises in charge (of one ``officer`` when given)."""
    return _of_officer(selector.in_charge(filters), params, "").select_related("park", "responsible_officer").order_by("name", "id")


@register("visits.visited", title=titled(gettext_lazy("已走访的包联企业"), _OFFICER, _MONTH), page="visits", columns=ENTERPRISE_COLUMNS)
def visited_rows(filters: ReportFilters, params: dict) -> QuerySet[Enterprise]:
    """The enterprises in charge visited at least once in the report's months (in ``month`` when given)."""
    start, end = selector.report_span(filters, timezone.localdate(), _month_param(params))
    visited = selector.in_charge(filters).filter(pk__in=selector.visits_of(filters, start, end).values("enterprise_id"))
    return _of_officer(visited, params, "").select_related("park", "responsible_officer").order_by("name", "id")


PROBLEM_COLUMNS = (
    (gettext_lazy("企业"), "visit.enterprise"),
    (gettext_lazy("走访日期"), "visit.visited_on"),
    (gettext_lazy("问题"), lambda problem: Truncator(problem.description).chars(60)),
    (gettext_lazy("对应诉求状态"), "service_request.status"),
)


def _problem_rows(solved: bool):
    def rows(filters: ReportFilters, params: dict) -> QuerySet[VisitProblem]:
        start, end = selector.report_span(filters, timezone.localdate(), _month_param(params))
        problems = _of_officer(selector.problems_of(filters, start, end), params, "visit__enterprise__")
        if solved:
            problems = problems.filter(selector.SOLVED)
        return problems.select_related("visit__enterprise", "service_request").order_by("visit__visited_on", "id")

    return rows


register("visits.problems_raised", title=titled(gettext_lazy("走访反映问题"), _OFFICER, _MONTH), page="visits", columns=PROBLEM_COLUMNS)(
    _problem_rows(solved=False)
)
register("visits.problems_solved", title=titled(gettext_lazy("走访反映问题（已解决）"), _OFFICER, _MONTH), page="visits", columns=PROBLEM_COLUMNS)(
    _problem_rows(solved=True)
)
