"""bin/serve really serves: gunicorn with production settings on a port of its own, against a temporary SQLite
file, as nginx would call it (X-Forwarded-Proto: https from 127.0.0.1): the admin's login page, the CSS
compressed under its hashed name, no uploads as files, health, metrics summed over two workers, a graceful
reload on HUP and a clean stop on TERM."""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent.parent
TOKEN = "serve-test-metrics-token-5b1e"
HTTPS = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}  # what nginx sends


def free_port() -> int:
    """A free port of the range this test may use (18100–18199)."""
    for port in range(18100, 18199):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("no free port in 18100–18199")


def get(base, path, headers=None):
    request = urllib.request.Request(base + path, headers={**HTTPS, **(headers or {})})  # noqa: S310 - http://127.0.0.1
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own local server
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def healthz_count(base) -> float:
    _, _, body = get(base, "/metrics", {"Authorization": f"Bearer {TOKEN}"})
    match = re.search(rb'zijin_http_request_duration_seconds_count\{method="GET",status="200",view="healthz"\} (\S+)', body)
    return float(match.group(1)) if match else 0.0


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    (tmp / "media" / "attachments").mkdir(parents=True)
    (tmp / "media" / "attachments" / "x.pdf").write_bytes(b"%PDF-1.4 secret")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "CELERY_", "PROMETHEUS"))}
    env |= {
        "PORT": str(port),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "2",
        "DJANGO_SECRET_KEY": "k" + "x7$Kq!2vLr9@pT4#zW8&mN1^bH6*cJ3(fD5)gS0-yA+uE=iO_lP~" * 2,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",  # created empty: never migrated
        "CELERY_BROKER_URL": "memory://",
        "DJANGO_STATIC_ROOT": str(tmp / "static"),
        "DJANGO_MEDIA_ROOT": str(tmp / "media"),
        "DJANGO_METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(tmp / "prometheus"),
        "PY": str(ROOT / ".venv" / "bin" / "python"),
    }
    log = tmp / "serve.log"
    process = subprocess.Popen(  # noqa: S603 - our own script
        [str(ROOT / "bin" / "serve")], cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 900  # collectstatic compresses every file first: minutes on a busy machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"bin/serve exited {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if get(base, "/healthz")[0] == 200:
                break
        except OSError:
            pass
        time.sleep(1)
    else:
        process.kill()
        pytest.fail(f"bin/serve did not answer:\n{log.read_text()[-3000:]}")
    try:
        yield base, process, log
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def test_the_admin_login_page_and_its_css_compressed_under_a_hashed_name(server):
    base, _, _ = server
    status, headers, body = get(base, "/admin/login/")
    assert status == 200
    assert headers["X-Request-ID"]
    css = re.search(rb'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', body)
    assert css, body[:2000]

    status, headers, _ = get(base, css.group(1).decode(), {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]


def test_an_upload_is_never_a_file_url(server):
    base, _, _ = server
    status, _, body = get(base, "/media/attachments/x.pdf")
    assert status == 404
    assert b"secret" not in body


def test_readyz_names_the_missing_migrations_of_a_fresh_database(server):
    base, _, _ = server
    status, headers, body = get(base, "/readyz")
    assert status == 503
    assert headers["Content-Type"] == "application/json"
    assert b'"migrations"' in body and b"unapplied migration" in body


def test_metrics_count_every_workers_requests_and_survive_a_graceful_reload(server):
    base, process, log = server
    before = healthz_count(base)
    for _ in range(30):
        assert get(base, "/healthz")[0] == 200
    # Two workers answer in turn; each scrape, whichever worker it reaches, sums both.
    assert {healthz_count(base) for _ in range(6)} == {before + 30}

    process.send_signal(signal.SIGHUP)  # graceful reload: new workers, the old ones finish and exit
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and log.read_text().count("Booting worker") < 4:
        time.sleep(0.5)
    assert log.read_text().count("Booting worker") >= 4, log.read_text()[-3000:]
    assert get(base, "/healthz")[0] == 200
    assert healthz_count(base) == before + 31  # the old workers' counts are kept


def test_term_stops_the_server(server):
    _, process, log = server
    process.send_signal(signal.SIGTERM)
    assert process.wait(60) == 0, log.read_text()[-3000:]
    assert "Shutting down: Master" in log.read_text()
