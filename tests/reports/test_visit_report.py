"""走访覆盖: visit coverage per 包联干部 and month, problems raised vs solved — checked against a world built by hand,
in a constant number of queries, exported to Excel, read by managers only."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from crm.models import Enterprise, warm_lists
from crm.visits.services import enterprise_assign_responsible, visit_problem_to_request, visit_record
from reports.selectors.common import ReportFilters
from reports.selectors.visits import visit_report
from tests.factories import EnterpriseFactory, ParkFactory, ServiceCategoryFactory, officer, request_moved_to
from tests.factories import service_officer as make_service_officer

pytestmark = pytest.mark.django_db
RANGE = "start=2024-10-01&end=2024-12-31"


@pytest.fixture
def visit_world(db):
    """徐包联 (a service officer) has A, B, C in the park (D has left); 钱招商 (an investment officer) has F, G.

    October: A twice (3 problems: one solved, one being handled, one not turned), D (left: not counted), F (2
    problems: one solved, one being handled). November: B. December: A. September (outside the range): G.
    """
    xu = make_service_officer(username="xu", display_name="徐包联")
    qian = officer(username="qian2", display_name="钱招商")
    general = ServiceCategoryFactory(code="general", name="综合服务", sla_unit="working_days", sla_value=5, form=False)
    park = ParkFactory(name="西湖科技园")

    def mine(name, who, *, status=Enterprise.Status.IN_PARK):
        enterprise = EnterpriseFactory(name=name, status=status, park=park)
        return enterprise_assign_responsible(enterprise=enterprise, actor=xu, officer=who)

    a, b, c = mine("甲", xu), mine("乙", xu), mine("丙", xu)
    d = mine("丁", xu, status=Enterprise.Status.LEFT)
    f, g = mine("己", qian), mine("庚", qian)

    def visit(enterprise, day, who, problems=()):
        return visit_record(enterprise=enterprise, visited_on=dt.date.fromisoformat(day), recorded_by=who,
                            topics="走访。", problems=problems)

    def turn(problem, *, to):
        request = visit_problem_to_request(problem=problem, category=general, actor=xu)
        return request_moved_to(request, to, officer=xu)

    october = visit(a, "2024-10-05", xu, ["招工难", "用电增容", "园区班车"])
    turn(october.problems.all()[0], to="resolved")
    turn(october.problems.all()[1], to="in_progress")
    visit(a, "2024-10-20", xu)
    visit(d, "2024-10-10", xu, ["已迁出企业的问题"])
    f_visit = visit(f, "2024-10-08", qian, ["融资对接", "人才公寓"])
    turn(f_visit.problems.all()[0], to="resolved")
    turn(f_visit.problems.all()[1], to="accepted")
    visit(b, "2024-11-15", xu)
    visit(a, "2024-12-02", qian)  # anyone's visit covers the enterprise
    visit(g, "2024-09-30", qian)
    return {"xu": xu, "qian": qian, "park": park, "c": c}


def _report(**filters):
    return visit_report(
        filters=ReportFilters(start=dt.date(2024, 10, 1), end=dt.date(2024, 12, 31), **filters), now=timezone.now()
    )


def test_the_coverage_per_officer_and_month_is_exact(visit_world):
    report = _report()

    assert report["months"] == [dt.date(2024, 10, 1), dt.date(2024, 11, 1), dt.date(2024, 12, 1)]
    cells = {(r["officer"], f"{r['month']:%m}"): r for r in report["by_officer_month"]}
    as_tuple = lambda r: (r["in_charge"], r["visited"], r["coverage"], r["problems_raised"], r["problems_solved"])  # noqa: E731
    assert as_tuple(cells["徐包联", "10"]) == (3, 1, Decimal("33.33"), 3, 1)
    assert as_tuple(cells["徐包联", "11"]) == (3, 1, Decimal("33.33"), 0, 0)
    assert as_tuple(cells["徐包联", "12"]) == (3, 1, Decimal("33.33"), 0, 0)
    assert as_tuple(cells["钱招商", "10"]) == (2, 1, Decimal("50.00"), 2, 1)
    assert as_tuple(cells["钱招商", "11"]) == (2, 0, Decimal("0.00"), 0, 0)
    assert as_tuple(cells["钱招商", "12"]) == (2, 0, Decimal("0.00"), 0, 0)

    officers = {r["officer"]: r for r in report["by_officer"]}
    assert as_tuple(officers["徐包联"]) == (3, 2, Decimal("66.67"), 3, 1)
    assert officers["徐包联"]["solved_rate"] == Decimal("33.33")
    assert as_tuple(officers["钱招商"]) == (2, 1, Decimal("50.00"), 2, 1)

    assert as_tuple(report["totals"]) == (5, 3, Decimal("60.00"), 5, 2)
    assert report["totals"]["solved_rate"] == Decimal("40.00")
    assert [as_tuple(r) for r in report["by_month"]] == [
        (5, 2, Decimal("40.00"), 5, 2), (5, 1, Decimal("20.00"), 0, 0), (5, 1, Decimal("20.00"), 0, 0),
    ]


def test_the_owner_filter_is_the_officer_and_the_default_range_is_six_months(visit_world):
    report = _report(owner=visit_world["qian"])
    assert [r["officer"] for r in report["by_officer"]] == ["钱招商"]

    default = visit_report(filters=ReportFilters(), now=timezone.now())  # today is 2024-12-20
    assert [f"{m:%Y-%m}" for m in default["months"]] == ["2024-07", "2024-08", "2024-09", "2024-10", "2024-11", "2024-12"]
    qian = next(r for r in default["by_officer"] if r["officer"] == "钱招商")
    assert (qian["visited"], qian["coverage"]) == (2, Decimal("100.00"))  # G in September now counts


def test_a_manager_reads_the_page_and_its_excel_and_an_officer_does_not(visit_world, manager_client):
    page = manager_client.get(f"/reports/visits/?{RANGE}")
    assert page.status_code == 200
    body = page.content.decode()
    assert "走访覆盖" in body and "徐包联" in body and "66.67" in body

    export = manager_client.get(f"/reports/visits/export.xlsx?{RANGE}")
    assert export.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content)
                                                if getattr(export, "streaming", False) else export.content))
    rows = [[cell.value for cell in row] for sheet in workbook.worksheets for row in sheet.iter_rows()]
    assert ["徐包联", 3, 2, 66.67, 3, 1, 33.33] in [row[:7] for row in rows]

    other = Client()
    other.force_login(visit_world["xu"])
    assert other.get(f"/reports/visits/?{RANGE}").status_code == 403


@pytest.fixture
def assert_page_queries(django_assert_num_queries, manager_client):
    def check(url, queries):
        warm_lists()  # a running server's cached lists, as tests/reports/test_query_counts.py measures
        with django_assert_num_queries(queries, info=url):
            response = manager_client.get(url)
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)
        assert response.status_code == 200

    return check


def test_the_page_and_the_export_take_the_same_queries_as_data_grows(visit_world, assert_page_queries):
    # The page: session + user (2), the user's groups (1), the park and owner choices of the form (2), the site
    # profile (1), then the selector's four. The export: session, user, groups (3) and the selector's four.
    assert_page_queries(f"/reports/visits/?{RANGE}", 10)
    assert_page_queries(f"/reports/visits/export.xlsx?{RANGE}", 7)
    xu = visit_world["xu"]
    for i in range(10):
        enterprise = enterprise_assign_responsible(
            enterprise=EnterpriseFactory(park=visit_world["park"]), actor=xu, officer=officer()
        )
        visit_record(enterprise=enterprise, visited_on=dt.date(2024, 11, 1 + i), recorded_by=xu, topics="走访。",
                     problems=["问题"])
    assert_page_queries(f"/reports/visits/?{RANGE}", 10)
    assert_page_queries(f"/reports/visits/export.xlsx?{RANGE}", 7)
