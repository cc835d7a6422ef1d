"""Every count and sum of the service, land, policies, visits and 亩均 pages opens the rows behind it, and the list
holds exactly as many rows (or, for an area or an amount, rows adding up to it) as the page says.

The worlds are the report tests' own (tests/reports/conftest.py and the modules that build them), topped up with
what they lack: requests in every state, 免申即享 proposals, instalments held and released. Each page is walked
under several filters: every linked table cell and card is opened as a manager and compared with its figure. A
numeric cell left unlinked must be a rate or in a column marked ``Column(drill=False)`` (a median, an average, an
enterprise's own figure, 应追回); a card without a link must be one of those named below (with why).
"""

import datetime as dt
from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import resolve

from crm.models import Enterprise
from parks.models import GrantInstalment, PolicyGrant
from reports.drill import FIGURES, link
from reports.selectors.common import ReportFilters
from reports.tables import Linked
from tests.factories import department_liaison, enterprise_user, officer, request_moved_to, service_request
from tests.parks.conftest import policy  # noqa: F401 - fixture
from tests.parks.test_instalments import _review, grant, planned, project, today  # noqa: F401 - fixtures
from tests.reports.conftest import at
from tests.reports.test_mu_report import mu_world  # noqa: F401 - fixture
from tests.reports.test_service_departments import department_world  # noqa: F401 - fixture
from tests.reports.test_visit_report import visit_world  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

# Cards that open nothing, and why (their definitions say the same): an average or a median (in hours, in points)
# adds up no rows, and 应追回 is worked out per grant from its paid instalments and its project's missed commitments.
UNLINKED_UNITS = {"小时", "分"}
UNLINKED_CARDS = {"应追回"}


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _open(client, href: str):
    response = client.get(href)
    assert response.status_code == 200, (href, response.status_code)
    key = resolve(urlparse(href).path).kwargs["key"]
    return FIGURES[key], response.context


def _card(page, key: str, param: str = ""):
    """The card of ``page`` opening figure ``key`` (whatever its label says)."""
    return next(k for k in page.context["kpis"] if f"/rows/{key}/" in k.href and param in k.href)


def walk(client, url: str) -> int:
    """Open every linked figure of the page at ``url`` and check its list; returns how many were checked."""
    page = client.get(url)
    assert page.status_code == 200, url
    checked = 0
    for table in page.context["tables"]:
        for row in [*table.rows, *([table.total] if table.total else [])]:
            for column, cell in zip(table.columns, row, strict=True):
                if isinstance(cell, Linked):
                    figure, listed = _open(client, cell.href)
                    if figure.sum_field:
                        assert listed["total"] == cell.value, (url, table.key, row[0], column.label, cell.href)
                    else:
                        assert listed["count"] == cell.value, (url, table.key, row[0], column.label, cell.href)
                    checked += 1
                elif isinstance(cell, int | Decimal) and not isinstance(cell, bool) and cell is not row[0]:
                    # a rate, or a column marked Column(drill=False): a median, an average, an enterprise's own figure
                    assert column.unit == "%" or not column.drill, (
                        f"{url}: {table.key} / {column.label} = {cell} is a figure without its rows")
    for kpi in page.context["kpis"]:
        if not kpi.href:
            assert kpi.unit in UNLINKED_UNITS or kpi.label in UNLINKED_CARDS, f"{url}: card {kpi.label} opens nothing"
            continue
        figure, listed = _open(client, kpi.href)
        if kpi.unit == "%":  # a rate: its list is the rows it is of
            continue
        expected = listed["total"] if figure.sum_field else listed["count"]
        assert expected == _number(kpi.value), (url, kpi.label, kpi.href)
        checked += 1
    return checked


# -- the service page -----------------------------------------------------------------------------------------------


@pytest.fixture
def every_state(service_world):
    """The service world (submitted, accepted, resolved and rated, rejected; green, yellow and red; approval steps
    of every colour) and one request more in each state it lacks: in progress, waiting, closed, withdrawn."""
    sunshine, permit, zhou = service_world["sunshine"], service_world["permit"], service_world["zhou"]
    alice = enterprise_user(sunshine, username="alice2")
    for status in ("in_progress", "waiting_external", "closed", "withdrawn"):
        request = service_request(enterprise=sunshine, submitted_by=alice, category=permit, title=f"R-{status}",
                                  at=at("2024-12-19", 15))
        request_moved_to(request, status, officer=zhou)
    return service_world


def test_every_figure_of_the_service_page_opens_as_many_requests(every_state, manager_client):
    xike, zhou = every_state["xike"], every_state["zhou"]
    checked = 0
    for query in ("", "?start=2024-12-01&end=2024-12-31", f"?park={xike.pk}", f"?owner={zhou.pk}"):
        checked += walk(manager_client, f"/reports/service/{query}")
    assert checked > 150
    # one by hand: every status has its list, and the overdue card lists R4 alone
    page = manager_client.get("/reports/service/")
    statuses = {row[0]: row[1].value for row in next(t for t in page.context["tables"] if t.key == "statuses").rows}
    # R1, R2 and R6 were closed by their rating; the fourth is this fixture's
    assert {label: statuses[label] for label in ("办理中", "待外部审批", "已关闭", "已撤回")} == {
        "办理中": 1, "待外部审批": 1, "已关闭": 4, "已撤回": 1}
    overdue = _card(page, "service.red")
    _figure, listed = _open(manager_client, overdue.href)
    assert [row[1][0] for row in listed["rows"]] == ["R4 逾期的工作许可"]


def test_every_department_and_call_back_figure_opens_its_routings_events_and_call_backs(department_world, manager_client):  # noqa: F811
    checked = walk(manager_client, "/reports/service/") + walk(manager_client, f"/reports/service/?owner={department_world['wu'].pk}")
    assert checked > 60
    page = manager_client.get("/reports/service/")
    departments = next(t for t in page.context["tables"] if t.key == "departments")
    renshe = next(row for row in departments.rows if row[0] == department_world["a"].name)
    late = renshe[6]  # 逾期: R4's lead routing, still open past its 24 hours
    assert late.value == 1
    _figure, listed = _open(manager_client, late.href)
    assert [row[1][0] for row in listed["rows"]] == ["R4 外籍高管工作许可咨询"]


# -- land, policies, visits, 亩均 ---------------------------------------------------------------------------------------


def test_every_figure_of_the_land_page_opens_its_parcels_or_spaces(land_world, manager_client):
    checked = 0
    for query in ("", "?start=2023-01-01&end=2023-12-31", f"?park={land_world['xike'].pk}"):
        checked += walk(manager_client, f"/reports/land/{query}")
    assert checked > 60
    page = manager_client.get("/reports/land/")
    occupancy = next(t for t in page.context["tables"] if t.key == "occupancy")
    vacant = occupancy.total[6]
    assert vacant.value == Decimal("500.00")  # 102 in 西科园
    _figure, listed = _open(manager_client, vacant.href)
    assert (listed["count"], listed["total"]) == (1, Decimal("500.00"))


@pytest.fixture
def proposals(policy_world):
    """Two 免申即享 proposals on top of the policy world: one waiting for the enterprise, one not pushed."""
    template = PolicyGrant.objects.filter(status="applied").select_related("clause", "enterprise").first()
    for status, amount in (("proposed", "70"), ("dismissed", "20")):
        PolicyGrant.objects.create(
            clause=template.clause, enterprise=template.enterprise, status=status, applied_amount=Decimal(amount),
            applied_on=dt.date(2024, 9, 1), proposal_reasons={"verdict": "eligible"},
        )
    return policy_world


def test_every_figure_of_the_policy_page_opens_its_grants(proposals, manager_client):
    checked = 0
    for query in ("", "?start=2024-01-01&end=2024-12-31", f"?park={proposals['xike'].pk}"):
        checked += walk(manager_client, f"/reports/policies/{query}")
    assert checked > 100
    page = manager_client.get("/reports/policies/")
    card = _card(page, "policies.proposed_count")
    _figure, listed = _open(manager_client, card.href)
    assert listed["count"] == 1


def test_held_and_released_instalments_open_as_the_instalments_they_add_up(grant, planned, project, qian, manager_client):  # noqa: F811
    _review(project, 2023, tax="10", on=dt.date(2024, 11, 30), qian=qian)
    _review(project, 2024, tax="9", on=dt.date(2024, 12, 15), qian=qian)
    assert walk(manager_client, "/reports/policies/") > 10
    page = manager_client.get("/reports/policies/")
    total = next(t for t in page.context["tables"] if t.key == "clauses").total
    held, released = total[12], total[13]
    assert (held.value, released.value) == (Decimal("300.00"), Decimal("300.00"))
    _figure, listed = _open(manager_client, held.href)
    assert listed["count"] == GrantInstalment.objects.filter(grant=grant, commitment_year=2024).count()


def test_every_figure_of_the_visits_page_opens_its_enterprises_or_problems(visit_world, manager_client):  # noqa: F811
    checked = 0
    for query in ("?start=2024-10-01&end=2024-12-31", f"?start=2024-10-01&end=2024-12-31&owner={visit_world['xu'].pk}",
                  "?start=2024-09-01&end=2024-09-30"):
        checked += walk(manager_client, f"/reports/visits/{query}")
    assert checked > 50
    page = manager_client.get("/reports/visits/?start=2024-10-01&end=2024-12-31")
    officers = next(t for t in page.context["tables"] if t.key == "visit_officers")
    xu = next(row for row in officers.rows if row[0] == "徐包联")
    _figure, listed = _open(manager_client, xu[2].href)  # 已走访: 甲 and 乙, not 丙 nor 丁 (left)
    assert sorted(row[0][0] for row in listed["rows"]) == ["乙", "甲"]


def test_every_count_of_the_mu_page_opens_its_enterprises(mu_world, manager_client):  # noqa: F811
    for query in ("?year=2024", "?year=2024&klass=A", "?year=2023"):
        walk(manager_client, f"/reports/mu/{query}")
    page = manager_client.get("/reports/mu/?year=2024")
    card = _card(page, "mu.enterprises", "group=below_min_land")
    _figure, listed = _open(manager_client, card.href)
    assert [row[0][0] for row in listed["rows"]] == ["丁公司"]
    classes = next(t for t in page.context["tables"] if t.key == "classes")
    _figure, listed = _open(manager_client, classes.rows[0][1].href)
    assert [row[0][0] for row in listed["rows"]] == ["甲公司"]


# -- who may open them ----------------------------------------------------------------------------------------------


def test_only_managers_open_the_lists_no_officer_liaison_nor_enterprise(department_world, manager_client):  # noqa: F811
    enterprise = Enterprise.objects.get(name="杭州西湖生物医药有限公司")
    lists = [link("service.total", ReportFilters()),
             link("service.routing_routings", ReportFilters(), department=department_world["a"].pk),
             link("service.callbacks", ReportFilters(), officer=department_world["zhou"].pk)]
    assert manager_client.get(lists[0]).context["count"] == 4
    for user in (department_world["zhou"], department_liaison(department_world["a"], username="liaison_x"),
                 officer(username="qian_x"), enterprise_user(enterprise, username="boss_of_firm")):
        client = Client()
        client.force_login(user)
        for url in lists:
            response = client.get(url)
            assert response.status_code == 403, (user, url)
            assert "R1 外籍人才政策咨询" not in response.content.decode()
            path, _mark, query = url.partition("?")
            assert client.get(f"{path}export.xlsx?{query}").status_code == 403
    assert Client().get(lists[0]).status_code == 302  # to the login


def test_a_figure_parameter_that_does_not_read_is_a_400_not_a_500(department_world, manager_client):  # noqa: F811
    assert manager_client.get(link("service.status", ReportFilters(), status="nonsense")).status_code == 400
    assert manager_client.get(link("service.routing_lead", ReportFilters(), department="x1")).status_code == 400
    assert manager_client.get(link("visits.visited", ReportFilters(), month="2024-13")).status_code == 400
    assert manager_client.get(link("mu.enterprises", None, group="E")).status_code == 400


# -- one written definition per figure ------------------------------------------------------------------------------


@pytest.mark.parametrize(("page", "url", "world"), [
    ("land", "/reports/land/", "land_world"),
    ("policies", "/reports/policies/", "proposals"),
    ("visits", "/reports/visits/?start=2024-10-01&end=2024-12-31", "visit_world"),
    ("mu", "/reports/mu/?year=2024", "mu_world"),
])
def test_every_card_and_figure_column_shows_its_written_definition(page, url, world, request, manager_client):
    from reports.definitions import DEFINITIONS

    request.getfixturevalue(world)
    response = manager_client.get(url)
    texts = {str(d.text) for d in DEFINITIONS[page].values()}
    assert [k.label for k in response.context["kpis"] if k.help not in texts] == []
    tables = {"land": None, "policies": None, "visits": None, "mu": {"classes"}}[page]
    figures = [(t.key, c.label) for t in response.context["tables"] if tables is None or t.key in tables
               for c in t.columns if c.unit and c.help not in texts]
    assert figures == []


# -- the lists read their rows' columns without a query per row -------------------------------------------------------


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_list_takes_as_many_queries_for_two_rows_as_for_twenty(every_state, land_world, proposals, manager_client):
    from tests.factories import LandParcelFactory

    urls = [link("service.total", ReportFilters()), link("service.status", ReportFilters(), status="resolved"),
            link("land.parcels", ReportFilters()), link("policies.grants", ReportFilters())]
    before = [_queries(manager_client, url) for url in urls]
    sunshine, permit, zhou = every_state["sunshine"], every_state["permit"], every_state["zhou"]
    alice = enterprise_user(sunshine, username="alice3")
    for i in range(15):
        request = service_request(enterprise=sunshine, submitted_by=alice, category=permit, title=f"追加{i}",
                                  at=at("2024-12-19", 15))
        request_moved_to(request, "resolved", officer=zhou)
        LandParcelFactory(code=f"X{i}", park=land_world["xike"], area_m2=Decimal("100"))
    template = PolicyGrant.objects.filter(status="applied").first()
    PolicyGrant.objects.bulk_create([
        PolicyGrant(clause=template.clause, enterprise=template.enterprise, status="applied", applied_amount=Decimal("1"),
                    applied_on=dt.date(2024, 5, 1)) for _i in range(15)])
    assert [_queries(manager_client, url) for url in urls] == before


def test_a_list_names_the_figure_it_is_the_rows_of(department_world, manager_client):  # noqa: F811
    a, zhou = department_world["a"], department_world["zhou"]
    assert manager_client.get(link("service.callbacks", ReportFilters(), result="unsatisfied", officer=zhou.pk)
                              ).context["title"] == "回访记录（不满意 · 周敏）"
    assert manager_client.get(link("service.routing_late", ReportFilters(), department=a.pk)
                              ).context["title"] == f"逾期分办（{a.name}）"
    assert manager_client.get(link("service.status", ReportFilters(), status="in_progress")
                              ).context["title"] == "企业诉求（办理中）"
    assert manager_client.get(link("mu.enterprises", None, group="A")).context["title"].startswith("亩均评价企业（A 类")
