"""Celery tasks: thin, taking ids; the work is in ``crm.notifications`` (the sweep, delivery).

Both are safe to run twice and to kill mid-way (``acks_late`` with ``reject_on_worker_lost`` in settings):
the sweep writes each reminder once by its unique key, and a delivery claims its row before sending.
"""

from celery import shared_task
from django.utils import timezone

from crm.notifications.sweep import reminders_sweep
from crm.notifications.tasks import deliver_notification, deliver_notifications


@shared_task(name="crm.reminders_sweep", ignore_result=True)
def reminders_sweep_task():
    """Run by beat every 5 minutes (see ``crm.notifications.setup.SCHEDULE``)."""
    result = reminders_sweep(now=timezone.now())
    return {"created": len(result.created), "retried": len(result.retried)}


# The delivery tasks are registered through this module: the hand-over (one per transaction) and one per row.
__all__ = ["deliver_notification", "deliver_notifications", "reminders_sweep_task"]
