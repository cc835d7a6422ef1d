"""The SLA clock of a request (办理时限), read once: time left, the three warning colours (三色预警), paused, a label.

Every screen reads a request's clock here: the staff queue (crm.admin), the enterprise portal, the API, the service
report (through ``colour_conditions``, the ORM twin of ``time_left``) and the reminders (``RUNNING``).

- **Time left** at ``now``: ``due_at − now``. A paused clock (待外部审批, ``paused_since`` set) reads as of when it
  paused: the time left stands still, whatever the wall clock says.
- **Red** (已超时): no time left — at the due time itself the request is overdue.
- **Yellow** (临期): more than ``AT_RISK_PERCENT_USED`` (80 %) of the SLA window used, i.e. less than
  ``AT_RISK_SHARE`` (a fifth) of it left — the threshold of the SLA reminder's last warning (“办理时限已用去 80%”).
  The window is due − submitted − time paused before (``paused_seconds``: each resumed pause moved ``due_at`` on by
  as much), i.e. the category's SLA.
- **Green** (正常): the rest.
- **None**: the request is no longer open (办结, 关闭, 撤回, 不予受理): its clock no longer runs.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.utils.translation import gettext as _

from crm.models import OPEN_REQUEST_STATUSES, ServiceRequest
from crm.models.functions import SecondsBetween

# Yellow once more than this percentage of the SLA window is used: the SLA reminder's default last threshold
# (crm.service_requests.reminders, rule request_sla), so that the warning and the colour come together.
AT_RISK_PERCENT_USED = 80
# … that is, once less than this share of the window is left (what the two readings below compare with).
AT_RISK_SHARE = (100 - AT_RISK_PERCENT_USED) / 100

GREEN, YELLOW, RED, NONE = "green", "yellow", "red", "none"
COLOURS = (GREEN, YELLOW, RED)

# The clock runs: open and not paused. The reminders' SLA rules look only at these requests.
RUNNING = Q(status__in=OPEN_REQUEST_STATUSES, paused_since__isnull=True)


@dataclass(frozen=True)
class Clock:
    """A request's clock at one moment: ``remaining`` is None once the request is no longer open."""

    remaining: dt.timedelta | None
    colour: str
    paused: bool = False

    @property
    def seconds(self) -> int | None:
        """Whole seconds left, negative once overdue (the API's ``time_left_seconds``)."""
        return None if self.remaining is None else int(self.remaining.total_seconds())

    @property
    def is_overdue(self) -> bool:
        return self.colour == RED

    @property
    def label(self) -> str:
        """剩余 X / 已超时 X, in minutes within the hour, hours within two days, else days and hours; “—” when closed."""
        if self.remaining is None:
            return "—"
        if self.colour == RED:
            return _("已超时 %(t)s") % {"t": _duration(-self.remaining)}
        return _("剩余 %(t)s") % {"t": _duration(self.remaining)}


def _duration(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, days = minutes // 60, minutes // (60 * 24)
    if hours < 1:
        return _("%(n)s 分钟") % {"n": minutes}
    if hours < 48:
        return _("%(n)s 小时") % {"n": hours}
    return _("%(d)s 天 %(h)s 小时") % {"d": days, "h": hours - days * 24}


def time_left(request: ServiceRequest, *, now: dt.datetime) -> Clock:
    """The clock of ``request`` at ``now``, by the rules in this module's docstring."""
    if not request.is_open:
        return Clock(remaining=None, colour=NONE)
    paused = request.paused_since is not None
    remaining = request.due_at - (request.paused_since or now)
    if remaining <= dt.timedelta(0):
        return Clock(remaining=remaining, colour=RED, paused=paused)
    window = request.due_at - request.submitted_at - dt.timedelta(seconds=request.paused_seconds)
    return Clock(remaining=remaining, colour=_colour(remaining, window), paused=paused)


def _colour(remaining: dt.timedelta, window: dt.timedelta) -> str:
    """Yellow once less than ``AT_RISK_SHARE`` of the window is left, green before (``remaining`` is positive)."""
    return YELLOW if remaining < window * AT_RISK_SHARE else GREEN


def routing_time_left(routing, *, now: dt.datetime) -> Clock:
    """A department's clock on a routing (分办, ``crm.models.Routing``) at ``now``, by the same rules as a request's:
    red at and past its due time, yellow once less than a fifth of its window (routed → due) is left, green before;
    none once the routing is no longer active (handed back, transferred, completed). A routing's clock never pauses.
    The admin's queue and request page show it in the same three colours."""
    if routing.status != "active":
        return Clock(remaining=None, colour=NONE)
    remaining = routing.due_at - now
    if remaining <= dt.timedelta(0):
        return Clock(remaining=remaining, colour=RED)
    return Clock(remaining=remaining, colour=_colour(remaining, routing.due_at - routing.routed_at))


def colour_conditions(now: dt.datetime) -> dict[str, Q]:
    """The ORM twin of ``time_left``: for each of ``COLOURS``, the condition on a request that has it at ``now``.

    Open requests only; they fall into exactly one colour. Red is the overdue list (``crm_request_open_due_idx``).
    """
    moment = Coalesce(F("paused_since"), Value(now))
    remaining = SecondsBetween(F("due_at"), moment)
    window = SecondsBetween(F("due_at"), F("submitted_at")) - F("paused_seconds")
    is_open = Q(status__in=OPEN_REQUEST_STATUSES)
    time_is_left = Q(due_at__gt=moment)
    at_risk = Q(LessThan(remaining, window * Value(AT_RISK_SHARE)))
    return {
        GREEN: is_open & time_is_left & ~at_risk,
        YELLOW: is_open & time_is_left & at_risk,
        RED: is_open & Q(due_at__lte=moment),
    }
