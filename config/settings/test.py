"""Settings for the test suite: fast hashing, in-memory e-mail, tasks not sent to a broker."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in-process: no test publishes to var/broker or to CI's Redis unless it starts a real worker itself.
CELERY_TASK_ALWAYS_EAGER = True
