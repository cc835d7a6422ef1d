"""Who may use the enterprise portal, what every portal page shares (the unread badge), and how a service's
refusal is shown (``show_refusal``)."""

from contextlib import contextmanager
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse

from crm.errors import DomainError
from crm.models import Notification


def enterprise_required(view):
    """Only enterprise users (企业用户) use the portal.

    Anonymous visitors go to the portal's login page; staff are told to work in the admin (403);
    an account with neither role is refused (403). Nothing about any request is revealed either way.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        if user.is_staff:
            return render(request, "portal/staff_notice.html", status=403)
        if not user.is_enterprise_user:
            return render(request, "portal/no_access.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def unread_count(user) -> int:
    """The header badge: the user's unread in-app notifications, one COUNT on ``crm_notification_unread_idx``."""
    return Notification.objects.filter(
        recipient=user, channel=Notification.Channel.IN_APP, read_at__isnull=True
    ).count()


def portal_render(request, template, context=None, *, status=200):
    """Render a logged-in portal page with what the header needs."""
    return render(request, template, {"unread_count": unread_count(request.user), **(context or {})}, status=status)


class Refusal:
    """What a ``show_refusal`` block ended with: the ``DomainError`` that stopped it, else ``None``."""

    error: DomainError | None = None


# The services name an upload ``file``; the portal's forms take several under ``attachments``.
SERVICE_FIELD_NAMES = {"file": "attachments"}


@contextmanager
def show_refusal(request, *forms):
    """The portal's one reading of a service's refusal: a ``DomainError`` raised in the block stops it and is shown
    next to the field it names on the first of ``forms`` that has it (else above the first form), or, with no form,
    as a page message. The view goes on after the block; ``refusal.error`` says what stopped it."""
    refusal = Refusal()
    try:
        yield refusal
    except DomainError as error:
        refusal.error = error
        if any(form is not None for form in forms):
            error.add_to_form(*forms, rename=SERVICE_FIELD_NAMES)
        else:
            messages.error(request, error.message)
