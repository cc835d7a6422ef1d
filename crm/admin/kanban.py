"""看板: the pipeline board of the admin (/admin/crm/project/kanban/), thin over ``crm.pipeline.kanban``.

Three views, mounted by ``ProjectAdmin.get_urls``: the board, one more page of a column (“加载更多”, JSON with the
cards' HTML) and the move (a POST answering JSON). A move goes through ``project_change_stage`` — the one door —
and its ``DomainError`` is mapped here once: ``forbidden`` → 403, ``illegal_transition`` → 409, ``invalid`` → 400,
each with the service's message, which static/js/kanban.js shows before putting the card back.
"""

from functools import partial

from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.errors import DomainError
from crm.models import Project, Role, Stage, list_labels
from crm.pipeline.kanban import COLUMNS, PAGE_SIZE, KanbanFilters, kanban_board, kanban_cards
from crm.pipeline.services import allowed_stages, project_change_stage
from crm.roles import Area, Work, may, may_read
from crm.text import number
from parks.models import Park

from . import calendar
from .common import priority_badge
from .forms import officers

YI = 10000  # 1 亿元 = 10,000 万元

ERROR_STATUS = {DomainError.FORBIDDEN: 403, DomainError.ILLEGAL_TRANSITION: 409, DomainError.INVALID: 400}


def _require_pipeline_reader(request) -> None:
    if not may_read(request.user, Area.PIPELINE):
        raise PermissionDenied


MAX_ID = 2**31 - 1  # beyond any id or offset here; a larger number typed in the URL is no filter (never a 500)


def _int_or_none(value: str | None) -> int | None:
    if not value or not (value.isascii() and value.isdigit()) or len(value) > 10:
        return None
    number = int(value)
    return number if number <= MAX_ID else None


def filters_from(request) -> KanbanFilters:
    """The board's filters from the query string; an officer starts on “mine”, everyone else on “all”."""
    data = request.GET
    scope = data.get("scope") or ("mine" if request.user.has_role(Role.INVESTMENT_OFFICER) else "all")
    chain = data.get("chain", "")
    priority = data.get("priority", "")
    return KanbanFilters(
        mine=scope == "mine",
        owner=_int_or_none(data.get("owner")),
        chain=chain if chain in list_labels("crm.IndustryChain") else "",
        park=_int_or_none(data.get("park")),
        priority=priority if priority in ("key", "major") else "",
    )


def amount_text(amount) -> str:
    """总投资 as the card shows it: ``8,000 万元``, from 10,000 万元 on in 亿元 (``1.20 亿元``)."""
    if amount >= YI:
        return _("%(n)s 亿元") % {"n": number(amount / YI)}
    return _("%(n)s 万元") % {"n": number(amount)}


def follow_up_text(project, today) -> str:
    if project.followed_up_on is None:
        return _("未跟进")
    days = (today - project.followed_up_on).days
    return _("今天跟进") if days <= 0 else _("%(days)s 天未跟进") % {"days": days}


def card_context(project, *, can_move: bool, today) -> dict:
    """A card's text and its legal moves — none where the user may not move it (its role, or the ownership rule
    read into ``project.may_change`` by ``crm.pipeline.kanban``)."""
    can_move = can_move and getattr(project, "may_change", True)
    moves = [(stage, Stage(stage).label) for stage in allowed_stages(project)] if can_move else []
    return {
        "project": project,
        "amount": amount_text(project.total_investment),
        "badge": priority_badge(project.total_investment),
        "followed": follow_up_text(project, today),
        "moves": moves,
        "allowed": " ".join(stage for stage, _label in moves),
    }


def _cards_html(request, projects) -> str:
    can_move = may(request.user, Work.PROJECTS)
    today = timezone.localdate()
    cards = [card_context(p, can_move=can_move, today=today) for p in projects]
    return render_to_string("admin/crm/project/_kanban_cards.html", {"cards": cards}, request=request)


@require_GET
def board_view(request, model_admin):
    _require_pipeline_reader(request)
    filters = filters_from(request)
    columns = kanban_board(user=request.user, filters=filters)
    for column in columns:
        column.html = _cards_html(request, column.cards)
    query = request.GET.copy()
    query.pop("offset", None)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("项目看板"),
        "opts": model_admin.opts,
        "columns": columns,
        "filters": filters,
        "query": query.urlencode(),
        "owners": officers(Role.INVESTMENT_OFFICER).only("pk", "username", "display_name", "first_name", "last_name"),
        "parks": Park.objects.order_by("name").only("pk", "name"),
        "chains": list(list_labels("crm.IndustryChain").items()),
        "page_size": PAGE_SIZE,
        "can_move": may(request.user, Work.PROJECTS),
    }
    return TemplateResponse(request, "admin/crm/project/kanban.html", context)


@require_GET
def more_view(request, model_admin, stage):
    """“加载更多”: the next page of one column, as the cards' HTML and the offset of the page after it."""
    _require_pipeline_reader(request)
    if stage not in COLUMNS:
        raise Http404
    offset = _int_or_none(request.GET.get("offset")) or 0
    cards = kanban_cards(user=request.user, filters=filters_from(request), stage=stage, offset=offset)
    more = len(cards) == PAGE_SIZE
    return JsonResponse({"html": _cards_html(request, cards), "next": offset + len(cards) if more else None})


@require_POST
def move_view(request, model_admin, pk):
    """Move one card: ``to`` and, for 终止, ``note`` (the reason). Answers the moved card, or the refusal."""
    _require_pipeline_reader(request)
    project = get_object_or_404(Project.objects.select_related("enterprise", "owner"), pk=pk)
    try:
        moved = project_change_stage(
            project=project, to=request.POST.get("to", ""), actor=request.user, note=request.POST.get("note", "")
        )
    except DomainError as error:
        return JsonResponse({"error": str(error.message)}, status=ERROR_STATUS.get(error.code, 400))
    moved = Project.objects.select_related("enterprise", "owner").get(pk=moved.pk)  # the mover may change it
    return JsonResponse({
        "stage": moved.stage,
        "message": _("项目“%(name)s”已转到“%(stage)s”。") % {"name": moved.name, "stage": moved.get_stage_display()},
        "html": _cards_html(request, [moved]),
    })


def urls(model_admin) -> list:
    """The board's URLs, for ``ProjectAdmin.get_urls`` (before its ``<path:object_id>/`` catch-all)."""
    def view(function, **kwargs):
        return model_admin.admin_site.admin_view(partial(function, model_admin=model_admin))

    return [
        path("kanban/", view(board_view), name="crm_project_kanban"),
        path("kanban/<str:stage>/more/", view(more_view), name="crm_project_kanban_more"),
        path("kanban/<int:pk>/move/", view(move_view), name="crm_project_kanban_move"),
        path("calendar/", view(calendar.calendar_view), name="crm_project_calendar"),
        path("calendar/renew/", view(calendar.calendar_feed_renew_view), name="crm_project_calendar_renew"),
    ]
