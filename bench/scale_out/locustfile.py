"""The scale-out test's load (``.ci/scale-out``): a closed loop of clients with no think time, through nginx.

The mix, by users: enterprise users on the portal (their request list, six times as often as they submit a
request through the form, CSRF token and all), API clients listing requests with a token, a service officer on
the admin list of requests, a manager on the pipeline report page. ``CeilingUser`` alone is the stack's ceiling
(``/bench/ceiling/``, a constant JSON through the same nginx, gunicorn and Django middleware).

Every request (its time), every submission and every failed request is written to a journal (``SCALE_JOURNAL``, one JSON object a line) that
``bench/scale_out/check.py`` compares with the database afterwards: a submission the client saw succeed must be
there; a failure must be explained.

    SCALE_CONFIG=accounts.json SCALE_JOURNAL=journal.jsonl locust -f bench/scale_out/locustfile.py --headless \
        -H https://127.0.0.1:18343 -u 16 -r 16 -t 60s PortalUser ApiUser AdminUser ReportUser
"""

import itertools
import json
import os
import re
import threading
import time
import uuid
from pathlib import Path

from locust import FastHttpUser, constant, events, task

CONFIG = json.loads(Path(os.environ["SCALE_CONFIG"]).read_text(encoding="utf-8")) if os.environ.get("SCALE_CONFIG") else {}
RUN = os.environ.get("SCALE_RUN", uuid.uuid4().hex[:8])
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMITTED = re.compile(r"/portal/requests/(\d+)/$")
_enterprise_users = itertools.cycle(CONFIG.get("enterprise_users", []))
_sequence = itertools.count(1)
_lock = threading.Lock()
# Open for the whole run (closed by the process's exit), flushed after each line.
_journal = open(os.environ["SCALE_JOURNAL"], "a", encoding="utf-8") if os.environ.get("SCALE_JOURNAL") else None  # noqa: SIM115


def journal(**entry) -> None:
    if _journal is None:
        return
    entry["t"] = time.time()
    with _lock:
        _journal.write(json.dumps(entry, ensure_ascii=False) + "\n")
        _journal.flush()


@events.request.add_listener
def _every_request(request_type, name, response_time, response, exception, **kwargs):
    """Every request as a sample (check.py computes the figures from them, log-ins apart); a failure with its cause."""
    status = getattr(response, "status_code", 0) or 0
    if exception is None:
        journal(kind="sample", name=name, ms=round(response_time, 1), ok=True, status=status)
        return
    body = ""
    try:
        body = (response.text or "")[:200] if response is not None else ""
    except Exception:
        body = ""
    journal(kind="sample", name=name, ms=round(response_time, 1), ok=False, status=status)
    journal(kind="failure", method=request_type, name=name, status=status, error=str(exception)[:200], body=body)


class _LoggedIn(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    login_path = "/portal/login/"
    landing = "/portal/"

    def _csrf(self, path: str) -> str:
        with self.client.get(path, name=f"{path} (form)", catch_response=True) as response:
            found = CSRF.search(response.text or "")
            if response.status_code != 200 or not found:
                response.failure(f"no form: {response.status_code}")
                return ""
            return found.group(1)

    def log_in(self, username: str) -> bool:
        token = self._csrf(self.login_path)
        if not token:
            return False
        with self.client.post(
            self.login_path,
            data={"username": username, "password": CONFIG["password"], "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + self.login_path},
            allow_redirects=False,
            name=f"{self.login_path} (log in)",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"log in refused: {response.status_code}")
                return False
        return True


class PortalUser(_LoggedIn):
    """An enterprise user: the request list, and now and then a new request through the form."""

    weight = 8

    def on_start(self):
        self.username = next(_enterprise_users)
        self.ready = self.log_in(self.username)

    @task(6)
    def request_list(self):
        if self.ready:
            self.client.get("/portal/", name="portal: request list")

    @task(1)
    def submit(self):
        if not self.ready:
            return
        token = self._csrf("/portal/requests/new/")
        if not token:
            return
        marker = f"LT-{RUN}-{os.getpid()}-{next(_sequence)}"
        with self.client.post(
            "/portal/requests/new/",
            data={
                "csrfmiddlewaretoken": token,
                "category": CONFIG["category"],
                "title": f"压测诉求 {marker}",
                "description": f"负载测试提交的诉求（{self.username}）。",
            },
            headers={"Referer": self.host + "/portal/requests/new/"},
            allow_redirects=False,
            name="portal: submit a request",
            catch_response=True,
        ) as response:
            found = SUBMITTED.search(response.headers.get("Location", "") or "")
            if response.status_code == 302 and found:
                journal(kind="submission", marker=marker, outcome="ok", status=302, pk=int(found.group(1)))
            else:
                reason = f"{response.status_code} {(response.text or '')[:120]!r}"
                journal(kind="submission", marker=marker, outcome="failed", status=response.status_code, reason=reason)
                response.failure(f"submission not accepted: {response.status_code}")


class ApiUser(FastHttpUser):
    """An API client with a token: the list of requests it may see."""

    weight = 4
    wait_time = constant(0)

    def on_start(self):
        self.headers = None
        with self.client.post(
            "/api/v1/auth/token/",
            json={"username": next(_enterprise_users), "password": CONFIG["password"]},
            name="api: token",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                self.headers = {"Authorization": f"Token {response.json()['token']}"}
            else:
                response.failure(f"no token: {response.status_code}")

    @task
    def request_list(self):
        if self.headers:
            self.client.get("/api/v1/service-requests/", headers=self.headers, name="api: request list")


class AdminUser(_LoggedIn):
    """A service officer on the admin's list of requests."""

    weight = 2
    login_path = "/admin/login/"

    def on_start(self):
        self.ready = self.log_in(CONFIG["admin_user"])

    @task
    def request_list(self):
        if self.ready:
            self.client.get("/admin/crm/servicerequest/", name="admin: request list")


class ReportUser(_LoggedIn):
    """A manager on the pipeline report page."""

    weight = 2
    login_path = "/admin/login/"

    def on_start(self):
        self.ready = self.log_in(CONFIG["report_user"])

    @task
    def report(self):
        if self.ready:
            self.client.get("/reports/", name="report: pipeline")


class CeilingUser(FastHttpUser):
    """The ceiling: a constant JSON through the same nginx, gunicorn and Django."""

    wait_time = constant(0)

    @task
    def ceiling(self):
        self.client.get("/bench/ceiling/", name="ceiling: constant JSON")
