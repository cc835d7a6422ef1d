"""Production: refuses to start without a secret key, HTTPS everywhere."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env

from .base import *  # noqa: F403

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY.startswith("insecure") or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set to a random value of at least 50 characters in production.")
DEBUG = False
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Probes and the metrics scraper call the application server directly over HTTP (config/health.py, config/metrics.py).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# The language choice (/i18n/setlang/) is a cookie too: HTTPS only, not readable by script, not sent cross-site.
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Static files: `collectstatic` writes compressed copies and a manifest of hashed names (cache-busting), which
# WhiteNoise serves with a year's cache lifetime; a missing file fails loudly at collectstatic, not in a page.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Logs: one JSON object a line unless DJANGO_LOG_FORMAT=text (config/logs.py).
from config.logs import logging_config  # noqa: E402

LOGGING = logging_config(level=env("DJANGO_LOG_LEVEL", default="INFO"), fmt=env("DJANGO_LOG_FORMAT", default="json"))

# The API's schema and docs only for logged-in users, unless DJANGO_API_DOCS_PUBLIC=true opens them.
API_DOCS_PUBLIC = env.bool("DJANGO_API_DOCS_PUBLIC", default=False)

FIELD_ENCRYPTION_KEY = env("DJANGO_FIELD_ENCRYPTION_KEY", default="")
if not FIELD_ENCRYPTION_KEY:
    raise ImproperlyConfigured("DJANGO_FIELD_ENCRYPTION_KEY must be set in production (a Fernet key).")
