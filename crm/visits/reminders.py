"""The reminder of 包联: an in-park enterprise not visited for ``days`` (``key_project_days`` for 重点企业) is told to
its responsible officer (包联干部) — registered with the reminder engine at start-up (``crm.apps``).

The clock counts from the last visit's date (``Enterprise.last_visited_on``, kept by ``crm.visits.services``), or
from the enterprise's registration for one never visited. The key holds that date
(``enterprise:7:not_visited:2026-09-01``): a lapse is reminded once; a visit moves the date, so the next lapse is
reminded again.

**Cost.** Unlike the window rules of ``crm.pipeline.reminders``, this rule reads a *state*: every in-park enterprise
overdue now (``crm_enterprise_visit_due_idx``), whose keys are then looked up once (one query per 500). An
enterprise whose lapse began before the sweep's catch-up window — one never visited since long before the rule was
switched on, or put in charge of an officer only today — is still reminded, once. It is read on the first sweep of
each day only (its thresholds are dates). A park has hundreds to a few thousand enterprises, so the cost stays small; the same condition feeds the workbench's 待走访
(``enterprise_visit_due_condition``: one reading of the rule).
"""

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Enterprise, ReminderRule
from crm.notifications.links import staff_link
from crm.notifications.rules import rules_register
from crm.notifications.sweep import Due, Sweep, responsible

Code = ReminderRule.Code

VISIT_DAYS, KEY_VISIT_DAYS = 90, 30  # the defaults of the rule's row: 一般企业 90 天、重点企业 30 天
DUE_SOON_DAYS = 14  # the workbench lists an enterprise this many days before its visit falls due


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def visit_periods(rule: ReminderRule | None = None) -> tuple[int, int]:
    """(days, key days) of the rule's row (read here unless given), else the defaults."""
    if rule is None:
        rule = ReminderRule.objects.filter(code=Code.ENTERPRISE_NOT_VISITED).first()
    days = rule.days if rule is not None and rule.days is not None else VISIT_DAYS
    key_days = rule.key_project_days if rule is not None and rule.key_project_days is not None else KEY_VISIT_DAYS
    return days, key_days


def visit_anchor(enterprise: Enterprise) -> dt.date:
    """The date the "not visited" clock counts from: the last visit, else the enterprise's registration."""
    return enterprise.last_visited_on or timezone.localdate(enterprise.created_at)


def visit_due_on(enterprise: Enterprise, *, periods: tuple[int, int]) -> dt.date:
    """The day an enterprise's next visit is due (the reminder fires that morning)."""
    days, key_days = periods
    return visit_anchor(enterprise) + dt.timedelta(days=key_days if enterprise.is_key else days)


def enterprise_visit_due_condition(*, today: dt.date, periods: tuple[int, int], ahead_days: int = 0) -> Q:
    """In-park enterprises whose visit is due by ``today + ahead_days``: not visited for ``days`` (``key days``
    for 重点企业) — the ORM twin of ``visit_due_on``. ``ahead_days=0`` is the reminder's "overdue"."""
    condition = Q()
    for is_key, threshold in ((False, periods[0]), (True, periods[1])):
        last = today + dt.timedelta(days=ahead_days) - dt.timedelta(days=threshold)  # anchor ≤ last
        condition |= Q(is_key=is_key) & (
            Q(last_visited_on__lte=last)
            | Q(last_visited_on__isnull=True, created_at__lt=_day_start(last + dt.timedelta(days=1)))
        )
    return Q(status=Enterprise.Status.IN_PARK) & condition


def enterprise_not_visited(sweep: Sweep, rule: ReminderRule, lower: dt.datetime) -> list[Due]:
    """Read once a day: the first sweep whose window crosses a midnight (the thresholds are dates, and a lapse
    fires from 00:00 on its day); the sweeps in between ask nothing. An enterprise put in charge of an officer
    during the day is found the next morning."""
    today = timezone.localdate(sweep.now)
    if timezone.localdate(lower) >= today:
        return []
    periods = visit_periods(rule)
    enterprises = Enterprise.objects.filter(enterprise_visit_due_condition(today=today, periods=periods))
    if not rule.recipient_groups.all():  # nobody but the officer to tell: enterprises without one are skipped
        enterprises = enterprises.filter(responsible_officer__isnull=False)
    found = []
    for enterprise in enterprises.select_related("responsible_officer").order_by("pk"):
        anchor = visit_anchor(enterprise)
        days = (today - anchor).days
        last = enterprise.last_visited_on
        found.append(
            Due(
                key=f"enterprise:{enterprise.pk}:not_visited:{anchor.isoformat()}",
                rule=rule,
                subject=_("企业“%(name)s”已 %(days)s 天未走访") % {"name": enterprise, "days": days},
                body="\n".join([
                    _("最近走访：%(last)s") % {"last": last or _("未走访")},
                    _("走访周期：%(period)s 天（%(kind)s）") % {
                        "period": periods[1] if enterprise.is_key else periods[0],
                        "kind": _("重点企业") if enterprise.is_key else _("一般企业"),
                    },
                    staff_link(enterprise),
                ]),
                target=enterprise,
                people=responsible(rule, enterprise.responsible_officer),
            )
        )
    return found


RULES = {
    Code.ENTERPRISE_NOT_VISITED: (
        enterprise_not_visited,
        {"days": VISIT_DAYS, "key_project_days": KEY_VISIT_DAYS, "notify_responsible": True, "groups": [],
         "send_webhook": False},
    ),
}
rules_register(app_label="crm", rules=RULES)
