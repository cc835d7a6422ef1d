"""Template tags of the admin's header (templates/admin/base_site.html): the unread badge and who may read what."""

from django import template
from django.utils.translation import gettext as _

from crm.models import ReminderRule
from crm.notifications.inbox import notification_unread_count
from crm.notifications.links import admin_path
from crm.roles import Area, may_read
from crm.text import number

register = template.Library()

_CACHE_ATTRIBUTE = "_zj_inbox_unread"
RULE_NAMES = dict(ReminderRule.Code.choices)


@register.simple_tag(takes_context=True)
def inbox_unread(context) -> int:
    """The signed-in user's unread reminders: one count per request, however often the page asks (cached on it)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return 0
    if not hasattr(request, _CACHE_ATTRIBUTE):
        setattr(request, _CACHE_ATTRIBUTE, notification_unread_count(user=user))
    return getattr(request, _CACHE_ATTRIBUTE)


def remember_unread(request, count: int) -> None:
    """A view that has counted the unread reminders already (the workbench's panel) spares the badge its query."""
    setattr(request, _CACHE_ATTRIBUTE, count)


@register.simple_tag(takes_context=True)
def reads(context, area: str) -> bool:
    """``{% reads "reports" as may %}``: whether the signed-in user may read that area (crm.roles.may_read)."""
    request = context.get("request")
    return may_read(getattr(request, "user", None), Area(area))


@register.filter
def notification_link(notification) -> str:
    """The admin page of what a reminder is about ("" if none), from its content type — no query per row."""
    return admin_path(notification.content_type, notification.object_id)


@register.filter
def rule_name(code: str) -> str:
    """A reminder rule's Chinese name (项目久未跟进 …) for its stored code; 提醒 for a code the table does not know."""
    return RULE_NAMES.get(code) or _("提醒")


@register.filter
def amount(value) -> str:
    """An amount as the CRM writes it everywhere (``crm.text.number``): 36,000 — grouped, no needless decimals."""
    return number(value)
