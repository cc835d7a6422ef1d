"""The 亩均论英雄 report: in-park enterprises by class with the figures that decided it, filters year/class, the
enterprises below the minimum land and those without a class listed apart, the Excel export with the same tables.

The world (2024, the seeded method, fixed benchmarks 10 万元/亩, 40 万元/亩, 2.5 万元/吨标煤, 4 %):
- 甲: land 20, tax 300, value added 1000, energy 500, revenue 5000, R&D 250 → 75 + 25 + 12 + 18.75 = 130.75 → A
- 乙: land 10, tax 100, value added 400, energy 160, revenue 1000, R&D 40 → 50 + 20 + 15 + 15 = 100 → B
- 丙: land 100, tax 100, value added 400, energy 1000, revenue 10000, R&D 50 → 5 + 2 + 2.4 + 1.875 = 11.28 → D
- 丁: land 3 (below 5 亩): listed apart; 戊: no energy figure: no class; 己: a prospect, not in the report.
"""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.figures.services import figure_record
from crm.models import Enterprise, EnterpriseFigure
from parks.models import MuMethod
from tests.factories import EnterpriseFactory
from tests.reports.support import page_kpis, page_tables, sheet_table, workbook

pytestmark = pytest.mark.django_db

PAGE, EXPORT = "/reports/mu/", "/reports/mu/export.xlsx"


@pytest.fixture
def mu_world(zhou):
    MuMethod.objects.filter(is_active=True).update(
        benchmark_tax_per_mu=10,
        benchmark_value_added_per_mu=40,
        benchmark_value_added_per_energy=Decimal("2.5"),
        benchmark_rd_ratio=4,
    )
    rows = {
        "甲": {"land_mu": 20, "tax": 300, "value_added": 1000, "energy_tce": 500, "revenue": 5000, "rd_expense": 250},
        "乙": {"land_mu": 10, "tax": 100, "value_added": 400, "energy_tce": 160, "revenue": 1000, "rd_expense": 40},
        "丙": {"land_mu": 100, "tax": 100, "value_added": 400, "energy_tce": 1000, "revenue": 10000, "rd_expense": 50},
        "丁": {"land_mu": 3, "tax": 90, "value_added": 300, "energy_tce": 50, "revenue": 900, "rd_expense": 90},
        "戊": {"land_mu": 30, "tax": 90, "value_added": 300, "revenue": 900, "rd_expense": 90},
    }
    for name, values in rows.items():
        firm = EnterpriseFactory(name=f"{name}公司")
        figure_record(enterprise=firm, year=2024, source=EnterpriseFigure.Source.TAX, values=values, actor=zhou)
    prospect = EnterpriseFactory(name="己公司", status=Enterprise.Status.PROSPECT)
    figure_record(enterprise=prospect, year=2024, source=EnterpriseFigure.Source.TAX, values=rows["甲"], actor=zhou)


def test_enterprises_by_class_with_the_figures_that_decided_it(mu_world, manager_client):
    response = manager_client.get(PAGE, {"year": 2024})
    tables = page_tables(response)

    assert [row[:7] for row in tables["enterprises"]["rows"]] == [
        ["甲公司", "A", "130.75", "15.00", "50.00", "2.00", "5.00"],
        ["乙公司", "B", "100.00", "10.00", "40.00", "2.50", "4.00"],
        ["丙公司", "D", "11.28", "1.00", "4.00", "0.40", "0.50"],
    ]
    assert tables["enterprises"]["rows"][0][7:] == ["300.00", "1,000.00", "500.00", "5,000.00", "250.00", "20.00"]
    assert tables["classes"]["rows"] == [
        ["A 类（优先发展类）", "1", "33.33", "300.00", "20.00", "15.00"],
        ["B 类（鼓励提升类）", "1", "33.33", "100.00", "10.00", "10.00"],
        ["C 类（整治提升类）", "0", "0.00", "0.00", "0.00", "—"],
        ["D 类（倒逼转型类）", "1", "33.33", "100.00", "100.00", "1.00"],
    ]
    assert [row[0] for row in tables["below_min_land"]["rows"]] == ["丁公司"]
    assert tables["below_min_land"]["rows"][0][1] == "30.00"  # 亩均税收 90/3 is shown, not scored
    assert tables["unclassed"]["rows"] == [["戊公司", "缺少综合能耗，无法评价。"]]
    kpis = page_kpis(response)
    assert (kpis["参评企业"], kpis["A 类（优先发展类）"], kpis["用地不足、单独列出"]) == ("3 家", "1 家", "1 家")


def test_the_class_filter_narrows_the_list_and_keeps_the_ones_listed_apart(mu_world, manager_client):
    tables = page_tables(manager_client.get(PAGE, {"year": 2024, "klass": "D"}))
    assert [row[0] for row in tables["enterprises"]["rows"]] == ["丙公司"]
    assert [row[0] for row in tables["below_min_land"]["rows"]] == ["丁公司"]
    refused = manager_client.get(PAGE, {"year": 2024, "klass": "Z"})
    assert "没有这个等级" in refused.content.decode() and "tables" not in refused.context


def test_a_year_without_figures_lists_every_enterprise_as_unclassed(mu_world, manager_client):
    tables = page_tables(manager_client.get(PAGE, {"year": 2023}))
    assert tables["enterprises"]["rows"] == []
    assert {row[1] for row in tables["unclassed"]["rows"]} == {"2023 年度没有已确认的年度指标。"}


def test_the_export_has_the_page_tables(mu_world, manager_client):
    sheets = workbook(manager_client.get(EXPORT, {"year": 2024}))

    assert list(sheets) == ["分类汇总", "企业亩均评价", "用地不足最小参评面积的企业（单独列出）", "未评价的企业"]
    table = sheet_table(sheets, "企业亩均评价")
    assert "年度：2024" in table["title"]
    assert table["rows"][0][:3] == ["甲公司", "A", 130.75]


def test_only_managers_read_it(mu_world, client, zhou):
    client.force_login(zhou)
    assert client.get(PAGE).status_code == 403


@pytest.mark.parametrize("extra", [0, 10])
def test_the_page_runs_the_same_queries_at_any_size(mu_world, manager_client, zhou, extra):
    for _ in range(extra):
        firm = EnterpriseFactory()
        figure_record(
            enterprise=firm,
            year=2024,
            source=EnterpriseFigure.Source.TAX,
            values={
                "land_mu": 20,
                "tax": 300,
                "value_added": 1000,
                "energy_tce": 500,
                "revenue": 5000,
                "rd_expense": 250,
            },
            actor=zhou,
        )
    manager_client.get(PAGE, {"year": 2024})
    with CaptureQueriesContext(connection) as queries:
        assert manager_client.get(PAGE, {"year": 2024}).status_code == 200
    # session, user, groups (the role check), the park filter's choices, the in-park enterprises, the active
    # method, every enterprise's confirmed figures of the year, the header's site profile. Explain any change.
    assert len(queries) == 8, "\n".join(q["sql"] for q in queries.captured_queries)
