"""可申请的政策 in the enterprise portal: the policy clauses in force matched against the user's own
enterprises, those enterprises' policy grants (政策兑现), and applying online (网上申报): the form, the
application followed to its grant, the appeal (异议). Nothing of another enterprise is read (404).

Parks' page in the portal (``parks.portal_urls``, mounted at /portal/policies/): crm's portal links to it by
URL name and never imports it."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from crm.errors import DomainError
from crm.models import Enterprise
from crm.portal.access import enterprise_required, portal_render, show_refusal

from .matching import ELIGIBLE, UNKNOWN
from .models import PolicyApplication, PolicyClause
from .portal_forms import AppealForm, ApplicationForm
from .selectors.policies import (
    enterprise_policy_matches,
    enterprises_policy_matches,
    policy_application_list,
    policy_grant_list,
)
from .services.applications import (
    FactInput,
    FiguresInput,
    missing_fact_kinds,
    missing_figure_fields,
    policy_application_appeal,
    policy_application_refusal,
    policy_application_submit,
)

LIVE = (PolicyApplication.Status.SUBMITTED, PolicyApplication.Status.APPROVED, PolicyApplication.Status.APPEALED)


@require_safe
@enterprise_required
def policy_matches(request):
    """Queries: session, user, groups (role check), unread badge, the user's enterprises, their qualifications,
    their projects' figures, clauses, criteria, parks, the grants, the applications — the same for one
    enterprise or five."""
    enterprises = Enterprise.objects.visible_to(request.user).order_by("name")
    today = timezone.localdate()
    matches = enterprises_policy_matches(enterprises=enterprises, today=today)
    grants = list(policy_grant_list(user=request.user))
    applications = list(policy_application_list(user=request.user))
    # Live: waiting, approved or appealed — not one whose request was withdrawn (the next submission closes it).
    live = {(a.enterprise_id, a.clause_id) for a in applications
            if a.status in LIVE and not (a.status in PolicyApplication.WAITING and a.service_request.is_finished)}
    sections = []
    for enterprise in enterprises:
        found = matches.get(enterprise.pk, [])
        # 在线申报 beside each clause the enterprise may apply for now (the service's own reading of it).
        apply_urls = {
            m.clause.pk: reverse("parks_portal:apply", args=[m.clause.pk, enterprise.pk])
            for m in found
            if m.verdict in (ELIGIBLE, UNKNOWN) and policy_application_refusal(
                clause=m.clause, enterprise=enterprise, today=today, match=m, live=(enterprise.pk, m.clause.pk) in live,
            ) is None
        }
        sections.append({
            "enterprise": enterprise,
            "matches": found,
            "apply_urls": apply_urls,
            "eligible": sum(1 for m in found if m.verdict == "eligible"),
            "unknown": sum(1 for m in found if m.verdict == "unknown"),
            "grants": [g for g in grants if g.enterprise_id == enterprise.pk],
            "applications": [a for a in applications if a.enterprise_id == enterprise.pk],
        })
    return portal_render(request, "portal/policy_matches.html", {"sections": sections})


@require_http_methods(["GET", "HEAD", "POST"])
@enterprise_required
def policy_apply(request, clause_id, enterprise_id):
    """网上申报 for one clause and one of the user's enterprises (another enterprise, an unpublished clause: 404)."""
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=enterprise_id)
    clause = get_object_or_404(PolicyClause.objects.select_related("policy").filter(policy__is_published=True),
                               pk=clause_id)
    today = timezone.localdate()
    match = next((m for m in enterprise_policy_matches(enterprise=enterprise, today=today) if m.clause.pk == clause.pk),
                 None)
    refusal = policy_application_refusal(clause=clause, enterprise=enterprise, today=today, match=match)
    fact_kinds = missing_fact_kinds(match)
    form = ApplicationForm(request.POST or None, request.FILES or None, clause=clause, fact_kinds=fact_kinds,
                           figure_fields=missing_figure_fields(match))
    if request.method == "POST" and refusal is None and form.is_valid():
        data = form.cleaned_data
        try:
            application = policy_application_submit(
                clause=clause, enterprise=enterprise, applied_amount=data["applied_amount"], actor=request.user,
                documents={name: data[key] for name, key in form.documents},
                facts=[FactInput(kind=k, value=data[f"fact_{k}"], evidence=data[f"fact_{k}_evidence"]) for k in fact_kinds],
                figures=FiguresInput(year=data.get("figure_year"), values=form.figure_values(),
                                     evidence=data.get("figure_evidence")) if form.figures else None,
            )
        except DomainError as error:  # next to the document or fact it names, else above the form
            error.add_to_form(form, rename=form.service_names())
        else:
            messages.success(request, _("申报已提交，园区工作人员将在办理时限内审核。"))
            return redirect("parks_portal:application", application.pk)
    return portal_render(request, "portal/policy_apply.html", {
        "clause": clause, "enterprise": enterprise, "match": match, "refusal": refusal, "form": form,
    }, status=200 if request.method != "POST" or refusal is None else 409)


def _visible_application(user, pk) -> PolicyApplication:
    application = policy_application_list(user=user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


@require_safe
@enterprise_required
def application_detail(request, pk):
    """The enterprise follows its application: status, documents, supplied facts, the grant once approved, the
    refusal and the appeal button within the days; the thread is the request's page."""
    application = _visible_application(request.user, pk)
    today = timezone.localdate()
    return portal_render(request, "portal/policy_application.html", {
        "application": application,
        "documents": application.documents,
        "attachments": {a.pk: a for a in application.service_request.attachments.all()},
        "facts": application.supplied_facts.select_related("evidence").order_by("id"),
        "may_appeal": application.may_appeal(today),
        "appeal_deadline": application.appeal_deadline(),
        "appeal_form": AppealForm(),
    })


@require_POST
@enterprise_required
def application_appeal(request, pk):
    application = _visible_application(request.user, pk)
    form = AppealForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("parks_portal:application", application.pk)
    with show_refusal(request) as outcome:
        policy_application_appeal(application=application, reason=form.cleaned_data["reason"], actor=request.user)
    if outcome.error is None:
        messages.success(request, _("异议已提交，园区将重新审核。"))
    return redirect("parks_portal:application", application.pk)
