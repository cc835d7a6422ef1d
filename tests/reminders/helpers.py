"""Helpers for the reminder tests: Shanghai times, notifications as comparable tuples, a local robot."""

import contextlib
import datetime as dt
import http.server
import json
import socket
import threading
from zoneinfo import ZoneInfo

from config.celery_app import app as celery_app
from crm.models import Notification, ReminderRule
from crm.notifications.tasks import enqueue_deliveries

REAL_ENQUEUE_DELIVERIES = enqueue_deliveries  # kept before the tests replace it with an inline delivery

SH = ZoneInfo("Asia/Shanghai")

# Written by the services as things happen (submission, message, status change), not by the sweep.
EVENT_RULES = (ReminderRule.Code.REQUEST_SUBMITTED, ReminderRule.Code.MESSAGE_POSTED, ReminderRule.Code.STATUS_CHANGED)


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)


def addressee(n: Notification) -> str:
    return f"webhook:{n.webhook.name}" if n.webhook_id else n.recipient.username


def rows(notifications) -> set[tuple[str, str, str]]:
    """(key, addressee, channel) of each notification."""
    return {(n.key, addressee(n), n.channel) for n in notifications}


def all_rows(*rules: str) -> set[tuple[str, str, str]]:
    """(key, addressee, channel) of every notification in the database, or of those of the given rules."""
    notifications = Notification.objects.select_related("recipient", "webhook")
    if rules:
        notifications = notifications.filter(rule__in=rules)
    return rows(notifications)


def swept():
    """The notifications written by reminder sweeps: every rule but the immediate events."""
    return Notification.objects.exclude(rule__in=EVENT_RULES)


def swept_rows() -> set[tuple[str, str, str]]:
    return rows(swept().select_related("recipient", "webhook"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Robot:
    """A local stand-in for a 企业微信/钉钉 robot: records what it is sent and answers with ``reply``."""

    def __init__(self):
        self.received: list[dict] = []
        self.headers: list[dict] = []
        self.reply: tuple[int, dict] = (200, {"errcode": 0, "errmsg": "ok"})
        robot = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                robot.received.append(json.loads(self.rfile.read(length)))
                robot.headers.append(dict(self.headers))
                status, body = robot.reply
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/cgi-bin/webhook/send?key=test-key"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def celery_conf(**values):
    """Change Celery settings for a block. The app reads ``CELERY_*`` names (namespace), so those are set.

    ``broker_url`` also sets the read and write URLs: the test settings pin those to the in-memory broker
    because Celery would otherwise take the environment's CELERY_BROKER_URL over the setting. The broker
    connection pools are dropped on the way in and out, so the URL in force is the one used.
    """
    if "broker_url" in values:
        values = {**values, "broker_read_url": values["broker_url"], "broker_write_url": values["broker_url"]}
    names = {f"CELERY_{key.upper()}": value for key, value in values.items()}
    previous = {name: celery_app.conf.get(name) for name in names}
    celery_app.conf.update(names)
    if "broker_url" in values:
        _reset_broker_pools()
    try:
        yield celery_app
    finally:
        celery_app.conf.update(previous)
        if "broker_url" in values:
            _reset_broker_pools()


def _reset_broker_pools():
    # kombu keeps one pool per broker URL; dropping the app's references makes it pick the current URL's.
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def broker_messages() -> list[tuple[str, list]]:
    """Take every message off the test broker's default queue (kombu's in-memory transport, see
    config/settings/test.py) and return each one's task name and arguments, oldest first."""
    assert celery_app.conf.broker_write_url.startswith("memory://")
    taken = []
    with celery_app.connection_for_write() as connection:
        queue = connection.SimpleQueue(celery_app.conf.task_default_queue, no_ack=True)
        try:
            while True:
                try:
                    message = queue.get_nowait()
                except queue.Empty:
                    break
                args, _kwargs, _embed = message.payload
                taken.append((message.headers["task"], args))
        finally:
            queue.close()
    return taken
