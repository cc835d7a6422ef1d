"""Celery tasks: thin, taking ids; the work is in ``crm.services.reminders`` and ``crm.notifications``.

Both are safe to run twice and to kill mid-way (``acks_late`` with ``reject_on_worker_lost`` in settings):
the sweep writes each reminder once by its unique key, and a delivery claims its row before sending.
"""

from celery import shared_task
from django.utils import timezone

from crm.notifications.delivery import notification_deliver
from crm.services.reminders import reminders_sweep


@shared_task(name="crm.reminders_sweep", ignore_result=True)
def reminders_sweep_task():
    """Run by beat every 5 minutes (see ``crm.services.reminders.SCHEDULE``)."""
    result = reminders_sweep(now=timezone.now())
    return {"created": len(result.created), "retried": len(result.retried)}


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
