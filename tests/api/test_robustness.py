"""Whatever a client types into a URL, a query string or a body is a 400 or a 404 — never a 500.

A NUL byte is refused before it reaches the database (PostgreSQL raises on it in any text); an id
longer than 18 digits does not match the URL at all; ids in filters and bodies are checked by the
form fields.
"""

import pytest
from rest_framework.test import APIClient

from crm.models import ServiceRequest
from tests.api.support import api_client
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
HUGE = "99999999999999999999"

LIST_ENDPOINTS = [
    "/api/v1/service-categories/",
    "/api/v1/service-requests/",
    "/api/v1/notifications/",
    "/api/v1/enterprises/",
    "/api/v1/projects/",
]


@pytest.fixture
def world(root, alice_request, sunshine):
    project = ProjectFactory(enterprise=sunshine)
    return {"request": alice_request, "project": project}


@pytest.mark.parametrize("path", LIST_ENDPOINTS)
@pytest.mark.parametrize(
    "params",
    [{"search": "a\x00b"}, {"page": "\x00"}, {"status": "\x00"}, {"stage": "lead\x00"}, {"x\x00y": "1"}],
    ids=["search", "page", "status", "stage", "key"],
)
def test_a_nul_byte_in_a_query_parameter_is_a_400(root, world, path, params):
    response = api_client(root).get(path, params)

    assert response.status_code == 400
    assert list(response.json().values()) == [["参数中不能包含空字符（NUL）。"]]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/service-requests/{request}/messages/",
        "/api/v1/service-requests/{request}/attachments/",
        "/api/v1/projects/{project}/follow-ups/",
        "/api/v1/service-requests/{request}/",
        "/api/v1/projects/{project}/",
    ],
)
def test_a_nul_byte_on_nested_and_detail_endpoints_is_a_400(root, world, path):
    url = path.format(request=world["request"].pk, project=world["project"].pk)

    assert api_client(root).get(url, {"q": "\x00"}).status_code == 400


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/service-requests/{id}/"),
        ("post", "/api/v1/service-requests/{id}/transition/"),
        ("post", "/api/v1/service-requests/{id}/assign/"),
        ("post", "/api/v1/service-requests/{id}/approval-steps/"),
        ("post", "/api/v1/service-requests/{id}/approval-steps/{id}/complete/"),
        ("post", "/api/v1/service-requests/{id}/approval-steps/{id}/reopen/"),
        ("get", "/api/v1/service-requests/{id}/messages/"),
        ("post", "/api/v1/service-requests/{id}/messages/"),
        ("get", "/api/v1/service-requests/{id}/attachments/"),
        ("get", "/api/v1/attachments/{id}/download/"),
        ("post", "/api/v1/notifications/{id}/read/"),
        ("get", "/api/v1/enterprises/{id}/"),
        ("get", "/api/v1/projects/{id}/"),
        ("post", "/api/v1/projects/{id}/stage/"),
        ("get", "/api/v1/projects/{id}/follow-ups/"),
    ],
)
@pytest.mark.parametrize("value", [HUGE, "999999999999999999", "0", "-1", "%00", "1%00", "abc"])
def test_a_huge_or_malformed_id_in_the_url_is_a_404(root, world, method, path, value):
    response = getattr(api_client(root), method)(path.format(id=value), {"action": "accept"}, format="json")

    # JSON like every API error, also where the id does not even match the route (not Django's HTML page).
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。"}


def test_an_unknown_url_under_the_api_is_a_json_404_and_elsewhere_the_html_page(root):
    client = api_client(root)

    assert client.get("/api/v1/no-such-thing/").json() == {"detail": "未找到。"}
    assert client.get("/portal/no-such-thing/")["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/service-requests/", {"enterprise": HUGE}),
        ("/api/v1/service-requests/", {"assignee": HUGE}),
        ("/api/v1/service-requests/", {"category": "x" * 500}),
        ("/api/v1/projects/", {"owner": HUGE}),
        ("/api/v1/projects/", {"park": "-1"}),
        ("/api/v1/projects/", {"total_investment_min": "NaN"}),
        ("/api/v1/projects/", {"total_investment_max": "Infinity"}),
        ("/api/v1/projects/", {"created_after": "0000-01-01"}),
        ("/api/v1/enterprises/", {"park": HUGE}),
        ("/api/v1/notifications/", {"channel": "pigeon"}),
    ],
)
def test_a_huge_or_malformed_id_in_a_filter_is_a_400(root, world, path, params):
    response = api_client(root).get(path, params)

    assert response.status_code == 400
    assert list(response.json()) == list(params)


@pytest.mark.parametrize("params", [{"page": HUGE}, {"page": "0"}, {"page": "-3"}, {"page": "x"}])
def test_a_page_that_does_not_exist_is_a_404(root, world, params):
    assert api_client(root).get("/api/v1/service-requests/", params).status_code == 404


def test_extreme_dates_in_filters_are_answered(root, world):
    client = api_client(root)

    assert client.get("/api/v1/projects/", {"created_after": "0001-01-01", "created_before": "9999-12-31"}).status_code == 200
    assert client.get("/api/v1/projects/", {"expected_signing_after": "9999-12-31"}).json()["count"] == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"enterprise": int(HUGE)}, "enterprise"),
        ({"enterprise": -1}, "enterprise"),
        ({"enterprise": "\x00"}, "enterprise"),
        ({"category": "work\x00permit"}, "category"),
        ({"category": ["work_permit"]}, "category"),
        ({"details": {"passport_number": "E1234\x005678"}}, "details"),
        ({"description": "\x00"}, "description"),
    ],
    ids=["huge-enterprise", "negative-enterprise", "nul-enterprise", "nul-category", "list-category",
         "nul-in-details", "nul-description"],
)
def test_bad_ids_and_nul_bytes_in_a_body_are_field_errors(root, world, payload, field):
    body = {"enterprise": world["request"].enterprise_id, "category": "work_permit", "title": "代办", **payload}

    response = api_client(root).post("/api/v1/service-requests/", body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert ServiceRequest.objects.count() == 1


def test_huge_numbers_in_a_project_body_are_field_errors(root, world):
    response = api_client(root).post(
        "/api/v1/projects/",
        {"name": "项目", "enterprise": world["project"].enterprise_id, "total_investment": "1e30",
         "headcount_planned": int(HUGE), "owner": int(HUGE)},
        format="json",
    )

    assert response.status_code == 400
    assert sorted(response.json()) == ["headcount_planned", "owner", "total_investment"]


def test_malformed_json_is_a_400(root, world):
    response = api_client(root).post(
        "/api/v1/service-requests/", data=b'{"title": ', content_type="application/json"
    )

    assert response.status_code == 400


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data; boundary=xyz", b"--xyz\r\n[None, None]--xyz--\r\n"),
        ("multipart/form-data", b"no boundary at all"),
        ("application/x-www-form-urlencoded", b"%%%\x00=\xff"),
    ],
    ids=["list-as-multipart", "multipart-without-boundary", "garbled-form"],
)
def test_a_malformed_form_body_is_a_400(db, content_type, body):
    response = APIClient().post("/api/v1/auth/token/", data=body, content_type=content_type)

    assert response.status_code == 400


def test_schema_and_docs_survive_a_nul_byte(db):
    client = APIClient()
    for path in ("/api/schema/", "/api/docs/", "/api/redoc/"):
        assert client.get(path, {"lang": "\x00"}).status_code == 400


@pytest.mark.parametrize(
    ("path", "payload", "field"),
    [
        ("/api/v1/enterprises/", {"name": "a\x00b"}, "name"),
        ("/api/v1/enterprises/", {"name": "某公司", "credit_code": "9133\x00"}, "credit_code"),
        ("/api/v1/projects/", {"name": "a\x00b", "enterprise": "{enterprise}"}, "name"),
        ("/api/v1/projects/{project}/stage/", {"stage": "contacted", "note": "\x00"}, "note"),
        ("/api/v1/projects/{project}/follow-ups/", {"occurred_on": "2025-01-01", "note": "\x00"}, "note"),
        ("/api/v1/service-requests/{request}/messages/", {"body": "\x00"}, "body"),
        ("/api/v1/service-requests/{request}/transition/", {"action": "accept\x00"}, "action"),
        ("/api/v1/auth/token/", {"username": "root\x00", "password": "pass-1234"}, "username"),
    ],
)
def test_a_nul_byte_in_a_body_is_a_field_error_on_every_write(root, world, path, payload, field):
    ids = {"project": world["project"].pk, "request": world["request"].pk, "enterprise": world["project"].enterprise_id}
    body = {k: (int(v.format(**ids)) if v == "{enterprise}" else v) for k, v in payload.items()}

    response = api_client(root).post(path.format(**ids), body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
