"""Writes on projects: create, change stage, log a follow-up, reassign."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.models import PIPELINE, FollowUp, Project, ProjectStageChange, Stage, User
from crm.roles import Work, may, require_role

from .notify import notify_owner_changed, notify_stage_changed_by_other
from .ownership import require_owner_assignment, require_project_change
from .summaries import projects_changed

# Legal moves. The pipeline moves forward one stage at a time so that every stage a project
# passed through has a history row (the funnel and velocity reports rely on it); any active
# stage may be put on hold or lost; a held project resumes where it stopped (see below);
# a lost project can be reopened as a lead.
_FORWARD = {PIPELINE[i]: PIPELINE[i + 1] for i in range(len(PIPELINE) - 1)}


def allowed_stages(project: Project) -> list[str]:
    """The stages this project may move to now."""
    current = project.stage
    if current == Stage.LOST:
        return [Stage.LEAD]
    if current == Stage.ON_HOLD:
        return [_stage_before_hold(project), Stage.LOST]
    if current == Stage.PRODUCTION:
        return []
    return [_FORWARD[current], Stage.ON_HOLD, Stage.LOST]


def _stage_before_hold(project: Project) -> str:
    if hasattr(project, "stage_before_hold"):  # read with the project, in bulk (crm.pipeline.kanban)
        return project.stage_before_hold or Stage.LEAD
    last = project.stage_changes.filter(to_stage=Stage.ON_HOLD).order_by("-changed_at", "-id").first()
    return last.from_stage if last and last.from_stage else Stage.LEAD


@transaction.atomic
def project_create(*, actor: User, owner: User | None = None, at=None, **fields) -> Project:
    """Create a project in stage 线索 and record its first history row."""
    require_role(actor, Work.PROJECTS)
    at = at or timezone.now()
    co_officers = fields.pop("co_officers", None)
    project = Project(owner=owner or actor, stage=Stage.LEAD, stage_changed_at=at, **fields)
    try:
        project.full_clean()
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from None
    project._history_user = actor
    project.save()
    if co_officers:
        project.co_officers.set(co_officers)
    ProjectStageChange.objects.create(project=project, from_stage="", to_stage=Stage.LEAD, actor=actor, changed_at=at)
    projects_changed([project.pk])
    return project


@transaction.atomic
def project_change_stage(*, project: Project, to: str, actor: User, note: str = "", at=None) -> Project:
    """Move a project to another stage — the only way a stage changes.

    Refuses an illegal move with ``DomainError(code=illegal_transition)``; a move to 终止 needs a reason. Only
    the owner, a co-officer or the head of investment promotion moves a project (``crm.pipeline.ownership``;
    ``forbidden`` for anyone else); when it is not the owner, the owner is told (``crm.pipeline.notify``).
    """
    require_role(actor, Work.PROJECTS)
    project = Project.objects.select_for_update().select_related("owner").get(pk=project.pk)
    require_project_change(actor, project)
    if to not in Stage.values:
        raise DomainError(_("未知的阶段：%(stage)s") % {"stage": to}, field="stage")
    allowed = allowed_stages(project)
    if to not in allowed:
        names = "、".join(str(Stage(s).label) for s in allowed) or _("无")
        raise DomainError(
            _("项目当前处于“%(current)s”，不能转到“%(to)s”。可转到：%(allowed)s。")
            % {"current": project.get_stage_display(), "to": Stage(to).label, "allowed": names},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    note = (note or "").strip()
    if to == Stage.LOST and not note:
        raise DomainError(_("终止项目必须填写原因。"), field="note")
    at = at or timezone.now()
    from_stage = project.stage
    project.stage = to
    project.stage_changed_at = at
    project.lost_reason = note if to == Stage.LOST else ""
    project._history_user = actor
    project._change_reason = note
    project.save(update_fields=["stage", "stage_changed_at", "lost_reason", "updated_at"])
    change = ProjectStageChange.objects.create(
        project=project, from_stage=from_stage, to_stage=to, actor=actor, note=note, changed_at=at
    )
    notify_stage_changed_by_other(change)
    projects_changed([project.pk])
    return project


@transaction.atomic
def follow_up_create(
    *,
    project: Project,
    officer: User,
    occurred_on: date,
    note: str,
    kind: str = FollowUp.Kind.VISIT,
    next_step: str = "",
    next_follow_up_on: date | None = None,
    event=None,
) -> FollowUp:
    """Log a follow-up (``officer`` is who logs it); its next step and next date become the project's.

    Follow-ups are the project's owner's, co-officers' and the head of investment promotion's to log, as its stage
    is (``crm.pipeline.ownership``): another officer reads them.
    """
    require_role(officer, Work.PROJECTS)
    require_project_change(officer, project)
    follow_up = FollowUp(
        project=project, officer=officer, occurred_on=occurred_on, note=note, kind=kind,
        next_step=next_step, next_follow_up_on=next_follow_up_on, event=event,
    )
    try:
        follow_up.full_clean()
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from None
    follow_up.save()
    follow_up_apply_next_step(follow_up=follow_up)
    return follow_up


def follow_up_apply_next_step(*, follow_up: FollowUp) -> None:
    """Carry the newest follow-up's next step and date onto its project (the admin inline saves rows itself).

    A follow-up's empty next step or empty next date does not erase the project's: the 下一步 / 下次跟进 an officer
    typed on the project (on the add form, say) stay until a follow-up names new ones.
    Also keeps ``Project.followed_up_on`` (the newest follow-up's date) for the "no follow-up" reminder.
    """
    project = follow_up.project
    newest = project.follow_ups.order_by("-occurred_on", "-id").first()
    if newest is not None and newest.pk == follow_up.pk:
        carried = {"followed_up_on": follow_up.occurred_on}
        if follow_up.next_step:
            carried["next_step"] = follow_up.next_step
        if follow_up.next_follow_up_on is not None:
            carried["next_follow_up_on"] = follow_up.next_follow_up_on
        Project.objects.filter(pk=project.pk).update(**carried)
        for name, value in carried.items():
            setattr(project, name, value)
    elif newest is not None and project.followed_up_on != newest.occurred_on:
        Project.objects.filter(pk=project.pk).update(followed_up_on=newest.occurred_on)
        project.followed_up_on = newest.occurred_on


@transaction.atomic
def projects_assign_owner(*, projects, owner: User, actor: User) -> int:
    """Hand a set of projects to another officer, one audited save each (never a bare bulk update).

    The head of investment promotion's (and superusers') only (``crm.pipeline.ownership``); each previous owner
    and the new owner are told (``crm.pipeline.notify``).
    """
    require_role(actor, Work.PROJECTS)
    require_owner_assignment(actor)
    if not may(owner, Work.PROJECTS):
        raise DomainError(_("只能分配给招商专员。"), field="owner")
    count = 0
    at = timezone.now()
    for project in projects.select_for_update().select_related("owner"):
        if project.owner_id != owner.pk:
            previous = project.owner
            project.owner = owner
            project._history_user = actor
            project._change_reason = _("由 %(actor)s 分配") % {"actor": actor}
            project.save(update_fields=["owner", "updated_at"])
            notify_owner_changed(project=project, previous=previous, actor=actor, at=at)
            projects_changed([project.pk])
            count += 1
    return count
