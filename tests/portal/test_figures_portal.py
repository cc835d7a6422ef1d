"""门户 · 年度指标: an enterprise reports a year's figures with an evidence file, follows their status, sees a
returned report's reason; another enterprise's figures never show."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.figures.services import figure_record, figure_reject, figure_submit
from crm.models import EnterpriseFigure

URL = reverse("portal:figures")


def pdf():
    return SimpleUploadedFile(
        "2024年报.pdf",
        b"%PDF-1.4\n%minimal\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
        content_type="application/pdf",
    )


def test_an_enterprise_reports_its_figures_and_sees_them_waiting(client, alice, sunshine):
    client.force_login(alice)
    response = client.post(URL, {"year": 2024, "revenue": "5000", "tax": "210.5", "land_mu": "12", "evidence": pdf()})

    assert response.status_code == 302
    figure = EnterpriseFigure.objects.get()
    assert (figure.enterprise, figure.year, figure.source, figure.status, figure.tax, figure.submitted_by) == (
        sunshine,
        2024,
        EnterpriseFigure.Source.SELF_REPORTED,
        EnterpriseFigure.Status.SUBMITTED,
        Decimal("210.50"),
        alice,
    )
    page = client.get(URL).content.decode()
    assert "2024 年度指标已提交，园区工作人员确认后生效。" in page
    assert 'data-status="submitted"' in page and "待确认" in page and "2024年报.pdf" in page


def test_without_evidence_or_with_a_fake_file_nothing_is_stored(client, alice):
    client.force_login(alice)
    missing = client.post(URL, {"year": 2024, "revenue": "5000"})
    fake = client.post(
        URL, {"year": 2024, "revenue": "5000", "evidence": SimpleUploadedFile("a.pdf", b"<script>alert(1)</script>")}
    )

    assert missing.status_code == fake.status_code == 400
    assert "只接受 PDF、JPEG、PNG、DOCX 或 XLSX 文件" in fake.content.decode()
    assert not EnterpriseFigure.objects.exists()


def test_a_returned_report_shows_its_reason(client, alice, sunshine, zhou):
    figure = figure_submit(enterprise=sunshine, year=2024, values={"revenue": 1}, evidence=pdf(), actor=alice)
    figure_reject(figure=figure, reason="请附完税证明", actor=zhou)
    client.force_login(alice)

    page = client.get(URL).content.decode()

    assert 'data-status="rejected"' in page and "退回原因：请附完税证明" in page


def test_another_enterprises_figures_never_show(client, bob, sunshine, kecong, zhou):
    figure_record(enterprise=sunshine, year=2024, source=EnterpriseFigure.Source.TAX, values={"tax": 777}, actor=zhou)
    figure_record(enterprise=kecong, year=2024, source=EnterpriseFigure.Source.TAX, values={"tax": 333}, actor=zhou)
    client.force_login(bob)

    page = client.get(URL).content.decode()

    assert "333.00" in page and "777" not in page


def test_staff_are_sent_to_the_admin(client, zhou):
    client.force_login(zhou)
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize("size", [1, 8])
def test_the_page_runs_seven_queries_at_any_size(client, alice, sunshine, zhou, size):
    """7: session, user, the user's groups (role check), the user's enterprises (the form), the unread badge, the
    site profile the header names the park by, the rows with their enterprise. Explain any change."""
    for year in range(2024 - size, 2024):
        figure_record(enterprise=sunshine, year=year, source=EnterpriseFigure.Source.TAX, values={"tax": 1}, actor=zhou)
    client.force_login(alice)
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    assert len(queries) == 7, "\n".join(q["sql"] for q in queries.captured_queries)
