"""The immediate events of a service request — ``notify_request_submitted``, ``notify_message_posted``,
``notify_status_changed`` — called by the service that made the change, inside its transaction; the rows are
written and delivered by the notification engine (``crm.notifications``)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import (
    Notification,
    ReminderRule,
    RoutingExtension,
    ServiceRequest,
    ServiceRequestMessage,
    ServiceRequestTransition,
)
from crm.notifications.language import in_delivery_language
from crm.notifications.links import body_lines, local, site_link, staff_link
from crm.notifications.outbox import (
    WebhookIndex,
    drafts_for,
    group_members,
    notifications_create,
    rule_get,
    rule_group_members,
)


def enterprise_link(request: ServiceRequest) -> str:
    return site_link("portal:request-detail", request.pk)


@in_delivery_language
def notify_request_submitted(request: ServiceRequest) -> list[Notification]:
    """新诉求: tell the service desk (the rule's groups, ``service_officer`` by default) and its robots."""
    rule = rule_get(ReminderRule.Code.REQUEST_SUBMITTED)
    if rule is None:
        return []
    group_ids = [g.pk for g in rule.recipient_groups.all()]
    drafts = drafts_for(
        key=f"request:{request.pk}:submitted",
        rule=rule,
        subject=_("新诉求 #%(number)s：%(enterprise)s「%(title)s」") % {"number": request.pk, "enterprise": request.enterprise, "title": request.title},
        body=body_lines(
            _("类别：%(category)s") % {"category": request.category},
            _("提交时间：%(submitted_at)s，办理时限：%(due_at)s") % {"submitted_at": local(request.submitted_at), "due_at": local(request.due_at)},
            staff_link(request),
        ),
        target=request,
        recipients=[u for users in group_members(group_ids).values() for u in users],
        webhooks=WebhookIndex.load().matching(category_id=request.category_id, group_ids=group_ids),
    )
    return notifications_create(drafts, now=timezone.now())


@in_delivery_language
def notify_message_posted(message: ServiceRequestMessage) -> list[Notification]:
    """新留言: to the other side of the thread — the enterprise's submitter when staff write, the assignee
    (or the desk while nobody has the request) when the enterprise writes. Internal notes notify nobody."""
    if message.is_internal:
        return []
    rule = rule_get(ReminderRule.Code.MESSAGE_POSTED)
    if rule is None:
        return []
    request = message.request
    author = message.author
    if author.is_staff:
        recipients = [request.submitted_by] if rule.notify_responsible else []
        link = enterprise_link(request)
    elif request.assignee_id and rule.notify_responsible:
        recipients = [request.assignee]
        link = staff_link(request)
    else:
        recipients = rule_group_members(rule)
        link = staff_link(request)
    recipients = [user for user in recipients if user.pk != author.pk]
    drafts = drafts_for(
        key=f"message:{message.pk}:posted",
        rule=rule,
        subject=_("诉求 #%(number)s「%(title)s」有新留言") % {"number": request.pk, "title": request.title},
        body=body_lines(f"{author}：{message.body[:500]}", link),
        target=request,
        recipients=recipients,
    )
    return notifications_create(drafts, now=timezone.now())


@in_delivery_language
def notify_status_changed(request: ServiceRequest, transition: ServiceRequestTransition) -> list[Notification]:
    """状态变更: tell the enterprise user who submitted the request, unless they made the change themselves.

    A history row that keeps the status (an assignment, an approval step) is no status change: nothing is sent.
    """
    if transition.action == "submit" or transition.from_status == transition.to_status:
        return []
    if transition.actor_id == request.submitted_by_id:
        return []
    rule = rule_get(ReminderRule.Code.STATUS_CHANGED)
    if rule is None or not rule.notify_responsible:
        return []
    drafts = drafts_for(
        key=f"request:{request.pk}:transition:{transition.pk}",
        rule=rule,
        subject=_("您的诉求「%(title)s」%(status)s") % {"title": request.title, "status": transition.get_to_status_display()},
        body=body_lines(
            _("状态：%(from_status)s → %(status)s") % {"from_status": transition.get_from_status_display() or '—', "status": transition.get_to_status_display()},
            _("说明：%(note)s") % {"note": transition.note} if transition.note else "",
            enterprise_link(request),
        ),
        target=request,
        recipients=[request.submitted_by],
    )
    return notifications_create(drafts, now=timezone.now())


@in_delivery_language
def notify_extension_requested(extension: RoutingExtension) -> list[Notification]:
    """延期申请: tell the station heads (the rule's groups, ``service_lead`` by default) that a department asks for
    more time, at once — they decide it (``routing_decide_extension``). Sent once per request (its key)."""
    rule = rule_get(ReminderRule.Code.ROUTING_EXTENSION_REQUESTED)
    if rule is None:
        return []
    routing = extension.routing
    request = routing.service_request
    group_ids = [g.pk for g in rule.recipient_groups.all()]
    drafts = drafts_for(
        key=f"routingextension:{extension.pk}:requested",
        rule=rule,
        subject=_("%(department)s申请延期：诉求 #%(number)s「%(title)s」")
        % {"department": routing.department, "number": request.pk, "title": request.title},
        body=body_lines(
            _("承办方式：%(role)s，当前办理时限：%(due_at)s，申请延至：%(requested)s")
            % {"role": routing.get_role_display(), "due_at": local(routing.due_at),
               "requested": local(extension.requested_due_at)},
            _("理由：%(reason)s") % {"reason": extension.reason[:500]},
            staff_link(request),
        ),
        target=request,
        recipients=[u for users in group_members(group_ids).values() for u in users],
        webhooks=WebhookIndex.load().matching(category_id=request.category_id, group_ids=group_ids),
    )
    return notifications_create(drafts, now=timezone.now())
