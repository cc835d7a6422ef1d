"""Text a person typed is written to every Excel export as text, never as a formula a manager's Excel would run.

OWASP's rule for CSV and formula injection, written once in ``crm.text.spreadsheet_value``: a text starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading apostrophe; numbers stay numbers (a negative
amount is still a number to sum; the database refuses negative amounts, so the exports are shown with positive ones). Each export is opened with openpyxl: no cell holds a formula (data type ``f``).
"""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from crm.models import Enterprise, Project, ServiceRequest
from crm.text import spreadsheet_value
from parks.models import Policy
from tests.factories import PolicyFactory, ProjectFactory, manager, officer

pytestmark = pytest.mark.django_db
HYPERLINK = '=HYPERLINK("http://evil.example/x","点击")'


def _workbook(response):
    assert response.status_code == 200, response
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(content))


def _cells(book) -> list:
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def _formulas(book) -> list:
    return [cell.value for cell in _cells(book) if cell.data_type == "f"]


def _texts(book) -> list[str]:
    return [cell.value for cell in _cells(book) if isinstance(cell.value, str)]


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        (HYPERLINK, "'" + HYPERLINK),
        ("+86 571 8888", "'+86 571 8888"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\x0b=1+1", "'=1+1"),  # a control character dropped first cannot hide a formula behind it
        ("西湖阳光 = 好", "西湖阳光 = 好"),
        ("", ""),
    ],
)
def test_text_that_a_spreadsheet_would_evaluate_is_written_with_a_leading_apostrophe(typed, written):
    assert spreadsheet_value(typed) == written


@pytest.mark.parametrize("number", [Decimal("-5.50"), -3, 0, 12000, 1.5, True, dt.date(2025, 1, 2), None])
def test_numbers_dates_and_blanks_are_written_as_they_are(number):
    assert spreadsheet_value(number) == number


@pytest.fixture
def hostile(alice_request, sunshine):
    """An overdue request titled as a formula, an enterprise, a project and a policy named as formulas."""
    ServiceRequest.objects.filter(pk=alice_request.pk).update(
        title=HYPERLINK, due_at=timezone.now() - dt.timedelta(days=3), submitted_at=timezone.now() - dt.timedelta(days=4)
    )
    Enterprise.objects.filter(pk=sunshine.pk).update(
        name="=1+1", short_name="@SUM(A1)", registered_capital=Decimal("8000.50"), headcount=20
    )
    project = ProjectFactory(enterprise=sunshine)
    Project.objects.filter(pk=project.pk).update(
        name="+cmd|' /C calc'!A0", next_step="-1+1", total_investment=Decimal("300.50"), fixed_asset_investment=Decimal("100")
    )
    policy = PolicyFactory()
    Policy.objects.filter(pk=policy.pk).update(name="=2*3", short_name="")
    return alice_request


@pytest.mark.parametrize("page", ["service", "pipeline", "land", "policies"])
def test_no_report_export_holds_a_formula(client, hostile, page):
    client.force_login(manager())

    book = _workbook(client.get(f"/reports/{page}/export.xlsx"))

    assert _formulas(book) == []
    assert not [text for text in _texts(book) if text.startswith(("=", "+", "-", "@"))]


def test_the_service_export_shows_the_title_as_text_and_keeps_figures_numeric(client, hostile):
    client.force_login(manager())

    book = _workbook(client.get("/reports/service/export.xlsx"))

    cells = {cell.value: cell for cell in _cells(book)}
    assert cells["'" + HYPERLINK].data_type == "s"
    assert "'@SUM(A1)" in cells  # the enterprise, by its short name
    overdue = book["超期未办结诉求"]
    hours = [row[-1].value for row in overdue.iter_rows(min_row=5) if row[0].value]
    assert hours and all(isinstance(value, int | float) for value in hours)


def test_the_enterprise_export_writes_the_name_as_text_and_figures_as_numbers(client, hostile):
    client.force_login(officer())

    book = _workbook(client.get(reverse("admin:crm_enterprise_export")))

    assert _formulas(book) == []
    rows = {row[0].value: row for row in book.active.iter_rows(min_row=2)}
    row = rows["'=1+1"]
    assert row[0].data_type == "s"
    headers = [cell.value for cell in next(book.active.iter_rows(max_row=1))]
    capital = row[headers.index("注册资本（万元）")]
    headcount = row[headers.index("员工人数")]
    assert (capital.data_type, capital.value) == ("n", 8000.5)
    assert (headcount.data_type, headcount.value) == ("n", 20)


def test_the_project_export_writes_names_as_text_and_amounts_as_numbers(client, hostile):
    client.force_login(officer())

    book = _workbook(client.get(reverse("admin:crm_project_export")))

    assert _formulas(book) == []
    headers = [cell.value for cell in next(book.active.iter_rows(max_row=1))]
    row = next(book.active.iter_rows(min_row=2, max_row=2))
    assert row[headers.index("项目名称")].value == "'+cmd|' /C calc'!A0"
    assert row[headers.index("投资企业")].value == "'=1+1"
    assert row[headers.index("下一步")].value == "'-1+1"
    total = row[headers.index("总投资（万元）")]
    assert (total.data_type, total.value) == ("n", 300.5)
