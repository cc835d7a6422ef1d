"""The pipeline's honest totals and the periods of the report pages (本年 / 上年 / 本季度 / 上季度 / 近 12 个月 / 自定义).

On the ten-project world of tests/reports/conftest.py (``pipeline_world``, clock 2024-12-20 10:00): P7 (9,000 万元,
人工智能, 李晓燕) is 终止; nothing is 暂缓 until a test pauses a project.
"""

import datetime as dt
from functools import partial
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from crm.models import Stage
from crm.pipeline.services import project_change_stage
from reports import tables
from reports.forms import ReportFilterForm
from reports.selectors.common import ReportFilters
from reports.selectors.pipeline import pipeline_report
from tests.factories import UserFactory, investment_lead, manager, service_officer
from tests.reports.conftest import at
from tests.reports.support import page_tables, read_three_ways, sheet_table

pytestmark = pytest.mark.django_db

PAGE = "/reports/"
EXPORT = "/reports/pipeline/export.xlsx"
API = "/api/v1/reports/pipeline/"


@pytest.fixture
def three_ways(pipeline_world, manager_client, manager_api):
    return partial(read_three_ways, manager_client, manager_api, page=PAGE, export=EXPORT, api=API)


@pytest.fixture
def paused(pipeline_world):
    """P8 (签约, 10,000 万元) paused on 2024-12-01 (暂缓)."""
    p8 = pipeline_world["projects"][8]
    project_change_stage(project=p8, to=Stage.ON_HOLD, actor=p8.owner, note="企业融资未到位", at=at("2024-12-01"))
    return p8


# -- lost and paused projects are left out of the totals unless the stage filter asks ------------------------------


def test_lost_and_paused_projects_are_left_out_of_every_total_by_default(three_ways, paused):
    page, _sheets, api = three_ways()

    # Ten projects: P7 lost (9,000) and P8 paused (10,000) are listed by stage but not counted.
    assert api["totals"] == {"count": 8, "investment_total": "254000.00"}
    assert [(s["label"], s["count"], s["in_total"]) for s in api["stages"][-2:]] == [("暂缓", 1, False), ("终止", 1, False)]
    assert page_tables(page)["stages"]["rows"][-2:] == [
        ["暂缓（不计入合计）", "1", "10,000.00", "1.00"], ["终止（不计入合计）", "1", "9,000.00", "0.90"],
    ]
    assert page_tables(page)["stages"]["total"] == ["合计", "8", "254,000.00", "25.40"]
    # key projects: P8 (exactly 1 亿) was one; the breakdowns and the committed investment lose it too.
    assert api["key_projects"]["count"] == 4
    assert sum(i["count"] for i in api["breakdowns"]["owner"]) == 8
    assert api["capital"]["committed_count"] == 4
    assert api["capital"]["committed_total"] == "226000.00"


def test_the_stage_filter_includes_paused_and_lost_projects_when_asked(three_ways, paused):
    page, _sheets, api = three_ways("stage=all")

    assert api["totals"] == {"count": 10, "investment_total": "273000.00"}
    assert all(s["in_total"] for s in api["stages"])
    assert page_tables(page)["stages"]["rows"][-1] == ["终止", "1", "9,000.00", "0.90"]
    assert sum(i["count"] for i in api["breakdowns"]["park"]) == 10
    assert api["filters"]["stage"] == "all"


def test_the_stage_filter_can_pick_one_stage_even_a_side_one(three_ways, paused):
    _page, sheets, api = three_ways("stage=lost")

    assert api["totals"] == {"count": 1, "investment_total": "9000.00"}
    assert [s["stage"] for s in api["stages"] if s["in_total"]] == ["lost"]
    assert [(i["label"], i["count"]) for i in api["breakdowns"]["owner"]] == [("李晓燕", 1)]
    assert "阶段：终止" in sheet_title(sheets)

    _page, _sheets, negotiating = three_ways("stage=negotiating")
    assert negotiating["totals"] == {"count": 3, "investment_total": "25000.00"}


def sheet_title(sheets):
    return next(iter(sheets.values()))[0][0]


def test_an_unknown_stage_is_a_form_error_not_a_guess(pipeline_world, manager_client, manager_api):
    response = manager_client.get(f"{PAGE}?stage=won")
    assert response.status_code == 200
    assert response.context["form"].errors == {"stage": ["没有这个阶段。"]}
    assert "kpis" not in response.context

    answer = manager_api.get(f"{API}?stage=won")
    assert answer.status_code == 400
    assert answer.json() == {"stage": ["没有这个阶段。"]}


# -- the owner filter lists officers only -------------------------------------------------------------------------


def test_the_owner_filter_lists_only_the_officers_who_can_own_the_pages_figures(pipeline_world, manager_client):
    investment_lead(username="zhao", display_name="赵招商负责人")
    service_officer(username="qian", display_name="钱服务专员")
    UserFactory(username="sun", display_name="孙后台人员", is_staff=True)  # staff, but no officer role
    manager(username="zhou", display_name="周领导")

    def owners(url):
        field = manager_client.get(url).context["form"].fields["owner"]
        return [str(user) for user in field.queryset]

    assert owners("/reports/") == ["李晓燕", "王志远", "赵招商负责人"]
    assert owners("/reports/service/") == ["钱服务专员"]
    assert owners("/reports/policies/") == ["李晓燕", "王志远", "赵招商负责人"]


def test_a_person_who_is_not_an_officer_is_refused_as_owner(pipeline_world, manager_api):
    boss = manager(username="zhou", display_name="周领导")

    answer = manager_api.get(f"{API}?owner={boss.pk}")

    assert answer.status_code == 400
    assert answer.json() == {"owner": ["没有这个人员。"]}


# -- the period presets resolve to dates ----------------------------------------------------------------------------


@pytest.mark.parametrize(("period", "today", "start", "end"), [
    ("this_year", "2024-12-20", "2024-01-01", "2024-12-20"),
    ("last_year", "2024-12-20", "2023-01-01", "2023-12-31"),
    ("this_quarter", "2024-12-20", "2024-10-01", "2024-12-20"),
    ("last_quarter", "2024-12-20", "2024-07-01", "2024-09-30"),
    ("last_quarter", "2025-02-10", "2024-10-01", "2024-12-31"),  # across the new year
    ("last_12_months", "2024-12-20", "2023-12-21", "2024-12-20"),
    ("last_12_months", "2024-02-29", "2023-03-01", "2024-02-29"),  # a leap day: 28 February + 1
    ("all", "2024-12-20", None, None),
])
def test_each_preset_resolves_to_its_dates_on_the_parks_today(period, today, start, end):
    day = dt.date.fromisoformat
    form = ReportFilterForm({"period": period}, page="pipeline", today=day(today))

    assert form.is_valid(), form.errors
    filters = form.filters()
    assert (filters.period, filters.start, filters.end) == (
        period, start and day(start), end and day(end))


def test_a_year_earlier_moves_both_dates_back_a_year_and_29_february_to_the_28th():
    filters = ReportFilters(start=dt.date(2024, 2, 29), end=dt.date(2024, 12, 31), chain="robotics", stage="all")

    earlier = filters.year_earlier()

    assert (earlier.start, earlier.end, earlier.chain, earlier.stage) == (
        dt.date(2023, 2, 28), dt.date(2023, 12, 31), "robotics", "all")


def test_a_bare_start_and_end_without_period_is_a_custom_range():
    form = ReportFilterForm({"start": "2024-03-01", "end": "2024-03-31"}, page="pipeline", today=dt.date(2024, 12, 20))

    assert form.is_valid()
    assert (form.filters().period, form.filters().start, form.filters().end) == (
        "custom", dt.date(2024, 3, 1), dt.date(2024, 3, 31))


def test_an_unknown_period_is_a_form_error(pipeline_world, manager_api):
    answer = manager_api.get(f"{API}?period=next_year")

    assert answer.status_code == 400
    assert answer.json() == {"period": ["没有这个统计区间。"]}


# -- the default period shows data -----------------------------------------------------------------------------------


def test_the_page_opens_on_this_year_when_this_year_has_activity(pipeline_world, manager_client):
    response = manager_client.get(PAGE)

    assert response.context["form"]["period"].value() == "this_year"
    assert (response.context["filters"].start, response.context["filters"].end) == (
        dt.date(2024, 1, 1), dt.date(2024, 12, 20))
    assert response.context["period_note"] == ""
    assert "本年（2024-01-01 至 2024-12-20）" in response.context["filters_text"]


def test_without_activity_this_year_the_page_opens_on_the_latest_year_with_data_and_says_so(
    pipeline_world, manager_client, boss
):
    """The world's last stage change is in December 2024; on 1 March 2026 本年 and 上年 are empty."""
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        manager_client.force_login(boss)  # the 2024 session has expired by then
        response = manager_client.get(PAGE)
        a_year_later = ReportFilterForm({}, page="pipeline", today=dt.date(2025, 6, 1))
        assert a_year_later.is_valid()

    filters = response.context["filters"]
    assert (filters.period, filters.start, filters.end) == ("custom", dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert response.context["period_note"] == "本年（2026 年）尚无数据，默认显示有数据的最近一年：2024 年。"
    assert "本年（2026 年）尚无数据" in response.content.decode()
    assert response.context["form"]["start"].value() == "2024-01-01"  # the fields show the dates in use
    assert sum(int(row[1].replace(",", "")) for row in page_tables(response)["stages"]["rows"]) == 6
    # a year after the data, the default is 上年 by its own name
    assert (a_year_later.filters().period, a_year_later.period_note) == (
        "last_year", "本年（2025 年）尚无数据，默认显示有数据的最近一年：2024 年。")


# -- the URL keeps the period; the page, the export and the API agree ---------------------------------------------


def test_the_chosen_period_stays_in_the_address_and_the_export_and_api_read_the_same_dates(three_ways, manager_client):
    page, sheets, api = three_ways("period=this_quarter")

    assert "period=this_quarter" in page.context["query"]
    assert page.context["form"]["period"].value() == "this_quarter"
    assert (api["filters"]["period"], api["filters"]["start"], api["filters"]["end"]) == (
        "this_quarter", "2024-10-01", "2024-12-20")
    assert sheet_title(sheets).endswith("（统计区间：本季度（2024-10-01 至 2024-12-20）；园区：全部；产业链：全部；负责人：全部）")
    # Entered in the quarter: none of the ten (the last lead is P8, May 2024).
    assert api["totals"]["count"] == 0
    assert page_tables(page)["stages"]["total"][1] == "0"


def test_last_year_on_the_page_the_export_and_the_api_gives_the_same_figures(three_ways):
    page, sheets, api = three_ways("period=last_year")

    # Entered in 2023: P4 (5,000, 深度洽谈) and P5 (150,000, 注册落地).
    assert api["totals"] == {"count": 2, "investment_total": "155000.00"}
    assert page_tables(page)["stages"]["total"] == ["合计", "2", "155,000.00", "15.50"]
    assert sheet_table(sheets, "当前阶段分布")["rows"][-1] == ["合计", 2, 155000, 15.5]
    assert api["this_year"]["year"] == 2023


# -- 同比: every card beside the same figure a year earlier ----------------------------------------------------------


def test_every_card_shows_the_same_figure_a_year_earlier_from_the_selector_on_the_shifted_dates(
    pipeline_world, manager_client, manager_api
):
    response = manager_client.get(f"{PAGE}?period=this_year")
    filters = response.context["filters"]
    earlier = tables.pipeline_page(pipeline_report(filters=filters.year_earlier(), now=timezone.now()))

    cards = response.context["kpis"]
    assert [kpi.previous for kpi in cards] == [f"{kpi.value} {kpi.unit}".strip() for kpi in earlier.kpis]
    assert all(kpi.previous for kpi in cards)
    # 2023-01-01..2023-12-20 entered: P4 and P5; in 2024 so far: P1, P2, P3, P8, P9 (P7 lost, left out).
    assert (cards[0].value, cards[0].previous) == ("5", "2 个")
    assert "上年同期 2 个" in response.content.decode()

    api = manager_api.get(f"{API}?period=this_year").json()
    assert api["totals"]["count"] == 5
    assert api["previous"]["filters"]["start"] == "2023-01-01"
    assert api["previous"]["filters"]["end"] == "2023-12-20"
    assert api["previous"]["totals"] == {"count": 2, "investment_total": "155000.00"}
    assert "previous" not in api["previous"]


def test_the_service_cards_carry_their_year_earlier_figures_too(service_world, manager_client, manager_api):
    response = manager_client.get("/reports/service/?period=this_year")

    assert [kpi.key for kpi in response.context["kpis"]] == [
        "total", "sla_compliance", "median_hours", "overdue", "satisfaction"]
    assert all(kpi.previous for kpi in response.context["kpis"])
    assert manager_api.get("/api/v1/reports/service/?period=this_year").json()["previous"]["totals"]["total"] == 0


def test_all_time_has_no_year_earlier(pipeline_world, manager_client, manager_api):
    response = manager_client.get(f"{PAGE}?period=all")

    assert [kpi.previous for kpi in response.context["kpis"]] == [""] * 6
    assert manager_api.get(f"{API}?period=all").json()["previous"] is None
