"""The delivery task and the hand-over to the broker: publish one message per e-mail or webhook row.

Kept beside the engine (``crm.tasks`` imports it, so Celery's autodiscovery registers it) so that the outbox
can hand rows to it without importing the tasks of the whole app.
"""

import logging

from celery import shared_task

from crm.notifications.delivery import notification_deliver

logger = logging.getLogger(__name__)


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
