"""The SLA clock: when a request is due, on calendar hours or on Chinese working days.

Working days follow the State Council's arrangement: statutory holidays are off and the weekend
make-up days (调休) are on. The ``chinesecalendar`` package carries the years it was released for;
``CalendarDay`` rows edited in the admin override it and cover later years; a year that neither
knows falls back to Monday–Friday and is reported so staff can enter that year's arrangement.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

import chinese_calendar
from django.utils import timezone
from django.utils.translation import gettext

from crm.models import (
    CalendarDay,
    ServiceCategory,
)

logger = logging.getLogger(__name__)


@dataclass
class WorkingCalendar:
    """Answers "is this a working day?" for a range of dates, with one query for the overrides."""

    overrides: dict = field(default_factory=dict)
    unknown_years: set = field(default_factory=set)

    @classmethod
    def for_range(cls, start: dt.date, end: dt.date) -> "WorkingCalendar":
        rows = CalendarDay.objects.filter(date__gte=start, date__lte=end).values_list("date", "is_working_day")
        return cls(overrides=dict(rows))

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            self.unknown_years.add(day.year)
            return day.weekday() < 5


@dataclass
class DueTime:
    due_at: dt.datetime
    warnings: list[str]


def compute_due_at(*, category: ServiceCategory, submitted_at: dt.datetime) -> DueTime:
    """The due time of a request of ``category`` submitted at ``submitted_at``.

    Calendar hours: submitted_at + N hours. Working days: the end (24:00, Asia/Shanghai) of the N-th
    working day after the day of submission — the day of submission itself is not counted, as in
    “5 个工作日内办结”.
    """
    return limit_end(unit=category.sla_unit, value=category.sla_value, start=submitted_at)


def limit_end(*, unit: str, value: int, start: dt.datetime) -> DueTime:
    """The end of a limit of ``value`` in ``unit`` (``ServiceCategory.SlaUnit``) counted from ``start``: a request's SLA
    from its submission, a department's 主办/协办时限 from its routing (``crm.service_requests.routing``)."""
    if unit == ServiceCategory.SlaUnit.CALENDAR_HOURS:
        return DueTime(start + dt.timedelta(hours=value), [])
    return working_days_end(start, value)


def request_due_extend(*, service_request, due_at: dt.datetime, actor, note: str) -> bool:
    """Move a request's due time (办理时限) later — an approved extension of its lead department
    (``routing_decide_extension``) — and say so in its history; never earlier. Returns whether it moved.

    The clock (``crm.service_requests.clock``) reads the new due time at once: its window is due − submitted − paused,
    so the colours follow the longer time. Call it inside the caller's transaction, with the request row locked.
    """
    if due_at <= service_request.due_at:
        return False
    service_request.due_at = due_at
    service_request._history_user = actor
    service_request._change_reason = note[:100]
    service_request.save(update_fields=["due_at", "updated_at"])
    return True


def working_days_end(start: dt.datetime, days: int) -> DueTime:
    """The end (24:00, Asia/Shanghai) of the ``days``-th working day after the day of ``start`` — that day itself
    not counted. The SLA's “N 个工作日” and the approval-step templates' offsets read it."""
    local = timezone.localtime(start)
    # Wide enough for N working days across the longest holiday (Spring Festival, about 9 days off).
    calendar = WorkingCalendar.for_range(local.date(), local.date() + dt.timedelta(days=days * 2 + 30))
    day = local.date()
    remaining = days
    while remaining:
        day += dt.timedelta(days=1)
        if calendar.is_working_day(day):
            remaining -= 1
    end_of_day = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min)
    due_at = timezone.make_aware(end_of_day, timezone.get_current_timezone())
    warnings = [
        gettext("%(year)s 年的法定节假日安排尚未录入，已按周一至周五计算工作日；请在“节假日调整”中录入。") % {"year": year}
        for year in sorted(calendar.unknown_years)
    ]
    for warning in warnings:
        logger.warning(warning)
    return DueTime(due_at, warnings)


def working_time_add(start: dt.datetime, amount: dt.timedelta, calendar: WorkingCalendar) -> dt.datetime:
    """The latest moment by which ``amount`` of working time has passed since ``start``.

    Working time is the time inside working days (whole days, Asia/Shanghai), as the SLA clock counts
    it. "Latest": when the amount runs out exactly at the end of a working day, the non-working days
    after it are added too — a request due at 24:00 on Friday has the same working time left at any
    moment of the weekend.
    """
    tz = timezone.get_current_timezone()
    moment = timezone.localtime(start, tz)
    remaining = amount
    day = moment.date()
    for _ in range(3700):  # ten years of days: an SLA never comes close
        day_start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
        next_start = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min), tz)
        if calendar.is_working_day(day):
            begin = max(moment, day_start)
            available = next_start - begin
            if remaining < available:
                return begin + remaining
            remaining -= available
            if not remaining:
                day += dt.timedelta(days=1)
                while not calendar.is_working_day(day):
                    day += dt.timedelta(days=1)
                return timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
        day += dt.timedelta(days=1)
    raise ValueError("working time beyond ten years")
