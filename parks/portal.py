"""可申请的政策 in the enterprise portal: the policy clauses in force matched against the user's own
enterprises, and those enterprises' policy grants (政策兑现). Nothing of another enterprise is read.

Parks' page in the portal (``parks.portal_urls``, mounted at /portal/policies/): crm's portal links to it by
URL name and never imports it."""

from django.views.decorators.http import require_safe

from crm.models import Enterprise
from crm.portal.access import enterprise_required, portal_render

from .selectors.policies import enterprises_policy_matches, policy_grant_list


@require_safe
@enterprise_required
def policy_matches(request):
    """Queries: session, user, groups (role check), unread badge, the user's enterprises, their qualifications,
    their projects' figures, clauses, criteria, parks, the grants — the same for one enterprise or five."""
    enterprises = Enterprise.objects.visible_to(request.user).order_by("name")
    matches = enterprises_policy_matches(enterprises=enterprises)
    grants = list(policy_grant_list(user=request.user))
    sections = []
    for enterprise in enterprises:
        found = matches.get(enterprise.pk, [])
        sections.append({
            "enterprise": enterprise,
            "matches": found,
            "eligible": sum(1 for m in found if m.verdict == "eligible"),
            "unknown": sum(1 for m in found if m.verdict == "unknown"),
            "grants": [g for g in grants if g.enterprise_id == enterprise.pk],
        })
    return portal_render(request, "portal/policy_matches.html", {"sections": sections})
