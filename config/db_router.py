"""Reports read from a replica when there is one (``DATABASE_REPLICA_URL``); everything else uses ``default``.

The manager reports (/reports/ and /api/v1/reports/) are the heaviest reads and tolerate a replica's second of
lag; everything else — logins, sessions, forms, the workbench, the API, every write — stays on the primary, so
a user always reads what they just wrote. ``ReportsOnReplicaMiddleware`` marks a request whose view is a report
(its URL namespace), and ``ReplicaRouter`` sends that request's reads to ``replica``; writes always go to
``default``, and migrations run only there (the replica receives them by replication).

Without ``DATABASE_REPLICA_URL`` neither is installed: one database, as before.
"""

import contextlib
import contextvars

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"
REPORT_NAMESPACES = {"reports", "reports-api"}

_on_replica = contextvars.ContextVar("reads_on_replica", default=False)


@contextlib.contextmanager
def replica_reads():
    """Reads inside the block go to the replica (the router's condition); writes still go to ``default``."""
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


# Who the user is and what they may do is always read from the primary, even inside a report: a token issued or
# a password changed a moment ago must count at once, whatever the replica's lag.
PRIMARY_ONLY_APPS = {"auth", "sessions", "knox", "axes", "contenttypes"}


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if not _on_replica.get():
            return DEFAULT_DB_ALIAS
        meta = model._meta
        if meta.app_label in PRIMARY_ONLY_APPS or meta.label == settings.AUTH_USER_MODEL:
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows on both sides

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


class ReportsOnReplicaMiddleware:
    """Runs a report's view with its reads on the replica (the user and session were read before, from default)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or not REPORT_NAMESPACES.intersection(match.namespaces):
            return None
        with replica_reads():
            response = view_func(request, *view_args, **view_kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()  # a template response reads while rendering
        return response
