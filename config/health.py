"""Health: ``/healthz`` (the process answers) and ``/readyz`` (it can do its work), for the front server and probes.

``/healthz`` touches nothing: no database, no broker — a process that answers it is alive, and restarting it
would not help with anything else. ``/readyz`` runs django-health-check's checks, one JSON entry each, and
answers 503 naming every check that failed:

- ``database``: a ``SELECT 1`` (django-health-check's ``Database``);
- ``migrations``: no migration of the code is missing from the database (ours, below);
- ``broker``: the Celery broker answers — django-health-check's ``Redis`` ping for a redis:// broker, a kombu
  connection (ours, below) for the others (the local filesystem broker, RabbitMQ);
- ``beat``: the reminder sweep ran lately (ours, below): beat schedules it every 5 minutes and a worker runs it,
  writing ``ReminderRule.last_swept_at``; older than three periods means beat or the workers are not working;
- ``worker``: a Celery worker answers ``ping`` within a second and consumes the default queue
  (django-health-check's ``celery.Ping``).

The library's answer is HTML for a browser; here JSON is the default (any ``Accept`` but an explicit
``text/html`` or ``text/plain``; ``?format=json`` and ``?format=text`` as in the library).
"""

import dataclasses
import datetime as dt
from urllib.parse import urlsplit

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Max
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.contrib.celery import Ping
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from config.celery_app import app as celery_app
from crm.models import ReminderRule
from crm.notifications.setup import SWEEP_EVERY_MINUTES

# The sweep runs every SWEEP_EVERY_MINUTES; two missed runs are tolerated (a beat restart, a busy worker).
BEAT_STALE_AFTER = dt.timedelta(minutes=3 * SWEEP_EVERY_MINUTES)
PROBE_TIMEOUT = dt.timedelta(seconds=1)


class _OwnConnection:
    """A check runs in an executor thread: close the connection it opened there, unless a test's transaction holds it."""

    def __init__(self, alias: str = DEFAULT_DB_ALIAS):
        self.connection = connections[alias]

    def __enter__(self):
        return self.connection

    def __exit__(self, *exc):
        if not self.connection.in_atomic_block:
            self.connection.close()


@dataclasses.dataclass
class Migrations(HealthCheck):
    """Every migration the code knows is applied to the database (a release deployed before ``migrate`` ran)."""

    alias: str = DEFAULT_DB_ALIAS

    def run(self):
        try:
            with _OwnConnection(self.alias) as connection:
                executor = MigrationExecutor(connection)
                plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as error:
            raise ServiceUnavailable("database unreachable") from error
        if plan:
            names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:3])
            more = f" (+{len(plan) - 3})" if len(plan) > 3 else ""
            raise ServiceUnavailable(f"{len(plan)} unapplied migration(s): {names}{more}")


@dataclasses.dataclass
class Broker(HealthCheck):
    """The Celery broker accepts a connection (any kombu transport; Redis is pinged by the library's check)."""

    timeout: dt.timedelta = dataclasses.field(default=PROBE_TIMEOUT, repr=False)

    def run(self):
        try:
            with celery_app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=self.timeout.total_seconds())
        except Exception as error:  # kombu raises OperationalError, OSError, or a transport's own
            raise ServiceUnavailable(f"broker unreachable ({type(error).__name__})") from error


@dataclasses.dataclass
class BeatSweep(HealthCheck):
    """The reminder sweep (scheduled by beat, run by a worker) ran within ``BEAT_STALE_AFTER``."""

    stale_after: dt.timedelta = dataclasses.field(default=BEAT_STALE_AFTER, repr=False)

    def run(self):
        try:
            with _OwnConnection():
                last = ReminderRule.objects.filter(enabled=True).aggregate(last=Max("last_swept_at"))["last"]
        except DatabaseError as error:
            raise ServiceUnavailable("database unreachable") from error
        if last is None:
            raise ServiceUnavailable("the reminder sweep has never run")
        age = timezone.now() - last
        if age > self.stale_after:
            minutes = int(age.total_seconds() // 60)
            raise ServiceUnavailable(f"last reminder sweep {minutes} minutes ago (beat or workers down?)")


def broker_url() -> str:
    """The URL Celery publishes to (the write URL when one is set, as Celery itself does)."""
    return celery_app.connection_for_write().as_uri(include_password=True)


def broker_check() -> HealthCheck:
    url = broker_url()
    if urlsplit(url).scheme in ("redis", "rediss"):
        from redis.asyncio import Redis as RedisClient

        seconds = PROBE_TIMEOUT.total_seconds()
        return Redis(
            client_factory=lambda: RedisClient.from_url(url, socket_connect_timeout=seconds, socket_timeout=seconds)
        )
    return Broker()


def readiness_checks() -> dict[str, HealthCheck]:
    """The checks of ``/readyz``, by the name the JSON answer gives each."""
    return {
        "database": Database(),
        "migrations": Migrations(),
        "broker": broker_check(),
        "beat": BeatSweep(),
        "worker": Ping(app=celery_app, timeout=PROBE_TIMEOUT, limit=1),
    }


class ReadinessView(HealthCheckView):
    """django-health-check's view with named checks, JSON by default, and 503 (not 500) when one fails."""

    def get_checks(self):
        self.names = []
        for name, check in readiness_checks().items():
            self.names.append(name)
            yield check

    async def get(self, request, *args, **kwargs):
        response = await super().get(request, *args, **kwargs)
        if response.status_code == 500:
            response.status_code = 503
        return response

    def render_to_response(self, context, **response_kwargs):
        if "text/html" in self.request.headers.get("accept", ""):
            return super().render_to_response(context, **response_kwargs)
        return self.render_to_response_json(response_kwargs.get("status", 200))

    def render_to_response_json(self, status):
        checks = {
            name: "OK" if result.error is None else str(result.error)
            for name, result in zip(self.names, self.results, strict=True)
        }
        failed = [name for name, result in zip(self.names, self.results, strict=True) if result.error is not None]
        body = {"status": "unavailable" if failed else "ok", "failed": failed, "checks": checks}
        return JsonResponse(body, status=503 if failed else 200, json_dumps_params={"ensure_ascii": False})


@never_cache
def healthz(request):
    """The process answers: nothing else is looked at (no database query, no broker)."""
    return JsonResponse({"status": "ok"})


readyz = ReadinessView.as_view()
