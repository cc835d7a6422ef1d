"""双兑现 (分期兑现): plan an approved grant in instalments tied to landing-commitment years, pay the released
ones, refresh their standing after a review, record a clawback. The rule itself is ``parks.instalments``.

``instalments_refresh`` is called by the reminder sweep (rule ``instalment_changed``, ``parks.reminders``) — crm
never imports parks, so the annual review (``crm.pipeline.commitments.annual_commitment_review``) cannot call it;
the sweep runs every 5 minutes — and by the daily grants task. Screens read the rule live, so they are never stale.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.models import AnnualCommitment, User
from crm.roles import Work, require_role
from crm.text import wan

from ..instalments import FINAL, I, commitments_by_project, grant_standing
from ..models import GrantInstalment, PolicyGrant
from .grants import _illegal, _locked, disburse

G = PolicyGrant.Status


def grant_instalments_plan_check(*, grant: PolicyGrant, plan: list[tuple[int, Decimal]]) -> None:
    """Raise ``DomainError`` unless ``plan`` — (commitment year, amount 万元) per instalment, in order — may split
    this grant: approved and not paid yet, tied to a project, each year committed by the project, amounts
    positive and adding up to the approved amount."""
    if grant.status != G.APPROVED or grant.disbursed_amount:
        raise _illegal(grant, _("分期"))
    if grant.project_id is None:
        raise DomainError(_("分期兑现须关联一个已签约项目（按其落地承诺年度拨付）。"), field="project")
    if not plan:
        raise DomainError(_("请至少填写一期。"), field="plan")
    committed = set(AnnualCommitment.objects.filter(project_id=grant.project_id).values_list("year", flat=True))
    for year, amount in plan:
        if year not in committed:
            raise DomainError(
                _("项目“%(project)s”没有 %(year)s 年度的落地承诺，请先登记年度承诺。")
                % {"project": grant.project, "year": year},
                field="plan",
            )
        if amount is None or amount <= 0:
            raise DomainError(_("每期金额必须大于 0。"), field="plan")
    total = sum((amount for _year, amount in plan), Decimal("0"))
    if total != grant.approved_amount:
        raise DomainError(
            _("各期合计 %(total)s 应等于核准金额 %(approved)s。")
            % {"total": wan(total), "approved": wan(grant.approved_amount)},
            field="plan",
        )


@transaction.atomic
def grant_instalments_plan(
    *, grant: PolicyGrant, plan: list[tuple[int, Decimal]], actor: User
) -> list[GrantInstalment]:
    """分期: split an approved grant into instalments (replacing a plan of which nothing is paid yet)."""
    require_role(actor, Work.GRANTS)
    grant = _locked(grant)
    grant_instalments_plan_check(grant=grant, plan=plan)
    if grant.instalments.filter(status__in=FINAL).exists():
        raise DomainError(_("已有分期拨付，不能重新分期。"), code=DomainError.ILLEGAL_TRANSITION)
    grant.instalments.all().delete()
    rows = []
    for sequence, (year, amount) in enumerate(plan, start=1):
        row = GrantInstalment(grant=grant, sequence=sequence, commitment_year=year, amount=amount)
        row._history_user = actor
        row.save()
        rows.append(row)
    instalments_refresh(grants=[grant], today=timezone.localdate(), actor=actor)
    return [GrantInstalment.objects.get(pk=row.pk) for row in rows]


@transaction.atomic
def grant_instalment_pay(*, instalment: GrantInstalment, on: dt.date, actor: User) -> GrantInstalment:
    """拨付 one instalment: only when the rule says 可拨付 today; the money goes through the grants' payment (``grants.disburse``:
    the grant's paid total never exceeds its approved amount)."""
    require_role(actor, Work.GRANTS)
    instalment = GrantInstalment.objects.select_for_update().select_related("grant").get(pk=instalment.pk)
    grant = instalment.grant
    standing = _standing(grant, today=timezone.localdate())
    status = next(s for i, s, _y in standing.instalments if i.pk == instalment.pk)
    if status != I.RELEASED:
        year = next(y for i, _s, y in standing.instalments if i.pk == instalment.pk)
        raise DomainError(
            _("%(instalment)s 当前“%(status)s”，不能拨付：%(why)s")
            % {"instalment": instalment, "status": I(status).label, "why": "；".join(year.reasons)},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    disburse(grant=grant, amount=instalment.amount, on=on, actor=actor)
    instalment.status = I.PAID
    instalment.paid_on = on
    instalment.released_on = instalment.released_on or on
    instalment._history_user = actor
    instalment.save(update_fields=["status", "paid_on", "released_on", "updated_at"])
    return instalment


@transaction.atomic
def grant_instalment_record_clawback(*, instalment: GrantInstalment, actor: User) -> GrantInstalment:
    """已追回: record that the clawback computed for a paid instalment was recovered."""
    require_role(actor, Work.GRANTS)
    instalment = GrantInstalment.objects.select_for_update().get(pk=instalment.pk)
    instalments_refresh(grants=[instalment.grant], today=timezone.localdate(), actor=actor)
    instalment.refresh_from_db()
    if instalment.status != I.PAID or not instalment.clawback_amount:
        raise DomainError(_("只有已拨付且应追回金额大于 0 的分期可以登记追回。"), code=DomainError.ILLEGAL_TRANSITION)
    instalment.status = I.CLAWED_BACK
    instalment._history_user = actor
    instalment.save(update_fields=["status", "updated_at"])
    return instalment


def _standing(grant: PolicyGrant, *, today: dt.date):
    commitments = commitments_by_project([grant.project_id]).get(grant.project_id, {})
    return grant_standing(grant.instalments.order_by("sequence"), commitments, today=today)


@dataclass(frozen=True)
class InstalmentChange:
    """An instalment whose standing changed: held, released or owing a clawback."""

    instalment: GrantInstalment
    status: str
    clawback: Decimal | None
    reasons: list[str]


def instalments_refresh(
    *, today: dt.date, grants=None, write: bool = True, actor: User | None = None
) -> list[InstalmentChange]:
    """Store what the rule says today on every instalment not final (status, 可拨付日期) and the clawback of the
    paid ones; return the changes. ``write=False`` (the sweep's dry run) only returns them. 3 queries and one
    update per change; the history names ``actor`` (None for the sweep and the daily task: the system)."""
    instalments = GrantInstalment.objects.select_related("grant__enterprise", "grant__clause__policy").order_by(
        "grant_id", "sequence"
    )
    if grants is not None:
        instalments = instalments.filter(grant__in=[g.pk for g in grants])
    by_grant: dict[int, list[GrantInstalment]] = {}
    for instalment in instalments:
        by_grant.setdefault(instalment.grant_id, []).append(instalment)
    if not by_grant:
        return []
    commitments = commitments_by_project({rows[0].grant.project_id for rows in by_grant.values()})
    changes = []
    for rows in by_grant.values():
        standing = grant_standing(rows, commitments.get(rows[0].grant.project_id, {}), today=today)
        for instalment, status, year in standing.instalments:
            clawback = standing.clawback_of(instalment)
            fields = []
            if status != instalment.status:
                instalment.status = status
                fields.append("status")
                if status == I.RELEASED:
                    instalment.released_on = today
                    fields.append("released_on")
            if clawback != instalment.clawback_amount:
                instalment.clawback_amount = clawback
                fields.append("clawback_amount")
            if fields:
                changes.append(InstalmentChange(instalment, status, clawback, year.reasons))
                if write:
                    instalment._history_user = actor
                    instalment.save(update_fields=[*fields, "updated_at"])
    return changes
