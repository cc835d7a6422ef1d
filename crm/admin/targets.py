"""年度目标: the yearly figures managers set — park-wide (e.g. 32 projects ≥ 1 亿 landed in 2024), or for one park, unit
or officer — read by the pipeline report (park-wide and park targets) and the 业绩考核 page (every holder's)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from crm.models import ProjectCredit, Role, YearlyTarget

from .forms import officers


class UnitFilter(admin.SimpleListFilter):
    """The units that hold a target, by name."""

    title = _("单位")
    parameter_name = "unit"

    def lookups(self, request, model_admin):
        units = YearlyTarget.objects.exclude(unit="").order_by("unit").values_list("unit", flat=True).distinct()
        return [(unit, unit) for unit in units]

    def queryset(self, request, queryset):
        return queryset.filter(unit=self.value()) if self.value() else queryset


@admin.register(YearlyTarget)
class YearlyTargetAdmin(admin.ModelAdmin):
    list_display = ("year", "holder_display", "metric", "target_display", "note", "updated_at")
    list_filter = ("year", "metric", "holder_kind", ("park", admin.RelatedOnlyFieldListFilter), UnitFilter,
                   ("officer", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("park", "officer")
    ordering = ("-year", "metric", "holder_kind", "id")
    fields = ("year", "metric", "holder_kind", "park", "unit", "officer", "target", "note")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "officer":
            kwargs["queryset"] = officers(Role.INVESTMENT_OFFICER)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "unit":
            # The units already named on credit splits, offered as suggestions (the name must match theirs).
            units = ProjectCredit.objects.exclude(unit="").order_by("unit").values_list("unit", flat=True).distinct()
            field.help_text = f"{field.help_text} {_('已有单位：')}{'、'.join(units) or '—'}"
        return field

    @admin.display(description=_("考核对象"), ordering="holder_kind")
    def holder_display(self, obj):
        if obj.holder_kind == YearlyTarget.Holder.PARK_WIDE:
            return obj.holder_label
        return f"{obj.get_holder_kind_display()}：{obj.holder_label}"

    @admin.display(description=_("目标值"), ordering="target")
    def target_display(self, obj):
        if obj.metric in YearlyTarget.COUNT_METRICS:
            return _("%(target)s 个") % {"target": f"{obj.target:,.0f}"}
        return _("%(target)s 万元") % {"target": f"{obj.target:,.2f}"}
