"""A category's own fields (``details``) are checked like every other field: a lone surrogate, a control character
or an over-long value is a 400 naming the field — never a 500 (PostgreSQL refuses a lone surrogate in JSON, so the
500 only showed there: run this file on PostgreSQL too).

The API body is sent as raw JSON text with the literal escape ``\\ud83d``, as a hostile client would send it.
"""

import datetime as dt
import json

import pytest
from django.utils import timezone

from crm.models import ServiceRequest
from crm.service_requests.category_forms import category_form_current
from crm.service_requests.details import DetailsInvalid, details_clean
from tests.api.support import api_client
from tests.factories import ServiceCategoryFactory, work_permit_details

pytestmark = pytest.mark.django_db
LIST = "/api/v1/service-requests/"
SURROGATE_MESSAGE = "含有无效字符（U+D83D，不成对的代理字符），请删除后重新输入。"


def raw_body(**details) -> str:
    """The request body as JSON text, with each detail value written verbatim (so ``\\ud83d`` stays an escape)."""
    values = {**work_permit_details(), **details}
    inner = ", ".join(f'"{key}": {value}' if value.startswith('"') else f'"{key}": {json.dumps(value)}'
                      for key, value in values.items())
    return '{"category": "work_permit", "title": "申请工作许可", "details": {' + inner + "}}"


@pytest.mark.parametrize("field", ["expert_name", "nationality", "passport_number", "position", "planned_start_date"])
def test_a_lone_surrogate_in_a_work_permit_field_is_a_400_naming_the_field(alice, work_permit, field):
    response = api_client(alice).post(LIST, raw_body(**{field: '"A\\ud83d"'}), content_type="application/json")

    assert response.status_code == 400, response.content
    errors = response.json()["details"]
    assert list(errors) == [field]
    assert ServiceRequest.objects.count() == 0


def test_a_lone_surrogate_names_the_character_in_chinese(alice, work_permit):
    response = api_client(alice).post(LIST, raw_body(expert_name='"\\ud83d"'), content_type="application/json")

    assert response.json()["details"] == {"expert_name": [SURROGATE_MESSAGE]}


def test_a_lone_surrogate_in_a_field_the_category_does_not_have_is_ignored_not_a_500(alice, work_permit):
    response = api_client(alice).post(LIST, raw_body(passport_no='"\\ud83d"'), content_type="application/json")

    assert response.status_code == 201, response.content
    assert "passport_no" not in ServiceRequest.objects.get().details


def test_a_lone_surrogate_in_a_talent_housing_field_is_a_400(alice, db):
    ServiceCategoryFactory(code="talent_housing", name="人才房", sla_unit="working_days", sla_value=5)
    body = '{"category": "talent_housing", "title": "人才房申请", "details": {"applicant_name": "\\ud83d", "household_size": 2}}'

    response = api_client(alice).post(LIST, body, content_type="application/json")

    assert response.status_code == 400, response.content
    assert response.json()["details"] == {"applicant_name": [SURROGATE_MESSAGE]}
    assert ServiceRequest.objects.count() == 0


def test_a_control_character_in_a_details_field_is_a_400_over_the_api(alice, work_permit):
    response = api_client(alice).post(LIST, raw_body(position='"首\\u000b席"'), content_type="application/json")

    assert response.status_code == 400
    assert response.json()["details"] == {"position": ["不能包含控制字符（U+000B），请删除后重新输入。"]}


def test_a_control_character_in_a_details_field_is_refused_next_to_it_on_the_portal(client, alice, work_permit):
    client.force_login(alice)
    data = {"category": "work_permit", "title": "申请工作许可", "description": ""}
    data.update({f"details-work_permit-{key}": value for key, value in work_permit_details().items()})
    data["details-work_permit-expert_name"] = "John\x0bSmith"

    response = client.post("/portal/requests/new/", data)

    assert response.status_code == 400
    forms = {category.code: form for category, form in response.context["detail_forms"]}
    assert forms["work_permit"].errors == {"expert_name": ["不能包含控制字符（U+000B），请删除后重新输入。"]}
    assert ServiceRequest.objects.count() == 0


def test_an_over_long_details_value_is_a_400_naming_the_field(alice, work_permit):
    response = api_client(alice).post(LIST, raw_body(expert_name="长" * 101), content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()["details"]) == ["expert_name"]


def test_a_planned_start_date_in_year_9999_is_refused(alice, work_permit):
    response = api_client(alice).post(LIST, raw_body(planned_start_date="9999-01-01"), content_type="application/json")

    assert response.status_code == 400
    assert response.json()["details"] == {"planned_start_date": ["日期应在 1949-01-01 至 2100-12-31 之间，请核对年份。"]}


def test_the_service_itself_refuses_a_surrogate_whoever_calls_it(work_permit):
    with pytest.raises(DetailsInvalid) as refused:
        details_clean(version=category_form_current(work_permit), data=work_permit_details(nationality="\ud83d"))
    assert refused.value.as_dict() == {"details": {"nationality": [SURROGATE_MESSAGE]}}


def test_valid_details_are_still_accepted(alice, work_permit):
    start = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    response = api_client(alice).post(LIST, raw_body(planned_start_date=start), content_type="application/json")

    assert response.status_code == 201, response.content
