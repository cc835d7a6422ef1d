"""Who may read the reports: managers and superusers, on the pages, the exports and the API alike (``Area.REPORTS``);
officers and enterprise users never."""

import pytest
from django.test import Client

from tests.factories import EnterpriseFactory, UserFactory, enterprise_user, officer, service_officer
from tests.reports.support import api_client

pytestmark = pytest.mark.django_db

PAGES = ["/reports/", "/reports/pipeline/", "/reports/service/", "/reports/land/", "/reports/policies/"]
EXPORTS = [f"/reports/{page}/export.xlsx" for page in ("pipeline", "service", "land", "policies")]
APIS = [f"/api/v1/reports/{page}/" for page in ("pipeline", "service", "land", "policies")]


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_a_manager_reads_every_page_and_export(manager_client, url):
    assert manager_client.get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_a_superuser_reads_every_page_and_export(db, url):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    assert _client(root).get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_anonymous_visitors_are_sent_to_the_staff_login(db, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


@pytest.mark.parametrize("url", PAGES + EXPORTS)
def test_an_enterprise_user_is_refused_the_pages(db, url):
    user = enterprise_user(EnterpriseFactory())
    response = _client(user).get(url)
    assert response.status_code == 403
    assert "无权访问数据报表" in response.content.decode()


@pytest.mark.parametrize("make_user", [officer, service_officer], ids=["investment_officer", "service_officer"])
def test_officers_without_the_manager_role_are_refused_the_pages_but_told_where_to_go(db, make_user):
    response = _client(make_user()).get("/reports/")
    assert response.status_code == 403
    assert "/admin/" in response.content.decode()


def test_the_pages_do_not_accept_a_post(manager_client):
    assert manager_client.post("/reports/").status_code == 405


@pytest.mark.parametrize("url", APIS)
@pytest.mark.parametrize("make_user", [officer, service_officer], ids=["investment_officer", "service_officer"])
def test_officers_are_refused_the_api_as_they_are_the_pages(db, url, make_user):
    # A report mixes every area: the service report lists requests, the pipeline report names projects.
    response = api_client(make_user()).get(url)
    assert response.status_code == 403
    assert response.json() == {"detail": "仅限领导查看数据报表。"}


@pytest.mark.parametrize("url", APIS)
def test_a_manager_reads_the_api_with_a_session_too(manager_client, url):
    response = manager_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("url", APIS)
def test_an_enterprise_user_gets_403_from_the_api(db, url):
    user = enterprise_user(EnterpriseFactory())
    response = api_client(user).get(url)
    assert response.status_code == 403
    assert response.json() == {"detail": "仅限领导查看数据报表。"}


@pytest.mark.parametrize("url", APIS)
def test_anonymous_clients_get_401_from_the_api(db, url):
    response = api_client().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("url", APIS)
def test_the_api_is_read_only(manager_api, url):
    assert manager_api.post(url, {}).status_code == 405
