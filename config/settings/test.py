"""Settings for the test suite: fast hashing, in-memory e-mail, Celery tasks published to an in-memory broker."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Celery in tests: published, never consumed, never run inline.
#
# Not eager: with CELERY_TASK_ALWAYS_EAGER a committed submission would run deliver_notification inside the
# web request, and the task's self.retry() would re-run it there at once (ignoring the back-off) until the
# row is parked — neither is what production does or what the delivery tests must see. Instead tasks are
# published to kombu's in-memory transport: publishing succeeds at once and nothing consumes the messages,
# so a notification written by a test stays as the web request left it (pending until a worker runs).
# Tests that want a delivery to happen execute the on-commit callbacks
# (django_capture_on_commit_callbacks(execute=True)) with the enqueue helper replaced by a direct call
# (tests/reminders/conftest.py), or call the task function itself.
#
# Celery prefers the environment's CELERY_BROKER_URL to the broker_url setting — and CI exports
# redis://127.0.0.1:6379/15 — but takes explicit read/write URLs over both: they are pinned too, so no test
# publishes to CI's Redis (or to var/broker). The tests marked ``celery`` read the real URL from
# os.environ["CELERY_BROKER_URL"] and point their own publisher and worker at it
# (tests/reminders/helpers.py celery_conf, tests/reminders/worker_settings.py).
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = CELERY_BROKER_READ_URL = CELERY_BROKER_WRITE_URL = "memory://localhost/"
CELERY_BROKER_TRANSPORT_OPTIONS = {}

# Reminder links in tests start as they always have (crm.notifications.site.site_url); tests/test_newcomer.py unsets
# it to check the site profile's address and the browser's.
REMINDERS_SITE_URL = "http://127.0.0.1:8000"
