"""Prometheus metrics (config/metrics.py): closed to the public, request latency and database time by view,
and the park's state (queue length, reminders by state, overdue requests) computed when scraped."""

import datetime as dt
import os
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from config import metrics
from config.celery_app import app as celery_app
from crm.models import Notification, ServiceRequest
from tests.reminders.helpers import celery_conf

TOKEN = "metrics-token-9f1c2b7e5d"
BROKER = os.environ.get("CELERY_BROKER_URL", "")


@pytest.fixture(autouse=True)
def _fresh_state():
    metrics.StateCollector._cached = None
    yield
    metrics.StateCollector._cached = None


@pytest.fixture
def token(settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOW = TOKEN, []
    return TOKEN


def scrape(client, **extra) -> dict:
    """Every sample of a scrape, by (name, labels)."""
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


# ---- closed to the public -----------------------------------------------------------------------------------------


def test_metrics_do_not_exist_when_neither_a_token_nor_networks_are_set(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOW = "", []
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_a_wrong_or_missing_token_is_refused(client, token):
    for header in ({}, {"HTTP_AUTHORIZATION": "Bearer wrong"}, {"HTTP_AUTHORIZATION": f"Token {TOKEN}"}):
        response = client.get("/metrics", **header)
        assert response.status_code == 403
        assert b"zijin_" not in response.content


@pytest.mark.django_db
def test_the_token_opens_the_metrics(client, token):
    assert ("zijin_service_requests_overdue", ()) in scrape(client)


@pytest.mark.django_db
def test_an_allowed_network_needs_no_token(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOW = "", ["10.20.0.0/16", "::1/128"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="10.21.3.4").status_code == 403


def test_behind_the_proxy_the_address_it_saw_counts_not_what_the_client_wrote(client, settings):
    settings.METRICS_TOKEN, settings.METRICS_ALLOW = "", ["10.20.0.0/16"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    # The client wrote an allowed address itself; nginx appended the one it really came from.
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.20.3.4, 203.0.113.9")
    assert response.status_code == 403


# ---- measured as requests run ---------------------------------------------------------------------------------------


def _value(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0


@pytest.mark.django_db
def test_each_request_is_timed_under_its_view_name(client):
    before = _value("zijin_http_request_duration_seconds_count", view="healthz", method="GET", status="200")
    client.get("/healthz")
    client.get("/healthz")
    assert _value("zijin_http_request_duration_seconds_count", view="healthz", method="GET", status="200") == before + 2


@pytest.mark.django_db
def test_the_database_queries_of_a_request_are_counted_under_its_view(client, qian):
    client.force_login(qian)
    view = client.get("/admin/").resolver_match.view_name  # the workbench
    before = _value("zijin_http_request_db_queries_sum", view=view)
    seconds = _value("zijin_http_request_db_seconds_sum", view=view)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/admin/").status_code == 200

    assert len(queries) > 0
    assert _value("zijin_http_request_db_queries_sum", view=view) == before + len(queries)
    assert _value("zijin_http_request_db_seconds_sum", view=view) > seconds


# ---- the park's state, computed when scraped ----------------------------------------------------------------------


@pytest.mark.django_db
def test_reminders_by_state_and_overdue_requests_are_read_when_scraped(client, token, qian, alice_request, sunshine, alice):
    for n, status in enumerate(["sent", "sent", "parked", "failed"]):
        Notification.objects.create(key=f"metrics:{n}", rule="request_overdue", recipient=qian, subject="督办", status=status)
    late = ServiceRequest.objects.filter(pk=alice_request.pk)
    late.update(submitted_at=timezone.now() - dt.timedelta(days=3), due_at=timezone.now() - dt.timedelta(hours=1))

    samples = scrape(client)

    counted = Notification.objects.filter(status="sent").count()  # the submission's own notices are sent too
    assert samples[("zijin_notifications", (("status", "sent"),))] == counted
    assert samples[("zijin_notifications", (("status", "parked"),))] == 1
    assert samples[("zijin_notifications", (("status", "failed"),))] == 1
    assert samples[("zijin_service_requests_overdue", ())] == 1


@pytest.mark.django_db
def test_a_scrape_costs_two_queries_and_a_second_one_within_15_seconds_none(client, token, django_assert_num_queries):
    with django_assert_num_queries(2):  # reminders grouped by state; open requests past due (crm_request_open_due_idx)
        scrape(client)
    with django_assert_num_queries(0):  # the same numbers, memoised for STATE_TTL
        scrape(client)


@pytest.mark.django_db
def test_the_celery_queue_length_is_read_from_the_broker(client, token):
    queue = f"metrics-test-{uuid.uuid4().hex[:8]}"
    with celery_conf(task_default_queue=queue):
        celery_app.send_task("crm.reminders_sweep")
        celery_app.send_task("crm.reminders_sweep")
        samples = scrape(client)
    assert samples[("zijin_celery_queue_length", (("queue", queue),))] == 2


@pytest.mark.celery
@pytest.mark.skipif(not BROKER.startswith("redis://"), reason="needs CELERY_BROKER_URL=redis://...")
@pytest.mark.django_db
def test_the_celery_queue_length_is_read_from_redis(client, token):
    import redis

    queue = f"metrics-test-{uuid.uuid4().hex[:8]}"
    try:
        with celery_conf(task_default_queue=queue, broker_url=BROKER):
            for _ in range(3):
                celery_app.send_task("crm.reminders_sweep")
            samples = scrape(client)
        assert samples[("zijin_celery_queue_length", (("queue", queue),))] == 3
    finally:
        redis.Redis.from_url(BROKER).delete(queue, f"_kombu.binding.{queue}")


@pytest.mark.django_db
def test_a_broker_that_does_not_answer_leaves_the_queue_length_out_and_the_rest_in(client, token):
    with celery_conf(broker_url="redis://127.0.0.1:18199/0"):
        samples = scrape(client)
    assert not any(name == "zijin_celery_queue_length" for name, _ in samples)
    assert ("zijin_service_requests_overdue", ()) in samples


@pytest.mark.django_db
def test_a_database_that_does_not_answer_leaves_the_state_out_and_the_request_metrics_in(client, token, monkeypatch):
    from django.db import OperationalError

    def unreachable():
        raise OperationalError("connection refused")

    monkeypatch.setattr(metrics, "database_state", unreachable)
    client.get("/healthz")
    samples = scrape(client)
    assert not any(name in ("zijin_notifications", "zijin_service_requests_overdue") for name, _ in samples)
    assert any(name == "zijin_http_request_duration_seconds_count" for name, _ in samples)
