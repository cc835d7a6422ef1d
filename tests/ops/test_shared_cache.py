"""The shared cache (DJANGO_CACHE_URL): the API throttle counts a client once across worker processes and
machines. Two separate processes stand for two gunicorn workers (or two web hosts) behind one nginx."""

import json
import os
import random
import subprocess
import sys

import pytest
from django.conf import settings

BROKER = os.environ.get("CELERY_BROKER_URL", "")
# Redis for the cache: DJANGO_CACHE_URL when the run sets one, else CI's Redis (the broker's server).
REDIS_URL = os.environ.get("DJANGO_CACHE_URL") or (BROKER if BROKER.startswith("redis://") else "")

WORKER = """
import json, os
import django
django.setup()
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIRequestFactory
from crm.api.throttling import AnonThrottle
request = APIRequestFactory().get("/api/v1/auth/token/", REMOTE_ADDR=os.environ["CLIENT"])
request.user = AnonymousUser()
print("SEEN" + json.dumps([AnonThrottle().allow_request(request, None) for _ in range(2)]))
"""


def _worker(*, cache_url: str | None, client: str) -> list[bool]:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_CACHE_URL"}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.test", "DJANGO_API_THROTTLE_ANON": "3/min", "CLIENT": client}
    if cache_url:
        env["DJANGO_CACHE_URL"] = cache_url
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", WORKER], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    line = next((line for line in result.stdout.splitlines() if line.startswith("SEEN")), None)
    assert line, result.stdout + result.stderr
    return json.loads(line.removeprefix("SEEN"))


def _client() -> str:
    return f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"


def test_without_a_shared_cache_each_worker_counts_alone():
    """Local memory (the default): 3 a minute becomes 3 per worker — what the shared cache is for."""
    client = _client()
    assert _worker(cache_url=None, client=client) == [True, True]
    assert _worker(cache_url=None, client=client) == [True, True]  # 4 requests, none refused


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="needs Redis (DJANGO_CACHE_URL or CELERY_BROKER_URL=redis://...)")
def test_with_redis_two_workers_share_one_throttle_count():
    client = _client()
    assert _worker(cache_url=REDIS_URL, client=client) == [True, True]
    assert _worker(cache_url=REDIS_URL, client=client) == [True, False]  # the 4th request of the minute: 429


def test_the_cache_url_selects_djangos_own_redis_backend():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DJANGO_CACHE_URL": "redis://10.0.0.5:6379/1"}
    probe = "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    result = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", probe], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache", result.stderr
