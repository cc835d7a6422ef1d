"""Landing commitments at a glance (落地承诺, 三色预警), and the parks panels on the project and enterprise pages.

- The project list gets a column of four lights (交地 开工 竣工 达产) and a 落地预警 filter; the lights
  come from correlated subqueries in the list's own query (``with_milestone_dates``), so no query per row.
- The project page gets the milestones inline with their light, and read-only panels: landing
  commitments (milestones, capital arrived against the committed investment, the annual reviews and
  their shortfalls), the policies it may apply for, and the parcels that fit its land need.
- The enterprise page gets the policies it may apply for.
- The milestone list (落地节点) shows each milestone's light and filters by colour
  (``MilestoneLightColumnMixin``, ``MilestoneLightFilter``).

The colours, the matching and the candidates are computed by ``parks.selectors``; writes of the inline
are checked with the same rules as ``parks.services.commitments`` (signed projects only, dates in order).
"""

import datetime as dt

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, Q
from django.forms.models import BaseInlineFormSet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from crm.models import ProjectMilestone
from parks.selectors.commitments import (
    AT_RISK_DAYS,
    milestone_light,
    milestone_lights,
    project_commitments,
    with_milestone_dates,
)
from parks.selectors.parcels import parcel_candidates
from parks.selectors.policies import enterprise_policy_matches, project_policy_matches
from parks.services.commitments import commitments_refusal, milestone_order_error

__all__ = [
    "ENTERPRISE_PARKS_FIELDSETS", "PROJECT_PARKS_FIELDSETS", "EnterprisePolicyPanelMixin", "MilestoneAlertFilter",
    "MilestoneColourInline", "MilestoneLightColumnMixin", "MilestoneLightFilter", "ProjectParksPanelsMixin",
    "with_milestone_dates",
]


def _light_badge(label: str, light) -> str:
    """A small square in the light's colour with the milestone's first character (交 开 竣 达); details on hover."""
    return format_html(
        '<span class="zj-light zj-light--{}" title="{}：{}" style="display:inline-block;width:1.5em;line-height:1.5em;'
        'margin-right:2px;border-radius:3px;font-size:11px;text-align:center;background:{};color:{}">{}</span>',
        light.level, label, light.label, light.colour, "#475569" if light.level == "none" else "#fff", label[:1],
    )


def _red(today: dt.date) -> Q:
    return Q(actual_on__isnull=True, planned_on__lt=today) | Q(actual_on__gt=F("planned_on"))


def _yellow(today: dt.date) -> Q:
    return Q(actual_on__isnull=True, planned_on__gte=today, planned_on__lte=today + dt.timedelta(days=AT_RISK_DAYS))


class MilestoneAlertFilter(admin.SimpleListFilter):
    """落地预警: projects with a red milestone (overdue, or done late), or a yellow one (due within 30 days)."""

    title = _("落地预警")
    parameter_name = "milestones"

    def lookups(self, request, model_admin):
        return (("red", _("红：有节点逾期")), ("yellow", _("黄：30 天内到期")))

    def queryset(self, request, queryset):
        today = timezone.localdate()
        milestones = ProjectMilestone.objects.filter(project=OuterRef("pk"))
        if self.value() == "red":
            return queryset.filter(Exists(milestones.filter(_red(today))))
        if self.value() == "yellow":
            return queryset.filter(Exists(milestones.filter(_yellow(today)))).exclude(
                Exists(milestones.filter(_red(today)))
            )
        return queryset


class ProjectCommitmentsColumnMixin:
    """The list column; the queryset must be annotated by ``with_milestone_dates``."""

    @admin.display(description=_("落地节点"))
    def commitments(self, obj):
        if not any(getattr(obj, f"{kind}_planned", None) for kind in ("land_delivery", "construction_start",
                                                                      "completion", "full_production")):
            return "—"
        lights = milestone_lights(obj)
        return format_html(
            '<span style="white-space:nowrap">{}</span>',
            format_html_join("", "{}", ((_light_badge(label, light),) for label, light in lights)),
        )


class MilestoneFormSet(BaseInlineFormSet):
    """Milestones are a signed project's; planned dates keep the order 交地 ≤ 开工 ≤ 竣工 ≤ 达产."""

    def clean(self):
        super().clean()
        live = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if any(f.has_changed() for f in live):
            refusal = commitments_refusal(self.instance)
            if refusal:
                raise ValidationError(refusal)
        today = timezone.localdate()
        for form in live:
            actual = form.cleaned_data.get("actual_on")
            if actual and actual > today:
                form.add_error("actual_on", _("实际日期不能晚于今天。"))
        error = milestone_order_error({f.cleaned_data["kind"]: f.cleaned_data.get("planned_on") for f in live
                                       if f.cleaned_data.get("kind")})
        if error:
            raise ValidationError(error)


class MilestoneColourInline(admin.TabularInline):
    """落地节点 on the project page, each with its light (green on time, yellow due within 30 days, red late)."""

    model = ProjectMilestone
    formset = MilestoneFormSet
    fields = ("kind", "planned_on", "actual_on", "light")
    readonly_fields = ("light",)
    extra = 0
    classes = ["zj-milestones"]
    verbose_name_plural = _("落地节点（三色预警）")

    class Media:
        css = {"all": ["parks/admin.css"]}

    @admin.display(description=_("状态"))
    def light(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        light = milestone_light(planned_on=obj.planned_on, actual_on=obj.actual_on, today=timezone.localdate())
        return format_html('{} {}', _light_badge(obj.get_kind_display(), light), light.label)


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
    parks_readonly_fields = ("policy_matches_panel",)

    @admin.display(description=_("可申请的政策"))
    def policy_matches_panel(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return _panel(
            "parks/_policy_matches.html", {"matches": enterprise_policy_matches(enterprise=obj), "show_styles": True}
        )


ENTERPRISE_PARKS_FIELDSETS = ((_("可申请的政策"), {"fields": ("policy_matches_panel",)}),)


class MilestoneLightFilter(admin.SimpleListFilter):
    title = _("三色预警")
    parameter_name = "light"

    def lookups(self, request, model_admin):
        return (("red", _("红：逾期或逾期完成")), ("yellow", _("黄：30 天内到期")), ("green", _("绿：按期")))

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "red":
            return queryset.filter(_red(today))
        if self.value() == "yellow":
            return queryset.filter(_yellow(today))
        if self.value() == "green":
            return queryset.exclude(_red(today)).exclude(_yellow(today))
        return queryset


class MilestoneLightColumnMixin:
    """The light column of the milestone list (落地节点); pair with ``MilestoneLightFilter``."""

    @admin.display(description=_("三色预警"))
    def light(self, obj):
        light = milestone_light(planned_on=obj.planned_on, actual_on=obj.actual_on, today=timezone.localdate())
        return format_html('{} {}', _light_badge(obj.get_kind_display(), light), light.label)
