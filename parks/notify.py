"""The parks' immediate events, written by the service that made the change inside its transaction and delivered
by the notification engine (``crm.notifications``), in-app and on the rule's usual channels (e-mail).

One rule, ``grant_confirmed`` (免申即享兑现已确认): when an officer confirms a 免申即享 proposal, the enterprise's
users are told the amount granted — once (key ``grant:<id>:confirmed``; the engine writes a key once).
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Notification, ReminderRule, User
from crm.notifications.language import in_delivery_language
from crm.notifications.links import body_lines, site_link
from crm.notifications.outbox import drafts_for, notifications_create, rule_get, rule_group_members
from crm.text import wan

from .models import PolicyGrant


@in_delivery_language
def notify_grant_confirmed(*, grant: PolicyGrant, actor: User) -> list[Notification]:
    """免申即享: tell the enterprise's users that a clause was granted to them without an application."""
    rule = rule_get(ReminderRule.Code.GRANT_CONFIRMED)
    if rule is None:
        return []
    people = list(grant.enterprise.members.filter(is_active=True)) if rule.notify_responsible else []
    recipients = [person for person in people + rule_group_members(rule) if person.pk != actor.pk]
    clause = grant.clause
    drafts = drafts_for(
        key=f"grant:{grant.pk}:confirmed",
        rule=rule,
        subject=_("免申即享：%(policy)s 第 %(number)s 条「%(title)s」已为%(enterprise)s核准 %(amount)s")
        % {
            "policy": clause.policy,
            "number": clause.number,
            "title": clause.title,
            "enterprise": grant.enterprise,
            "amount": wan(grant.approved_amount),
        },
        body=body_lines(
            _("贵企业符合该条款的条件，无需申请，已由园区核准兑现。"),
            _("核准金额：%(amount)s；核准日期：%(day)s")
            % {"amount": wan(grant.approved_amount), "day": f"{grant.approved_on:%Y-%m-%d}"},
            _("符合条件：%(summary)s") % {"summary": (grant.proposal_reasons or {}).get("summary", "")},
            site_link("parks_portal:policy-matches"),
        ),
        target=grant,
        recipients=recipients,
    )
    return notifications_create(drafts, now=timezone.now())
