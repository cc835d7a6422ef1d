"""Production settings: `check --deploy` is clean with production values, and missing secrets stop the start."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x7$Kq!2vLr9@pT4#zW8&mN1^bH6*cJ3(fD5)gS0-yA+uE=iO_lP~" * 2,
    "DJANGO_ALLOWED_HOSTS": "crm.zijingang.example",
    "DJANGO_FIELD_ENCRYPTION_KEY": Fernet.generate_key().decode(),
}


def _manage(*args, env, timeout=120):
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(  # noqa: S603 — our own manage.py with a fixed argument list
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True,
        timeout=timeout,
    )


def test_check_deploy_prints_no_warning_with_production_values():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_an_encryption_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_FIELD_ENCRYPTION_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_FIELD_ENCRYPTION_KEY must be set" in result.stderr


STATIC_PROBE = """
import json
from django.conf import settings
from django.templatetags.static import static
from django.test import Client
client = Client()
url = static("css/portal.css")
css = client.get(url, HTTP_HOST="crm.zijingang.example", HTTP_ACCEPT_ENCODING="gzip", secure=True)
media = client.get(settings.MEDIA_URL + "attachments/x.pdf", HTTP_HOST="crm.zijingang.example", secure=True)
print("PROBE" + json.dumps({"url": url, "status": css.status_code, "encoding": css.get("Content-Encoding"),
    "cache": css.get("Cache-Control"), "media": media.status_code}))
"""


def test_production_serves_static_files_compressed_with_hashed_names_and_never_the_uploads(
    tmp_path, production_static_root
):
    """With DEBUG off and no front server, bin/serve's gunicorn serves the CSS itself (WhiteNoise); an upload is not a file URL."""
    env = {**PRODUCTION_ENV, "DJANGO_STATIC_ROOT": str(production_static_root), "DJANGO_MEDIA_ROOT": str(tmp_path / "media")}
    (tmp_path / "media" / "attachments").mkdir(parents=True)
    (tmp_path / "media" / "attachments" / "x.pdf").write_bytes(b"%PDF-1.4 secret")

    result = _manage("shell", "-c", STATIC_PROBE, env=env)
    line = next((line for line in result.stdout.splitlines() if line.startswith("PROBE")), None)
    assert line, result.stdout + result.stderr
    seen = json.loads(line.removeprefix("PROBE"))

    assert re.fullmatch(r"/static/css/portal\.[0-9a-f]{12}\.css", seen["url"])  # cache-busted name
    assert seen["status"] == 200
    assert seen["encoding"] == "gzip"
    assert "immutable" in seen["cache"]
    assert seen["media"] == 404
