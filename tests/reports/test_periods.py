"""The pipeline's honest totals and the periods of the report pages (本年 / 上年 / 本季度 / 上季度 / 近 12 个月 / 自定义).

On the ten-project world of tests/reports/conftest.py (``pipeline_world``, clock 2024-12-20 10:00): P7 (9,000 万元,
人工智能, 李晓燕) is 终止; nothing is 暂缓 until a test pauses a project.
"""

from functools import partial

import pytest

from crm.models import Stage
from crm.pipeline.services import project_change_stage
from tests.factories import UserFactory, investment_lead, manager, service_officer
from tests.reports.conftest import at
from tests.reports.support import page_tables, read_three_ways

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
