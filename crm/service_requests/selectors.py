"""Reads about service requests, always scoped to what the user may see."""

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from crm.models import (
    OPEN_REQUEST_STATUSES,
    ServiceRequest,
    ServiceRequestAttachment,
    ServiceRequestMessage,
    ServiceRequestTransition,
)


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
    """The thread as ``user`` may see it: internal notes only for staff."""
    messages = service_request.messages.select_related("author").order_by("created_at", "id")
    if not user.is_staff:
        messages = messages.filter(is_internal=False)
    return messages


def service_request_detail_queryset(*, user) -> QuerySet[ServiceRequest]:
    return service_request_list(user=user).select_related("form_version").prefetch_related(
        "attachments",
        "approval_steps",
        Prefetch("transitions", queryset=ServiceRequestTransition.objects.select_related("actor")),
    )


def attachment_list(*, service_request: ServiceRequest) -> QuerySet[ServiceRequestAttachment]:
    return service_request.attachments.select_related("uploaded_by").order_by("created_at", "id")


def attachment_get(*, user, pk) -> ServiceRequestAttachment:
    """An attachment of a request ``user`` may see; ``DoesNotExist`` (→ 404) for anyone else's."""
    return ServiceRequestAttachment.objects.get(pk=pk, request__in=ServiceRequest.objects.visible_to(user))


def service_request_lock(request: ServiceRequest) -> ServiceRequest:
    """Lock the row of ``request`` until the transaction ends and bring the instance's status up to date.

    For the writes beside a request (messages, files, approval steps) that depend on its status: a close or
    a withdrawal committed meanwhile is seen, and none can commit until they do. The caller's instance is
    kept, with whatever related rows it has loaded. Call it inside ``transaction.atomic``.
    """
    request.status = ServiceRequest.objects.select_for_update().values_list("status", flat=True).get(pk=request.pk)
    return request
