"""Delivering one notification through its channel, once however often a worker is asked to.

Every e-mail or webhook row is delivered by its own task, ``crm.notifications.tasks.deliver_notification``, so a
channel that fails never holds up another. Delivery is idempotent: a row is claimed with a conditional
update (pending/failed → sending, or a sending row whose lease has run out) before anything is sent, so a
retried, duplicated or redelivered task sends nothing while the claim holds (``REMINDERS_DELIVERY_LEASE``),
and the row is marked sent by the very next statement after the channel answers, in its own autocommit
write. What is promised (docs/reminders.md): each row is delivered and marked sent exactly once; the
message itself reaches the e-mail server or robot *at least* once — twice only when the worker dies
between the channel's answer and that write (a delivery in flight at the crash: at most one per worker
process). Transient errors (network, SMTP, timeouts) are retried with exponential back-off; after
``REMINDERS_MAX_ATTEMPTS`` attempts, or at once for an error that a retry cannot fix, the row is
*parked* and shown in the admin.
"""

import datetime as dt
import http.client
import json
import logging
from dataclasses import dataclass
from urllib import error as urllib_error
from urllib import request as urllib_request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection, send_mail
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import (
    Notification,
    NotificationWebhook,
)

from .site import site_profile

logger = logging.getLogger(__name__)

Channel = Notification.Channel
Status = Notification.Status


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
    return dt.timedelta(seconds=settings.REMINDERS_DELIVERY_LEASE)


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
    else:
        # The channel has answered: mark it sent now, nothing in between (a crash before this write is the
        # one way a message goes out twice). Outside a transaction, as a worker runs it, it commits at once.
        ours.update(status=Status.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None)
        return DeliveryOutcome("sent")


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _send_in_app(notification: Notification) -> None:
    """The row is the in-app message; nothing to send."""


def _send_email(notification: Notification) -> None:
    recipient = notification.recipient
    if not recipient.is_active:
        raise PermanentDeliveryError(_("接收人已停用"))
    if not recipient.email:
        raise PermanentDeliveryError(_("接收人没有邮箱"))
    connection = get_connection(timeout=settings.REMINDERS_EMAIL_TIMEOUT)
    send_mail(
        notification.subject,
        signed(notification.body),
        settings.DEFAULT_FROM_EMAIL,
        [recipient.email],
        connection=connection,
    )


def signed(body: str) -> str:
    """An e-mail's or a robot message's text with the park's signature under it (站点信息), when one is set."""
    signature = site_profile().signature.strip()
    return f"{body}\n\n-- \n{signature}" if signature else body


def webhook_payload(*, subject: str, body: str) -> dict:
    """The text message both 企业微信 and 钉钉 robots accept, signed."""
    content = signed(f"{subject}\n{body}".strip())
    return {"msgtype": "text", "text": {"content": content}}


def webhook_post(*, url: str, payload: dict, timeout: float | None = None) -> dict:
    """POST ``payload`` as JSON to a robot; return its JSON answer, raising on any refusal.

    HTTP 5xx, 429, network errors and the robots' rate-limit codes are transient; other 4xx answers and
    other non-zero ``errcode`` values (a wrong key, a blocked keyword) are permanent.
    """
    if urlsplit(url).scheme not in ("http", "https"):
        raise PermanentDeliveryError(_("不支持的地址：%(url)s") % {"url": url})
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
        raise PermanentDeliveryError(_("群机器人已停用"))
    webhook_post(url=hook.url, payload=webhook_payload(subject=notification.subject, body=notification.body))


CHANNEL_SENDERS = {Channel.IN_APP: _send_in_app, Channel.EMAIL: _send_email, Channel.WEBHOOK: _send_webhook}


def webhook_send_test(*, webhook: NotificationWebhook) -> str:
    """Post a test message to a robot now (admin action); returns "" or what went wrong."""
    try:
        webhook_post(url=webhook.url, payload=webhook_payload(
            subject=_("%(park)s CRM 测试消息") % {"park": site_profile().name}, body=_("收到即表示群机器人配置正确。")
        ))
    except (PermanentDeliveryError, *TRANSIENT_ERRORS) as error:
        return _describe(error)
    return ""
