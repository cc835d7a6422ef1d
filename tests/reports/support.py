"""Read a report three ways — the page's tables, the Excel workbook, the API's JSON — so tests compare them to literals.

``read_three_ways`` is the one reading every report test uses; each report's test module binds it to its world and
its three addresses in a ``three_ways`` fixture.
"""

import io

import openpyxl
from rest_framework.test import APIClient

from crm.api_tokens import api_token_issue


def api_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        _token, key = api_token_issue(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def page_tables(response) -> dict[str, dict]:
    """The tables of a report page as it shows them: {key: {"title", "headers", "rows", "total"}} of display texts."""
    assert response.status_code == 200, response.content[:500]
    return {
        table.key: {
            "title": table.title,
            "headers": [c.header for c in table.columns],
            "rows": [[text for text, _numeric, _href in row] for row in table.display_rows],
            "total": [text for text, _numeric, _href in table.display_total] if table.total else None,
        }
        for table in response.context["tables"]
    }


def page_kpis(response) -> dict[str, str]:
    return {kpi.label: f"{kpi.value} {kpi.unit}".strip() for kpi in response.context["kpis"]}


def workbook(response) -> dict[str, list[list]]:
    """Every sheet of an exported workbook as rows of cell values (what Excel would show before formatting)."""
    assert response.status_code == 200, response
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return {sheet.title: [list(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def sheet_table(sheets: dict, title: str) -> dict:
    """One sheet laid out like a page table: its title row, note row, headers and data rows (the total row last)."""
    rows = sheets[title]
    return {"title": rows[0][0], "note": rows[1][0], "headers": rows[3], "rows": rows[4:]}


def read_three_ways(client, api_client, query: str = "", *, page: str, export: str, api: str):
    """A report for ``query`` read from the page, the Excel export and the API: (page response, sheets, API JSON).

    All three must answer 200, and the page and the workbook must agree on their shape: one sheet per page table,
    named by its title, with the same headers, the same row labels in the same order and the total row last.
    The figures themselves are compared to literals by each test. A query naming no period nor dates reads
    ``period=all`` (全部时间): the worlds' literals are over all their rows; the default period (本年, or the latest
    year with data) has its own tests in test_periods.py.
    """
    if not any(part.split("=")[0] in ("period", "start", "end") for part in query.split("&") if part):
        query = f"period=all&{query}" if query else "period=all"
    page_response = client.get(f"{page}?{query}")
    tables = page_tables(page_response)
    sheets = workbook(client.get(f"{export}?{query}"))
    api_response = api_client.get(f"{api}?{query}")
    assert api_response.status_code == 200, api_response.content

    assert list(sheets) == [table["title"] for table in tables.values()]
    for table in tables.values():
        sheet = sheet_table(sheets, table["title"])
        page_rows = table["rows"] + ([table["total"]] if table["total"] else [])
        assert sheet["headers"] == table["headers"], table["title"]
        assert [str(row[0]) for row in sheet["rows"]] == [row[0] for row in page_rows], table["title"]
    return page_response, sheets, api_response.json()
