"""The immediate events of a project — ``notify_stage_changed_by_other``, ``notify_owner_changed``,
``notify_project_edited`` — called by the service (or, for an edit of the project page, the admin's save) that made
the change, inside its transaction; the rows are written and delivered by the notification
engine (``crm.notifications``), in-app and on the rule's usual channels (e-mail, robots).

One rule, ``project_changed`` (项目被他人变更): when someone other than the owner — a co-officer, the head of
investment promotion — moves a project, edits it or hands it to another officer, the owner is told. A change the
owner makes notifies nobody.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Notification, Project, ProjectStageChange, ReminderRule, Stage, User
from crm.notifications.language import in_delivery_language
from crm.notifications.links import body_lines, staff_link
from crm.notifications.outbox import WebhookIndex, drafts_for, notifications_create, rule_get, rule_group_members


def _send(*, key: str, subject: str, body: str, project: Project, people: list[User], actor: User) -> list[Notification]:
    rule = rule_get(ReminderRule.Code.PROJECT_CHANGED)
    if rule is None:
        return []
    recipients = [person for person in people if rule.notify_responsible] + rule_group_members(rule)
    recipients = [person for person in recipients if person is not None and person.pk != actor.pk]
    group_ids = [group.pk for group in rule.recipient_groups.all()]
    drafts = drafts_for(
        key=key, rule=rule, subject=subject, body=body, target=project, recipients=recipients,
        webhooks=WebhookIndex.load().matching(category_id=None, group_ids=group_ids),
    )
    return notifications_create(drafts, now=timezone.now())


@in_delivery_language
def notify_stage_changed_by_other(change: ProjectStageChange) -> list[Notification]:
    """阶段变更: tell the owner that a co-officer or the head of investment promotion moved their project."""
    project = change.project
    actor = change.actor
    if actor is None or actor.pk == project.owner_id:
        return []
    from_label = Stage(change.from_stage).label if change.from_stage else "—"
    return _send(
        key=f"project:{project.pk}:stage_change:{change.pk}",
        subject=_("%(actor)s 将您负责的项目“%(name)s”从“%(from_label)s”转到“%(label)s”") % {"actor": actor, "name": project.name, "from_label": from_label, "label": Stage(change.to_stage).label},
        body=body_lines(_("说明：%(note)s") % {"note": change.note} if change.note else "", staff_link(project)),
        project=project,
        people=[project.owner],
        actor=actor,
    )


@in_delivery_language
def notify_owner_changed(*, project: Project, previous: User | None, actor: User, at) -> list[Notification]:
    """负责人变更: tell the previous owner that the project was handed over, and the new owner that it is theirs."""
    rows = []
    if previous is not None:
        rows += _send(
            key=f"project:{project.pk}:owner:{previous.pk}->{project.owner_id}:{at.isoformat()}:previous",
            subject=_("%(actor)s 已将您负责的项目“%(name)s”分配给 %(owner)s") % {"actor": actor, "name": project.name, "owner": project.owner},
            body=body_lines(staff_link(project)),
            project=project,
            people=[previous],
            actor=actor,
        )
    rows += _send(
        key=f"project:{project.pk}:owner:{getattr(previous, 'pk', '')}->{project.owner_id}:{at.isoformat()}:new",
        subject=_("%(actor)s 将项目“%(name)s”分配给您负责") % {"actor": actor, "name": project.name},
        body=body_lines(_("原负责人：%(previous)s") % {"previous": previous or '—'}, staff_link(project)),
        project=project,
        people=[project.owner],
        actor=actor,
    )
    return rows


@in_delivery_language
def notify_project_edited(*, project: Project, actor: User, fields: list[str], at) -> list[Notification]:
    """项目被修改: tell the owner which fields a co-officer or the head of investment promotion changed."""
    if actor.pk == project.owner_id or not fields:
        return []
    return _send(
        key=f"project:{project.pk}:edited:{actor.pk}:{at.isoformat()}",
        subject=_("%(actor)s 修改了您负责的项目“%(name)s”：%(fields)s") % {"actor": actor, "name": project.name, "fields": _("、").join(fields)},
        body=body_lines(staff_link(project)),
        project=project,
        people=[project.owner],
        actor=actor,
    )
