"""The read replica (config/db_router.py): with DATABASE_REPLICA_URL, the reports read from ``replica`` while
logins, sessions, other pages and every write use ``default``; migrations run on ``default`` only.
Two SQLite files stand for a primary and its replica (a copy of the primary made after `migrate`)."""

import json
import os
import sqlite3
import subprocess
import sys

from django.conf import settings
from django.contrib.sessions.models import Session

from config.db_router import ReplicaRouter, replica_reads
from crm.models import Project, User


def test_reads_go_to_the_replica_only_inside_a_report_and_writes_never():
    router = ReplicaRouter()
    assert router.db_for_read(Project) == "default"
    assert router.db_for_write(Project) == "default"
    with replica_reads():
        assert router.db_for_read(Project) == "replica"
        assert router.db_for_read(User) == "default"  # who the user is: never behind the primary
        assert router.db_for_read(Session) == "default"
        assert router.db_for_write(Project) == "default"
    assert router.db_for_read(Project) == "default"
    assert router.allow_migrate("default", "crm") is True
    assert router.allow_migrate("replica", "crm") is False


PROBE = """
import json, shutil, sys
shutil.copy(sys.argv[1], sys.argv[2])  # "replication": the replica holds what the primary held after migrate
import django
django.setup()
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from tests.factories import manager

client = Client(HTTP_HOST="localhost")
client.force_login(manager(username="mgr"))  # written to the primary only, after the copy
seen = {}
for path in ["/reports/", "/api/v1/reports/pipeline/", "/admin/"]:
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections["replica"]) as replica:
        status = client.get(path).status_code
    seen[path] = {"status": status, "primary": [q["sql"] for q in primary], "replica": len(replica)}
print("SEEN" + json.dumps(seen))
"""


def test_the_reports_read_from_the_replica_and_the_rest_from_the_primary(tmp_path):
    primary, replica = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{primary}",
        "DATABASE_REPLICA_URL": f"sqlite:///{replica}",
    }

    def run(*args):
        result = subprocess.run(  # noqa: S603 - this interpreter, our manage.py or a fixed script
            [sys.executable, *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=900
        )
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
        return result.stdout

    run("manage.py", "migrate", "--noinput", "-v", "0")
    run("manage.py", "migrate", "--database", "replica", "--noinput", "-v", "0")
    tables = {row[0] for row in sqlite3.connect(replica).execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "crm_project" not in tables  # migrations ran on the primary only

    out = run("-c", PROBE, str(primary), str(replica))
    seen = json.loads(next(line for line in out.splitlines() if line.startswith("SEEN")).removeprefix("SEEN"))

    for report in ("/reports/", "/api/v1/reports/pipeline/"):
        assert seen[report]["status"] == 200
        assert seen[report]["replica"] > 0
        # On the primary only who the user is and what they may do: session, user, groups and permissions.
        elsewhere = [
            sql
            for sql in seen[report]["primary"]
            if not any(t in sql for t in ("django_session", "crm_user", "auth_", "SAVEPOINT"))
        ]
        assert elsewhere == []
    assert seen["/admin/"]["status"] == 200
    assert seen["/admin/"]["replica"] == 0
