"""日历: an officer's dates — next follow-ups of my active projects, the landing milestones not yet reached of my
projects not lost (the milestone reminders' rule), and the park's events — for the calendar page (month, week) and the personal iCal feed.

The read table decides first: a role that does not read the pipeline (``crm.roles.WHO_READS``, service officers)
gets no entry at all. Then “my” is a project I own or co-officer; events are the park's, for every pipeline reader.
The feed's secret URL is the one thing written here: ``calendar_feed_renew`` (重新生成链接).
"""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import CalendarFeed, Event, Project, ProjectMilestone, Stage, User
from crm.notifications.site import site_profile
from crm.roles import Area, may_read

FEED_PAST_DAYS = 60  # the feed carries the last two months and everything ahead
FEED_FUTURE_DAYS = 366


@dataclass(frozen=True)
class Entry:
    day: date
    kind: str  # "follow_up", "milestone" or "event"
    title: str
    url_name: str
    pk: int

    @property
    def url(self) -> str:
        return reverse(self.url_name, args=[self.pk])

    @property
    def uid(self) -> str:
        return f"{self.kind}-{self.pk}@zijin-crm"


def _mine(user: User) -> Q:
    co = Project.co_officers.through.objects.filter(user=user).values("project_id")
    return Q(owner=user) | Q(pk__in=co)


def calendar_entries(*, user: User, start: date, end: date) -> list[Entry]:
    """The user's entries from ``start`` to ``end`` (both included), by day: three queries, or none for a role
    that does not read the pipeline."""
    if not may_read(user, Area.PIPELINE):
        return []
    entries = [
        Entry(p.next_follow_up_on, "follow_up", _("跟进：%(project)s") % {"project": p.name},
              "admin:crm_project_change", p.pk)
        for p in Project.objects.active().filter(_mine(user), next_follow_up_on__range=(start, end))
        .only("pk", "name", "next_follow_up_on")
    ]
    milestones = (
        ProjectMilestone.objects.filter(
            actual_on__isnull=True, planned_on__range=(start, end), project__in=Project.objects.filter(_mine(user))
        )
        .exclude(project__stage=Stage.LOST)  # as the milestone reminders: a lost project keeps no commitment
        .select_related("project")
        .only("pk", "kind", "planned_on", "project__name")
    )
    entries += [
        Entry(m.planned_on, "milestone", _("%(kind)s：%(project)s") % {"kind": m.get_kind_display(), "project": m.project.name},
              "admin:crm_projectmilestone_change", m.pk)
        for m in milestones
    ]
    entries += [
        Entry(e.held_on, "event", _("活动：%(name)s") % {"name": e.name}, "admin:crm_event_change", e.pk)
        for e in Event.objects.filter(held_on__range=(start, end)).only("pk", "name", "held_on")
    ]
    return sorted(entries, key=lambda entry: (entry.day, entry.kind, entry.title))


def calendar_feed_of(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


@transaction.atomic
def calendar_feed_renew(*, user: User) -> CalendarFeed:
    """Give ``user`` a new secret feed URL; the old one, if any, stops answering at once (404)."""
    token = secrets.token_urlsafe(32)
    feed, _created = CalendarFeed.objects.update_or_create(user=user, defaults={"token": token})
    return feed


def calendar_feed_user(token: str) -> User | None:
    """The active user whose feed this token opens, or None (unknown, revoked, or the user is inactive)."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active:
        return None
    return feed.user


def calendar_ical(*, user: User, today: date, absolute) -> bytes:
    """The user's entries as an iCalendar file (all-day events); ``absolute`` makes a link absolute."""
    from icalendar import Calendar
    from icalendar import Event as IcalEvent

    calendar = Calendar()
    calendar.add("prodid", "-//Zijin CRM//calendar//ZH")
    calendar.add("version", "2.0")
    park = site_profile().short_name
    calendar.add("x-wr-calname", _("%(park)s招商日历：%(user)s") % {"park": park, "user": user})
    stamped = timezone.now()
    start, end = today - timedelta(days=FEED_PAST_DAYS), today + timedelta(days=FEED_FUTURE_DAYS)
    for entry in calendar_entries(user=user, start=start, end=end):
        event = IcalEvent()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamped)
        event.add("dtstart", entry.day)
        event.add("dtend", entry.day + timedelta(days=1))
        event.add("summary", entry.title)
        event.add("url", absolute(entry.url))
        calendar.add_component(event)
    return calendar.to_ical()
