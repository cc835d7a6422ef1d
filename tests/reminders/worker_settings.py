"""Settings of the real Celery worker started by the ``celery`` tests: the test settings, on the real broker
(the environment's CELERY_BROKER_URL, not the test settings' in-memory one), with e-mail written to files in
a folder the test reads (``REMINDERS_TEST_EMAIL_DIR``)."""

import os

from config.settings.base import REDIS_BROKER_TRANSPORT_OPTIONS
from config.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["REMINDERS_TEST_EMAIL_DIR"]
CELERY_TASK_ALWAYS_EAGER = False  # a real worker: its retries go back to the broker
CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
CELERY_BROKER_READ_URL = CELERY_BROKER_WRITE_URL = None  # both follow CELERY_BROKER_URL again
CELERY_BROKER_TRANSPORT_OPTIONS = dict(REDIS_BROKER_TRANSPORT_OPTIONS)
