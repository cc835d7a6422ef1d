"""Every report page, export and API answer takes a fixed number of queries, however much data there is.

Each is measured on the small world of its report, then again after many more rows were added: the
count must not move. The numbers are pinned; if one changes, explain why in the commit.

A page: session + user (2), the user's groups for the manager check (1), the park and owner choices of
the filter form (2), the site profile the header and footer name the park by (1, crm.notifications.site), then the
selector — pipeline 14 (the summary state, then 13 from the summaries or, before the first rebuild, the raw rows), credit 13 (reports.selectors.credit.credit_report: officers' credit rows, owned uncredited
projects and the arrivals of each (4), the units' credit rows and arrivals (2), the totals over distinct projects and
their arrivals for officers and units (4), the year's targets with their park and officer (1), the figures by park and
their arrivals (2)), service 11 computed (5, and the departments 4 and call-backs 2) or 5 with its clock-free figures cached, land 3, policies 3 (see their docstrings: the
clauses' sums, then the instalments (双兑现) and their projects' commitments, read by the instalment rule);
capital 3 (the period's arrivals by source and month, by park, by chain; its 同比 is the generic one below).
The export: the same without the form's choices (they are only rendered on the page); the service
export reads the full overdue list once more. The API: the token with its user (1), the user's groups for
the role table's manager check (1, as on the pages), then the selector.

Periods (reports/forms.py): an address naming no period nor dates opens on the page's default period, which
reads the page's latest activity (1: the latest stage change — pipeline and credit —, request, grant application,
transfer or capital arrival). The page and the API then run the selector a second time on the same filters a year
earlier (同比: pipeline 13, service 11, land 3, policies 3, credit 13, capital 3 more); the export writes the tables
only, without 同比.
"""

import datetime as dt
from decimal import Decimal

import pytest

from crm.models import CapitalArrival, Milestone, ProjectCredit, ProjectMilestone, YearlyTarget, warm_lists
from crm.service_requests.callbacks import request_record_callback
from crm.service_requests.routing import routing_create, routing_hand_back
from crm.service_requests.services import service_request_transition
from tests.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    LandParcelFactory,
    ParkFactory,
    PolicyClauseFactory,
    ProjectFactory,
    department_liaison,
    enterprise_user,
    officer,
)
from tests.factories import service_request as make_request
from tests.reports.conftest import at, walk
from tests.reports.test_capital_report import build_capital_world
from tests.reports.test_credit_report import credit_world  # noqa: F401 - the 业绩考核 page's world
from tests.reports.test_service_departments import build_department_world

pytestmark = pytest.mark.django_db

# page, export, api
EXPECTED = {
    # bare addresses: the default period's probe (1) everywhere, the year-earlier selector on the page and the API
    # the pipeline: the summary state (1) before each selector run (14 with it: test_summaries_equal_raw.py)
    "pipeline": (19 + 1 + 13 + 2, 16 + 1 + 1, 15 + 1 + 13 + 2),
    # the service page computed (no cache): 11 (reports.selectors.service: the colours and the departments' 超期
    # read apart from the clock-free counts)
    "service": (17 + 1 + 11, 15 + 1, 13 + 1 + 11),
    "land": (9 + 1 + 3, 6 + 1, 5 + 1 + 3),
    "policies": (9 + 1 + 3, 6 + 1, 5 + 1 + 3),
    "credit": (19 + 1 + 13, 16 + 1, 15 + 1 + 13),
    "capital": (9 + 1 + 3, 6 + 1, 5 + 1 + 3),
}


@pytest.fixture
def assert_queries(django_assert_num_queries):
    """GET ``url`` (reading a streamed export to its end) in exactly ``queries`` queries."""

    def check(client, url, queries: int):
        # The editable lists (chains, channels, towns) are cached per process for a minute: a running server has
        # them, so the pinned counts are a warm server's (a cold one reads each list once, one query each).
        warm_lists()
        with django_assert_num_queries(queries, info=f"GET {url}"):
            response = client.get(url)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
        assert response.status_code == 200, url

    return check


@pytest.fixture
def assert_report_queries(assert_queries, manager_client, manager_api):
    """The page, the export and the API answer of report ``page`` each in its pinned number of queries."""

    def check(page):
        page_queries, export_queries, api_queries = EXPECTED[page]
        assert_queries(manager_client, f"/reports/{page}/", page_queries)
        assert_queries(manager_client, f"/reports/{page}/export.xlsx", export_queries)
        assert_queries(manager_api, f"/api/v1/reports/{page}/", api_queries)

    return check


def more_projects(n):
    for i in range(n):
        project = walk(ProjectFactory(name=f"追加项目{i}", total_investment=Decimal("12000"), at=at("2024-02-01")),
                       "2024-02-01", [("contacted", 5), ("negotiating", 5), ("signed", 5), ("registered", 5)])
        CapitalArrival.objects.create(project=project, arrived_on=dt.date(2024, 3, 1), amount=Decimal("100"))
        ProjectMilestone.objects.create(project=project, kind=Milestone.COMPLETION, planned_on=dt.date(2024, 12, 1))


def test_the_pipeline_report_takes_the_same_queries_with_ten_or_twenty_five_projects(
    pipeline_world, assert_report_queries
):
    assert_report_queries("pipeline")
    more_projects(15)
    assert_report_queries("pipeline")


def test_the_pipeline_report_from_the_summaries_takes_as_many_queries_as_from_the_raw_rows(
    pipeline_world, assert_report_queries, settings
):
    from reports.summaries import rebuild

    settings.REPORTS_SUMMARY_CACHE_SECONDS = 0  # every answer computed (the cache's own test: test_summaries_equal_raw)
    rebuild()
    assert_report_queries("pipeline")
    more_projects(15)  # through the services: their summary rows are written as they go
    assert_report_queries("pipeline")


def test_the_service_report_takes_the_same_queries_with_eight_or_twenty_requests(
    service_world, assert_report_queries, settings
):
    # With the departments' world (tests/reports/test_service_departments.py): routings, extensions, hand-backs, call-backs.
    settings.REPORTS_SUMMARY_CACHE_SECONDS = 0  # every answer computed (the cached ones: the test below)
    build_department_world(zhou=service_world["zhou"], wu=service_world["wu"])
    assert_report_queries("service")
    more_service_requests(service_world)
    assert_report_queries("service")


# The service page with its clock-free figures in the cache (reports.selectors.service._cached): the version row (1),
# then only what depends on now — colours (1), approval steps (1), overdue list (1), departments' 超期 (1) — per
# selector run.
SERVICE_CACHED = (6 + 5 + 1 + 5, 4 + 5 + 1, 2 + 5 + 1 + 5)


def test_the_service_report_from_the_cache_takes_the_same_queries_with_eight_or_twenty_requests(
    service_world, assert_queries, manager_client, manager_api
):
    build_department_world(zhou=service_world["zhou"], wu=service_world["wu"])
    for _ in range(2):
        urls = [(manager_client, "/reports/service/"), (manager_client, "/reports/service/export.xlsx"),
                (manager_api, "/api/v1/reports/service/")]
        manager_client.get("/reports/service/")  # fills the cache for this period and the year before
        for (client, url), queries in zip(urls, SERVICE_CACHED, strict=True):
            assert_queries(client, url, queries)
        more_service_requests(service_world)  # through the services: each raises the version, the cache is cold again


def more_service_requests(service_world):
    enterprise = EnterpriseFactory()
    user = enterprise_user(enterprise)
    for i in range(12):  # overdue ones, so the overdue list and its export grow too
        request = make_request(enterprise=enterprise, submitted_by=user, category=service_world["permit"],
                               title=f"追加诉求{i}", at=at("2024-12-01"))
        request = service_request_transition(
            service_request=request, action="accept", actor=service_world["zhou"], at=at("2024-12-01", 11)
        )
        # … each routed to a department of its own, half of them handed back, and three resolved and called back.
        department = DepartmentFactory(name=f"追加承办单位{i}")
        routing = routing_create(service_request=request, department=department, role="lead", actor=service_world["zhou"],
                                 at=at("2024-12-01", 12))
        if i % 2:
            routing_hand_back(routing=routing, reason="退回", actor=department_liaison(department), at=at("2024-12-01", 13))
        if i < 3:
            request = service_request_transition(
                service_request=request, action="resolve", actor=service_world["zhou"], at=at("2024-12-02")
            )
            request_record_callback(service_request=request, result="basic", actor=service_world["zhou"], at=at("2024-12-03"))


def test_the_land_report_takes_the_same_queries_with_six_or_sixteen_parcels(land_world, assert_report_queries):
    assert_report_queries("land")
    for i in range(10):
        LandParcelFactory(code=f"EXTRA-{i}", park=land_world["xinchuang"], land_use="M0", status="available")
    assert_report_queries("land")


def test_the_policy_report_takes_the_same_queries_with_three_or_thirteen_clauses(policy_world, assert_report_queries):
    assert_report_queries("policies")
    for i in range(10):
        PolicyClauseFactory(title=f"追加条款{i}")
    assert_report_queries("policies")


def test_the_credit_report_takes_the_same_queries_with_five_or_seventeen_projects_and_more_holders(
    credit_world, assert_report_queries  # noqa: F811 - the fixture imported above
):
    assert_report_queries("credit")
    more_projects(6)  # owned by new officers, no credit rows: theirs 100%
    for i in range(6):  # shared between two new officers and a new unit, each with targets
        park, first, second = ParkFactory(name=f"追加园区{i}"), officer(), officer()
        project = walk(ProjectFactory(name=f"共享项目{i}", total_investment=Decimal("30000"), owner=first, park=park,
                                      at=at("2024-02-01")),
                       "2024-02-01", [("contacted", 5), ("negotiating", 5), ("signed", 5), ("registered", 5)])
        CapitalArrival.objects.create(project=project, arrived_on=dt.date(2024, 3, 1), amount=Decimal("100"))
        for who, unit, share in [(first, "", "40"), (second, "", "40"), (None, f"追加镇街{i}", "20")]:
            ProjectCredit.objects.create(project=project, officer=who, unit=unit, share_percent=Decimal(share))
        for holder in [{"holder_kind": "officer", "officer": first}, {"holder_kind": "unit", "unit": f"追加镇街{i}"},
                       {"holder_kind": "park", "park": park}]:
            YearlyTarget.objects.create(year=2024, metric="signed_projects", target=Decimal("1"), **holder)
    assert_report_queries("credit")


def test_the_capital_report_takes_the_same_queries_with_seven_or_twenty_seven_arrivals(db, assert_report_queries):
    world = build_capital_world()
    assert_report_queries("capital")
    project = ProjectFactory(name="追加到资项目", park=world["xike"])
    for i in range(20):
        CapitalArrival.objects.create(project=project, arrived_on=dt.date(2024, 1 + i % 12, 5), amount=Decimal("100"),
                                      source=("in_province", "out_of_province", "foreign")[i % 3])
    assert_report_queries("capital")


def test_filters_add_only_their_own_lookups(pipeline_world, manager_client, manager_api, assert_queries):
    """A park and an owner filter each cost one lookup when the form validates them; the rest is unchanged
    (a start date names the period, so no default period is probed: one query less)."""
    query = f"park={pipeline_world['xike'].pk}&owner={pipeline_world['li'].pk}&chain=robotics&start=2024-01-01"
    assert_queries(manager_client, f"/reports/?{query}", EXPECTED["pipeline"][0] - 1 + 2)
    assert_queries(manager_api, f"/api/v1/reports/pipeline/?{query}", EXPECTED["pipeline"][2] - 1 + 2)
