"""Reads behind the REST API's lists: each scoped to what the user may see, with what a row shows loaded."""

from django.db.models import Prefetch, QuerySet

from crm.models import (
    Enterprise,
    FollowUp,
    Notification,
    Project,
    ProjectStageChange,
    ServiceRequest,
    ServiceRequestAttachment,
)


def attachment_list(*, request: ServiceRequest) -> QuerySet[ServiceRequestAttachment]:
    return request.attachments.select_related("uploaded_by").order_by("created_at", "id")


def attachment_get(*, user, pk) -> ServiceRequestAttachment:
    """An attachment of a request ``user`` may see; ``DoesNotExist`` (→ 404) for anyone else's."""
    return ServiceRequestAttachment.objects.get(pk=pk, request__in=ServiceRequest.objects.visible_to(user))


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's own notifications, newest first (``crm_notification_unread_idx`` serves ``?unread=true``)."""
    return Notification.objects.filter(recipient=user).select_related("content_type").order_by("-created_at", "-id")


def enterprise_list(*, user) -> QuerySet[Enterprise]:
    return Enterprise.objects.visible_to(user).order_by("name", "id")


def project_list() -> QuerySet[Project]:
    """The pipeline as staff read it (every staff member reads every project): newest first, investor, owner and park joined, co-officers prefetched."""
    return (
        Project.objects.select_related("enterprise", "owner", "park")
        .prefetch_related("co_officers")
        .order_by("-created_at", "-id")
    )


def project_detail_queryset() -> QuerySet[Project]:
    return project_list().prefetch_related(
        Prefetch("stage_changes", queryset=ProjectStageChange.objects.select_related("actor").order_by("changed_at", "id"))
    )


def follow_up_list(*, project: Project) -> QuerySet[FollowUp]:
    return project.follow_ups.select_related("officer").order_by("-occurred_on", "-id")
