"""Every list answers in a fixed number of queries, however many rows it shows (2 or 20).

The numbers are pinned: if one changes, explain why in the commit, or add the missing
select_related/prefetch_related. Every count starts with the token lookup (1, the user joined) and the
user's role groups (1, for ``ReadsArea``'s question to the role table), and ends with the pagination COUNT
and the page's SELECT.
"""

import pytest

from crm.models import Notification
from crm.pipeline.services import follow_up_create
from crm.service_requests.attachments import attachment_add
from crm.service_requests.thread import message_post
from tests.api.support import api_client, pdf_upload
from tests.factories import EnterpriseFactory, ProjectFactory, ServiceCategoryFactory, service_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def requests_of(sunshine, alice, work_permit):
    def make(i):
        return service_request(enterprise=sunshine, submitted_by=alice, category=work_permit, title=f"诉求{i}")

    return make


@pytest.fixture
def assert_queries_at_2_and_20(django_assert_num_queries):
    """Read ``url`` with 2 rows, then with 20 (``make(i)`` adds row number ``i``): ``queries`` queries both times."""

    def read(client, url, queries, rows):
        with django_assert_num_queries(queries, info=f"GET {url} with {rows} rows made"):
            response = client.get(url)
        assert response.status_code == 200, response.content
        return response.json()["count"]

    def check(client, url, make, *, queries: int):
        for i in range(2):
            make(i)
        at_2 = read(client, url, queries, 2)
        for i in range(2, 20):
            make(i)
        assert read(client, url, queries, 20) - at_2 == 18  # the list did grow: its queries stayed put with more rows

    return check


def test_request_list_queries_do_not_grow_with_rows_for_staff(zhou, requests_of, assert_queries_at_2_and_20):
    # token+user, groups, COUNT, SELECT requests with enterprise, category, assignee, submitter joined.
    assert_queries_at_2_and_20(api_client(zhou), "/api/v1/service-requests/", requests_of, queries=4)


def test_request_list_queries_do_not_grow_with_rows_for_an_enterprise_user(alice, requests_of, assert_queries_at_2_and_20):
    # Same four: the enterprise scope is a subquery, not a query of its own.
    assert_queries_at_2_and_20(api_client(alice), "/api/v1/service-requests/", requests_of, queries=4)


def test_message_list_queries_do_not_grow_with_rows(alice, zhou, alice_request, assert_queries_at_2_and_20):
    # token+user, groups, the request (scope check), COUNT, SELECT messages with authors.
    def make(i):
        message_post(service_request=alice_request, author=zhou if i % 2 else alice, body=f"留言{i}")

    assert_queries_at_2_and_20(api_client(alice), f"/api/v1/service-requests/{alice_request.pk}/messages/", make, queries=5)


def test_attachment_list_queries_do_not_grow_with_rows(alice, alice_request, assert_queries_at_2_and_20):
    # token+user, groups, the request (scope check), COUNT, SELECT attachments with uploaders.
    def make(i):
        attachment_add(service_request=alice_request, uploaded=pdf_upload(f"file{i}.pdf"), user=alice)

    url = f"/api/v1/service-requests/{alice_request.pk}/attachments/"
    assert_queries_at_2_and_20(api_client(alice), url, make, queries=5)


def test_notification_list_queries_do_not_grow_with_rows(alice, alice_request, assert_queries_at_2_and_20):
    # token+user, groups, COUNT, SELECT notifications with content types.
    def make(i):
        Notification.objects.create(key=f"k{i}", rule="sla", recipient=alice, subject=f"提醒{i}", target=alice_request)

    assert_queries_at_2_and_20(api_client(alice), "/api/v1/notifications/", make, queries=4)


def test_category_list_queries_do_not_grow_with_rows(alice, assert_queries_at_2_and_20):
    # token+user, groups, COUNT, SELECT categories, SELECT their form versions (prefetched: each one's own fields).
    def make(i):
        ServiceCategoryFactory(code=f"cat{i}", name=f"类别{i}", sla_value=3)

    assert_queries_at_2_and_20(api_client(alice), "/api/v1/service-categories/", make, queries=5)


def test_enterprise_list_queries_do_not_grow_with_rows(qian, assert_queries_at_2_and_20):
    # token+user, groups, COUNT, SELECT enterprises.
    def make(i):
        EnterpriseFactory()

    assert_queries_at_2_and_20(api_client(qian), "/api/v1/enterprises/", make, queries=4)


def test_project_list_queries_do_not_grow_with_rows(boss, qian, assert_queries_at_2_and_20):
    # token+user, groups, COUNT, SELECT projects with enterprise, owner and park, prefetch of co-officers.
    def make(i):
        ProjectFactory(owner=qian)

    assert_queries_at_2_and_20(api_client(boss), "/api/v1/projects/", make, queries=5)


def test_follow_up_list_queries_do_not_grow_with_rows(boss, qian, sunshine, assert_queries_at_2_and_20):
    # token+user, groups, the project, COUNT, SELECT follow-ups with officers.
    project = ProjectFactory(owner=qian, enterprise=sunshine)

    def make(i):
        follow_up_create(project=project, officer=qian, occurred_on=project.created_at.date(), note=f"走访{i}")

    assert_queries_at_2_and_20(api_client(boss), f"/api/v1/projects/{project.pk}/follow-ups/", make, queries=5)
