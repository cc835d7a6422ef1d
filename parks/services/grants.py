"""政策兑现: a clause applied to an enterprise, approved within the clause's cap, paid within what was approved.

    已申请 applied → 已核准 approved → 已拨付 disbursed (one or more instalments)
    已申请 applied → 未通过 rejected (with a reason)
    待确认 proposed (免申即享, ``parks.services.proposals``) → 已核准 approved, or → 不予推送 dismissed (with a reason)

Amounts are in 万元. Each step locks the grant and writes its history (who, when).
"""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.models import Enterprise, Project, User
from crm.roles import Work, require_role
from crm.text import wan

from ..models import PolicyClause, PolicyGrant

G = PolicyGrant.Status


def _positive_amount(amount, field: str, label: str) -> Decimal:
    if amount is None or amount <= 0:
        raise DomainError(_("%(label)s必须大于 0。") % {"label": label}, field=field)
    return amount


def _not_future(day: dt.date | None, field: str, label: str) -> dt.date:
    if day is None:
        raise DomainError(_("请填写%(label)s。") % {"label": label}, field=field)
    if day > timezone.localdate():
        raise DomainError(_("%(label)s不能晚于今天。") % {"label": label}, field=field)
    return day


def _save(grant: PolicyGrant, *, actor: User, fields: list[str], reason: str) -> PolicyGrant:
    grant._history_user = actor
    grant._change_reason = reason[:100]
    grant.save(update_fields=[*fields, "updated_at"])
    return grant


def _locked(grant: PolicyGrant) -> PolicyGrant:
    return PolicyGrant.objects.select_for_update(of=("self",)).select_related("clause__policy").get(pk=grant.pk)


def _illegal(grant: PolicyGrant, action: str) -> DomainError:
    return DomainError(
        _("该兑现记录当前“%(status)s”，不能%(action)s。") % {"status": grant.get_status_display(), "action": action},
        code=DomainError.ILLEGAL_TRANSITION,
    )


def policy_grant_application_check(
    *, clause: PolicyClause, enterprise: Enterprise, applied_amount: Decimal, applied_on: dt.date,
    project: Project | None = None,
) -> None:
    """Raise ``DomainError`` (naming the field) if this application may not be recorded."""
    _positive_amount(applied_amount, "applied_amount", _("申请金额"))
    _not_future(applied_on, "applied_on", _("申请日期"))
    if project is not None and project.enterprise_id != enterprise.pk:
        raise DomainError(_("项目“%(project)s”不属于企业“%(enterprise)s”。") % {"project": project, "enterprise": enterprise},
                          field="project")
    policy = clause.policy
    for owner, label in ((clause, _("条款")), (policy, _("政策"))):
        if (owner.valid_from and applied_on < owner.valid_from) or (owner.valid_until and applied_on > owner.valid_until):
            raise DomainError(
                _("申请日期 %(day)s 不在%(label)s有效期（%(start)s 至 %(end)s）内。")
                % {"day": applied_on, "label": label, "start": owner.valid_from or "—", "end": owner.valid_until or "—"},
                field="applied_on",
            )


@transaction.atomic
def policy_grant_record(
    *,
    clause: PolicyClause,
    enterprise: Enterprise,
    applied_amount: Decimal,
    applied_on: dt.date,
    actor: User,
    project: Project | None = None,
) -> PolicyGrant:
    """Record an application (已申请) of ``enterprise`` — and optionally one of its projects — for a clause.

    The application date must fall inside the clause's and the policy's validity window.
    """
    require_role(actor, Work.GRANTS)
    policy_grant_application_check(
        clause=clause, enterprise=enterprise, applied_amount=applied_amount, applied_on=applied_on, project=project
    )
    grant = PolicyGrant(clause=clause, enterprise=enterprise, project=project, applied_amount=applied_amount,
                        applied_on=applied_on, status=G.APPLIED)
    grant._history_user = actor
    grant._change_reason = "申请"
    grant.save()
    return grant


def approval_amount_check(*, grant: PolicyGrant, amount: Decimal | None) -> None:
    """The approval's cap check, shared by 核准 and the confirmation of a 免申即享 proposal: positive, and never
    more than the clause's 最高金额."""
    _positive_amount(amount, "approved_amount", _("核准金额"))
    cap = grant.clause.amount_cap
    if cap is not None and amount > cap:
        raise DomainError(
            _("核准金额 %(amount)s 超过条款“%(clause)s”的最高金额 %(cap)s。")
            % {"amount": wan(amount), "clause": grant.clause.title, "cap": wan(cap)},
            field="approved_amount",
        )


@transaction.atomic
def policy_grant_approve(*, grant: PolicyGrant, amount: Decimal, on: dt.date, actor: User, note: str = "") -> PolicyGrant:
    """核准: approve ``amount`` 万元 — never more than the clause's 最高金额 nor than was applied for."""
    require_role(actor, Work.GRANTS)
    grant = _locked(grant)
    if grant.status != G.APPLIED:
        raise _illegal(grant, _("核准"))
    approval_amount_check(grant=grant, amount=amount)
    if amount > grant.applied_amount:
        raise DomainError(
            _("核准金额 %(amount)s 高于申请金额 %(applied)s。") % {"amount": wan(amount), "applied": wan(grant.applied_amount)},
            field="approved_amount",
        )
    _not_future(on, "approved_on", _("核准日期"))
    if on < grant.applied_on:
        raise DomainError(_("核准日期不能早于申请日期 %(day)s。") % {"day": grant.applied_on}, field="approved_on")
    grant.status = G.APPROVED
    grant.approved_amount = amount
    grant.approved_on = on
    grant.decision_note = (note or "").strip()
    return _save(grant, actor=actor, fields=["status", "approved_amount", "approved_on", "decision_note"], reason="核准")


@transaction.atomic
def policy_grant_disburse(*, grant: PolicyGrant, amount: Decimal, on: dt.date, actor: User) -> PolicyGrant:
    """拨付: pay ``amount`` 万元 of an approved grant; instalments add up, never beyond the approved amount.

    A grant planned in instalments tied to landing commitments (双兑现) is paid only instalment by instalment
    (``parks.services.instalments.grant_instalment_pay``), so a held instalment can never be paid this way."""
    if PolicyGrant.objects.filter(pk=grant.pk, instalments__isnull=False).exists():
        raise DomainError(_("该兑现已按落地承诺分期，请按期拨付可拨付的分期。"), code=DomainError.ILLEGAL_TRANSITION)
    return disburse(grant=grant, amount=amount, on=on, actor=actor)


def disburse(*, grant: PolicyGrant, amount: Decimal, on: dt.date, actor: User) -> PolicyGrant:
    """The payment itself, for ``policy_grant_disburse`` and the instalments' service (inside their transaction)."""
    require_role(actor, Work.GRANTS)
    grant = _locked(grant)
    if grant.status not in (G.APPROVED, G.DISBURSED):
        raise _illegal(grant, _("拨付"))
    _positive_amount(amount, "disbursed_amount", _("拨付金额"))
    paid = grant.disbursed_amount or Decimal("0")
    if paid + amount > grant.approved_amount:
        raise DomainError(
            _("拨付后累计 %(total)s 将超过核准金额 %(approved)s（已拨付 %(paid)s）。")
            % {"total": wan(paid + amount), "approved": wan(grant.approved_amount), "paid": wan(paid)},
            field="disbursed_amount",
        )
    _not_future(on, "disbursed_on", _("拨付日期"))
    if on < grant.approved_on:
        raise DomainError(_("拨付日期不能早于核准日期 %(day)s。") % {"day": grant.approved_on}, field="disbursed_on")
    grant.status = G.DISBURSED
    grant.disbursed_amount = paid + amount
    grant.disbursed_on = on
    return _save(grant, actor=actor, fields=["status", "disbursed_amount", "disbursed_on"], reason=f"拨付 {wan(amount)}")


@transaction.atomic
def policy_grant_reject(*, grant: PolicyGrant, reason: str, actor: User) -> PolicyGrant:
    """未通过: refuse an application, with the reason the enterprise will read."""
    require_role(actor, Work.GRANTS)
    grant = _locked(grant)
    if grant.status != G.APPLIED:
        raise _illegal(grant, _("驳回"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("不予兑现必须填写原因。"), field="decision_note")
    grant.status = G.REJECTED
    grant.decision_note = reason
    return _save(grant, actor=actor, fields=["status", "decision_note"], reason="未通过")
