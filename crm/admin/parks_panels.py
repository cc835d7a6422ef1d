"""The read-only panels of the project and enterprise admin pages: landing commitments, the policies the
project or enterprise may apply for (政策匹配), the parcels that fit the project's land need (候选地块).

The one place crm imports parks code (tests/test_architecture.py names it): the admin is where staff see
both sides at once, and these panels only read.
"""

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from crm.admin.commitments import ProjectCommitmentsColumnMixin
from crm.models import FIGURE_FIELDS, EnterpriseFigure
from crm.pipeline.lights import (
    project_commitments,
)
from parks.mu import mu_of_latest_year
from parks.selectors.parcels import parcel_candidates
from parks.selectors.policies import enterprise_policy_matches, project_policy_matches


def _panel(template: str, context: dict) -> str:
    return render_to_string(template, context)


class ProjectParksPanelsMixin(ProjectCommitmentsColumnMixin):
    """Read-only panels of the project page (add their names to ``readonly_fields``)."""

    parks_readonly_fields = ("commitments_panel", "policy_matches_panel", "parcel_candidates_panel")

    @admin.display(description=_("落地承诺"))
    def commitments_panel(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return _panel("parks/_commitments.html", {"c": project_commitments(project=obj)})

    @admin.display(description=_("可申请的政策"))
    def policy_matches_panel(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return _panel("parks/_policy_matches.html", {"matches": project_policy_matches(project=obj), "show_styles": True})

    @admin.display(description=_("候选地块"))
    def parcel_candidates_panel(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return _panel("parks/_parcel_candidates.html", {"project": obj, "candidates": parcel_candidates(project=obj)})


PROJECT_PARKS_FIELDSETS = (
    (_("落地承诺"), {"fields": ("commitments_panel",)}),
    (_("可申请的政策"), {"fields": ("policy_matches_panel",)}),
    (_("候选地块"), {"classes": ["collapse"], "fields": ("parcel_candidates_panel",)}),
)


class EnterprisePolicyPanelMixin:
    parks_readonly_fields = ("mu_panel", "policy_matches_panel")

    @admin.display(description=_("亩均效益"))
    def mu_panel(self, obj):
        """The class of the latest confirmed year beside that year's figures (parks.mu, the one reading)."""
        if obj is None or obj.pk is None:
            return "—"
        result = mu_of_latest_year(obj.pk)
        figures = []
        if result is not None and result.figures is not None:
            figures = [
                {
                    "label": EnterpriseFigure._meta.get_field(name).verbose_name,
                    "value": getattr(result.figures, name),
                    "source": result.figures.source_label(name),
                }
                for name in FIGURE_FIELDS
            ]
        return _panel("parks/_mu_panel.html", {"result": result, "figures": figures})

    @admin.display(description=_("可申请的政策"))
    def policy_matches_panel(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return _panel(
            "parks/_policy_matches.html", {"matches": enterprise_policy_matches(enterprise=obj), "show_styles": True}
        )


ENTERPRISE_PARKS_FIELDSETS = (
    (_("亩均效益"), {"fields": ("mu_panel",)}),
    (_("可申请的政策"), {"fields": ("policy_matches_panel",)}),
)
