"""GET/POST /api/v1/visits/: staff read and officers record visits; managers read only; enterprises reach nothing."""

import datetime as dt

import pytest
from django.utils import timezone

from crm.models import Visit
from crm.visits.services import visit_problem_to_request, visit_record
from tests.api.support import api_client, results
from tests.factories import ServiceCategoryFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
URL = "/api/v1/visits/"


@pytest.fixture
def seen(sunshine, qian, zhou):
    visit = visit_record(
        enterprise=sunshine, visited_on=TODAY - dt.timedelta(days=2), recorded_by=qian, visitors=[qian, zhou],
        met_with="王建国（总经理）", topics="二期厂房进度。", problems=["外籍工程师的工作许可", "园区班车"],
    )
    general = ServiceCategoryFactory(code="general", name="综合服务", form=False)
    visit_problem_to_request(problem=visit.problems.first(), category=general, actor=zhou)
    return visit


def test_staff_read_the_visits_with_who_was_met_masked_and_each_problem_s_state(seen, boss):
    response = api_client(boss).get(URL)

    assert response.status_code == 200
    (row,) = results(response)
    assert row["enterprise"] == seen.enterprise_id and row["met_with"] == "王**（总经理）"
    assert row["visitor_names"] == ["钱进", "周敏"]
    assert [(p["description"], p["state"]) for p in row["problems"]] == [("外籍工程师的工作许可", "open"), ("园区班车", "new")]
    assert row["problems"][0]["service_request"] == seen.problems.first().service_request_id


def test_an_officer_records_a_visit_with_its_problems(sunshine, zhou):
    response = api_client(zhou).post(URL, {
        "enterprise": sunshine.pk, "visited_on": TODAY.isoformat(), "topics": "了解用工。", "problems": ["招工难"],
    }, format="json")

    assert response.status_code == 201, response.json()
    visit = Visit.objects.get()
    assert response.json()["id"] == visit.pk and visit.recorded_by == zhou
    assert [p.description for p in visit.problems.all()] == ["招工难"]


def test_a_visit_dated_tomorrow_is_a_400_in_chinese(sunshine, zhou):
    response = api_client(zhou).post(URL, {
        "enterprise": sunshine.pk, "visited_on": (TODAY + dt.timedelta(days=1)).isoformat(), "topics": "走访。",
    }, format="json")

    assert response.status_code == 400
    assert response.json()["visited_on"] == ["走访日期不能晚于今天。"]
    assert not Visit.objects.exists()


def test_a_manager_reads_but_records_no_visit(sunshine, boss):
    response = api_client(boss).post(URL, {"enterprise": sunshine.pk, "visited_on": TODAY.isoformat(),
                                           "topics": "走访。"}, format="json")

    assert response.status_code == 403
    assert not Visit.objects.exists()


def test_an_enterprise_user_gets_nothing_of_the_visits(seen, alice, sunshine):
    client = api_client(alice)

    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}?enterprise={sunshine.pk}").status_code == 403
    assert client.post(URL, {"enterprise": sunshine.pk, "visited_on": TODAY.isoformat(), "topics": "x"},
                       format="json").status_code == 403
    assert Visit.objects.count() == 1


@pytest.mark.parametrize("size", [2, 12])
def test_the_list_takes_the_same_queries_however_many_visits(sunshine, qian, zhou, boss, size,
                                                             django_assert_num_queries):
    for i in range(size):
        visit_record(enterprise=sunshine, visited_on=TODAY - dt.timedelta(days=i), recorded_by=qian,
                     visitors=[qian, zhou], topics="走访。", problems=["问题一", "问题二"])
    client = api_client(boss)
    client.get(URL)
    # the token with its user (1), the user's groups (1); the count (1), the page with enterprises joined (1), their
    # visitors (1), their problems with their requests joined (1).
    with django_assert_num_queries(6):
        assert client.get(URL).status_code == 200
