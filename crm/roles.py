"""Who may read and who may write what, by role: the two tables (谁可以看什么、做什么).

Reads — ``WHO_READS``, by area (``Area``): every interface asks ``may_read(user, area)`` and refuses with 403
what the role may not read. The API through ``crm.api.permissions.ReadsArea`` (each view names its
``work_area``), the admin through ``crm.permission_backend.RoleTableBackend`` (``user.has_perm`` answers from
``AREA_OF_MODEL``, so every ModelAdmin, inline and autocomplete follows the table, whatever a group holds), the
reports through ``reports.access``, the attachment download through ``crm.views``. Within an area the querysets
still scope the rows: an enterprise user reaches its own enterprises' only (anything else is a 404).

Writes — ``WHO_DOES``, by kind of work (``Work``): every write service starts with ``require_role(actor,
Work.…)``; the API's permission classes (``crm.api.permissions``, ``parks.api.permissions``) read the same table,
so a screen, a task or a command calling a service directly meets the rule the API enforces. Managers (领导)
read everything and change nothing; superusers do all. Within
``Work.PROJECTS``, who may change *this* project (its stage, its owner, its follow-ups and landing records) is
``crm.pipeline.ownership``: its owner, its co-officers and the head of investment promotion (招商负责人). What the table does not decide stays with the services:
which side of a request may take which transition, membership of the request's enterprise, internal notes.
The admin's add/change/delete rights come from the role groups' model permissions (migrations), never beyond
what the role may read.

The README's "Who may read and write what" is this module as a table; ``tests/security/test_role_table_in_readme.py``
keeps them equal.
"""

import enum
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from crm.errors import DomainError
from crm.models import Role


class Work(enum.StrEnum):
    PROJECTS = "projects"  # 招商项目、跟进记录、分配负责人
    LAND = "land"  # 地块、载体空间、签约项目的落地承诺
    ENTERPRISES = "enterprises"  # 登记企业
    REQUESTS = "requests"  # 企业诉求: submit, thread, attachments, transitions, rating — either side
    SERVICE_DESK = "service_desk"  # 企业诉求 on the station's side: accept, handle, assign
    APPROVAL_STEPS = "approval_steps"  # 审批环节: plan, change, complete, reopen
    GRANTS = "grants"  # 政策兑现: record, approve, disburse, reject; 政策申报: approve, refuse
    ROUTING = "routing"  # 分办、转办: the desk gives a request to departments (承办单位)
    DEPARTMENT_WORK = "department_work"  # 承办单位: hand back, ask an extension, complete its routing and steps, write
    EXTENSION_DECISION = "extension_decision"  # 延期审批: the station head (驿站站长) approves or refuses
    VISITS = "visits"  # 走访 (安商): record a visit and its problems; 包联: who is in charge of an enterprise
    FIGURES = "figures"  # 企业年度指标: record (stored confirmed), import, confirm or return an enterprise's submission
    OWN_FIGURES = "own_figures"  # 企业自报年度指标: an enterprise user submits its own enterprise's figures


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    refusal: Promise


WHO_DOES: dict[Work, Rule] = {
    Work.PROJECTS: Rule(
        frozenset({Role.INVESTMENT_OFFICER, Role.INVESTMENT_LEAD}), _("只有招商专员可以修改项目和跟进记录。")
    ),
    Work.LAND: Rule(
        frozenset({Role.INVESTMENT_OFFICER, Role.INVESTMENT_LEAD}), _("只有招商专员可以变更地块、载体和落地承诺。")
    ),
    Work.ENTERPRISES: Rule(
        frozenset({Role.INVESTMENT_OFFICER, Role.INVESTMENT_LEAD, Role.SERVICE_OFFICER}),
        _("只有招商专员或企业服务专员可以登记企业。"),
    ),
    Work.REQUESTS: Rule(
        frozenset({Role.SERVICE_OFFICER, Role.ENTERPRISE}), _("只有企业服务专员或企业用户可以办理诉求。")
    ),
    Work.SERVICE_DESK: Rule(frozenset({Role.SERVICE_OFFICER}), _("只有企业服务专员可以受理、办理和分派诉求。")),
    Work.APPROVAL_STEPS: Rule(frozenset({Role.SERVICE_OFFICER}), _("只有企业服务专员可以办理审批环节。")),
    Work.GRANTS: Rule(frozenset({Role.SERVICE_OFFICER}), _("只有企业服务专员可以登记和审核政策兑现。")),
    Work.ROUTING: Rule(frozenset({Role.SERVICE_OFFICER}), _("只有企业服务专员可以分办和转办诉求。")),
    Work.DEPARTMENT_WORK: Rule(
        frozenset({Role.DEPARTMENT_LIAISON}), _("只有承办单位联络员可以退回、申请延期或办结分办事项。")
    ),
    Work.EXTENSION_DECISION: Rule(frozenset({Role.SERVICE_LEAD}), _("只有驿站站长可以审批延期申请。")),
    Work.VISITS: Rule(
        frozenset({Role.INVESTMENT_OFFICER, Role.INVESTMENT_LEAD, Role.SERVICE_OFFICER}),
        _("只有招商专员或企业服务专员可以记录走访和安排包联。"),
    ),
    Work.FIGURES: Rule(
        frozenset({Role.INVESTMENT_OFFICER, Role.INVESTMENT_LEAD, Role.SERVICE_OFFICER}),
        _("只有招商专员或企业服务专员可以登记和确认企业年度指标。"),
    ),
    Work.OWN_FIGURES: Rule(frozenset({Role.ENTERPRISE}), _("只有企业用户可以填报本企业的年度指标。")),
}


class Area(enum.StrEnum):
    """What a role may read: each model, API endpoint, report and download belongs to one area."""

    PIPELINE = "pipeline"  # 招商项目、跟进记录、阶段记录、活动、业绩分成、落地承诺（节点、到资、年度承诺）、候选地块、项目可申请政策
    PARCELS = "parcels"  # 地块
    SPACES = "spaces"  # 载体空间
    PARKS = "parks"  # 园区/平台
    ENTERPRISES = "enterprises"  # 企业、联系人、资质
    REQUESTS = "requests"  # 企业诉求及其留言、附件、流转记录、审批环节、分办；服务类别、工作日历
    DEPARTMENTS = "departments"  # 承办单位
    CALLBACKS = "callbacks"  # 回访记录
    POLICIES = "policies"  # 政策、条款、认定条件、企业可申请政策
    GRANTS = "grants"  # 政策兑现、政策申报
    VISITS = "visits"  # 走访记录、走访问题
    FIGURES = "figures"  # 企业年度指标、亩均评价办法
    LISTS = "lists"  # 可配置清单：产业链及其环节、属地镇街、资质类别、来源渠道、支持方式
    NOTIFICATIONS = "notifications"  # 本人的提醒（收件箱）
    NOTIFICATION_LOG = "notification_log"  # 所有人的提醒发送记录
    REMINDER_SETTINGS = "reminder_settings"  # 提醒规则、群机器人
    REPORTS = "reports"  # 数据报表（页面、导出、接口）、年度目标
    ACCOUNTS = "accounts"  # 用户
    SYSTEM = "system"  # 角色组、令牌、定时任务、登录记录
    SIGN_IN = "sign_in"  # 登录、取得令牌、退出
    API_DOCS = "api_docs"  # 接口文档（/api/schema/、/api/docs/、/api/redoc/）


ANONYMOUS = "anonymous"  # a pseudo-role in ``WHO_READS``: anyone, signed in or not


@dataclass(frozen=True)
class Reads:
    roles: frozenset[str]
    what: str  # what the area holds, as the README's table names it
    why: str  # the reason for its readers, as the README's table gives it
    refusal: Promise


_STAFF = frozenset(Role.STAFF_ROLES)
_EVERYONE = frozenset({*Role.STAFF_ROLES, Role.ENTERPRISE})

WHO_READS: dict[Area, Reads] = {
    Area.PIPELINE: Reads(
        frozenset({Role.INVESTMENT_OFFICER, Role.INVESTMENT_LEAD, Role.MANAGER}),
        "projects, follow-ups, stage history, events, credits, landing commitments (milestones, capital arrivals, "
        "yearly commitments), a project's policy matches (招商项目、跟进、落地承诺)",
        "the investment officers' own work, and their head's (招商负责人); service officers do not read the pipeline",
        _("您没有权限查看招商项目。"),
    ),
    Area.PARCELS: Reads(
        frozenset({Role.INVESTMENT_OFFICER, Role.INVESTMENT_LEAD, Role.MANAGER}),
        "land parcels and a project's candidate parcels (地块)",
        "land is offered to, reserved for and transferred to projects: it is read with the pipeline",
        _("您没有权限查看地块。"),
    ),
    Area.SPACES: Reads(
        _STAFF,
        "rentable spaces, their occupants and rent-free periods (载体空间)",
        "service officers too: the rent-free-ending reminders go to the service desk, and the occupants are "
        "enterprises they serve (rent subsidies, talent housing)",
        _("您没有权限查看载体空间。"),
    ),
    Area.PARKS: Reads(_STAFF, "parks and platforms (园区)", "the park hierarchy every staff screen names",
                      _("您没有权限查看园区。")),
    Area.ENTERPRISES: Reads(
        _STAFF,
        "enterprises, contacts, qualifications (企业)",
        "both officers meet companies: investment officers court them, service officers serve and register them",
        _("仅限园区工作人员访问。"),
    ),
    Area.REQUESTS: Reads(
        frozenset({Role.SERVICE_OFFICER, Role.SERVICE_LEAD, Role.MANAGER, Role.DEPARTMENT_LIAISON, Role.ENTERPRISE}),
        "service requests with their messages, attachments, history, approval steps and routings to departments; "
        "service categories, the working-day calendar (企业诉求)",
        "the service desk's work, and the enterprise's own requests; a department liaison only the requests routed "
        "to its departments, reduced (docs/departments.md); investment officers do not read requests, their "
        "messages or attachments (work-permit scans)",
        _("您没有权限查看企业诉求。"),
    ),
    Area.DEPARTMENTS: Reads(
        frozenset({Role.SERVICE_OFFICER, Role.SERVICE_LEAD, Role.MANAGER, Role.DEPARTMENT_LIAISON}),
        "departments a request is routed to (承办单位)",
        "the desk routes to them, the station head decides their extensions, liaisons name their own",
        _("您没有权限查看承办单位。"),
    ),
    Area.CALLBACKS: Reads(
        frozenset({Role.SERVICE_OFFICER, Role.SERVICE_LEAD, Role.MANAGER}),
        "call-backs after closing: how the enterprise received the outcome, with the desk's comment (回访记录)",
        "the desk's own record of what the enterprise said on the phone, and the satisfaction figures managers read; "
        "the enterprise sees its request reopened, never the record",
        _("您没有权限查看回访记录。"),
    ),
    Area.POLICIES: Reads(
        _EVERYONE,
        "policies, clauses, eligibility criteria, an enterprise's policy matches (政策)",
        "policies are public: enterprise users read the published ones and their own enterprises' matches",
        _("您没有权限查看政策。"),
    ),
    Area.GRANTS: Reads(
        _EVERYONE,
        "policy grants and online applications (政策兑现、政策申报)",
        "service officers record them; investment officers follow them with the landing commitments (双兑现); "
        "enterprise users their own enterprises' only",
        _("您没有权限查看政策兑现。"),
    ),
    Area.VISITS: Reads(
        _STAFF,
        "visits to enterprises and the problems raised there (走访)",
        "both officers visit the enterprises in their charge (包联); enterprises never see the visit notes; a "
        "problem's request is then read in its own area",
        _("您没有权限查看走访记录。"),
    ),
    Area.FIGURES: Reads(
        _EVERYONE,
        "enterprises' yearly figures (revenue, tax, value added, energy, land ...) and the 亩均 method "
        "(企业年度指标、亩均评价办法)",
        "officers record and confirm them, the matcher and 亩均论英雄 read them; enterprise users their own "
        "enterprises' only, which they submit in the portal; only superusers edit the 亩均 method",
        _("您没有权限查看企业年度指标。"),
    ),
    Area.LISTS: Reads(
        _STAFF,
        "the editable lists: industry chains and their segments, towns and streets, qualification kinds, source "
        "channels, benefit kinds (可配置清单)",
        "every staff form and filter offers them; only superusers (the park's administrators) add, rename or retire "
        "an entry",
        _("仅限园区工作人员访问。"),
    ),
    Area.NOTIFICATIONS: Reads(
        _EVERYONE | {Role.SERVICE_LEAD, Role.DEPARTMENT_LIAISON}, "one's own reminders (我的提醒)",
        "everyone reads their own reminders, and only their own",
        _("请先登录。"),
    ),
    Area.NOTIFICATION_LOG: Reads(
        frozenset({Role.MANAGER}),
        "everyone's reminders, as sent (提醒发送记录)",
        "the reminders name requests and projects alike: only managers read the whole log",
        _("您没有权限查看提醒发送记录。"),
    ),
    Area.REMINDER_SETTINGS: Reads(
        frozenset({Role.SERVICE_OFFICER, Role.MANAGER}),
        "reminder rules and group-chat robots (提醒规则)",
        "managers set them; the service desk, which the rules notify most, may look",
        _("您没有权限查看提醒规则。"),
    ),
    Area.REPORTS: Reads(
        frozenset({Role.MANAGER}),
        "the report pages, their Excel exports, the report API, yearly targets (数据报表)",
        "the leaders' dashboard; a report mixes every area (the service report lists requests, the pipeline "
        "report projects)",
        _("仅限领导查看数据报表。"),
    ),
    Area.ACCOUNTS: Reads(frozenset({Role.MANAGER}), "users (用户)", "who works here, for the leaders",
                         _("您没有权限查看用户。")),
    Area.SYSTEM: Reads(
        frozenset(), "role groups, API tokens, schedules, login records (系统)", "superusers only",
        _("仅限系统管理员。"),
    ),
    Area.SIGN_IN: Reads(frozenset({ANONYMOUS}), "signing in and out, API tokens (登录)", "anyone may sign in",
                        _("请先登录。")),
    Area.API_DOCS: Reads(
        frozenset({ANONYMOUS}), "the OpenAPI schema and its docs (接口文档)",
        "they describe the API, not its data", _("请先登录。"),
    ),
}

ROLE_NAMES = {
    Role.INVESTMENT_OFFICER: "招商专员",
    Role.INVESTMENT_LEAD: "招商负责人",
    Role.SERVICE_OFFICER: "企业服务专员",
    Role.SERVICE_LEAD: "驿站站长",
    Role.DEPARTMENT_LIAISON: "承办单位联络员",
    Role.MANAGER: "领导",
    Role.ENTERPRISE: "企业用户",
    ANONYMOUS: "anyone",
}


def who_reads_table() -> str:
    """``WHO_READS`` as the README's Markdown table (tests/security/test_role_table_in_readme.py compares them)."""
    rows = ["| area | what | who reads (superusers always) | why |", "|---|---|---|---|"]
    for area, rule in WHO_READS.items():
        who = ", ".join(f"{ROLE_NAMES[role]} (`{role}`)" for role in ROLE_NAMES if role in rule.roles)
        who = who or "superusers only"
        rows.append(f"| `{area}` | {rule.what} | {who} | {rule.why} |")
    return "\n".join(rows)


# Every model of crm and parks and every model the admin shows, by its area (``app_label.model_name``):
# ``crm.permission_backend`` reads it; tests/security/test_least_privilege_schema.py fails for a model missing here.
AREA_OF_MODEL: dict[str, Area] = {
    **dict.fromkeys(
        ["crm.project", "crm.projectstagechange", "crm.followup", "crm.event", "crm.projectcredit",
         "crm.projectmilestone", "crm.capitalarrival", "crm.exchangerate", "crm.annualcommitment",
         "crm.historicalproject"],
        Area.PIPELINE,
    ),
    **dict.fromkeys(["parks.landparcel", "parks.historicallandparcel"], Area.PARCELS),
    "parks.space": Area.SPACES,
    "parks.park": Area.PARKS,
    **dict.fromkeys(["crm.enterprise", "crm.contact", "crm.enterprisequalification"], Area.ENTERPRISES),
    **dict.fromkeys(
        ["crm.servicerequest", "crm.servicerequesttransition", "crm.servicerequestmessage",
         "crm.servicerequestattachment", "crm.approvalstep", "crm.servicecategory", "crm.calendarday",
         "crm.historicalservicerequest", "crm.categoryfield", "crm.categoryformversion", "crm.approvalsteptemplate",
         "crm.routing", "crm.routingevent", "crm.routingextension"],
        Area.REQUESTS,
    ),
    "crm.department": Area.DEPARTMENTS,
    "crm.requestcallback": Area.CALLBACKS,
    **dict.fromkeys(["crm.visit", "crm.visitproblem"], Area.VISITS),
    **dict.fromkeys(["parks.policy", "parks.policyclause", "parks.eligibilitycriterion"], Area.POLICIES),
    **dict.fromkeys(["parks.policygrant", "parks.historicalpolicygrant", "parks.policyapplication",
                     "parks.historicalpolicyapplication", "parks.grantinstalment", "parks.historicalgrantinstalment"],
                    Area.GRANTS),
    "parks.suppliedfact": Area.ENTERPRISES,
    **dict.fromkeys(
        ["crm.enterprisefigure", "crm.historicalenterprisefigure", "parks.mumethod", "parks.historicalmumethod"],
        Area.FIGURES,
    ),
    **dict.fromkeys(
        ["crm.industrychain", "crm.chainsegment", "crm.jurisdiction", "crm.qualificationkind", "crm.sourcechannel",
         "parks.benefitkind"],
        Area.LISTS,
    ),
    "crm.notification": Area.NOTIFICATION_LOG,
    **dict.fromkeys(["crm.reminderrule", "crm.notificationwebhook"], Area.REMINDER_SETTINGS),
    "crm.yearlytarget": Area.REPORTS,
    "crm.user": Area.ACCOUNTS,
    **dict.fromkeys(
        ["auth.group", "auth.permission", "knox.authtoken",
         "django_celery_beat.periodictask", "django_celery_beat.clockedschedule",
         "django_celery_beat.crontabschedule", "django_celery_beat.solarschedule",
         "django_celery_beat.intervalschedule", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog"],
        Area.SYSTEM,
    ),
    "crm.siteprofile": Area.SYSTEM,  # the park's identity: administrators edit it
    "crm.calendarfeed": Area.SYSTEM,  # feed tokens are secrets: their owners renew them on the calendar page
}


def area_of_model(model) -> Area | None:
    """The area of a model class (or of ``"app_label.model_name"``); ``None`` for a model the table does not name."""
    label = model if isinstance(model, str) else model._meta.label_lower
    return AREA_OF_MODEL.get(label.lower())


def _holds(user, role: str) -> bool:
    # An enterprise user is one who is not staff (``User.is_enterprise_user``): staff in that group act as staff.
    return user.is_enterprise_user if role == Role.ENTERPRISE else user.has_role(role)


def may(user, work: Work) -> bool:
    """Whether ``user`` (anyone, logged in or not) may do this kind of write."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(_holds(user, role) for role in WHO_DOES[work].roles)


def require_role(actor, work: Work, *, refusal=None) -> None:
    """Refuse (``DomainError``, code ``forbidden``) an actor whose role may not do ``work``.

    ``refusal`` words the message for what was tried (e.g. “您没有权限执行“受理”。”); by default the table's.
    """
    if not may(actor, work):
        raise DomainError(refusal or WHO_DOES[work].refusal, code=DomainError.FORBIDDEN)


def may_read(user, area: Area) -> bool:
    """Whether ``user`` (anyone, logged in or not) may read ``area`` at all; the querysets then scope the rows."""
    roles = WHO_READS[area].roles
    if ANONYMOUS in roles:
        return True
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or any(_holds(user, role) for role in roles)
