"""Health (config/health.py): /healthz answers without the database; /readyz answers 200 only when the database,
its migrations, the broker, beat's reminder sweep and a worker all answer, else 503 naming what failed."""

import asyncio
import dataclasses
import datetime as dt
import inspect
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.contrib.celery import Ping
from health_check.contrib.redis import Redis
from health_check.exceptions import HealthCheckException, ServiceUnavailable

from config import health
from crm.models import ReminderRule
from tests.reminders.helpers import celery_conf

# On a database, every test (and so before the transactional ones and the browser tests): pytest-django runs the tests
# without one last, after Playwright's event loop ran, and async_to_sync (the checks) refuses a thread that had one.
pytestmark = pytest.mark.django_db

BROKER = os.environ.get("CELERY_BROKER_URL", "")
NOBODY_LISTENS = "redis://127.0.0.1:18199/0"  # a port of this engineer's range where nothing runs


def outcome(check: HealthCheck) -> str:
    """What /readyz would say about this check: OK or the error (run here, in the test's own transaction)."""
    try:
        result = check.run()
        if inspect.iscoroutine(result):
            asyncio.run(result)
    except HealthCheckException as error:
        return str(error)
    return "OK"


# ---- /healthz ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_ok_without_a_single_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):  # nothing: not the session, not the user, not the database
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


# ---- each check of /readyz, passing and failing ---------------------------------------------------------------


@pytest.mark.django_db
def test_migrations_check_passes_on_a_migrated_database():
    assert outcome(health.Migrations()) == "OK"


@pytest.mark.django_db
def test_migrations_check_fails_naming_an_unapplied_migration():
    leaf = MigrationRecorder.Migration.objects.filter(app="crm").order_by("-name").first()
    leaf.delete()  # as if the code of a release were deployed before its `migrate` ran

    assert outcome(health.Migrations()) == f"Unavailable: 1 unapplied migration(s): crm.{leaf.name}"


def _sweep_ran(ago: dt.timedelta | None):
    ReminderRule.objects.update(last_swept_at=None if ago is None else timezone.now() - ago)


@pytest.mark.django_db
def test_beat_check_passes_when_the_sweep_ran_within_three_periods():
    _sweep_ran(dt.timedelta(minutes=14))
    assert outcome(health.BeatSweep()) == "OK"


@pytest.mark.django_db
def test_beat_check_fails_when_the_last_sweep_is_stale():
    _sweep_ran(dt.timedelta(minutes=20))  # beat schedules one every 5 minutes: three were missed
    assert outcome(health.BeatSweep()) == "Unavailable: last reminder sweep 20 minutes ago (beat or workers down?)"


@pytest.mark.django_db
def test_beat_check_fails_when_the_sweep_never_ran():
    _sweep_ran(None)
    assert outcome(health.BeatSweep()) == "Unavailable: the reminder sweep has never run"


@pytest.mark.django_db
def test_beat_check_ignores_a_disabled_rule_swept_lately():
    _sweep_ran(dt.timedelta(hours=2))
    rule = ReminderRule.objects.first()
    ReminderRule.objects.filter(pk=rule.pk).update(enabled=False, last_swept_at=timezone.now())
    assert outcome(health.BeatSweep()).startswith("Unavailable: last reminder sweep 120 minutes ago")


def test_broker_check_is_the_librarys_redis_ping_for_a_redis_broker_and_fails_when_it_is_down():
    with celery_conf(broker_url=NOBODY_LISTENS):
        check = health.broker_check()
        assert isinstance(check, Redis)
        assert outcome(check).startswith("Unavailable: Unable to connect to Redis")


def test_broker_check_connects_with_kombu_to_another_broker():
    check = health.broker_check()  # the test settings' in-memory broker
    assert isinstance(check, health.Broker)
    assert outcome(check) == "OK"


@pytest.mark.skipif(not BROKER.startswith("redis://"), reason="needs CELERY_BROKER_URL=redis://...")
@pytest.mark.celery
def test_broker_check_passes_with_a_real_redis():
    with celery_conf(broker_url=BROKER):
        assert outcome(health.broker_check()) == "OK"


def test_worker_check_fails_when_no_worker_answers():
    check = Ping(app=health.celery_app, timeout=health.PROBE_TIMEOUT, limit=1)
    assert outcome(check) == "Unavailable: Celery workers unavailable"


# ---- the /readyz answer ----------------------------------------------------------------------------------------


@dataclasses.dataclass
class Passing(HealthCheck):
    def run(self):
        pass


@dataclasses.dataclass
class Failing(HealthCheck):
    def run(self):
        raise ServiceUnavailable("down")


def test_readyz_answers_200_with_one_entry_per_check_when_all_pass(client, monkeypatch):
    names = ["database", "migrations", "broker", "beat", "worker"]
    monkeypatch.setattr(health, "readiness_checks", lambda: {name: Passing() for name in names})

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "failed": [], "checks": dict.fromkeys(names, "OK")}


def test_readyz_answers_503_naming_what_failed(client, monkeypatch):
    checks = {"database": Passing(), "migrations": Passing(), "broker": Failing(), "beat": Passing(), "worker": Failing()}
    monkeypatch.setattr(health, "readiness_checks", lambda: checks)

    response = client.get("/readyz", HTTP_ACCEPT="application/json")

    assert response.status_code == 503
    assert response.json()["failed"] == ["broker", "worker"]
    assert response.json()["checks"]["broker"] == "Unavailable: down"


def test_readyz_answers_json_to_a_probe_and_html_only_to_who_asks(client, monkeypatch):
    monkeypatch.setattr(health, "readiness_checks", lambda: {"database": Passing()})
    assert client.get("/readyz", HTTP_ACCEPT="*/*").json()["status"] == "ok"
    assert client.get("/readyz?format=json").json()["status"] == "ok"
    assert b"<html" in client.get("/readyz", HTTP_ACCEPT="text/html").content.lower()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_readyz_on_the_real_checks_names_the_missing_worker(client):
    """Database, migrations, the (in-memory) broker and a fresh sweep pass; no worker runs here."""
    _sweep_ran(dt.timedelta(minutes=1))

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["worker"]
    assert response.json()["checks"]["worker"] == "Unavailable: Celery workers unavailable"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_readyz_names_the_broker_and_the_worker_when_redis_is_down(client):
    _sweep_ran(dt.timedelta(minutes=1))
    with celery_conf(broker_url=NOBODY_LISTENS):
        response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["broker", "worker"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_readyz_names_a_stale_sweep(client):
    _sweep_ran(dt.timedelta(hours=1))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "beat" in response.json()["failed"]


@pytest.mark.celery
@pytest.mark.skipif(not BROKER.startswith("redis://"), reason="needs CELERY_BROKER_URL=redis://...")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_readyz_answers_200_with_a_real_worker_on_redis(client, tmp_path):
    queue = f"readyz-test-{uuid.uuid4().hex[:8]}"
    (tmp_path / "mail").mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(settings.BASE_DIR),
        "DJANGO_SETTINGS_MODULE": "tests.reminders.worker_settings",
        "CELERY_BROKER_URL": BROKER,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "REMINDERS_TEST_EMAIL_DIR": str(tmp_path / "mail"),
    }
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(  # noqa: S603 - our own venv's celery, fixed arguments
        [str(Path(sys.executable).with_name("celery")), "-A", "config", "worker", "--pool=solo", "-Q", queue,
         "-n", f"{queue}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=settings.BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        _sweep_ran(dt.timedelta(minutes=1))
        with celery_conf(broker_url=BROKER, task_default_queue=queue):
            for _ in range(60):  # the worker takes a few seconds to start and answer
                response = client.get("/readyz")
                if response.status_code == 200:
                    break
            assert response.status_code == 200, (response.json(), log.read_text()[-2000:])
            assert response.json()["checks"] == dict.fromkeys(["database", "migrations", "broker", "beat", "worker"], "OK")
            worker.terminate()
            worker.wait(20)
            response = client.get("/readyz")
            assert response.status_code == 503
            assert response.json()["failed"] == ["worker"]
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(5)
