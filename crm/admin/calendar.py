"""日历: the officer's month and week (/admin/crm/project/calendar/), server-rendered, over
``crm.pipeline.calendar``; and 重新生成链接, which renews the personal iCal feed's secret URL."""

import calendar as cal
from datetime import date, timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from crm.models import CalendarFeed
from crm.pipeline.calendar import calendar_entries, calendar_feed_of, calendar_feed_renew
from crm.roles import Area, may_read
from crm.validators import EARLIEST_DATE, LATEST_DATE

WEEKDAYS = [_lazy("周一"), _lazy("周二"), _lazy("周三"), _lazy("周四"), _lazy("周五"), _lazy("周六"), _lazy("周日")]


def _month_shift(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def calendar_grid(*, view: str, day: date) -> tuple[list[list[date]], date, date, date]:
    """The weeks shown (Monday first), the first day of the period, and the days “previous” and “next” open."""
    if view == "week":
        monday = day - timedelta(days=day.weekday())
        return [[monday + timedelta(days=i) for i in range(7)]], monday, monday - timedelta(days=7), monday + timedelta(days=7)
    first = day.replace(day=1)
    weeks = cal.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    return weeks, first, _month_shift(first, -1), _month_shift(first, 1)


def _day(value: str | None, today: date) -> date:
    """The day asked for in the URL, or today for anything else (not a date, or outside 1949–2100)."""
    try:
        day = parse_date(value or "")
    except ValueError:  # well formed but impossible, e.g. 2025-13-01
        return today
    return day if day is not None and EARLIEST_DATE <= day <= LATEST_DATE else today


@require_GET
def calendar_view(request, model_admin):
    if not may_read(request.user, Area.PIPELINE):
        raise PermissionDenied
    view = "week" if request.GET.get("view") == "week" else "month"
    today = timezone.localdate()
    day = _day(request.GET.get("day"), today)
    weeks, first, previous, following = calendar_grid(view=view, day=day)
    entries = calendar_entries(user=request.user, start=weeks[0][0], end=weeks[-1][-1])
    by_day: dict[date, list] = {}
    for entry in entries:
        by_day.setdefault(entry.day, []).append(entry)
    heading = (
        _("%(year)s年%(month)s月") % {"year": first.year, "month": first.month}
        if view == "month"
        else _("%(start)s 至 %(end)s") % {"start": weeks[0][0].isoformat(), "end": weeks[0][-1].isoformat()}
    )
    feed = calendar_feed_of(request.user)
    feed_url = request.build_absolute_uri(reverse("calendar-feed", args=[feed.token])) if feed else ""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("日历"),
        "opts": model_admin.opts,
        "view": view,
        "heading": heading,
        "weekdays": WEEKDAYS,
        "weeks": [
            [{"day": d, "entries": by_day.get(d, []), "other": d.month != first.month and view == "month",
              "today": d == today} for d in week]
            for week in weeks
        ],
        "previous": previous.isoformat(),
        "following": following.isoformat(),
        "today": today.isoformat(),
        "day": day.isoformat(),
        "feed_url": feed_url,
        "has_entries": bool(entries),
    }
    return TemplateResponse(request, "admin/crm/project/calendar.html", context)


@require_POST
def calendar_feed_renew_view(request, model_admin):
    """重新生成链接: a new secret URL for the feed; the old one answers 404 from now on."""
    if not may_read(request.user, Area.PIPELINE):
        raise PermissionDenied
    calendar_feed_renew(user=request.user)
    messages.success(request, _("已生成新的订阅链接，旧链接已失效。"))
    return HttpResponseRedirect(reverse("admin:crm_project_calendar"))


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """日历订阅, for superusers (``Area.SYSTEM``): who has a feed since when, never the token; deleting one revokes it."""

    list_display = ("user", "created_at")
    list_select_related = ("user",)
    fields = ("user", "created_at")
    readonly_fields = ("user", "created_at")
    search_fields = ("user__username", "user__display_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
