"""The capital page (实际到资) and the provincial monthly return, on a hand-built world at 2024-12-20.

Arrivals (万元 at the day's 中间价):
  2024  A 03-15 内资 CNY 20,000,000 元 = 2,000.00 · A 10-08 外资 USD 1,000,000 × 7.0709 = 707.09 ·
        B 10-20 省外 CNY 5,000,000 = 500.00 · B 10-31 外资 EUR 200,000 × 7.7 = 154.00 · C 11-02 内资 = 3,000.00
  2023  A 05-10 内资 1,000.00 · B 10-15 外资 USD 500,000 × 7.1 = 355.00
A is in 西科园 (robotics), B — named "=1+1", its investor "@SUM(1)" — in 信创园 (ai), C in no park (xinchuang).
"""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from crm.models import CapitalArrival, ExchangeRate
from tests.factories import EnterpriseFactory, ParkFactory, ProjectFactory, officer
from tests.reports.support import page_kpis, page_tables

pytestmark = pytest.mark.django_db
CHAINS = ["信创与商用密码", "智能机器人", "人工智能"]


def _arrival(project, day, source, currency, original, rate, amount, **kwargs):
    return CapitalArrival.objects.create(
        project=project, arrived_on=dt.date.fromisoformat(day), source=source, currency=currency,
        original_amount=Decimal(original), rate=Decimal(rate), amount=Decimal(amount), **kwargs,
    )


@pytest.fixture
def capital_world(db):
    return build_capital_world()


def build_capital_world() -> dict:
    wang = officer(username="wang", display_name="王志远")
    xike = ParkFactory(name="西湖科技园", short_name="西科园")
    xinchuang = ParkFactory(name="省信创和商密产业园", short_name="信创园")
    a = ProjectFactory(name="A 光电模组", owner=wang, park=xike, industry_chain="robotics",
                       enterprise=EnterpriseFactory(name="杭州羲和光电有限公司"))
    b = ProjectFactory(name="=1+1", owner=wang, park=xinchuang, industry_chain="ai",
                       enterprise=EnterpriseFactory(name="@SUM(1)"))
    c = ProjectFactory(name="C 信创整机", owner=wang, industry_chain="xinchuang")
    ExchangeRate.objects.create(day=dt.date(2024, 10, 8), currency="USD", rate=Decimal("7.0709"))
    ExchangeRate.objects.create(day=dt.date(2023, 10, 15), currency="USD", rate=Decimal("7.1"))
    _arrival(a, "2024-03-15", "in_province", "CNY", "20000000", "1", "2000.00")
    _arrival(a, "2024-10-08", "foreign", "USD", "1000000", "7.0709", "707.09", evidence_kind="bank_slip",
             evidence="capital/1/x", evidence_name="进账单.pdf")
    _arrival(b, "2024-10-20", "out_of_province", "CNY", "5000000", "1", "500.00")
    _arrival(b, "2024-10-31", "foreign", "EUR", "200000", "7.7", "154.00", evidence_kind="capital_verification",
             evidence="capital/2/y", evidence_name="验资报告.pdf")
    _arrival(c, "2024-11-02", "in_province", "CNY", "30000000", "1", "3000.00")
    _arrival(a, "2023-05-10", "in_province", "CNY", "10000000", "1", "1000.00")
    _arrival(b, "2023-10-15", "foreign", "USD", "500000", "7.1", "355.00")
    return {"xike": xike, "xinchuang": xinchuang, "wang": wang}


def test_the_split_by_source_adds_up_to_the_total_with_the_year_before_beside_it(capital_world, manager_client):
    response = manager_client.get("/reports/capital/")

    assert page_kpis(response) == {
        "实际到资": "6,361.09 万元", "到资笔数": "5 笔",
        "内资（省内）": "5,000.00 万元", "省外资金": "500.00 万元", "外资": "861.09 万元",
    }
    kpis = {kpi.label: kpi for kpi in response.context["kpis"]}
    # A bare address is 本年 (2024-01-01 to 12-20); 上年同期 is 2023-01-01 to 12-20, paired by the cards' keys.
    assert (kpis["实际到资"].previous, kpis["实际到资"].note) == ("1,355.00 万元", "5 笔")
    assert kpis["到资笔数"].previous == "2 笔"
    assert (kpis["外资"].previous, kpis["外资"].note) == ("355.00 万元", "占 13.54%，2 笔")
    assert all(kpi.help for kpi in kpis.values())
    tables = page_tables(response)
    assert tables["by_source"]["rows"] == [
        ["内资（省内）", "2", "5,000.00", "78.60"],
        ["省外资金", "1", "500.00", "7.86"],
        ["外资", "2", "861.09", "13.54"],
    ]
    assert tables["by_source"]["total"] == ["合计", "5", "6,361.09", "—"]
    assert len(tables["by_month"]["rows"]) == 12
    assert tables["by_month"]["rows"][2] == ["2024-03", "1", "2,000.00", "2,000.00", "0.00", "0.00"]
    assert tables["by_month"]["rows"][9] == ["2024-10", "3", "1,361.09", "0.00", "500.00", "861.09"]
    assert tables["by_park"]["rows"] == [["未定园区", "1", "3,000.00"], ["西科园", "2", "2,707.09"], ["信创园", "2", "654.00"]]
    assert [row[0] for row in tables["by_chain"]["rows"]] == CHAINS
    assert [row[2] for row in tables["by_chain"]["rows"]] == ["3,000.00", "2,707.09", "654.00"]


def test_a_park_filter_keeps_only_its_projects_arrivals(capital_world, manager_client):
    response = manager_client.get(f"/reports/capital/?park={capital_world['xinchuang'].pk}")

    assert page_tables(response)["by_source"]["rows"] == [
        ["内资（省内）", "0", "0.00", "0.00"], ["省外资金", "1", "500.00", "76.45"], ["外资", "1", "154.00", "23.55"],
    ]


def test_every_count_and_sum_opens_rows_that_give_the_same_figure(capital_world, manager_client):
    response = manager_client.get("/reports/capital/")
    checked = 0
    for kpi in response.context["kpis"]:
        drill = manager_client.get(kpi.href)
        figure = Decimal(kpi.value.replace(",", ""))
        assert (drill.context["count"] if kpi.unit == "笔" else drill.context["total"]) == figure, kpi.label
        checked += 1
    for table in response.context["tables"]:
        for row in [*table.rows, *([table.total] if table.total else [])]:
            for cell in row:
                if not hasattr(cell, "href"):
                    continue
                drill = manager_client.get(cell.href)
                assert drill.status_code == 200
                if "capital.count" in cell.href:
                    assert drill.context["count"] == cell.value, cell.href
                else:
                    assert drill.context["total"] == cell.value, cell.href
                checked += 1
    assert checked > 60


def test_the_amount_drill_down_lists_each_arrival_with_its_currency_and_rate(capital_world, manager_client):
    response = manager_client.get("/reports/rows/capital.amount/?source=foreign")

    assert (response.context["count"], response.context["total"]) == (2, Decimal("861.09"))
    assert response.context["columns"] == ["项目名称", "投资方", "资金来源", "到资日期", "币种", "原币金额（元）",
                                           "汇率中间价", "折人民币（万元）", "凭证"]
    assert [[text for text, _n, _h in row] for row in response.context["rows"]] == [
        ["=1+1", "@SUM(1)", "外资", "2024-10-31", "欧元", "200,000.00", "7.7", "154.00", "验资报告"],
        ["A 光电模组", "杭州羲和光电有限公司", "外资", "2024-10-08", "美元", "1,000,000.00", "7.0709", "707.09", "银行进账单"],
    ]


def _return(client, month="2024-10"):
    response = client.get(f"/reports/capital/monthly-return.xlsx?month={month}")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_the_monthly_return_has_this_month_the_year_to_date_the_year_before_and_the_growth(capital_world, manager_client):
    from crm.models import SiteProfile

    SiteProfile.objects.update_or_create(pk=1, defaults={"name": "紫金港科技城", "organization": "紫金港科技城管委会"})
    rows = _return(manager_client)

    assert rows[0][0] == "招商引资实际到位资金统计月报"
    assert (rows[1][0], rows[1][3], rows[1][6]) == ("填报单位：紫金港科技城管委会", "所属月份：2024 年 10 月", "单位：万元、万美元")
    assert rows[3][:6] == ["指标名称", "计量单位", "本月", "1-10 月累计", "上年同期累计", "同比增长（%）"]
    figures = [[row[0], *[None if v is None else v for v in row[2:6]]] for row in rows[4:9]]
    assert figures == [
        ["实际到位资金合计", 1361.09, 3361.09, 1355, 148.05],
        ["其中：内资（省内资金）", 0, 2000, 1000, 100],
        ["其中：省外资金", 500, 500, 0, "—"],
        ["其中：外资（实际使用外资）", 861.09, 861.09, 355, 142.56],
        ["实际使用外资（万美元）", 121.78, 121.78, 50, 143.56],
    ]
    items_at = next(i for i, row in enumerate(rows) if row[0] == "本月到资明细") + 2
    assert [row[:9] for row in rows[items_at:items_at + 3]] == [
        [1, "A 光电模组", "杭州羲和光电有限公司", "外资", "USD", 1000000, 707.09, dt.datetime(2024, 10, 8), "银行进账单"],
        [2, "'=1+1", "'@SUM(1)", "省外资金", "CNY", 5000000, 500, dt.datetime(2024, 10, 20), "未上传"],
        [3, "'=1+1", "'@SUM(1)", "外资", "EUR", 200000, 154, dt.datetime(2024, 10, 31), "验资报告"],
    ]
    assert rows[items_at + 3][0] is None  # the month's three arrivals, no more


def test_the_capital_page_links_the_monthly_return_of_its_last_month(capital_world, manager_client):
    response = manager_client.get("/reports/capital/?start=2024-01-01&end=2024-10-31")

    assert response.context["page_links"] == [("2024-10 月报（Excel）", "/reports/capital/monthly-return.xlsx?month=2024-10")]
    assert 'href="/reports/capital/monthly-return.xlsx?month=2024-10"' in response.content.decode()


@pytest.mark.parametrize("month", ["", "2024-13", "2024-1", "2025-01", "1999-12", "2024-10%00"])
def test_a_missing_malformed_or_future_month_is_a_400(capital_world, manager_client, month):
    assert manager_client.get(f"/reports/capital/monthly-return.xlsx?month={month}").status_code == 400


def test_the_page_the_return_and_the_api_are_for_managers_only(capital_world, client):
    client.force_login(capital_world["wang"])

    assert client.get("/reports/capital/").status_code == 403
    assert client.get("/reports/capital/monthly-return.xlsx?month=2024-10").status_code == 403
    assert client.get("/reports/rows/capital.amount/").status_code == 403
    client.logout()
    assert client.get("/reports/capital/monthly-return.xlsx?month=2024-10").status_code == 302


def test_the_api_answers_what_the_page_shows(capital_world, manager_api):
    body = manager_api.get("/api/v1/reports/capital/").json()

    assert body["totals"] == {"count": 5, "amount": "6361.09"}
    assert [(s["source"], s["count"], s["amount"], s["share"]) for s in body["by_source"]] == [
        ("in_province", 2, "5000.00", "78.60"), ("out_of_province", 1, "500.00", "7.86"), ("foreign", 2, "861.09", "13.54"),
    ]
    assert (body["filters"]["period"], body["start"], body["end"]) == ("this_year", "2024-01-01", "2024-12-20")
    assert (body["previous"]["start"], body["previous"]["end"]) == ("2023-01-01", "2023-12-20")
    assert body["previous"]["totals"] == {"count": 2, "amount": "1355.00"}
    assert "previous" not in body["previous"]


def test_all_time_sums_every_arrival_with_no_year_before_beside_it(capital_world, manager_client, manager_api):
    body = manager_api.get("/api/v1/reports/capital/?period=all").json()
    response = manager_client.get("/reports/capital/?period=all")

    assert (body["totals"], body["start"], body["previous"]) == ({"count": 7, "amount": "7716.09"}, "2000-01-01", None)
    assert page_kpis(response)["实际到资"] == "7,716.09 万元"
    assert not any(kpi.previous for kpi in response.context["kpis"])
    assert response.context["form"]["period"].value() == "all"
    count = next(kpi for kpi in response.context["kpis"] if kpi.key == "count")
    assert manager_client.get(count.href).context["page_obj"].paginator.count == 7  # its list is all time too


def test_the_excel_export_of_the_page_writes_its_tables(capital_world, manager_client):
    response = manager_client.get("/reports/capital/export.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))

    assert book.sheetnames == ["按资金来源", "按月份", "按园区", "按产业链"]
    rows = [list(r) for r in book["按资金来源"].iter_rows(values_only=True)]
    assert rows[4:8] == [["内资（省内）", 2, 5000, 78.6], ["省外资金", 1, 500, 7.86], ["外资", 2, 861.09, 13.54],
                         ["合计", 5, 6361.09, None]]
