"""Celery task of the reports: the nightly rebuild of the summary tables (``reports.summaries.rebuild``)."""

from celery import shared_task

from reports.summaries import rebuild


@shared_task(name="reports.rebuild_summaries", ignore_result=True)
def rebuild_summaries_task():
    """Run by beat nightly (``crm.notifications.setup.SCHEDULE``); idempotent, so a retry or a second run is harmless."""
    return {"projects": rebuild()}
