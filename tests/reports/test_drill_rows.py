"""The drill-down list behind a figure (/reports/rows/<key>/): its rows, their count and sum, pages, Excel, refusals."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from crm.models import Project, warm_lists
from reports import drill
from reports.drill import link
from reports.selectors.common import ReportFilters
from tests.factories import ProjectFactory, officer
from tests.reports.support import workbook


@pytest.fixture
def by_stage(monkeypatch):
    """A figure of the pipeline page for the test: projects at one stage, in the filtered park, summing investment."""

    def rows(filters, params):
        projects = Project.objects.filter(stage=params.get("in_stage", "lead"))
        return projects.filter(park=filters.park) if filters.park else projects

    monkeypatch.setitem(drill.FIGURES, "test.by_stage", drill.DrillFigure(
        "test.by_stage", "测试：按阶段", "pipeline", rows, "total_investment"))
    return "test.by_stage"


def test_the_list_shows_the_rows_their_count_and_their_sum(manager_client, pipeline_world, by_stage):
    response = manager_client.get(link(by_stage, ReportFilters(park=pipeline_world["xike"]), in_stage="registered"))
    assert response.status_code == 200
    assert response.context["count"] == 2  # P5 and P9 are at 注册落地 in 西湖科技园
    assert response.context["total"] == Decimal("156000.00")
    names = sorted(row[0][0] for row in response.context["rows"])
    assert names == ["P5 智算中心", "P9 新材料中试"]
    assert all(row[0][2].startswith("/admin/crm/project/") for row in response.context["rows"])
    text = response.content.decode()
    assert "共 2 条" in text, text
    assert "156,000.00" in text
    assert "园区：西科园" in text


def test_the_list_pages_by_fifty_and_the_export_holds_every_row(manager_client, by_stage):
    ProjectFactory.create_batch(51, owner=officer(username="wang"), total_investment=Decimal("1"), fixed_asset_investment=Decimal("0"))
    url = link(by_stage, in_stage="lead")
    first, second = manager_client.get(url), manager_client.get(url + "&page=2")
    assert (first.context["count"], len(first.context["rows"]), len(second.context["rows"])) == (51, 50, 1)
    sheets = workbook(manager_client.get(first.context["export_url"]))
    [rows] = sheets.values()
    assert rows[1][0].endswith("共 51 条，总投资（万元）合计 51.00。")
    assert len(rows[4:]) == 51


def test_unknown_figure_bad_filter_and_nul_byte_are_refused(manager_client, by_stage):
    assert manager_client.get("/reports/rows/no.such.figure/").status_code == 404
    assert manager_client.get(link(by_stage) + "?start=2024-13-01").status_code == 400
    assert manager_client.get(link(by_stage) + "?in_stage=lead%00").status_code == 400
    assert manager_client.get(link(by_stage) + "?start=2024-13-01", follow=False).status_code == 400


def test_only_managers_read_the_rows(db, by_stage):
    client = Client()
    assert client.get(link(by_stage)).status_code == 302  # to the login
    client.force_login(officer(username="wang"))
    assert client.get(link(by_stage)).status_code == 403
    assert client.get(link(by_stage).replace("/rows/test.by_stage/", "/rows/test.by_stage/export.xlsx")).status_code == 403


def test_the_list_reads_its_rows_in_the_same_queries_however_many_there_are(manager_client, by_stage):
    """session + user (2), the user's groups for the manager check (1), the count (1), the sum (1), the page of rows
    with their park and owner (1), the site profile of the header (1), and — this address names no period — the
    page's default period reads the latest stage change (1, reports.forms.default_period). A park or owner filter
    adds its lookup."""
    wang = officer(username="wang")
    url = link(by_stage, in_stage="lead")

    def queries():
        warm_lists()
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(url).status_code == 200
        return len(captured)

    ProjectFactory.create_batch(2, owner=wang, total_investment=Decimal("1"), fixed_asset_investment=Decimal("0"))
    few = queries()
    ProjectFactory.create_batch(30, owner=wang, total_investment=Decimal("1"), fixed_asset_investment=Decimal("0"),
                                park=None)
    assert queries() == few == 8, few


@pytest.mark.parametrize("query", [
    "/reports/rows/pipeline.projects/?in_stage=nosuchstage",
    "/reports/rows/pipeline.reached/",  # a funnel step names its stage
    "/reports/rows/pipeline.group/?by=nosuchdimension&value=x",
    "/reports/rows/pipeline.group/?by=owner&value=abc",
    "/reports/rows/pipeline.milestones/?colour=purple",
    "/reports/rows/pipeline.milestones/?colour=red&kind=nosuchkind",
    "/reports/rows/pipeline.projects/?period=nosuchperiod",
])
def test_a_figure_parameter_that_names_nothing_is_a_400_not_an_error_page(manager_client, query):
    response = manager_client.get(query)
    assert response.status_code == 400
    assert "请求参数有误" in response.content.decode()
    assert manager_client.get(query.replace("/?", "/export.xlsx?", 1) if "?" in query
                              else query + "export.xlsx").status_code == 400
