"""企业年度指标 in the admin: staff entry stored confirmed, the confirm / return actions behind a confirmation page,
the enterprise page's figures and 亩均 class, the evidence download's isolation."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.figures.services import figure_record, figure_submit
from crm.models import EnterpriseFigure
from parks.models import MuMethod
from parks.mu import mu_evaluate
from tests.factories import EnterpriseFactory, enterprise_user, tiny_pdf

Source, Status = EnterpriseFigure.Source, EnterpriseFigure.Status
LIST = "admin:crm_enterprisefigure_changelist"


def pdf():
    return SimpleUploadedFile("完税证明.pdf", tiny_pdf(), content_type="application/pdf")


def submitted(enterprise, user, year=2024, **values):
    return figure_submit(
        enterprise=enterprise, year=year, values=values or {"revenue": 5000}, evidence=pdf(), actor=user
    )


def test_an_officer_adds_figures_in_the_admin_and_they_are_confirmed(client, qian, sunshine):
    client.force_login(qian)
    data = {
        "enterprise": sunshine.pk,
        "year": 2024,
        "source": Source.STATISTICS,
        "revenue": "12000",
        "tax": "560.5",
        "land_mu": "30",
        "note": "统计局年报",
        "evidence_upload": pdf(),
    }

    response = client.post(reverse("admin:crm_enterprisefigure_add"), data)

    assert response.status_code == 302, response.content.decode()[:3000]
    figure = EnterpriseFigure.objects.get()
    assert (figure.status, figure.confirmed_by, figure.submitted_by, figure.tax, figure.evidence_name) == (
        Status.CONFIRMED,
        qian,
        qian,
        Decimal("560.50"),
        "完税证明.pdf",
    )
    assert figure.history.latest().history_user == qian


def test_a_bad_evidence_file_is_refused_beside_its_field_and_nothing_is_stored(client, zhou, sunshine):
    client.force_login(zhou)
    fake = SimpleUploadedFile("报表.pdf", b"#!/bin/sh\nrm -rf /\n", content_type="application/pdf")
    response = client.post(
        reverse("admin:crm_enterprisefigure_add"),
        {"enterprise": sunshine.pk, "year": 2024, "source": Source.TAX, "tax": "1", "evidence_upload": fake},
    )

    assert response.status_code == 200
    assert "只接受 PDF、JPEG、PNG、DOCX 或 XLSX 文件" in response.content.decode()
    assert not EnterpriseFigure.objects.exists()


def test_a_manager_reads_the_list_but_may_not_add(client, boss, sunshine, zhou):
    figure_record(enterprise=sunshine, year=2024, source=Source.TAX, values={"tax": 1}, actor=zhou)
    client.force_login(boss)
    assert client.get(reverse(LIST)).status_code == 200
    assert client.get(reverse("admin:crm_enterprisefigure_add")).status_code == 403


def test_confirming_asks_first_then_confirms(client, zhou, sunshine, alice):
    figure = submitted(sunshine, alice)
    client.force_login(zhou)
    ask = {"action": "confirm_selected", "_selected_action": [figure.pk]}

    page = client.post(reverse(LIST), ask)

    assert page.status_code == 200 and "确认企业自报指标" in page.content.decode()
    figure.refresh_from_db()
    assert figure.status == Status.SUBMITTED  # nothing happens before the confirmation

    client.post(reverse(LIST), {**ask, "apply": "1"})
    figure.refresh_from_db()
    assert (figure.status, figure.confirmed_by) == (Status.CONFIRMED, zhou)


def test_returning_needs_a_reason_which_the_enterprise_sees(client, zhou, sunshine, alice):
    figure = submitted(sunshine, alice)
    client.force_login(zhou)
    ask = {"action": "reject_selected", "_selected_action": [figure.pk], "apply": "1"}

    page = client.post(reverse(LIST), {**ask, "reason": ""})
    assert page.status_code == 200 and "退回企业自报指标" in page.content.decode()
    figure.refresh_from_db()
    assert figure.status == Status.SUBMITTED

    client.post(reverse(LIST), {**ask, "reason": "缺少完税证明盖章页"})
    figure.refresh_from_db()
    assert (figure.status, figure.note) == (Status.REJECTED, "缺少完税证明盖章页")


def test_the_list_runs_the_same_queries_at_any_size(client, zhou):
    def queries():
        client.get(reverse(LIST), {"year": 2024})
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(LIST), {"year": 2024}).status_code == 200
        return len(captured)

    client.force_login(zhou)
    firm = EnterpriseFactory()
    submitted(firm, enterprise_user(firm))
    few = queries()
    for firm in EnterpriseFactory.create_batch(12):
        submitted(firm, enterprise_user(firm))
        figure_record(enterprise=firm, year=2024, source=Source.TAX, values={"tax": 3}, actor=zhou)
    # 11: session, user, the user's groups and permissions (role table), the year filter's choices, the filtered and
    # the total count, the page of rows with their enterprise and users (select_related), the header's unread
    # badge, the site profile. Never one per row; explain any change.
    assert queries() == few == 11


def test_the_enterprise_page_shows_the_class_beside_the_figures(client, zhou, sunshine):
    figure_record(
        enterprise=sunshine,
        year=2024,
        source=Source.TAX,
        values={"land_mu": 20, "tax": 300, "value_added": 1000, "energy_tce": 500, "revenue": 5000, "rd_expense": 250},
        actor=zhou,
    )
    client.force_login(zhou)

    page = client.get(reverse("admin:crm_enterprise_change", args=[sunshine.pk])).content.decode()

    # Alone in the park it is its own average: each indicator scores its weight, 100 in all → B.
    assert 'data-mu-class="B"' in page
    assert "B 类（鼓励提升类）" in page and "100.00" in page
    assert "2024 年度" in page and "税务" in page
    assert "data-figures-panel" in page  # every year's rows, read-only, each linking to its own page
    assert reverse("admin:crm_enterprisefigure_change", args=[EnterpriseFigure.objects.get().pk]) in page


def test_the_evidence_is_downloaded_by_staff_and_its_own_enterprise_only(client, zhou, qian, sunshine, alice, bob):
    figure = submitted(sunshine, alice)
    url = reverse("figure-evidence", args=[figure.pk])
    for user, status in ((zhou, 200), (qian, 200), (alice, 200), (bob, 404)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_only_a_superuser_edits_the_mu_method_and_its_weights_change_the_class(client, root, zhou, boss, sunshine):
    method = MuMethod.objects.get(is_active=True)
    url = reverse("admin:parks_mumethod_change", args=[method.pk])
    for user in (zhou, boss):
        client.force_login(user)
        assert client.get(url).status_code == 200  # staff read the method
        assert client.post(url, {"name": "改"}).status_code == 403
    method.refresh_from_db()
    assert method.name == "亩均效益综合评价（浙江办法，默认）"

    figure_record(
        enterprise=sunshine,
        year=2024,
        source=Source.TAX,
        values={"land_mu": 20, "tax": 300, "value_added": 1000, "energy_tce": 500, "revenue": 5000, "rd_expense": 250},
        actor=zhou,
    )
    assert mu_evaluate([sunshine.pk], 2024)[sunshine.pk].klass == "B"  # alone: its own average, 100 points
    client.force_login(root)
    form = {
        name: getattr(method, name) if getattr(method, name) is not None else ""
        for name in (
            "name",
            "source_note",
            "weight_tax_per_mu",
            "weight_value_added_per_mu",
            "weight_value_added_per_energy",
            "weight_rd_ratio",
            "cap_ratio",
            "benchmark_tax_per_mu",
            "benchmark_value_added_per_mu",
            "benchmark_value_added_per_energy",
            "benchmark_rd_ratio",
            "class_by",
            "threshold_a",
            "threshold_b",
            "threshold_c",
            "share_a",
            "share_b",
            "share_c",
            "min_land_mu",
        )
    }
    response = client.post(url, {**form, "is_active": "on", "benchmark_tax_per_mu": "5"})

    assert response.status_code == 302, response.content.decode()[:2000]
    # 亩均税收 15 against a benchmark of 5: 3 × 50 capped at 2 × 50 = 100, plus 20 + 15 + 15 → 150 → A
    assert mu_evaluate([sunshine.pk], 2024)[sunshine.pk].klass == "A"
    assert MuMethod.history.filter(id=method.pk).latest().history_user == root
