"""The in-app inbox: what a person has read."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from crm.models import (
    Notification,
    User,
)
from crm.notifications.outbox import Channel


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


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's own notifications, newest first (``crm_notification_unread_idx`` serves ``?unread=true``)."""
    return Notification.objects.filter(recipient=user).select_related("content_type").order_by("-created_at", "-id")


def notification_unread_count(*, user) -> int:
    """How many of ``user``'s in-app notifications are unread: the header's badge, one count on
    ``crm_notification_unread_idx``."""
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP, read_at__isnull=True).count()
