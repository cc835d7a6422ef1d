"""Writes on 包联 and 走访: who is in charge of an enterprise, a visit with its problems, a problem → a request.

Each is one door (``@transaction.atomic``, the actor's role checked first against ``crm.roles.WHO_DOES``):
the admin, the API and the demo call them. A problem becomes a service request through the request's own
submit service (``service_request_submit``), so its SLA, reminders, thread and history are those of any request.
"""

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.models import Enterprise, Project, ServiceCategory, ServiceRequest, User, Visit, VisitProblem
from crm.roles import Work, require_role
from crm.service_requests.services import service_request_submit

TITLE_LENGTH = 60  # a request's title taken from a problem's first line


def _require_staff(users: Iterable[User | None], *, field: str) -> None:
    for user in users:
        if user is not None and not (user.is_staff and user.is_active):
            raise DomainError(_("“%(user)s”不是在职的园区工作人员。") % {"user": user}, field=field)


@transaction.atomic
def enterprise_assign_responsible(
    *, enterprise: Enterprise, actor: User, officer: User | None, leader: User | None = None, is_key: bool | None = None
) -> Enterprise:
    """包联: put ``officer`` (包联干部) and ``leader`` (包联领导) in charge of ``enterprise``; ``is_key`` marks it
    a 重点企业 (shorter visit period) when given. Only staff may be put in charge."""
    require_role(actor, Work.VISITS)
    _require_staff([officer, leader], field="responsible_officer")
    enterprise.responsible_officer = officer
    enterprise.responsible_leader = leader
    fields = ["responsible_officer", "responsible_leader", "updated_at"]
    if is_key is not None:
        enterprise.is_key = is_key
        fields.append("is_key")
    enterprise.save(update_fields=fields)
    return enterprise


def enterprise_last_visit_refresh(*, enterprise: Enterprise) -> None:
    """Keep ``Enterprise.last_visited_on`` (the newest visit's date, read by the reminder and the workbench) after
    visits were added, re-dated or deleted — the admin's inline and delete paths call it too."""
    last = enterprise.visits.aggregate(last=Max("visited_on"))["last"]
    Enterprise.objects.filter(pk=enterprise.pk).update(last_visited_on=last)
    enterprise.last_visited_on = last


def visit_check(*, visit: Visit, today: dt.date | None = None) -> None:
    """The rules of a visit, for the service and the admin form alike."""
    today = today or timezone.localdate()
    if visit.visited_on and visit.visited_on > today:
        raise DomainError(_("走访日期不能晚于今天。"), field="visited_on")
    if visit.project_id and visit.enterprise_id and visit.project.enterprise_id != visit.enterprise_id:
        raise DomainError(_("所选项目不属于该企业。"), field="project")


@transaction.atomic
def visit_record(
    *,
    enterprise: Enterprise,
    visited_on: dt.date,
    topics: str,
    recorded_by: User,
    visitors: Iterable[User] = (),
    met_with: str = "",
    project: Project | None = None,
    problems: Iterable[str] = (),
) -> Visit:
    """Record a visit (走访) and the problems raised there (one description each; blank ones are skipped).

    ``visitors`` are the staff who went (the recorder when none is named). The enterprise's last visit date moves
    on, which restarts its "not visited" clock (``crm.visits.reminders``).
    """
    require_role(recorded_by, Work.VISITS)
    visitors = list(visitors) or [recorded_by]
    _require_staff(visitors, field="visitors")
    visit = Visit(
        enterprise=enterprise, project=project, visited_on=visited_on, topics=(topics or "").strip(),
        met_with=(met_with or "").strip(), recorded_by=recorded_by,
    )
    try:
        visit.full_clean()
    except ValidationError as error:
        raise DomainError.from_validation_error(error) from None
    visit_check(visit=visit)
    visit.save()
    visit.visitors.set(visitors)
    descriptions = [text.strip() for text in problems if text and text.strip()]
    VisitProblem.objects.bulk_create([VisitProblem(visit=visit, description=text) for text in descriptions])
    if enterprise.last_visited_on is None or visited_on > enterprise.last_visited_on:
        Enterprise.objects.filter(pk=enterprise.pk).update(last_visited_on=visited_on)
        enterprise.last_visited_on = visited_on
    return visit


def _title(problem: VisitProblem) -> str:
    first = problem.description.strip().splitlines()[0].strip()
    return first if len(first) <= TITLE_LENGTH else first[: TITLE_LENGTH - 1] + "…"


@transaction.atomic
def visit_problem_to_request(
    *, problem: VisitProblem, category: ServiceCategory, actor: User, title: str = "", details: dict | None = None,
    at: dt.datetime | None = None,
) -> ServiceRequest:
    """转为诉求: submit a service request for the visited enterprise from ``problem`` and link the two (both ways:
    ``problem.service_request`` and ``request.visit_problem``). The request is the desk's like any other: SLA due
    time, reminders, thread, history (its submission row names ``actor``). A problem is turned once.

    The desk's work: investment officers, who do not read requests, record problems but do not turn them.
    """
    require_role(actor, Work.SERVICE_DESK, refusal=_("只有企业服务专员可以把走访问题转为诉求。"))
    problem = VisitProblem.objects.select_for_update().select_related("visit__enterprise").get(pk=problem.pk)
    if problem.service_request_id is not None:
        raise DomainError(
            _("该问题已转为诉求 #%(id)s。") % {"id": problem.service_request_id}, code=DomainError.ILLEGAL_TRANSITION
        )
    visit = problem.visit
    description = "\n\n".join([
        problem.description.strip(),
        _("（来自 %(date)s 走访%(enterprise)s时企业反映的问题）") % {"date": visit.visited_on, "enterprise": visit.enterprise},
    ])
    request, _warnings = service_request_submit(
        enterprise=visit.enterprise, category=category, title=(title or "").strip() or _title(problem),
        submitted_by=actor, description=description, details=details, at=at,
    )
    problem.service_request = request
    problem.save(update_fields=["service_request", "updated_at"])
    return request
