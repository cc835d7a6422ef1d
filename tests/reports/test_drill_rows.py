"""The drill-down list behind a figure (/reports/rows/<key>/): its rows, their count and sum, pages, Excel, refusals."""

from decimal import Decimal

import pytest
from django.test import Client

from crm.models import Project
from reports import drill
from reports.drill import link
from reports.selectors.common import ReportFilters
from tests.factories import officer
from tests.reports.support import workbook


@pytest.fixture
def by_stage(monkeypatch):
    """A figure of the pipeline page for the test: projects at one stage, in the filtered park, summing investment."""

    def rows(filters, params):
        projects = Project.objects.filter(stage=params.get("stage", "lead"))
        return projects.filter(park=filters.park) if filters.park else projects

    monkeypatch.setitem(drill.FIGURES, "test.by_stage", drill.DrillFigure(
        "test.by_stage", "测试：按阶段", "pipeline", rows, "total_investment"))
    return "test.by_stage"


def test_the_list_shows_the_rows_their_count_and_their_sum(manager_client, pipeline_world, by_stage):
    response = manager_client.get(link(by_stage, ReportFilters(park=pipeline_world["xike"]), stage="registered"))
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
    from tests.factories import ProjectFactory

    ProjectFactory.create_batch(51, owner=officer(username="wang"), total_investment=Decimal("1"), fixed_asset_investment=Decimal("0"))
    url = link(by_stage, stage="lead")
    first, second = manager_client.get(url), manager_client.get(url + "&page=2")
    assert (first.context["count"], len(first.context["rows"]), len(second.context["rows"])) == (51, 50, 1)
    sheets = workbook(manager_client.get(first.context["export_url"]))
    [rows] = sheets.values()
    assert rows[1][0].endswith("共 51 条，总投资（万元）合计 51.00。")
    assert len(rows[4:]) == 51


def test_unknown_figure_bad_filter_and_nul_byte_are_refused(manager_client, by_stage):
    assert manager_client.get("/reports/rows/no.such.figure/").status_code == 404
    assert manager_client.get(link(by_stage) + "?start=2024-13-01").status_code == 400
    assert manager_client.get(link(by_stage) + "?stage=lead%00").status_code == 400
    assert manager_client.get(link(by_stage) + "?start=2024-13-01", follow=False).status_code == 400


def test_only_managers_read_the_rows(db, by_stage):
    client = Client()
    assert client.get(link(by_stage)).status_code == 302  # to the login
    client.force_login(officer(username="wang"))
    assert client.get(link(by_stage)).status_code == 403
    assert client.get(link(by_stage).replace("/rows/test.by_stage/", "/rows/test.by_stage/export.xlsx")).status_code == 403
