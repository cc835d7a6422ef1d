"""The demo world as declarations: parks, enterprises, policy, parcels, events, projects, requests, accounts.

Illustrative data. What the source article states (names, 26 km², 700,000 m², 500 enterprises, “紫金十条”
issued in April 2024, the 10-亿 fund, 32 projects ≥ 1 亿 landed in 2024 of which 11 with fixed-asset
investment ≥ 1 亿 and 2 of those ≥ 10 亿, 7 industrial + 2 commercial/residential parcels in 2024, 8
“西湖链链看” sessions, the alliance founded in June 2024, the 中国云谷 pilot zone and the 信创 park in
October 2024, 科聪控制's 1,300 m² 智造中心 with 3 years rent-free, 西湖阳光's work permit within 24
hours, 杨剑剑 and 张和) is kept; everything else is invented but plausible.

Dates: history the article tells is absolute (2023–2025); what must look current when the demo is
loaded (the open pipeline, open requests, recent follow-ups) is relative: ``Ago(days)`` is that many
days before the day of loading (negative: ahead), ``FromNow(hours)`` that many hours from the moment
of loading.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from crm.models import EnterpriseQualification, Event, FollowUp, IndustryChain, Jurisdiction, Role, SourceChannel, Stage
from crm.models import ServiceCategory as Category
from parks.models import BenefitKind, EligibilityCriterion, LandUse, ParcelStatus, Park, PolicyGrant, Space

d = dt.date.fromisoformat
Q = EnterpriseQualification.Kind
C = IndustryChain
J = Jurisdiction
SC = SourceChannel
K = EligibilityCriterion.Kind

BRAIN = "机器人“大脑”（通用大模型）"
CEREBELLUM = "机器人“小脑”（运动控制）"

# 产业链环节 the demo adds to the lists (the article: 机器人“大脑”型企业 with large models, “小脑”型 controlling the robot):
# (chain, code, name, order).
CHAIN_SEGMENTS = [
    (C.ROBOTICS, "robot_brain", "大脑", 10),
    (C.ROBOTICS, "robot_cerebellum", "小脑", 20),
    (C.ROBOTICS, "robot_body", "本体与核心部件", 30),
    (C.AI, "ai_models", "大模型", 10),
    (C.CLOUD, "intelligent_computing", "智算中心", 10),
]
# Enterprises whose place on the robotics chain the article names (short name → segment code).
ENTERPRISE_SEGMENTS = {"科聪控制": "robot_cerebellum", "永创智能": "robot_cerebellum",
                       "擎枢具身": "robot_brain", "灵犀关节": "robot_body", "微擎伺服": "robot_body"}
# A project's 细分赛道 text → the segment it belongs to.
SEGMENT_OF = {BRAIN: "robot_brain", CEREBELLUM: "robot_cerebellum", "智算中心": "intelligent_computing",
              "多模态大模型": "ai_models"}


@dataclass(frozen=True)
class Ago:
    """``days`` before the day the demo is loaded (negative: ahead), at ``hour`` o'clock Asia/Shanghai."""

    days: int
    hour: int = 10


@dataclass(frozen=True)
class FromNow:
    """``hours`` from the moment the demo is loaded (negative: in the past)."""

    hours: float


When = dt.date | Ago | FromNow


# ---------------------------------------------------------------------------------------------
# Accounts
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccountSpec:
    username: str
    display_name: str
    role: str | None  # a role group, None for the superuser
    enterprises: tuple[str, ...] = ()  # short names
    is_superuser: bool = False
    title: str = ""
    extra_groups: tuple[str, ...] = ()  # e.g. service_manager: receives due/overdue escalations
    departments: tuple[str, ...] = ()  # short names of the departments (承办单位) a liaison works for


ACCOUNTS = (
    AccountSpec("officer", "王志远", Role.INVESTMENT_OFFICER, title="招商专员"),
    AccountSpec("officer2", "李晓燕", Role.INVESTMENT_OFFICER, title="招商专员"),
    AccountSpec("lead", "陈建国", Role.INVESTMENT_LEAD, title="招商负责人"),
    # The station head (驿站站长): a service officer who also decides the departments' extension requests.
    AccountSpec("service", "周敏", Role.SERVICE_OFFICER, title="企业服务驿站站长",
                extra_groups=("service_manager", Role.SERVICE_LEAD)),
    AccountSpec("manager", "郑国华", Role.MANAGER, title="领导"),
    AccountSpec("enterprise", "陈思远", Role.ENTERPRISE, enterprises=("西湖阳光",), title="企业用户 · 西湖阳光"),
    AccountSpec("enterprise2", "杨剑剑", Role.ENTERPRISE, enterprises=("科聪控制",), title="企业用户 · 科聪控制"),
    AccountSpec("liaison", "孙立群", Role.DEPARTMENT_LIAISON, departments=("人社外专处",),
                title="承办单位联络员 · 人社外专处"),
    AccountSpec("liaison2", "钱卫东", Role.DEPARTMENT_LIAISON, departments=("西湖区市场监管局",),
                title="承办单位联络员 · 西湖区市场监管局"),
    AccountSpec("admin", "系统管理员", None, is_superuser=True, title="超级管理员"),
)


# ---------------------------------------------------------------------------------------------
# Parks and platforms
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParkSpec:
    name: str
    short_name: str
    kind: str
    parent: str | None = None
    planned_area_km2: Decimal | None = None
    target_built_area_m2: Decimal | None = None
    target_enterprises: int | None = None
    established_on: dt.date | None = None
    description: str = ""


CITY = "杭州紫金港科技城"
CLOUD_VALLEY = "“中国云谷”先导区"
XINCHUANG_PARK = "省信创和商密产业园"
WESTLAKE_BASE = "西湖大学/西湖实验室成果转化基地"
AI_INCUBATOR = "人工智能产业孵化中心"
YUNCHUANG_BASE = "云创成果转化基地"
IP_COMPLEX = "浙江知识产权全生命周期服务综合体"
XIKE = "西科园"
SERVICE_STATION = "紫金港科技城企业服务驿站"

PARKS = (
    ParkSpec(
        CITY, "紫金港科技城", Park.Kind.SCIENCE_CITY, planned_area_km2=Decimal("26"),
        description="杭州城西科创大走廊“龙首”、西湖区北强核心；规划面积 26 平方公里，拥有西湖大学、浙江大学两所名校，"
        "10 家国家级、118 家省级重点实验室（含高校），17 家国家“小巨人”、87 家省专精特新、14 家上市企业。",
    ),
    ParkSpec(
        CLOUD_VALLEY, "中国云谷", Park.Kind.PILOT_ZONE, parent=CITY, planned_area_km2=Decimal("3.2"),
        established_on=d("2024-10-16"),
        description="2024 年 10 月落地的“中国云谷”先导区：以“智算云”推动人工智能产业高质量发展的产业新地标。",
    ),
    ParkSpec(
        # The article: 省信创和商密产业园“置身在‘中国云谷’的版图之中”, hence its parent.
        XINCHUANG_PARK, "信创园", Park.Kind.INDUSTRIAL_PARK, parent=CLOUD_VALLEY,
        target_built_area_m2=Decimal("700000"), target_enterprises=500, established_on=d("2024-10-25"),
        description="浙江省唯一挂牌的省级信创和商密产业园；中期目标规划建设 70 万平方米、引入 500 家以上信创企业。"
        "玉之泉精密仪器、芯格睿特科技、羲和光电科技等 30 个项目已入驻，全年合计营收超 20 亿元、税收超 1 亿元。",
    ),
    ParkSpec(
        WESTLAKE_BASE, "西湖大学转化基地", Park.Kind.TRANSFORMATION_BASE, parent=CITY, established_on=d("2023-06-18"),
        description="西湖大学/西湖实验室成果转化基地：已落地西湖潜鲲、西湖阳光等项目 46 个，对外融资近 25 亿元、估值超 200 亿元。",
    ),
    ParkSpec(
        AI_INCUBATOR, "AI 孵化中心", Park.Kind.INCUBATOR, parent=CITY, established_on=d("2023-09-01"),
        description="人工智能产业孵化中心：“研发—验证—中试—熟化—产业化”全链条贯通的高能级平台。",
    ),
    ParkSpec(
        YUNCHUANG_BASE, "云创基地", Park.Kind.TRANSFORMATION_BASE, parent=CITY, established_on=d("2024-12-20"),
        description="与深圳力合科技共建的云创成果转化基地，推动“双湾”（杭州湾、深圳湾）产业互通，孵化玄创机器人等未来产业项目。",
    ),
    ParkSpec(
        IP_COMPLEX, "知识产权综合体", Park.Kind.SERVICE_COMPLEX, parent=CITY, established_on=d("2024-04-26"),
        description="浙江知识产权全生命周期服务综合体：知识产权创造、运用、保护、管理和服务一站式办理。",
    ),
    ParkSpec(
        XIKE, "西科园", Park.Kind.INDUSTRIAL_PARK, parent=CITY, planned_area_km2=Decimal("4.6"),
        description="西湖科技经济园区：智能制造与机器人产业集聚区，科聪控制智造中心所在地。",
    ),
    ParkSpec(
        SERVICE_STATION, "企业服务驿站", Park.Kind.SERVICE_COMPLEX, parent=CITY, established_on=d("2024-03-01"),
        description="紫金港科技城企业服务驿站：企业办事不出“城”，代办外国人来华工作许可、人才房、企业开办等事项。",
    ),
)


# ---------------------------------------------------------------------------------------------
# Enterprises
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactSpec:
    name: str
    title: str
    is_primary: bool = True
    email: str = ""
    notes: str = ""


@dataclass(frozen=True)
class EnterpriseSpec:
    short_name: str
    name: str
    chain: str
    status: str = "in_park"
    jurisdiction: str = ""
    park: str | None = None
    area_code: str = "330106"  # 杭州市西湖区
    registration_kind: str = "91"  # 91 企业; 52 民办非企业单位
    registered_capital: Decimal | None = None
    headcount: int | None = None
    rd_headcount: int | None = None
    founded_on: dt.date | None = None
    address: str = ""
    description: str = ""
    qualifications: tuple[tuple[str, dt.date], ...] = ()
    contacts: tuple[ContactSpec, ...] = ()


def _in_park(short, name, chain, park, jurisdiction, capital, headcount, rd, founded, contact, title, **kw):
    return EnterpriseSpec(
        short, name, chain, status="in_park", jurisdiction=jurisdiction, park=park,
        registered_capital=Decimal(capital) if capital is not None else None, headcount=headcount, rd_headcount=rd,
        founded_on=d(founded), contacts=(ContactSpec(contact, title),), **kw,
    )


def _prospect(short, name, chain, area_code, capital, headcount, founded, contact, title, **kw):
    return EnterpriseSpec(
        short, name, chain, status="prospect", area_code=area_code, registered_capital=Decimal(capital),
        headcount=headcount, founded_on=d(founded), contacts=(ContactSpec(contact, title),), **kw,
    )


ENTERPRISES = (
    # --- named by the article ---
    EnterpriseSpec(
        "科聪控制", "浙江科聪控制技术有限公司", C.ROBOTICS, jurisdiction=J.SANDUN, park=XIKE,
        registered_capital=Decimal("3000"), headcount=260, rd_headcount=120, founded_on=d("2013-03-12"),
        address="西科园 3 号厂房", qualifications=((Q.LITTLE_GIANT, d("2023-07-14")), (Q.HIGH_TECH, d("2022-12-24"))),
        description="国产替代的机器人行业领军者：控制器导航精度 ±2 毫米、角度 ±0.5 度，打破进口系统在国内高端市场的技术壁垒；"
        "临近年关提前两个月备货，月出货量约 1000 台。",
        contacts=(
            ContactSpec("杨剑剑", "董事长助理", notes="智造中心共计 1300 平方米，享受 3 年免房租政策。"),
            ContactSpec("何立新", "财务总监", is_primary=False),
        ),
    ),
    EnterpriseSpec(
        "西湖阳光", "西湖阳光（杭州）科技有限公司", C.NEW_MATERIALS, jurisdiction=J.SANDUN, park=WESTLAKE_BASE,
        registered_capital=Decimal("1500"), headcount=85, rd_headcount=52, founded_on=d("2021-09-08"),
        qualifications=((Q.TECH_SME, d("2024-05-20")),),
        description="西湖大学成果转化企业，研发新型光电与能源材料；外籍人才的来华工作许可由企业服务驿站 24 小时内办结。",
        contacts=(ContactSpec("陈思远", "人力资源总监"), ContactSpec("沈一帆", "研发总监", is_primary=False)),
    ),
    _in_park(
        "元素驱动", "元素驱动（杭州）材料科技有限公司", C.NEW_MATERIALS, WESTLAKE_BASE, J.SANDUN, "1200", 60, 35,
        "2021-04-16", "张科春", "创始人", qualifications=((Q.TECH_SME, d("2023-06-30")),),
        description="张科春团队研发的新型化学结构生物降解材料 PiX，在新疆阿克苏万亩棉田找到地膜应用场景。",
    ),
    _in_park(
        "西湖心辰", "西湖心辰（杭州）科技有限公司", C.AI, AI_INCUBATOR, J.JIANGCUN, "2000", 150, 110, "2021-03-15",
        "蓝振忠", "创始人、首席科学家", qualifications=((Q.HIGH_TECH, d("2023-12-08")), (Q.TECH_SME, d("2022-06-30"))),
        description="蓝振忠团队开发多模态“西湖大模型”和心辰 Lingo 语音大模型，4 年打磨 AI 心理咨询师，在 AI 情感陪伴领域领跑。",
    ),
    _in_park(
        "永创智能", "杭州永创智能设备股份有限公司", C.ROBOTICS, XIKE, J.SANDUN, "48000", 2800, 600, "2002-11-08",
        "吴建华", "副总经理",
        qualifications=((Q.LISTED, d("2015-05-29")), (Q.FIRST_OF_KIND, d("2024-09-20")), (Q.HIGH_TECH, d("2023-12-08"))),
        description="智能包装装备与控制智能机器人“小脑”的链主企业，获国内首台（套）装备认定。",
    ),
    _in_park(
        "芯体素", "芯体素（杭州）科技发展有限公司", C.SMART_MANUFACTURING, XIKE, J.SANDUN, "2500", 180, 90, "2018-06-21",
        "周航", "董事长",
        qualifications=(
            (Q.FIRST_OF_KIND, d("2024-09-20")), (Q.PROVINCIAL_SRDI, d("2023-12-15")), (Q.HIGH_TECH, d("2022-12-24")),
        ),
        description="功能性增材制造（高精度 3D 打印）装备企业，获国内首台（套）装备认定。",
    ),
    _in_park(
        "力合科技", "力合科技（杭州）有限公司", C.DIGITAL_ECONOMY, YUNCHUANG_BASE, J.SANDUN, "5000", 40, 12, "2024-12-10",
        "黄志诚", "总经理",
        description="元旦前从深圳而来入驻，联合紫金港科技城建设云创成果转化基地，正在孵化玄创机器人等未来产业项目。",
    ),
    EnterpriseSpec(
        "华大", "杭州华大生命科学研究院", C.LIFE_HEALTH, jurisdiction=J.JIANGCUN, registration_kind="52",
        headcount=420, rd_headcount=300, founded_on=d("2017-11-20"),
        description="数台二代高通量测序仪，每年产生约 15P（相当于 15000 个 T）的人群样本数据；联合近 50 家机构组建生命组学大数据创新联合体及子联盟。",
        contacts=(ContactSpec("张和", "院长"), ContactSpec("刘珂", "科研管理部主任", is_primary=False)),
    ),
    _in_park(
        "西湖潜鲲", "西湖潜鲲（杭州）科技有限公司", C.ROBOTICS, WESTLAKE_BASE, J.SANDUN, "1000", 45, 30, "2022-03-18",
        "王鲲", "创始人", description="西湖大学成果转化项目，研发仿生水下机器人。",
    ),
    _in_park(
        "玉之泉", "杭州玉之泉精密仪器有限公司", C.XINCHUANG, XINCHUANG_PARK, J.SANDUN, "2000", 70, 30, "2019-08-05",
        "方泉", "总经理", qualifications=((Q.TECH_SME, d("2024-04-30")),),
        description="精密仪器国产替代，入驻省信创和商密产业园。",
    ),
    _in_park(
        "芯格睿特", "杭州芯格睿特科技有限公司", C.XINCHUANG, XINCHUANG_PARK, J.SANDUN, "3000", 95, 70, "2020-10-12",
        "梁睿", "总经理", description="信创芯片设计企业，入驻省信创和商密产业园。",
    ),
    _in_park(
        "羲和光电", "杭州羲和光电科技有限公司", C.XINCHUANG, XINCHUANG_PARK, J.SANDUN, "2600", 120, 60, "2019-04-22",
        "薛和", "总经理", qualifications=((Q.HIGH_TECH, d("2023-12-08")),),
        description="光通信器件研发生产，入驻省信创和商密产业园。",
    ),
    _in_park(
        "西湖机器人", "西湖机器人科技（杭州）有限公司", C.ROBOTICS, AI_INCUBATOR, J.JIANGCUN, "5000", 130, 100, "2022-08-16",
        "孟远", "首席执行官", description="通用人工智能大模型的机器人“大脑”型企业。",
    ),
    _prospect(
        "华匠", "华匠智能科技（杭州）有限公司", C.ROBOTICS, "330110", "3000", 60, "2023-05-09", "华强", "总经理",
        description="人形机器人“大脑”研发企业，拟在紫金港科技城设立研发中心。",
    ),
    _in_park(
        "三坛", "杭州三坛医疗科技有限公司", C.ROBOTICS, XIKE, J.JIANGCUN, "4000", 320, 150, "2017-02-14",
        "赵峰", "副总经理", qualifications=((Q.PROVINCIAL_SRDI, d("2023-12-15")), (Q.HIGH_TECH, d("2022-12-24"))),
        description="骨科手术机器人企业，培育控制智能机器人的“小脑”。",
    ),
    _in_park(
        "玄创机器人", "杭州玄创机器人科技有限公司", C.ROBOTICS, YUNCHUANG_BASE, J.SANDUN, "500", 12, 10, "2024-12-24",
        "宋玄", "创始人", description="力合科技孵化的具身智能机器人未来产业项目。",
    ),
    _prospect(
        "金科汤姆猎", "浙江金科汤姆猎文化产业股份有限公司", C.AI, "330604", "351000", 900, "2002-09-16", "王健", "副总裁",
        jurisdiction=J.OTHER, qualifications=((Q.LISTED, d("2010-09-10")),),
        description="与西湖心辰联合开发家庭 AI 垂直模型，能回答小朋友“十万个为什么”并满足情感陪伴需求。",
    ),
    # --- invented: the rest of the 32 projects landed in 2024 and the open pipeline ---
    _in_park("云谷智算", "杭州云谷智算科技有限公司", C.CLOUD, CLOUD_VALLEY, J.SANDUN, "50000", 80, 45, "2024-09-26",
             "徐立", "总经理", description="“中国云谷”智算中心的建设运营主体。"),
    _in_park("启衡计算", "浙江启衡信创计算机有限公司", C.XINCHUANG, XINCHUANG_PARK, J.SANDUN, "20000", 340, 120,
             "2016-07-11", "沈嘉", "副总裁", qualifications=((Q.PROVINCIAL_SRDI, d("2022-12-20")),),
             description="国产服务器整机研发制造。"),
    _in_park("精创激光", "杭州精创激光装备有限公司", C.SMART_MANUFACTURING, XIKE, J.SANDUN, "8000", 410, 110,
             "2011-05-30", "马骏", "董事长",
             qualifications=((Q.LITTLE_GIANT, d("2022-08-03")), (Q.HIGH_TECH, d("2021-12-16"))),
             description="高端激光加工装备。"),
    _in_park("航芯传感", "杭州航芯传感技术有限公司", C.SMART_MANUFACTURING, XIKE, J.SANDUN, "5000", 150, 60,
             "2019-11-19", "钱晓东", "总经理", description="MEMS 传感器设计与制造。"),
    _in_park("瀚川新材", "浙江瀚川新材料科技有限公司", C.NEW_MATERIALS, XIKE, J.SANDUN, "6000", 90, 25, "2020-06-08",
             "范文斌", "总经理", description="高性能功能膜材料。"),
    _in_park("栖凰生物", "杭州栖凰生物医药有限公司", C.LIFE_HEALTH, None, J.JIANGCUN, "3000", 75, 55, "2021-01-26",
             "许婧", "首席执行官", description="创新药研发与中试。"),
    _in_park("麟芯存储", "杭州麟芯存储科技有限公司", C.XINCHUANG, XINCHUANG_PARK, J.SANDUN, "6000", 140, 80,
             "2020-03-03", "韩磊", "总经理", description="国产固态存储模组。"),
    _in_park("明途装备", "杭州明途智能装备有限公司", C.SMART_MANUFACTURING, XIKE, J.SANDUN, "5000", 200, 60,
             "2015-09-17", "丁伟", "董事长", description="智能物流与检测装备。"),
    _in_park("紫垣密码", "杭州紫垣密码技术有限公司", C.XINCHUANG, XINCHUANG_PARK, J.SANDUN, "3000", 110, 80, "2018-12-06",
             "叶青", "总经理",
             qualifications=((Q.PROVINCIAL_SRDI, d("2023-12-15")), (Q.HIGH_TECH, d("2022-12-24"))),
             description="商用密码芯片与密码整机。"),
    _in_park("云锷软件", "浙江云锷信创软件有限公司", C.XINCHUANG, XINCHUANG_PARK, J.SANDUN, "2000", 160, 140,
             "2019-07-25", "潘宇", "首席技术官", description="国产操作系统适配与基础软件。"),
    _in_park("衡宇数据库", "杭州衡宇数据库技术有限公司", C.XINCHUANG, XINCHUANG_PARK, J.SANDUN, "2500", 130, 115,
             "2020-05-14", "孔维", "总经理", description="国产分布式数据库。"),
    _in_park("澄域安全", "杭州澄域网络安全技术有限公司", C.XINCHUANG, XINCHUANG_PARK, J.SANDUN, "2000", 90, 60,
             "2019-02-27", "唐宁", "总经理", description="零信任安全网关。"),
    _in_park("知渊智能", "杭州知渊智能科技有限公司", C.AI, AI_INCUBATOR, J.JIANGCUN, "3000", 120, 100, "2023-02-20",
             "魏然", "创始人", description="通用大模型及机器人“大脑”。"),
    _in_park("擎枢具身", "杭州擎枢具身智能科技有限公司", C.ROBOTICS, AI_INCUBATOR, J.JIANGCUN, "2000", 70, 55,
             "2023-10-09", "冯博", "创始人", description="具身智能机器人“大脑”。"),
    _in_park("灵犀关节", "杭州灵犀关节科技有限公司", C.ROBOTICS, XIKE, J.SANDUN, "3000", 160, 50, "2018-04-02",
             "蒋涛", "总经理", qualifications=((Q.PROVINCIAL_SRDI, d("2024-12-18")),),
             description="机器人一体化关节模组，机器人“小脑”的执行部件。"),
    _in_park("微擎伺服", "杭州微擎伺服驱动技术有限公司", C.ROBOTICS, XIKE, J.SANDUN, "2000", 110, 40, "2017-10-23",
             "沈浩", "总经理", description="伺服驱动系统。"),
    _in_park("序源基因", "杭州序源基因科技有限公司", C.LIFE_HEALTH, None, J.JIANGCUN, "2000", 85, 50, "2020-08-31",
             "卢婷", "总经理", description="高通量基因测序服务。"),
    _in_park("睿瞳医疗", "浙江睿瞳医疗器械有限公司", C.LIFE_HEALTH, None, J.JIANGCUN, "3000", 140, 45, "2016-12-12",
             "姚瑶", "董事长", qualifications=((Q.HIGH_TECH, d("2022-12-24")),), description="眼科医疗器械。"),
    _in_park("禾泽细胞", "杭州禾泽细胞治疗技术有限公司", C.LIFE_HEALTH, None, J.JIANGCUN, "5000", 60, 45, "2021-06-17",
             "邱明", "首席执行官", description="细胞治疗研发。"),
    _in_park("星衍数字", "杭州星衍数字科技有限公司", C.DIGITAL_ECONOMY, None, J.JIANGCUN, "1000", 180, 150,
             "2018-09-06", "郭帅", "总经理", description="工业互联网平台。"),
    _in_park("栖湖量子", "杭州栖湖量子科技有限公司", C.SMART_MANUFACTURING, WESTLAKE_BASE, J.SANDUN, "800", 25, 20,
             "2024-03-11", "金鑫", "创始人", description="量子精密测量仪器，西湖大学成果转化项目。"),
    _in_park("紫辰知产", "浙江紫辰知识产权运营有限公司", C.DIGITAL_ECONOMY, IP_COMPLEX, J.JIANGCUN, "1000", 35, 5,
             "2024-09-10", "何琳", "总经理", description="知识产权运营服务。"),
    _in_park("西城置业", "杭州紫金西城置业有限公司", C.OTHER, None, J.SANDUN, "100000", 30, 0, "2024-11-20",
             "吕刚", "项目总监", description="紫金港科技城商业综合体项目公司。"),
    _in_park("云港安居", "杭州云港安居建设发展有限公司", C.OTHER, CLOUD_VALLEY, J.SANDUN, "80000", 25, 0, "2025-01-16",
             "施磊", "总经理", description="“未来云港”人才社区项目公司。"),
    _prospect("知行具身", "北京知行具身智能科技有限公司", C.ROBOTICS, "110108", "10000", 260, "2022-04-12",
              "赵一鸣", "创始人", description="具身智能“大脑”，拟设华东总部。"),
    _prospect("湾芯装备", "深圳市湾芯半导体装备有限公司", C.SMART_MANUFACTURING, "440300", "12000", 380, "2016-03-28",
              "黄勇", "副总经理", description="半导体装备，经力合科技推荐，“双湾”互通项目。"),
    _prospect("禾木合成", "浙江禾木合成生物科技有限公司", C.LIFE_HEALTH, "330110", "3000", 70, "2022-11-30",
              "陶然", "创始人", description="合成生物学。"),
    _prospect("湾际低空", "深圳市湾际低空科技有限公司", C.SMART_MANUFACTURING, "440300", "5000", 150, "2021-07-07",
              "邓凯", "总经理", description="低空飞行器。"),
    _prospect("锐信密码", "成都锐信密码科技有限公司", C.XINCHUANG, "510100", "3000", 200, "2015-05-20",
              "罗斌", "华东区总经理", description="商用密码产品。"),
    _prospect("量衡精密", "合肥量衡精密仪器有限公司", C.SMART_MANUFACTURING, "340100", "4000", 160, "2017-08-15",
              "汪洋", "总经理", description="精密测量仪器。"),
    _prospect("逸舟机器人", "苏州逸舟机器人科技有限公司", C.ROBOTICS, "320505", "2000", 90, "2020-12-01",
              "朱舟", "创始人", description="协作机器人。"),
    _prospect("黎曜医疗", "上海黎曜医疗科技有限公司", C.LIFE_HEALTH, "310115", "3000", 110, "2019-10-10",
              "林曜", "首席执行官", description="手术导航系统。"),
    _prospect("秦芯密码", "西安秦芯密码技术有限公司", C.XINCHUANG, "610131", "2000", 80, "2018-06-06",
              "秦川", "总经理", description="密码芯片。"),
    _prospect("华越智算", "无锡华越智算科技有限公司", C.CLOUD, "320214", "10000", 140, "2021-09-09",
              "孙越", "副总经理", description="液冷服务器与智算运营。"),
    _prospect("澜图光子", "苏州澜图光子科技有限公司", C.SMART_MANUFACTURING, "320505", "2500", 65, "2021-05-18",
              "顾澜", "创始人", description="光子芯片。"),
    _prospect("智驭新能源", "杭州智驭新能源科技有限公司", C.OTHER, "330108", "5000", 120, "2019-03-22",
              "曹驭", "总经理", description="储能系统集成。"),
    _prospect("弈衡智能", "上海弈衡智能科技有限公司", C.CLOUD, "310115", "8000", 180, "2020-01-15",
              "陆弈", "首席执行官", description="算力调度平台。"),
    _prospect("明湖新材", "宁波明湖新材料科技有限公司", C.NEW_MATERIALS, "330206", "15000", 420, "2012-07-19",
              "方湖", "董事长", description="化工新材料。"),
    _prospect("澄言智能", "北京澄言智能科技有限公司", C.AI, "110108", "1000", 30, "2023-08-08",
              "贺言", "创始人", description="对话式 AI。"),
)


# ---------------------------------------------------------------------------------------------
# Events
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventSpec:
    name: str
    kind: str
    held_on: dt.date
    location: str = ""
    organizer: str = "环紫金港创新创业联盟"
    park: str | None = CITY
    description: str = ""


GENOME_FORUM = "基因组学论坛"
ALLIANCE_FOUNDING = "环紫金港创新创业联盟成立大会"
TECH_CONFERENCE = "2025年西湖区科技创新大会"
_LLK_THEMES = ("智能机器人", "信创与商密", "生命健康", "人工智能", "新材料", "智能制造", "信创生态", "具身智能")
_LLK_DATES = ("2024-05-17", "2024-06-21", "2024-07-26", "2024-08-23", "2024-09-20", "2024-10-25", "2024-11-22", "2024-12-20")
LLK = tuple(f"“西湖链链看”第{i}期·{theme}专场" for i, theme in enumerate(_LLK_THEMES, start=1))

EVENTS = (
    EventSpec(
        ALLIANCE_FOUNDING, Event.Kind.ALLIANCE, d("2024-06-28"), "紫金港科技城", "紫金港科技城管委会、三墩镇、蒋村街道",
        description="设立 1 个主席团、1 个轮值秘书长、4 个按产业方向分类的子联盟，科研机构、孵化器、链主企业轮值主席。",
    ),
    EventSpec(
        GENOME_FORUM, Event.Kind.FORUM, d("2024-07-19"), "杭州华大生命科学研究院", "环紫金港创新创业联盟 生命健康子联盟",
        description="生命组学大数据创新联合体及子联盟的学术与产业对接论坛。",
    ),
    *(
        EventSpec(
            name, Event.Kind.MATCHMAKING, d(date), "紫金港科技城企业服务驿站", "紫金港科技城管委会",
            description=f"链主企业与上下游企业、高校院所对接（{theme}）。",
        )
        for name, date, theme in zip(LLK, _LLK_DATES, _LLK_THEMES, strict=True)
    ),
    EventSpec(
        "“中国云谷”发布暨先导区落地活动", Event.Kind.FORUM, d("2024-10-16"), "“中国云谷”先导区", "紫金港科技城管委会",
        park=CLOUD_VALLEY, description="中国人工智能+战略的产业新地标“中国云谷”发布，先导区落地紫金港科技城。",
    ),
    EventSpec(
        "省信创和商密产业园揭牌仪式", Event.Kind.FORUM, d("2024-10-29"), "省信创和商密产业园", "紫金港科技城管委会",
        park=XINCHUANG_PARK, description="浙江省唯一挂牌的省级信创和商密产业园揭牌。",
    ),
    EventSpec(
        TECH_CONFERENCE, Event.Kind.FORUM, d("2025-02-18"), "西湖区", "西湖区人民政府",
        description="发布五大年度科技榜单，22 个获奖项目来自紫金港科技城。",
    ),
)


# ---------------------------------------------------------------------------------------------
# Policy: 信创“紫金十条”
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionSpec:
    kind: str
    number: Decimal | None = None
    choice: str = ""
    park: str | None = None


@dataclass(frozen=True)
class ClauseSpec:
    number: int
    title: str
    benefit_kind: str
    amount_cap: Decimal | None
    formula: str
    text: str
    criteria: tuple[CriterionSpec, ...] = ()
    # 预计可享: the clause's amount rule (PolicyClause.AmountRule), its basis and parameter; the cap is amount_cap.
    amount: tuple[str, str, Decimal] | None = None
    # 网上申报: the window in days from the demo's today (opens, closes), the documents to upload (one per line).
    application_window: tuple[int, int] | None = None
    required_documents: str = ""
    no_application: bool = False  # 免申即享


POLICY_NAME = "紫金港科技城支持信创和商密产业高质量发展的若干政策"
POLICY = {
    "name": POLICY_NAME,
    "short_name": "信创“紫金十条”",
    "issuer": "杭州紫金港科技城管理委员会",
    "issued_on": d("2024-04-15"),
    "valid_from": d("2024-04-15"),
    "valid_until": d("2027-04-14"),
    "park": XINCHUANG_PARK,
    "summary": "集成省市及城西科创大走廊政策，按照“一园一政策一基金”的模式招引企业和项目：免租与房租补贴、10 亿元规模产业基金"
    "股权投资、固定资产投资奖励、研发补助、首台（套）奖励、人才补贴、专精特新与上市奖励、商密认证补助，全要素保障初创企业、"
    "成长型企业和龙头企业的成长。",
}
XC = CriterionSpec(K.INDUSTRY_CHAIN, choice=C.XINCHUANG)

CLAUSES = (
    ClauseSpec(1, "载体免租", BenefitKind.RENT_FREE, Decimal("300"), "最长 36 个月免租，面积不超过 2,000 m²",
               "新引进的信创和商密企业入驻省信创和商密产业园自有载体的，给予最长 3 年免租。",
               (XC, CriterionSpec(K.IN_PARK, park=XINCHUANG_PARK)),
               amount=("per_month_rent", "", Decimal("36"))),
    ClauseSpec(2, "房租补贴", BenefitKind.RENT_SUBSIDY, Decimal("200"), "按实际租金的 50% 补贴，最长 3 年",
               "租用科技城范围内社会载体的信创企业，按实际租金给予补贴。", (XC, CriterionSpec(K.IN_PARK, park=CITY)),
               amount=("per_month_rent", "", Decimal("18"))),
    ClauseSpec(3, "产业基金股权投资", BenefitKind.FUND_EQUITY, Decimal("5000"), "单个项目最高 5,000 万元股权投资",
               "依托 10 亿元规模的产业基金，对优质信创项目给予股权投资支持。",
               (XC, CriterionSpec(K.MIN_INVESTMENT, number=Decimal("5000"))),
               amount=("share_of_figure", "financing", Decimal("20"))),
    ClauseSpec(4, "固定资产投资奖励", BenefitKind.INVESTMENT_AWARD, Decimal("2000"), "按设备投资额的 10% 奖励",
               "固定资产投资 1 亿元以上的产业项目，竣工投产后按设备投资额给予奖励。",
               (CriterionSpec(K.MIN_FIXED_ASSET, number=Decimal("10000")), CriterionSpec(K.MIN_STAGE, choice=Stage.REGISTERED)),
               amount=("share_of_figure", "fixed_asset_investment", Decimal("10"))),
    ClauseSpec(5, "研发投入补助", BenefitKind.RD_SUBSIDY, Decimal("500"), "按年度研发投入增量的 20% 补助",
               "支持信创企业加大研发投入。", (XC, CriterionSpec(K.MIN_RD_HEADCOUNT, number=Decimal("10"))),
               amount=("share_of_figure", "rd_expense", Decimal("20"))),
    ClauseSpec(6, "首台（套）奖励", BenefitKind.FIRST_OF_KIND, Decimal("300"), "按认定级别给予 100—300 万元一次性奖励",
               "获国内首台（套）装备认定的企业给予一次性奖励。", (CriterionSpec(K.QUALIFICATION, choice=Q.FIRST_OF_KIND),),
               amount=("fixed", "", Decimal("100"))),
    ClauseSpec(7, "人才安家补贴", BenefitKind.TALENT_SUBSIDY, Decimal("800"), "顶尖人才最高 800 万元，国家级 300 万元，省级 100 万元",
               "对企业引进的高层次人才给予安家补贴，并优先保障人才房。",
               (CriterionSpec(K.IN_PARK, park=CITY), CriterionSpec(K.MIN_HEADCOUNT, number=Decimal("20"))),
               amount=("per_person", "rd_headcount", Decimal("1")),
               application_window=(-10, 20), required_documents="高层次人才认定证书\n劳动合同及社保缴纳证明"),
    ClauseSpec(8, "专精特新“小巨人”奖励", BenefitKind.OTHER, Decimal("100"), "国家级“小巨人”100 万元，省专精特新 30 万元",
               "首次认定为国家级专精特新“小巨人”或省专精特新企业的给予奖励。",
               (CriterionSpec(K.QUALIFICATION, choice=Q.LITTLE_GIANT),),
               amount=("fixed", "", Decimal("100"))),
    ClauseSpec(9, "上市奖励", BenefitKind.OTHER, Decimal("500"), "分阶段奖励，合计最高 500 万元",
               "企业在境内外资本市场首发上市的，按辅导备案、申报受理、成功上市分阶段奖励。",
               (CriterionSpec(K.QUALIFICATION, choice=Q.LISTED),),
               amount=("fixed", "", Decimal("500"))),
    ClauseSpec(10, "商密认证与应用示范", BenefitKind.OTHER, Decimal("200"), "认证费用的 50% 补助；应用示范项目最高 200 万元",
               "取得商用密码产品认证、信创产品适配认证或承担应用示范项目的企业给予补助。",
               (XC, CriterionSpec(K.IN_PARK, park=XINCHUANG_PARK)),
               amount=("fixed", "", Decimal("50")), no_application=True),
)
# 免申即享: the demo's 第 10 条 is granted without applying — its proposals wait for the officer (待确认).
NO_APPLICATION_CLAUSE = 10


# ---------------------------------------------------------------------------------------------
# Spaces
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpaceSpec:
    park: str
    building: str
    unit: str
    kind: str
    area_m2: Decimal
    rent_per_m2_day: Decimal
    status: str = Space.Status.VACANT
    occupant: str | None = None
    lease_start: dt.date | None = None
    lease_end: dt.date | None = None
    rent_free_months: int = 0


SPACES = (
    # The article: “这个智造中心共计 1300 平方米，我们享受 3 年免房租政策”.
    SpaceSpec(XIKE, "西科园 3 号厂房", "智造中心（1—2 层）", Space.Kind.WORKSHOP, Decimal("1300"), Decimal("1.20"),
              Space.Status.OCCUPIED, "科聪控制", d("2024-03-01"), d("2029-02-28"), 36),
    SpaceSpec(XINCHUANG_PARK, "信创大厦 A 座", "501", Space.Kind.OFFICE, Decimal("1200"), Decimal("2.50"),
              Space.Status.OCCUPIED, "玉之泉", d("2024-11-01"), d("2027-10-31"), 12),
    SpaceSpec(XINCHUANG_PARK, "信创大厦 A 座", "601", Space.Kind.OFFICE, Decimal("1500"), Decimal("2.50"),
              Space.Status.OCCUPIED, "芯格睿特", d("2024-11-15"), d("2027-11-14"), 24),
    SpaceSpec(XINCHUANG_PARK, "信创大厦 B 座", "3 层", Space.Kind.WORKSHOP, Decimal("2600"), Decimal("1.80"),
              Space.Status.OCCUPIED, "羲和光电", d("2024-12-01"), d("2029-11-30"), 12),
    SpaceSpec(XINCHUANG_PARK, "信创大厦 B 座", "4 层", Space.Kind.OFFICE, Decimal("1800"), Decimal("2.50")),
    SpaceSpec(XINCHUANG_PARK, "信创大厦 C 座", "101", Space.Kind.LAB, Decimal("900"), Decimal("3.00"), Space.Status.RESERVED),
    SpaceSpec(AI_INCUBATOR, "孵化楼", "201", Space.Kind.INCUBATOR, Decimal("600"), Decimal("1.50"),
              Space.Status.OCCUPIED, "擎枢具身", d("2024-10-01"), d("2026-09-30"), 12),
    SpaceSpec(AI_INCUBATOR, "孵化楼", "302", Space.Kind.INCUBATOR, Decimal("280"), Decimal("1.50")),
    SpaceSpec(YUNCHUANG_BASE, "云创中心", "101", Space.Kind.INCUBATOR, Decimal("450"), Decimal("1.50"),
              Space.Status.OCCUPIED, "玄创机器人", d("2025-01-01"), d("2027-12-31"), 12),
    SpaceSpec(WESTLAKE_BASE, "中试楼", "2 层", Space.Kind.LAB, Decimal("800"), Decimal("2.00"),
              Space.Status.OCCUPIED, "西湖阳光", d("2024-04-01"), d("2029-03-31"), 24),
)


# ---------------------------------------------------------------------------------------------
# Projects
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    stage: str
    when: When
    note: str = ""


@dataclass(frozen=True)
class FollowUpSpec:
    when: When
    kind: str
    note: str
    next_step: str = ""
    next_on: When | None = None
    event: str | None = None


@dataclass(frozen=True)
class CreditSpec:
    share_percent: Decimal
    officer: str | None = None  # username
    unit: str = ""


@dataclass(frozen=True)
class ProjectSpec:
    """One project and the path it took; the builder creates it with ``project_create`` and walks the path."""

    name: str
    enterprise: str  # short name
    chain: str
    path: tuple[Step, ...]  # the first step is the creation as 线索
    total: Decimal
    fai: Decimal
    segment: str = ""
    source: str = SC.WALK_IN
    event: str | None = None
    park: str | None = None
    output: Decimal = Decimal("0")
    tax: Decimal = Decimal("0")
    land_m2: Decimal | None = None
    land_use: str = ""
    space_m2: Decimal | None = None
    headcount: int | None = None
    owner: str = "officer"
    co_officers: tuple[str, ...] = ()
    expected_signing: When | None = None
    follow_ups: tuple[FollowUpSpec, ...] = ()
    credits: tuple[CreditSpec, ...] = ()

    @property
    def final_stage(self) -> str:
        return self.path[-1].stage

    def reached(self, stage: str) -> dt.date | Ago | None:
        return next((step.when for step in self.path if step.stage == stage), None)


STAGE_NOTES = {
    Stage.CONTACTED: "首次上门接洽，企业有明确投资意向",
    Stage.NEGOTIATING: "进入投资协议条款洽谈（投资强度、产出承诺、政策支持）",
    Stage.SIGNED: "签订投资协议",
    Stage.REGISTERED: "项目公司完成工商注册，正式落地",
    Stage.CONSTRUCTION: "项目开工",
    Stage.PRODUCTION: "项目投产",
}


def _between(start: dt.date, end: dt.date, fraction: float) -> dt.date:
    return start + dt.timedelta(days=round((end - start).days * fraction))


def landed(
    name: str,
    enterprise: str,
    chain: str,
    *,
    total: str,
    fai: str,
    lead: str,
    signed: str,
    registered: str,
    construction: str | None = None,
    production: str | None = None,
    visit_days_ago: int | None = None,
    **kwargs,
) -> ProjectSpec:
    """A project that walked the whole pipeline to 注册落地 (and maybe on): contact and negotiation dates fall between."""
    lead_on, signed_on = d(lead), d(signed)
    contacted_on, negotiating_on = _between(lead_on, signed_on, 0.3), _between(lead_on, signed_on, 0.6)
    path = [
        Step(Stage.LEAD, lead_on),
        Step(Stage.CONTACTED, contacted_on, STAGE_NOTES[Stage.CONTACTED]),
        Step(Stage.NEGOTIATING, negotiating_on, STAGE_NOTES[Stage.NEGOTIATING]),
        Step(Stage.SIGNED, signed_on, STAGE_NOTES[Stage.SIGNED]),
        Step(Stage.REGISTERED, d(registered), STAGE_NOTES[Stage.REGISTERED]),
    ]
    if construction:
        path.append(Step(Stage.CONSTRUCTION, d(construction), STAGE_NOTES[Stage.CONSTRUCTION]))
    if production:
        path.append(Step(Stage.PRODUCTION, d(production), STAGE_NOTES[Stage.PRODUCTION]))
    event = kwargs.get("event")
    follow_ups = [
        FollowUpSpec(
            contacted_on, FollowUp.Kind.VISIT, f"上门走访{enterprise}，了解投资意向、空间与用地需求。",
            "准备项目推介材料与政策清单", negotiating_on,
        ),
        FollowUpSpec(
            negotiating_on, FollowUp.Kind.MEETING, f"与{enterprise}高层洽谈投资协议主要条款：投资强度、产出与税收承诺、政策支持。",
            "起草投资协议，报管委会审议", signed_on,
        ),
    ]
    if event:
        follow_ups.insert(0, FollowUpSpec(lead_on, FollowUp.Kind.EVENT, f"在{event}上结识企业负责人，交换投资意向。",
                                          "一周内上门拜访", contacted_on, event=event))
    if production:
        follow_ups.append(FollowUpSpec(d(production) + dt.timedelta(days=20), FollowUp.Kind.VISIT,
                                       "投产后回访：产能爬坡情况，协调用工与物流需求。"))
    elif visit_days_ago is not None:
        follow_ups.append(FollowUpSpec(Ago(visit_days_ago), FollowUp.Kind.VISIT,
                                       "落地服务走访：了解建设进度，协调施工许可与配套需求。",
                                       "跟进下一节点", Ago(visit_days_ago - 30)))
    total_d, fai_d = Decimal(total), Decimal(fai)
    kwargs.setdefault("output", (total_d * Decimal("1.5")).quantize(Decimal("1")))
    kwargs.setdefault("tax", (total_d * Decimal("0.08")).quantize(Decimal("1")))
    kwargs.setdefault("headcount", max(20, int(total_d / 100)))
    return ProjectSpec(
        name, enterprise, chain, tuple(path), total_d, fai_d, expected_signing=signed_on,
        follow_ups=tuple(follow_ups), **kwargs,
    )


# 实际到资 from abroad (外资): the project's arrivals come in this currency. From elsewhere in China (省外资金): the
# parent of the local company invests from outside Zhejiang. The others are 人民币 内资（省内）, unless the investor
# itself is registered outside Zhejiang.
FOREIGN_FUNDED = {"精创激光高端激光装备产业化项目": "USD"}
FROM_OUTSIDE_THE_PROVINCE = {"启衡国产服务器整机制造基地", "航芯传感 MEMS 传感器产线项目"}
# 人民币汇率中间价 for the demo, 元 per unit, one level a year (close to the published ones; illustrative only).
DEMO_RATES = {
    "USD": {2023: Decimal("7.0467"), 2024: Decimal("7.1043"), 2025: Decimal("7.1700"), 2026: Decimal("7.1300")},
    "EUR": {2023: Decimal("7.6100"), 2024: Decimal("7.7000"), 2025: Decimal("7.9500"), 2026: Decimal("8.0500")},
    "HKD": {2023: Decimal("0.9010"), 2024: Decimal("0.9105"), 2025: Decimal("0.9190"), 2026: Decimal("0.9150")},
}


def demo_rate(currency: str, day: dt.date) -> Decimal:
    """The demo's 中间价 of ``currency`` on ``day`` (the level of its year; the nearest year outside the table)."""
    levels = DEMO_RATES[currency]
    return levels[min(max(day.year, min(levels)), max(levels))]


# The 32 projects of ≥ 1 亿 (10,000 万元) that landed (注册落地) in 2024. The first 11 have fixed-asset
# investment ≥ 1 亿, the first two ≥ 10 亿; the first 7 industrial parcels of 2024 went to 7 of them.
LANDED_2024_KEY = (
    landed("“中国云谷”智算中心项目", "云谷智算", C.CLOUD, segment="智算中心", source=SC.FUND_LED, park=CLOUD_VALLEY,
           total="320000", fai="210000", output="180000", tax="9000", land_m2=Decimal("60000"), land_use="M0",
           lead="2024-02-20", signed="2024-08-28", registered="2024-10-16", construction="2024-12-18",
           co_officers=("officer2",), visit_days_ago=6,
           credits=(CreditSpec(Decimal("50"), "officer"), CreditSpec(Decimal("30"), "officer2"),
                    CreditSpec(Decimal("20"), unit="三墩镇"))),
    landed("永创智能机器人“小脑”智能制造基地", "永创智能", C.ROBOTICS, segment=CEREBELLUM, source=SC.CHAIN_LED, park=XIKE,
           total="150000", fai="112000", output="300000", tax="15000", land_m2=Decimal("80000"), land_use="M1",
           lead="2023-10-12", signed="2024-01-25", registered="2024-03-06", construction="2024-07-16",
           visit_days_ago=12),
    landed("启衡国产服务器整机制造基地", "启衡计算", C.XINCHUANG, segment="信创整机", source=SC.CHAIN_LED,
           park=XINCHUANG_PARK, total="68000", fai="42000", land_m2=Decimal("30000"), land_use="M0",
           lead="2023-12-05", signed="2024-04-26", registered="2024-05-30", construction="2024-11-08",
           owner="officer2", visit_days_ago=22,
           credits=(CreditSpec(Decimal("70"), "officer2"), CreditSpec(Decimal("30"), unit="三墩镇"))),
    landed("精创激光高端激光装备产业化项目", "精创激光", C.SMART_MANUFACTURING, segment="激光装备",
           source=SC.BUSINESS_REFERRAL, park=XIKE, total="52000", fai="36000", land_m2=Decimal("33000"), land_use="M1",
           lead="2023-09-18", signed="2024-01-10", registered="2024-02-02", construction="2024-06-18",
           production="2025-10-15"),
    landed("航芯传感 MEMS 传感器产线项目", "航芯传感", C.SMART_MANUFACTURING, segment="传感器", source=SC.CHAIN_LED,
           park=XIKE, total="45000", fai="30000", land_m2=Decimal("26000"), land_use="M1",
           lead="2024-01-15", signed="2024-05-20", registered="2024-06-25", construction="2024-12-02",
           owner="officer2", visit_days_ago=35),
    landed("芯体素首台（套）增材制造装备产业化基地", "芯体素", C.SMART_MANUFACTURING, segment="首台（套）装备",
           park=XIKE, total="38000", fai="24000", land_m2=Decimal("20000"), land_use="M1",
           lead="2023-11-20", signed="2024-03-15", registered="2024-04-22", construction="2024-09-05",
           production="2025-11-20"),
    landed("瀚川新材高性能膜材料生产基地", "瀚川新材", C.NEW_MATERIALS, segment="功能膜材料", source=SC.FUND_LED,
           park=XIKE, total="36000", fai="21000", land_m2=Decimal("22000"), land_use="M1",
           lead="2024-03-04", signed="2024-07-10", registered="2024-08-20", visit_days_ago=45),
    landed("科聪控制机器人控制器智造中心项目", "科聪控制", C.ROBOTICS, segment=CEREBELLUM, source=SC.BUSINESS_REFERRAL,
           park=XIKE, total="18000", fai="12000", space_m2=Decimal("1300"),
           lead="2023-08-16", signed="2024-01-18", registered="2024-02-26", construction="2024-04-10",
           production="2024-09-18"),
    landed("栖凰生物创新药中试基地项目", "栖凰生物", C.LIFE_HEALTH, segment="创新药", source=SC.ALLIANCE_EVENT,
           event=GENOME_FORUM, total="30000", fai="16000", space_m2=Decimal("8000"),
           lead="2024-07-19", signed="2024-10-30", registered="2024-12-12", construction="2025-05-20",
           owner="officer2", visit_days_ago=3),
    landed("麟芯存储国产固态存储模组产线", "麟芯存储", C.XINCHUANG, segment="存储", source=SC.CHAIN_LED,
           park=XINCHUANG_PARK, total="26000", fai="14000", space_m2=Decimal("6000"),
           lead="2024-04-28", signed="2024-09-06", registered="2024-10-24", construction="2025-02-20",
           production="2025-12-10"),
    landed("明途智能装备总部及研发制造项目", "明途装备", C.SMART_MANUFACTURING, segment="智能装备",
           source=SC.INTERMEDIARY, park=XIKE, total="22000", fai="11000", space_m2=Decimal("9000"),
           lead="2023-12-18", signed="2024-05-08", registered="2024-06-12", visit_days_ago=18),
    # --- fixed-asset investment below 1 亿 ---
    landed("西湖阳光研发总部及中试平台项目", "西湖阳光", C.NEW_MATERIALS, segment="光电材料", park=WESTLAKE_BASE,
           total="12000", fai="4500", lead="2023-10-10", signed="2024-02-28", registered="2024-03-28",
           construction="2024-08-06", visit_days_ago=9,
           credits=(CreditSpec(Decimal("80"), "officer"), CreditSpec(Decimal("20"), unit="三墩镇"))),
    landed("元素驱动 PiX 生物降解材料产业化项目", "元素驱动", C.NEW_MATERIALS, segment="生物降解材料", source=SC.FUND_LED,
           park=WESTLAKE_BASE, total="15000", fai="8000", lead="2023-09-05", signed="2024-01-30",
           registered="2024-03-12", construction="2024-06-20", production="2025-02-26"),
    landed("西湖心辰多模态大模型研发总部项目", "西湖心辰", C.AI, segment="多模态大模型", source=SC.FUND_LED,
           park=AI_INCUBATOR, total="20000", fai="3000", lead="2023-11-02", signed="2024-04-18",
           registered="2024-05-16", owner="officer2", visit_days_ago=28),
    landed("西湖潜鲲仿生水下机器人研发制造项目", "西湖潜鲲", C.ROBOTICS, segment="仿生水下机器人", park=WESTLAKE_BASE,
           total="16000", fai="6000", lead="2023-12-12", signed="2024-05-28", registered="2024-07-04",
           construction="2024-11-14", visit_days_ago=15),
    landed("玉之泉精密仪器信创检测设备项目", "玉之泉", C.XINCHUANG, segment="精密仪器", source=SC.ALLIANCE_EVENT,
           event=LLK[1], park=XINCHUANG_PARK, total="11000", fai="3500", lead="2024-06-21", signed="2024-09-02",
           registered="2024-10-25", construction="2025-01-08", production="2025-06-30"),
    landed("芯格睿特信创芯片设计中心项目", "芯格睿特", C.XINCHUANG, segment="芯片设计", source=SC.CHAIN_LED,
           park=XINCHUANG_PARK, total="13000", fai="2500", lead="2024-05-20", signed="2024-09-12",
           registered="2024-10-28", owner="officer2", visit_days_ago=40),
    landed("羲和光电光通信器件研发生产项目", "羲和光电", C.XINCHUANG, segment="光电器件", source=SC.CHAIN_LED,
           park=XINCHUANG_PARK, total="14500", fai="6800", lead="2024-04-30", signed="2024-08-30",
           registered="2024-10-30", construction="2025-03-06", production="2025-09-26"),
    landed("力合科技云创成果转化基地运营项目", "力合科技", C.DIGITAL_ECONOMY, segment="科技成果转化",
           source=SC.ALLIANCE_EVENT, event=ALLIANCE_FOUNDING, park=YUNCHUANG_BASE, total="10000", fai="2000",
           lead="2024-06-28", signed="2024-11-15", registered="2024-12-20", visit_days_ago=8),
    landed("华大生命组学大数据创新联合体项目", "华大", C.LIFE_HEALTH, segment="生命组学", source=SC.ALLIANCE_EVENT,
           event=GENOME_FORUM, total="25000", fai="8000", lead="2024-07-22", signed="2024-09-26",
           registered="2024-11-08", construction="2025-03-12", visit_days_ago=19,
           credits=(CreditSpec(Decimal("60"), "officer"), CreditSpec(Decimal("40"), unit="蒋村街道"))),
    landed("紫垣商用密码芯片及整机研发项目", "紫垣密码", C.XINCHUANG, segment="商用密码", source=SC.ALLIANCE_EVENT,
           event=LLK[1], park=XINCHUANG_PARK, total="18000", fai="5200", lead="2024-06-24", signed="2024-08-08",
           registered="2024-09-05", construction="2025-01-15", production="2025-08-20", owner="officer2"),
    landed("云锷国产操作系统适配中心项目", "云锷软件", C.XINCHUANG, segment="基础软件", source=SC.CHAIN_LED,
           park=XINCHUANG_PARK, total="10500", fai="1500", lead="2024-05-06", signed="2024-08-08",
           registered="2024-10-18", visit_days_ago=11),
    landed("衡宇分布式数据库研发总部项目", "衡宇数据库", C.XINCHUANG, segment="数据库", source=SC.FUND_LED,
           park=XINCHUANG_PARK, total="12500", fai="2200", lead="2024-04-26", signed="2024-09-20",
           registered="2024-11-06", owner="officer2", visit_days_ago=52),
    landed("澄域零信任安全网关研发生产项目", "澄域安全", C.XINCHUANG, segment="网络安全", source=SC.ALLIANCE_EVENT,
           event=LLK[1], park=XINCHUANG_PARK, total="11500", fai="4000", lead="2024-06-21", signed="2024-09-26",
           registered="2024-11-12", construction="2025-04-08", production="2025-10-28"),
    landed("知渊通用大模型及机器人“大脑”研发项目", "知渊智能", C.ROBOTICS, segment=BRAIN, source=SC.FUND_LED,
           park=AI_INCUBATOR, total="30000", fai="6000", lead="2024-02-26", signed="2024-06-20",
           registered="2024-07-25", visit_days_ago=5,
           credits=(CreditSpec(Decimal("50"), "officer"), CreditSpec(Decimal("50"), "officer2"))),
    landed("擎枢具身智能机器人“大脑”项目", "擎枢具身", C.ROBOTICS, segment=BRAIN, source=SC.ALLIANCE_EVENT,
           event=LLK[0], park=AI_INCUBATOR, total="20000", fai="5000", lead="2024-05-17", signed="2024-08-16",
           registered="2024-09-10", construction="2025-01-06", owner="officer2", visit_days_ago=26),
    landed("灵犀机器人一体化关节模组项目", "灵犀关节", C.ROBOTICS, segment=CEREBELLUM, source=SC.CHAIN_LED, park=XIKE,
           total="16000", fai="9000", lead="2024-04-11", signed="2024-08-15", registered="2024-09-26",
           construction="2025-02-14", production="2025-11-06"),
    landed("微擎伺服驱动系统研发制造项目", "微擎伺服", C.ROBOTICS, segment=CEREBELLUM, source=SC.CHAIN_LED, park=XIKE,
           total="12000", fai="7500", lead="2024-06-05", signed="2024-10-10", registered="2024-11-20",
           construction="2025-05-12", owner="officer2", visit_days_ago=16),
    landed("序源基因高通量测序服务平台项目", "序源基因", C.LIFE_HEALTH, segment="基因测序", source=SC.ALLIANCE_EVENT,
           event=GENOME_FORUM, total="14000", fai="6500", lead="2024-07-19", signed="2024-10-09",
           registered="2024-11-22", construction="2024-12-10", production="2025-07-18", owner="officer2"),
    landed("睿瞳眼科医疗器械研发生产项目", "睿瞳医疗", C.LIFE_HEALTH, segment="医疗器械", source=SC.INTERMEDIARY,
           total="13500", fai="7000", lead="2024-01-22", signed="2024-05-30", registered="2024-07-11",
           construction="2024-12-20", production="2025-12-12"),
    landed("禾泽细胞治疗研发中心项目", "禾泽细胞", C.LIFE_HEALTH, segment="细胞治疗", source=SC.FUND_LED,
           total="17000", fai="8800", lead="2023-12-20", signed="2024-04-12", registered="2024-05-23",
           construction="2024-10-15", owner="officer2", visit_days_ago=60),
    landed("星衍工业互联网平台总部项目", "星衍数字", C.DIGITAL_ECONOMY, segment="工业互联网",
           source=SC.BUSINESS_REFERRAL, total="10800", fai="1200", lead="2024-02-06", signed="2024-06-06",
           registered="2024-07-18", construction="2024-10-10", production="2025-01-20"),
)

# Landed in 2024 but below 1 亿: not part of the 32.
LANDED_2024_SMALL = (
    landed("玄创机器人孵化项目", "玄创机器人", C.ROBOTICS, segment="具身智能", source=SC.BUSINESS_REFERRAL,
           park=YUNCHUANG_BASE, total="3000", fai="800", lead="2024-11-26", signed="2024-12-18",
           registered="2024-12-27", owner="officer2", visit_days_ago=30),
    landed("栖湖量子精密测量仪器项目", "栖湖量子", C.SMART_MANUFACTURING, segment="量子测量", source=SC.ALLIANCE_EVENT,
           event=LLK[3], park=WESTLAKE_BASE, total="6000", fai="2000", lead="2024-08-23", signed="2024-11-05",
           registered="2024-12-06", visit_days_ago=21),
    landed("紫辰知识产权运营服务平台项目", "紫辰知产", C.DIGITAL_ECONOMY, segment="知识产权服务",
           source=SC.ALLIANCE_EVENT, event=ALLIANCE_FOUNDING, park=IP_COMPLEX, total="2000", fai="300",
           lead="2024-06-28", signed="2024-08-26", registered="2024-09-24", construction="2024-11-01",
           production="2025-03-03", owner="officer2"),
)

# The two commercial/residential parcels of 2024 went to these; their project companies registered in 2025.
COMMERCIAL_PROJECT = "紫金港科技城商业综合体项目"
RESIDENTIAL_PROJECT = "“未来云港”人才社区项目"
KECONG_HQ_PROJECT = "科聪控制机器人研发总部项目"
LANDED_LATER = (
    landed(COMMERCIAL_PROJECT, "西城置业", C.OTHER, segment="商业综合体", source=SC.INTERMEDIARY,
           total="180000", fai="160000", land_m2=Decimal("45000"), land_use="B", lead="2024-03-12",
           signed="2024-10-22", registered="2025-01-14", construction="2025-06-26", owner="officer2",
           visit_days_ago=24),
    landed(RESIDENTIAL_PROJECT, "云港安居", C.OTHER, segment="人才社区", source=SC.WALK_IN, park=CLOUD_VALLEY,
           total="120000", fai="110000", lead="2024-05-15", signed="2024-12-05", registered="2025-02-20",
           construction="2025-07-30", visit_days_ago=13),
    landed(KECONG_HQ_PROJECT, "科聪控制", C.ROBOTICS, segment=CEREBELLUM, source=SC.BUSINESS_REFERRAL, park=XIKE,
           total="30000", fai="18000", land_m2=Decimal("15000"), land_use="RD", lead="2025-03-10",
           signed="2025-08-28", registered="2025-10-16", visit_days_ago=7),
)


def _pipeline(name, enterprise, chain, days: tuple[int, ...], *, total, fai, follow_ups=(), expecting=None, **kwargs):
    """An open project whose stages were entered ``days`` ago (lead first), relative to the day of loading."""
    stages = (Stage.LEAD, Stage.CONTACTED, Stage.NEGOTIATING, Stage.SIGNED)[: len(days)]
    path = tuple(Step(stage, Ago(n), STAGE_NOTES.get(stage, "")) for stage, n in zip(stages, days, strict=True))
    return ProjectSpec(
        name, enterprise, chain, path, Decimal(total), Decimal(fai), follow_ups=tuple(follow_ups),
        expected_signing=Ago(expecting) if expecting is not None else None, **kwargs,
    )


FU = FollowUpSpec
V, CALL, M, EV = FollowUp.Kind.VISIT, FollowUp.Kind.CALL, FollowUp.Kind.MEETING, FollowUp.Kind.EVENT
KNOWN_PROSPECT = "知行具身智能华东总部项目"

PIPELINE_OPEN = (
    # 签约
    _pipeline("西湖机器人具身智能“大脑”研发及产业化项目", "西湖机器人", C.ROBOTICS, (210, 180, 120, 35),
              segment=BRAIN, source=SC.ALLIANCE_EVENT, event=TECH_CONFERENCE, park=CLOUD_VALLEY,
              total="50000", fai="15000", output="60000", tax="3000", headcount=300, expecting=35,
              follow_ups=(FU(Ago(178), V, "走访西湖机器人，了解大模型机器人“大脑”研发规划与算力需求。"),
                          FU(Ago(118), M, "洽谈“中国云谷”算力支持与人才政策。", "报管委会主任办公会"),
                          FU(Ago(33), M, "签约后对接项目公司注册事宜。", "协助办理企业开办", Ago(-4)))),
    _pipeline("华匠人形机器人“大脑”研发中心项目", "华匠", C.ROBOTICS, (150, 128, 80, 12), segment=BRAIN,
              source=SC.CHAIN_LED, park=CLOUD_VALLEY, total="25000", fai="6000", headcount=150, owner="officer2",
              expecting=12,
              follow_ups=(FU(Ago(126), V, "上门拜访华匠，介绍机器人“大脑”企业布局。"),
                          FU(Ago(10), CALL, "电话确认注册材料清单。", "准备注册材料", Ago(-7)))),
    _pipeline("三坛医疗手术机器人“小脑”控制系统产业化项目", "三坛", C.ROBOTICS, (260, 230, 150, 60),
              segment=CEREBELLUM, source=SC.ALLIANCE_EVENT, event=LLK[0], park=XIKE, total="32000", fai="16000",
              headcount=200, co_officers=("officer2",), expecting=60,
              credits=(CreditSpec(Decimal("60"), "officer"), CreditSpec(Decimal("40"), "officer2")),
              follow_ups=(FU(Ago(228), V, "走访三坛，了解手术机器人控制系统扩产需求。"),
                          FU(Ago(20), V, "协调厂房选址，比选西科园两处载体。", "确定厂房方案", Ago(-2)))),
    # 深度洽谈
    _pipeline(KNOWN_PROSPECT, "知行具身", C.ROBOTICS, (120, 95, 25), segment=BRAIN, source=SC.FUND_LED,
              park=CLOUD_VALLEY, total="80000", fai="30000", land_m2=Decimal("40000"), land_use="M0", headcount=400,
              expecting=-45,
              follow_ups=(FU(Ago(93), V, "赴北京拜访知行具身，介绍产业基金与“中国云谷”算力。"),
                          FU(Ago(6), M, "洽谈用地方案：预留“中国云谷”M0 地块。", "起草投资协议", Ago(-8)))),
    _pipeline("湾芯半导体装备华东基地项目", "湾芯装备", C.SMART_MANUFACTURING, (140, 110, 40), segment="半导体装备",
              source=SC.BUSINESS_REFERRAL, park=XIKE, total="60000", fai="42000", land_m2=Decimal("35000"),
              land_use="M1", headcount=350, owner="officer2", expecting=-60,
              follow_ups=(FU(Ago(108), M, "经力合科技推荐，与湾芯装备视频会谈“双湾”互通合作。"),
                          FU(Ago(16), CALL, "电话沟通设备投资强度与供地时序。", "约企业来杭考察", Ago(2)))),
    _pipeline("禾木合成生物中试平台项目", "禾木合成", C.LIFE_HEALTH, (90, 70, 15), segment="合成生物",
              source=SC.ALLIANCE_EVENT, event=LLK[2], total="20000", fai="9000", headcount=90, expecting=-30,
              follow_ups=(FU(Ago(3), M, "洽谈中试平台环评与载体改造。", "出具载体改造方案", Ago(-11)),)),
    _pipeline("永创智能首台（套）包装机器人二期项目", "永创智能", C.ROBOTICS, (100, 85, 50), segment=CEREBELLUM,
              source=SC.CHAIN_LED, park=XIKE, total="40000", fai="28000", headcount=260, owner="officer2",
              expecting=-40,
              follow_ups=(FU(Ago(9), V, "走访永创智能，了解二期产能与首台（套）装备迭代计划。", "测算投资强度", Ago(-5)),)),
    # 初步接洽
    _pipeline("金科汤姆猎家庭 AI 垂直模型研发中心项目", "金科汤姆猎", C.AI, (45, 30), segment="家庭 AI 垂直模型",
              source=SC.BUSINESS_REFERRAL, park=AI_INCUBATOR, total="8000", fai="800", headcount=60,
              follow_ups=(FU(Ago(30), CALL, "经西湖心辰引荐，电话沟通在科技城设立 AI 研发中心的意向。", "约见面", Ago(10)),)),
    _pipeline("湾际低空飞行器研发项目", "湾际低空", C.SMART_MANUFACTURING, (60, 40), segment="低空经济",
              source=SC.BUSINESS_REFERRAL, total="15000", fai="9000", owner="officer2",
              follow_ups=(FU(Ago(20), V, "拜访湾际低空深圳总部，了解试飞场地需求。"),)),
    _pipeline("锐信商密华东研发中心项目", "锐信密码", C.XINCHUANG, (25, 5), segment="商用密码", source=SC.CHAIN_LED,
              park=XINCHUANG_PARK, total="6000", fai="1500", headcount=80,
              follow_ups=(FU(Ago(5), V, "带企业实地察看信创大厦 C 座载体。", "发送紫金十条政策解读", Ago(-10)),)),
    _pipeline("量衡精密测量仪器华东研发中心项目", "量衡精密", C.SMART_MANUFACTURING, (50, 18), segment="精密仪器",
              source=SC.INTERMEDIARY, total="9000", fai="4000", owner="officer2",
              follow_ups=(FU(Ago(18), CALL, "电话沟通研发中心选址。"),)),
    # 线索
    _pipeline("逸舟协作机器人项目", "逸舟机器人", C.ROBOTICS, (3,), segment=CEREBELLUM, total="5000", fai="2000"),
    _pipeline("黎曜手术导航系统产业化项目", "黎曜医疗", C.LIFE_HEALTH, (8,), segment="医疗器械", source=SC.INTERMEDIARY,
              total="12000", fai="5000", owner="officer2",
              follow_ups=(FU(Ago(7), CALL, "中介机构引荐，电话初步沟通。", "安排首次拜访", Ago(-3)),)),
    _pipeline("秦芯密码芯片华东基地项目", "秦芯密码", C.XINCHUANG, (20,), segment="商用密码", source=SC.CHAIN_LED,
              total="4000", fai="1500"),
    _pipeline("华越智算液冷服务器项目", "华越智算", C.CLOUD, (45,), segment="智算设备", source=SC.FUND_LED,
              park=CLOUD_VALLEY, total="30000", fai="20000", owner="officer2",
              follow_ups=(FU(Ago(44), CALL, "基金管理人推荐，电话沟通项目概况。"),)),
)

PIPELINE_CLOSED = (
    # 暂缓
    ProjectSpec(
        "澜图光子芯片研发中试项目", "澜图光子", C.SMART_MANUFACTURING,
        (Step(Stage.LEAD, d("2025-09-15")), Step(Stage.CONTACTED, d("2025-10-20"), STAGE_NOTES[Stage.CONTACTED]),
         Step(Stage.NEGOTIATING, d("2026-01-12"), STAGE_NOTES[Stage.NEGOTIATING]),
         Step(Stage.ON_HOLD, d("2026-07-10"), "投资方新一轮融资未到位，企业申请暂缓，约定融资完成后重启洽谈。")),
        Decimal("35000"), Decimal("20000"), segment="光子芯片", source=SC.FUND_LED,
        follow_ups=(FU(d("2026-07-08"), M, "企业告知融资延期，双方约定暂缓。", "每季度电话回访"),),
    ),
    ProjectSpec(
        "智驭储能系统集成项目", "智驭新能源", C.OTHER,
        (Step(Stage.LEAD, d("2025-06-03")), Step(Stage.CONTACTED, d("2025-07-01"), STAGE_NOTES[Stage.CONTACTED]),
         Step(Stage.ON_HOLD, d("2025-12-01"), "企业战略调整，储能系统集成业务收缩，项目暂缓。")),
        Decimal("18000"), Decimal("12000"), segment="储能", source=SC.WALK_IN, owner="officer2",
    ),
    # 终止
    ProjectSpec(
        "弈衡智能算力调度平台项目", "弈衡智能", C.CLOUD,
        (Step(Stage.LEAD, d("2025-04-08")), Step(Stage.CONTACTED, d("2025-05-06"), STAGE_NOTES[Stage.CONTACTED]),
         Step(Stage.NEGOTIATING, d("2025-06-20"), STAGE_NOTES[Stage.NEGOTIATING]),
         Step(Stage.LOST, d("2025-09-12"), "企业最终选择落户上海临港新片区，当地给予更高额度的算力补贴。")),
        Decimal("50000"), Decimal("25000"), segment="算力调度", source=SC.INTERMEDIARY,
    ),
    ProjectSpec(
        "明湖新材料生产基地项目", "明湖新材", C.NEW_MATERIALS,
        (Step(Stage.LEAD, d("2025-11-10")), Step(Stage.CONTACTED, d("2025-12-15"), STAGE_NOTES[Stage.CONTACTED]),
         Step(Stage.LOST, d("2026-03-20"), "用地需求约 150 亩，超出可供地块规模，企业转向宁波前湾新区。")),
        Decimal("65000"), Decimal("50000"), segment="化工新材料", source=SC.CHAIN_LED, land_m2=Decimal("100000"),
        land_use="M1", owner="officer2",
    ),
    ProjectSpec(
        "澄言对话式 AI 研发项目", "澄言智能", C.AI,
        (Step(Stage.LEAD, d("2026-05-12")),
         Step(Stage.LOST, d("2026-06-05"), "尽职调查发现企业存在经营异常记录，风险评估未通过。")),
        Decimal("3000"), Decimal("500"), segment="对话式 AI", source=SC.WALK_IN,
    ),
)

PROJECTS = LANDED_2024_KEY + LANDED_2024_SMALL + LANDED_LATER + PIPELINE_OPEN + PIPELINE_CLOSED


# ---------------------------------------------------------------------------------------------
# Land parcels
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParcelSpec:
    code: str
    name: str
    park: str
    land_use: str
    area_m2: Decimal
    far_min: Decimal
    far_max: Decimal
    reserve_price: Decimal  # 万元
    status: str = ParcelStatus.PLANNED
    project: str | None = None  # project name
    transferred_on: dt.date | None = None
    transfer_price: Decimal | None = None
    address: str = ""


def _parcel_for(project: ProjectSpec, code: str, *, reserve: str, transfer: str, transferred_on: str,
                far: tuple[str, str], address: str) -> ParcelSpec:
    """A parcel transferred to ``project``; its status follows the project (开工 → 在建, 投产 → 已交付)."""
    if project.final_stage == Stage.PRODUCTION:
        status = ParcelStatus.DELIVERED
    elif project.final_stage == Stage.CONSTRUCTION:
        status = ParcelStatus.UNDER_CONSTRUCTION
    else:
        status = ParcelStatus.TRANSFERRED
    return ParcelSpec(
        code, f"{project.enterprise}项目地块", project.park or CITY, project.land_use, project.land_m2,
        Decimal(far[0]), Decimal(far[1]), Decimal(reserve), status, project.name, d(transferred_on),
        Decimal(transfer), address,
    )


_BY_NAME = {p.name: p for p in PROJECTS}
_K = LANDED_2024_KEY

PARCELS = (
    # 2024: seven industrial (M1/M0) ...
    _parcel_for(_K[1], "杭政工出〔2024〕12号", reserve="9600", transfer="9600", transferred_on="2024-05-28",
                far=("1.50", "3.00"), address="三墩镇西科园北区"),
    _parcel_for(_K[3], "杭政工出〔2024〕18号", reserve="3960", transfer="3960", transferred_on="2024-04-12",
                far=("1.50", "2.50"), address="三墩镇西科园东区"),
    _parcel_for(_K[5], "杭政工出〔2024〕23号", reserve="2400", transfer="2400", transferred_on="2024-06-14",
                far=("1.50", "2.50"), address="三墩镇西科园东区"),
    _parcel_for(_K[4], "杭政工出〔2024〕31号", reserve="3120", transfer="3120", transferred_on="2024-08-16",
                far=("1.50", "2.50"), address="三墩镇西科园南区"),
    _parcel_for(_K[2], "杭政工出〔2024〕36号", reserve="6000", transfer="6000", transferred_on="2024-09-20",
                far=("2.00", "4.00"), address="“中国云谷”先导区信创园片区"),
    _parcel_for(_K[0], "杭政工出〔2024〕42号", reserve="12000", transfer="12000", transferred_on="2024-11-20",
                far=("2.00", "3.50"), address="“中国云谷”先导区核心区"),
    _parcel_for(_K[6], "杭政工出〔2024〕47号", reserve="2640", transfer="2640", transferred_on="2024-11-28",
                far=("1.50", "2.50"), address="三墩镇西科园北区"),
    # ... and two commercial/residential.
    _parcel_for(_BY_NAME[COMMERCIAL_PROJECT], "杭政储出〔2024〕38号", reserve="45000", transfer="52650",
                transferred_on="2024-10-18", far=("2.00", "3.20"), address="紫金港科技城核心区"),
    ParcelSpec("杭政储出〔2024〕52号", "云港安居项目地块", CLOUD_VALLEY, LandUse.RESIDENTIAL, Decimal("38000"),
               Decimal("1.80"), Decimal("2.50"), Decimal("148000"), ParcelStatus.UNDER_CONSTRUCTION,
               RESIDENTIAL_PROJECT, d("2024-12-03"), Decimal("171680"), "“中国云谷”先导区生活配套区"),
    # Later years and the inventory still on offer.
    _parcel_for(_BY_NAME[KECONG_HQ_PROJECT], "杭政工出〔2025〕09号", reserve="4500", transfer="4500",
                transferred_on="2025-09-25", far=("2.00", "3.00"), address="三墩镇西科园研发区"),
    ParcelSpec("ZJG-YG-M0-03", "“中国云谷”M0-03 地块", CLOUD_VALLEY, LandUse.INDUSTRIAL_M0, Decimal("40000"),
               Decimal("2.00"), Decimal("3.50"), Decimal("8000"), ParcelStatus.RESERVED, KNOWN_PROSPECT,
               address="“中国云谷”先导区核心区"),
    ParcelSpec("杭政工出〔2026〕28号", "西科园南区 M1-08 地块", XIKE, LandUse.INDUSTRIAL_M1, Decimal("25000"),
               Decimal("1.50"), Decimal("2.50"), Decimal("3000"), ParcelStatus.LISTED, address="三墩镇西科园南区"),
    ParcelSpec("ZJG-XK-RD-05", "西科园研发区 RD-05 地块", XIKE, LandUse.RESEARCH, Decimal("18000"),
               Decimal("2.00"), Decimal("3.00"), Decimal("5400"), ParcelStatus.AVAILABLE, address="三墩镇西科园研发区"),
    ParcelSpec("ZJG-XK-M1-12", "西科园北区 M1-12 地块", XIKE, LandUse.INDUSTRIAL_M1, Decimal("35000"),
               Decimal("1.50"), Decimal("2.50"), Decimal("4200"), ParcelStatus.PLANNED, address="三墩镇西科园北区"),
)

# Parcel outlines: small rectangles on a grid around lng 120.08, lat 30.30 (GeoJSON is [lng, lat]).
OUTLINE_ORIGIN = (120.071, 30.293)
OUTLINE_STEP = (0.0055, 0.0045)  # ≈ 530 m × 500 m per grid cell, enough for the largest parcel
OUTLINE_COLUMNS = 4


# ---------------------------------------------------------------------------------------------
# Policy grants
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GrantSpec:
    clause: int
    enterprise: str
    project: str | None
    status: str
    applied_amount: Decimal
    applied_on: dt.date
    approved_amount: Decimal | None = None
    approved_on: dt.date | None = None
    disbursed_amount: Decimal | None = None
    disbursed_on: dt.date | None = None


G = PolicyGrant.Status
GRANTS = (
    GrantSpec(3, "云谷智算", _K[0].name, G.DISBURSED, Decimal("5000"), d("2024-09-10"), Decimal("5000"), d("2024-10-28"),
              Decimal("5000"), d("2024-12-05")),
    # 1,300 m² × 1.20 元/m²·天 × 365 × 3 ≈ 170.8 万元 of rent waived.
    GrantSpec(1, "科聪控制", _K[7].name, G.APPROVED, Decimal("170.82"), d("2024-02-27"), Decimal("170.82"), d("2024-03-01")),
    GrantSpec(6, "芯体素", _K[5].name, G.DISBURSED, Decimal("300"), d("2024-10-10"), Decimal("300"), d("2024-11-15"),
              Decimal("300"), d("2024-12-20")),
    GrantSpec(6, "永创智能", _K[1].name, G.DISBURSED, Decimal("300"), d("2024-10-12"), Decimal("300"), d("2024-11-15"),
              Decimal("300"), d("2025-01-22")),
    GrantSpec(4, "启衡计算", _K[2].name, G.DISBURSED, Decimal("1800"), d("2025-03-10"), Decimal("1500"), d("2025-05-16"),
              Decimal("750"), d("2025-07-08")),
    GrantSpec(5, "紫垣密码", None, G.APPROVED, Decimal("260"), d("2025-04-02"), Decimal("220"), d("2025-06-18")),
    GrantSpec(8, "芯格睿特", None, G.REJECTED, Decimal("100"), d("2025-08-01")),
    GrantSpec(7, "西湖阳光", None, G.APPLIED, Decimal("80"), d("2026-11-02")),
    GrantSpec(4, "精创激光", _K[3].name, G.APPROVED, Decimal("600"), d("2025-11-10"), Decimal("600"), d("2025-12-15")),
)
# 双兑现: 精创激光's 固定资产投资奖励 paid in two instalments, one per year of its landing commitment (投产 2025). Its
# 2025 review fell short (亩均税收 55 % of the commitment), so the first is held; 2026 is not reviewed yet.
INSTALMENT_GRANT = (4, "精创激光")
INSTALMENTS = ((2025, Decimal("300")), (2026, Decimal("300")))


# ---------------------------------------------------------------------------------------------
# Service categories and requests
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name: str
    sla_unit: str
    sla_value: int
    description: str
    pause_while_waiting_external: bool = False
    # 主办/协办时限 of a department the request is routed to; ``None``: the model's defaults (7 and 3 working days).
    routing_limits: tuple[str, int, int] | None = None


CATEGORIES = (
    CategorySpec("work_permit", "外国人来华工作许可", Category.SlaUnit.CALENDAR_HOURS, 24,
                 "企业服务驿站联系上级部门加快审批，24 小时内完成申领。",
                 routing_limits=(Category.SlaUnit.CALENDAR_HOURS, 24, 12)),
    CategorySpec("talent_housing", "人才房", Category.SlaUnit.WORKING_DAYS, 5, "人才公寓、人才房申请与配租。"),
    CategorySpec("business_registration", "企业开办", Category.SlaUnit.WORKING_DAYS, 3,
                 "设立登记、印章刻制、银行开户、税务登记一件事办理。"),
    CategorySpec("policy_redemption", "政策兑现", Category.SlaUnit.WORKING_DAYS, 15, "“紫金十条”等政策的申报与兑现。"),
    CategorySpec("planning_land", "规划用地审批", Category.SlaUnit.WORKING_DAYS, 10,
                 "规划条件、建设工程规划许可等审批事项；等待上级审批期间暂停计时。", pause_while_waiting_external=True),
)


# ---------------------------------------------------------------------------------------------
# Departments (承办单位): the park's own offices and the authorities the desk routes requests to
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentSpec:
    name: str
    short_name: str
    kind: str  # Department.Kind: internal 园区内设机构 / external 上级及外部单位


FOREIGN_EXPERTS = "人社外专处"
MARKET_REGULATION = "西湖区市场监管局"
PLANNING = "规划资源分局"
TAX = "西湖区税务局"
TALENT_OFFICE = "科技城人才办"
ECONOMY_OFFICE = "科技城经发局"

DEPARTMENTS = (
    DepartmentSpec("杭州市人社局（外国专家服务处）", FOREIGN_EXPERTS, "external"),
    DepartmentSpec("杭州市西湖区市场监督管理局", MARKET_REGULATION, "external"),
    DepartmentSpec("杭州市规划和自然资源局西湖分局", PLANNING, "external"),
    DepartmentSpec("国家税务总局杭州市西湖区税务局", TAX, "external"),
    DepartmentSpec("紫金港科技城人才工作办公室", TALENT_OFFICE, "internal"),
    DepartmentSpec("紫金港科技城经济发展局", ECONOMY_OFFICE, "internal"),
)


@dataclass(frozen=True)
class RoutingStepSpec:
    """What happens to a routing ``hours`` after the request's submission, through the routing services.

    ``kind``: ``transfer`` (to ``department``, by the desk), ``hand_back`` (by the liaison, ``note`` the reason),
    ``extension`` (the liaison asks for ``due_hours`` after submission, ``note`` the reason), ``approve`` /
    ``refuse`` (the station head decides the pending extension), ``complete`` (by the liaison).
    """

    kind: str
    hours: float
    note: str = ""
    department: str | None = None
    due_hours: float | None = None


@dataclass(frozen=True)
class RoutingSpec:
    """The desk (``service``) routes the request to ``department`` as ``role`` ``hours`` after its submission."""

    department: str
    role: str  # Routing.Role: lead 主办 / assist 协办
    hours: float
    note: str = ""
    steps: tuple[RoutingStepSpec, ...] = ()


@dataclass(frozen=True)
class StepSpec:
    """A status transition ``hours`` after submission, by ``actor`` (a username)."""

    action: str
    actor: str
    hours: float
    note: str = ""


@dataclass(frozen=True)
class ApprovalSpec:
    name: str
    authority: str
    due: float | FromNow  # hours after submission, or relative to now
    completed: float | None = None


@dataclass(frozen=True)
class MessageSpec:
    author: str
    hours: float
    body: str
    is_internal: bool = False
    shared_with_departments: bool = False  # a desk message the routed departments' liaisons read
    department: str | None = None  # written by this department's liaison on its routing (never the enterprise's)


@dataclass(frozen=True)
class RequestSpec:
    enterprise: str
    category: str
    title: str
    submitted_by: str
    submitted_at: When
    description: str = ""
    details: dict = field(default_factory=dict)
    steps: tuple[StepSpec, ...] = ()
    assignee: str | None = None  # assigned without being accepted yet
    satisfaction: int | None = None
    satisfaction_comment: str = ""
    approvals: tuple[ApprovalSpec, ...] = ()
    messages: tuple[MessageSpec, ...] = ()
    routings: tuple[RoutingSpec, ...] = ()


WORK_PERMIT_TITLE = "外籍人才来华工作许可（临时出差，加急）"
_CITY_EXPERT = "杭州市科学技术局（外国专家局）"

REQUESTS = (
    # The article: 西湖阳光's foreign expert, “24 小时内完成申领”. Recent, so the expert's planned start
    # date is still ahead (the details form refuses a past one).
    RequestSpec(
        "西湖阳光", "work_permit", WORK_PERMIT_TITLE, "enterprise", Ago(3, hour=14),
        description="我司一位外籍研发专家临时来华出差，来不及去窗口办理外国人来华工作许可证，恳请加急办理。",
        details={"expert_name": "Daniel Weber", "nationality": "德国", "passport_number": "C4K7M2P9R",
                 "position": "首席材料科学家", "planned_start_date": Ago(-4), "contact_phone": "0571-87650321"},
        steps=(StepSpec("accept", "service", 0.3, "已受理，联系上级部门加急办理。"),
               StepSpec("start", "service", 0.5, "材料审核中"),
               StepSpec("wait_external", "service", 2.5, "已网上申报，等待外专局审批。"),
               StepSpec("resolve", "service", 20, "许可已批准并发证，24 小时内完成申领。"),
               StepSpec("close", "enterprise", 22, "证件拿到了，这下时间来得及了！")),
        satisfaction=5, satisfaction_comment="证件拿到了，这下时间来得及了！感谢企业服务驿站。",
        approvals=(ApprovalSpec("材料审核", "紫金港科技城企业服务驿站", 2, 1),
                   ApprovalSpec("网上申报", "外国人来华工作管理服务系统", 4, 2.5),
                   ApprovalSpec("外专局审批", _CITY_EXPERT, 20, 18),
                   ApprovalSpec("发证", _CITY_EXPERT, 24, 20)),
        messages=(MessageSpec("enterprise", 0.1, "专家下周就要到杭州，能否加急办理？"),
                  MessageSpec("service", 0.4, "已受理，我们正在联系外专局加急审批，请保持电话畅通。"),
                  MessageSpec("service", 0.45, "专家下周到杭，企业材料已齐全（护照、学历、工作合同），请加急审批。",
                              shared_with_departments=True),
                  MessageSpec("liaison", 2.55, "已收到网上申报，今晚安排审批，明天上午发证。", department=FOREIGN_EXPERTS),
                  MessageSpec("service", 2.6, "已与外专局电话沟通，今晚安排审批。", is_internal=True)),
        # “联系上级部门”: routed to the foreign-expert authority, 24 hours for the lead (the category's limit).
        routings=(RoutingSpec(FOREIGN_EXPERTS, "lead", 0.42, "外籍专家临时来华出差，请加急审批，24 小时内发证。",
                              steps=(RoutingStepSpec("complete", 19.5, "许可已批准并发证。"),)),),
    ),
    # Open, overdue: three working days are long gone.
    RequestSpec(
        "西湖阳光", "business_registration", "设立西湖阳光中试基地分公司", "enterprise", Ago(16, hour=9),
        description="拟在西湖大学成果转化基地设立分公司，用于中试线运营。",
        steps=(StepSpec("accept", "service", 1, "已受理。"), StepSpec("start", "service", 2, "已提交市场监管局。")),
        messages=(MessageSpec("enterprise", 150, "请问营业执照什么时候能办好？"),
                  MessageSpec("service", 152, "市场监管系统升级，需线下补交股东会决议原件。", is_internal=True)),
        # Routed to the tax office by mistake, transferred (转办) to market regulation, now overdue there; its
        # liaison has asked for more time and the station head has not decided yet.
        routings=(RoutingSpec(TAX, "lead", 2.5, "分公司设立后的税务登记。",
                              steps=(RoutingStepSpec("transfer", 26, "设立登记由市场监管部门办理，转办。",
                                                     department=MARKET_REGULATION),
                                     # the steps after a transfer are the new routing's
                                     RoutingStepSpec("extension", 300, "需企业线下补交股东会决议原件后方可核准。",
                                                     due_hours=24 * 19))),),
    ),
    # Open, waiting on the planning authority: the SLA clock is paused.
    RequestSpec(
        "永创智能", "planning_land", "二期厂房建设工程规划许可证办理", "service", Ago(12, hour=10),
        description="永创智能机器人“小脑”智能制造基地二期厂房，申请建设工程规划许可证。",
        steps=(StepSpec("accept", "service", 1, "已受理。"), StepSpec("start", "service", 3, "方案预审。"),
               StepSpec("wait_external", "service", 168, "已报规划和自然资源局西湖分局审批。")),
        approvals=(ApprovalSpec("规划方案审查", "杭州市规划和自然资源局西湖分局", 144, 160),
                   ApprovalSpec("建设工程规划许可核发", "杭州市规划和自然资源局西湖分局", FromNow(20))),
        routings=(RoutingSpec(PLANNING, "lead", 4, "二期厂房建设工程规划许可，请分局审查方案。"),),
    ),
    # Open, new and nobody has taken it yet.
    RequestSpec(
        "芯格睿特", "work_permit", "外籍芯片设计专家来华工作许可", "service", FromNow(-3),
        description="企业电话委托驿站代为提交。",
        details={"expert_name": "Kenji Tanaka", "nationality": "日本", "passport_number": "TR8842615",
                 "position": "芯片设计总监", "planned_start_date": Ago(-21)},
    ),
    RequestSpec(
        "科聪控制", "talent_housing", "研发骨干人才房申请", "enterprise2", Ago(2, hour=11),
        details={"applicant_name": "刘工", "talent_level": "杭州市E类人才", "household_size": 3},
        steps=(StepSpec("accept", "service", 2, "已受理。"), StepSpec("start", "service", 4, "已对接人才公寓房源。")),
    ),
    RequestSpec(
        "羲和光电", "policy_redemption", "申请“紫金十条”研发投入补助兑现", "service", Ago(5, hour=15),
        description="2025 年度研发投入增量 1,350 万元。",
        steps=(StepSpec("accept", "service", 1, "已受理，待核对研发费用专项审计报告。"),),
    ),
    RequestSpec(
        "西湖心辰", "talent_housing", "算法团队人才公寓申请", "service", Ago(1, hour=9),
        details={"applicant_name": "蓝振忠", "talent_level": "省级领军人才", "household_size": 2},
        assignee="service",
    ),
    # Led by 人社 with the park's economy office assisting; 人社 asked for more time and the station head agreed,
    # which moved the request's own due time too (the lead's extension reaches past the request's 15 working days).
    RequestSpec(
        "西湖阳光", "policy_redemption", "人才安家补贴兑现（紫金十条第七条）", "enterprise", Ago(6, hour=16),
        steps=(StepSpec("accept", "service", 18, "已受理。"), StepSpec("start", "service", 20, "材料初审通过。")),
        routings=(
            RoutingSpec(FOREIGN_EXPERTS, "lead", 20.5, "请核定人才层次及安家补贴标准。",
                        steps=(RoutingStepSpec("extension", 40, "需向省人社厅核实人才认定结果。", due_hours=24 * 25),
                               RoutingStepSpec("approve", 42, "同意延期，请抓紧核实。"))),
            # The park's economy office assists; it has no liaison account in the demo and is overdue (red).
            RoutingSpec(ECONOMY_OFFICE, "assist", 20.5, "请核对企业在园区的纳税和社保缴纳情况。"),
        ),
    ),
    # History.
    RequestSpec(
        "科聪控制", "business_registration", "智造中心项目公司设立登记", "enterprise2", dt.date(2024, 2, 19),
        steps=(StepSpec("accept", "service", 0.5), StepSpec("start", "service", 1),
               StepSpec("resolve", "service", 50, "营业执照已领取。"), StepSpec("close", "enterprise2", 54)),
        satisfaction=5, satisfaction_comment="一天半拿到执照，效率很高。",
    ),
    RequestSpec(
        "元素驱动", "planning_land", "中试车间规划条件核实", "service", dt.date(2024, 5, 6),
        steps=(StepSpec("accept", "service", 1), StepSpec("start", "service", 4),
               StepSpec("wait_external", "service", 72, "已报规划分局。"),
               StepSpec("start", "service", 336, "规划分局已出具意见。"),
               StepSpec("resolve", "service", 430, "规划条件核实通过。"), StepSpec("close", "service", 440)),
        satisfaction=5,
        approvals=(ApprovalSpec("规划条件核实", "杭州市规划和自然资源局西湖分局", 312, 330),),
    ),
    RequestSpec(
        "羲和光电", "talent_housing", "人才房申请", "service", dt.date(2025, 3, 10),
        details={"applicant_name": "薛和", "talent_level": "省级人才", "household_size": 4},
        steps=(StepSpec("accept", "service", 2), StepSpec("start", "service", 5),
               StepSpec("resolve", "service", 96, "已配租人才公寓 2 室。"), StepSpec("close", "service", 100)),
        satisfaction=4, satisfaction_comment="房源离园区稍远。",
    ),
    RequestSpec(
        "精创激光", "policy_redemption", "固定资产投资奖励兑现", "service", dt.date(2025, 4, 7),
        steps=(StepSpec("accept", "service", 3), StepSpec("start", "service", 24),
               StepSpec("resolve", "service", 430, "已核准，待财政拨付。"), StepSpec("close", "service", 440)),
        satisfaction=4,
    ),
    RequestSpec(
        "玉之泉", "policy_redemption", "“紫金十条”房租补贴兑现", "service", dt.date(2025, 6, 3),
        steps=(StepSpec("accept", "service", 2),
               StepSpec("reject", "service", 30, "租赁合同未备案，请补充备案证明后重新提交。")),
    ),
    RequestSpec(
        "西湖阳光", "talent_housing", "青年人才公寓申请", "enterprise", dt.date(2025, 5, 8),
        details={"applicant_name": "沈一帆", "talent_level": "高校毕业生", "household_size": 1},
        steps=(StepSpec("withdraw", "enterprise", 5, "已自行租房，撤回申请。"),),
    ),
)


# --- 企业年度指标 and 亩均论英雄 (issue 17) ---------------------------------------------------------------
# 2025's figures (万元; 综合能耗 in 吨标煤; 用地 in 亩), from the statistics bureau (统计). The article
# gives the 信创 park's total (30 projects: 营收超 20 亿元、税收超 1 亿元) and 科聪控制's 1,300 m² (≈ 1.95 亩) and
# ~1,000 controllers a month; the rest is invented to be plausible. With the default method (park averages as
# benchmarks) the evaluated enterprises come out A: 芯体素, 三坛, 启衡计算, 羲和光电; B: 永创智能, 航芯传感;
# C: 精创激光, 灵犀关节; D: 明途装备, 瀚川新材, 微擎伺服 — and the ones renting under 5 亩 are listed apart.


@dataclass(frozen=True)
class FigureSpec:
    land_mu: str
    revenue: int
    tax: int
    value_added: int
    energy_tce: int
    rd_expense: int
    employees: int
    industrial_output: int | None = None
    financing: int | None = None


FIGURES = {
    "永创智能": FigureSpec("260", 380000, 9800, 76000, 9500, 17000, 2800, 362000),
    "芯体素": FigureSpec("28", 42000, 2900, 13500, 850, 4600, 180, 40500, financing=20000),
    "三坛": FigureSpec("22", 36000, 2300, 14000, 520, 5400, 320, 35000, financing=30000),
    "启衡计算": FigureSpec("60", 150000, 4100, 21000, 2600, 7500, 340, 146000),
    "精创激光": FigureSpec("45", 52000, 1500, 11000, 2300, 2400, 410, 50500),
    "羲和光电": FigureSpec("8", 9000, 420, 2600, 300, 700, 120, 8800),
    "航芯传感": FigureSpec("12", 9800, 480, 2900, 280, 880, 150, 9500),
    "灵犀关节": FigureSpec("15", 11000, 430, 2700, 560, 650, 160, 10800),
    "明途装备": FigureSpec("30", 19000, 380, 3600, 1500, 480, 200, 18500),
    "瀚川新材": FigureSpec("40", 14000, 210, 2500, 4600, 240, 90, 13800),
    "微擎伺服": FigureSpec("8", 3800, 60, 700, 380, 110, 110, 3700),
    # Renting in the parks' buildings, under the 5 亩 of the method: listed apart.
    "科聪控制": FigureSpec("1.95", 24000, 1400, 7000, 150, 2400, 260, 23500),
    "元素驱动": FigureSpec("3.5", 2600, 90, 800, 120, 600, 60, 2500, financing=8000),
    "玉之泉": FigureSpec("3", 6500, 330, 1900, 90, 520, 70, 6300),
    "芯格睿特": FigureSpec("2.5", 8200, 450, 2600, 60, 1900, 95),
}
# The years of figures, and each year's figures as a share of the last one's (the parks grew about a tenth a year).
FIGURE_YEARS = (2023, 2024, 2025)
FIGURE_YEAR_SCALES = (Decimal("0.8"), Decimal("0.9"), Decimal("1"))
# 西湖阳光 reports 2025 itself in the portal; it waits for the service desk's confirmation.
SELF_REPORTED_FIGURES = ("西湖阳光", FigureSpec("1.2", 1800, 60, 500, 40, 900, 85))
SELF_REPORTED_EARLIER = {"西湖阳光": FigureSpec("1.2", 1200, 30, 320, 30, 700, 70)}
