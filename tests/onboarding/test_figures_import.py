"""数据导入 · 企业年度指标: rows by credit code, year and source, stored confirmed; a re-import updates by that key;
bad rows listed with their numbers and nothing written; only the roles that record figures may import them."""

from decimal import Decimal

import pytest

from crm.errors import DomainError
from crm.models import EnterpriseFigure
from onboarding.engine import import_file
from onboarding.specs import spec_for
from tests.factories import EnterpriseFactory, credit_code, manager, service_officer

from .support import xlsx

pytestmark = pytest.mark.django_db

HEADERS = ["企业统一社会信用代码", "年度", "来源", "营业收入（万元）", "税收（万元）", "用地面积（亩）", "从业人员（人）"]


def test_figures_are_stored_confirmed_and_a_reimport_updates_by_enterprise_year_and_source(tmp_path):
    one, two = EnterpriseFactory(credit_code=credit_code(1)), EnterpriseFactory(credit_code=credit_code(2))
    officer = service_officer()
    rows = [
        [credit_code(1), 2024, "税务", "12,000", 560, 35, 210],
        [credit_code(1), 2024, "统计", 11800, "", 35, 205],
        [credit_code(2), "2023", "statistics", 900, 20.5, 8, ""],
    ]
    first = import_file(spec_for("figures"), xlsx(tmp_path / "f.xlsx", HEADERS, rows), actor=officer)
    rows[0][4] = 580
    again = import_file(spec_for("figures"), xlsx(tmp_path / "g.xlsx", HEADERS, rows), actor=officer)

    assert [str(p) for p in again.errors] == []
    assert (first.creates, again.creates, again.updates) == (3, 0, 3)
    tax = EnterpriseFigure.objects.get(enterprise=one, source=EnterpriseFigure.Source.TAX)
    assert (tax.year, tax.revenue, tax.tax, tax.employees, tax.status, tax.confirmed_by) == (
        2024, Decimal("12000.00"), Decimal("580.00"), 210, EnterpriseFigure.Status.CONFIRMED, officer)
    assert EnterpriseFigure.objects.get(enterprise=two).tax == Decimal("20.50")
    assert EnterpriseFigure.objects.count() == 3


def test_bad_rows_are_listed_by_number_and_nothing_is_written(tmp_path):
    EnterpriseFactory(credit_code=credit_code(1))
    path = xlsx(tmp_path / "f.xlsx", HEADERS, [
        [credit_code(1), 2024, "税务", 100, 10, 5, 3],
        [credit_code(9), 2024, "税务", 100, 10, 5, 3],
        [credit_code(1), 2999, "税务", 100, 10, 5, 3],
        [credit_code(1), 2023, "猜的", 100, 10, 5, 3],
        [credit_code(1), 2022, "统计", 100, 10, -5, 3],
        [credit_code(1), 2021, "统计", "", "", "", ""],
    ])

    report = import_file(spec_for("figures"), path, actor=service_officer())

    assert [(p.row, p.column) for p in report.errors] == [
        (3, "企业统一社会信用代码"), (4, "年度"), (5, "来源"), (6, "用地面积（亩）"), (7, None)]
    assert "请先导入企业" in report.errors[0].message
    assert "年度应在 2000 至" in report.errors[1].message
    assert report.errors[3].message == "用地面积（亩）不能为负数。"
    assert report.errors[4].message == "请至少填写一项指标。"
    assert not EnterpriseFigure.objects.exists()


def test_a_manager_may_not_import_figures(tmp_path):
    EnterpriseFactory(credit_code=credit_code(1))
    path = xlsx(tmp_path / "f.xlsx", HEADERS, [[credit_code(1), 2024, "税务", 100, 10, 5, 3]])
    with pytest.raises(DomainError):
        import_file(spec_for("figures"), path, actor=manager())
    assert not EnterpriseFigure.objects.exists()
