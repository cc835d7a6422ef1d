"""The outbox: turn what is due into notification rows, once, and hand the e-mail and webhook rows to Celery.

Three channels. **In-app**: the ``Notification`` row itself (the portal's list and badge read it), written
already delivered. **E-mail** and **webhook** (a 企业微信 / 钉钉 group-chat robot, ``NotificationWebhook``)
rows wait for a worker (``crm.notifications.delivery``). Nothing depends on the broker keeping a message:
a row that was never enqueued (broker down) is picked up by the next sweep from ``next_attempt_at``.

Every row a transaction writes is handed over in ONE call once it commits (``hand_over``): a submission
that notifies five people and three robots publishes one message, with one bounded wait.
"""

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from crm.models import (
    Notification,
    NotificationWebhook,
    ReminderRule,
    User,
)
from crm.notifications import tasks as notification_tasks

logger = logging.getLogger(__name__)


Channel = Notification.Channel


Status = Notification.Status


# A new e-mail/webhook row is handed to a worker on commit; if that message is lost (broker down),
# the sweep sends it once it is this old.
ENQUEUE_GRACE = dt.timedelta(minutes=2)


# Keys are looked up in chunks so an IN list never grows past what the database plans well.
KEY_CHUNK = 500


@dataclass(frozen=True)
class Draft:
    """One notification to write: what it is about, to whom (a person or a robot), through which channel."""

    key: str
    rule: str
    channel: str
    subject: str
    body: str
    target: models.Model | None = None
    recipient: User | None = None
    webhook: NotificationWebhook | None = None

    @property
    def addressee(self) -> str:
        if self.webhook is not None:
            return f"webhook:{self.webhook.name}"
        return self.recipient.username

    @property
    def sort_key(self):
        return (self.key, self.channel, self.recipient.pk if self.recipient else 0, self.webhook.pk if self.webhook else 0)


@dataclass
class WebhookIndex:
    """The active robots with the category and group ids they listen to (loaded once per sweep or event)."""

    hooks: list = field(default_factory=list)

    @classmethod
    def load(cls) -> "WebhookIndex":
        hooks = list(NotificationWebhook.objects.filter(is_active=True).prefetch_related("categories", "groups"))
        return cls(
            [(hook, {c.pk for c in hook.categories.all()}, {g.pk for g in hook.groups.all()}) for hook in hooks]
        )

    def matching(self, *, category_id: int | None, group_ids: Iterable[int]) -> list[NotificationWebhook]:
        group_ids = set(group_ids)
        return [
            hook for hook, categories, groups in self.hooks if (category_id in categories) or (groups & group_ids)
        ]


def drafts_for(
    *,
    key: str,
    rule: ReminderRule,
    subject: str,
    body: str,
    target: models.Model | None,
    recipients: Iterable[User],
    webhooks: Iterable[NotificationWebhook] = (),
) -> list[Draft]:
    """The rows for one reminder: in-app (and e-mail if the rule says so and there is an address) per person,
    plus one per matching robot. Inactive people and duplicates are dropped."""
    drafts, seen = [], set()
    subject = " ".join(subject.split())[:200]  # one line: e-mail headers refuse newlines
    common = {"key": key, "rule": rule.code, "subject": subject, "body": body, "target": target}
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        drafts.append(Draft(channel=Channel.IN_APP, recipient=user, **common))
        if rule.send_email and user.email:
            drafts.append(Draft(channel=Channel.EMAIL, recipient=user, **common))
    if rule.send_webhook:
        drafts.extend(Draft(channel=Channel.WEBHOOK, webhook=hook, **common) for hook in {h.pk: h for h in webhooks}.values())
    return drafts




Deliver = Callable[[list[int]], object]


class _HandOver:
    """The ids a transaction has written, per ``deliver``, handed over by one on-commit hook."""

    def __init__(self):
        self.ids: dict[Deliver, list[int]] = {}
        self.done = False

    def add(self, deliver: Deliver, ids: Iterable[int]) -> None:
        self.ids.setdefault(deliver, []).extend(ids)

    def __call__(self) -> None:
        self.done = True
        for deliver, ids in self.ids.items():
            try:
                deliver(list(dict.fromkeys(ids)))
            except Exception:  # one failing hand-over must not stop the others; the sweep sends what is left
                logger.exception("hand-over of notifications %s failed", ids)


def hand_over(ids: Iterable[int], *, deliver: Deliver | None = None) -> None:
    """Once the current transaction commits, hand ``ids`` (e-mail/webhook rows) to ``deliver`` — the Celery
    hand-over ``enqueue_deliveries`` by default — in one call for everything the transaction wrote.

    Outside a transaction the rows are handed over at once. If the transaction rolls back, nothing is."""
    ids = list(ids)
    if not ids:
        return
    deliver = deliver or notification_tasks.enqueue_deliveries
    connection = transaction.get_connection()
    pending = getattr(connection, "_notifications_hand_over", None)
    if (
        pending is not None
        and not pending.done
        and connection.in_atomic_block
        and any(hook is pending for _sids, hook, _robust in connection.run_on_commit)
    ):
        pending.add(deliver, ids)  # this transaction already hands over: join it
        return
    pending = _HandOver()
    pending.add(deliver, ids)
    connection._notifications_hand_over = pending
    transaction.on_commit(pending, robust=True)  # runs at once outside a transaction


def notifications_create(
    drafts: Iterable[Draft], *, now: dt.datetime, deliver: Deliver | None = None
) -> list[Notification]:
    """Write ``drafts`` and, once the transaction commits, hand the new e-mail/webhook rows to ``deliver``
    (``hand_over``: one call per transaction).

    Rows whose (key, recipient, channel) — or (key, robot) — already exists are skipped by the database
    (``ignore_conflicts``), so two sweeps racing each other write every row once. PostgreSQL does not
    say which rows a conflict-ignoring insert wrote, so each call stamps its rows with a fresh ``batch``
    id and reads back, by key, the rows carrying it: only those are enqueued. Returns them.
    """
    drafts = sorted(drafts, key=lambda d: d.sort_key)  # one insertion order for every sweep: no deadlock
    if not drafts:
        return []
    batch = uuid.uuid4().hex
    rows = [_row(draft, now=now, batch=batch) for draft in drafts]
    keys = sorted({draft.key for draft in drafts})
    with transaction.atomic(savepoint=False):  # part of the caller's transaction when there is one
        Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=KEY_CHUNK)
        created = []
        for start in range(0, len(keys), KEY_CHUNK):
            created += Notification.objects.filter(key__in=keys[start : start + KEY_CHUNK], batch=batch).select_related(
                "recipient", "webhook"
            )
        hand_over([n.pk for n in created if n.status == Status.PENDING], deliver=deliver)
    created.sort(key=lambda n: n.pk)
    return created


def _row(draft: Draft, *, now: dt.datetime, batch: str) -> Notification:
    in_app = draft.channel == Channel.IN_APP
    target = draft.target
    return Notification(
        key=draft.key,
        rule=draft.rule,
        recipient=draft.recipient,
        webhook=draft.webhook,
        channel=draft.channel,
        subject=draft.subject,
        body=draft.body,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=target.pk if target is not None else None,
        # In-app is delivered by existing; the others wait for a worker.
        status=Status.SENT if in_app else Status.PENDING,
        sent_at=now if in_app else None,
        next_attempt_at=None if in_app else now + ENQUEUE_GRACE,
        batch=batch,
    )


def rule_get(code: str) -> ReminderRule | None:
    """The rule, with its recipient groups, or None when it is missing or switched off."""
    rule = ReminderRule.objects.filter(code=code, enabled=True).prefetch_related("recipient_groups").first()
    if rule is None:
        logger.info("reminder rule %s is off", code)
    return rule


def group_members(group_ids: Iterable[int]) -> dict[int, list[User]]:
    """Active members of each group, in one query."""
    group_ids = sorted(set(group_ids))
    members: dict[int, list[User]] = {gid: [] for gid in group_ids}
    if not group_ids:
        return members
    for user in User.objects.filter(groups__in=group_ids, is_active=True).annotate(group_id=F("groups__id")).order_by("pk"):
        members[user.group_id].append(user)
    return members


def rule_group_members(rule: ReminderRule) -> list[User]:
    group_ids = [g.pk for g in rule.recipient_groups.all()]
    return [user for users in group_members(group_ids).values() for user in users]


def notifications_retry(*, notifications) -> int:
    """Put parked (or failed) notifications back in the queue with a fresh set of attempts — an admin action."""
    ids = list(notifications.filter(status__in=[Status.PARKED, Status.FAILED]).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(status=Status.PENDING, attempts=0, next_attempt_at=timezone.now())
    hand_over(ids)
    return len(ids)
