"""Prometheus metrics at ``/metrics`` (prometheus-client), closed to the public.

Measured as requests run (``MetricsMiddleware``), per view name (the URL pattern's name, never the path, so
the label set stays small):

- ``zijin_http_request_duration_seconds{view,method,status}``: a histogram of the whole request;
- ``zijin_http_request_db_seconds{view}`` and ``zijin_http_request_db_queries{view}``: database time and
  queries per request (every query passes through a ``connection.execute_wrapper``).

Computed when Prometheus scrapes (``StateCollector``), with cheap queries, at most every ``STATE_TTL`` seconds:

- ``zijin_celery_queue_length{queue}``: messages waiting in the broker's default queue (kombu's passive
  declare: LLEN over the priority lists with Redis);
- ``zijin_notifications{status}``: reminders by state (pending, sending, sent, failed, parked);
- ``zijin_service_requests_overdue``: open service requests past their SLA time (``crm_request_open_due_idx``).

**Several gunicorn workers.** Each worker process keeps its own counters; a scrape reaches one of them. So
``bin/serve`` runs prometheus-client's *multiprocess mode*: ``PROMETHEUS_MULTIPROC_DIR`` names a folder where
every worker writes its samples (memory-mapped files), the answering worker sums them all, and
``config/gunicorn.py`` wipes the folder at start and marks a dead worker's files. Without the variable (``make
run``, tests) the process's own registry is served. The scrape-time gauges are computed by whichever worker
answers, from the database and the broker: the same for all.

**Access.** ``DJANGO_METRICS_TOKEN`` (a bearer token, compared in constant time) or ``DJANGO_METRICS_ALLOW``
(client addresses in CIDR form, read as the login lockout and throttles read them: through
``DJANGO_API_NUM_PROXIES`` trusted proxies). Neither set: 404, the page does not exist. Set but the caller
matches neither: 403.
"""

import hmac
import ipaddress
import os
import threading
import time
from contextlib import ExitStack

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpResponse
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

REQUEST_SECONDS = Histogram(
    "zijin_http_request_duration_seconds",
    "Time to answer a request, by view name, method and status.",
    ["view", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
DB_SECONDS = Histogram(
    "zijin_http_request_db_seconds",
    "Database time of one request, by view name.",
    ["view"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5),
)
DB_QUERIES = Histogram(
    "zijin_http_request_db_queries",
    "Database queries of one request, by view name.",
    ["view"],
    buckets=(0, 1, 2, 5, 10, 20, 50, 100, 500),
)
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class _QueryTimer:
    """A ``connection.execute_wrapper``: adds each query's time and count to the request's totals."""

    def __init__(self):
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.queries += 1


class MetricsMiddleware:
    """Times every request and its database work, labelled by the view that answered (after the request id)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timer = _QueryTimer()
        start = time.perf_counter()
        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(timer))
            response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or match._func_path) if match else "<unresolved>"
        method = request.method if request.method in METHODS else "other"
        REQUEST_SECONDS.labels(view, method, str(response.status_code)).observe(time.perf_counter() - start)
        DB_SECONDS.labels(view).observe(timer.seconds)
        DB_QUERIES.labels(view).observe(timer.queries)
        return response


# ---- gauges computed at scrape time ------------------------------------------------------------------------------

STATE_TTL = 15  # seconds: two scrapes within this time (several Prometheus servers) share one set of queries


def queue_length() -> dict[str, int]:
    """Messages waiting in the default Celery queue, by queue name; empty if the broker does not answer."""
    from config.celery_app import app as celery_app

    queue = celery_app.conf.task_default_queue
    try:
        with celery_app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=1)
            _, waiting, _ = connection.default_channel.queue_declare(queue=queue, passive=True)
    except Exception:  # a missing queue (no message yet) or a broker down: no sample, the alert says "absent"
        return {}
    return {queue: waiting}


def database_state() -> dict:
    from django.db.models import Count

    from crm.models import Notification, ServiceRequest
    from crm.service_requests.clock import RED, colour_conditions

    by_status = dict.fromkeys(Notification.Status.values, 0)
    by_status |= dict(Notification.objects.order_by().values_list("status").annotate(n=Count("pk")))
    overdue = ServiceRequest.objects.filter(colour_conditions(timezone.now())[RED]).count()
    return {"notifications": by_status, "overdue": overdue}


class StateCollector:
    """The gauges of the park's state: read from the broker and the database when scraped (memoised STATE_TTL s)."""

    _lock = threading.Lock()
    _cached: tuple[float, dict] | None = None

    def state(self) -> dict:
        with self._lock:
            now = time.monotonic()
            if StateCollector._cached is None or now - StateCollector._cached[0] > STATE_TTL:
                try:
                    database = database_state()
                except DatabaseError:  # unreachable or not migrated: the request metrics still answer
                    database = {"notifications": {}, "overdue": None}
                StateCollector._cached = (now, {"queue": queue_length(), **database})
            return StateCollector._cached[1]

    def describe(self):
        return self._families({"queue": {}, "notifications": {}, "overdue": None})

    def collect(self):
        return self._families(self.state())

    def _families(self, state: dict):
        queue = GaugeMetricFamily("zijin_celery_queue_length", "Messages waiting in the Celery queue.", labels=["queue"])
        for name, waiting in state["queue"].items():
            queue.add_metric([name], waiting)
        yield queue
        notifications = GaugeMetricFamily("zijin_notifications", "Reminders by state.", labels=["status"])
        for status, count in sorted(state["notifications"].items()):
            notifications.add_metric([status], count)
        yield notifications
        overdue = GaugeMetricFamily("zijin_service_requests_overdue", "Open service requests past their SLA time.")
        if state["overdue"] is not None:
            overdue.add_metric([], state["overdue"])
        yield overdue


# ---- the endpoint ---------------------------------------------------------------------------------------------------


def client_address(request) -> str:
    """The caller's address, through ``DJANGO_API_NUM_PROXIES`` trusted proxies (as the throttles read it)."""
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        chain = [part.strip() for part in forwarded.split(",")]
        return chain[-min(proxies, len(chain))]
    return request.META.get("REMOTE_ADDR", "")


def allowed(request) -> bool | None:
    """True for a caller with the token or from an allowed network; None when metrics are closed to everyone."""
    token, networks = settings.METRICS_TOKEN, settings.METRICS_ALLOW
    if not token and not networks:
        return None
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:].encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network, strict=False) for network in networks)


STATE = StateCollector()
REGISTRY.register(STATE)  # named by describe(): nothing is queried until a scrape


def _registry() -> CollectorRegistry:
    """Multiprocess mode: every worker's samples, summed, and the state; else this process's registry."""
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    registry.register(STATE)
    return registry


def metrics(request):
    verdict = allowed(request)
    if verdict is None:
        return HttpResponse(status=404)
    if not verdict:
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    response = HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
