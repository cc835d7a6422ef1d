"""Logs: one JSON object a line in production, each carrying the request id and the user id, never personal data.

- ``RequestIdMiddleware`` takes the request id from the proxy's ``X-Request-ID`` (when it looks like one), or
  makes one, returns it in the response's ``X-Request-ID`` header, and logs one line per request (method, path
  without the query string, status, duration, view) — so a user's complaint, nginx's log, the app's log and a
  Sentry event meet on one id.
- ``RequestContextFilter`` adds ``request_id`` and ``user_id`` to every record logged while a request runs (the
  user only once something asked for it: logging never costs a query).
- ``PersonalDataFilter`` masks passport numbers and phone numbers in every message and traceback, whatever
  logged them (``scrub`` is also Sentry's ``before_send``, config/sentry.py).

``DJANGO_LOG_FORMAT=json`` (production's default) or ``text`` (elsewhere).
"""

import contextvars
import logging
import re
import time
import uuid

from django.utils.functional import empty

from crm.crypto import mask, mask_phone

_request = contextvars.ContextVar("request", default=None)
_request_id = contextvars.ContextVar("request_id", default=None)

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

# Chinese mobiles (138 1234 5678, +86 138-1234-5678) and landlines (0571-88886666), with or without separators.
_PHONE = re.compile(r"(?<![\w])(?:\+?86[\s-]?)?(?:1[3-9]\d(?:[\s-]?\d{4}){2}|0\d{2,3}[\s-]?\d{7,8})(?!\d)")
# Passports: one or two letters and 6–9 digits (E12345678, G1234567, PE1234567; most countries' books too).
_PASSPORT = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{1,2}\d{6,9}(?![A-Za-z0-9])")


def scrub(text: str) -> str:
    """The text with every phone number and passport number masked (138****5678, E1*****78)."""
    if not text:
        return text
    text = _PHONE.sub(lambda m: mask_phone(m.group(0)), text)
    return _PASSPORT.sub(lambda m: mask(m.group(0)), text)


class PersonalDataFilter(logging.Filter):
    """Masks passport and phone numbers in the message (arguments merged in) and in the traceback text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a logging call with bad arguments: leave it to the formatter to report
            return True
        record.msg, record.args = scrub(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
            record.exc_info = None  # formatters print exc_text; from exc_info they would print it unmasked
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def _resolved_user_id(request) -> int | None:
    """The user's id if the request already knows its user (never triggers the session or token lookup)."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    wrapped = getattr(user, "_wrapped", user)  # SimpleLazyObject until something asked for the user
    if wrapped is None or wrapped is empty:
        return None
    return getattr(wrapped, "pk", None)


class RequestContextFilter(logging.Filter):
    """Adds ``request_id`` and ``user_id`` (None outside a request) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = _request.get()
        record.request_id = _request_id.get()
        record.user_id = _resolved_user_id(request) if request is not None else None
        return True


def current_request_id() -> str | None:
    return _request_id.get()


access_logger = logging.getLogger("zijin.request")


class RequestIdMiddleware:
    """First in the chain: names the request, returns the name, and logs the request once it is answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if _VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        request.request_id = request_id
        tokens = (_request.set(request), _request_id.set(request_id))
        start = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            match = getattr(request, "resolver_match", None)
            access_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - start) * 1000, 1),
                    "view": match.view_name if match else None,
                },
            )
            return response
        finally:
            _request.reset(tokens[0])
            _request_id.reset(tokens[1])


def logging_config(*, level: str, fmt: str) -> dict:
    """``LOGGING`` for the settings: every record through the context and personal-data filters, JSON or text."""
    formatters = {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s",
            "rename_fields": {"levelname": "level", "name": "logger", "exc_info": "traceback"},
            "timestamp": True,  # ISO 8601, UTC
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s] %(message)s"},
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "config.logs.RequestContextFilter"},
            "personal_data": {"()": "config.logs.PersonalDataFilter"},
        },
        "formatters": {"main": formatters["json" if fmt == "json" else "text"]},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["context", "personal_data"],
                "formatter": "main",
            }
        },
        "root": {"handlers": ["console"], "level": level},
    }
