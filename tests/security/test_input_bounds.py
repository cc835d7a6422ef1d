"""Text has a length limit and dates a window, over every interface: a project date of year 1 or 9999, a follow-up
in year 1, an approval step due in 9999, a parcel transferred in year 1 are each refused with a Chinese message, and
a free text longer than 10,000 characters is a 400.

The window is one (``crm.validators.EARLIEST_DATE``..``LATEST_DATE``) and the length one
(``crm.validators.LONG_TEXT_MAX_LENGTH``); the last tests walk every model date and free-text field so none forgets them.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.apps import apps
from django.db import models
from django.urls import reverse
from rest_framework import serializers

from crm.errors import DomainError
from crm.models import ApprovalStep, Enterprise, FollowUp, Project
from crm.pipeline.services import follow_up_create
from crm.validators import LONG_TEXT_MAX_LENGTH, validate_plausible_date
from parks.models import LandParcel, ParcelStatus
from parks.services.parcels import parcel_change_status
from tests.api.support import api_client
from tests.factories import EnterpriseFactory, LandParcelFactory, ProjectFactory, officer
from tests.security.test_control_characters import FORM_MODULES, _classes, _input_serializers

pytestmark = pytest.mark.django_db
DATE_MESSAGE = "日期应在 1949-01-01 至 2100-12-31 之间，请核对年份。"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1948-12-31", "2101-01-01"])
def test_a_project_expected_signing_date_outside_the_window_is_a_400(qian, sunshine, day):
    response = api_client(qian).post(
        "/api/v1/projects/", {"name": "二期", "enterprise": sunshine.pk, "expected_signing_on": day}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"expected_signing_on": [DATE_MESSAGE]}
    assert Project.objects.count() == 0


@pytest.mark.parametrize("day", ["1949-01-01", "2100-12-31"])
def test_the_edges_of_the_window_are_accepted(qian, sunshine, day):
    response = api_client(qian).post(
        "/api/v1/projects/", {"name": "二期", "enterprise": sunshine.pk, "next_follow_up_on": day}, format="json"
    )

    assert response.status_code == 201, response.content


def test_a_project_date_of_year_9999_is_a_form_error_in_the_admin(client):
    me = officer()
    enterprise = EnterpriseFactory()
    client.force_login(me)
    data = {
        "name": "机器人小脑研发中心", "enterprise": enterprise.pk, "industry_chain": "robotics", "segment": "",
        "source_channel": "business_referral", "source_event": "", "park": "",
        "total_investment": "12000", "fixed_asset_investment": "5000", "expected_annual_output": "0",
        "expected_annual_tax": "0", "owner": me.pk, "expected_signing_on": "9999-12-31", "next_step": "",
        "next_follow_up_on": "", "land_need_m2": "", "land_use_need": "", "space_need_m2": "", "headcount_planned": "",
        "follow_ups-TOTAL_FORMS": "0", "follow_ups-INITIAL_FORMS": "0",
        "follow_ups-MIN_NUM_FORMS": "0", "follow_ups-MAX_NUM_FORMS": "1000", "_save": "保存",
    }

    response = client.post(reverse("admin:crm_project_add"), data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["expected_signing_on"] == [DATE_MESSAGE]
    assert Project.objects.count() == 0


def test_a_follow_up_in_year_1_is_a_400(qian, sunshine):
    project = ProjectFactory(enterprise=sunshine, owner=qian)

    response = api_client(qian).post(
        f"/api/v1/projects/{project.pk}/follow-ups/", {"occurred_on": "0001-01-01", "note": "走访"}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"occurred_on": [DATE_MESSAGE]}
    assert FollowUp.objects.count() == 0


@pytest.mark.parametrize("due", ["9999-12-31T17:00:00+08:00", "0001-01-01T17:00:00+08:00"])
def test_an_approval_step_due_in_year_9999_or_1_is_a_400(zhou, alice_request, due):
    response = api_client(zhou).post(
        f"/api/v1/service-requests/{alice_request.pk}/approval-steps/", {"name": "外专局审批", "due_at": due}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["due_at"]
    assert ApprovalStep.objects.count() == 0


def test_a_parcel_transferred_in_year_1_is_a_400_and_the_parcel_is_unchanged(qian):
    project = ProjectFactory()
    parcel = parcel_change_status(
        parcel=LandParcelFactory(reserve_price=Decimal("4500")), to=ParcelStatus.AVAILABLE, actor=qian
    )

    response = api_client(qian).post(
        f"/api/v1/parcels/{parcel.pk}/transfer/",
        {"project": project.pk, "transferred_on": "0001-01-01", "price": "4500"}, format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"transferred_on": [DATE_MESSAGE]}
    parcel.refresh_from_db()
    assert (parcel.status, parcel.transferred_on) == (ParcelStatus.AVAILABLE, None)
    assert LandParcel.objects.filter(transferred_on__isnull=False).count() == 0


def test_an_enterprise_description_over_10000_characters_is_a_400(qian):
    response = api_client(qian).post(
        "/api/v1/enterprises/", {"name": "杭州某科技有限公司", "description": "长" * (LONG_TEXT_MAX_LENGTH + 1)}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"description": ["请确保这个字段不能超过 10000 个字符。"]}
    assert Enterprise.objects.count() == 0


def test_an_enterprise_description_of_10000_characters_is_kept(qian):
    response = api_client(qian).post(
        "/api/v1/enterprises/", {"name": "杭州某科技有限公司", "description": "长" * LONG_TEXT_MAX_LENGTH}, format="json"
    )

    assert response.status_code == 201, response.content


def test_a_service_refuses_an_over_long_note_whoever_calls_it(qian, sunshine):
    project = ProjectFactory(enterprise=sunshine, owner=qian)
    with pytest.raises(DomainError) as refused:
        follow_up_create(project=project, officer=qian, occurred_on=dt.date(2025, 3, 1), note="长" * (LONG_TEXT_MAX_LENGTH + 1))
    assert list(refused.value.errors) == ["note"]
    assert FollowUp.objects.count() == 0


# ---- no field forgets the bounds ----------------------------------------------------------------------------

def _our_models():
    for model in [*apps.get_app_config("crm").get_models(), *apps.get_app_config("parks").get_models()]:
        if not model.__name__.startswith("Historical"):
            yield model


def test_every_date_a_person_enters_has_the_window():
    missing = [
        f"{model.__name__}.{field.name}"
        for model in _our_models()
        for field in model._meta.get_fields()
        if type(field) is models.DateField and validate_plausible_date not in field.validators
    ]
    assert missing == []


SYSTEM_TEXT = {("Notification", "body"), ("Notification", "last_error")}  # written by the reminder engine


def test_every_free_text_has_a_length_limit():
    unbounded = [
        f"{model.__name__}.{field.name}"
        for model in _our_models()
        for field in model._meta.get_fields()
        if type(field) is models.TextField and field.max_length is None
        and (model.__name__, field.name) not in SYSTEM_TEXT
    ]
    assert unbounded == []


def test_every_date_a_serializer_takes_in_has_the_date_window():
    missing = []
    for serializer_class in _input_serializers():
        for name, field in serializer_class._declared_fields.items():
            typed = isinstance(field, serializers.DateField | serializers.DateTimeField) and not field.read_only
            if typed and validate_plausible_date not in field.validators:
                missing.append(f"{serializer_class.__name__}.{name}")
    assert missing == [], missing


def test_every_date_of_a_plain_form_has_the_date_window():
    missing = [
        f"{form_class.__name__}.{name}"
        for form_class in _classes(FORM_MODULES, forms.Form)
        for name, field in form_class.base_fields.items()
        if isinstance(field, forms.DateField) and validate_plausible_date not in field.validators
    ]
    assert missing == [], missing
