"""The reminder sweep: derive from the database what is due now and write it, once, as notifications.

The sweep knows no domain: it runs the rules registered in ``crm.notifications.rules`` (service requests' in
``crm.service_requests.reminders``, projects' in ``crm.pipeline.reminders``, the parks' in ``parks.reminders``), drops what was sent before, and
writes the rest through the outbox.

Celery beat runs ``crm.tasks.reminders_sweep_task`` every five minutes; ``manage.py send_reminders`` runs
the same function by hand. The database is the source of truth: each reminder has a unique key
(object, rule, threshold), so a sweep that runs twice, two beat processes, or a sweep racing a retry
never write — and so never send — a reminder twice, and a sweep that did not run is caught up by the next.

**Cost follows what is due, not what is open.** Each rule is asked only for the objects that crossed its
threshold since the rule was last swept (``ReminderRule.last_swept_at``, less a 15-minute overlap for
transactions still committing then, and at most ``REMINDERS_CATCH_UP_HOURS`` back): ``Sweep.lower``. The
rules and the indexes they scan are listed in those modules.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q

from crm.models import Notification, ReminderRule, User
from crm.notifications.language import in_delivery_language
from crm.notifications.outbox import (
    Deliver,
    Draft,
    WebhookIndex,
    drafts_for,
    group_members,
    hand_over,
    notifications_create,
)
from crm.notifications.rules import registered_rules

logger = logging.getLogger(__name__)

Status = Notification.Status


# Each sweep looks this far behind the previous one, for rows committed just after it read.
OVERLAP = dt.timedelta(minutes=15)
# At most this many unsent notifications are re-enqueued per sweep (the rest wait for the next one).
RETRY_BATCH = 1000
KEY_CHUNK = 500


@dataclass
class Due:
    """One reminder found due: what it is about and who is responsible; recipients are added from the rule."""

    key: str
    rule: ReminderRule
    subject: str
    target: models.Model | None
    people: list = field(default_factory=list)
    body: str = ""
    category_id: int | None = None
    render: Callable[[], str] | None = None  # builds the body only if the reminder is really sent (digest)


@dataclass
class SweepResult:
    now: dt.datetime
    dry_run: bool
    due: list[Due]
    drafts: list[Draft]
    created: list[Notification]
    retried: list[int]


@dataclass
class Sweep:
    """What one sweep knows: its time, the rules, and what its rules load once and share (``memo``)."""

    now: dt.datetime
    rules: dict
    catch_up: dt.timedelta
    _memo: dict = field(default_factory=dict)
    dry_run: bool = False  # a rule with a side effect of its own (parks: the daily grants task) skips it then

    def lower(self, rule: ReminderRule) -> dt.datetime:
        """Objects that crossed the rule's threshold after this moment are looked at."""
        floor = self.now - self.catch_up
        if rule.last_swept_at is None or rule.last_swept_at > self.now:  # never swept, or a replay of the past
            return floor
        return max(rule.last_swept_at - OVERLAP, floor)

    def memo(self, name: str, load: Callable[[], object]):
        """``load()`` once per sweep (e.g. the service categories and the working calendar of the SLA rules)."""
        if name not in self._memo:
            self._memo[name] = load()
        return self._memo[name]


def responsible(rule: ReminderRule, user: User | None) -> list[User]:
    """The person responsible for what is due (assignee, owner), if the rule notifies them."""
    return [user] if (rule.notify_responsible and user is not None) else []


@in_delivery_language
def reminders_sweep(*, now: dt.datetime, dry_run: bool = False, deliver: Deliver | None = None) -> SweepResult:
    """Write every reminder due at ``now`` that was not written before, and hand new e-mails and webhook
    posts to ``deliver`` after commit; then re-hand any notification still unsent past its next attempt —
    all of them in one call (``hand_over``), so one message to the broker.

    ``dry_run`` writes nothing and returns what would be written. The guarantees are in the module
    docstring; ``deliver`` is the Celery enqueue by default and a direct call in ``send_reminders``.
    """
    rules = {rule.code: rule for rule in ReminderRule.objects.prefetch_related("recipient_groups")}
    sweep = Sweep(now=now, rules=rules, catch_up=dt.timedelta(hours=settings.REMINDERS_CATCH_UP_HOURS), dry_run=dry_run)
    due, swept = [], []
    for registered in registered_rules():
        rule = rules.get(registered.code)
        if registered.evaluate is None or rule is None or not rule.enabled:
            continue
        swept.append(rule.pk)
        due += registered.evaluate(sweep, rule, sweep.lower(rule))
    due = _not_yet_notified(due)
    for item in due:
        if item.render is not None:
            item.body = item.render()
    drafts = _drafts(due)
    if dry_run:
        return SweepResult(now, True, due, drafts, [], list(_unsent(now)))
    with transaction.atomic():
        created = notifications_create(drafts, now=now, deliver=deliver)
        ReminderRule.objects.filter(pk__in=swept).filter(
            Q(last_swept_at__isnull=True) | Q(last_swept_at__lt=now)
        ).update(last_swept_at=now)
        new = {n.pk for n in created}
        retried = [pk for pk in _unsent(now) if pk not in new]
        hand_over(retried, deliver=deliver)  # joins the new rows' hand-over: one message
    if created or retried:
        logger.info("reminder sweep at %s: %s new notifications, %s re-sent", now, len(created), len(retried))
    return SweepResult(now, False, due, drafts, created, retried)


def _not_yet_notified(due: list[Due]) -> list[Due]:
    """Drop reminders whose key was written before (by any earlier sweep), using the unique key's index."""
    keys = sorted({item.key for item in due})
    seen = set()
    for start in range(0, len(keys), KEY_CHUNK):
        seen.update(
            Notification.objects.filter(key__in=keys[start : start + KEY_CHUNK])
            .order_by()
            .values_list("key", flat=True)
            .distinct()
        )
    unique = {}
    for item in due:
        if item.key not in seen:
            unique.setdefault(item.key, item)
    return list(unique.values())


def _drafts(due: list[Due]) -> list[Draft]:
    if not due:
        return []
    rule_groups = {item.rule.pk: [g.pk for g in item.rule.recipient_groups.all()] for item in due}
    members = group_members(gid for gids in rule_groups.values() for gid in gids)
    webhooks = WebhookIndex.load() if any(item.rule.send_webhook for item in due) else WebhookIndex()
    drafts = []
    for item in due:
        group_ids = rule_groups[item.rule.pk]
        recipients = list(item.people) + [user for gid in group_ids for user in members[gid]]
        drafts += drafts_for(
            key=item.key,
            rule=item.rule,
            subject=item.subject,
            body=item.body,
            target=item.target,
            recipients=recipients,
            webhooks=webhooks.matching(category_id=item.category_id, group_ids=group_ids),
        )
    return drafts


def _unsent(now: dt.datetime):
    """Notifications not sent whose next attempt is due: never enqueued (broker down), retry lost, or a
    worker that died while sending. A range scan on crm_notification_unsent_idx."""
    return (
        Notification.objects.filter(status__in=[Status.PENDING, Status.SENDING, Status.FAILED], next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:RETRY_BATCH]
    )
