"""The one call a service makes after it changes what the service report's cached figures read.

The service page (``reports.selectors.service``) keeps the figures that do not depend on the clock — counts by
category and status, satisfaction, handling times, call-backs — in the cache under a version the reports app
raises (``reports.summaries.service_figures_changed``); crm never imports reports, so the reports app registers
it here at start-up, as it registers the pipeline's summary refresh (``crm.pipeline.summaries``). Every service
that writes a request, a routing, a call-back, a rating or an approval step calls ``service_figures_changed()``
inside its own transaction, after its writes: the new version commits (or rolls back) with the change itself,
so a cached figure is never served after a change. Figures that depend on now (三色, 超期) are computed on every
view and need no call.
"""

from collections.abc import Callable

LISTENERS: list[Callable[[], None]] = []


def service_figures_register(listener: Callable[[], None]) -> None:
    """Register ``listener()`` (once; the reports app calls this at start-up)."""
    if listener not in LISTENERS:
        LISTENERS.append(listener)


def service_figures_changed() -> None:
    for listener in LISTENERS:
        listener()
