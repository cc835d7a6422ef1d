"""The 业绩考核 page: credit by officer and by unit for a period, and each holder's yearly targets against the actual.

Who is credited with a project is ``crm.pipeline.credit`` (the recorded split, 业绩分成; a project without one is
credited 100% to its owner). The events are read from the stage history, as the pipeline page reads them:
签约 = a move into 签约, 落地 = a move into 注册落地, 开工 = a move into 开工, each within the window; 落地亿元以上
adds total investment ≥ 1 亿 (10,000 万元); 到资 sums the capital arrivals (``CapitalArrival.amount``, 万元) dated in
the window. A holder's row gives the full figures of the projects credited to it, and the credited (折算) figures:
each project's amount or count × the holder's share. A totals row counts every project once, however many holders
share it (共享业绩); its credited figures are the sum of the rows.

Two windows are read in the same queries: the period the page is filtered to (its dates; open ends allowed) and the
year of its end (``ReportFilters.report_year``), which the 考核 table compares with the targets of that year.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from crm.models import (
    KEY_PROJECT_THRESHOLD,
    CapitalArrival,
    Project,
    ProjectCredit,
    ProjectStageChange,
    Stage,
    YearlyTarget,
)
from crm.pipeline.credit import FULL_SHARE, officer_credited, uncredited, unit_credited
from reports.drill import register
from reports.selectors.common import (
    USER_COLUMNS,
    ZERO,
    ReportFilters,
    date_range,
    moment_range,
    money,
    percent,
    user_label,
)
from reports.tables import Linked

# 在库项目: the projects still being worked on or landed; 终止 (lost) and 暂缓 (on hold) are left out.
IN_BOOK_STAGES = [s for s in Stage if s not in (Stage.LOST, Stage.ON_HOLD)]
Metric = YearlyTarget.Metric
Holder = YearlyTarget.Holder
# The figure behind each target metric (the same one the ranking shows).
METRIC_FIGURES = {
    Metric.SIGNED_PROJECTS: "signed_count",
    Metric.SIGNED_INVESTMENT: "signed_investment",
    Metric.LANDED_KEY_PROJECTS: "landed_key_count",
    Metric.CAPITAL_ARRIVED: "arrived",
    Metric.CONSTRUCTION_STARTS: "starts_count",
}
# The drill-down list of each figure (reports.drill), and its amount column when the figure is a sum.
FIGURE_DRILLS = {
    "projects": "credit.projects",
    "signed_count": "credit.signed",
    "signed_investment": "credit.signed_investment",
    "landed_key_count": "credit.landed_key",
    "starts_count": "credit.starts",
    "arrived": "credit.arrived",
}
DECIMAL = DecimalField(max_digits=24, decimal_places=6)


def moved_into(stage: str, start: dt.date | None, end: dt.date | None) -> QuerySet:
    """The ids of projects with a move into ``stage`` within the local days ``start``–``end`` (stage history)."""
    return ProjectStageChange.objects.filter(moment_range("changed_at", start, end), to_stage=stage).values("project_id")


def event_q(figure: str, start, end, prefix: str = "") -> Q:
    """The condition on a project (through ``prefix``) for one counted figure within a window."""
    if figure == "projects":
        return Q(**{f"{prefix}stage__in": IN_BOOK_STAGES})
    if figure in ("signed_count", "signed_investment"):
        return Q(**{f"{prefix}pk__in": moved_into(Stage.SIGNED, start, end)})
    if figure == "landed_key_count":
        return Q(**{f"{prefix}pk__in": moved_into(Stage.REGISTERED, start, end),
                    f"{prefix}total_investment__gte": KEY_PROJECT_THRESHOLD})
    if figure == "starts_count":
        return Q(**{f"{prefix}pk__in": moved_into(Stage.CONSTRUCTION, start, end)})
    raise KeyError(figure)


def scope(filters: ReportFilters) -> QuerySet[Project]:
    """The projects the page is about: the park and chain filters (the owner filter does not apply to credit)."""
    projects = Project.objects.order_by()
    if filters.park is not None:
        projects = projects.filter(park=filters.park)
    if filters.chain:
        projects = projects.filter(industry_chain=filters.chain)
    return projects


def windows(filters: ReportFilters, today: dt.date) -> dict[str, tuple]:
    year = filters.report_year(today)
    return {"p": (filters.start, filters.end), "y": (dt.date(year, 1, 1), dt.date(year, 12, 31))}


def _measures(prefix: str, share, wins: dict) -> dict:
    """Count and credited-count annotations of the counted figures, for each window (suffix ``_p``, ``_y``).

    ``prefix`` leads from the queried rows to the project ("project__" from a credit row, "" from a project),
    ``share`` is the holder's share in % (the credit row's, or 100 for an owner).
    """
    investment = F(f"{prefix}total_investment")
    annotations = {}
    for w, (start, end) in wins.items():
        for figure in ("signed_count", "landed_key_count", "starts_count"):
            condition = event_q(figure, start, end, prefix)
            annotations[f"{figure}_{w}"] = Count(f"{prefix}pk" if prefix else "pk", filter=condition)
            annotations[f"{figure}_share_{w}"] = Sum(share, filter=condition, output_field=DECIMAL)
        signed = event_q("signed_investment", start, end, prefix)
        annotations[f"signed_investment_{w}"] = Sum(investment, filter=signed)
        annotations[f"signed_investment_share_{w}"] = Sum(
            ExpressionWrapper(investment * share, output_field=DECIMAL), filter=signed, output_field=DECIMAL
        )
    annotations["projects"] = Count(f"{prefix}pk" if prefix else "pk", filter=event_q("projects", None, None, prefix))
    return annotations


def _arrival_measures(amount: str, share, wins: dict, day: str) -> dict:
    annotations = {}
    for w, (start, end) in wins.items():
        in_window = date_range(day, start, end)
        annotations[f"arrived_{w}"] = Sum(amount, filter=in_window)
        annotations[f"arrived_share_{w}"] = Sum(
            ExpressionWrapper(F(amount) * share, output_field=DECIMAL), filter=in_window, output_field=DECIMAL
        )
    return annotations


def _empty(wins) -> dict:
    figures = {"projects": 0}
    for w in wins:
        for figure in ("signed_count", "landed_key_count", "starts_count", "signed_investment", "arrived"):
            figures[f"{figure}_{w}"] = 0
            figures[f"{figure}_share_{w}"] = ZERO
    return figures


def _add(into: dict, row: dict) -> None:
    for key, value in row.items():
        if key in into and value is not None:
            into[key] += value


def _credited(value) -> Decimal:
    """A sum of amount × share % (or of shares %) as the credited figure, to the cent."""
    return money(Decimal(value or 0) / FULL_SHARE)


def _figures(row: dict, w: str) -> dict:
    """One holder's (or the totals') figures in window ``w``: the full ones and the credited (折算) ones."""
    return {
        "projects": row["projects"],
        "signed_count": row[f"signed_count_{w}"],
        "signed_credited": _credited(row.get(f"signed_count_share_{w}")),
        "signed_investment": money(row[f"signed_investment_{w}"]),
        "signed_investment_credited": _credited(row.get(f"signed_investment_share_{w}")),
        "landed_key_count": row[f"landed_key_count_{w}"],
        "landed_key_credited": _credited(row.get(f"landed_key_count_share_{w}")),
        "starts_count": row[f"starts_count_{w}"],
        "starts_credited": _credited(row.get(f"starts_count_share_{w}")),
        "arrived": money(row[f"arrived_{w}"]),
        "arrived_credited": _credited(row.get(f"arrived_share_{w}")),
    }


def _officer_rows(projects: QuerySet[Project], wins: dict) -> dict:
    """Each officer's figures: their credit rows (share as recorded), and the uncredited projects they own (100%)."""
    labels = tuple(f"officer__{c}" for c in USER_COLUMNS)
    owner_labels = tuple(f"owner__{c}" for c in USER_COLUMNS)
    hundred = Value(FULL_SHARE, output_field=DECIMAL)
    in_scope = Q(project__in=projects.values("pk"))
    holders: dict[int, dict] = {}

    def holder(pk, row, prefix):
        return holders.setdefault(pk, {"key": str(pk), "label": user_label(row, prefix), **_empty(wins)})

    credits = ProjectCredit.objects.order_by().filter(in_scope, officer__isnull=False)
    for row in credits.values("officer_id", *labels).annotate(**_measures("project__", F("share_percent"), wins)):
        _add(holder(row["officer_id"], row, "officer"), row)
    owned = projects.filter(uncredited(), owner__isnull=False)
    for row in owned.values("owner_id", *owner_labels).annotate(**_measures("", hundred, wins)):
        _add(holder(row["owner_id"], row, "owner"), row)
    arrivals = credits.filter(project__capital_arrivals__isnull=False)
    for row in arrivals.values("officer_id", *labels).annotate(
        **_arrival_measures("project__capital_arrivals__amount", F("share_percent"), wins,
                            "project__capital_arrivals__arrived_on")
    ):
        _add(holder(row["officer_id"], row, "officer"), row)
    owned_arrivals = CapitalArrival.objects.order_by().filter(project__in=owned.values("pk"))
    for row in owned_arrivals.values("project__owner_id", *(f"project__{c}" for c in owner_labels)).annotate(
        **_arrival_measures("amount", hundred, wins, "arrived_on")
    ):
        _add(holder(row["project__owner_id"], row, "project__owner"), row)
    return holders


def _unit_rows(projects: QuerySet[Project], wins: dict) -> dict:
    """Each unit's figures, from the credit rows naming it (share as recorded)."""
    credits = ProjectCredit.objects.order_by().filter(project__in=projects.values("pk")).exclude(unit="")
    holders: dict[str, dict] = {}
    for row in credits.values("unit").annotate(**_measures("project__", F("share_percent"), wins)):
        _add(holders.setdefault(row["unit"], {"key": row["unit"], "label": row["unit"], **_empty(wins)}), row)
    arrivals = credits.filter(project__capital_arrivals__isnull=False)
    for row in arrivals.values("unit").annotate(
        **_arrival_measures("project__capital_arrivals__amount", F("share_percent"), wins,
                            "project__capital_arrivals__arrived_on")
    ):
        _add(holders.setdefault(row["unit"], {"key": row["unit"], "label": row["unit"], **_empty(wins)}), row)
    return holders


def _totals(projects: QuerySet[Project], wins: dict, rows: list[dict], group: str | None = None) -> dict:
    """The figures over distinct projects (a shared project once); credited figures are the sum of ``rows``.

    With ``group`` ("park_id"), the figures of each group instead, keyed by it (the credited ones equal the full).
    """
    hundred = Value(FULL_SHARE, output_field=DECIMAL)
    measures = _measures("", hundred, wins)
    arrival_measures = _arrival_measures("amount", hundred, wins, "arrived_on")
    arrivals = CapitalArrival.objects.order_by().filter(project__in=projects.values("pk"))
    if group is None:
        totals = {**_empty(wins), **projects.aggregate(**measures), **arrivals.aggregate(**arrival_measures)}
        for key in list(totals):
            if "_share_" in key:
                totals[key] = sum((r[key] for r in rows), ZERO)
        return {"": totals}
    grouped: dict = {}
    for row in projects.values(group).annotate(**measures):
        _add(grouped.setdefault(row[group], _empty(wins)), row)
    for row in arrivals.values(f"project__{group}").annotate(**arrival_measures):
        _add(grouped.setdefault(row[f"project__{group}"], _empty(wins)), row)
    return grouped


def _ranking(holders: dict, w: str) -> list[dict]:
    items = [{"key": h["key"], "label": h["label"], **_figures(h, w)} for h in holders.values()]
    items.sort(key=lambda i: (-i["signed_investment_credited"], -i["landed_key_credited"], -i["projects"], i["label"]))
    return items


def _assessment(filters: ReportFilters, year: int, officers: dict, units: dict, by_park: dict) -> list[dict]:
    """Every target of the year whose holder the page covers, with the actual read from the same figures."""
    targets = YearlyTarget.objects.filter(year=year).select_related("park", "officer")
    if filters.park is not None:  # filtered to a park: that park's targets, and the units' and officers'
        targets = targets.exclude(holder_kind=Holder.PARK_WIDE).exclude(
            Q(holder_kind=Holder.PARK) & ~Q(park=filters.park)
        )
    whole = _empty({"y": None})
    for figures in by_park.values():
        _add(whole, figures)
    kinds = list(Holder)
    items = []
    for target in sorted(targets, key=lambda t: (kinds.index(t.holder_kind), t.holder_label, list(Metric).index(t.metric))):
        if target.holder_kind == Holder.OFFICER:
            row, key, shared = officers.get(target.officer_id), str(target.officer_id), True
        elif target.holder_kind == Holder.UNIT:
            row, key, shared = units.get(target.unit), target.unit, True
        elif target.holder_kind == Holder.PARK:
            row, key, shared = by_park.get(target.park_id), str(target.park_id), False
        else:
            row, key, shared = whole, "", False
        figures = _figures(row or _empty({"y": None}), "y")
        figure = METRIC_FIGURES[target.metric]
        actual = figures[figure]
        credited = figures[_credited_name(figure)] if shared else actual  # 全区, a park: every project in full
        completion = percent(credited, target.target)
        items.append({
            "holder_kind": target.holder_kind,
            "holder_kind_label": str(target.get_holder_kind_display()),
            "holder_key": key,
            "holder_label": target.holder_label,
            "metric": target.metric,
            "metric_label": str(target.get_metric_display()),
            "figure": figure,
            "target": int(target.target) if target.metric in YearlyTarget.COUNT_METRICS else target.target,
            "actual": actual,
            "credited_actual": credited,
            "completion": completion,
            "level": completion_level(completion),
        })
    return items


def _credited_name(figure: str) -> str:
    return {"signed_count": "signed_credited", "landed_key_count": "landed_key_credited",
            "starts_count": "starts_credited"}.get(figure, f"{figure}_credited")


def completion_level(completion: Decimal | None) -> str:
    """The three colours of a completion rate: green ≥ 100%, yellow ≥ 60%, red below; none without a target."""
    if completion is None:
        return ""
    return "green" if completion >= 100 else "yellow" if completion >= 60 else "red"


def credit_report(*, filters: ReportFilters, now: dt.datetime | None = None) -> dict:
    """The 业绩考核 page: 13 queries, whatever the data.

    Officers: their credit rows (1), the uncredited projects they own (1), the arrivals of each (2), the totals over
    distinct projects and their arrivals (2). Units: credit rows (1), arrivals (1), totals (2). The targets of the
    year with their park and officer (1), and the figures by park (2) — the park-wide actual is their sum.
    """
    now = now or timezone.now()
    year = filters.report_year(timezone.localdate(now))
    wins = windows(filters, timezone.localdate(now))
    projects = scope(filters)
    officers = _officer_rows(projects, wins)
    units = _unit_rows(projects, wins)
    officer_totals = _totals(projects.filter(officer_credited()), wins, list(officers.values()))[""]
    unit_totals = _totals(projects.filter(unit_credited()), wins, list(units.values()))[""]
    by_park = _totals(projects, wins, [], group="park_id")
    return {
        "as_of": now,
        "filters": filters,
        "year": year,
        "start": filters.start,
        "end": filters.end,
        "officers": _ranking(officers, "p"),
        "officer_totals": _figures(officer_totals, "p"),
        "units": _ranking(units, "p"),
        "unit_totals": _figures(unit_totals, "p"),
        "assessment": _assessment(filters, year, officers, units, by_park),
    }


# -- drill-down: the projects (or arrivals) behind each figure ------------------------------------------------------


def holder_q(params: dict) -> Q | None:
    """The projects credited to the holder named by a drill-down's parameters; ``None`` for a holder that is not one."""
    kind, key = params.get("holder", ""), params.get("holder_key", "")
    try:
        if kind == "officer":
            return officer_credited(int(key))
        if kind == "officers":
            return officer_credited()
        if kind == "unit" and key:
            return unit_credited(key)
        if kind == "units":
            return unit_credited()
        if kind == "park":
            return Q(park_id=int(key))
        if kind == "all":
            return Q()
    except ValueError:
        return None
    return None


def _window(filters: ReportFilters, params: dict) -> tuple:
    year = params.get("target_year") or ""
    if year.isdigit() and 2000 <= int(year) <= 2100:
        return dt.date(int(year), 1, 1), dt.date(int(year), 12, 31)
    return filters.start, filters.end


def holder_share(params: dict):
    """The holder's share (%) of each listed project, for one officer or unit; ``None`` for a group of holders."""
    kind, key = params.get("holder", ""), params.get("holder_key", "")
    rows = ProjectCredit.objects.filter(project=OuterRef("pk"))
    if kind == "officer" and key.isdigit():
        # No credit row naming the officer: the project is credited to its owner, 100%.
        share = rows.filter(officer_id=int(key)).values("share_percent")[:1]
        return Coalesce(Subquery(share), Value(FULL_SHARE), output_field=DECIMAL)
    if kind == "unit" and key:
        return Subquery(rows.filter(unit=key).values("share_percent")[:1], output_field=DECIMAL)
    return None


def _project_link(project):
    return Linked(project.name, reverse("admin:crm_project_change", args=[project.pk]))


def _share(project):
    share = getattr(project, "credit_share", None)
    return None if share is None else money(share)


PROJECT_COLUMNS = (
    (gettext_lazy("项目名称"), _project_link),
    (gettext_lazy("阶段"), "stage"),
    (gettext_lazy("拟落地园区"), "park"),
    (gettext_lazy("负责人"), "owner"),
    (gettext_lazy("总投资（万元）"), "total_investment"),
    (gettext_lazy("该对象分成比例（%）"), _share),
)


def _drill_projects(figure: str):
    def rows(filters, params):
        credited = holder_q(params)
        if credited is None:
            return Project.objects.none()
        start, end = _window(filters, params)
        projects = scope(filters).filter(credited).filter(event_q(figure, start, end)).select_related("park", "owner")
        share = holder_share(params)
        return projects if share is None else projects.annotate(credit_share=share)

    return rows


register("credit.projects", title=gettext_lazy("在库项目（按业绩归属）"), page="credit", columns=PROJECT_COLUMNS)(
    _drill_projects("projects"))
register("credit.signed", title=gettext_lazy("签约项目（按业绩归属）"), page="credit", columns=PROJECT_COLUMNS)(
    _drill_projects("signed_count"))
register("credit.signed_investment", title=gettext_lazy("签约项目总投资（按业绩归属）"), page="credit",
         sum_field="total_investment", columns=PROJECT_COLUMNS)(_drill_projects("signed_investment"))
register("credit.landed_key", title=gettext_lazy("落地亿元以上项目（按业绩归属）"), page="credit", columns=PROJECT_COLUMNS)(
    _drill_projects("landed_key_count"))
register("credit.starts", title=gettext_lazy("开工项目（按业绩归属）"), page="credit", columns=PROJECT_COLUMNS)(
    _drill_projects("starts_count"))


@register("credit.arrived", title=gettext_lazy("实际到资（按业绩归属）"), page="credit", sum_field="amount")
def _drill_arrivals(filters, params):
    credited = holder_q(params)
    if credited is None:
        return CapitalArrival.objects.none()
    start, end = _window(filters, params)
    return CapitalArrival.objects.filter(
        date_range("arrived_on", start, end), project__in=scope(filters).filter(credited).values("pk")
    ).select_related("project")

