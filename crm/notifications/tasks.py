"""The delivery tasks and the hand-over to the broker: ONE message per transaction, whatever it notifies.

Kept beside the engine (``crm.tasks`` imports it, so Celery's autodiscovery registers it) so that the outbox
can hand rows to it without importing the tasks of the whole app.

A web request that notifies (a submission to five people and three robots) publishes a single message,
``crm.deliver_notifications(ids)``, over a connection of its own with one bounded wait
(``REMINDERS_PUBLISH_TIMEOUT``, no retry); a worker fans it out into one ``crm.deliver_notification(id)``
per row, so a channel that fails or hangs never holds up another. If the publish fails the rows stay
pending and the next sweep sends them.
"""

import logging
from collections.abc import Iterable

from celery import shared_task
from django.conf import settings

from crm.notifications.delivery import notification_deliver

logger = logging.getLogger(__name__)


def publish_transport_options() -> dict:
    """Transport options of the publisher's own connection: one short wait, no retry.

    A Redis that accepts the TCP connection but never answers (hung, or stopped with SIGSTOP) is the
    worst case: the connect succeeds at once and the first command (kombu's PING) waits ``socket_timeout``.
    ``max_retries=0`` stops kombu from reconnecting, ``retry_on_timeout=False`` stops redis-py from sending
    the command again, and the publish itself is not retried (``retry=False`` in ``enqueue``). These apply
    to the web processes' hand-over only; the workers keep ``CELERY_BROKER_TRANSPORT_OPTIONS``.
    """
    timeout = settings.REMINDERS_PUBLISH_TIMEOUT
    return {
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
        "retry_on_timeout": False,
        "max_retries": 0,
        "interval_start": 0,
        "interval_step": 0,
        "interval_max": 0,
    }


def enqueue(task, *args) -> bool:
    """Publish ``task(*args)`` to the broker in one bounded attempt; if it fails, log and return False.

    The web request that triggered it has already committed its work and must not fail or hang: the
    message goes over a fresh connection with ``publish_transport_options()`` — at most one wait of
    ``REMINDERS_PUBLISH_TIMEOUT`` seconds — and the notifications, still pending in the database, are
    sent by the next reminder sweep.
    """
    app = task.app
    timeout = settings.REMINDERS_PUBLISH_TIMEOUT
    try:
        with app.connection_for_write(connect_timeout=timeout, transport_options=publish_transport_options()) as connection:
            task.apply_async(args=args, connection=connection, retry=False)
    except BROKER_ERRORS as error:
        logger.warning("broker unavailable, %s%r left for the next sweep: %r", task.name, args, error)
        return False
    return True


def enqueue_deliveries(notification_ids: Iterable[int]) -> bool:
    """Hand e-mail/webhook rows to the workers: one message for all of them (``deliver_notifications``)."""
    ids = sorted(set(notification_ids))
    if not ids:
        return True
    return enqueue(deliver_notifications, ids)


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


@shared_task(bind=True, name="crm.deliver_notifications", ignore_result=True)
def deliver_notifications(self, notification_ids: list[int]):
    """Deliver the rows of one hand-over, each on its own: a single row here, more fanned out into one
    ``crm.deliver_notification(id)`` each, published from the worker — so a slow or failing robot never
    holds up an e-mail.

    Running this twice (a redelivered message) hands the rows out again, which sends nothing twice: each
    delivery claims its row first. A publish that fails here leaves the rest pending for the sweep.
    """
    ids = list(notification_ids)
    if len(ids) == 1:  # nothing to fan out: deliver it here, and leave a retry to its own task
        outcome = notification_deliver(notification_id=ids[0])
        if outcome.status == "failed" and not self.request.is_eager:
            _publish_each(ids, countdown=outcome.retry_in)
        return outcome.status
    return _publish_each(ids)


def _publish_each(ids: list[int], countdown: int | None = None) -> int:
    published = 0
    try:
        with deliver_notification.app.producer_or_acquire() as producer:
            for pk in ids:
                deliver_notification.apply_async(args=(pk,), countdown=countdown, producer=producer)
                published += 1
    except BROKER_ERRORS as error:
        logger.warning("broker unavailable, %s of %s deliveries left for the next sweep: %r", len(ids) - published, len(ids), error)
    return published


@shared_task(bind=True, name="crm.deliver_notification", ignore_result=True, max_retries=None)
def deliver_notification(self, notification_id: int):
    """Send one e-mail or webhook notification; on a transient error, retry after the back-off it was given.

    The attempt count and the parking live in the database row, not in Celery: if this retry message is
    lost, the next sweep re-sends the notification once its ``next_attempt_at`` has passed.

    Run eagerly (``CELERY_TASK_ALWAYS_EAGER``, or ``.apply()``) there is no broker to hold the retry: Celery
    would run the task again at once, in the caller's process — inside the web request that committed —
    ignoring the back-off, until the row is parked. So an eager run makes one attempt and leaves a failed
    row to the sweep, which re-sends it once its back-off has passed.
    """
    outcome = notification_deliver(notification_id=notification_id)
    if outcome.status == "failed" and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status
