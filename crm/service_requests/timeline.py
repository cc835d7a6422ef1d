"""What the enterprise reads of routing (承办进度): which departments handle its request, and the timeline of its routings.

The one reading for the portal (and any other enterprise-facing screen), in words, of ``selectors.routing_timeline``:
only the steps a ``RoutingEvent`` marks ``visible_to_enterprise`` — routed (交办), transferred (转办), an approved extension (延期) and completed (办结) — and of
them only the department, the role, the time and the new due time. Never a note: the desk's note to a department, a
hand-back's reason, an extension's reason or its decision note stay between the desk and the departments.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Routing, RoutingEvent, ServiceRequest
from crm.service_requests.selectors import routing_timeline


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    text: str
    kind: str


def handling_departments(*, service_request: ServiceRequest) -> list[Routing]:
    """The active routings (lead first), with their departments: who handles the request now."""
    return list(
        service_request.routings.filter(status=Routing.Status.ACTIVE)
        .select_related("department")
        .order_by("-role", "routed_at", "id")  # "lead" sorts after "assist": descending puts the lead first
    )


def _department(routing: Routing) -> str:
    return routing.department.short_name or routing.department.name


def enterprise_timeline(*, service_request: ServiceRequest) -> list[TimelineEntry]:
    """The steps of the request's routings the enterprise may see, oldest first, in words without any note.

    A transfer reads “由 A 转办至 B”; the new routing's own 交办 step, at the same moment, is then left out.
    """
    events = list(routing_timeline(service_request=service_request).select_related("routing__transferred_to__department"))
    # The routings a transfer created: their own 交办 step is the transfer's other half (one query for the timeline).
    transferred_into = {e.routing.transferred_to_id for e in events if e.kind == RoutingEvent.Kind.TRANSFERRED}
    entries = []
    for event in events:
        routing = event.routing
        role = routing.get_role_display()
        if event.kind == RoutingEvent.Kind.ROUTED:
            if routing.pk in transferred_into:
                continue
            text = _("交由 %(department)s 办理（%(role)s）") % {"department": _department(routing), "role": role}
        elif event.kind == RoutingEvent.Kind.TRANSFERRED:
            target = routing.transferred_to
            text = _("由 %(from)s 转办至 %(to)s（%(role)s）") % {
                "from": _department(routing),
                "to": _department(target) if target else "—",
                "role": role,
            }
        elif event.kind == RoutingEvent.Kind.EXTENSION_APPROVED:
            due = event.due_after or routing.due_at
            text = _("%(department)s 的办理时限延长至 %(due)s") % {
                "department": _department(routing),
                "due": timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
            }
        elif event.kind == RoutingEvent.Kind.COMPLETED:
            text = _("%(department)s 已办结（%(role)s）") % {"department": _department(routing), "role": role}
        else:  # a kind marked visible that this reading does not know: shown by its name, still without its note
            text = f"{event.get_kind_display()} · {_department(routing)}"
        entries.append(TimelineEntry(at=event.created_at, text=text, kind=event.kind))
    return entries

