"""The service report (企业服务报表) of the eight-request world, at 2024-12-20 10:00.

外国人来华工作许可 (24 h): R1 resolved in 12 h and rated 5; R2 resolved 2 hours late (26 h), rated 3;
R3 has 2 of 24 hours left (yellow); R4 is 25 hours overdue (red). 企业开办 (72 h): R5 has 48 hours left
(green); R6 resolved in 24 h, rated 4; R7 rejected; R8 resolved 24 hours late (96 h), not rated.
"""

import datetime as dt
from functools import partial

import pytest

from crm.service_requests.services import service_request_transition
from tests.factories import EnterpriseFactory, ServiceCategoryFactory, enterprise_user, service_request
from tests.reports.conftest import at
from tests.reports.support import page_kpis, page_tables, read_three_ways, sheet_table

pytestmark = pytest.mark.django_db

PAGE = "/reports/service/"
EXPORT = "/reports/service/export.xlsx"
API = "/api/v1/reports/service/"


@pytest.fixture
def three_ways(service_world, manager_client, manager_api):
    """The report for a query string, read from the page, the Excel export and the API."""
    return partial(read_three_ways, manager_client, manager_api, page=PAGE, export=EXPORT, api=API)


def test_requests_are_counted_by_category_and_status(three_ways):
    page, sheets, api = three_ways()

    permit, housing = api["categories"]
    assert (permit["category"], permit["total"], permit["open"]) == ("work_permit", 4, 2)
    assert permit["statuses"] == {
        "submitted": 1, "accepted": 1, "in_progress": 0, "waiting_external": 0, "resolved": 0, "closed": 2,
        "rejected": 0, "withdrawn": 0,
    }
    assert (housing["category"], housing["total"], housing["open"]) == ("business_registration", 4, 1)
    assert housing["statuses"] == {
        "submitted": 1, "accepted": 0, "in_progress": 0, "waiting_external": 0, "resolved": 1, "closed": 1,
        "rejected": 1, "withdrawn": 0,
    }
    assert [(s["status"], s["count"]) for s in api["statuses"]] == [
        ("submitted", 2), ("accepted", 1), ("in_progress", 0), ("waiting_external", 0), ("resolved", 1), ("closed", 3),
        ("rejected", 1), ("withdrawn", 0),
    ]
    table = page_tables(page)["categories"]
    assert table["headers"] == [
        "类别", "合计（件）", "已提交（件）", "已受理（件）", "办理中（件）", "待外部审批（件）", "已办结（件）",
        "已关闭（件）", "不予受理（件）", "已撤回（件）",
    ]
    assert table["rows"] == [
        ["外国人来华工作许可", "4", "1", "1", "0", "0", "0", "2", "0", "0"],
        ["企业开办", "4", "1", "0", "0", "0", "1", "1", "1", "0"],
    ]
    assert table["total"] == ["合计", "8", "2", "1", "0", "0", "1", "3", "1", "0"]
    assert sheet_table(sheets, "诉求类别与状态")["rows"][-1] == ["合计", 8, 2, 1, 0, 0, 1, 3, 1, 0]


def test_sla_compliance_is_resolved_on_time_over_resolved_with_the_median_handling_time(three_ways):
    """Handling times: 12, 26 (work permits), 24, 96 (企业开办) hours → medians 19 and 60, overall 25; averages 19, 60, 39.5."""
    page, sheets, api = three_ways()

    permit, housing = api["categories"]
    assert (permit["resolved"], permit["on_time"], permit["sla_compliance"]) == (2, 1, "50.00")
    assert (permit["median_handling_hours"], permit["average_handling_hours"]) == ("19.00", "19.00")
    assert (housing["resolved"], housing["on_time"], housing["sla_compliance"]) == (2, 1, "50.00")
    assert (housing["median_handling_hours"], housing["average_handling_hours"]) == ("60.00", "60.00")
    totals = api["totals"]
    assert (totals["resolved"], totals["on_time"], totals["sla_compliance"]) == (4, 2, "50.00")
    assert (totals["median_handling_hours"], totals["average_handling_hours"]) == ("25.00", "39.50")

    table = page_tables(page)["sla"]
    assert table["rows"] == [
        ["外国人来华工作许可", "2", "1", "50.00", "19.00", "19.00", "2", "4.00"],
        ["企业开办", "2", "1", "50.00", "60.00", "60.00", "1", "4.00"],
    ]
    assert table["total"] == ["全部", "4", "2", "50.00", "25.00", "39.50", "3", "4.00"]
    assert sheet_table(sheets, "办理时效与满意度")["rows"][-1] == ["全部", 4, 2, 50, 25, 39.5, 3, 4]
    assert page_kpis(page) == {
        "期内提交诉求": "8 件", "按时办结率": "50.00 %", "办理时长中位数": "25.00 小时", "超期未办结": "1 件",
        "满意度": "4.00 分",
    }


def test_satisfaction_is_averaged_over_rated_requests_with_its_distribution(three_ways):
    page, sheets, api = three_ways()

    assert api["satisfaction"] == [
        {"score": 1, "count": 0}, {"score": 2, "count": 0}, {"score": 3, "count": 1}, {"score": 4, "count": 1},
        {"score": 5, "count": 1},
    ]
    assert (api["totals"]["rated"], api["totals"]["satisfaction_average"]) == (3, "4.00")
    assert api["categories"][0]["scores"] == {"1": 0, "2": 0, "3": 1, "4": 0, "5": 1}
    assert page_tables(page)["satisfaction"]["rows"] == [["1 分", "0"], ["2 分", "0"], ["3 分", "1"], ["4 分", "1"], ["5 分", "1"]]
    assert sheet_table(sheets, "满意度分布")["rows"] == [["1 分", 0], ["2 分", 0], ["3 分", 1], ["4 分", 1], ["5 分", 1], ["合计", 3]]


def test_open_requests_are_green_yellow_or_red_by_the_time_left_on_their_clock(three_ways):
    page, sheets, api = three_ways()

    permit, housing = api["categories"]
    assert (permit["green"], permit["yellow"], permit["red"]) == (0, 1, 1)
    assert (housing["green"], housing["yellow"], housing["red"]) == (1, 0, 0)
    assert (api["totals"]["green"], api["totals"]["yellow"], api["totals"]["red"], api["totals"]["overdue"]) == (1, 1, 1, 1)
    assert page_tables(page)["request_colours"]["total"] == ["合计", "1", "1", "1"]
    assert sheet_table(sheets, "未办结诉求三色预警")["rows"][-1] == ["合计", 1, 1, 1]


def test_approval_steps_get_the_three_colours_and_on_time_or_late_once_done(three_ways):
    page, sheets, api = three_ways()

    assert api["approval_steps"] == {"green": 1, "yellow": 1, "red": 1, "done_on_time": 1, "done_late": 1}
    assert page_tables(page)["approval_steps"]["rows"] == [
        ["正常（绿）", "1"], ["临期（黄）", "1"], ["逾期（红）", "1"], ["按期完成", "1"], ["逾期完成", "1"],
    ]
    assert sheet_table(sheets, "审批环节三色预警")["rows"][2] == ["逾期（红）", 1]


def test_the_overdue_list_names_each_overdue_request_and_how_late_it_is(three_ways, service_world):
    page, sheets, api = three_ways()
    r4 = service_world["requests"][4]

    assert api["overdue"] == [{
        "id": r4.pk,
        "title": "R4 逾期的工作许可",
        "enterprise": "科聪控制",
        "category": "外国人来华工作许可",
        "status": "accepted",
        "status_label": "已受理",
        "assignee": "周敏",
        "submitted_at": "2024-12-18T09:00:00+08:00",
        "due_at": "2024-12-19T09:00:00+08:00",
        "overdue_hours": "25.00",
    }]
    table = page_tables(page)["overdue"]
    assert table["rows"] == [[
        f"#{r4.pk}", "R4 逾期的工作许可", "科聪控制", "外国人来华工作许可", "已受理", "周敏", "2024-12-18 09:00",
        "2024-12-19 09:00", "25.00",
    ]]
    sheet = sheet_table(sheets, "超期未办结诉求")
    assert sheet["rows"] == [[
        f"#{r4.pk}", "R4 逾期的工作许可", "科聪控制", "外国人来华工作许可", "已受理", "周敏",
        dt.datetime(2024, 12, 18, 9, 0), dt.datetime(2024, 12, 19, 9, 0), 25,
    ]]


def test_a_paused_clock_is_read_as_of_when_it_paused_so_the_request_is_not_overdue(service_world, manager_api):
    """Waiting on an external authority since 1 hour after submission: 23 of 24 hours left, though due_at has passed."""
    paused = ServiceCategoryFactory(code="paused", name="外部审批类", sla_value=24, pause_while_waiting_external=True)
    enterprise = EnterpriseFactory()
    request = service_request(enterprise=enterprise, submitted_by=enterprise_user(enterprise), category=paused,
                              title="暂停计时", at=at("2024-12-19", 8))
    for action, hour in [("accept", 8), ("wait_external", 9)]:
        request = service_request_transition(service_request=request, action=action, actor=service_world["zhou"],
                                             at=at("2024-12-19", hour))

    api = manager_api.get(API).json()
    category = next(c for c in api["categories"] if c["category"] == "paused")
    assert (category["green"], category["yellow"], category["red"]) == (1, 0, 0)
    assert api["totals"]["overdue"] == 1


def test_filters_select_requests_by_submission_date_park_chain_and_handling_officer(three_ways, service_world):
    _page, _sheets, api = three_ways("start=2024-12-10&end=2024-12-12")
    assert (api["totals"]["total"], api["totals"]["resolved"], api["totals"]["on_time"]) == (2, 2, 1)

    _page, _sheets, api = three_ways(f"park={service_world['xike'].pk}")  # 西湖阳光: R1, R2, R3, R8
    assert [(c["category"], c["total"]) for c in api["categories"]] == [("work_permit", 3), ("business_registration", 1)]

    _page, _sheets, api = three_ways("chain=xinchuang")  # 科聪控制: R4, R5, R6, R7
    assert api["totals"]["total"] == 4

    # wu took R6 and R8; R7 was rejected straight from 已提交, so nobody handled it.
    _page, _sheets, api = three_ways(f"owner={service_world['wu'].pk}")
    assert (api["totals"]["total"], api["totals"]["median_handling_hours"]) == (2, "60.00")


def test_a_filter_that_matches_nothing_gives_no_categories_and_no_percentages(three_ways):
    page, sheets, api = three_ways("start=2025-01-01")

    assert api["categories"] == []
    assert api["totals"]["total"] == 0
    assert api["totals"]["sla_compliance"] is None
    assert api["totals"]["median_handling_hours"] is None
    assert api["totals"]["satisfaction_average"] is None
    assert api["overdue"] == []
    assert api["approval_steps"] == {"green": 0, "yellow": 0, "red": 0, "done_on_time": 0, "done_late": 0}
    assert page_tables(page)["overdue"]["rows"] == []
    assert "暂无数据" in page.content.decode()
    assert sheet_table(sheets, "办理时效与满意度")["rows"] == [["全部", 0, 0, None, None, None, 0, None]]
