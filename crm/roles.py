"""Who may do which kind of write, by role: the one table (谁可以做什么).

Every write service starts with ``require_role(actor, Work.…)``; the API's permission classes
(``crm.api.permissions``, ``parks.api.permissions``) read the same table, so a screen, a task or a command
calling a service directly meets the rule the API enforces. Managers (领导) read everything and change nothing;
superusers do all. What the table does not decide stays with the services: which side of a request may take
which transition, membership of the request's enterprise, internal notes.

Reads are scoped elsewhere (querysets and selectors). The admin additionally follows the Django model
permissions of the role groups (migration ``crm.0003_role_groups``), which may be narrower than this table.
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
    GRANTS = "grants"  # 政策兑现: record, approve, disburse, reject


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]
    refusal: Promise


WHO_DOES: dict[Work, Rule] = {
    Work.PROJECTS: Rule(frozenset({Role.INVESTMENT_OFFICER}), _("只有招商专员可以修改项目和跟进记录。")),
    Work.LAND: Rule(frozenset({Role.INVESTMENT_OFFICER}), _("只有招商专员可以变更地块、载体和落地承诺。")),
    Work.ENTERPRISES: Rule(
        frozenset({Role.INVESTMENT_OFFICER, Role.SERVICE_OFFICER}), _("只有招商专员或企业服务专员可以登记企业。")
    ),
    Work.REQUESTS: Rule(
        frozenset({Role.SERVICE_OFFICER, Role.ENTERPRISE}), _("只有企业服务专员或企业用户可以办理诉求。")
    ),
    Work.SERVICE_DESK: Rule(frozenset({Role.SERVICE_OFFICER}), _("只有企业服务专员可以受理、办理和分派诉求。")),
    Work.APPROVAL_STEPS: Rule(frozenset({Role.SERVICE_OFFICER}), _("只有企业服务专员可以办理审批环节。")),
    Work.GRANTS: Rule(frozenset({Role.SERVICE_OFFICER}), _("只有企业服务专员可以登记和审核政策兑现。")),
}


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
