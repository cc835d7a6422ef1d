"""Read a report three ways — the page's tables, the Excel workbook, the API's JSON — so tests compare them to literals."""

import io

import openpyxl
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def api_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def page_tables(response) -> dict[str, dict]:
    """The tables of a report page as it shows them: {key: {"title", "headers", "rows", "total"}} of display texts."""
    assert response.status_code == 200, response.content[:500]
    return {
        table.key: {
            "title": table.title,
            "headers": [c.header for c in table.columns],
            "rows": [[text for text, _numeric in row] for row in table.display_rows],
            "total": [text for text, _numeric in table.display_total] if table.total else None,
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
