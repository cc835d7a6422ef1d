"""Settings shared by every environment. Values come from ``config.env``."""

from datetime import timedelta
from ipaddress import ip_network

from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, VAR_DIR, ensure_dir, env

SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-local-key-change-me-in-production-0123456789")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "health_check",  # /readyz (config/health.py)
    "crm",
    "parks",
    "reports",
    "demo",
    "onboarding",
]

# Database sessions that refuse a cookie which cannot be a session key (crm/session_store.py).
SESSION_ENGINE = "crm.session_store"

MIDDLEWARE = [
    # First: names each request (X-Request-ID in and out) for the logs, and logs it once answered (config/logs.py).
    "config.logs.RequestIdMiddleware",
    # Request latency and database time by view, for /metrics (config/metrics.py).
    "config.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from the application server itself, compressed and cache-busted (production), so the
    # app works with DEBUG off and no front server. Only STATIC_ROOT: attachments are never static files.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",  # the Content-Security-Policy header, below
    "django.contrib.sessions.middleware.SessionMiddleware",
    "crm.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Logs out a session idle or too old, with a message (crm.sessions; SESSION_IDLE_TIMEOUT, SESSION_MAX_AGE below).
    "crm.sessions.SessionLifetimeMiddleware",
    # The address the browser used, for the links a request's notifications write (crm.notifications.site).
    "crm.notifications.site.SiteUrlMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into a clear 429 page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "crm.auth_backends.LockoutBackend",
    # The admin's view rights come from the role table (crm.roles.WHO_READS), ahead of the groups' permissions.
    "crm.permission_backend.RoleTableBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Failed logins are counted per client address and per account at an address (crm.auth_backends; the
# address and proxy settings are in the "Logins, API tokens and sessions" block at the end).
AXES_FAILURE_LIMIT = env.int("DJANGO_LOGIN_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = ["ip_address", ["username", "ip_address"]]
AXES_HANDLER = "crm.auth_backends.LockoutHandler"
AXES_COOLOFF_TIME = 0.25  # hours: a locked account opens again after 15 minutes
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "crm.auth_backends.lockout_response"

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                # ``site_profile``: the park's name, logo and signature (crm.notifications.site), read lazily.
                "crm.notifications.site.site_profile_context",
            ],
        },
    },
]

# SQLite under var/ unless DATABASE_URL says otherwise (PostgreSQL in CI and production).
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if "DATABASE_URL" not in env.ENVIRON:
    ensure_dir(VAR_DIR)  # SQLite creates its file, not its folder: a fresh clone's first migrate needs var/
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "crm.User"
LOGIN_URL = "admin:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
# Uploaded attachments live outside the web root and are served only through views that check access.
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="Zijin CRM <noreply@localhost>")
# Where django.core.mail.backends.filebased.EmailBackend writes each message (.ci/production's smoke suite reads it).
EMAIL_FILE_PATH = env("DJANGO_EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))

# Celery: an embedded filesystem broker under var/ by default, so `make run` needs no server.
# The database is the source of truth for reminders (docs/reminders.md): a lost message is re-sent by the
# next sweep, so the broker may be down. A web request publishes at most one message (the rows its
# transaction wrote), over a connection of its own that waits at most REMINDERS_PUBLISH_TIMEOUT once — no
# retry — even when Redis accepts the connection and never answers (crm.notifications.tasks.enqueue).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
_BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=1.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True  # the worker waits for the broker; web publishers do not
CELERY_BROKER_TRANSPORT_OPTIONS = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_BROKER_DIR / "out"),
        "data_folder_out": str(_BROKER_DIR / "out"),
        "processed_folder": str(_BROKER_DIR / "processed"),
        "control_folder": str(_BROKER_DIR / "control"),
        "store_processed": False,
    }
    # kombu's filesystem transport writes into these folders and fails without them: the web process would then
    # leave every e-mail 待发送, silently. They are made here, for the web process, the worker and beat alike.
    for _folder in ("out", "processed", "control"):
        ensure_dir(_BROKER_DIR / _folder)
REDIS_BROKER_TRANSPORT_OPTIONS = {
    # A task not acknowledged within this time is given to another worker: keep it well above
    # CELERY_TASK_TIME_LIMIT and above every retry countdown (REMINDERS_RETRY_BACKOFF_MAX).
    "visibility_timeout": 3600,
    # The workers' connection (web requests publish over their own, REMINDERS_PUBLISH_TIMEOUT).
    "socket_connect_timeout": 0.5,
    "socket_timeout": 2,
    # Used by kombu when a worker's publisher (re)connects: give up after one retry instead of retrying forever.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = dict(REDIS_BROKER_TRANSPORT_OPTIONS)
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="zijin")
# Safe to kill a worker mid-task: the message is acknowledged only after the task ran, and given back
# to the broker if the worker process dies; one message reserved per worker process at a time.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A delivery running when Redis goes away is let finish: it marks its row sent in PostgreSQL, and the
# message redelivered later finds the row sent and sends nothing (cancelling it could send it twice).
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TASK_SOFT_TIME_LIMIT = 90
CELERY_TASK_TIME_LIMIT = 120  # far below the Redis visibility_timeout (3600 s)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# Reminders and escalations (crm.notifications and the rules of each domain package; thresholds and recipients are edited in the admin).
# Unset: the site profile's 网站地址, else the browser's address (crm.notifications.site.site_url).
REMINDERS_SITE_URL = env("DJANGO_SITE_URL", default="")
REMINDERS_MAX_ATTEMPTS = env.int("REMINDERS_MAX_ATTEMPTS", default=5)  # then the notification is parked
REMINDERS_RETRY_BACKOFF = 30  # seconds before the 2nd attempt, doubling after each failure ...
REMINDERS_RETRY_BACKOFF_MAX = 900  # ... up to 15 minutes
REMINDERS_CATCH_UP_HOURS = env.int("REMINDERS_CATCH_UP_HOURS", default=7 * 24)  # after an outage, how far back to look
REMINDERS_EMAIL_TIMEOUT = env.int("REMINDERS_EMAIL_TIMEOUT", default=10)
REMINDERS_WEBHOOK_TIMEOUT = env.int("REMINDERS_WEBHOOK_TIMEOUT", default=5)
# Seconds a web request waits for the broker when it hands its notifications over (once, no retry).
REMINDERS_PUBLISH_TIMEOUT = env.float("REMINDERS_PUBLISH_TIMEOUT", default=0.3)
# Seconds a delivery's claim on its row holds: nobody else sends the row meanwhile, and a worker killed
# mid-delivery leaves it to the sweep after this. Keep it above CELERY_TASK_TIME_LIMIT (a live delivery
# never outlasts its claim).
REMINDERS_DELIVERY_LEASE = env.int("REMINDERS_DELIVERY_LEASE", default=CELERY_TASK_TIME_LIMIT + 60)

# The scale-out test (.ci/scale-out) measures the stack's ceiling at /bench/ceiling/ (config.bench): off by default.
BENCH_CEILING_VIEW = env.bool("DJANGO_BENCH_CEILING_VIEW", default=False)

# The land map (/land/): a plain background by default — no online tile server. An intranet tile server
# may be named with a template such as http://tiles.park.intranet/{z}/{x}/{y}.png (checked by parks.E001).
PARKS_MAP_TILE_URL = env("DJANGO_PARKS_MAP_TILE_URL", default="")
# 双兑现: days after an annual review showing a shortfall before the commitment counts as finally missed (整改期) and
# the instalments already paid owe a clawback (parks.instalments).
PARKS_INSTALMENT_RECTIFICATION_DAYS = env.int("DJANGO_PARKS_INSTALMENT_RECTIFICATION_DAYS", default=180)

REST_FRAMEWORK = {
    # Token first: an anonymous client is told 401 with "WWW-Authenticate: Token" (not a bare 403).
    # Hashed, expiring tokens (crm.api_tokens); the header stays "Authorization: Token <key>".
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "crm.api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # drf-spectacular's, plus every operation's 400/401/403/404/409/429 answers read from the view (crm.api.schema).
    "DEFAULT_SCHEMA_CLASS": "crm.api.schema.ApiAutoSchema",
    # DomainError → 409 (illegal transition) / 403 (forbidden) / 400 (field errors), mapped in one place.
    "EXCEPTION_HANDLER": "crm.api.exceptions.exception_handler",
    # Per user when logged in, per client address otherwise; rates are read on every request.
    "DEFAULT_THROTTLE_CLASSES": ["crm.api.throttling.UserThrottle", "crm.api.throttling.AnonThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env("DJANGO_API_THROTTLE_USER", default="600/min"),
        "anon": env("DJANGO_API_THROTTLE_ANON", default="60/min"),
    },
    # How many trusted reverse proxies put the client's address in X-Forwarded-For; 0 trusts none,
    # so a client cannot pick its own throttle key. Set to 1 behind one nginx.
    "NUM_PROXIES": env.int("DJANGO_API_NUM_PROXIES", default=0),
}

# ── Content-Security-Policy and other response headers ───────────────────────────────────────────────────
# django-csp 4 sends the policy on every response. Scripts come only from the site's own static files (no
# inline script, no eval, no CDN): an injected <script> or onclick= does not run. Styles may be inline
# ('unsafe-inline' in style-src only): Django admin's change list, django-import-export's and
# django-simple-history's pages, Redoc (styled-components) and Swagger UI write inline styles, and our own
# templates colour bars, swatches and lights from data with style= attributes. A style cannot run script,
# and with images, fonts and connections limited to the site, an injected style cannot send anything away.
# No framing (also X-Frame-Options: DENY); the admin's related-object pop-ups are windows, not frames.


def csp_img_sources(tile_url: str) -> list[str]:
    """Images from the site and data: URIs (Swagger UI's icons), plus the intranet map tile server if one is set."""
    from urllib.parse import urlsplit

    sources = [SELF, "data:"]
    if tile_url:
        parts = urlsplit(tile_url)
        host = parts.netloc.replace("{s}.", "*.")  # Leaflet's sub-domain placeholder: a.tiles…, b.tiles…
        sources.append(f"{parts.scheme}://{host}")
    return sources


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": csp_img_sources(PARKS_MAP_TILE_URL),
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Django's defaults, stated: no MIME sniffing, no Referer to other sites, a separate browsing context group.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# ─────────────────────────────────────────────────────────────────────────────────────────────────────────

# The OpenAPI schema (/api/schema/) and its docs (/api/docs/, /api/redoc/): open to anyone unless this is
# false — then for logged-in users only (401 from the schema, the login page for the docs). Production
# closes them by default (config/settings/production.py).
API_DOCS_PUBLIC = env.bool("DJANGO_API_DOCS_PUBLIC", default=True)

SPECTACULAR_SETTINGS = {
    "TITLE": "Zijin CRM API",
    "DESCRIPTION": "紫金港科技城招商引资与企业服务 API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No online validator badge: Swagger UI would otherwise call validator.swagger.io from the intranet.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Ids in URLs are 1–18 digits (crm.api.base.IdConverter).
    "PATH_CONVERTER_OVERRIDES": {"api_id": {"type": "integer", "minimum": 0, "maximum": 999999999999999999}},
    # Enums stay inline where they are used (no $ref'd *Enum components): simpler for clients, and
    # schemathesis' negative mode cannot mutate a $ref'd enum. So ENUM_ADD_EXPLICIT_BLANK_NULL_CHOICE and
    # ENUM_NAME_OVERRIDES (read only by the enum hook) have nothing to do and no enum name can collide: an inline
    # enum lists "" and null itself where the field allows them, read-only fields too (crm.api.schema).
    "POSTPROCESSING_HOOKS": [],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}

# Fernet key for personal data stored encrypted (passport numbers); derived from SECRET_KEY when unset.
FIELD_ENCRYPTION_KEY = env("DJANGO_FIELD_ENCRYPTION_KEY", default="")
# Previous keys during a rotation (README "Production" → "Backup"): they decrypt, never encrypt.
FIELD_ENCRYPTION_OLD_KEYS = env.list("DJANGO_FIELD_ENCRYPTION_OLD_KEYS", default=[])

# Attachments: at most 10 MB, and only these types (checked on the content, not the name).
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024

# --- Logins, API tokens and sessions (issue 12; README "Security" → "Logins and tokens") ---------------------
# API tokens (django-rest-knox, crm.api_tokens): stored as a digest, an absolute lifetime per kind of user,
# no sliding renewal; revoked on logout, password change and deactivation.
API_TOKEN_TTL_STAFF = timedelta(hours=env.float("DJANGO_API_TOKEN_TTL_STAFF_HOURS", default=12))
API_TOKEN_TTL_ENTERPRISE = timedelta(hours=env.float("DJANGO_API_TOKEN_TTL_ENTERPRISE_HOURS", default=7 * 24))
REST_KNOX = {
    "AUTH_HEADER_PREFIX": "Token",
    "TOKEN_TTL": API_TOKEN_TTL_STAFF,  # knox's own default; every token we issue names its expiry
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": None,
}

# Logins (django-axes, crm.auth_backends): an address is locked after this many failures across usernames
# (password spraying); an account after AXES_FAILURE_LIMIT failures, from that address only.
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT", default=20)


def login_address_settings(num_proxies: int) -> tuple[int | None, tuple[str, ...]]:
    """(AXES_IPWARE_PROXY_COUNT, AXES_IPWARE_META_PRECEDENCE_ORDER) for ``num_proxies`` trusted proxies.

    The client of a login is the address the API throttles see (DRF's NUM_PROXIES): with no proxy,
    REMOTE_ADDR; behind N proxies, the N-th address from the right of X-Forwarded-For, which the nearest
    trusted proxy wrote — what a client puts there itself stays to the left and is ignored. django-ipware
    counts only the proxies whose addresses are inside the header; the nearest one's is REMOTE_ADDR: N - 1.
    (ipware prefers a public address to a private one: with a proxy on a public address in front of intranet
    clients, it would take REMOTE_ADDR: keep the proxy on a private address.)
    """
    if num_proxies <= 0:
        return None, ("REMOTE_ADDR",)
    return num_proxies - 1, ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")


AXES_IPWARE_PROXY_COUNT, AXES_IPWARE_META_PRECEDENCE_ORDER = login_address_settings(REST_FRAMEWORK["NUM_PROXIES"])
# A chain longer than the proxy count is expected (the client's own X-Forwarded-For, to the left): not strict.
IPWARE_STRICT = False

# Sessions (crm.sessions.SessionLifetimeMiddleware): staff in the admin and enterprise users in the portal alike
# are logged out after this long without a request, and this long after login however active.
SESSION_IDLE_TIMEOUT = timedelta(minutes=env.int("DJANGO_SESSION_IDLE_MINUTES", default=30))
SESSION_MAX_AGE = timedelta(hours=env.float("DJANGO_SESSION_MAX_HOURS", default=12))
SESSION_COOKIE_AGE = int(SESSION_MAX_AGE.total_seconds())  # the browser forgets the cookie by then too
# --- end of logins, API tokens and sessions ---------------------------------------------------------------------

# --- Production operations (issue 13, `serve`; README "Operations") -----------------------------------------------
# The cache: local memory per process by default; Redis in production (DJANGO_CACHE_URL=redis://host:6379/1,
# Django's own RedisCache) so that the API throttles count once across workers and machines. Login lockouts
# (django-axes, crm.auth_backends) and sessions (crm.session_store) are in the database already: shared as they are.
CACHE_URL = env("DJANGO_CACHE_URL", default="locmemcache://")
CACHES = {"default": env.cache_url_config(CACHE_URL)}
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES["default"]["BACKEND"] = "django.core.cache.backends.redis.RedisCache"  # not django-redis, if installed
    CACHES["default"]["KEY_PREFIX"] = "zijin"
    # A request waits at most this long for a hung Redis before the throttle fails.
    CACHES["default"].setdefault("OPTIONS", {}).update({"socket_connect_timeout": 0.5, "socket_timeout": 0.5})

# Prometheus metrics at /metrics (config/metrics.py): for a bearer token or from allowed networks; 404 when neither is set.
METRICS_TOKEN = env("DJANGO_METRICS_TOKEN", default="")
METRICS_ALLOW = [str(ip_network(net, strict=False)) for net in env.list("DJANGO_METRICS_ALLOW", default=[])]

# A read replica for the reports (config/db_router.py): when DATABASE_REPLICA_URL is set, /reports/ and
# /api/v1/reports/ read from it; writes, migrations and every other page use the primary.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", DATABASES["default"]["CONN_MAX_AGE"])
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests read the primary through the alias
    DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
    MIDDLEWARE = [*MIDDLEWARE, "config.db_router.ReportsOnReplicaMiddleware"]

# Logs: every record carries the request id and user id, and passport and phone numbers are masked in all of them
# (config/logs.py). One JSON object a line with DJANGO_LOG_FORMAT=json (production's default), else text.
from config.logs import logging_config  # noqa: E402

LOGGING = logging_config(level=env("DJANGO_LOG_LEVEL", default="INFO"), fmt=env("DJANGO_LOG_FORMAT", default="text"))
# Celery workers and beat log through the same handler (its filters mask personal data), not Celery's own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Error reports: Sentry or a compatible service when SENTRY_DSN is set (config/sentry.py), without personal data.
from config.sentry import sentry_init  # noqa: E402

SENTRY_ENABLED = sentry_init(
    dsn=env("SENTRY_DSN", default=""),
    environment=env("SENTRY_ENVIRONMENT", default="production"),
    release=env("SENTRY_RELEASE", default=""),
    traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
)
# --- end of production operations ------------------------------------------------------------------------------------
