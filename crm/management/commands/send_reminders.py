"""``manage.py send_reminders [--at ISO-8601] [--dry-run] [--enqueue]``: one reminder sweep, by hand.

The same function as the beat task (``crm.notifications.sweep.reminders_sweep``), as if the time were
``--at``; new e-mails and webhook posts are delivered here, synchronously, unless ``--enqueue`` hands
them to the Celery workers. ``--dry-run`` writes and sends nothing and prints what would be sent.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Notification
from crm.notifications.delivery import notification_deliver
from crm.notifications.sweep import reminders_sweep
from crm.notifications.tasks import enqueue_deliveries


def parse_moment(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(_("--at 应为 ISO-8601 时间，如 2026-10-14T09:00 或 2026-10-14T09:00+08:00：%(value)s") % {"value": value}) from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # Asia/Shanghai
    return moment


class Command(BaseCommand):
    help = "Run one reminder sweep now (or as if at --at) and print what it sent or, with --dry-run, would send."

    def add_arguments(self, parser):
        parser.add_argument("--at", type=parse_moment, help="Sweep as if it were this time (ISO-8601; naive = Asia/Shanghai).")
        parser.add_argument("--dry-run", action="store_true", help="Write and send nothing; print what would be sent.")
        parser.add_argument("--enqueue", action="store_true", help="Hand deliveries to the Celery workers instead.")

    def handle(self, *args, at=None, dry_run=False, enqueue=False, **options):
        now = at or timezone.now()
        # Delivered below, from the sweep's result, rather than after its commit: the rows are written by then.
        result = reminders_sweep(now=now, dry_run=dry_run, deliver=enqueue_deliveries if enqueue else _later)
        outcomes = {}
        if not (dry_run or enqueue):
            to_send = [n.pk for n in result.created if n.status == Notification.Status.PENDING] + result.retried
            for pk in to_send:
                outcomes[pk] = notification_deliver(notification_id=pk).status
        verb = "would send" if dry_run else "sent"
        self.stdout.write(f"Reminder sweep at {timezone.localtime(now).isoformat()}{' (dry run)' if dry_run else ''}")
        if dry_run:
            for draft in sorted(result.drafts, key=lambda d: d.sort_key):
                self.stdout.write(f"  {verb}  {draft.rule:<28} {draft.channel:<8} {draft.addressee:<24} {draft.key}  {draft.subject}")
        else:
            for notification in result.created:
                queued = enqueue and notification.status == Notification.Status.PENDING
                status = outcomes.get(notification.pk, "queued" if queued else notification.status)
                self.stdout.write(
                    f"  {status:<8} {notification.rule:<28} {notification.channel:<8} "
                    f"{_addressee(notification):<24} {notification.key}  {notification.subject}"
                )
        for pk in result.retried:
            status = "would retry" if dry_run else outcomes.get(pk, "queued")
            self.stdout.write(f"  {status:<8} unsent notification #{pk}")
        count = len(result.drafts) if dry_run else len(result.created)
        self.stdout.write(
            f"{count} notification(s) {'would be written' if dry_run else 'written'}, "
            f"{len(result.retried)} unsent notification(s) {'would be ' if dry_run else ''}retried."
        )


def _later(notification_ids):
    """Deliveries are made by the command itself once the sweep has returned."""


def _addressee(notification) -> str:
    if notification.webhook_id:
        return f"webhook:{notification.webhook.name}"
    return notification.recipient.username
