"""政策申报 (网上申报): an enterprise applies online for a clause; the service desk approves (the grant) or refuses;
a refusal may be appealed (异议) within the clause's ``appeal_days``.

    已提交 submitted ─核准→ 已核准 approved (policy_grant_record + policy_grant_approve: the cap checks as today)
        └─未通过→ 未通过 refused ─异议→ 异议复核中 appealed ─核准→ approved | ─未通过→ refused (final)

The application is a service request of the ``policy_redemption`` category (政策兑现): its documents are the
request's attachments, its decision resolves the request (办结, with the outcome as the note, so the enterprise
is told as for any request) and an appeal reopens it (重新办理). Missing facts (补充信息) are supplied with
evidence and count only once staff confirm them (``supplied_fact_confirm`` writes them on the enterprise).
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.errors import DomainError
from crm.figures.services import figure_submit
from crm.models import (
    FINISHED_REQUEST_STATUSES,
    Enterprise,
    EnterpriseFigure,
    RequestStatus,
    ServiceCategory,
    ServiceRequest,
    User,
)
from crm.roles import Work, require_role
from crm.service_requests.attachments import attachment_validate, attachments_add
from crm.service_requests.services import service_request_submit, service_request_transition
from crm.text import wan

from ..matching import NOT_ELIGIBLE, UNKNOWN, ClauseMatch
from ..models import PolicyApplication, PolicyClause, SuppliedFact
from .grants import policy_grant_approve, policy_grant_record

A = PolicyApplication.Status
# The service category an application is filed under (the demo's and the seeded 政策兑现).
APPLICATION_CATEGORY = "policy_redemption"


@dataclass(frozen=True)
class FactInput:
    """One missing fact as the enterprise supplies it: the kind (``SuppliedFact.Kind``), the value, the evidence."""

    kind: str
    value: int | None
    evidence: object = None  # an uploaded file


def _clause_match(*, clause: PolicyClause, enterprise: Enterprise, today: dt.date) -> ClauseMatch | None:
    from ..selectors.policies import enterprise_policy_matches

    return next((m for m in enterprise_policy_matches(enterprise=enterprise, today=today) if m.clause.pk == clause.pk),
                None)


@dataclass(frozen=True)
class FiguresInput:
    """Yearly figures (企业年度指标) the enterprise reports to answer a figure criterion it is *unknown* on: the year,
    ``{field: value}`` of ``EnterpriseFigure`` and one evidence file — stored through ``figure_submit`` (企业自报,
    待确认) and counted by the matcher once staff confirm it (``figure_confirm``)."""

    year: int | None
    values: dict
    evidence: object = None


# The figure criterion kinds (issue 17's new kinds on yearly figures) → the figures that decide them.
FIGURE_FACTS = {
    "min_revenue": ("revenue",),
    "min_tax": ("tax",),
    "min_rd_ratio": ("rd_expense", "revenue"),
    "min_tax_per_mu": ("tax", "land_mu"),
}


def missing_figure_fields(match: ClauseMatch | None) -> list[str]:
    """The yearly figures (``EnterpriseFigure`` field names) the enterprise can report for this match: those that
    decide its *unknown* figure criteria (营业收入 ≥, 税收 ≥, 研发经费占比 ≥, 亩均税收 ≥), in the criteria's order."""
    fields: list[str] = []
    for result in match.criteria if match is not None else ():
        if result.outcome == UNKNOWN:
            fields += [f for f in FIGURE_FACTS.get(result.kind, ()) if f not in fields]
    return fields


def missing_fact_kinds(match: ClauseMatch | None) -> list[str]:
    """The facts (``SuppliedFact.Kind``) the enterprise can supply for this match: those of its *unknown* criteria
    that an enterprise answers itself (员工人数, 研发人员数), in the criteria's order."""
    if match is None:
        return []
    kinds = []
    for result in match.criteria:
        kind = SuppliedFact.CRITERION_KINDS.get(result.kind)
        if result.outcome == UNKNOWN and kind is not None and kind not in kinds:
            kinds.append(kind)
    return kinds


def policy_application_refusal(
    *, clause: PolicyClause, enterprise: Enterprise, today: dt.date, match: ClauseMatch | None = None,
    live: bool | None = None,
) -> DomainError | None:
    """Why ``enterprise`` may not apply for ``clause`` on ``today``, or None — the one reading of “在线申报 shows”:
    the portal asks it (with the match and the live applications it already holds) and the submit raises it."""
    if not clause.application_window_open(today):
        if clause.application_opens_on is None:
            return DomainError(_("该条款未开放网上申报。"), code=DomainError.ILLEGAL_TRANSITION, field="clause")
        return DomainError(
            _("不在网上申报期内：本条款申报期为 %(opens)s 至 %(closes)s。")
            % {"opens": f"{clause.application_opens_on:%Y-%m-%d}", "closes": f"{clause.application_closes_on:%Y-%m-%d}"},
            code=DomainError.ILLEGAL_TRANSITION, field="clause",
        )
    if match is None:
        return DomainError(_("该条款当前不可申报（未发布或不在有效期内）。"), field="clause")
    if match.verdict == NOT_ELIGIBLE:
        return DomainError(_("贵企业不符合该条款的申报条件：%(why)s") % {"why": match.summary}, field="clause")
    if live is None:
        live = PolicyApplication.objects.filter(clause=clause, enterprise=enterprise, status__in=[
            A.SUBMITTED, A.APPROVED, A.APPEALED]).exclude(
            status__in=PolicyApplication.WAITING, service_request__status__in=FINISHED_REQUEST_STATUSES).exists()
    if live:
        return DomainError(_("该企业已申报此条款，不能重复申报。"), code=DomainError.ILLEGAL_TRANSITION, field="clause")
    return None


def _close_abandoned(*, clause: PolicyClause, enterprise: Enterprise, at) -> None:
    """An application still waiting whose request was withdrawn (已撤回) or not accepted (不予受理) is over: it is
    marked 未通过 with that reason (no appeal: its request is finished), so that a new application may be made."""
    for application in PolicyApplication.objects.select_for_update().select_related("service_request").filter(
        clause=clause, enterprise=enterprise, status__in=PolicyApplication.WAITING,
        service_request__status__in=FINISHED_REQUEST_STATUSES,
    ):
        request = application.service_request
        application.status = A.REFUSED
        application.refusal_reason = _("申报诉求%(status)s。") % {"status": request.get_status_display()}
        application.decided_at = at
        _save(application, actor=request.submitted_by, fields=["status", "refusal_reason", "decided_at"],
              reason="诉求已结束")


def _positive_amount(amount, clause: PolicyClause) -> Decimal:
    if amount is None or amount <= 0:
        raise DomainError(_("申请金额必须大于 0。"), field="applied_amount")
    if clause.amount_cap is not None and amount > clause.amount_cap:
        raise DomainError(
            _("申请金额 %(amount)s 超过条款最高金额 %(cap)s。") % {"amount": wan(amount), "cap": wan(clause.amount_cap)},
            field="applied_amount",
        )
    return amount


def _category() -> ServiceCategory:
    category = ServiceCategory.objects.filter(code=APPLICATION_CATEGORY, is_active=True).first()
    if category is None:
        raise DomainError(_("尚未设置“政策兑现”服务类别（代码 policy_redemption），暂不能网上申报，请联系园区工作人员。"))
    return category


@transaction.atomic
def policy_application_submit(
    *,
    clause: PolicyClause,
    enterprise: Enterprise,
    applied_amount: Decimal,
    documents: Mapping[str, object],
    facts: list[FactInput] | tuple = (),
    figures: FiguresInput | None = None,
    actor: User,
    at=None,
) -> PolicyApplication:
    """网上申报: within the clause's window, for an enterprise whose verdict is eligible or unknown, once per clause
    (while one is waiting, approved or under appeal), with every required document (``documents``: name → upload)
    and every missing fact it can supply (``facts``: 员工人数, 研发人员数; ``figures``: the yearly figures of its
    unknown figure criteria, through ``figure_submit``). One transaction: a refusal keeps nothing.

    Raises ``DomainError`` naming the field: ``clause``, ``applied_amount``, ``document:<n>`` (the n-th required
    document, from 0), ``fact:<kind>``, ``figures`` (or the figures service's own field).
    """
    require_role(actor, Work.REQUESTS)
    if not actor.is_staff and not actor.enterprises.filter(pk=enterprise.pk).exists():
        raise DomainError(_("您不属于该企业，不能代其申报。"), code=DomainError.FORBIDDEN, field="enterprise")
    at = at or timezone.now()
    today = timezone.localdate(at)
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()  # one application at a time per enterprise
    clause = PolicyClause.objects.select_related("policy").get(pk=clause.pk)
    _close_abandoned(clause=clause, enterprise=enterprise, at=at)
    match = _clause_match(clause=clause, enterprise=enterprise, today=today)
    refusal = policy_application_refusal(clause=clause, enterprise=enterprise, today=today, match=match)
    if refusal is not None:
        raise refusal
    _positive_amount(applied_amount, clause)

    uploads = []
    names = []
    for index, name in enumerate(clause.required_document_list()):
        upload = documents.get(name)
        if not upload:
            raise DomainError(_("请上传“%(name)s”。") % {"name": name}, field=f"document:{index}")
        try:
            attachment_validate(upload)
        except DomainError as error:
            raise DomainError(f"{name}：{error.message}", field=f"document:{index}") from None
        uploads.append(upload)
        names.append(name)

    given = {fact.kind: fact for fact in facts}
    supplied = []
    for kind in missing_fact_kinds(match):
        label = SuppliedFact.Kind(kind).label
        fact = given.get(kind)
        if fact is None or fact.value is None or fact.evidence is None:
            raise DomainError(
                _("“%(label)s”尚未登记：请填写并上传证明材料。") % {"label": label}, field=f"fact:{kind}"
            )
        if fact.value < 0:
            raise DomainError(_("“%(label)s”不能为负数。") % {"label": label}, field=f"fact:{kind}")
        try:
            attachment_validate(fact.evidence)
        except DomainError as error:
            raise DomainError(f"{label}：{error.message}", field=f"fact:{kind}") from None
        supplied.append(fact)

    figure_fields = missing_figure_fields(match)
    if figure_fields:
        values = (figures.values if figures is not None else {}) or {}
        wanted = {name: values.get(name) for name in figure_fields}
        if figures is None or figures.year is None or figures.evidence is None or None in wanted.values():
            labels = "、".join(str(EnterpriseFigure._meta.get_field(name).verbose_name) for name in figure_fields)
            raise DomainError(_("请填写年度指标（%(labels)s）及年度，并上传佐证材料。") % {"labels": labels}, field="figures")

    lines = [_("申请金额：%(amount)s") % {"amount": wan(applied_amount)}]
    lines += [_("申报材料：%(names)s") % {"names": "、".join(names)}] if names else []
    lines += [_("补充信息：%(label)s %(value)s（待确认）") % {"label": SuppliedFact.Kind(f.kind).label, "value": f.value}
              for f in supplied]
    request, _warnings = service_request_submit(
        enterprise=enterprise, category=_category(), submitted_by=actor, at=at,
        title=_("政策申报：%(policy)s 第%(number)s条 %(title)s")
        % {"policy": clause.policy, "number": clause.number, "title": clause.title},
        description="\n".join(lines),
    )
    stored = attachments_add(service_request=request, uploads=[*uploads, *(f.evidence for f in supplied)], user=actor)
    figure = None
    if figure_fields:
        figure = figure_submit(enterprise=enterprise, year=figures.year, values=wanted, evidence=figures.evidence,
                               actor=actor)
    application = PolicyApplication(
        clause=clause, enterprise=enterprise, service_request=request, applied_amount=applied_amount, figure=figure,
        documents=[{"name": name, "attachment": a.pk} for name, a in zip(names, stored, strict=False)],
        submitted_by=actor, submitted_at=at, status=A.SUBMITTED,
    )
    application._history_user = actor
    application._change_reason = "申报"
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:  # another tab's application won the race for the one live application
        raise DomainError(_("该企业已申报此条款，不能重复申报。"), code=DomainError.ILLEGAL_TRANSITION,
                          field="clause") from None
    for fact, attachment in zip(supplied, stored[len(uploads):], strict=True):
        SuppliedFact.objects.create(enterprise=enterprise, application=application, kind=fact.kind, value=fact.value,
                                    evidence=attachment, submitted_by=actor)
    return application


def _locked(application: PolicyApplication) -> PolicyApplication:
    return (PolicyApplication.objects.select_for_update(of=("self",))
            .select_related("clause__policy", "enterprise", "service_request").get(pk=application.pk))


def _waiting(application: PolicyApplication, action: str) -> None:
    if application.status not in PolicyApplication.WAITING:
        raise DomainError(
            _("该申报当前“%(status)s”，不能%(action)s。") % {"status": application.get_status_display(), "action": action},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    if application.service_request.is_finished:
        raise DomainError(
            _("申报诉求已结束（%(status)s），不能%(action)s。")
            % {"status": application.service_request.get_status_display(), "action": action},
            code=DomainError.ILLEGAL_TRANSITION,
        )


def _resolve_request(request: ServiceRequest, *, actor: User, note: str, at) -> ServiceRequest:
    """The decision ends the desk's work on the request: 受理 first if nobody has, then 办结 with the outcome."""
    if request.status == RequestStatus.SUBMITTED:
        request = service_request_transition(service_request=request, action="accept", actor=actor, at=at)
    return service_request_transition(service_request=request, action="resolve", actor=actor, note=note, at=at)


def _save(application: PolicyApplication, *, actor: User, fields: list[str], reason: str) -> PolicyApplication:
    application._history_user = actor
    application._change_reason = reason[:100]
    application.save(update_fields=[*fields, "updated_at"])
    return application


@transaction.atomic
def policy_application_approve(
    *, application: PolicyApplication, amount: Decimal, actor: User, note: str = "", at=None
) -> PolicyApplication:
    """核准: create the ``PolicyGrant`` (applied on the application's day) and approve ``amount`` 万元 through the
    grants service — never above the clause's 最高金额 nor the amount applied for — and resolve the request."""
    require_role(actor, Work.GRANTS)
    application = _locked(application)
    _waiting(application, _("核准"))
    at = at or timezone.now()
    grant = policy_grant_record(
        clause=application.clause, enterprise=application.enterprise, applied_amount=application.applied_amount,
        applied_on=timezone.localdate(application.submitted_at), actor=actor,
    )
    grant = policy_grant_approve(grant=grant, amount=amount, on=timezone.localdate(at), actor=actor, note=note)
    message = _("申报已核准：%(amount)s。") % {"amount": wan(amount)}
    application.service_request = _resolve_request(application.service_request, actor=actor,
                                                    note=f"{message}{note or ''}", at=at)
    application.grant = grant
    application.status = A.APPROVED
    application.decided_by, application.decided_at = actor, at
    fields = ["grant", "status", "decided_by", "decided_at"]
    if application.appealed_at is not None:
        application.appeal_outcome = PolicyApplication.AppealOutcome.APPROVED
        fields.append("appeal_outcome")
    return _save(application, actor=actor, fields=fields, reason="核准")


@transaction.atomic
def policy_application_refuse(*, application: PolicyApplication, reason: str, actor: User, at=None) -> PolicyApplication:
    """未通过: refuse with the reason the enterprise reads; the request is resolved with it. A first refusal opens
    the appeal period (``appeal_days``); a refusal after an appeal is final (维持)."""
    require_role(actor, Work.GRANTS)
    application = _locked(application)
    _waiting(application, _("驳回"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("未通过必须填写原因。"), field="reason")
    at = at or timezone.now()
    note = _("申报未通过：%(reason)s") % {"reason": reason}
    if application.appealed_at is None:
        deadline = timezone.localdate(at) + dt.timedelta(days=application.clause.appeal_days)
        note += _("（如有异议，可在 %(deadline)s 前提出）") % {"deadline": f"{deadline:%Y-%m-%d}"}
    application.service_request = _resolve_request(application.service_request, actor=actor, note=note, at=at)
    application.status = A.REFUSED
    application.refusal_reason = reason
    application.decided_by, application.decided_at = actor, at
    fields = ["status", "refusal_reason", "decided_by", "decided_at"]
    if application.appealed_at is not None:
        application.appeal_outcome = PolicyApplication.AppealOutcome.UPHELD
        fields.append("appeal_outcome")
    return _save(application, actor=actor, fields=fields, reason="未通过")


@transaction.atomic
def policy_application_appeal(*, application: PolicyApplication, reason: str, actor: User, at=None) -> PolicyApplication:
    """异议: the enterprise asks for a review of a refusal, within ``appeal_days`` of it and once; the request is
    reopened (重新办理) with the reason, back in the desk's queue."""
    require_role(actor, Work.REQUESTS)
    application = _locked(application)
    if not actor.enterprises.filter(pk=application.enterprise_id).exists():
        raise DomainError(_("只有申报企业的用户可以提出异议。"), code=DomainError.FORBIDDEN)
    if application.status != A.REFUSED:
        raise DomainError(
            _("该申报当前“%(status)s”，不能提出异议。") % {"status": application.get_status_display()},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    if application.appealed_at is not None:
        raise DomainError(_("该申报已提出过异议，复核结果为最终结果。"), code=DomainError.ILLEGAL_TRANSITION)
    at = at or timezone.now()
    deadline = application.appeal_deadline()
    if timezone.localdate(at) > deadline:
        raise DomainError(
            _("异议期已过：未通过后 %(days)s 天内（截至 %(deadline)s）可提出异议。")
            % {"days": application.clause.appeal_days, "deadline": f"{deadline:%Y-%m-%d}"},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写异议理由。"), field="reason")
    request = application.service_request
    if request.status != RequestStatus.RESOLVED:
        raise DomainError(
            _("申报诉求当前“%(status)s”，不能再提出异议。") % {"status": request.get_status_display()},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    application.service_request = service_request_transition(
        service_request=request, action="reopen", actor=actor, note=_("提出异议：%(reason)s") % {"reason": reason}, at=at)
    application.status = A.APPEALED
    application.appealed_at, application.appeal_reason = at, reason
    return _save(application, actor=actor, fields=["status", "appealed_at", "appeal_reason"], reason="异议")


# ---------------------------------------------------------------------------------------------------
# Supplied facts (补充信息)
# ---------------------------------------------------------------------------------------------------


def _locked_fact(fact: SuppliedFact) -> SuppliedFact:
    fact = SuppliedFact.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=fact.pk)
    if fact.status != SuppliedFact.Status.SUBMITTED:
        raise DomainError(
            _("该信息当前“%(status)s”，不能再处理。") % {"status": fact.get_status_display()},
            code=DomainError.ILLEGAL_TRANSITION,
        )
    return fact


@transaction.atomic
def supplied_fact_confirm(*, fact: SuppliedFact, actor: User, at=None) -> SuppliedFact:
    """确认: staff checked the evidence; the value is written on the enterprise record (e.g. ``headcount``), which is
    what matching reads — the criterion that was *unknown* is now met or failed on the next read."""
    require_role(actor, Work.ENTERPRISES)
    fact = _locked_fact(fact)
    enterprise = Enterprise.objects.select_for_update().get(pk=fact.enterprise_id)
    setattr(enterprise, fact.kind, fact.value)
    enterprise._history_user = actor
    enterprise._change_reason = f"确认补充信息 {fact.get_kind_display()}"[:100]
    enterprise.save(update_fields=[fact.kind, "updated_at"])
    fact.status = SuppliedFact.Status.CONFIRMED
    fact.decided_by, fact.decided_at = actor, at or timezone.now()
    fact.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    return fact


@transaction.atomic
def supplied_fact_reject(*, fact: SuppliedFact, reason: str, actor: User, at=None) -> SuppliedFact:
    """退回: the evidence does not bear the value out; the enterprise record is left as it was."""
    require_role(actor, Work.ENTERPRISES)
    fact = _locked_fact(fact)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("退回必须填写原因。"), field="note")
    fact.status = SuppliedFact.Status.REJECTED
    fact.note = reason[:200]
    fact.decided_by, fact.decided_at = actor, at or timezone.now()
    fact.save(update_fields=["status", "note", "decided_by", "decided_at", "updated_at"])
    return fact
