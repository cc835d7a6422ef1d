"""The service page (企业服务): requests by status and category, SLA colours, satisfaction, the overdue list."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.models import (
    OPEN_REQUEST_STATUSES,
    ApprovalStep,
    RequestCallBack,
    RequestStatus,
    Routing,
    RoutingEvent,
    ServiceRequest,
)
from crm.models.functions import SecondsBetween
from crm.service_requests import clock
from reports.selectors.common import (
    CENT,
    SECONDS_PER_HOUR,
    USER_COLUMNS,
    ReportFilters,
    grouped_stats,
    moment_range,
    percent,
    seconds_to,
    user_label,
)
from reports.summaries import service_version

# 三色预警 of a request is crm.service_requests.clock's (``colour_conditions``, the twin of what every screen shows);
# of an approval step (no start of its own): yellow within this many hours of its due time, as the
# default "审批环节即将到期" reminder (crm.service_requests.reminders).
APPROVAL_AT_RISK_HOURS = 24
# How many overdue requests the page and the API list (most overdue first); the count covers them all.
OVERDUE_LIST_LIMIT = 100


def _requests(filters: ReportFilters) -> QuerySet[ServiceRequest]:
    """The requests every figure of the page is about: submitted in the range, of the park's/chain's enterprises,
    handled by the owner."""
    requests = ServiceRequest.objects.order_by().filter(moment_range("submitted_at", filters.start, filters.end))
    if filters.park is not None:
        requests = requests.filter(enterprise__park=filters.park)
    if filters.chain:
        requests = requests.filter(enterprise__industry_chain=filters.chain)
    if filters.owner is not None:
        requests = requests.filter(assignee=filters.owner)
    return requests


SATISFACTION_SCORES = (1, 2, 3, 4, 5)


def request_conditions(now: dt.datetime) -> dict[str, Q]:
    """The one reading of each request figure of the page: the condition a request meets to be counted in it.

    The selector counts ``Count("id", filter=condition)``; the drill-down lists ``requests.filter(condition)``.
    ``resolved`` (办结, still 办结 or since 关闭; a reopened request is not), ``on_time`` (resolved by its due time),
    ``status_<s>`` each status, ``score_<n>`` rated ``n``, ``rated`` any score, ``open`` not yet finished, and the
    three colours of the SLA clock (``crm.service_requests.clock.colour_conditions``).
    """
    resolved = Q(resolved_at__isnull=False)
    return {
        "total": Q(),
        "open": Q(status__in=OPEN_REQUEST_STATUSES),
        "resolved": resolved,
        "on_time": resolved & Q(resolved_at__lte=F("due_at")),
        "rated": Q(satisfaction__in=SATISFACTION_SCORES),
        **{f"status_{s}": Q(status=s) for s in RequestStatus.values},
        **{f"score_{n}": Q(satisfaction=n) for n in SATISFACTION_SCORES},
        **clock.colour_conditions(now),
    }


def _counted(condition: Q) -> Count:
    return Count("id", filter=condition) if condition else Count("id")


def _satisfaction_average(counts: dict[int, int]) -> Decimal | None:
    rated = sum(counts.values())
    if not rated:
        return None
    return (Decimal(sum(score * n for score, n in counts.items())) / rated).quantize(CENT, rounding=ROUND_HALF_UP)


def service_report(*, filters: ReportFilters, now: dt.datetime | None = None) -> dict:
    """The enterprise-service page: a fixed number of queries, whatever the data.

    Read on every view, as they depend on now: the SLA colours of the open requests by category (1), the
    approval-step colours (1), the overdue list (1), the departments' 超期未办结 (``department_figures``: 1). The
    figures that do not depend on the clock (``_steady_figures``: by category the status counts, SLA compliance,
    satisfaction (1), median handling time by category and overall (1), the departments' routings, events and median
    (``department_steady``: 3), the call-backs by lead department and by officer (``callback_satisfaction``: 2)) come
    from the cache under the service page's version (1, ``_cached``): 5 queries when they are there, 12 when not, 11
    when the cache is off or the view is filtered by park or chain.

    SLA compliance = requests resolved on or before their due time / requests resolved (办结, still
    办结 or since 关闭; a reopened request is not resolved). Handling time = resolved − submitted, in
    hours of the clock, pauses included: the time the enterprise waited.
    """
    now = now or timezone.now()
    requests = _requests(filters)
    conditions = request_conditions(now)
    steady = _cached(filters, lambda: _steady_figures(requests))
    colours = {
        row["category_id"]: row
        for row in requests.filter(conditions["open"])
        .values("category_id")
        .annotate(**{colour: _counted(conditions[colour]) for colour in clock.COLOURS})
    }
    categories = [
        {**category, **{colour: colours.get(category["category_id"], {}).get(colour, 0) for colour in clock.COLOURS}}
        for category in steady["categories"]
    ]
    totals = {
        **steady["totals"],
        "overdue": sum(c["red"] for c in categories),
        **{colour: sum(c[colour] for c in categories) for colour in clock.COLOURS},
    }
    return {
        "as_of": now,
        "categories": categories,
        "statuses": steady["statuses"],
        "totals": totals,
        "satisfaction": steady["satisfaction"],
        "approval_steps": _approval_step_colours(requests, now),
        "overdue": _overdue(requests, conditions[clock.RED], now),
        "departments": department_figures(requests, now, steady["departments"]),
        "department_satisfaction": steady["department_satisfaction"],
        "officer_satisfaction": steady["officer_satisfaction"],
        "filters": filters,  # what the layout's drill-down links carry (reports.drill.link)
    }


def _cached(filters: ReportFilters, compute):
    """``compute()``, kept for ``REPORTS_SUMMARY_CACHE_SECONDS`` under the service page's version and the filters.

    Only for ``_steady_figures``, which do not depend on the clock: every service that writes what they read — a
    request submitted, moved, assigned, rated; a routing created, handed back, transferred, extended, completed;
    a call-back; an approval step — raises the version in its own transaction (``reports.summaries
    .service_figures_changed``), so a cached figure is never served after a change. Filtered by park or chain, the
    requests are chosen through their enterprise's park and chain, which those services do not write: computed on
    every view. A category's or a person's new name shows from the next write or within the cache's lifetime.
    """
    seconds = getattr(settings, "REPORTS_SUMMARY_CACHE_SECONDS", 600)
    if not seconds or filters.park is not None or filters.chain:
        return compute()
    version = service_version()
    if version is None:
        return compute()
    token, number = version
    key = "reports:service:{}:{}:{}:{}:{}:{}".format(
        token, number, translation.get_language(), filters.start, filters.end, getattr(filters.owner, "pk", ""),
    )
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def _steady_figures(requests: QuerySet[ServiceRequest]) -> dict:
    """The page's figures that do not depend on the clock: 7 queries (by category 1, handling times 1, departments 3,
    call-backs 2)."""
    conditions = request_conditions(timezone.now())  # the clock-free ones only are read below
    counted = ("total", "resolved", "on_time", *(f"status_{s}" for s in RequestStatus.values),
               *(f"score_{n}" for n in SATISFACTION_SCORES))
    rows = (
        requests.values("category_id", "category__code", "category__name", "category__sort_order")
        .annotate(**{name: _counted(conditions[name]) for name in counted})
        .order_by("category__sort_order", "category__code")
    )
    handled = requests.filter(conditions["resolved"]).annotate(
        _g=F("category_id"), _v=SecondsBetween(F("resolved_at"), F("submitted_at"))
    )
    times = grouped_stats(handled, with_total=True)

    categories = []
    for row in rows:
        scores = {n: row[f"score_{n}"] for n in SATISFACTION_SCORES}
        _count, average, median = times.get(row["category_id"], (0, None, None))
        categories.append({
            "category": row["category__code"],
            "category_id": row["category_id"],
            "label": row["category__name"],
            "total": row["total"],
            "statuses": {s: row[f"status_{s}"] for s in RequestStatus.values},
            "open": sum(row[f"status_{s}"] for s in OPEN_REQUEST_STATUSES),
            "resolved": row["resolved"],
            "on_time": row["on_time"],
            "sla_compliance": percent(row["on_time"], row["resolved"]),
            "median_handling_hours": seconds_to(median, SECONDS_PER_HOUR),
            "average_handling_hours": seconds_to(average, SECONDS_PER_HOUR),
            "rated": sum(scores.values()),
            "satisfaction_average": _satisfaction_average(scores),
            "scores": scores,
        })

    scores = {n: sum(c["scores"][n] for c in categories) for n in SATISFACTION_SCORES}
    _count, average, median = times.get(None, (0, None, None))
    resolved_total = sum(c["resolved"] for c in categories)
    on_time_total = sum(c["on_time"] for c in categories)
    totals = {
        "total": sum(c["total"] for c in categories),
        "open": sum(c["open"] for c in categories),
        "resolved": resolved_total,
        "on_time": on_time_total,
        "sla_compliance": percent(on_time_total, resolved_total),
        "median_handling_hours": seconds_to(median, SECONDS_PER_HOUR),
        "average_handling_hours": seconds_to(average, SECONDS_PER_HOUR),
        "rated": sum(scores.values()),
        "satisfaction_average": _satisfaction_average(scores),
    }
    statuses = [
        {"status": s.value, "label": str(s.label), "count": sum(c["statuses"][s] for c in categories)}
        for s in RequestStatus
    ]
    return {
        "categories": categories,
        "statuses": statuses,
        "totals": totals,
        "satisfaction": [{"score": n, "count": scores[n]} for n in SATISFACTION_SCORES],
        "departments": department_steady(requests),
        **callback_satisfaction(requests),
    }


# -- departments (承办单位) and call-backs (回访) -------------------------------------------------------------------

ROUTING_STATUS = Routing.Status
CALLBACK_RESULTS = tuple(RequestCallBack.Result.values)  # satisfied, basic, unsatisfied


def _routings(requests: QuerySet[ServiceRequest]) -> QuerySet[Routing]:
    routings = Routing.objects.order_by()
    if requests.query.has_filters():
        routings = routings.filter(service_request__in=requests.values("pk"))
    return routings


def routing_conditions(now: dt.datetime) -> dict[str, Q]:
    """The one reading of each routing figure of a department (``department_figures`` says what each means)."""
    completed = Q(status=ROUTING_STATUS.COMPLETED)
    overdue = Q(status=ROUTING_STATUS.ACTIVE, due_at__lte=now)
    completed_late = completed & Q(completed_at__gt=F("due_at"))
    return {
        "routings": Q(),
        "lead": Q(role=Routing.Role.LEAD),
        "assist": Q(role=Routing.Role.ASSIST),
        "active": Q(status=ROUTING_STATUS.ACTIVE),
        "completed": completed,
        "on_time": completed & Q(completed_at__lte=F("due_at")),
        "completed_late": completed_late,
        "overdue": overdue,
        "late": completed_late | overdue,
        "transferred": Q(status=ROUTING_STATUS.TRANSFERRED),
    }


# The routing events a department's figures count (退回, 延期申请, 延期批准), read from the routing's record.
ROUTING_EVENT_FIGURES = {
    "handed_back": RoutingEvent.Kind.HANDED_BACK,
    "extensions_requested": RoutingEvent.Kind.EXTENSION_REQUESTED,
    "extensions_approved": RoutingEvent.Kind.EXTENSION_APPROVED,
}


def _routing_events(routings: QuerySet[Routing]) -> QuerySet[RoutingEvent]:
    return RoutingEvent.objects.filter(routing__in=routings.values("pk"), kind__in=ROUTING_EVENT_FIGURES.values()).order_by()


def department_figures(requests: QuerySet[ServiceRequest], now: dt.datetime, steady: list[dict] | None = None) -> list[dict]:
    """Per department (承办单位), over the routings of ``requests``: 1 query (超期未办结 by department) on top of
    ``department_steady`` (``steady``, the clock-free figures: 3 queries, cached by ``service_report``).

    - ``routings``: every routing to the department (主办 ``lead`` + 协办 ``assist``), whatever became of it;
    - ``on_time``: completed (办结) by the routing's due time — the due time as it stands, so after an approved
      extension the extended one; ``late``: completed after it, plus still active and past it (``overdue``,
      超期未办结); ``on_time_rate`` = on_time / (on_time + late). Active routings not yet due, and routings handed
      back or transferred away, are in neither: the department has not finished them, nor is it late on them yet;
    - ``median_hours``: median of completed − routed over its completed routings, in clock hours;
    - ``extensions_requested`` / ``extensions_approved``: 延期申请 of its routings, and those the station head
      approved; ``handed_back``: its hand-backs (退回) — each read from the routing's record (``RoutingEvent``), since
      a routing handed back and then transferred ends as ``transferred``; ``transferred``: its routings the desk
      transferred to another department (转办).
    Departments without a routing on the report's requests are not listed.
    """
    steady = department_steady(requests) if steady is None else steady
    overdue = dict(
        _routings(requests).filter(routing_conditions(now)["overdue"])
        .values("department_id").annotate(n=Count("id")).values_list("department_id", "n")
    )
    departments = []
    for row in steady:
        row_overdue = overdue.get(row["department"], 0)
        late = row["completed_late"] + row_overdue
        departments.append({
            "department": row["department"],
            "label": row["label"],
            "routings": row["routings"],
            "lead": row["lead"],
            "assist": row["assist"],
            "active": row["active"],
            "completed": row["completed"],
            "on_time": row["on_time"],
            "late": late,
            "overdue": row_overdue,
            "on_time_rate": percent(row["on_time"], row["on_time"] + late),
            "median_hours": row["median_hours"],
            **{name: row[name] for name in ROUTING_EVENT_FIGURES},
            "transferred": row["transferred"],
        })
    return departments


# The routing figures of a department that do not depend on the clock (``department_steady``).
STEADY_ROUTING_FIGURES = ("routings", "lead", "assist", "active", "completed", "on_time", "completed_late", "transferred")


def department_steady(requests: QuerySet[ServiceRequest]) -> list[dict]:
    """The clock-free figures of each department with a routing on ``requests``: 3 queries (routings, their events,
    the median of completed − routed). ``department_figures`` adds what reads now (超期未办结, late, 按时办结率)."""
    routings = _routings(requests)
    conditions = routing_conditions(timezone.now())  # the clock-free ones only are read below
    rows = (
        routings.values("department_id", "department__name", "department__sort_order")
        .annotate(**{name: _counted(conditions[name]) for name in STEADY_ROUTING_FIGURES})
        .order_by("department__sort_order", "department__name")
    )
    counted = ROUTING_EVENT_FIGURES
    events = {
        row["routing__department_id"]: row
        for row in _routing_events(routings)
        .values("routing__department_id")
        .annotate(**{name: Count("id", filter=Q(kind=kind)) for name, kind in counted.items()})
    }
    handled = routings.filter(conditions["completed"]).annotate(
        _g=F("department_id"), _v=SecondsBetween(F("completed_at"), F("routed_at"))
    )
    times = grouped_stats(handled)
    departments = []
    for row in rows:
        recorded = events.get(row["department_id"], {})
        _count, _average, median = times.get(row["department_id"], (0, None, None))
        departments.append({
            "department": row["department_id"],
            "label": row["department__name"],
            **{name: row[name] for name in STEADY_ROUTING_FIGURES},
            "median_hours": seconds_to(median, SECONDS_PER_HOUR),
            **{name: recorded.get(name, 0) for name in counted},
        })
    return departments


def _satisfaction_row(row: dict, *, key, label: str) -> dict:
    counts = {result: row[result] for result in CALLBACK_RESULTS}
    total = sum(counts.values())
    satisfied = counts[RequestCallBack.Result.SATISFIED] + counts[RequestCallBack.Result.BASIC]
    return {"key": key, "label": label, "callbacks": total, **counts, "satisfied_rate": percent(satisfied, total)}


def _callbacks(requests: QuerySet[ServiceRequest]) -> QuerySet[RequestCallBack]:
    callbacks = RequestCallBack.objects.order_by()
    if requests.query.has_filters():
        callbacks = callbacks.filter(request__in=requests.values("pk"))
    return callbacks


def _with_lead_department(callbacks: QuerySet[RequestCallBack]) -> QuerySet[RequestCallBack]:
    """The call-backs of requests with a lead department (主办), annotated with it: the request's latest lead
    routing not handed back nor transferred away, as a subquery."""
    lead = (
        Routing.objects.filter(
            service_request=OuterRef("request_id"), role=Routing.Role.LEAD,
            status__in=[ROUTING_STATUS.ACTIVE, ROUTING_STATUS.COMPLETED],
        )
        .order_by("-routed_at", "-id")
    )
    return callbacks.annotate(
        _department=Subquery(lead.values("department_id")[:1]),
        _department_name=Subquery(lead.values("department__name")[:1]),
        _department_order=Subquery(lead.values("department__sort_order")[:1]),
    ).filter(_department__isnull=False)


def callback_satisfaction(requests: QuerySet[ServiceRequest]) -> dict:
    """The call-backs (回访) of ``requests`` counted by result, by department and by officer: 2 queries.

    Every call-back counts (a request reopened after 不满意 and called back again counts twice). By department: the
    department that leads the request (主办) — its latest lead routing not handed back nor transferred away, as
    a subquery; a request with none is not counted there. By officer: the request's assignee (经办人).
    ``satisfied_rate`` (满意率) = (满意 + 基本满意) / call-backs.
    """
    callbacks = _callbacks(requests)
    by_result = {result: Count("id", filter=Q(result=result)) for result in CALLBACK_RESULTS}
    department_rows = (
        _with_lead_department(callbacks)
        .values("_department", "_department_name", "_department_order")
        .annotate(**by_result)
        .order_by("_department_order", "_department_name")
    )
    officer_fields = [f"request__assignee__{c}" for c in USER_COLUMNS]
    officer_rows = (
        callbacks.values("request__assignee_id", *officer_fields)
        .annotate(**by_result)
        .order_by("request__assignee__display_name", "request__assignee__username")
    )
    return {
        "department_satisfaction": [
            _satisfaction_row(row, key=row["_department"], label=row["_department_name"]) for row in department_rows
        ],
        "officer_satisfaction": [
            _satisfaction_row(
                row, key=row["request__assignee_id"],
                label=user_label(row, "request__assignee") if row["request__assignee_id"] else _("未分派"),
            )
            for row in officer_rows
        ],
    }


def _approval_step_colours(requests: QuerySet[ServiceRequest], now: dt.datetime) -> dict:
    """三色预警 of approval steps of the requests: open ones red when past due, yellow within
    ``APPROVAL_AT_RISK_HOURS`` of it, green otherwise; done ones on time or late."""
    return _approval_steps(requests).aggregate(
        **{name: Count("id", filter=condition) for name, condition in approval_step_conditions(now).items()}
    )


def approval_step_conditions(now: dt.datetime) -> dict[str, Q]:
    """The one reading of an approval step's colour (``_approval_step_colours``)."""
    soon = now + dt.timedelta(hours=APPROVAL_AT_RISK_HOURS)
    open_ = Q(completed_at__isnull=True)
    return {
        "green": open_ & Q(due_at__gt=soon),
        "yellow": open_ & Q(due_at__gt=now, due_at__lte=soon),
        "red": open_ & Q(due_at__lte=now),
        "done_on_time": Q(completed_at__lte=F("due_at")),
        "done_late": Q(completed_at__gt=F("due_at")),
    }


def _approval_steps(requests: QuerySet[ServiceRequest]) -> QuerySet[ApprovalStep]:
    steps = ApprovalStep.objects.order_by()
    if requests.query.has_filters():
        steps = steps.filter(request__in=requests.values("pk"))
    return steps


def _overdue(requests: QuerySet[ServiceRequest], red: Q, now: dt.datetime) -> list[dict]:
    """The most overdue open requests first (``crm_request_open_due_idx``), at most ``OVERDUE_LIST_LIMIT``."""
    rows = (
        requests.filter(red)
        .select_related("enterprise", "category", "assignee")
        .order_by("due_at", "id")[:OVERDUE_LIST_LIMIT]
    )
    return [overdue_item(request, now) for request in rows]


def overdue_requests(*, filters: ReportFilters, now: dt.datetime | None = None) -> QuerySet[ServiceRequest]:
    """Every overdue open request, most overdue first: the Excel export lists them all, streamed."""
    now = now or timezone.now()
    return (
        _requests(filters)
        .filter(clock.colour_conditions(now)[clock.RED])
        .select_related("enterprise", "category", "assignee")
        .order_by("due_at", "id")
    )


def overdue_item(request: ServiceRequest, now: dt.datetime) -> dict:
    remaining = clock.time_left(request, now=now).remaining
    return {
        "id": request.pk,
        "title": request.title,
        "enterprise": str(request.enterprise),
        "category": request.category.name,
        "status": request.status,
        "status_label": request.get_status_display(),
        "assignee": str(request.assignee) if request.assignee else "",
        "submitted_at": request.submitted_at,
        "due_at": request.due_at,
        "overdue_hours": seconds_to(-remaining.total_seconds(), SECONDS_PER_HOUR),
    }
