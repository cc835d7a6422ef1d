"""A real Celery worker on the real Redis broker (CI): a reminder delivered end to end, and a submission
made while the broker is down, sent by the first sweep once it is back. Skipped unless CELERY_BROKER_URL
is a redis:// URL and the database is PostgreSQL (the worker process must see the test database)."""

import datetime as dt
import email
import email.header
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from crm.models import Notification, ServiceRequest
from crm.notifications.outbox import ENQUEUE_GRACE
from crm.notifications.sweep import reminders_sweep
from crm.service_requests.services import service_request_submit
from tests.factories import work_permit_details

from .helpers import celery_conf, free_port

BROKER = os.environ.get("CELERY_BROKER_URL", "")
pytestmark = [
    pytest.mark.celery,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not BROKER.startswith("redis://"), reason="needs CELERY_BROKER_URL=redis://..."),
]
Status = Notification.Status


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    def __init__(self, *, queue: str, mail_dir: Path, log: Path):
        self.mail_dir, self.log = mail_dir, log
        env = {
            **os.environ,
            "PYTHONPATH": str(settings.BASE_DIR),
            "DJANGO_SETTINGS_MODULE": "tests.reminders.worker_settings",
            "DATABASE_URL": _database_url(),  # pytest-django's test_<name> database, not the dev one
            "CELERY_BROKER_URL": BROKER,
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "REMINDERS_TEST_EMAIL_DIR": str(mail_dir),
        }
        celery = Path(sys.executable).with_name("celery")
        self.process = subprocess.Popen(  # noqa: S603 - our own venv's celery, fixed arguments
            [str(celery), "-A", "config", "worker", "--pool=solo", "-Q", queue, "-n", f"{queue}@%h",
             "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )

    def stop(self):
        self.process.terminate()  # warm shutdown: SIGTERM to the one process we started
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)

    def mails(self) -> list[tuple[str, str]]:
        """(to, subject) of every message the worker's file backend wrote."""
        found = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for chunk in path.read_text().split("-" * 79):
                if chunk.strip():
                    message = email.message_from_string(chunk.strip())
                    subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
                    found.append((message["To"], subject))
        return found


def wait_for(check, *, timeout=45, worker=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    log = worker.log.read_text() if worker else ""
    raise AssertionError(f"timed out waiting; worker log:\n{log[-4000:]}")


@pytest.fixture
def worker(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process must see the test database: PostgreSQL only")
    queue = f"reminders-test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    # This process publishes to the real broker too (the test settings pin it to the in-memory one).
    with celery_conf(
        task_default_queue=queue, broker_url=BROKER, broker_transport_options=settings.REDIS_BROKER_TRANSPORT_OPTIONS
    ):
        worker = Worker(queue=queue, mail_dir=mail_dir, log=tmp_path / "worker.log")
        try:
            yield worker
        finally:
            worker.stop()
            import redis

            redis.Redis.from_url(BROKER).delete(queue, f"_kombu.binding.{queue}")


def test_a_real_worker_delivers_a_reminder_found_by_the_sweep(worker, desk, submit):
    request = submit(timezone.now() - dt.timedelta(hours=2))  # its 新诉求 is enqueued on commit, to Redis
    announced = Notification.objects.get(channel="email", key=f"request:{request.pk}:submitted")

    result = reminders_sweep(now=timezone.now())  # enqueues on commit, to Redis

    email_row = Notification.objects.get(channel="email", key=f"request:{request.pk}:unassigned:1h")
    assert [n.pk for n in result.created if n.status == Status.PENDING] == [email_row.pk]
    assert result.retried == []  # the 新诉求 is the worker's already, not yet due for a re-send
    for row in (announced, email_row):
        wait_for(lambda row=row: Notification.objects.get(pk=row.pk).status == Status.SENT, worker=worker)
        row.refresh_from_db()
        assert (row.attempts, row.last_error) == (1, "")
    assert sorted(worker.mails()) == sorted(
        [("desk@zjg.example.cn", announced.subject), ("desk@zjg.example.cn", email_row.subject)]
    )


def test_a_submission_while_the_broker_is_down_is_saved_fast_and_sent_once_by_the_next_sweep(
    worker, desk, enterprise, submitter, work_permit
):
    closed = f"redis://127.0.0.1:{free_port()}/0"
    with celery_conf(broker_url=closed, broker_transport_options=settings.REDIS_BROKER_TRANSPORT_OPTIONS):
        started = time.monotonic()
        with transaction.atomic():  # what the portal's submit view does
            request, _ = service_request_submit(
                enterprise=enterprise, category=work_permit, title="申请外籍专家工作许可", submitted_by=submitter,
                details=work_permit_details(),
            )
        elapsed = time.monotonic() - started  # includes the failed publish after commit

    assert elapsed < 3
    assert ServiceRequest.objects.filter(pk=request.pk).exists()
    email_row = Notification.objects.get(channel="email", key=f"request:{request.pk}:submitted")
    assert (email_row.status, email_row.attempts) == (Status.PENDING, 0)
    time.sleep(1)
    assert worker.mails() == []

    # The broker is back: the next sweep after the hand-over grace re-sends it, and the worker delivers it.
    later = timezone.now() + ENQUEUE_GRACE
    assert reminders_sweep(now=later).retried == [email_row.pk]
    wait_for(lambda: Notification.objects.get(pk=email_row.pk).status == Status.SENT, worker=worker)
    assert reminders_sweep(now=later + dt.timedelta(minutes=5)).retried == []
    time.sleep(1)
    email_row.refresh_from_db()
    assert email_row.attempts == 1
    assert worker.mails() == [("desk@zjg.example.cn", email_row.subject)]
