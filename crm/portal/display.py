"""How a request's SLA clock reads to an enterprise: 剩余 X 小时 / 已超时, in the three warning colours (三色预警)."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

# Yellow once less than this share of the SLA window is left.
AT_RISK_SHARE = 0.2


@dataclass(frozen=True)
class TimeLeft:
    label: str
    level: str  # "green" on time, "yellow" at risk, "red" overdue, "none" when the clock no longer runs
    paused: bool = False


def _duration(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, days = minutes // 60, minutes // (60 * 24)
    if hours < 1:
        return _("%(n)s 分钟") % {"n": minutes}
    if hours < 48:
        return _("%(n)s 小时") % {"n": hours}
    return _("%(d)s 天 %(h)s 小时") % {"d": days, "h": hours - days * 24}


def time_left(request, *, now: dt.datetime) -> TimeLeft:
    """The clock of an open request at ``now``; a paused clock (待外部审批) reads as of when it paused."""
    if not request.is_open:
        return TimeLeft(label="—", level="none")
    paused = request.paused_since is not None
    remaining = request.due_at - (request.paused_since or now)
    if remaining <= dt.timedelta(0):
        return TimeLeft(label=_("已超时 %(t)s") % {"t": _duration(-remaining)}, level="red", paused=paused)
    window = request.due_at - request.submitted_at - dt.timedelta(seconds=request.paused_seconds)
    level = "yellow" if remaining < window * AT_RISK_SHARE else "green"
    return TimeLeft(label=_("剩余 %(t)s") % {"t": _duration(remaining)}, level=level, paused=paused)
