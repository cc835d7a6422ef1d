"""The policy report (政策兑现): money applied for, approved and disbursed per policy and clause.

紫金十条 第1条: G1 applied 100 / approved 80.50 / disbursed 80.50 (西科园), G2 applied 200 / approved 150.25
(信创园); 第2条: G3 applied 50, G4 rejected (applied 30 in 2023). 人才新政 第1条: G5 applied 60 in 2023,
approved 60 in 2023, disbursed 40 in January 2024.
"""

from functools import partial

import pytest

from tests.reports.support import page_kpis, page_tables, read_three_ways, sheet_table

pytestmark = pytest.mark.django_db

PAGE = "/reports/policies/"
EXPORT = "/reports/policies/export.xlsx"
API = "/api/v1/reports/policies/"


@pytest.fixture
def three_ways(policy_world, manager_client, manager_api):
    """The report for a query string, read from the page, the Excel export and the API."""
    return partial(read_three_ways, manager_client, manager_api, page=PAGE, export=EXPORT, api=API)


def _clauses(api):
    return [
        (c["policy"], c["number"], c["grants"], c["applied_total"], c["approved_total"], c["disbursed_total"],
         c["disbursement_rate"])
        for c in api["clauses"]
    ]


def test_money_is_summed_per_clause_and_per_policy(three_ways):
    page, sheets, api = three_ways()

    assert _clauses(api) == [
        ("紫金十条", 1, 2, "300.00", "230.75", "80.50", "34.89"),
        ("紫金十条", 2, 2, "80.00", "0.00", "0.00", None),
        ("人才新政", 1, 1, "60.00", "60.00", "40.00", "66.67"),
    ]
    assert [(p["policy"], p["clauses"], p["grants"], p["approved_count"], p["approved_total"], p["disbursed_count"],
             p["disbursed_total"], p["disbursement_rate"]) for p in api["policies"]] == [
        ("紫金十条", 2, 4, 2, "230.75", 1, "80.50", "34.89"),
        ("人才新政", 1, 1, 1, "60.00", 1, "40.00", "66.67"),
    ]
    assert api["totals"] == {
        "grants": 5, "applied_total": "440.00", "approved_count": 3, "approved_total": "290.75", "disbursed_count": 2,
        "disbursed_total": "120.50", "disbursement_rate": "41.44",
        # 免申即享 and 双兑现 (none in this world): tests/parks/test_no_application.py, test_instalments.py
        "proposed_count": 0, "proposed_total": "0.00", "dismissed_count": 0, "held_total": "0.00",
        "released_total": "0.00", "clawback_total": "0.00",
    }
    tables = page_tables(page)
    assert tables["policies"]["headers"] == [
        "政策", "条款（条）", "申请（笔）", "申请金额（万元）", "核准（笔）", "核准金额（万元）", "拨付（笔）", "拨付金额（万元）",
        "拨付率（%）", "免申待确认（笔）", "待确认金额（万元）", "不予推送（笔）", "暂缓拨付（万元）", "可拨付（万元）",
        "应追回（万元）",
    ]
    none = ["0", "0.00", "0", "0.00", "0.00", "0.00"]
    assert tables["policies"]["total"] == ["合计", "3", "5", "440.00", "3", "290.75", "2", "120.50", "41.44", *none]
    assert tables["clauses"]["rows"][0] == [
        "紫金十条", "第1条 研发补助", "2", "300.00", "2", "230.75", "1", "80.50", "34.89", *none,
    ]
    assert page_kpis(page)["拨付金额"] == "120.50 万元"
    assert sheet_table(sheets, "政策兑现（按条款）")["rows"][1] == [
        "紫金十条", "第2条 房租补贴", 2, 80, 0, 0, 0, 0, None, 0, 0, 0, 0, 0, 0,
    ]


def test_each_amount_counts_in_the_range_by_its_own_date(three_ways):
    """2024: applied G1, G2, G3; approved G1, G2; disbursed G1 and G5 (approved in 2023)."""
    _page, _sheets, api = three_ways("start=2024-01-01&end=2024-12-31")

    assert _clauses(api) == [
        ("紫金十条", 1, 2, "300.00", "230.75", "80.50", "34.89"),
        ("紫金十条", 2, 1, "50.00", "0.00", "0.00", None),
        ("人才新政", 1, 0, "0.00", "0.00", "40.00", None),
    ]


def test_a_park_filter_counts_the_grants_of_that_parks_enterprises(three_ways, policy_world):
    _page, sheets, api = three_ways(f"park={policy_world['xinchuang'].pk}")

    assert _clauses(api) == [
        ("紫金十条", 1, 1, "200.00", "150.25", "0.00", "0.00"),
        ("紫金十条", 2, 1, "30.00", "0.00", "0.00", None),
        ("人才新政", 1, 0, "0.00", "0.00", "0.00", None),
    ]
    assert "园区：信创园" in sheet_table(sheets, "政策兑现（按政策）")["title"]


def test_a_filter_that_matches_nothing_still_lists_every_clause_with_zeros(three_ways):
    _page, _sheets, api = three_ways("chain=ai")

    assert [c["grants"] for c in api["clauses"]] == [0, 0, 0]
    assert api["totals"]["approved_total"] == "0.00"
    assert api["totals"]["disbursement_rate"] is None
