"""The one call a service makes after it changes what the report summaries copy from a project.

The summary tables belong to the reports app, which crm never imports: it registers its refresh here at start-up
(``summaries_register``, from ``reports.apps``), as it registers the workbench headlines. A service calls
``projects_changed(ids)`` inside its own transaction, after its writes, so the summary rows commit (or roll
back) with the change itself. Changes to tables the summaries do not copy (follow-ups, milestones, capital
arrivals: the page reads those raw) need no call.
"""

from collections.abc import Callable, Iterable

LISTENERS: list[Callable[[Iterable[int]], None]] = []


def summaries_register(listener: Callable[[Iterable[int]], None]) -> None:
    """Register ``listener(project_ids)`` (once; the reports app calls this at start-up)."""
    if listener not in LISTENERS:
        LISTENERS.append(listener)


def projects_changed(project_ids: Iterable[int]) -> None:
    ids = list(project_ids)
    for listener in LISTENERS:
        listener(ids)
