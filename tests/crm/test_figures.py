"""企业年度指标: staff record confirmed figures, enterprises submit theirs for confirmation, and the one reading of
the confirmed ones (source precedence 税务 > 统计 > 企业自报 per field)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from crm.errors import DomainError
from crm.figures.selectors import confirmed_figures
from crm.figures.services import figure_confirm, figure_record, figure_reject, figure_submit
from crm.models import EnterpriseFigure
from tests.factories import enterprise_user, tiny_pdf

Source, Status = EnterpriseFigure.Source, EnterpriseFigure.Status


def pdf(name="2024年财务报表.pdf"):
    return SimpleUploadedFile(name, tiny_pdf(), content_type="application/pdf")


def test_staff_record_is_confirmed_and_a_second_record_updates_the_same_row(sunshine, zhou):
    figure = figure_record(
        enterprise=sunshine, year=2024, source=Source.TAX, values={"tax": "320.5", "land_mu": 40}, actor=zhou
    )

    assert (figure.status, figure.confirmed_by, figure.tax, figure.land_mu) == (
        Status.CONFIRMED, zhou, Decimal("320.50"), Decimal("40.00"),
    )
    again = figure_record(enterprise=sunshine, year=2024, source=Source.TAX, values={"tax": 330}, actor=zhou)
    assert again.pk == figure.pk
    assert EnterpriseFigure.objects.get().tax == Decimal("330.00")
    assert EnterpriseFigure.objects.get().land_mu == Decimal("40.00")  # not given: left as it was
    assert figure.history.latest().history_user == zhou


def test_a_manager_or_an_enterprise_user_may_not_record_and_nothing_is_stored(sunshine, boss, alice):
    for actor in (boss, alice):
        with pytest.raises(DomainError) as error:
            figure_record(enterprise=sunshine, year=2024, source=Source.TAX, values={"tax": 1}, actor=actor)
        assert error.value.code == DomainError.FORBIDDEN
    assert not EnterpriseFigure.objects.exists()


def test_bad_figures_are_refused_in_chinese_and_nothing_is_stored(sunshine, qian):
    cases = [
        ({"tax": "abc"}, "税收（万元）应为数字。"),
        ({"employees": "12.5"}, "从业人员（人）应为整数。"),
        ({"land_mu": -3}, "用地面积（亩）不能为负数。"),
        ({"tax": None}, "请至少填写一项指标。"),
        ({"profit": 5}, "未知的指标：profit。"),
    ]
    for values, message in cases:
        with pytest.raises(DomainError) as error:
            figure_record(enterprise=sunshine, year=2024, source=Source.STATISTICS, values=values, actor=qian)
        assert message in str(error.value), values
    with pytest.raises(DomainError, match="年度应在 2000 至"):
        figure_record(enterprise=sunshine, year=2999, source=Source.STATISTICS, values={"tax": 1}, actor=qian)
    assert not EnterpriseFigure.objects.exists()


def test_an_enterprise_submits_with_evidence_and_staff_confirm_before_use(sunshine, alice, zhou):
    figure = figure_submit(enterprise=sunshine, year=2024, values={"revenue": 5000, "rd_expense": 400},
                           evidence=pdf(), actor=alice)

    assert (figure.source, figure.status, figure.submitted_by, figure.evidence_name) == (
        Source.SELF_REPORTED, Status.SUBMITTED, alice, "2024年财务报表.pdf",
    )
    assert confirmed_figures([sunshine.pk]) == {}  # not a fact until confirmed

    figure_confirm(figure=figure, actor=zhou)

    facts = confirmed_figures([sunshine.pk])[sunshine.pk]
    assert (facts.year, facts.revenue, facts.rd_expense, facts.tax) == (2024, Decimal("5000.00"), Decimal("400.00"), None)
    assert facts.sources["revenue"] == Source.SELF_REPORTED
    assert figure.history.latest().history_user == zhou


def test_evidence_is_required_and_checked_by_its_content(sunshine, alice):
    with pytest.raises(DomainError, match="请上传佐证材料") as error:
        figure_submit(enterprise=sunshine, year=2024, values={"revenue": 1}, evidence=None, actor=alice)
    assert error.value.field == "evidence"
    fake = SimpleUploadedFile("报表.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(DomainError, match="只接受 PDF") as error:
        figure_submit(enterprise=sunshine, year=2024, values={"revenue": 1}, evidence=fake, actor=alice)
    assert error.value.field == "evidence"
    assert not EnterpriseFigure.objects.exists()


def test_an_enterprise_user_may_not_submit_for_another_enterprise(sunshine, bob):
    with pytest.raises(DomainError) as error:
        figure_submit(enterprise=sunshine, year=2024, values={"revenue": 1}, evidence=pdf(), actor=bob)
    assert error.value.code == DomainError.FORBIDDEN
    assert not EnterpriseFigure.objects.exists()


def test_a_returned_report_carries_its_reason_and_may_be_submitted_again(sunshine, alice, zhou):
    figure = figure_submit(enterprise=sunshine, year=2024, values={"revenue": 5000, "tax": 10}, evidence=pdf(),
                           actor=alice)
    with pytest.raises(DomainError, match="退回时请填写原因"):
        figure_reject(figure=figure, reason="  ", actor=zhou)

    figure_reject(figure=figure, reason="营业收入与报表不符", actor=zhou)
    figure.refresh_from_db()
    assert (figure.status, figure.note) == (Status.REJECTED, "营业收入与报表不符")
    with pytest.raises(DomainError, match="不能确认"):
        figure_confirm(figure=figure, actor=zhou)

    again = figure_submit(enterprise=sunshine, year=2024, values={"revenue": 4800}, evidence=pdf(), actor=alice)
    assert again.pk == figure.pk
    assert (again.status, again.revenue, again.tax, again.note) == (Status.SUBMITTED, Decimal("4800.00"), None, "")


def test_a_confirmed_report_is_final_for_the_enterprise(sunshine, alice, zhou):
    figure = figure_submit(enterprise=sunshine, year=2024, values={"revenue": 5000}, evidence=pdf(), actor=alice)
    figure_confirm(figure=figure, actor=zhou)

    with pytest.raises(DomainError, match="已确认，不能再修改"):
        figure_submit(enterprise=sunshine, year=2024, values={"revenue": 9000}, evidence=pdf(), actor=alice)
    figure.refresh_from_db()
    assert figure.revenue == Decimal("5000.00")


def test_confirmed_figures_take_each_field_from_the_most_trusted_source_of_the_latest_year(
    sunshine, kecong, alice, zhou, django_assert_num_queries
):
    figure_record(enterprise=sunshine, year=2023, source=Source.TAX, values={"tax": 100}, actor=zhou)
    figure_record(enterprise=sunshine, year=2024, source=Source.STATISTICS,
                  values={"tax": 150, "revenue": 3000, "land_mu": 20}, actor=zhou)
    figure_record(enterprise=sunshine, year=2024, source=Source.TAX, values={"tax": 160}, actor=zhou)
    figure_record(enterprise=sunshine, year=2024, source=Source.SELF_REPORTED,
                  values={"revenue": 3100, "employees": 80}, actor=zhou)
    waiting = figure_submit(enterprise=kecong, year=2025, values={"revenue": 1}, evidence=pdf(),
                            actor=enterprise_user(kecong))
    figure_record(enterprise=kecong, year=2022, source=Source.STATISTICS, values={"revenue": 800}, actor=zhou)

    with django_assert_num_queries(1):  # the confirmed rows of each enterprise's latest confirmed year
        latest = confirmed_figures([sunshine.pk, kecong.pk])

    mine = latest[sunshine.pk]
    assert (mine.year, mine.tax, mine.revenue, mine.land_mu, mine.employees) == (
        2024, Decimal("160.00"), Decimal("3000.00"), Decimal("20.00"), 80,
    )
    assert (mine.sources["tax"], mine.sources["revenue"], mine.sources["employees"]) == (
        Source.TAX, Source.STATISTICS, Source.SELF_REPORTED,
    )
    assert mine.source_label("tax") == "税务"
    assert (latest[kecong.pk].year, latest[kecong.pk].revenue) == (2022, Decimal("800.00"))  # 2025 waits
    assert waiting.status == Status.SUBMITTED
    assert confirmed_figures([sunshine.pk], year=2023)[sunshine.pk].tax == Decimal("100.00")
    assert confirmed_figures([sunshine.pk], year=2021) == {}
