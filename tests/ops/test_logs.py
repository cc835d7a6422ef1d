"""Logs and error reports (config/logs.py, config/sentry.py): JSON lines with the request id and user id, the
request id returned to the client, passport and phone numbers masked everywhere, Sentry only with SENTRY_DSN."""

import io
import json
import logging
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from pythonjsonlogger.json import JsonFormatter

from config.logs import PersonalDataFilter, RequestContextFilter, logging_config
from config.sentry import before_send

PASSPORT, MOBILE, LANDLINE = "E12345678", "13812345678", "0571-88886666"


@pytest.fixture
def json_lines():
    """The JSON lines our console handler would write, captured (same filters, same formatter)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.addFilter(PersonalDataFilter())
    options = {k: v for k, v in logging_config(level="INFO", fmt="json")["formatters"]["main"].items() if k != "()"}
    handler.setFormatter(JsonFormatter(**options))
    root = logging.getLogger()
    root.addHandler(handler)
    level = root.level
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


def test_a_record_with_a_passport_and_a_phone_number_is_logged_masked(json_lines):
    logger = logging.getLogger("crm.test")
    logger.warning("诉求 %s：护照号 %s，联系电话 %s / %s", 42, PASSPORT, MOBILE, LANDLINE)
    try:
        raise ValueError(f"bad passport {PASSPORT} for {MOBILE}")
    except ValueError:
        logger.exception("failed")

    warning, error = json_lines()
    assert warning["message"] == "诉求 42：护照号 E1*****78，联系电话 138****5678 / 0571-****6666"
    assert error["message"] == "failed"
    assert "ValueError: bad passport E1*****78 for 138****5678" in error["traceback"]
    raw = json.dumps(json_lines(), ensure_ascii=False)
    for secret in (PASSPORT, MOBILE, "88886666"):
        assert secret not in raw


def test_numbers_that_are_not_personal_data_stay_readable(json_lines):
    logging.getLogger("crm.test").warning("request 123456 took 1534 ms, 12 rows, status 200")
    assert json_lines()[0]["message"] == "request 123456 took 1534 ms, 12 rows, status 200"


def test_the_proxys_request_id_is_returned_and_logged(client, json_lines):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="nginx-4f2a9c01")

    assert response["X-Request-ID"] == "nginx-4f2a9c01"
    line = next(line for line in json_lines() if line["logger"] == "zijin.request")
    assert line["message"] == "GET /healthz 200"
    assert line["request_id"] == "nginx-4f2a9c01"
    assert line["user_id"] is None
    assert line["view"] == "healthz"


@pytest.mark.parametrize("given", [None, "", "short", "has space in it", "x" * 200, "abc\nInjected: 1"])
def test_a_missing_or_malformed_request_id_is_replaced_by_a_new_one(client, given):
    headers = {} if given is None else {"HTTP_X_REQUEST_ID": given}
    response = client.get("/healthz", **headers)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_a_logged_in_users_request_is_logged_with_the_user_id_and_without_the_query_string(client, json_lines, qian):
    client.force_login(qian)
    response = client.get("/admin/", {"q": MOBILE})

    assert response.status_code == 200
    line = next(line for line in json_lines() if line["logger"] == "zijin.request")
    assert line["user_id"] == qian.pk
    assert line["path"] == "/admin/"
    assert MOBILE not in json.dumps(json_lines())


def test_sentrys_before_send_masks_every_string_of_the_event():
    event = {
        "exception": {"values": [{"type": "ValueError", "value": f"护照 {PASSPORT} 电话 {MOBILE}"}]},
        "request": {"url": "https://crm.example/portal/", "query_string": f"phone={MOBILE}"},
        "extra": {"locals": [PASSPORT, 3]},
    }
    sent = before_send(event, {})
    assert sent["exception"]["values"][0]["value"] == "护照 E1*****78 电话 138****5678"
    assert sent["request"]["query_string"] == "phone=138****5678"
    assert sent["extra"]["locals"] == ["E1*****78", 3]


SENTRY_PROBE = """
import json, django
django.setup()
import sentry_sdk
from django.conf import settings
client = sentry_sdk.get_client()
options = client.options if client.is_active() else {}
print("SENTRY" + json.dumps({"enabled": settings.SENTRY_ENABLED, "active": client.is_active(),
    "dsn": options.get("dsn"), "pii": options.get("send_default_pii"),
    "before_send": getattr(options.get("before_send"), "__module__", None), "environment": options.get("environment")}))
"""


def _sentry(**env_vars) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.test", **env_vars}
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", SENTRY_PROBE], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    line = next((line for line in result.stdout.splitlines() if line.startswith("SENTRY")), None)
    assert line, result.stdout + result.stderr
    return json.loads(line.removeprefix("SENTRY"))


def test_sentry_is_off_without_a_dsn():
    assert _sentry() == {"enabled": False, "active": False, "dsn": None, "pii": None, "before_send": None, "environment": None}


def test_one_variable_switches_sentry_on_without_personal_data():
    """Configured only: nothing is sent (no error happens), so no network is needed."""
    seen = _sentry(SENTRY_DSN="https://public@sentry.example.invalid/7", SENTRY_ENVIRONMENT="staging")
    assert seen == {
        "enabled": True,
        "active": True,
        "dsn": "https://public@sentry.example.invalid/7",
        "pii": False,
        "before_send": "config.sentry",
        "environment": "staging",
    }
