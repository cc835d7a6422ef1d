"""The pipeline report (招商项目报表): every figure of the ten-project world, on the page, in Excel and over the API.

The world (tests/reports/conftest.py, ``pipeline_world``) at 2024-12-20 10:00, by current stage:
线索 P1 3,000; 深度洽谈 P2 8,000, P3 12,000, P4 5,000; 签约 P8 10,000; 注册落地 P5 150,000, P9 6,000;
开工 P10 50,000; 投产 P6 20,000; 终止 P7 9,000 (万元). All expected figures below are worked out by hand.
"""

from functools import partial

import pytest

from tests.reports.support import page_kpis, page_tables, read_three_ways, sheet_table

pytestmark = pytest.mark.django_db

PAGE = "/reports/"
EXPORT = "/reports/pipeline/export.xlsx"
API = "/api/v1/reports/pipeline/"


@pytest.fixture
def three_ways(pipeline_world, manager_client, manager_api):
    """The report for a query string, read from the page, the Excel export and the API."""
    return partial(read_three_ways, manager_client, manager_api, page=PAGE, export=EXPORT, api=API)


def test_projects_are_counted_by_their_current_stage_with_their_investment_in_wan_yuan(three_ways):
    page, sheets, api = three_ways()

    assert [(s["stage"], s["count"], s["investment_total"]) for s in api["stages"]] == [
        ("lead", 1, "3000.00"),
        ("contacted", 0, "0.00"),
        ("negotiating", 3, "25000.00"),
        ("signed", 1, "10000.00"),
        ("registered", 2, "156000.00"),
        ("construction", 1, "50000.00"),
        ("production", 1, "20000.00"),
        ("on_hold", 0, "0.00"),
        ("lost", 1, "9000.00"),
    ]
    # 终止 (P7) is listed but left out of the totals: the default stage filter is the projects still in the pipeline.
    assert api["totals"] == {"count": 9, "investment_total": "264000.00"}
    assert [s["stage"] for s in api["stages"] if not s["in_total"]] == ["on_hold", "lost"]

    table = page_tables(page)["stages"]
    assert table["headers"] == ["阶段", "项目数（个）", "总投资（万元）", "总投资（亿元）"]
    assert table["rows"] == [
        ["线索", "1", "3,000.00", "0.30"],
        ["初步接洽", "0", "0.00", "0.00"],
        ["深度洽谈", "3", "25,000.00", "2.50"],
        ["签约", "1", "10,000.00", "1.00"],
        ["注册落地", "2", "156,000.00", "15.60"],
        ["开工", "1", "50,000.00", "5.00"],
        ["投产", "1", "20,000.00", "2.00"],
        ["暂缓（不计入合计）", "0", "0.00", "0.00"],
        ["终止（不计入合计）", "1", "9,000.00", "0.90"],
    ]
    assert table["total"] == ["合计", "9", "264,000.00", "26.40"]

    sheet = sheet_table(sheets, "当前阶段分布")
    assert sheet["title"] == "招商项目 · 当前阶段分布（统计区间：全部；园区：全部；产业链：全部；负责人：全部）"
    assert sheet["headers"] == ["阶段", "项目数（个）", "总投资（万元）", "总投资（亿元）"]
    assert sheet["rows"] == [
        ["线索", 1, 3000, 0.3],
        ["初步接洽", 0, 0, 0],
        ["深度洽谈", 3, 25000, 2.5],
        ["签约", 1, 10000, 1],
        ["注册落地", 2, 156000, 15.6],
        ["开工", 1, 50000, 5],
        ["投产", 1, 20000, 2],
        ["暂缓（不计入合计）", 0, 0, 0],
        ["终止（不计入合计）", 1, 9000, 0.9],
        ["合计", 9, 264000, 26.4],
    ]


def test_the_page_shows_the_headline_figures_in_yi_yuan_and_percent(pipeline_world, manager_client):
    response = manager_client.get(f"{PAGE}?period=all")

    assert page_kpis(response) == {
        "期内入库项目": "9 个",
        "期内入库项目总投资": "26.40 亿元",
        "期内落地亿元以上项目": "1 个",
        "到资率": "36.02 %",
        "开工率": "75.00 %",
        "投产率": "25.00 %",
    }
    html = response.content.decode()
    assert "25,000.00" in html
    assert "2024 年度目标 2 个，完成 50.00%" in html


def test_the_cumulative_funnel_counts_every_project_that_reached_a_stage_and_the_conversion_between_stages(three_ways):
    page, sheets, api = three_ways()

    assert [(f["stage"], f["reached"]) for f in api["funnel"]] == [
        ("lead", 10), ("contacted", 9), ("negotiating", 8), ("signed", 5), ("registered", 4), ("construction", 2),
        ("production", 1),
    ]
    assert [(c["from_stage"], c["to_stage"], c["from_count"], c["to_count"], c["rate"]) for c in api["conversions"]] == [
        ("lead", "contacted", 10, 9, "90.00"),
        ("contacted", "negotiating", 9, 8, "88.89"),
        ("negotiating", "signed", 8, 5, "62.50"),
        ("signed", "registered", 5, 4, "80.00"),
        ("registered", "construction", 4, 2, "50.00"),
        ("construction", "production", 2, 1, "50.00"),
    ]
    assert page_tables(page)["funnel"]["rows"] == [
        ["线索", "10", "—", "100.00"],
        ["初步接洽", "9", "90.00", "90.00"],
        ["深度洽谈", "8", "88.89", "80.00"],
        ["签约", "5", "62.50", "50.00"],
        ["注册落地", "4", "80.00", "40.00"],
        ["开工", "2", "50.00", "20.00"],
        ["投产", "1", "50.00", "10.00"],
    ]
    assert sheet_table(sheets, "累计漏斗与阶段转化")["rows"] == [
        ["线索", 10, None, 100],
        ["初步接洽", 9, 90, 90],
        ["深度洽谈", 8, 88.89, 80],
        ["签约", 5, 62.5, 50],
        ["注册落地", 4, 80, 40],
        ["开工", 2, 50, 20],
        ["投产", 1, 50, 10],
    ]


def test_days_in_each_stage_are_the_average_and_median_of_finished_stays(three_ways):
    """线索 stays: 30, 10, 20, 30, 40, 30, 10, 10, 30 → avg 23.33, median 30; 签约: 60, 60, 60, 210 → 97.50 and 60."""
    page, sheets, api = three_ways()

    assert [(d["stage"], d["stays"], d["average_days"], d["median_days"]) for d in api["durations"]] == [
        ("lead", 9, "23.33", "30.00"),
        ("contacted", 9, "35.56", "30.00"),
        ("negotiating", 5, "84.00", "60.00"),
        ("signed", 4, "97.50", "60.00"),
        ("registered", 2, "125.00", "125.00"),
        ("construction", 1, "300.00", "300.00"),
        ("production", 0, None, None),
        ("on_hold", 0, None, None),
        ("lost", 0, None, None),
    ]
    assert page_tables(page)["durations"]["rows"][:4] == [
        ["线索", "9", "23.33", "30.00"],
        ["初步接洽", "9", "35.56", "30.00"],
        ["深度洽谈", "5", "84.00", "60.00"],
        ["签约", "4", "97.50", "60.00"],
    ]
    assert page_tables(page)["durations"]["rows"][6] == ["投产", "0", "—", "—"]
    assert sheet_table(sheets, "各阶段停留时长")["rows"][3] == ["签约", 4, 97.5, 60]


def test_key_and_major_projects_are_counted_by_stage_without_the_lost_ones(three_ways):
    page, sheets, api = three_ways()

    assert api["key_projects"] == {"threshold": "10000.00", "count": 5, "investment_total": "242000.00"}
    assert api["major_projects"] == {"threshold": "100000.00", "count": 1, "investment_total": "150000.00"}
    negotiating = api["stages"][2]
    assert (negotiating["key_count"], negotiating["key_investment_total"]) == (1, "12000.00")
    registered = api["stages"][4]
    assert (registered["key_count"], registered["major_count"], registered["major_investment_total"]) == (1, 1, "150000.00")

    table = page_tables(page)["key_projects"]
    assert table["headers"] == ["阶段", "重点项目（个）", "重点项目总投资（万元）", "重大项目（个）", "重大项目总投资（万元）"]
    assert [row[0] for row in table["rows"]] == ["线索", "初步接洽", "深度洽谈", "签约", "注册落地", "开工", "投产"]
    assert table["rows"][3] == ["签约", "1", "10,000.00", "0", "0.00"]  # exactly 1 亿 is a key project
    assert table["total"] == ["合计", "5", "242,000.00", "1", "150,000.00"]
    assert sheet_table(sheets, "重点项目（≥1亿元）与重大项目（≥10亿元）")["rows"][-1] == ["合计", 5, 242000, 1, 150000]


def test_landed_and_signed_this_year_are_read_from_the_history_against_the_yearly_targets(three_ways):
    """2024: P5 (150,000) and P9 (6,000) moved to 注册落地; P5, P8 and P9 to 签约. Targets: 2 landed ≥ 1 亿, 200,000 signed."""
    page, sheets, api = three_ways()

    assert api["this_year"] == {
        "year": 2024,
        "landed_count": 2,
        "landed_investment_total": "156000.00",
        "landed_key_count": 1,
        "landed_key_investment_total": "150000.00",
        "landed_key_target": "2.00",
        "landed_key_completion": "50.00",
        "signed_count": 3,
        "signed_investment_total": "166000.00",
        "signed_investment_target": "200000.00",
        "signed_investment_completion": "83.00",
    }
    assert page_tables(page)["this_year"]["title"] == "2024 年度目标完成情况"
    assert page_tables(page)["this_year"]["rows"] == [
        ["期内落地亿元以上项目（个）", "1", "2", "50.00"],
        ["期内落地亿元以上项目总投资（万元）", "150,000.00", "—", "—"],
        ["期内落地项目（个，不限规模）", "2", "—", "—"],
        ["期内签约项目（个）", "3", "—", "—"],
        ["期内签约项目总投资（万元）", "166,000.00", "200,000.00", "83.00"],
    ]
    assert sheet_table(sheets, "2024 年度目标完成情况")["rows"][0] == ["期内落地亿元以上项目（个）", 1, 2, 50]


def test_the_year_of_the_range_end_picks_that_years_figures_and_target(three_ways):
    """2023: only P10 (50,000) moved to 注册落地; the 2023 target is 30."""
    _page, _sheets, api = three_ways("start=2023-01-01&end=2023-12-31")

    assert api["year"] == 2023
    assert (api["this_year"]["landed_key_count"], api["this_year"]["landed_key_target"]) == (1, "30.00")
    assert api["this_year"]["landed_key_completion"] == "3.33"


def test_capital_arrived_is_set_against_the_investment_committed_by_signed_projects(three_ways):
    """Committed: P8, P5, P9, P10, P6 = 236,000; arrived 45,000.55 + 20,000 + 15,000.25 + 5,000 (P7 is lost: not counted)."""
    page, sheets, api = three_ways()

    assert api["capital"] == {
        "committed_count": 5,
        "committed_total": "236000.00",
        "arrived_total": "85000.80",
        "arrival_rate": "36.02",
        "year": 2024,
        "arrived_in_year": "60000.80",
    }
    assert page_tables(page)["capital"]["rows"] == [
        ["承诺投资", "236,000.00", "23.60", "100.00"],
        ["累计到资", "85,000.80", "8.50", "36.02"],
        ["期内到资", "60,000.80", "6.00", "25.42"],
    ]
    assert sheet_table(sheets, "实际到资与承诺投资")["rows"][1] == ["累计到资", 85000.8, 8.5, 36.02]


def test_construction_start_and_production_rates_are_shares_of_the_landed_projects(three_ways):
    """Landed: P5, P9, P10, P6. Started: P10 and P6 by stage, P9 by its actual 开工 date. Producing: P6."""
    page, sheets, api = three_ways()

    assert api["rates"] == {
        "landed_count": 4,
        "started_count": 3,
        "producing_count": 1,
        "construction_start_rate": "75.00",
        "production_rate": "25.00",
    }
    assert page_tables(page)["rates"]["rows"] == [["已落地", "4", "100.00"], ["已开工", "3", "75.00"], ["已投产", "1", "25.00"]]
    assert sheet_table(sheets, "开工率与投产率")["rows"] == [["已落地", 4, 100], ["已开工", 3, 75], ["已投产", 1, 25]]


def test_projects_are_broken_down_by_chain_channel_owner_park_and_jurisdiction(three_ways):
    page, sheets, api = three_ways()

    def rows(key):
        return [(i["key"], i["label"], i["count"], i["investment_total"], i["landed_count"]) for i in api["breakdowns"][key]]

    assert rows("industry_chain") == [
        ("cloud", "云计算与智算", 1, "150000.00", 1),
        ("life_health", "生命健康", 1, "50000.00", 1),
        ("robotics", "智能机器人", 3, "40000.00", 1),
        ("smart_manufacturing", "智能制造", 1, "10000.00", 0),
        ("new_materials", "新材料", 1, "6000.00", 1),
        ("xinchuang", "信创与商用密码", 1, "5000.00", 0),
        ("ai", "人工智能", 1, "3000.00", 0),  # P7 (人工智能, 9,000) is lost: left out
    ]
    assert rows("source_channel") == [
        ("fund_led", "基金招商", 1, "150000.00", 1),
        ("chain_led", "链式招商", 2, "70000.00", 2),
        ("walk_in", "企业自荐", 6, "44000.00", 1),
    ]
    wang, li = api["breakdowns"]["owner"]
    assert (wang["label"], wang["count"], wang["investment_total"], wang["landed_count"]) == ("王志远", 4, "171000.00", 1)
    assert (li["label"], li["count"], li["investment_total"], li["landed_count"]) == ("李晓燕", 5, "93000.00", 3)
    assert [(i["label"], i["count"], i["investment_total"], i["landed_count"]) for i in api["breakdowns"]["park"]] == [
        ("西科园", 5, "217000.00", 3), ("信创园", 2, "32000.00", 1), ("未定园区", 2, "15000.00", 0),
    ]
    assert rows("jurisdiction") == [
        ("sandun", "三墩镇", 5, "178000.00", 1),
        ("", "未填写", 1, "50000.00", 1),
        ("jiangcun", "蒋村街道", 3, "36000.00", 2),
    ]
    assert page_tables(page)["by_park"]["rows"] == [
        ["西科园", "5", "217,000.00", "3"], ["信创园", "2", "32,000.00", "1"], ["未定园区", "2", "15,000.00", "0"],
    ]
    assert page_tables(page)["by_park"]["total"] == ["合计", "9", "264,000.00", "4"]
    assert sheet_table(sheets, "项目分布：按属地镇街")["rows"] == [
        ["三墩镇", 5, 178000, 1], ["未填写", 1, 50000, 1], ["蒋村街道", 3, 36000, 2], ["合计", 9, 264000, 4],
    ]


def test_milestones_get_the_three_colours_and_lost_projects_are_left_out(three_ways):
    """As crm.pipeline.lights colours them: done on time is green, done late is red; the done ones are also
    counted on their own."""
    page, sheets, api = three_ways()

    assert [(m["kind"], m["green"], m["yellow"], m["red"], m["done_on_time"], m["done_late"])
            for m in api["milestones"]["items"]] == [
        ("land_delivery", 1, 0, 0, 1, 0),
        ("construction_start", 0, 0, 2, 0, 1),
        ("completion", 1, 1, 0, 0, 0),
        ("full_production", 0, 1, 1, 0, 0),
    ]
    assert api["milestones"]["totals"] == {"green": 2, "yellow": 2, "red": 3, "done_on_time": 1, "done_late": 1}
    assert page_tables(page)["milestones"]["total"] == ["合计", "2", "2", "3", "1", "1"]
    assert sheet_table(sheets, "落地节点三色预警")["headers"] == [
        "节点", "正常（绿）（个）", "临期（黄）（个）", "逾期（红）（个）", "按期完成（个）", "逾期完成（个）",
    ]
    assert sheet_table(sheets, "落地节点三色预警")["rows"][-1] == ["合计", 2, 2, 3, 1, 1]


def test_a_park_filter_keeps_only_that_parks_projects_and_names_itself_in_every_sheet(three_ways, pipeline_world):
    xike = pipeline_world["xike"].pk
    page, sheets, api = three_ways(f"park={xike}")

    assert [(s["stage"], s["count"], s["investment_total"]) for s in api["stages"] if s["count"]] == [
        ("lead", 1, "3000.00"), ("negotiating", 1, "8000.00"), ("registered", 2, "156000.00"),
        ("construction", 1, "50000.00"),
    ]
    assert api["filters"] == {"period": "all", "start": None, "end": None, "park": xike, "chain": "", "owner": None, "stage": ""}
    assert page_tables(page)["stages"]["total"] == ["合计", "5", "217,000.00", "21.70"]
    assert sheet_table(sheets, "当前阶段分布")["title"] == (
        "招商项目 · 当前阶段分布（统计区间：全部；园区：西科园；产业链：全部；负责人：全部）"
    )


def test_chain_and_owner_filters_combine(three_ways, pipeline_world):
    li = pipeline_world["li"].pk
    _page, _sheets, api = three_ways(f"chain=robotics&owner={li}")

    assert [(s["stage"], s["count"], s["investment_total"]) for s in api["stages"] if s["count"]] == [
        ("negotiating", 1, "12000.00"), ("production", 1, "20000.00"),
    ]
    assert [(f["stage"], f["reached"]) for f in api["funnel"]][-1] == ("production", 1)


def test_a_date_range_selects_the_projects_that_entered_the_pipeline_within_it(three_ways):
    """Entered in 2024: P1, P2, P3, P7, P8, P9."""
    page, _sheets, api = three_ways("start=2024-01-01&end=2024-12-31")

    assert [(s["stage"], s["count"], s["investment_total"]) for s in api["stages"] if s["count"]] == [
        ("lead", 1, "3000.00"), ("negotiating", 2, "20000.00"), ("signed", 1, "10000.00"),
        ("registered", 1, "6000.00"), ("lost", 1, "9000.00"),
    ]
    assert api["totals"] == {"count": 5, "investment_total": "39000.00"}  # P7, lost, listed but not in the total
    assert [(f["stage"], f["reached"]) for f in api["funnel"]] == [
        ("lead", 6), ("contacted", 5), ("negotiating", 4), ("signed", 2), ("registered", 1), ("construction", 0),
        ("production", 0),
    ]
    # This year's figures are about 2024 whenever the projects entered: P5 still landed in 2024.
    assert api["this_year"]["landed_key_count"] == 1
    assert page_tables(page)["stages"]["total"] == ["合计", "5", "39,000.00", "3.90"]


def test_a_filter_that_matches_nothing_gives_zeros_and_empty_breakdowns(three_ways):
    page, sheets, api = three_ways("chain=digital_economy")

    assert [s["count"] for s in api["stages"]] == [0] * 9
    assert api["totals"] == {"count": 0, "investment_total": "0.00"}
    assert [f["reached"] for f in api["funnel"]] == [0] * 7
    assert {c["rate"] for c in api["conversions"]} == {None}
    assert {d["stays"] for d in api["durations"]} == {0}
    assert api["breakdowns"] == {"industry_chain": [], "source_channel": [], "owner": [], "park": [], "jurisdiction": []}
    assert api["capital"]["arrival_rate"] is None
    assert api["rates"]["construction_start_rate"] is None
    assert api["this_year"]["landed_key_completion"] == "0.00"  # the 2024 target of 2 still stands
    assert page_tables(page)["by_owner"]["rows"] == []
    assert sheet_table(sheets, "项目分布：按负责人")["rows"] == [["合计", 0, 0, 0]]


def test_with_no_data_at_all_every_report_answers_with_zeros(manager_client, manager_api):
    api = manager_api.get(API).json()
    assert api["totals"] == {"count": 0, "investment_total": "0.00"}
    assert api["this_year"]["landed_key_target"] is None
    assert api["milestones"]["totals"] == {"green": 0, "yellow": 0, "red": 0, "done_on_time": 0, "done_late": 0}
    page = manager_client.get(PAGE)
    assert page.status_code == 200
    assert "尚未设定年度目标" in page.content.decode()
    assert "暂无数据" in page.content.decode()
