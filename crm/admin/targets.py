"""年度目标: the yearly figures managers set (e.g. 32 projects ≥ 1 亿 landed in 2024), read by the pipeline report."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from crm.models import YearlyTarget


@admin.register(YearlyTarget)
class YearlyTargetAdmin(admin.ModelAdmin):
    list_display = ("year", "metric", "target_display", "note", "updated_at")
    list_filter = ("metric", "year")
    ordering = ("-year", "metric")
    fields = ("year", "metric", "target", "note")

    @admin.display(description=_("目标值"), ordering="target")
    def target_display(self, obj):
        if obj.metric == YearlyTarget.Metric.LANDED_KEY_PROJECTS:
            return _("%(target)s 个") % {"target": f"{obj.target:,.0f}"}
        return _("%(target)s 万元") % {"target": f"{obj.target:,.2f}"}
