"""Reads of the pipeline: the project list as staff read it, a project with its history, its follow-ups."""

from django.db.models import Prefetch, QuerySet

from crm.models import (
    FollowUp,
    Project,
    ProjectStageChange,
)


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
