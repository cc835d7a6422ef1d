"""The service page (企业服务): requests by status and category, SLA colours, satisfaction, the overdue list."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from crm.models import (
    OPEN_REQUEST_STATUSES,
    ApprovalStep,
    RequestStatus,
    ServiceRequest,
)
from crm.models.functions import SecondsBetween
from crm.service_requests import clock
from reports.selectors.common import (
    CENT,
    SECONDS_PER_HOUR,
    ReportFilters,
    grouped_stats,
    moment_range,
    percent,
    seconds_to,
)

# 三色预警 of a request is crm.service_requests.clock's (``colour_conditions``, the twin of what every screen shows);
# of an approval step (no start of its own): yellow within this many hours of its due time, as the
# default "审批环节即将到期" reminder (crm.service_requests.reminders).
APPROVAL_AT_RISK_HOURS = 24
# How many overdue requests the page and the API list (most overdue first); the count covers them all.
OVERDUE_LIST_LIMIT = 100


def _requests(filters: ReportFilters) -> QuerySet[ServiceRequest]:
    requests = ServiceRequest.objects.order_by().filter(moment_range("submitted_at", filters.start, filters.end))
    if filters.park is not None:
        requests = requests.filter(enterprise__park=filters.park)
    if filters.chain:
        requests = requests.filter(enterprise__industry_chain=filters.chain)
    if filters.owner is not None:
        requests = requests.filter(assignee=filters.owner)
    return requests


SATISFACTION_SCORES = (1, 2, 3, 4, 5)


def _satisfaction_average(counts: dict[int, int]) -> Decimal | None:
    rated = sum(counts.values())
    if not rated:
        return None
    return (Decimal(sum(score * n for score, n in counts.items())) / rated).quantize(CENT, rounding=ROUND_HALF_UP)


def service_report(*, filters: ReportFilters, now: dt.datetime | None = None) -> dict:
    """The enterprise-service page: 4 queries, whatever the data.

    by category (status counts, SLA, satisfaction, colours: 1), median handling time by category and
    overall (1), approval-step colours (1), the overdue list (1).

    SLA compliance = requests resolved on or before their due time / requests resolved (办结, still
    办结 or since 关闭; a reopened request is not resolved). Handling time = resolved − submitted, in
    hours of the clock, pauses included: the time the enterprise waited.
    """
    now = now or timezone.now()
    requests = _requests(filters)
    colours = clock.colour_conditions(now)
    resolved = Q(resolved_at__isnull=False)
    rows = (
        requests.values("category_id", "category__code", "category__name", "category__sort_order")
        .annotate(
            total=Count("id"),
            **{f"status_{s}": Count("id", filter=Q(status=s)) for s in RequestStatus.values},
            resolved=Count("id", filter=resolved),
            on_time=Count("id", filter=resolved & Q(resolved_at__lte=F("due_at"))),
            **{f"score_{n}": Count("id", filter=Q(satisfaction=n)) for n in SATISFACTION_SCORES},
            **{colour: Count("id", filter=condition) for colour, condition in colours.items()},
        )
        .order_by("category__sort_order", "category__code")
    )
    handled = requests.filter(resolved).annotate(
        _g=F("category_id"), _v=SecondsBetween(F("resolved_at"), F("submitted_at"))
    )
    times = grouped_stats(handled, with_total=True)

    categories = []
    for row in rows:
        scores = {n: row[f"score_{n}"] for n in SATISFACTION_SCORES}
        _count, average, median = times.get(row["category_id"], (0, None, None))
        categories.append({
            "category": row["category__code"],
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
            "green": row["green"],
            "yellow": row["yellow"],
            "red": row["red"],
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
        "overdue": sum(c["red"] for c in categories),
        "rated": sum(scores.values()),
        "satisfaction_average": _satisfaction_average(scores),
        **{colour: sum(c[colour] for c in categories) for colour in clock.COLOURS},
    }
    statuses = [
        {"status": s.value, "label": str(s.label), "count": sum(c["statuses"][s] for c in categories)}
        for s in RequestStatus
    ]
    return {
        "as_of": now,
        "categories": categories,
        "statuses": statuses,
        "totals": totals,
        "satisfaction": [{"score": n, "count": scores[n]} for n in SATISFACTION_SCORES],
        "approval_steps": _approval_step_colours(requests, now),
        "overdue": _overdue(requests, colours[clock.RED], now),
    }


def _approval_step_colours(requests: QuerySet[ServiceRequest], now: dt.datetime) -> dict:
    """三色预警 of approval steps of the requests: open ones red when past due, yellow within
    ``APPROVAL_AT_RISK_HOURS`` of it, green otherwise; done ones on time or late."""
    soon = now + dt.timedelta(hours=APPROVAL_AT_RISK_HOURS)
    open_ = Q(completed_at__isnull=True)
    steps = ApprovalStep.objects.all()
    if requests.query.has_filters():
        steps = steps.filter(request__in=requests.values("pk"))
    figures = steps.aggregate(
        green=Count("id", filter=open_ & Q(due_at__gt=soon)),
        yellow=Count("id", filter=open_ & Q(due_at__gt=now, due_at__lte=soon)),
        red=Count("id", filter=open_ & Q(due_at__lte=now)),
        done_on_time=Count("id", filter=Q(completed_at__lte=F("due_at"))),
        done_late=Count("id", filter=Q(completed_at__gt=F("due_at"))),
    )
    return figures


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
