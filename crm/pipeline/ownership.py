"""Who may change *this* project (项目归属): the one reading of the rule, used by every interface.

``crm.roles`` says which roles may work on projects at all (``Work.PROJECTS``); this module says which of those
may touch a given project: its owner (负责人), its co-officers (协同专员) and the head of investment promotion
(招商负责人, ``Role.INVESTMENT_LEAD``) — superusers too. Everyone else who reads the pipeline (another
investment officer, a manager) sees the project read-only.

What the rule covers: the project's stage (``project_change_stage``), its fields on the admin page, its
follow-ups (``follow_up_create``, the admin inline) and its landing records (``crm.pipeline.commitments``).
Reassigning owners (``projects_assign_owner``) is narrower: the head of investment promotion only
(``require_owner_assignment``). The services call the ``require_*`` functions, so the admin, the kanban, the
API and the tasks all meet the same rule; the admin asks ``may_change_project`` to show a page read-only.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from crm.errors import DomainError
from crm.models import Project, Role, User
from crm.roles import Work, may

REFUSAL = _("只有项目负责人、协同专员或招商负责人可以修改此项目。")
ASSIGN_REFUSAL = _("只有招商负责人可以分配项目负责人。")


def may_assign_owners(user: User | None) -> bool:
    """Whether ``user`` may hand projects to another officer: the head of investment promotion, or a superuser."""
    if not may(user, Work.PROJECTS):
        return False
    return user.is_superuser or user.has_role(Role.INVESTMENT_LEAD)


def is_co_officer(user: User, project: Project) -> bool:
    """Whether ``user`` is one of the project's co-officers; reads a prefetched ``co_officers`` without a query."""
    cached = getattr(project, "_prefetched_objects_cache", {}).get("co_officers")
    if cached is not None:
        return any(officer.pk == user.pk for officer in cached)
    return project.co_officers.filter(pk=user.pk).exists()


def may_change_project(user: User | None, project: Project) -> bool:
    """Whether ``user`` may change this project: owner, co-officer, head of investment promotion, superuser."""
    if not may(user, Work.PROJECTS):
        return False
    if may_assign_owners(user) or project.owner_id == user.pk:
        return True
    return project.pk is not None and is_co_officer(user, project)


def may_change_condition(user: User | None) -> Q:
    """The ORM twin of ``may_change_project`` as a condition on ``Project`` (no DISTINCT: the co-officer test is an
    EXISTS): filter by it, or annotate it (``ExpressionWrapper(..., BooleanField())``) to mark the rows a list may
    move (the kanban's cards)."""
    if not may(user, Work.PROJECTS):
        return Q(pk__in=[])
    if may_assign_owners(user):
        return ~Q(pk__in=[])
    co_officer = Project.co_officers.through.objects.filter(project_id=OuterRef("pk"), user_id=user.pk)
    return Q(owner_id=user.pk) | Q(Exists(co_officer))


def projects_changeable_by(user: User | None, projects: QuerySet | None = None) -> QuerySet:
    """The projects ``user`` may change, in one query (``may_change_condition``)."""
    projects = Project.objects.all() if projects is None else projects
    if not may(user, Work.PROJECTS):
        return projects.none()
    return projects.filter(may_change_condition(user))


def require_project_change(actor: User, project: Project) -> None:
    """Refuse (``DomainError``, code ``forbidden``) an actor who may not change this project."""
    if not may_change_project(actor, project):
        raise DomainError(REFUSAL, code=DomainError.FORBIDDEN)


def require_owner_assignment(actor: User) -> None:
    """Refuse (``DomainError``, code ``forbidden``) an actor who may not reassign owners."""
    if not may_assign_owners(actor):
        raise DomainError(ASSIGN_REFUSAL, code=DomainError.FORBIDDEN)
