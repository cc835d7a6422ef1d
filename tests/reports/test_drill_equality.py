"""Every figure of every report page opens the rows behind it, and the list counts (or sums) what the figure says.

One hand-built world holds data for every page (the report tests' own worlds, side by side: ten projects of two
officers across parks, chains and stages with a lost and a paused one, stage changes across years, capital
arrivals and milestones in every colour; service requests in every state with routings and call-backs; parcels
and spaces; grants; visits; 亩均 figures). Then for each page of ``reports.views.REPORTS`` — iterated, so a page
added later is walked too — and several filter combinations, the walker GETs the page as a manager, collects
every ``Linked`` table cell and every card's ``href`` from ``response.context``, GETs each link, and checks:

- a count figure (a whole number) equals the list's ``共 N 条``;
- an amount (a decimal: 万元, 亿元, m², 亩 …) equals the sum of the figure's ``sum_field`` over the list
  (in 亿元: that sum / 10,000, to the cent);
- a percentage card opens its denominator's rows (the list answers; there is nothing to add up);
- on the pages in ``FULLY_LINKED``, every number of every table is linked unless its column is a percentage or
  is marked ``Column(drill=False)`` (averages, medians, targets), and every card has its link;
- the Excel export of a list has as many data rows as the list's count.

A link whose filter drifts from its figure's (a park dropped, a stage misspelt) fails the walk:
``test_the_walker_catches_a_list_that_drifts_from_its_figure`` proves it.
"""

import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode, urlsplit

import openpyxl
import pytest

from crm.models import CapitalArrival, Milestone, ProjectMilestone
from reports import drill
from reports.tables import Linked, to_yi
from reports.views import REPORTS
from tests.factories import EnterpriseFactory, ProjectFactory
from tests.reports.conftest import at, walk
from tests.reports.test_mu_report import mu_world  # noqa: F401 - the 亩均 figures of the world
from tests.reports.test_service_departments import build_department_world
from tests.reports.test_visit_report import visit_world  # noqa: F401 - the visits of the world

# The pages whose every number must be linked. A page joins when its figures are all registered (the service,
# land, policies, visits and 亩均 pages are linked by their own branch); the equality of what IS linked is checked
# on every page regardless.
FULLY_LINKED = {"pipeline"}
CENT = Decimal("0.01")


@pytest.fixture
def world(pipeline_world, service_world, land_world, policy_world, visit_world, mu_world):  # noqa: F811
    """The report tests' worlds side by side, plus what they lack: a paused (暂缓) project, a project of 2023 that
    landed that year, and the routed, called-back requests of the department tests."""
    build_department_world(zhou=service_world["zhou"], wu=service_world["wu"])
    p = pipeline_world["projects"]
    paused = walk(
        ProjectFactory(name="P11 暂缓的储能项目", total_investment=Decimal("30000"), fixed_asset_investment=Decimal("0"),
                       owner=pipeline_world["wang"], enterprise=EnterpriseFactory(name="暂缓企业", jurisdiction="sandun"),
                       industry_chain="digital_economy", park=pipeline_world["xinchuang"], at=at("2024-02-15")),
        "2024-02-15", [("contacted", 10), ("negotiating", 20), ("on_hold", 30)],
    )
    landed_2023 = walk(
        ProjectFactory(name="P12 2023 年落地", total_investment=Decimal("18000"), fixed_asset_investment=Decimal("0"),
                       owner=pipeline_world["wang"], enterprise=EnterpriseFactory(name="其他属地企业", jurisdiction="other"), industry_chain="ai", park=None,
                       at=at("2023-01-10")),
        "2023-01-10", [("contacted", 10), ("negotiating", 20), ("signed", 30), ("registered", 40)],
    )
    lost_key = walk(
        ProjectFactory(name="P13 终止的重大项目", total_investment=Decimal("120000"), fixed_asset_investment=Decimal("0"),
                       owner=pipeline_world["li"], enterprise=EnterpriseFactory(name="终止企业", jurisdiction=""),
                       industry_chain="robotics", park=pipeline_world["xike"], at=at("2024-03-01")),
        "2024-03-01", [("contacted", 5), ("lost", 50)], note="投资方撤回",
    )
    CapitalArrival.objects.create(project=landed_2023, arrived_on=dt.date(2023, 9, 1), amount=Decimal("2500.10"))
    ProjectMilestone.objects.create(project=paused, kind=Milestone.LAND_DELIVERY, planned_on=dt.date(2024, 12, 25))
    ProjectMilestone.objects.create(project=landed_2023, kind=Milestone.CONSTRUCTION_START,
                                    planned_on=dt.date(2023, 12, 1), actual_on=dt.date(2023, 11, 20))
    return {**pipeline_world, "projects": {**p, 11: paused, 12: landed_2023, 13: lost_key}, "service": service_world,
            "land": land_world}


def combinations(world, page: str) -> list[dict]:
    """Filter combinations each page is walked under (a page ignores the filters its form does not have; the owner
    is one of the officers the page's owner filter lists: service officers on the service page)."""
    li = world["service"]["zhou"] if page == "service" else world["li"]
    wang = world["service"]["wu"] if page == "service" else world["wang"]
    return [
        {},  # the page's default period (本年, or the latest year with data)
        {"period": "all"},
        {"period": "last_year", "chain": "robotics"},
        {"period": "this_quarter"},
        {"period": "last_12_months", "park": world["xike"].pk},
        {"park": world["xike"].pk, "period": "all"},
        {"chain": "robotics", "owner": li.pk},
        {"start": "2024-01-01", "end": "2024-12-31"},
        {"end": "2023-12-31"},
        {"park": world["xinchuang"].pk, "start": "2021-01-01"},
        {"stage": "all"},  # the pipeline's stage filter: 暂缓 and 终止 counted in the totals
        {"stage": "lost", "start": "2024-01-01", "end": "2024-12-31"},
        {"stage": "on_hold", "park": world["xinchuang"].pk},
        {"stage": "signed", "owner": wang.pk},
    ]


def _number(text: str):
    """A card's value text back as its figure: "1,234" → 1234, "12.34" → Decimal; None for "—"."""
    text = text.replace(",", "").strip()
    if not text or text == "—":
        return None
    return Decimal(text) if "." in text else int(text)


def _sheet_rows(client, href: str) -> int:
    path = urlsplit(href)
    response = client.get(f"{path.path}export.xlsx?{path.query}")
    assert response.status_code == 200, href
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    [sheet] = book.worksheets
    return sheet.max_row - 4 if sheet.max_row > 4 else 0  # title, note, blank, headers


class Walker:
    """Walks report pages, opening every link once, and collects what does not add up."""

    def __init__(self, client, *, export=False):
        self.client, self.export = client, export
        self.lists: dict[str, tuple[int, Decimal | None]] = {}
        self.problems: list[str] = []
        self.checked = 0

    def open(self, href: str) -> tuple[int, Decimal | None]:
        if href not in self.lists:
            response = self.client.get(href)
            assert response.status_code == 200, f"{href} answered {response.status_code}"
            count, total = response.context["count"], response.context["total"]
            self.lists[href] = (count, total)
            if self.export:
                rows = _sheet_rows(self.client, href)
                if rows != count:
                    self.problems.append(f"{href}: the Excel export has {rows} rows, the list {count}")
        return self.lists[href]

    def figure(self, where: str, value, unit: str, href: str):
        """One figure against its list: a count, an amount (in 万元, or 亿元), or a percentage's denominator."""
        count, total = self.open(href)
        self.checked += 1
        if value is None or unit == "%":
            return
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            self.problems.append(f"{where}: a linked figure that is not a number: {value!r}")
        elif isinstance(value, int):
            if count != value:
                self.problems.append(f"{where}: figure {value}, list {count} rows ({href})")
        elif total is None:
            self.problems.append(f"{where}: an amount {value} links to a list that sums nothing ({href})")
        else:
            expected = to_yi(total) if unit == "亿元" else total.quantize(CENT, rounding=ROUND_HALF_UP)
            if expected != value:
                self.problems.append(f"{where}: figure {value} {unit}, list sums {expected} ({href})")

    def page(self, page: str, query: dict):
        url = f"/reports/{page}/" + (f"?{urlencode(query)}" if query else "")
        response = self.client.get(url)
        assert response.status_code == 200, url
        assert response.context.get("tables") is not None, f"{url}: {response.context['form'].errors}"
        for kpi in response.context["kpis"]:
            where = f"{url} card {kpi.label}"
            if kpi.href:
                self.figure(where, _number(kpi.value), kpi.unit, kpi.href)
            elif page in FULLY_LINKED:
                self.problems.append(f"{where}: the card has no link to its rows")
        for table in response.context["tables"]:
            for index, row in enumerate([*table.rows, *([table.total] if table.total else [])]):
                for column, cell in zip(table.columns, row, strict=True):
                    where = f"{url} {table.key}[{index}] {column.header}"
                    if isinstance(cell, Linked):
                        self.figure(where, cell.value, column.unit, cell.href)
                    elif (page in FULLY_LINKED and column.drill and column.unit != "%"
                          and isinstance(cell, int | Decimal) and not isinstance(cell, bool)):
                        self.problems.append(f"{where}: the number {cell} links to no rows")


@pytest.mark.parametrize("page", list(REPORTS))
def test_every_linked_figure_counts_the_rows_its_list_shows(world, manager_client, page):
    walker = Walker(manager_client)
    for query in combinations(world, page):
        walker.page(page, query)
    assert walker.problems == []
    if page in FULLY_LINKED:
        assert walker.checked > 100  # the pipeline page alone has well over a hundred linked figures per view


def test_the_pipeline_figures_on_this_world_are_not_all_zero(world, manager_client):
    """The walk means something: the world puts rows behind the figures it checks."""
    walker = Walker(manager_client)
    walker.page("pipeline", {"period": "all"})
    counts = [count for count, _total in walker.lists.values()]
    assert sum(1 for count in counts if count > 0) >= 30
    assert walker.problems == []


def test_the_excel_export_of_every_pipeline_list_has_its_rows(world, manager_client):
    walker = Walker(manager_client, export=True)
    walker.page("pipeline", {"park": world["xike"].pk})
    assert walker.problems == []
    assert len(walker.lists) > 30


def test_the_walker_catches_a_list_that_drifts_from_its_figure(world, manager_client, monkeypatch):
    """A list that forgets the park filter, and a key-project list that forgets to leave the lost ones out, fail."""
    projects = drill.FIGURES["pipeline.projects"]
    key = drill.FIGURES["pipeline.key"]

    def without_park(filters, params):
        import dataclasses

        return projects.rows(dataclasses.replace(filters, park=None), params)

    def with_lost(filters, params):
        from reports.selectors import pipeline as selector

        rows = selector._projects(filters).filter(selector.KEY)  # every stage: 暂缓 and 终止 slip in
        return rows.filter(stage=params["in_stage"]) if params.get("in_stage") else rows

    monkeypatch.setitem(drill.FIGURES, "pipeline.projects", drill.DrillFigure(
        projects.key, projects.title, projects.page, without_park, projects.sum_field))
    monkeypatch.setitem(drill.FIGURES, "pipeline.key", drill.DrillFigure(
        key.key, key.title, key.page, with_lost, key.sum_field))
    walker = Walker(manager_client)
    walker.page("pipeline", {"park": world["xike"].pk})
    drifted = "\n".join(walker.problems)
    assert "card 期内入库项目: figure" in drifted
    assert "stages[0] 项目数（个）" in drifted
    walker = Walker(manager_client)
    walker.page("pipeline", {})
    assert "key_projects[7]" in "\n".join(walker.problems)  # the total row: P13 (lost, 12 亿元) slipped into the list
