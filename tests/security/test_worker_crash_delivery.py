"""A worker killed (SIGKILL, the whole process group) in the middle of a 100-delivery backlog loses nothing,
and sends twice only what it had in flight: at most one message per worker process.

Real processes: a ``redis-server`` of the test's own, ``celery -A config worker`` started as subprocesses on
the test's PostgreSQL database (as ``tests/reminders/test_celery_worker.py`` does), and a local robot that
records every message it is sent and answers after 50 ms, so that deliveries are in flight when the kill
comes. The delivery lease is 3 s here (``REMINDERS_DELIVERY_LEASE``) so that the rows the dead worker
held are handed out again within the test. Skipped on SQLite (the worker must see the test database) and
where no ``redis-server`` is installed."""

import collections
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from crm.models import Notification, NotificationWebhook
from crm.notifications.sweep import reminders_sweep
from crm.notifications.tasks import enqueue_deliveries
from tests.reminders.helpers import celery_conf

from .own_redis import RedisServer, needs_redis_server

pytestmark = [
    needs_redis_server,
    pytest.mark.celery,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
Status = Notification.Status

BACKLOG = 100
CONCURRENCY = 4
LEASE = 3  # seconds
ROBOT_DELAY = 0.05  # seconds the robot takes to answer


class SlowRobot:
    """A group-chat robot that records the message id (the subject) of every POST, then answers after 50 ms."""

    def __init__(self):
        self.received: list[str] = []
        self.lock = threading.Lock()
        robot = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                payload = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                with robot.lock:
                    robot.received.append(payload["text"]["content"].split("\n")[0])
                time.sleep(ROBOT_DELAY)
                data = b'{"errcode": 0, "errmsg": "ok"}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send?key=fault"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def ids(self) -> list[str]:
        with self.lock:
            return list(self.received)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """``celery -A config worker`` with ``CONCURRENCY`` prefork processes, in a process group of its own."""

    def __init__(self, *, broker: str, queue: str, tmp: Path, name: str):
        self.log = tmp / f"{name}.log"
        mail_dir = tmp / "mail"
        mail_dir.mkdir(exist_ok=True)
        env = {
            **os.environ,
            "PYTHONPATH": str(settings.BASE_DIR),
            "DJANGO_SETTINGS_MODULE": "tests.reminders.worker_settings",
            "DATABASE_URL": _database_url(),  # pytest-django's test database
            "CELERY_BROKER_URL": broker,
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "REMINDERS_TEST_EMAIL_DIR": str(mail_dir),
            "REMINDERS_DELIVERY_LEASE": str(LEASE),
        }
        celery = Path(sys.executable).with_name("celery")
        self.process = subprocess.Popen(  # noqa: S603 - our own venv's celery, fixed arguments
            [str(celery), "-A", "config", "worker", "--pool=prefork", f"--concurrency={CONCURRENCY}", "-Q", queue,
             "-n", f"{name}-{queue}@%h", "--without-heartbeat", "--without-gossip", "--without-mingle",
             "--loglevel=INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=self.log.open("w"), stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the kill takes the pool processes too
        )

    def kill(self):
        """SIGKILL to the worker and its pool processes: no warm shutdown, no acknowledgement, no cleanup."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)

    def ready(self) -> bool:
        return self.log.exists() and " ready." in self.log.read_text()

    def tail(self) -> str:
        return self.log.read_text()[-3000:] if self.log.exists() else ""


def wait_for(check, *, timeout: float, what: str, logs=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}\n" + "\n".join(worker.tail() for worker in logs))


_progress: dict = {}


def _quiet(robot: SlowRobot, *, seconds: float) -> bool:
    """True once the robot has received nothing new for ``seconds``."""
    count, now = len(robot.ids()), time.monotonic()
    if _progress.get("count") != count:
        _progress.update(count=count, since=now)
    return now - _progress["since"] >= seconds


@pytest.fixture
def robot():
    robot = SlowRobot()
    yield robot
    robot.close()


def _backlog(robot: SlowRobot):
    """100 robot messages waiting to be sent, each one's id in its first line."""
    hook = NotificationWebhook.objects.create(name="故障演练群", url=robot.url)
    now = timezone.now()
    Notification.objects.bulk_create(
        Notification(key=f"fault:{i}", rule="request_submitted", channel="webhook", webhook=hook,
                     subject=f"fault:{i}", status=Status.PENDING, next_attempt_at=now)
        for i in range(BACKLOG)
    )
    return Notification.objects.filter(key__startswith="fault:")


def _sweep_until_all_sent(rows, robot, workers, *, timeout=30):
    """Run the sweep (as beat would, here every second) until every row is sent."""
    deadline = time.monotonic() + timeout
    while rows.exclude(status=Status.SENT).exists():
        assert time.monotonic() < deadline, "not all delivered:\n" + workers[-1].tail()
        reminders_sweep(now=timezone.now())
        wait_for(lambda: _quiet(robot, seconds=0.5), timeout=20, what="the sweep's rows", logs=workers)
    time.sleep(0.5)  # anything still arriving


def _figures(robot):
    received = collections.Counter(robot.ids())
    expected = {f"fault:{i}" for i in range(BACKLOG)}
    lost = expected - set(received)
    doubled = {key for key, count in received.items() if count > 1}
    return received, expected, lost, doubled, sum(count - 1 for count in received.values())


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the worker processes must see the test database: PostgreSQL only")


def test_a_worker_killed_mid_backlog_loses_nothing_and_sends_twice_only_what_it_had_in_flight(
    postgres_only, robot, tmp_path
):
    rows = _backlog(robot)
    ids = list(rows.values_list("pk", flat=True))
    queue = f"fault-test-{uuid.uuid4().hex[:8]}"
    workers = []
    started = time.monotonic()
    with RedisServer() as redis_server, celery_conf(
        task_default_queue=queue, broker_url=redis_server.url,
        broker_transport_options=settings.REDIS_BROKER_TRANSPORT_OPTIONS,
    ):
        try:
            assert enqueue_deliveries(ids)  # one message; the worker fans it out into 100 tasks
            first = Worker(broker=redis_server.url, queue=queue, tmp=tmp_path, name="first")
            workers.append(first)
            wait_for(lambda: len(robot.ids()) >= 30, timeout=30, what="30 deliveries", logs=workers)
            first.kill()
            killed_at_time = time.monotonic()
            phases = {"killed": killed_at_time - started}
            killed_at = len(robot.ids())
            in_flight = set(rows.filter(status=Status.SENDING).values_list("subject", flat=True))
            unsent_at_kill = rows.exclude(status=Status.SENT).count()

            # A fresh worker takes the rest of the queue; the rows the dead one held stay its own until
            # their lease runs out (the fresh worker skips them), then the sweep hands them out again.
            second = Worker(broker=redis_server.url, queue=queue, tmp=tmp_path, name="second")
            workers.append(second)
            wait_for(second.ready, timeout=30, what="the fresh worker", logs=workers)
            phases["fresh worker ready"] = time.monotonic() - started
            wait_for(lambda: _quiet(robot, seconds=1), timeout=30, what="the queue drained", logs=workers)
            phases["queue drained"] = time.monotonic() - started
            skipped_while_leased = set(rows.filter(status=Status.SENDING).values_list("subject", flat=True))
            time.sleep(max(0, killed_at_time + LEASE - time.monotonic()))  # the dead worker's leases run out
            _sweep_until_all_sent(rows, robot, workers)
            elapsed = time.monotonic() - started
        finally:
            for worker in workers:
                worker.stop()

    received, expected, lost, doubled, doubles = _figures(robot)
    print(
        f"\nworker crash: backlog {BACKLOG}, concurrency {CONCURRENCY}, killed after {killed_at} received "
        f"({len(in_flight)} rows in flight, {unsent_at_kill} unsent); lost {len(lost)}, doubles {doubles}; "
        f"all sent in {elapsed:.1f} s ({', '.join(f'{k} {v:.1f} s' for k, v in phases.items())})"
    )
    assert set(rows.values_list("status", flat=True)) == {Status.SENT}
    assert lost == set()
    assert set(received) == expected
    assert doubles <= CONCURRENCY
    assert doubled <= in_flight  # only what the dead worker was sending at the kill
    assert skipped_while_leased == in_flight  # the fresh worker left them alone while the lease held
    assert unsent_at_kill > 0  # the kill came mid-backlog


def test_a_broker_restart_mid_backlog_loses_nothing_and_sends_nothing_twice(postgres_only, robot, tmp_path):
    """Redis restarted empty (no persistence) while a worker delivers: the deliveries in flight finish and
    mark their rows sent in PostgreSQL (they are not cancelled on the connection loss), the queue is gone,
    and the sweep sends the rest."""
    rows = _backlog(robot)
    ids = list(rows.values_list("pk", flat=True))
    queue = f"fault-test-{uuid.uuid4().hex[:8]}"
    workers = []
    started = time.monotonic()
    with RedisServer() as redis_server, celery_conf(
        task_default_queue=queue, broker_url=redis_server.url,
        broker_transport_options=settings.REDIS_BROKER_TRANSPORT_OPTIONS,
    ):
        try:
            assert enqueue_deliveries(ids)
            workers.append(Worker(broker=redis_server.url, queue=queue, tmp=tmp_path, name="worker"))
            wait_for(lambda: len(robot.ids()) >= 30, timeout=30, what="30 deliveries", logs=workers)
            redis_server.restart()
            restarted_at = len(robot.ids())
            unsent_at_restart = rows.exclude(status=Status.SENT).count()
            _sweep_until_all_sent(rows, robot, workers)
            elapsed = time.monotonic() - started
        finally:
            for worker in workers:
                worker.stop()

    _received, _expected, lost, doubled, doubles = _figures(robot)
    print(
        f"\nbroker restart: backlog {BACKLOG}, concurrency {CONCURRENCY}, restarted after {restarted_at} received "
        f"({unsent_at_restart} unsent); lost {len(lost)}, doubles {doubles}; all sent in {elapsed:.1f} s"
    )
    assert set(rows.values_list("status", flat=True)) == {Status.SENT}
    assert (lost, doubled) == (set(), set())
    assert unsent_at_restart > 0
