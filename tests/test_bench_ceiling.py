"""The scale-out test's ceiling (/bench/ceiling/): absent from the URLconf unless DJANGO_BENCH_CEILING_VIEW is on."""

import importlib

import pytest
from django.urls import clear_url_caches

import config.urls


@pytest.fixture
def ceiling_routed(settings):
    """config.urls rebuilt with the setting on, and rebuilt again without it afterwards."""
    settings.BENCH_CEILING_VIEW = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.BENCH_CEILING_VIEW = False
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_the_ceiling_is_not_routed_by_default(client):
    assert client.get("/bench/ceiling/").status_code == 404


@pytest.mark.django_db
def test_the_ceiling_answers_a_constant_json_when_switched_on(client, ceiling_routed, django_assert_num_queries):
    # No query at all: the ceiling measures gunicorn, Django and the middleware, not the database.
    with django_assert_num_queries(0):
        response = client.get("/bench/ceiling/")
    assert response.status_code == 200
    assert response.json() == {"ok": True}
    assert client.post("/bench/ceiling/").status_code == 405
