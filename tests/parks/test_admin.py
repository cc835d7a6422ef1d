"""The staff admin of the parks: constant-query lists, read-only parcel status, autocomplete search."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parks.models import EligibilityCriterion, LandParcel, ParcelStatus, Park, Policy, PolicyClause, PolicyGrant, Space
from tests.factories import (
    EnterpriseFactory,
    LandParcelFactory,
    ParkFactory,
    PolicyClauseFactory,
    PolicyFactory,
    ProjectFactory,
    UserFactory,
    officer,
)

pytestmark = pytest.mark.django_db


def _one(model, i):
    """Create one row of ``model`` with its own related rows, so a per-row query would show up."""
    if model is Park:
        return ParkFactory(parent=ParkFactory(name=f"上级园区{i}"))
    if model is LandParcel:
        return LandParcelFactory(park=ParkFactory())
    if model is Space:
        return Space.objects.create(
            park=ParkFactory(), building=f"{i}号楼", unit="101", area_m2=Decimal("1300"), status=Space.Status.OCCUPIED,
            occupant=EnterpriseFactory(), rent_free_months=36,
        )
    if model is Policy:
        return PolicyFactory(park=ParkFactory())
    if model is PolicyClause:
        return PolicyClauseFactory()
    if model is EligibilityCriterion:
        return EligibilityCriterion.objects.create(
            clause=PolicyClauseFactory(), kind=EligibilityCriterion.Kind.IN_PARK, park=ParkFactory()
        )
    if model is PolicyGrant:
        project = ProjectFactory()
        return PolicyGrant.objects.create(
            clause=PolicyClauseFactory(), enterprise=project.enterprise, project=project, applied_amount=100,
            applied_on=dt.date(2025, 3, 1) + dt.timedelta(days=i),
        )
    raise AssertionError(f"no row builder for {model.__name__}")


PARKS_ADMINS = sorted(
    (model for model in admin.site._registry if model._meta.app_label == "parks"), key=lambda m: m._meta.model_name
)


def _changelist_queries(client, model):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"admin:parks_{model._meta.model_name}_changelist"))
    assert response.status_code == 200
    return len(queries), response.context["cl"].result_count


@pytest.mark.parametrize("model", PARKS_ADMINS, ids=lambda m: m._meta.model_name)
def test_every_parks_list_runs_the_same_number_of_queries_for_2_and_25_rows(client, model):
    """A list whose query count grows with its rows has an N+1: explain any change to the counts."""
    client.force_login(UserFactory(is_staff=True, is_superuser=True, username="root"))
    for i in range(2):
        _one(model, i)
    client.get(reverse(f"admin:parks_{model._meta.model_name}_changelist"))  # warm per-process caches
    small, small_rows = _changelist_queries(client, model)
    for i in range(2, 25):
        _one(model, i)
    large, large_rows = _changelist_queries(client, model)
    assert large_rows - small_rows == (46 if model is Park else 23)  # each park row brings its parent park
    assert large == small, f"{model.__name__}: {small} queries for {small_rows} rows, {large} for {large_rows}"


def test_parcel_status_and_project_are_read_only_in_the_admin(client):
    parcel = LandParcelFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True, username="root"))
    response = client.get(reverse("admin:parks_landparcel_change", args=[parcel.pk]))
    form = response.context["adminform"].form
    assert {"status", "project", "transferred_on"}.isdisjoint(form.fields)
    assert "status" in response.context["adminform"].readonly_fields


def test_parcel_list_filters_by_status_and_searches_by_code(client):
    LandParcelFactory(code="XH2024-901", name="云谷一号地块")
    LandParcelFactory(code="XH2024-902")
    client.force_login(officer())
    url = reverse("admin:parks_landparcel_changelist")
    assert [p.code for p in client.get(url, {"q": "901"}).context["cl"].result_list] == ["XH2024-901"]
    assert client.get(url, {"status__exact": ParcelStatus.AVAILABLE}).context["cl"].result_count == 0
    assert client.get(url, {"status__exact": ParcelStatus.PLANNED}).context["cl"].result_count == 2


def test_park_autocomplete_finds_parks_by_short_name_for_officers(client):
    ParkFactory(name="浙江省信创和商密产业园", short_name="信创园")
    ParkFactory(name="中国云谷先导区")
    client.force_login(officer())
    response = client.get(
        reverse("admin:autocomplete"), {"app_label": "crm", "model_name": "project", "field_name": "park", "term": "信创"}
    )
    assert [r["text"] for r in response.json()["results"]] == ["信创园"]


def test_policy_page_lists_its_clauses_inline(client):
    clause = PolicyClauseFactory(title="研发投入补助")
    client.force_login(UserFactory(is_staff=True, is_superuser=True, username="root"))
    response = client.get(reverse("admin:parks_policy_change", args=[clause.policy.pk]))
    inline = next(f for f in response.context["inline_admin_formsets"] if f.opts.model is PolicyClause)
    assert [form.instance.title for form in inline.formset.forms if form.instance.pk] == ["研发投入补助"]
