"""The parks' Celery tasks: thin, idempotent; the work is in ``parks.services``.

``parks.grants_daily`` is handed over by the daily policy match (the ``policy_eligible`` rule of the reminder
sweep, ``parks.reminders``) once it has run: it proposes the grants of every 免申即享 clause (an enterprise with a
grant of the clause is never proposed twice) and refreshes the standing of the instalments (双兑现).
"""

from celery import shared_task
from django.utils import timezone

from .services.instalments import instalments_refresh
from .services.proposals import clauses_propose_grants


@shared_task(name="parks.grants_daily", ignore_result=True)
def grants_daily_task():
    today = timezone.localdate()
    proposed = clauses_propose_grants(today=today)
    changed = instalments_refresh(today=today)
    return {"proposed": proposed, "instalments_changed": len(changed)}
