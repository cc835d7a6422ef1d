"""企业年度指标 in the admin: the list (filters year, source, status), staff entry (stored confirmed through
``figure_record``), and the confirm / return actions on enterprises' own reports, each behind a confirmation page."""

from django import forms
from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from crm.figures.services import attachment_validate_as_evidence, figure_confirm, figure_record, figure_reject
from crm.models import FIGURE_FIELDS, EnterpriseFigure

from .common import NoRevertHistoryAdmin, ServiceRefusalsAsMessagesMixin, show_refusal, take_identity


class EnterpriseFigureForm(forms.ModelForm):
    evidence_upload = forms.FileField(
        label=_("佐证材料"),
        required=False,
        help_text=_("PDF、JPEG、PNG、DOCX 或 XLSX，不超过 10 MB，如统计报表、完税证明。"),
    )

    class Meta:
        model = EnterpriseFigure
        fields = ("enterprise", "year", "source", *FIGURE_FIELDS, "note")

    def clean_evidence_upload(self):
        upload = self.cleaned_data.get("evidence_upload")
        if upload:
            try:
                attachment_validate_as_evidence(upload)
            except Exception as error:  # DomainError: its message beside the field
                raise forms.ValidationError(getattr(error, "message", str(error))) from None
        return upload

    def clean_year(self):
        year = self.cleaned_data.get("year")
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(_("年度不能晚于今年。"))
        return year

    def clean(self):
        data = super().clean()
        if not self.errors and all(data.get(name) is None for name in FIGURE_FIELDS):
            raise forms.ValidationError(_("请至少填写一项指标。"))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("退回原因"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("企业在门户中看到此原因，据此修改后重新填报。"),
    )


@admin.register(EnterpriseFigure)
class EnterpriseFigureAdmin(ServiceRefusalsAsMessagesMixin, NoRevertHistoryAdmin):
    form = EnterpriseFigureForm
    list_display = (
        "enterprise",
        "year",
        "source",
        "status",
        "revenue",
        "tax",
        "land_mu",
        "evidence_link",
        "submitted_by",
        "confirmed_by",
    )
    list_select_related = ("enterprise", "submitted_by", "confirmed_by")
    list_filter = ("year", "source", "status")
    search_fields = ("enterprise__name", "enterprise__short_name", "enterprise__credit_code")
    search_help_text = _("按企业名称、简称或统一社会信用代码搜索。")
    autocomplete_fields = ("enterprise",)
    ordering = ("-year", "enterprise__name", "source")
    actions = ["confirm_selected", "reject_selected"]
    readonly_fields = ("status", "evidence_link", "submitted_by", "confirmed_by", "confirmed_at")
    fieldsets = (
        (
            None,
            {
                "fields": ("enterprise", "year", "source"),
                "description": _(
                    "工作人员登记或修改的指标保存即为“已确认”；企业自报的指标请在列表中勾选后“确认”或“退回”。"
                ),
            },
        ),
        (_("指标"), {"fields": FIGURE_FIELDS}),
        (
            _("材料与状态"),
            {
                "fields": (
                    "evidence_upload",
                    "evidence_link",
                    "note",
                    "status",
                    "submitted_by",
                    "confirmed_by",
                    "confirmed_at",
                )
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        # The natural key (enterprise, year, source) is fixed once the row exists: a correction updates that row.
        return (*self.readonly_fields, "enterprise", "year", "source") if obj is not None else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    @admin.display(description=_("佐证材料"))
    def evidence_link(self, obj):
        if obj is None or not obj.evidence:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("figure-evidence", args=[obj.pk]), obj.evidence_name or _t("下载")
        )

    def save_model(self, request, obj, form, change):
        # A refusal only the service sees propagates: ServiceRefusalsAsMessagesMixin rolls the submit back and
        # shows it on the same page.
        data = form.cleaned_data
        saved = figure_record(
            enterprise=obj.enterprise,
            year=obj.year,
            source=obj.source,
            values={name: data.get(name) for name in FIGURE_FIELDS},
            evidence=data.get("evidence_upload") or None,
            actor=request.user,
            note=data.get("note") or "",
        )
        take_identity(obj, saved)

    def _selection(self, request, queryset):
        return list(queryset.select_related("enterprise", "submitted_by"))

    def _confirmation_page(self, request, queryset, *, action, title, button, form=None):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.opts,
            "form": form,
            "figures": self._selection(request, queryset),
            "action": action,
            "button": button,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
            "action_index": request.POST.get("index", "0"),
        }
        return TemplateResponse(request, "admin/crm/enterprisefigure/confirm_action.html", context)

    @admin.action(description=_("确认所选的企业自报指标"), permissions=["change"])
    def confirm_selected(self, request, queryset):
        """Confirmation page listing the reports, then ``figure_confirm`` for each (a refused one says why)."""
        if "apply" not in request.POST:
            return self._confirmation_page(
                request, queryset, action="confirm_selected", title=_t("确认企业自报指标"), button=_t("确认无误")
            )
        done = 0
        for figure in queryset:
            with show_refusal(request, about=figure) as refusal:
                figure_confirm(figure=figure, actor=request.user)
            done += refusal.error is None
        if done:
            messages.success(request, _t("已确认 %(n)s 条指标，可用于政策匹配和亩均评价。") % {"n": done})
        return None

    @admin.action(description=_("退回所选的企业自报指标"), permissions=["change"])
    def reject_selected(self, request, queryset):
        """Confirmation page asking the reason, then ``figure_reject`` for each with that reason."""
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if "apply" not in request.POST or not form.is_valid():
            return self._confirmation_page(
                request,
                queryset,
                action="reject_selected",
                title=_t("退回企业自报指标"),
                button=_t("确认退回"),
                form=form,
            )
        done = 0
        for figure in queryset:
            with show_refusal(request, about=figure) as refusal:
                figure_reject(figure=figure, reason=form.cleaned_data["reason"], actor=request.user)
            done += refusal.error is None
        if done:
            messages.success(request, _t("已退回 %(n)s 条指标，企业可在门户中看到原因。") % {"n": done})
        return None


class EnterpriseFiguresPanelMixin:
    """The enterprise page's yearly figures, every year and source, read-only (a panel, not an inline formset: they
    are entered on the figures' own page, through the services; each row links there)."""

    figures_readonly_fields = ("figures_panel",)

    @admin.display(description=_("年度指标"))
    def figures_panel(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        rows = EnterpriseFigure.objects.filter(enterprise=obj).order_by("-year", "source")
        return render_to_string("admin/crm/enterprisefigure/_panel.html", {"rows": rows, "enterprise": obj})


ENTERPRISE_FIGURES_FIELDSETS = ((_("年度指标"), {"classes": ["collapse"], "fields": ("figures_panel",)}),)
