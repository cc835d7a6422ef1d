"""The Celery application: reads ``CELERY_*`` settings and autodiscovers ``tasks.py`` in every app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("zijin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
