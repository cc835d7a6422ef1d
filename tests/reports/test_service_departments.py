"""The department figures of the service report (企业服务报表 · 承办单位), checked against a world built by hand.

On the reports' clock, 2024-12-20 10:00 (Asia/Shanghai). One category, 政策咨询: its departments work in calendar
hours, 主办 24 h and 协办 12 h. Three departments — A 人社/外专, B 市场监管, C 规划资源 (in that order) — each with
its liaison; the desk is 周敏 (zhou) and 吴昊 (wu); the station head decides extensions. Every step goes through its
service with a known time:

R1 (zhou) routed 12-02 10:00 — A lead (due 12-03 10:00) completes 12-02 20:00: 10 h, on time;
   B assist (due 12-02 22:00) completes 12-03 01:00: 15 h, late. Resolved; call-back 满意.
R2 (zhou) routed 12-05 10:00 — A lead (due 12-06 10:00) asks 12-06 08:00 to extend to 12-07 10:00, approved
   12-06 09:00, completes 12-07 08:00: 46 h, on time (by the extended due time);
   B assist (due 12-05 22:00) asks to extend, refused, completes 12-05 21:30: 11.5 h, on time.
   Resolved; call-back 不满意 (reopened), resolved again; call-back 基本满意.
R3 (wu) routed 12-10 10:00 — B lead hands back at 15:00; the desk transfers it to C at 16:00 (due 12-11 16:00),
   C completes 12-11 20:00: 28 h, late. Resolved; call-back 不满意 (reopened, still open).
R4 (wu) routed 12-18 10:00 — A lead (due 12-19 10:00) still active: overdue, late;
   C assist routed 12-20 09:00 (due 21:00) still active, not yet due: counted in neither.

Per department, worked out by hand:
A: 3 routings (3 lead), 2 completed, on time 2, late 1 (R4 overdue) → 66.67 %; median of 10 h and 46 h = 28 h;
   1 extension asked, 1 approved; no hand-back, no transfer.
B: 3 routings (1 lead, 2 assist), 2 completed, on time 1, late 1 → 50 %; median of 15 h and 11.5 h = 13.25 h;
   1 extension asked, 0 approved; 1 hand-back; 1 transferred away (the handed-back lead of R3).
C: 2 routings (1 lead, 1 assist), 1 completed, on time 0, late 1 → 0 %; median 28 h; nothing else.
Call-backs by lead department: A (R1, R2) 满意 1, 基本满意 1, 不满意 1 → 66.67 %; C (R3) 不满意 1 → 0 %;
B leads nothing any more. By officer: 周敏 1/1/1 → 66.67 %; 吴昊 0/0/1 → 0 %.
"""

from functools import partial

import pytest

from crm.models import ServiceCategory
from crm.service_requests.callbacks import request_record_callback
from crm.service_requests.routing import (
    routing_complete,
    routing_create,
    routing_decide_extension,
    routing_hand_back,
    routing_request_extension,
    routing_transfer,
)
from crm.service_requests.services import service_request_transition
from tests.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    ServiceCategoryFactory,
    department_liaison,
    enterprise_user,
    service_officer,
    service_request,
    station_head,
)
from tests.reports.conftest import at
from tests.reports.support import page_tables, read_three_ways, sheet_table

pytestmark = pytest.mark.django_db

PAGE = "/reports/service/"
EXPORT = "/reports/service/export.xlsx"
API = "/api/v1/reports/service/"


def build_department_world(*, zhou=None, wu=None):
    """The world of this module's docstring; returns its people and departments."""
    category = ServiceCategoryFactory(
        code="policy_consulting", name="政策咨询", sla_unit=ServiceCategory.SlaUnit.CALENDAR_HOURS, sla_value=72,
        routing_limit_unit=ServiceCategory.SlaUnit.CALENDAR_HOURS, lead_limit=24, assist_limit=12, form=False,
    )
    a = DepartmentFactory(name="区人力社保局（外国专家服务）", short_name="人社/外专", sort_order=1)
    b = DepartmentFactory(name="区市场监督管理局", short_name="市场监管", sort_order=2)
    c = DepartmentFactory(name="区规划和自然资源局", short_name="规划资源", sort_order=3)
    la, lb, lc = (department_liaison(d, username=f"liaison_{n}") for d, n in ((a, "a"), (b, "b"), (c, "c")))
    zhou = zhou or service_officer(username="zhou", display_name="周敏")
    wu = wu or service_officer(username="wu", display_name="吴昊")
    head = station_head(username="head", display_name="驿站站长")
    enterprise = EnterpriseFactory(name="杭州西湖生物医药有限公司")
    alice = enterprise_user(enterprise, username="alice_dept")

    def accepted(title, day, officer):
        request = service_request(enterprise=enterprise, submitted_by=alice, category=category, title=title, at=at(day, 9))
        return service_request_transition(service_request=request, action="accept", actor=officer, at=at(day, 10))

    def route(request, department, role, when):
        return routing_create(service_request=request, department=department, role=role, note="请办理", actor=request.assignee,
                              at=when)

    def resolve(request, when):
        return service_request_transition(service_request=request, action="resolve", actor=request.assignee, at=when)

    # R1
    r1 = accepted("R1 外籍人才政策咨询", "2024-12-02", zhou)
    routing_complete(routing=route(r1, a, "lead", at("2024-12-02", 10)), actor=la, at=at("2024-12-02", 20))
    routing_complete(routing=route(r1, b, "assist", at("2024-12-02", 10)), actor=lb, at=at("2024-12-03", 1))
    r1 = resolve(r1, at("2024-12-03", 9))
    request_record_callback(service_request=r1, result="satisfied", comment="很满意", actor=zhou, at=at("2024-12-04"))
    # R2
    r2 = accepted("R2 人才公寓申请咨询", "2024-12-05", zhou)
    a2 = route(r2, a, "lead", at("2024-12-05", 10))
    b2 = route(r2, b, "assist", at("2024-12-05", 10))
    asked = routing_request_extension(routing=b2, due_at=at("2024-12-06", 22), reason="材料待补", actor=lb,
                                      at=at("2024-12-05", 20))
    routing_decide_extension(extension=asked, approve=False, note="请按时办结", actor=head, at=at("2024-12-05", 21))
    routing_complete(routing=b2, actor=lb, at=at("2024-12-05", 21).replace(minute=30))
    asked = routing_request_extension(routing=a2, due_at=at("2024-12-07", 10), reason="需外专局会商", actor=la,
                                      at=at("2024-12-06", 8))
    routing_decide_extension(extension=asked, approve=True, note="同意", actor=head, at=at("2024-12-06", 9))
    routing_complete(routing=a2, actor=la, at=at("2024-12-07", 8))
    r2 = resolve(r2, at("2024-12-07", 9))
    request_record_callback(service_request=r2, result="unsatisfied", comment="答复不完整", actor=zhou, at=at("2024-12-08"))
    r2.refresh_from_db()
    r2 = resolve(r2, at("2024-12-09"))
    request_record_callback(service_request=r2, result="basic", comment="", actor=zhou, at=at("2024-12-10"))
    # R3
    r3 = accepted("R3 厂房规划咨询", "2024-12-10", wu)
    b3 = route(r3, b, "lead", at("2024-12-10", 10))
    routing_hand_back(routing=b3, reason="不属于本单位职责", actor=lb, at=at("2024-12-10", 15))
    c3 = routing_transfer(routing=b3, to_department=c, note="转规划资源", actor=wu, at=at("2024-12-10", 16))
    routing_complete(routing=c3, actor=lc, at=at("2024-12-11", 20))
    r3 = resolve(r3, at("2024-12-12"))
    request_record_callback(service_request=r3, result="unsatisfied", comment="仍未解决", actor=wu, at=at("2024-12-13"))
    # R4
    r4 = accepted("R4 外籍高管工作许可咨询", "2024-12-18", wu)
    route(r4, a, "lead", at("2024-12-18", 10))
    route(r4, c, "assist", at("2024-12-20", 9))
    return {"a": a, "b": b, "c": c, "zhou": zhou, "wu": wu, "category": category}


@pytest.fixture
def department_world(db):
    return build_department_world()


@pytest.fixture
def three_ways(department_world, manager_client, manager_api):
    return partial(read_three_ways, manager_client, manager_api, page=PAGE, export=EXPORT, api=API)


def test_every_department_figure_matches_the_world_built_by_hand(three_ways, department_world):
    page, sheets, api = three_ways()

    a, b, c = (department_world[k].pk for k in "abc")
    assert api["departments"] == [
        {"department": a, "label": "区人力社保局（外国专家服务）", "routings": 3, "lead": 3, "assist": 0, "active": 1,
         "completed": 2, "on_time": 2, "late": 1, "overdue": 1, "on_time_rate": "66.67", "median_hours": "28.00",
         "extensions_requested": 1, "extensions_approved": 1, "handed_back": 0, "transferred": 0},
        {"department": b, "label": "区市场监督管理局", "routings": 3, "lead": 1, "assist": 2, "active": 0,
         "completed": 2, "on_time": 1, "late": 1, "overdue": 0, "on_time_rate": "50.00", "median_hours": "13.25",
         "extensions_requested": 1, "extensions_approved": 0, "handed_back": 1, "transferred": 1},
        {"department": c, "label": "区规划和自然资源局", "routings": 2, "lead": 1, "assist": 1, "active": 1,
         "completed": 1, "on_time": 0, "late": 1, "overdue": 0, "on_time_rate": "0.00", "median_hours": "28.00",
         "extensions_requested": 0, "extensions_approved": 0, "handed_back": 0, "transferred": 0},
    ]
    table = page_tables(page)["departments"]
    assert table["headers"] == [
        "承办单位", "分办（件）", "主办（件）", "协办（件）", "已办结（件）", "按时办结（件）", "逾期（件）", "按时率（%）",
        "办理时长中位数（小时）", "延期申请（次）", "延期批准（次）", "退回（件）", "转办（件）",
    ]
    assert table["rows"] == [
        ["区人力社保局（外国专家服务）", "3", "3", "0", "2", "2", "1", "66.67", "28.00", "1", "1", "0", "0"],
        ["区市场监督管理局", "3", "1", "2", "2", "1", "1", "50.00", "13.25", "1", "0", "1", "1"],
        ["区规划和自然资源局", "2", "1", "1", "1", "0", "1", "0.00", "28.00", "0", "0", "0", "0"],
    ]
    sheet = sheet_table(sheets, "承办单位办理情况")
    assert sheet["rows"] == [
        ["区人力社保局（外国专家服务）", 3, 3, 0, 2, 2, 1, 66.67, 28, 1, 1, 0, 0],
        ["区市场监督管理局", 3, 1, 2, 2, 1, 1, 50, 13.25, 1, 0, 1, 1],
        ["区规划和自然资源局", 2, 1, 1, 1, 0, 1, 0, 28, 0, 0, 0, 0],
    ]
    assert "按时率 = 按时办结 /（按时办结 + 逾期）" in sheet["note"]


def test_satisfaction_by_lead_department_and_by_officer_matches_the_call_backs(three_ways, department_world):
    page, sheets, api = three_ways()

    w = department_world
    assert api["department_satisfaction"] == [
        {"key": w["a"].pk, "label": "区人力社保局（外国专家服务）", "callbacks": 3, "satisfied": 1, "basic": 1,
         "unsatisfied": 1, "satisfied_rate": "66.67"},
        {"key": w["c"].pk, "label": "区规划和自然资源局", "callbacks": 1, "satisfied": 0, "basic": 0,
         "unsatisfied": 1, "satisfied_rate": "0.00"},
    ]
    assert api["officer_satisfaction"] == [
        {"key": w["wu"].pk, "label": "吴昊", "callbacks": 1, "satisfied": 0, "basic": 0, "unsatisfied": 1,
         "satisfied_rate": "0.00"},
        {"key": w["zhou"].pk, "label": "周敏", "callbacks": 3, "satisfied": 1, "basic": 1, "unsatisfied": 1,
         "satisfied_rate": "66.67"},
    ]
    tables = page_tables(page)
    assert tables["department_satisfaction"]["headers"] == [
        "主办单位", "回访（次）", "满意（次）", "基本满意（次）", "不满意（次）", "满意率（%）",
    ]
    assert tables["department_satisfaction"]["rows"] == [
        ["区人力社保局（外国专家服务）", "3", "1", "1", "1", "66.67"],
        ["区规划和自然资源局", "1", "0", "0", "1", "0.00"],
    ]
    assert tables["officer_satisfaction"]["rows"] == [["吴昊", "1", "0", "0", "1", "0.00"], ["周敏", "3", "1", "1", "1", "66.67"]]
    assert sheet_table(sheets, "回访满意度（按经办人）")["rows"] == [["吴昊", 1, 0, 0, 1, 0], ["周敏", 3, 1, 1, 1, 66.67]]


def test_the_headers_explain_their_definitions_on_hover(manager_client, department_world):
    html = manager_client.get(PAGE).content.decode()

    # reports/definitions.py is the one source of these texts (docs/reports.md lists them too)
    assert 'title="按时办结除以按时办结与逾期之和。"' in html
    assert 'title="满意与基本满意的回访次数之和除以回访次数，每次回访都计入。"' in html


def test_the_owner_filter_keeps_the_departments_of_that_officers_requests(department_world, manager_api):
    api = manager_api.get(f"{API}?owner={department_world['zhou'].pk}").json()

    assert [(d["label"], d["routings"], d["on_time"], d["late"], d["median_hours"]) for d in api["departments"]] == [
        ("区人力社保局（外国专家服务）", 2, 2, 0, "28.00"),
        ("区市场监督管理局", 2, 1, 1, "13.25"),
    ]
    assert [(s["label"], s["callbacks"]) for s in api["officer_satisfaction"]] == [("周敏", 3)]
