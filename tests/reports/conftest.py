"""Small worlds with known answers for the report tests, all on the clock of 2024-12-20 10:00 (Asia/Shanghai).

Each world is built by hand through the services (project_create / project_change_stage with ``at=``,
service_request_submit / service_request_transition with ``at=``); the tests write the expected
figures as literals, worked out by hand from what is built here.
"""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from crm.models import (
    ApprovalStep,
    CapitalArrival,
    Milestone,
    ProjectMilestone,
    ServiceCategory,
    YearlyTarget,
)
from crm.pipeline.services import project_change_stage
from crm.service_requests.satisfaction import service_request_rate
from crm.service_requests.services import service_request_transition
from parks.models import PolicyGrant, Space
from tests.factories import (
    EnterpriseFactory,
    LandParcelFactory,
    ParkFactory,
    PolicyClauseFactory,
    PolicyFactory,
    ProjectFactory,
    ServiceCategoryFactory,
    enterprise_user,
    manager,
    officer,
    service_officer,
    service_request,
)
from tests.reports.support import api_client

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = dt.datetime(2024, 12, 20, 10, 0, tzinfo=SHANGHAI)


def at(day: str, hour: int = 10) -> dt.datetime:
    """A moment in Hangzhou: ``at("2024-03-01")`` is 10:00 that day."""
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def frozen_clock():
    """Every report test runs at 2024-12-20 10:00 in Hangzhou: "this year" is 2024, "today" is 12-20."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def boss(db):
    """A manager (管委会领导): the reader of the report pages."""
    return manager(username="boss", display_name="郑国华")


@pytest.fixture
def manager_client(boss):
    client = Client()
    client.force_login(boss)
    return client


@pytest.fixture
def manager_api(boss):
    return api_client(boss)


# -- the pipeline world --------------------------------------------------------------------------------


def walk(project, start: str, steps: list[tuple[str, int]], *, note: str = ""):
    """Move ``project`` (created at ``start``) through ``steps``: each is (stage, days after the previous move)."""
    moment = at(start)
    for stage, days in steps:
        moment += dt.timedelta(days=days)
        project = project_change_stage(
            project=project, to=stage, actor=project.owner, at=moment, note=note if stage == "lost" else ""
        )
    return project


@pytest.fixture
def pipeline_world(db):
    """Ten projects of two officers, with the stays in each stage chosen so averages and medians differ.

    Stage now (investment 万元): 线索 P1 3,000; 深度洽谈 P2 8,000 + P3 12,000 + P4 5,000; 签约 P8 10,000;
    注册落地 P5 150,000 + P9 6,000; 开工 P10 50,000; 投产 P6 20,000; 终止 P7 9,000.
    """
    wang = officer(username="wang", display_name="王志远")
    li = officer(username="li", display_name="李晓燕")
    xike = ParkFactory(name="西湖科技园", short_name="西科园")
    xinchuang = ParkFactory(name="省信创和商密产业园", short_name="信创园")
    sandun = EnterpriseFactory(name="三墩测试企业有限公司", jurisdiction="sandun")
    jiangcun = EnterpriseFactory(name="蒋村测试企业有限公司", jurisdiction="jiangcun")
    nowhere = EnterpriseFactory(name="未填属地测试企业有限公司", jurisdiction="")

    def project(name, amount, start, *, owner, enterprise, chain, park=None, source="walk_in"):
        return ProjectFactory(
            name=name, total_investment=Decimal(amount), fixed_asset_investment=Decimal("0"), owner=owner,
            enterprise=enterprise, industry_chain=chain, park=park, source_channel=source, at=at(start),
        )

    p = {}
    p[1] = project("P1 量子测量", "3000", "2024-03-01", owner=wang, enterprise=sandun, chain="ai", park=xike)
    p[2] = walk(project("P2 机器人关节", "8000", "2024-01-10", owner=wang, enterprise=sandun, chain="robotics", park=xike),
                "2024-01-10", [("contacted", 30), ("negotiating", 30)])
    p[3] = walk(project("P3 具身智能", "12000", "2024-02-01", owner=li, enterprise=sandun, chain="robotics", park=xinchuang),
                "2024-02-01", [("contacted", 10), ("negotiating", 30)])
    p[4] = walk(project("P4 商密芯片", "5000", "2023-10-01", owner=li, enterprise=sandun, chain="xinchuang"),
                "2023-10-01", [("contacted", 20), ("negotiating", 60)])
    p[5] = walk(project("P5 智算中心", "150000", "2023-06-01", owner=wang, enterprise=sandun, chain="cloud", park=xike,
                        source="fund_led"),
                "2023-06-01", [("contacted", 30), ("negotiating", 60), ("signed", 140), ("registered", 60)])
    p[6] = walk(project("P6 手术机器人", "20000", "2021-01-01", owner=li, enterprise=jiangcun, chain="robotics",
                        park=xinchuang, source="chain_led"),
                "2021-01-01", [("contacted", 40), ("negotiating", 20), ("signed", 100), ("registered", 60),
                               ("construction", 100), ("production", 300)])
    p[7] = walk(project("P7 视觉算法", "9000", "2024-04-01", owner=li, enterprise=jiangcun, chain="ai"),
                "2024-04-01", [("contacted", 30), ("lost", 30)], note="落户外地")
    p[8] = walk(project("P8 智能产线", "10000", "2024-05-01", owner=wang, enterprise=jiangcun, chain="smart_manufacturing"),
                "2024-05-01", [("contacted", 10), ("negotiating", 30), ("signed", 60)])
    p[9] = walk(project("P9 新材料中试", "6000", "2024-01-05", owner=li, enterprise=jiangcun, chain="new_materials",
                        park=xike),
                "2024-01-05", [("contacted", 10), ("negotiating", 30), ("signed", 60), ("registered", 60)])
    p[10] = walk(project("P10 基因测序", "50000", "2022-06-01", owner=li, enterprise=nowhere, chain="life_health",
                         park=xike, source="chain_led"),
                 "2022-06-01", [("contacted", 30), ("negotiating", 30), ("signed", 60), ("registered", 210),
                                ("construction", 150)])

    for project_no, day, amount in [
        (5, "2024-04-15", "45000.55"), (6, "2022-01-10", "20000"), (10, "2024-02-01", "15000.25"),
        (10, "2023-06-01", "5000"), (7, "2024-04-20", "1000"),  # P7 is lost: its money is not "committed"
    ]:
        CapitalArrival.objects.create(project=p[project_no], arrived_on=dt.date.fromisoformat(day), amount=Decimal(amount))

    for project_no, kind, planned, actual in [
        (5, Milestone.LAND_DELIVERY, "2024-04-15", "2024-04-10"),  # green: done on time
        (5, Milestone.CONSTRUCTION_START, "2024-12-01", None),  # red: planned date passed
        (9, Milestone.CONSTRUCTION_START, "2024-08-01", "2024-09-01"),  # red: done late (and P9 has started)
        (9, Milestone.COMPLETION, "2025-01-10", None),  # yellow: within 30 days
        (10, Milestone.COMPLETION, "2025-06-01", None),  # green
        (10, Milestone.FULL_PRODUCTION, "2024-12-20", None),  # yellow: due today
        (6, Milestone.FULL_PRODUCTION, "2024-12-19", None),  # red: due yesterday
        (7, Milestone.LAND_DELIVERY, "2024-06-01", None),  # a lost project's milestone: not counted
    ]:
        ProjectMilestone.objects.create(
            project=p[project_no], kind=kind, planned_on=dt.date.fromisoformat(planned),
            actual_on=dt.date.fromisoformat(actual) if actual else None,
        )
    YearlyTarget.objects.create(year=2024, metric="landed_key_projects", target=Decimal("2"))
    YearlyTarget.objects.create(year=2024, metric="signed_investment", target=Decimal("200000"))
    YearlyTarget.objects.create(year=2023, metric="landed_key_projects", target=Decimal("30"))
    return {"projects": p, "wang": wang, "li": li, "xike": xike, "xinchuang": xinchuang}


# -- the service world ---------------------------------------------------------------------------------


@pytest.fixture
def service_world(db):
    """Eight requests in two categories; see test_service_report.py for what each one is."""
    xike = ParkFactory(name="西湖科技园", short_name="西科园")
    other_park = ParkFactory(name="云创基地")
    sunshine = EnterpriseFactory(name="西湖阳光（杭州）科技有限公司", short_name="西湖阳光", park=xike)
    kecong = EnterpriseFactory(name="杭州科聪控制技术有限公司", short_name="科聪控制", park=other_park, industry_chain="xinchuang")
    alice = enterprise_user(sunshine, username="alice")
    bob = enterprise_user(kecong, username="bob")
    zhou = service_officer(username="zhou", display_name="周敏")
    wu = service_officer(username="wu", display_name="吴昊")
    permit = ServiceCategoryFactory(sort_order=1)  # 外国人来华工作许可, 24 calendar hours
    housing = ServiceCategoryFactory(
        code="business_registration", name="企业开办", sla_unit=ServiceCategory.SlaUnit.CALENDAR_HOURS, sla_value=72, sort_order=2
    )

    def submit(enterprise, user, category, when, title):
        return service_request(enterprise=enterprise, submitted_by=user, category=category, title=title, at=at(*when))

    def move(request, officer_, *steps):
        for action, when in steps:
            request = service_request_transition(service_request=request, action=action, actor=officer_, at=at(*when), note="说明")
        return request

    r = {}
    # R1: 12 hours, on time, rated 5.
    r[1] = move(submit(sunshine, alice, permit, ("2024-12-10", 9), "R1"), zhou,
                ("accept", ("2024-12-10", 10)), ("resolve", ("2024-12-10", 21)))
    service_request_rate(service_request=r[1], user=alice, rating=5)
    # R2: resolved 2 hours late (26 hours), rated 3.
    r[2] = move(submit(sunshine, alice, permit, ("2024-12-12", 9), "R2"), zhou,
                ("accept", ("2024-12-12", 10)), ("resolve", ("2024-12-13", 11)))
    service_request_rate(service_request=r[2], user=alice, rating=3)
    # R3: submitted yesterday 12:00, due today 12:00: 2 of 24 hours left — yellow.
    r[3] = submit(sunshine, alice, permit, ("2024-12-19", 12), "R3")
    # R4: due yesterday 09:00, 25 hours overdue — red; handled by zhou.
    r[4] = move(submit(kecong, bob, permit, ("2024-12-18", 9), "R4 逾期的工作许可"), zhou, ("accept", ("2024-12-18", 10)))
    # R5: 48 of 72 hours left — green.
    r[5] = submit(kecong, bob, housing, ("2024-12-19", 10), "R5")
    # R6: 24 hours, on time, rated 4; handled by wu.
    r[6] = move(submit(kecong, bob, housing, ("2024-12-01", 10), "R6"), wu,
                ("accept", ("2024-12-01", 11)), ("resolve", ("2024-12-02", 10)))
    service_request_rate(service_request=r[6], user=bob, rating=4)
    # R7: rejected.
    r[7] = move(submit(kecong, bob, housing, ("2024-11-01", 10), "R7"), wu, ("reject", ("2024-11-01", 12)))
    # R8: resolved 24 hours late (96 hours), not rated.
    r[8] = move(submit(sunshine, alice, housing, ("2024-12-05", 10), "R8"), wu,
                ("accept", ("2024-12-05", 11)), ("resolve", ("2024-12-09", 10)))

    for request_no, sequence, due, completed in [
        (4, 1, ("2024-12-19", 12), ("2024-12-19", 11)),  # done on time
        (4, 2, ("2024-12-20", 20), None),  # yellow: due within 24 hours
        (4, 3, ("2024-12-22", 10), None),  # green
        (3, 1, ("2024-12-20", 9), None),  # red: an hour past due
        (2, 1, ("2024-12-12", 15), ("2024-12-12", 18)),  # done 3 hours late
    ]:
        ApprovalStep.objects.create(
            request=r[request_no], sequence=sequence, name=f"环节{sequence}", due_at=at(*due),
            completed_at=at(*completed) if completed else None,
        )
    return {"requests": r, "zhou": zhou, "wu": wu, "xike": xike, "permit": permit, "housing": housing,
            "sunshine": sunshine, "kecong": kecong}


# -- the land world ------------------------------------------------------------------------------------


@pytest.fixture
def land_world(db):
    """Six parcels and four spaces in two parks; three parcels transferred (出让) in 2024."""
    xike = ParkFactory(name="西湖科技园", short_name="西科园")
    xinchuang = ParkFactory(name="省信创和商密产业园", short_name="信创园")
    landed = ProjectFactory(name="落地项目")

    def parcel(code, park, use, area, status, transferred=None):
        return LandParcelFactory(
            code=code, park=park, land_use=use, area_m2=Decimal(area), status=status,
            project=landed if transferred else None,
            transferred_on=dt.date.fromisoformat(transferred) if transferred else None,
        )

    parcel("L1", xike, "M1", "20000", "available")
    parcel("L2", xike, "M1", "30000.50", "transferred", "2024-03-01")
    parcel("L3", xike, "B", "15000", "under_construction", "2023-11-30")
    parcel("L4", xinchuang, "M0", "12345.67", "transferred", "2024-12-01")
    parcel("L5", xinchuang, "BR", "8000", "delivered", "2024-06-01")
    parcel("L6", xinchuang, "RD", "5000", "planned")
    occupant = EnterpriseFactory()
    for park, unit, area, status in [
        (xike, "101", "1000", Space.Status.OCCUPIED), (xike, "102", "500", Space.Status.VACANT),
        (xike, "103", "300", Space.Status.RESERVED), (xinchuang, "201", "2000", Space.Status.OCCUPIED),
    ]:
        Space.objects.create(
            park=park, building="1号楼", unit=unit, area_m2=Decimal(area), status=status,
            occupant=occupant if status == Space.Status.OCCUPIED else None,
        )
    return {"xike": xike, "xinchuang": xinchuang}


# -- the policy world ----------------------------------------------------------------------------------


@pytest.fixture
def policy_world(db):
    """Two policies, three clauses, five grants (applied, approved, disbursed, rejected, partly disbursed)."""
    xike = ParkFactory(name="西湖科技园", short_name="西科园")
    xinchuang = ParkFactory(name="省信创和商密产业园", short_name="信创园")
    e1 = EnterpriseFactory(park=xike, industry_chain="robotics")
    e2 = EnterpriseFactory(park=xinchuang, industry_chain="xinchuang")
    zijin = PolicyFactory(name="信创“紫金十条”", short_name="紫金十条")
    talent = PolicyFactory(name="人才新政")
    z1 = PolicyClauseFactory(policy=zijin, number=1, title="研发补助")
    z2 = PolicyClauseFactory(policy=zijin, number=2, title="房租补贴", benefit_kind="rent_subsidy")
    t1 = PolicyClauseFactory(policy=talent, number=1, title="人才补贴", benefit_kind="talent_subsidy")

    def d(day):
        return dt.date.fromisoformat(day) if day else None

    for clause, enterprise, status, applied, applied_on, approved, approved_on, disbursed, disbursed_on in [
        (z1, e1, "disbursed", "100", "2024-02-01", "80.50", "2024-03-01", "80.50", "2024-04-01"),
        (z1, e2, "approved", "200", "2024-04-01", "150.25", "2024-05-01", None, None),
        (z2, e1, "applied", "50", "2024-06-01", None, None, None, None),
        (z2, e2, "rejected", "30", "2023-12-01", None, None, None, None),
        (t1, e1, "disbursed", "60", "2023-10-01", "60", "2023-11-01", "40", "2024-01-10"),
    ]:
        PolicyGrant.objects.create(
            clause=clause, enterprise=enterprise, status=status, applied_amount=Decimal(applied),
            applied_on=d(applied_on), approved_amount=Decimal(approved) if approved else None,
            approved_on=d(approved_on), disbursed_amount=Decimal(disbursed) if disbursed else None,
            disbursed_on=d(disbursed_on),
        )
    return {"xike": xike, "xinchuang": xinchuang}

