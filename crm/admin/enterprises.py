"""Enterprises, their contacts and qualifications."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from import_export.formats.base_formats import XLSX

from crm.enterprises import enterprise_create
from crm.models import ACTIVE_STAGES, Contact, Enterprise, EnterpriseQualification
from crm.pipeline.collisions import project_collisions
from crm.roles import Work, may

from .common import collision_texts, warn_collisions
from .excel import ExcelFileNameMixin
from .figures import ENTERPRISE_FIGURES_FIELDSETS, EnterpriseFiguresPanelMixin
from .forms import EnterpriseForm
from .parks_panels import ENTERPRISE_PARKS_FIELDSETS, EnterprisePolicyPanelMixin
from .resources import EnterpriseResource
from .visits import EnterpriseVisitInline

RESPONSIBILITY_FIELDS = ("responsible_officer", "responsible_leader", "is_key")


class InMyChargeFilter(admin.SimpleListFilter):
    """我包联的: the enterprises the signed-in person is the 包联干部 or 包联领导 of."""

    title = _("包联")
    parameter_name = "in_charge"

    def lookups(self, request, model_admin):
        return (("me", _("我包联的")), ("none", _("未安排包联干部")))

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.in_charge_of(request.user)
        if self.value() == "none":
            return queryset.filter(responsible_officer__isnull=True)
        return queryset


class ContactInline(admin.TabularInline):
    model = Contact
    fields = ("name", "title", "phone", "email", "is_primary", "notes")
    extra = 0


class QualificationInline(admin.TabularInline):
    model = EnterpriseQualification
    fields = ("kind", "awarded_on", "expires_on")
    extra = 0


@admin.register(Enterprise)
class EnterpriseAdmin(EnterpriseFiguresPanelMixin, EnterprisePolicyPanelMixin, ExcelFileNameMixin, ExportMixin, admin.ModelAdmin):
    form = EnterpriseForm
    resource_classes = [EnterpriseResource]
    export_formats = [XLSX]
    skip_export_form = True  # one format, one resource: “导出” downloads the filtered list at once
    export_file_stem = ("企业名录", "enterprises")
    list_display = (
        "name", "short_name", "credit_code", "status", "industry_chain", "jurisdiction", "park", "active_projects",
        "responsible_officer", "last_visited_on",
    )
    list_select_related = ("park", "responsible_officer")
    list_filter = (
        InMyChargeFilter, "status", "is_key", "industry_chain", "jurisdiction", ("park", admin.RelatedOnlyFieldListFilter)
    )
    search_fields = ("name", "short_name", "credit_code", "contacts__name", "contacts__phone")
    search_help_text = _("按企业名称、简称、统一社会信用代码、联系人姓名或电话搜索。")
    autocomplete_fields = ("park",)
    readonly_fields = (
        *EnterpriseFiguresPanelMixin.figures_readonly_fields,
        *EnterprisePolicyPanelMixin.parks_readonly_fields,
        "last_visited_on",
    )
    inlines = [ContactInline, QualificationInline, EnterpriseVisitInline]
    fieldsets = (
        (None, {"fields": ("name", "short_name", "credit_code", "status", "industry_chain", "chain_segment", "park",
                           "jurisdiction")}),
        (_("规模"), {"fields": ("registered_capital", "headcount", "rd_headcount", "founded_on")}),
        (_("其他"), {"fields": ("address", "description")}),
        (_("包联与走访"), {"fields": (*RESPONSIBILITY_FIELDS, "last_visited_on")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # 包联 is set by the staff who record visits (crm.roles.Work.VISITS); others see it read-only.
        fields = super().get_readonly_fields(request, obj)
        return fields if may(request.user, Work.VISITS) else (*fields, *RESPONSIBILITY_FIELDS)

    def get_fieldsets(self, request, obj=None):
        # The policy panel once the enterprise exists (its matches need its record).
        return self.fieldsets if obj is None else (*self.fieldsets, *ENTERPRISE_FIGURES_FIELDSETS, *ENTERPRISE_PARKS_FIELDSETS)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            active_project_count=Count("projects", filter=Q(projects__stage__in=ACTIVE_STAGES))
        )

    @admin.display(description=_("在跟项目"), ordering="active_project_count")
    def active_projects(self, obj):
        return obj.active_project_count

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            created = enterprise_create(actor=request.user, **form.cleaned_data)
            # The admin goes on with ``obj`` (inlines, log entry): give it the identity of the created row.
            for f in Enterprise._meta.concrete_fields:
                setattr(obj, f.attname, getattr(created, f.attname))
            obj._state.adding = False
            obj._state.db = created._state.db
        if not change or {"name", "credit_code"} & set(form.changed_data):
            warn_collisions(request, enterprise=obj, owner=request.user)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            # 撞单 on the enterprise page: who else is already working this company.
            context["collisions"] = collision_texts(project_collisions(enterprise=obj, exclude_owner=request.user))
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "enterprise", "title", "phone", "email", "is_primary")
    list_select_related = ("enterprise",)
    list_filter = ("is_primary",)
    search_fields = ("name", "phone", "email", "enterprise__name", "enterprise__short_name")
    autocomplete_fields = ("enterprise",)


@admin.register(EnterpriseQualification)
class EnterpriseQualificationAdmin(admin.ModelAdmin):
    list_display = ("enterprise", "kind", "awarded_on", "expires_on")
    list_select_related = ("enterprise",)
    list_filter = ("kind",)
    search_fields = ("enterprise__name", "enterprise__short_name")
    autocomplete_fields = ("enterprise",)
