"""The OpenAPI schema describes what the API really answers: the category fields, whole enums, and the errors.

The real answers are checked against the schema too: a 401, a 403, a 404, a 409 and a 400 body as the
server sends them validate against the components the schema names for them.
"""

import jsonschema
import pytest
from rest_framework.test import APIClient

from crm.models import CategoryField
from tests.api.support import api_client
from tests.factories import ServiceCategoryFactory

pytestmark = pytest.mark.django_db
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def schema_with_forms(work_permit):
    """The schema as generated once the work permit and talent housing have their forms (it reads them then)."""
    ServiceCategoryFactory(code="talent_housing", name="人才房", sla_unit="working_days", sla_value=5)
    response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield path, method, operation


def _resolve(schema, node):
    """The schema with every $ref replaced (the components are small and not recursive)."""
    if isinstance(node, dict):
        if "$ref" in node:
            return _resolve(schema, schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]])
        return {key: _resolve(schema, value) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(schema, value) for value in node]
    return node


def _body_schema(schema, path, method, status):
    answer = schema["paths"][path][method]["responses"][str(status)]
    return _resolve(schema, answer["content"]["application/json"]["schema"])


def _validate(schema, path, method, response):
    body_schema = _body_schema(schema, path, method, response.status_code)
    # OpenAPI 3.0's "nullable" is not JSON Schema; none of the error bodies use it.
    jsonschema.validate(response.json(), body_schema)


# -- details -----------------------------------------------------------------------------------------------


def test_the_category_fields_are_described_with_their_types_and_lengths(schema_with_forms):
    components = schema_with_forms["components"]["schemas"]
    details = components["ServiceRequestCreateRequest"]["properties"]["details"]
    answered = components["ServiceRequest"]["properties"]["details"]
    assert answered["properties"] == details["properties"]

    every_field = set(CategoryField.objects.values_list("key", flat=True))
    assert set(details["properties"]) == every_field
    passport = details["properties"]["passport_number"]
    assert (passport["type"], passport["maxLength"]) == ("string", 12)
    assert "work_permit" in passport["description"]
    assert details["properties"]["expert_name"]["maxLength"] == 100
    assert details["properties"]["planned_start_date"] == {**details["properties"]["planned_start_date"],
                                                           "type": "string", "format": "date"}
    household = details["properties"]["household_size"]
    assert (household["type"], household["minimum"], household["maximum"]) == ("integer", 1, 10)
    assert "talent_housing" in household["description"]
    # Which category needs which field, as the server's forms check them.
    assert "work_permit：expert_name、nationality、passport_number、position、planned_start_date" in details["description"]
    assert "talent_housing：applicant_name、talent_level（选填）、household_size" in details["description"]


def test_a_request_answered_with_its_details_matches_the_schema(schema_with_forms, alice, alice_request):
    response = api_client(alice).get(f"/api/v1/service-requests/{alice_request.pk}/")

    assert response.status_code == 200
    details_schema = schema_with_forms["components"]["schemas"]["ServiceRequestDetail"]["properties"]["details"]
    jsonschema.validate(response.json()["details"], details_schema)
    assert set(response.json()["details"]) <= set(details_schema["properties"])


# -- enums -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("component", "field", "value"),
    [
        ("Transition", "from_status", ""),  # the submission's history row: from nothing to 已提交
        ("StageChange", "from_stage", ""),  # the project's first stage row
        ("Project", "land_use_need", ""),  # not stated
        ("ProjectDetail", "land_use_need", ""),
    ],
)
def test_an_answered_enum_includes_the_empty_value_the_api_sends(schema, component, field, value):
    assert value in schema["components"]["schemas"][component]["properties"][field]["enum"]


@pytest.mark.parametrize(
    ("component", "field", "some_value"),
    [("ServiceRequest", "status", "submitted"), ("Project", "stage", "lead"), ("Parcel", "status", "planned")],
)
def test_a_status_the_api_sets_itself_is_still_an_enum(schema, component, field, some_value):
    assert some_value in schema["components"]["schemas"][component]["properties"][field]["enum"]


def test_the_first_history_row_of_a_request_matches_the_schema(schema, alice, alice_request):
    response = api_client(alice).get(f"/api/v1/service-requests/{alice_request.pk}/")

    first = response.json()["transitions"][0]
    assert first["from_status"] == ""
    jsonschema.validate(first["from_status"], schema["components"]["schemas"]["Transition"]["properties"]["from_status"])


# -- errors ------------------------------------------------------------------------------------------------


def test_the_error_body_is_one_message(schema):
    assert schema["components"]["schemas"]["Error"] == {
        "type": "object",
        "description": "Every error but a 400's field errors: one message in Chinese (``crm.api.exceptions``).",
        "properties": {"detail": {"type": "string", "description": "错误说明。"}},
        "required": ["detail"],
    }


def test_every_authenticated_operation_documents_401_and_429_with_their_headers(schema):
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        assert "429" in responses, (method, path)
        assert "Retry-After" in responses["429"]["headers"]
        if path == "/api/v1/auth/token/":
            assert "401" not in responses  # the token endpoint authenticates nobody
            continue
        assert "WWW-Authenticate" in responses["401"]["headers"], (method, path)
        assert responses["401"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_every_operation_on_an_object_documents_404_and_every_write_403(schema):
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        if "{" in path:
            assert "404" in responses, (method, path)
        if method != "get" and path != "/api/v1/auth/token/":
            assert "403" in responses, (method, path)
        for code, answer in responses.items():
            if code >= "400":
                assert "application/json" in answer.get("content", {}), (method, path, code)


def test_the_403_is_described_by_the_views_permission_classes(schema):
    projects = schema["paths"]["/api/v1/projects/"]["get"]["responses"]["403"]["description"]
    reports = schema["paths"]["/api/v1/reports/pipeline/"]["get"]["responses"]["403"]["description"]
    stage = schema["paths"]["/api/v1/projects/{id}/stage/"]["post"]["responses"]["403"]["description"]

    assert "仅限园区工作人员访问。" in projects  # IsStaff's message
    assert "仅限领导查看数据报表。" in reports  # the read table's refusal for Area.REPORTS (ReadsArea)
    assert "只有招商专员可以修改项目和跟进记录。" in stage  # WorksProjects' (crm.roles)


def test_state_transitions_document_409(schema):
    assert "409" in schema["paths"]["/api/v1/service-requests/{id}/transition/"]["post"]["responses"]
    assert "409" in schema["paths"]["/api/v1/projects/{id}/stage/"]["post"]["responses"]
    assert "409" in schema["paths"]["/api/v1/parcels/{id}/reserve/"]["post"]["responses"]


def test_the_real_error_bodies_match_the_documented_ones(schema, alice, bob, zhou, alice_request, bob_request):
    detail = "/api/v1/service-requests/{id}/"
    transition = "/api/v1/service-requests/{id}/transition/"

    unauthenticated = APIClient().get(f"/api/v1/service-requests/{alice_request.pk}/")
    bad_token = APIClient(HTTP_AUTHORIZATION="Token nonsense").get(f"/api/v1/service-requests/{alice_request.pk}/")
    refused = api_client(alice).get("/api/v1/projects/")
    hidden = api_client(alice).get(f"/api/v1/service-requests/{bob_request.pk}/")
    illegal = api_client(zhou).post(f"/api/v1/service-requests/{alice_request.pk}/transition/", {"action": "close"},
                                    format="json")
    invalid = api_client(alice).post("/api/v1/service-requests/", {"category": "work_permit", "title": "x",
                                     "details": {"passport_number": "?"}}, format="json")
    malformed = api_client(alice).post("/api/v1/service-requests/", "{", content_type="application/json")

    assert [r.status_code for r in (unauthenticated, bad_token, refused, hidden, illegal, invalid, malformed)] == [
        401, 401, 403, 404, 409, 400, 400
    ]
    assert unauthenticated["WWW-Authenticate"] == "Token"
    _validate(schema, detail, "get", unauthenticated)
    _validate(schema, detail, "get", bad_token)
    _validate(schema, "/api/v1/projects/", "get", refused)
    _validate(schema, detail, "get", hidden)
    _validate(schema, transition, "post", illegal)
    _validate(schema, "/api/v1/service-requests/", "post", invalid)
    _validate(schema, "/api/v1/service-requests/", "post", malformed)
    assert "passport_number" in invalid.json()["details"]


def test_a_throttled_answer_matches_the_documented_one(schema, settings, alice):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "1/min", "anon": None}}
    client = api_client(alice)
    client.get("/api/v1/service-categories/")

    throttled = client.get("/api/v1/service-categories/")

    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    _validate(schema, "/api/v1/service-categories/", "get", throttled)
