"""Links and times as the notifications write them: absolute URLs to the admin and the portal, Beijing time."""

import datetime as dt

from django.urls import NoReverseMatch, reverse
from django.utils import timezone


def site_link(viewname: str, *args) -> str:
    """An absolute link: ``crm.notifications.site.site_url()`` (DJANGO_SITE_URL, the profile's 网站地址 or the browser's address)."""
    from .site import site_url

    try:
        return site_url() + reverse(viewname, args=args)
    except NoReverseMatch:
        return ""


def staff_link(obj) -> str:
    return site_link(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", obj.pk)


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def body_lines(*lines: str) -> str:
    return "\n".join(line for line in lines if line)


def admin_path(content_type, object_id) -> str:
    """The admin page of a notification's object from its content type and id, without loading the object
    (the inbox lists many); "" when the object has no admin page."""
    if content_type is None or object_id is None:
        return ""
    try:
        return reverse(f"admin:{content_type.app_label}_{content_type.model}_change", args=[object_id])
    except NoReverseMatch:
        return ""
