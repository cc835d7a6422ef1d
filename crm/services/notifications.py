"""Notifications: write the rows, hand them to Celery after commit, deliver them one channel at a time.

Three channels. **In-app**: the ``Notification`` row itself (the portal's list and badge read it), written
already delivered. **E-mail** through Django's e-mail backend (console locally, SMTP by settings).
**Webhook**: a 企业微信 / 钉钉 group-chat robot (``NotificationWebhook``), posted with the standard library.

Every e-mail or webhook row is delivered by its own task, ``crm.tasks.deliver_notification``, so a
channel that fails never holds up another. Delivery is idempotent: a row is claimed with a conditional
update (pending/failed → sending) before anything is sent, so a retried or duplicated task sends nothing
twice. Transient errors (network, SMTP, timeouts) are retried with exponential back-off; after
``REMINDERS_MAX_ATTEMPTS`` attempts, or at once for an error that a retry cannot fix, the row is
*parked* and shown in the admin. Nothing depends on the broker keeping a message: a row that was never
enqueued (broker down) or whose retry was lost is picked up by the next reminder sweep from
``next_attempt_at``.

The immediate events — ``notify_request_submitted``, ``notify_message_posted``, ``notify_status_changed`` —
are called by the service that made the change, inside its transaction.
"""

import datetime as dt
import http.client
import json
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib import error as urllib_error
from urllib import request as urllib_request
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import get_connection, send_mail
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from crm.models import (
    Notification,
    NotificationWebhook,
    ReminderRule,
    ServiceRequest,
    ServiceRequestMessage,
    ServiceRequestTransition,
    User,
)

logger = logging.getLogger(__name__)

Channel = Notification.Channel
Status = Notification.Status

# A new e-mail/webhook row is handed to a worker on commit; if that message is lost (broker down),
# the sweep sends it once it is this old.
ENQUEUE_GRACE = dt.timedelta(minutes=2)
# Keys are looked up in chunks so an IN list never grows past what the database plans well.
KEY_CHUNK = 500


# ---------------------------------------------------------------------------------------------------
# Writing notifications
# ---------------------------------------------------------------------------------------------------


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


def enqueue(task, *args) -> bool:
    """Publish ``task(*args)`` to the broker; if the broker is unreachable, log and return False.

    The web request that triggered it has already committed its work and must not fail or hang: the
    publish gives up within the bounds set in settings (connection timeout, one retry), and the
    notification, still pending in the database, is sent by the next reminder sweep.
    """
    try:
        task.apply_async(args=args)
    except BROKER_ERRORS as error:
        logger.warning("broker unavailable, %s%r left for the next sweep: %r", task.name, args, error)
        return False
    return True


def enqueue_delivery(notification_id: int) -> bool:
    from crm.tasks import deliver_notification

    return enqueue(deliver_notification, notification_id)


def _broker_errors() -> tuple:
    from kombu.exceptions import KombuError, OperationalError

    errors = [OperationalError, KombuError, OSError, TimeoutError]
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - redis is a pinned dependency
        pass
    else:
        errors.append(RedisError)
    return tuple(errors)


BROKER_ERRORS = _broker_errors()


def notifications_create(
    drafts: Iterable[Draft], *, now: dt.datetime, deliver: Callable[[int], object] | None = None
) -> list[Notification]:
    """Write ``drafts`` and, once the transaction commits, hand each new e-mail/webhook row to ``deliver``.

    Rows whose (key, recipient, channel) — or (key, robot) — already exists are skipped by the database
    (``ignore_conflicts``), so two sweeps racing each other write every row once. PostgreSQL does not
    say which rows a conflict-ignoring insert wrote, so each call stamps its rows with a fresh ``batch``
    id and reads back, by key, the rows carrying it: only those are enqueued. Returns them.
    """
    deliver = deliver or enqueue_delivery
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
        to_send = [n.pk for n in created if n.status == Status.PENDING]
        if to_send:
            transaction.on_commit(lambda: [deliver(pk) for pk in to_send], robust=True)
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


# ---------------------------------------------------------------------------------------------------
# Delivering one notification
# ---------------------------------------------------------------------------------------------------


class PermanentDeliveryError(Exception):
    """A failure that trying again will not fix (no e-mail address, robot rejected the message): park at once."""


class WebhookBusy(OSError):
    """The robot asked us to slow down (rate limit): transient."""


# Retried with back-off; anything else parks the notification at once.
TRANSIENT_ERRORS = (OSError, TimeoutError, http.client.HTTPException)  # OSError covers SMTPException and URLError

# Robot error codes meaning "too many messages, try later" (企业微信 45009, 钉钉 130101 / 410100).
WEBHOOK_RATE_LIMIT_CODES = {45009, 130101, 410100}


@dataclass(frozen=True)
class DeliveryOutcome:
    status: str  # "sent", "failed" (will be retried), "parked", or "skipped" (someone else has it / done)
    retry_in: int | None = None
    error: str = ""


def _lease() -> dt.timedelta:
    # A row stays claimed ("sending") this long; after that a crashed worker's claim may be taken over.
    return dt.timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 120) + 60)


def retry_backoff(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failed attempt: 30, 60, 120, ... up to 15 minutes."""
    return min(settings.REMINDERS_RETRY_BACKOFF * 2 ** max(attempts - 1, 0), settings.REMINDERS_RETRY_BACKOFF_MAX)


def notification_deliver(*, notification_id: int, now: dt.datetime | None = None) -> DeliveryOutcome:
    """Send one notification through its channel, at most once however often it is called."""
    now = now or timezone.now()
    claimable = Q(status__in=[Status.PENDING, Status.FAILED]) | Q(status=Status.SENDING, next_attempt_at__lte=now)
    claimed = (
        Notification.objects.filter(claimable, pk=notification_id)
        .update(status=Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now + _lease())
    )
    if not claimed:
        return DeliveryOutcome("skipped")
    notification = Notification.objects.select_related("recipient", "webhook").get(pk=notification_id)
    # Later writes only apply while this claim still holds (same attempt number, still sending).
    ours = Notification.objects.filter(pk=notification_id, status=Status.SENDING, attempts=notification.attempts)
    try:
        CHANNEL_SENDERS[notification.channel](notification)
    except TRANSIENT_ERRORS as error:
        message = _describe(error)
        if notification.attempts >= settings.REMINDERS_MAX_ATTEMPTS:
            ours.update(status=Status.PARKED, last_error=message, next_attempt_at=None)
            logger.error("notification %s parked after %s attempts: %s", notification_id, notification.attempts, message)
            return DeliveryOutcome("parked", error=message)
        wait = retry_backoff(notification.attempts)
        ours.update(status=Status.FAILED, last_error=message, next_attempt_at=now + dt.timedelta(seconds=wait))
        logger.warning("notification %s failed (attempt %s), retry in %ss: %s", notification_id, notification.attempts, wait, message)
        return DeliveryOutcome("failed", retry_in=wait, error=message)
    except Exception as error:
        message = _describe(error)
        ours.update(status=Status.PARKED, last_error=message, next_attempt_at=None)
        logger.error("notification %s parked: %s", notification_id, message)
        return DeliveryOutcome("parked", error=message)
    ours.update(status=Status.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None)
    return DeliveryOutcome("sent")


def notifications_retry(*, notifications) -> int:
    """Put parked (or failed) notifications back in the queue with a fresh set of attempts — an admin action."""
    ids = list(notifications.filter(status__in=[Status.PARKED, Status.FAILED]).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(status=Status.PENDING, attempts=0, next_attempt_at=timezone.now())
    transaction.on_commit(lambda: [enqueue_delivery(pk) for pk in ids], robust=True)
    return len(ids)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _send_in_app(notification: Notification) -> None:
    """The row is the in-app message; nothing to send."""


def _send_email(notification: Notification) -> None:
    recipient = notification.recipient
    if not recipient.is_active:
        raise PermanentDeliveryError("接收人已停用")
    if not recipient.email:
        raise PermanentDeliveryError("接收人没有邮箱")
    connection = get_connection(timeout=settings.REMINDERS_EMAIL_TIMEOUT)
    send_mail(
        notification.subject,
        notification.body,
        settings.DEFAULT_FROM_EMAIL,
        [recipient.email],
        connection=connection,
    )


def webhook_payload(*, subject: str, body: str) -> dict:
    """The text message both 企业微信 and 钉钉 robots accept."""
    content = f"{subject}\n{body}".strip()
    return {"msgtype": "text", "text": {"content": content}}


def webhook_post(*, url: str, payload: dict, timeout: float | None = None) -> dict:
    """POST ``payload`` as JSON to a robot; return its JSON answer, raising on any refusal.

    HTTP 5xx, 429, network errors and the robots' rate-limit codes are transient; other 4xx answers and
    other non-zero ``errcode`` values (a wrong key, a blocked keyword) are permanent.
    """
    if urlsplit(url).scheme not in ("http", "https"):
        raise PermanentDeliveryError(f"不支持的地址：{url}")
    data = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib_request.Request(  # noqa: S310 - scheme checked above
        url, data=data, method="POST", headers={"Content-Type": "application/json; charset=utf-8"}
    )
    timeout = timeout if timeout is not None else settings.REMINDERS_WEBHOOK_TIMEOUT
    try:
        with urllib_request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked above
            raw = response.read(65536)
    except urllib_error.HTTPError as error:
        if error.code >= 500 or error.code == 429:
            raise
        raise PermanentDeliveryError(f"HTTP {error.code} {error.reason}") from None
    try:
        answer = json.loads(raw or b"{}")
    except ValueError:
        answer = {}
    code = answer.get("errcode", 0) if isinstance(answer, dict) else 0
    if code:
        message = f"errcode {code}: {answer.get('errmsg', '')}"
        if code in WEBHOOK_RATE_LIMIT_CODES:
            raise WebhookBusy(message)
        raise PermanentDeliveryError(message)
    return answer


def _send_webhook(notification: Notification) -> None:
    hook = notification.webhook
    if not hook.is_active:
        raise PermanentDeliveryError("群机器人已停用")
    webhook_post(url=hook.url, payload=webhook_payload(subject=notification.subject, body=notification.body))


CHANNEL_SENDERS = {Channel.IN_APP: _send_in_app, Channel.EMAIL: _send_email, Channel.WEBHOOK: _send_webhook}


def webhook_send_test(*, webhook: NotificationWebhook) -> str:
    """Post a test message to a robot now (admin action); returns "" or what went wrong."""
    try:
        webhook_post(url=webhook.url, payload=webhook_payload(subject="紫金港科技城 CRM 测试消息", body="收到即表示群机器人配置正确。"))
    except (PermanentDeliveryError, *TRANSIENT_ERRORS) as error:
        return _describe(error)
    return ""


# ---------------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------------


def notifications_mark_read(*, user: User, notification: Notification | None = None, now: dt.datetime | None = None) -> int:
    """Mark ``user``'s unread in-app notifications read — one of them, or all. Someone else's are never
    touched (a personal flag: not part of any audited workflow). Returns how many changed."""
    unread = Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True)
    if notification is not None:
        unread = unread.filter(pk=notification.pk)
    changed = unread.update(read_at=now or timezone.now())
    if notification is not None and changed:
        notification.refresh_from_db(fields=["read_at"])
    return changed


# ---------------------------------------------------------------------------------------------------
# Immediate events
# ---------------------------------------------------------------------------------------------------


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


def site_link(viewname: str, *args) -> str:
    try:
        return settings.REMINDERS_SITE_URL.rstrip("/") + reverse(viewname, args=args)
    except NoReverseMatch:
        return ""


def staff_link(obj) -> str:
    return site_link(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", obj.pk)


def enterprise_link(request: ServiceRequest) -> str:
    return site_link("portal:request-detail", request.pk)


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _lines(*lines: str) -> str:
    return "\n".join(line for line in lines if line)


def notify_request_submitted(request: ServiceRequest) -> list[Notification]:
    """新诉求: tell the service desk (the rule's groups, ``service_officer`` by default) and its robots."""
    rule = rule_get(ReminderRule.Code.REQUEST_SUBMITTED)
    if rule is None:
        return []
    group_ids = [g.pk for g in rule.recipient_groups.all()]
    drafts = drafts_for(
        key=f"request:{request.pk}:submitted",
        rule=rule,
        subject=f"新诉求 #{request.pk}：{request.enterprise}「{request.title}」",
        body=_lines(
            f"类别：{request.category}",
            f"提交时间：{local(request.submitted_at)}，办理时限：{local(request.due_at)}",
            staff_link(request),
        ),
        target=request,
        recipients=[u for users in group_members(group_ids).values() for u in users],
        webhooks=WebhookIndex.load().matching(category_id=request.category_id, group_ids=group_ids),
    )
    return notifications_create(drafts, now=timezone.now())


def notify_message_posted(message: ServiceRequestMessage) -> list[Notification]:
    """新留言: to the other side of the thread — the enterprise's submitter when staff write, the assignee
    (or the desk while nobody has the request) when the enterprise writes. Internal notes notify nobody."""
    if message.is_internal:
        return []
    rule = rule_get(ReminderRule.Code.MESSAGE_POSTED)
    if rule is None:
        return []
    request = message.request
    author = message.author
    if author.is_staff:
        recipients = [request.submitted_by] if rule.notify_responsible else []
        link = enterprise_link(request)
    elif request.assignee_id and rule.notify_responsible:
        recipients = [request.assignee]
        link = staff_link(request)
    else:
        recipients = rule_group_members(rule)
        link = staff_link(request)
    recipients = [user for user in recipients if user.pk != author.pk]
    drafts = drafts_for(
        key=f"message:{message.pk}:posted",
        rule=rule,
        subject=f"诉求 #{request.pk}「{request.title}」有新留言",
        body=_lines(f"{author}：{message.body[:500]}", link),
        target=request,
        recipients=recipients,
    )
    return notifications_create(drafts, now=timezone.now())


def notify_status_changed(request: ServiceRequest, transition: ServiceRequestTransition) -> list[Notification]:
    """状态变更: tell the enterprise user who submitted the request, unless they made the change themselves."""
    if transition.action == "submit" or transition.actor_id == request.submitted_by_id:
        return []
    rule = rule_get(ReminderRule.Code.STATUS_CHANGED)
    if rule is None or not rule.notify_responsible:
        return []
    drafts = drafts_for(
        key=f"request:{request.pk}:transition:{transition.pk}",
        rule=rule,
        subject=f"您的诉求「{request.title}」{transition.get_to_status_display()}",
        body=_lines(
            f"状态：{transition.get_from_status_display() or '—'} → {transition.get_to_status_display()}",
            f"说明：{transition.note}" if transition.note else "",
            enterprise_link(request),
        ),
        target=request,
        recipients=[request.submitted_by],
    )
    return notifications_create(drafts, now=timezone.now())
