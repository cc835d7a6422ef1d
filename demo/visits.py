"""The demo's 包联 and 走访 (issue 15, item 5): officers in charge of the article's in-park enterprises, a season
(about three months) of visits, and the problems heard there turned into requests — one still being handled,
the others solved.

Idempotent like the rest of the demo (``demo.builder``): an assignment is written only when it differs; a visit is
keyed on its enterprise and topics (its date is relative to the day the demo is loaded, so a rerun days later finds
it by what was said, not when), and one that exists is left as it is, with its problems and their requests.
"""

import datetime as dt
from dataclasses import dataclass

from crm.models import Visit
from crm.service_requests.services import service_request_transition
from crm.visits.services import enterprise_assign_responsible, visit_problem_to_request, visit_record

from .data import Ago

# 包联: enterprise (short name) → (包联干部, 包联领导, 重点企业); usernames of demo.data.ACCOUNTS.
IN_CHARGE = {
    "西湖阳光": ("service", "manager", False),
    "科聪控制": ("service", "manager", True),
    "元素驱动": ("service", "manager", False),
    "西湖心辰": ("service", "manager", True),
    "西湖潜鲲": ("service", "manager", False),
    "永创智能": ("officer", "manager", True),
    "芯体素": ("officer", "manager", False),
    "三坛": ("officer", "manager", False),
    "力合科技": ("officer", "manager", False),
    "玉之泉": ("officer2", "manager", False),
    "芯格睿特": ("officer2", "manager", False),
    "羲和光电": ("officer2", "manager", False),
    "西湖机器人": ("officer2", "manager", False),
}


@dataclass(frozen=True)
class ProblemSpec:
    description: str
    category: str = ""  # turned into a request of this category (a code of demo.data.CATEGORIES), else not turned
    outcome: str = ""  # "resolved" (solved) or "in_progress" (still being handled), for a turned problem


@dataclass(frozen=True)
class VisitSpec:
    enterprise: str
    when: Ago
    recorder: str
    visitors: tuple[str, ...]
    met_with: str
    topics: str
    problems: tuple[ProblemSpec, ...] = ()


VISITS = (
    VisitSpec("玉之泉", Ago(95), "officer2", ("officer2",), "方泉（总经理）",
              "信创产品进入省级采购目录的进展；二期洁净车间的装修计划。"),
    VisitSpec("科聪控制", Ago(84), "service", ("service", "officer"), "杨剑剑（董事长助理）",
              "智造中心投产以来的出货情况；年关前两个月备货的资金和用工安排。",
              (ProblemSpec("年关备货期间需临时招用约 60 名装配工，希望园区对接人力资源市场组织专场招聘。",
                           "business_registration", "resolved"),)),
    VisitSpec("羲和光电", Ago(85), "officer2", ("officer2",), "薛和（总经理）", "光模块新产线的环评手续和用电负荷。"),
    VisitSpec("永创智能", Ago(76), "officer", ("officer", "lead"), "吴建华（副总经理）",
              "首台（套）装备的推广应用；“小脑”控制器与科聪控制的配套合作。",
              (ProblemSpec("申报 2024 年度首台（套）装备保险补偿，希望驿站协助准备材料。", "policy_redemption", "resolved"),)),
    VisitSpec("西湖阳光", Ago(70), "service", ("service",), "陈思远（人力资源总监）",
              "外籍研发人员来华工作的后续需求；人才公寓的配租。",
              (ProblemSpec("两名外籍研究员的家属随迁，需要办理子女入学咨询。"),)),
    VisitSpec("西湖心辰", Ago(62), "service", ("service",), "蓝振忠（创始人、首席科学家）",
              "AI 心理咨询产品的备案；算力成本。",
              (ProblemSpec("生成式人工智能服务备案材料需要属地网信部门的预审意见，希望驿站帮助对接。",
                           "business_registration", "resolved"),
               ProblemSpec("申请“中国云谷”智算中心的算力券，希望了解兑现流程。", "policy_redemption", "resolved"))),
    VisitSpec("芯体素", Ago(55), "officer", ("officer",), "周航（董事长）", "增材制造装备的订单和二期用地需求。"),
    VisitSpec("元素驱动", Ago(48), "service", ("service",), "张科春（创始人）",
              "PiX 地膜在阿克苏棉田的推广；中试线扩产。",
              (ProblemSpec("中试线扩产需要新增一处约 500 平方米的厂房，希望园区推荐可租载体。"),)),
    VisitSpec("三坛", Ago(41), "officer", ("officer", "service"), "赵峰（副总经理）", "手术机器人的注册证进度和临床合作医院。"),
    VisitSpec("力合科技", Ago(34), "officer", ("officer",), "黄志诚（总经理）",
              "云创成果转化基地的建设；玄创机器人等孵化项目的入驻。"),
    VisitSpec("西湖潜鲲", Ago(27), "service", ("service",), "王鲲（创始人）", "水下机器人海试安排；融资进展。"),
    VisitSpec("西湖机器人", Ago(13), "officer2", ("officer2",), "孟远（首席执行官）", "机器人“大脑”大模型的算力需求和人才招聘。"),
    VisitSpec("西湖阳光", Ago(20), "service", ("service", "manager"), "陈思远（人力资源总监）",
              "年度回访：工作许可办理体验、明年的人才引进计划。"),
    VisitSpec("科聪控制", Ago(5), "service", ("service",), "杨剑剑（董事长助理）",
              "专场招聘的效果；年底出货高峰的物流。",
              (ProblemSpec("出货高峰期厂区门前道路临时停车位不足，希望协调增设货车临时装卸区。",
                           "planning_land", "in_progress"),)),
)


def build_visits(builder) -> None:
    """包联 assignments, then the season's visits (called by ``DemoBuilder.build`` after the requests)."""
    users, enterprises = builder.users, builder.enterprises
    for short_name, (officer, leader, is_key) in IN_CHARGE.items():
        enterprise = enterprises[short_name]
        wanted = (users[officer].pk, users[leader].pk, is_key)
        if (enterprise.responsible_officer_id, enterprise.responsible_leader_id, enterprise.is_key) != wanted:
            enterprise_assign_responsible(
                enterprise=enterprise, actor=users[officer], officer=users[officer], leader=users[leader], is_key=is_key
            )
    for spec in VISITS:
        enterprise = enterprises[spec.enterprise]
        if Visit.objects.filter(enterprise=enterprise, topics=spec.topics).exists():
            continue
        visited_at = builder.moment(spec.when)
        visit = visit_record(
            enterprise=enterprise, visited_on=visited_at.date(), topics=spec.topics, met_with=spec.met_with,
            recorded_by=users[spec.recorder], visitors=[users[name] for name in spec.visitors],
            problems=[problem.description for problem in spec.problems],
        )
        for problem, problem_spec in zip(visit.problems.order_by("id"), spec.problems, strict=True):
            if problem_spec.category:
                _turn(builder, problem, problem_spec, at=visited_at + dt.timedelta(days=1))


def _turn(builder, problem, spec: ProblemSpec, *, at: dt.datetime) -> None:
    """The station head 周敏 turns the problem into a request the day after the visit and handles it."""
    desk = builder.users["service"]
    request = visit_problem_to_request(problem=problem, category=builder.categories[spec.category], actor=desk, at=at)
    steps = [("accept", 1), ("start", 2)] + ([("resolve", 30)] if spec.outcome == "resolved" else [])
    for action, hours in steps:
        request = service_request_transition(
            service_request=request, action=action, actor=desk, at=at + dt.timedelta(hours=hours),
            note="已协调办结。" if action == "resolve" else "",
        )
