"""Reads about service requests, always scoped to what the user may see."""

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from crm.models import (
    OPEN_REQUEST_STATUSES,
    ApprovalStep,
    Department,
    Routing,
    RoutingEvent,
    RoutingExtension,
    ServiceRequest,
    ServiceRequestAttachment,
    ServiceRequestMessage,
    ServiceRequestTransition,
)


def _department_scoped(user) -> bool:
    return getattr(user, "reads_routed_requests_only", False)


def service_request_list(*, user) -> QuerySet[ServiceRequest]:
    """Requests ``user`` may see, open ones first by time left, with what a list row shows loaded."""
    return (
        ServiceRequest.objects.visible_to(user)
        .select_related("enterprise", "category", "assignee", "submitted_by")
        .order_by(
            Case(When(status__in=OPEN_REQUEST_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()),
            "due_at",
            "id",
        )
    )


def message_list(*, service_request: ServiceRequest, user) -> QuerySet[ServiceRequestMessage]:
    """The thread as ``user`` may see it: internal notes only for staff; a department liaison only the desk's
    messages shared with the departments and its own departments' messages (docs/departments.md)."""
    messages = service_request.messages.select_related("author", "department").order_by("created_at", "id")
    if _department_scoped(user):
        return messages.filter(Q(shared_with_departments=True) | Q(department__liaisons=user)).distinct()
    if not user.is_staff:
        messages = messages.filter(is_internal=False)
    return messages


def service_request_detail_queryset(*, user) -> QuerySet[ServiceRequest]:
    return service_request_list(user=user).select_related("form_version").prefetch_related(
        "attachments",
        "approval_steps",
        Prefetch("transitions", queryset=ServiceRequestTransition.objects.select_related("actor")),
    )


def attachment_list(*, service_request: ServiceRequest, user=None) -> QuerySet[ServiceRequestAttachment]:
    """A request's files; none for a department liaison (they are the enterprise's documents: work-permit scans,
    passports — docs/departments.md)."""
    attachments = service_request.attachments.select_related("uploaded_by").order_by("created_at", "id")
    return attachments_visible_to(attachments, user) if user is not None else attachments


def attachments_visible_to(attachments: QuerySet[ServiceRequestAttachment], user) -> QuerySet[ServiceRequestAttachment]:
    """The files ``user`` may download: those of the requests it may see, none at all for a department liaison.
    The download view (``crm.views``), the API and the admin ask it."""
    if getattr(user, "reads_routed_requests_only", False):
        return attachments.none()
    return attachments.filter(request__in=ServiceRequest.objects.visible_to(user))


def attachment_get(*, user, pk) -> ServiceRequestAttachment:
    """An attachment of a request ``user`` may see; ``DoesNotExist`` (→ 404) for anyone else's."""
    return attachments_visible_to(ServiceRequestAttachment.objects.all(), user).get(pk=pk)


# -- departments and routing (承办单位、分办) -------------------------------------------------------------------------


def department_list(*, user) -> QuerySet[Department]:
    """The active departments ``user`` may name: every one for the desk and managers, its own for a liaison."""
    departments = Department.objects.filter(is_active=True).order_by("sort_order", "name", "id")
    if _department_scoped(user):
        departments = departments.filter(liaisons=user)
    return departments


def routing_list(*, service_request: ServiceRequest, user) -> QuerySet[Routing]:
    """The routings of a request as ``user`` may see them, oldest first, with their department, events (and actors)
    and extension requests loaded: every routing for staff, its own departments' for a liaison."""
    routings = (
        Routing.objects.filter(service_request=service_request)
        .select_related("department", "routed_by")
        .prefetch_related(
            Prefetch("events", queryset=RoutingEvent.objects.select_related("actor").order_by("created_at", "id")),
            Prefetch(
                "extensions",
                queryset=RoutingExtension.objects.select_related("requested_by", "decided_by").order_by("requested_at", "id"),
            ),
        )
        .order_by("routed_at", "id")
    )
    if _department_scoped(user):
        routings = routings.filter(department__liaisons=user)
    return routings


def routings_of(*, user) -> QuerySet[Routing]:
    """Every routing ``user`` may act on or read by id (the routing endpoints): for a liaison its own departments',
    on requests it may see; for other readers of requests, those of the requests they may see. Anything else → 404."""
    routings = Routing.objects.filter(service_request__in=ServiceRequest.objects.visible_to(user))
    if _department_scoped(user):
        routings = routings.filter(department__liaisons=user)
    return routings.select_related("department", "service_request", "service_request__category")


def extensions_of(*, user) -> QuerySet[RoutingExtension]:
    """The extension requests ``user`` may read by id: those of the routings it may read."""
    return RoutingExtension.objects.filter(routing__in=routings_of(user=user)).select_related(
        "routing", "routing__department", "routing__service_request"
    )


def approval_steps_visible(*, service_request: ServiceRequest, user) -> QuerySet[ApprovalStep]:
    """A request's approval steps as ``user`` may see them: a liaison only its own departments' steps."""
    steps = service_request.approval_steps.all()
    if _department_scoped(user):
        steps = steps.filter(department__liaisons=user)
    return steps.order_by("sequence")


def routing_timeline(*, service_request: ServiceRequest) -> QuerySet[RoutingEvent]:
    """The enterprise's view of who handles its request (portal, API): the routing steps visible to it — routed,
    transferred, extension approved, completed — oldest first; never hand-backs, extension requests or refusals,
    nor the desk's notes to the departments."""
    return (
        RoutingEvent.objects.filter(routing__service_request=service_request, visible_to_enterprise=True)
        .select_related("routing", "routing__department")
        .order_by("created_at", "id")
    )


def service_request_lock(request: ServiceRequest) -> ServiceRequest:
    """Lock the row of ``request`` until the transaction ends and bring the instance's status up to date.

    For the writes beside a request (messages, files, approval steps) that depend on its status: a close or
    a withdrawal committed meanwhile is seen, and none can commit until they do. The caller's instance is
    kept, with whatever related rows it has loaded. Call it inside ``transaction.atomic``.
    """
    request.status = ServiceRequest.objects.select_for_update().values_list("status", flat=True).get(pk=request.pk)
    return request
