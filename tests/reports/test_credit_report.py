"""The 业绩考核 page: credit by officer and by unit (a shared project once in the totals), targets per holder, 考核 %.

The world (clock 2024-12-20), investment in 万元, all 2024 events dated by the stage history:
  A 智算中心 150,000, owner 王志远, 西科园: signed 2024-03-01, landed 2024-06-01; credit 王志远 50 / 李晓燕 30 /
    三墩镇 20; arrival 10,000 on 2024-08-01.
  B 机器人 20,000, owner 李晓燕, 西科园: signed 2024-05-10, landed 2024-09-10, 开工 2024-11-10; no credit rows (100% to
    李晓燕); arrival 5,000 on 2024-10-01.
  C 新材料 8,000, owner 王志远: signed 2024-04-01; credit 王志远 60 / 蒋村街道 40.
  D 芯片 30,000, owner 赵强: signed 2023-12-10, landed 2024-02-10; one credit row 赵强 + 三墩镇 100; arrival 2,000
    on 2024-03-01 and 7,000 on 2023-12-20 (outside 2024).
  E 终止 5,000, owner 李晓燕: signed 2024-02-01, 终止 2024-07-01; no credit rows.
"""

import datetime as dt
from decimal import Decimal
from functools import partial

import pytest
from django.test import Client

from crm.models import CapitalArrival, ProjectCredit, YearlyTarget
from crm.pipeline.services import project_change_stage
from tests.factories import EnterpriseFactory, ParkFactory, ProjectFactory, enterprise_user, officer
from tests.reports.conftest import at
from tests.reports.support import api_client, page_kpis, page_tables, read_three_ways, sheet_table

pytestmark = pytest.mark.django_db

PAGE, EXPORT, API = "/reports/credit/", "/reports/credit/export.xlsx", "/api/v1/reports/credit/"
YEAR_2024 = "start=2024-01-01&end=2024-12-31"


def _moves(project, created: str, moves: list[tuple[str, str]]):
    for stage, day in moves:
        project = project_change_stage(project=project, to=stage, actor=project.owner, at=at(day),
                                       note="落户外地" if stage == "lost" else "")
    return project


PATH_TO_SIGNED = ["contacted", "negotiating"]


@pytest.fixture
def credit_world(db):
    wang = officer(username="wang", display_name="王志远")
    li = officer(username="li", display_name="李晓燕")
    zhao = officer(username="zhao", display_name="赵强")
    xike = ParkFactory(name="西湖科技园", short_name="西科园")

    def project(name, amount, owner, created, moves, park=None):
        p = ProjectFactory(name=name, total_investment=Decimal(amount), owner=owner, park=park, at=at(created))
        before = dt.date.fromisoformat(moves[0][1]) - dt.timedelta(days=20)
        early = [(stage, (before + dt.timedelta(days=i)).isoformat()) for i, stage in enumerate(PATH_TO_SIGNED)]
        return _moves(p, created, early + moves)

    a = project("A 智算中心", "150000", wang, "2023-06-01", [("signed", "2024-03-01"), ("registered", "2024-06-01")], xike)
    b = project("B 机器人", "20000", li, "2024-01-10",
                [("signed", "2024-05-10"), ("registered", "2024-09-10"), ("construction", "2024-11-10")], xike)
    c = project("C 新材料", "8000", wang, "2024-01-05", [("signed", "2024-04-01")])
    d = project("D 芯片", "30000", zhao, "2023-09-01", [("signed", "2023-12-10"), ("registered", "2024-02-10")])
    project("E 终止", "5000", li, "2023-11-01", [("signed", "2024-02-01"), ("lost", "2024-07-01")])
    for p, who, unit, share in [(a, wang, "", "50"), (a, li, "", "30"), (a, None, "三墩镇", "20"),
                                (c, wang, "", "60"), (c, None, "蒋村街道", "40"), (d, zhao, "三墩镇", "100")]:
        ProjectCredit.objects.create(project=p, officer=who, unit=unit, share_percent=Decimal(share))
    for p, day, amount in [(a, "2024-08-01", "10000"), (b, "2024-10-01", "5000"), (d, "2024-03-01", "2000"),
                           (d, "2023-12-20", "7000")]:
        CapitalArrival.objects.create(project=p, arrived_on=dt.date.fromisoformat(day), amount=Decimal(amount))
    M, H = YearlyTarget.Metric, YearlyTarget.Holder
    for metric, target, holder in [
        (M.LANDED_KEY_PROJECTS, "4", {}),
        (M.SIGNED_INVESTMENT, "200000", {}),
        (M.SIGNED_PROJECTS, "1", {"holder_kind": H.PARK, "park": xike}),
        (M.CAPITAL_ARRIVED, "10000", {"holder_kind": H.UNIT, "unit": "三墩镇"}),
        (M.SIGNED_INVESTMENT, "100000", {"holder_kind": H.OFFICER, "officer": wang}),
        (M.LANDED_KEY_PROJECTS, "1", {"holder_kind": H.OFFICER, "officer": li}),
        (M.CONSTRUCTION_STARTS, "1", {"holder_kind": H.OFFICER, "officer": zhao}),
    ]:
        YearlyTarget.objects.create(year=2024, metric=metric, target=Decimal(target), **holder)
    YearlyTarget.objects.create(year=2023, metric=M.SIGNED_PROJECTS, target=Decimal("9"))  # another year: not shown
    return {"wang": wang, "li": li, "zhao": zhao, "xike": xike}


@pytest.fixture
def three_ways(credit_world, manager_client, manager_api):
    return partial(read_three_ways, manager_client, manager_api, page=PAGE, export=EXPORT, api=API)


RANKING_HEADERS = [
    "在库项目（个）", "签约项目（个）", "签约总投资（万元）", "折算签约额（万元）", "落地亿元以上（个）",
    "折算落地亿元以上（个）", "开工项目（个）", "实际到资（万元）", "折算到资（万元）",
]


def test_the_officer_ranking_weighs_shares_and_counts_a_shared_project_once_in_the_totals(three_ways):
    page, sheets, api = three_ways(YEAR_2024)

    officers = page_tables(page)["officers"]
    assert officers["headers"] == ["人员", *RANKING_HEADERS]
    assert officers["rows"] == [
        # 王志远: A 50% + C 60%; 李晓燕: A 30% + B and E (no credit rows, hers 100%; E 终止 is not 在库); 赵强: D.
        ["王志远", "2", "2", "158,000.00", "79,800.00", "1", "0.50", "0", "10,000.00", "5,000.00"],
        ["李晓燕", "2", "3", "175,000.00", "70,000.00", "2", "1.30", "1", "15,000.00", "8,000.00"],
        ["赵强", "1", "0", "0.00", "0.00", "1", "1.00", "0", "2,000.00", "2,000.00"],
    ]
    # A is 王志远's and 李晓燕's: once in the totals (4 在库, not 5; 3 landed, not 4); credited figures add up.
    assert officers["total"] == [
        "合计（项目去重）", "4", "4", "183,000.00", "149,800.00", "3", "2.80", "1", "17,000.00", "15,000.00"
    ]
    sheet = sheet_table(sheets, "业绩排名：按人员")
    assert sheet["rows"][0] == ["王志远", 2, 2, 158000, 79800, 1, 0.5, 0, 10000, 5000]
    assert sheet["rows"][-1] == ["合计（项目去重）", 4, 4, 183000, 149800, 3, 2.8, 1, 17000, 15000]
    assert [(o["label"], o["signed_investment_credited"], o["landed_key_credited"]) for o in api["officers"]] == [
        ("王志远", "79800.00", "0.50"), ("李晓燕", "70000.00", "1.30"), ("赵强", "0.00", "1.00")
    ]
    assert api["officer_totals"]["projects"] == 4
    assert api["officer_totals"]["signed_investment"] == "183000.00"


def test_the_unit_ranking_reads_the_units_named_on_credit_rows(three_ways):
    page, sheets, api = three_ways(YEAR_2024)

    units = page_tables(page)["units"]
    assert units["rows"] == [
        # 三墩镇: A 20% and D 100% (a row naming both 赵强 and 三墩镇); 蒋村街道: C 40%.
        ["三墩镇", "2", "1", "150,000.00", "30,000.00", "2", "1.20", "0", "12,000.00", "4,000.00"],
        ["蒋村街道", "1", "1", "8,000.00", "3,200.00", "0", "0.00", "0", "0.00", "0.00"],
    ]
    assert units["total"] == ["合计（项目去重）", "3", "2", "158,000.00", "33,200.00", "2", "1.20", "0", "12,000.00",
                              "4,000.00"]
    assert [u["label"] for u in api["units"]] == ["三墩镇", "蒋村街道"]
    assert sheet_table(sheets, "业绩排名：按单位")["rows"][-1][4] == 33200


def test_the_assessment_shows_target_actual_and_completion_per_holder_with_its_colour(three_ways):
    page, sheets, api = three_ways(YEAR_2024)

    assessment = page_tables(page)["assessment"]
    assert assessment["headers"] == ["考核对象", "类型", "指标", "年度目标", "实际（项目全额）", "考核实际", "完成率（%）", "进度"]
    assert assessment["rows"] == [
        ["全区", "全区", "落地亿元以上项目数（个）", "4", "3", "3", "75.00", "黄"],
        ["全区", "全区", "签约项目总投资（万元）", "200,000.00", "183,000.00", "183,000.00", "91.50", "黄"],
        ["西科园", "园区", "签约项目数（个）", "1", "2", "2", "200.00", "绿"],
        ["三墩镇", "单位", "实际到资（万元）", "10,000.00", "12,000.00", "4,000.00", "40.00", "红"],
        ["李晓燕", "人员", "落地亿元以上项目数（个）", "1", "2", "1.30", "130.00", "绿"],
        ["王志远", "人员", "签约项目总投资（万元）", "100,000.00", "158,000.00", "79,800.00", "79.80", "黄"],
        ["赵强", "人员", "开工项目数（个）", "1", "0", "0.00", "0.00", "红"],
    ]
    assert sheet_table(sheets, "2024 年度考核")["rows"][3] == ["三墩镇", "单位", "实际到资（万元）", 10000, 12000, 4000, 40,
                                                          "红"]
    assert [(a["holder_kind"], a["metric"], a["completion"], a["level"]) for a in api["assessment"]][:2] == [
        ("park_wide", "landed_key_projects", "75.00", "yellow"), ("park_wide", "signed_investment", "91.50", "yellow")
    ]
    kpis = {kpi.label: kpi for kpi in page.context["kpis"]}
    assert page_kpis(page) == {
        "落地亿元以上项目数（个）（全区）": "3", "签约项目总投资（万元）（全区）": "183,000.00",
    }
    assert kpis["落地亿元以上项目数（个）（全区）"].level == "yellow"


def test_the_park_wide_actual_is_the_pipeline_pages_figure(credit_world, manager_api):
    pipeline = manager_api.get(f"/api/v1/reports/pipeline/?{YEAR_2024}").json()["this_year"]
    credit = manager_api.get(f"{API}?{YEAR_2024}").json()["assessment"]

    assert pipeline["landed_key_count"] == 3
    assert credit[0]["actual"] == "3.00"
    assert pipeline["signed_investment_total"] == credit[1]["actual"] == "183000.00"
    assert pipeline["landed_key_target"] == credit[0]["target"] == "4.00"


def test_the_year_assessed_is_that_of_the_periods_end_while_the_ranking_follows_the_period(three_ways):
    _page, _sheets, api = three_ways("start=2024-01-01&end=2024-03-31")

    # 1st quarter: only A and E were signed, D landed; the assessment still reads all of 2024.
    assert [(o["label"], o["signed_count"], o["landed_key_count"]) for o in api["officers"]] == [
        ("王志远", 1, 0), ("李晓燕", 2, 0), ("赵强", 0, 1)
    ]
    assert api["year"] == 2024
    assert api["assessment"][1]["actual"] == "183000.00"


def test_a_bare_address_ranks_this_year_and_all_time_is_one_choice_away(credit_world, manager_api):
    bare = manager_api.get(API).json()
    everything = manager_api.get(f"{API}?period=all").json()

    def zhao(body):
        return next(o for o in body["officers"] if o["label"] == "赵强")

    assert (bare["filters"]["period"], bare["filters"]["start"], bare["filters"]["end"]) == (
        "this_year", "2024-01-01", "2024-12-20")
    # D signed on 2023-12-10 and brought 7,000 万元 on 2023-12-20: all time counts them, 本年 does not.
    assert (zhao(bare)["signed_count"], zhao(bare)["arrived"]) == (0, "2000.00")
    assert (zhao(everything)["signed_count"], zhao(everything)["arrived"]) == (1, "9000.00")
    assert (bare["previous"]["filters"]["start"], everything["previous"]) == ("2023-01-01", None)
    assert zhao(bare["previous"])["signed_count"] == 1


def test_filtered_to_a_park_the_assessment_leaves_out_the_park_wide_targets(credit_world, manager_api):
    api = manager_api.get(f"{API}?{YEAR_2024}&park={credit_world['xike'].pk}").json()

    assert [(a["holder_label"], a["actual"]) for a in api["assessment"]] == [
        ("西科园", "2.00"), ("三墩镇", "10000.00"), ("李晓燕", "2.00"), ("王志远", "150000.00"), ("赵强", "0.00")
    ]
    assert [(o["label"], o["signed_investment_credited"]) for o in api["officers"]] == [
        ("王志远", "75000.00"), ("李晓燕", "65000.00")
    ]


def test_every_linked_figure_opens_a_list_with_the_same_count_or_sum(credit_world, manager_client):
    page = manager_client.get(f"{PAGE}?{YEAR_2024}")
    checked = 0
    for table in page.context["tables"]:
        for column, header in enumerate(table.columns):
            for row in [*table.rows, *([table.total] if table.total else [])]:
                cell = row[column]
                if not hasattr(cell, "href"):
                    continue
                rows = manager_client.get(cell.href)
                assert rows.status_code == 200, cell.href
                shown = rows.context["total"] if rows.context["total"] is not None else rows.context["count"]
                assert Decimal(shown) == Decimal(cell.value), (table.key, header.label, row[0], cell.href)
                checked += 1
    for kpi in page.context["kpis"]:
        assert manager_client.get(kpi.href).status_code == 200
    assert checked == (3 + 1) * 6 + (2 + 1) * 6 + 7  # six linked figures a ranking row, one a target


def test_the_credited_figures_are_defined_and_not_linked(credit_world, manager_client):
    page = manager_client.get(f"{PAGE}?{YEAR_2024}")
    officers = next(t for t in page.context["tables"] if t.key == "officers")

    assert all(column.help for column in officers.columns)
    assert not hasattr(officers.rows[0][4], "href")  # 折算签约额
    assert "Σ 签约项目总投资 × 分成比例" in officers.columns[4].help


@pytest.mark.parametrize("url", [PAGE, EXPORT])
def test_officers_and_enterprise_users_may_not_read_the_page_or_its_export(credit_world, url):
    for user in (credit_world["wang"], enterprise_user(EnterpriseFactory())):
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 403


def test_officers_and_enterprise_users_may_not_read_the_api(credit_world):
    for user in (credit_world["wang"], enterprise_user(EnterpriseFactory())):
        assert api_client(user).get(API).status_code == 403


def test_a_bad_drill_down_holder_lists_nothing_rather_than_failing(credit_world, manager_client):
    response = manager_client.get("/reports/rows/credit.signed/?holder=officer&holder_key=abc")
    assert response.status_code == 200
    assert response.context["count"] == 0


def test_an_officers_drill_down_list_shows_each_projects_share_of_the_credit(credit_world, manager_client):
    page = manager_client.get(f"{PAGE}?{YEAR_2024}")
    officers = next(t for t in page.context["tables"] if t.key == "officers")
    li_signed = officers.rows[1][2]  # 李晓燕's 签约项目: A (30%), B and E (no credit rows: hers, 100%)

    rows = manager_client.get(li_signed.href)

    assert rows.context["columns"][-1] == "该对象分成比例（%）"
    assert sorted((row[0][0], row[-1][0]) for row in rows.context["rows"]) == [
        ("A 智算中心", "30.00"), ("B 机器人", "100.00"), ("E 终止", "100.00")
    ]
