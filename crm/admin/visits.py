"""走访 (安商): the visits list and page, the problems inline with a "转为诉求" step each, and the enterprise page's
own list of its visits.

Thin: a new visit is written by ``crm.visits.services.visit_record``, a problem becomes a request through
``visit_problem_to_request`` after a confirmation page (the category is chosen there); the enterprise's last visit
date is kept by ``enterprise_last_visit_refresh`` whenever the admin itself saves or deletes visits.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from crm.models import SOLVED_REQUEST_STATUSES, Enterprise, ServiceCategory, Visit, VisitProblem
from crm.roles import Work, may
from crm.visits.selectors import masked_met_with
from crm.visits.services import enterprise_last_visit_refresh, visit_check, visit_problem_to_request, visit_record

from .common import ServiceRefusalsAsMessagesMixin, show_refusal, take_identity


class VisitForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = ("enterprise", "project", "visited_on", "visitors", "met_with", "topics")
        widgets = {"visitors": forms.SelectMultiple(attrs={"size": 6})}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        candidate = Visit(enterprise=data.get("enterprise"), project=data.get("project"), visited_on=data.get("visited_on"))
        with show_refusal(form=self):
            visit_check(visit=candidate)
        return data


class VisitProblemInline(admin.StackedInline):
    model = VisitProblem
    fields = ("description", "state_display", "request_link")
    readonly_fields = ("state_display", "request_link")
    extra = 1
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 70})}}
    verbose_name = _("走访问题")
    verbose_name_plural = _("企业反映的问题")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("service_request")

    @admin.display(description=_("状态"))
    def state_display(self, problem):
        return problem.get_state_display() if problem.pk else "—"

    @admin.display(description=_("对应诉求"))
    def request_link(self, problem):
        if problem.pk is None:
            return "—"
        if problem.service_request_id:
            url = reverse("admin:crm_servicerequest_change", args=[problem.service_request_id])
            return format_html('<a href="{}">#{} {}</a>', url, problem.service_request_id, problem.service_request.title)
        url = reverse("admin:crm_visit_problem_to_request", args=[problem.visit_id, problem.pk])
        return format_html('<a class="button" href="{}">{}</a>', url, _t("转为诉求"))


class ProblemToRequestForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("服务类别"),
        queryset=ServiceCategory.objects.filter(is_active=True),
        help_text=_("类别的专属信息有必填项（如外国人来华工作许可）时无法代为提交，请选择其他类别或请企业在门户提交。"),
    )
    title = forms.CharField(
        label=_("诉求标题"), max_length=200, help_text=_("可修改；默认取问题描述的第一行。"),
        widget=forms.TextInput(attrs={"size": 60}),
    )


@admin.register(Visit)
class VisitAdmin(ServiceRefusalsAsMessagesMixin, admin.ModelAdmin):
    form = VisitForm
    list_display = ("visited_on", "enterprise", "project", "visitor_names", "met_with_masked", "problems_summary",
                    "recorded_by")
    list_select_related = ("enterprise", "project", "recorded_by")
    list_filter = ("visited_on", "enterprise__is_key", ("visitors", admin.RelatedOnlyFieldListFilter))
    search_fields = ("enterprise__name", "enterprise__short_name", "topics")
    search_help_text = _("按企业名称、简称或走访内容搜索。")
    date_hierarchy = "visited_on"
    autocomplete_fields = ("enterprise", "project")
    readonly_fields = ("recorded_by",)
    fieldsets = ((None, {"fields": ("enterprise", "project", "visited_on", "visitors", "met_with", "topics",
                                    "recorded_by")}),)
    inlines = [VisitProblemInline]

    def get_queryset(self, request):
        return (
            super().get_queryset(request)
            .prefetch_related("visitors")
            .annotate(
                problem_count=Count("problems", distinct=True),
                solved_count=Count(
                    "problems", filter=Q(problems__service_request__status__in=SOLVED_REQUEST_STATUSES), distinct=True
                ),
            )
        )

    @admin.display(description=_("走访人员"))
    def visitor_names(self, visit):
        return "、".join(str(user) for user in visit.visitors.all())

    @admin.display(description=_("接待人员"))
    def met_with_masked(self, visit):
        return masked_met_with(visit.met_with)

    @admin.display(description=_("问题（已解决/反映）"), ordering="problem_count")
    def problems_summary(self, visit):
        return f"{visit.solved_count}/{visit.problem_count}" if visit.problem_count else "—"

    def has_add_permission(self, request):
        return may(request.user, Work.VISITS) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        return may(request.user, Work.VISITS) and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            moved_from = form.initial.get("enterprise") if "enterprise" in form.changed_data else None
            super().save_model(request, obj, form, change)
            if moved_from:  # the visit was filed under the wrong enterprise: that one's last visit date goes back
                enterprise_last_visit_refresh(enterprise=Enterprise.objects.get(pk=moved_from))
            return
        data = form.cleaned_data
        saved = visit_record(
            enterprise=data["enterprise"], project=data.get("project"), visited_on=data["visited_on"],
            visitors=data.get("visitors") or (), met_with=data.get("met_with", ""), topics=data["topics"],
            recorded_by=request.user,
        )
        take_identity(obj, saved)

    def save_related(self, request, form, formsets, change):
        if not change:
            form.cleaned_data["visitors"] = form.instance.visitors.all()  # set by visit_record (the recorder if none)
        super().save_related(request, form, formsets, change)
        enterprise_last_visit_refresh(enterprise=form.instance.enterprise)

    def delete_model(self, request, obj):
        enterprise = obj.enterprise
        super().delete_model(request, obj)
        enterprise_last_visit_refresh(enterprise=enterprise)

    def delete_queryset(self, request, queryset):
        enterprises = {visit.enterprise for visit in queryset.select_related("enterprise")}
        super().delete_queryset(request, queryset)
        for enterprise in enterprises:
            enterprise_last_visit_refresh(enterprise=enterprise)

    def get_urls(self):
        own = [
            path(
                "<path:object_id>/problems/<int:problem_id>/to-request/",
                self.admin_site.admin_view(self.problem_to_request_view),
                name="crm_visit_problem_to_request",
            ),
        ]
        return own + super().get_urls()

    def problem_to_request_view(self, request, object_id, problem_id):
        """转为诉求: a confirmation page (category, title) and, on POST, ``visit_problem_to_request``."""
        visit = self.get_object(request, unquote(object_id))
        if visit is None:
            raise Http404
        problem = get_object_or_404(VisitProblem.objects.select_related("service_request"), pk=problem_id, visit=visit)
        if not may(request.user, Work.SERVICE_DESK):
            raise PermissionDenied
        change_url = reverse("admin:crm_visit_change", args=[visit.pk])
        if problem.service_request_id:
            messages.info(request, _t("该问题已转为诉求 #%(id)s。") % {"id": problem.service_request_id})
            return redirect(change_url)
        first_line = problem.description.strip().splitlines()[0][:60] if problem.description.strip() else ""
        form = ProblemToRequestForm(request.POST or None, initial={"title": first_line})
        if request.method == "POST" and form.is_valid():
            with show_refusal(request, form=form) as refusal:
                created = visit_problem_to_request(
                    problem=problem, category=form.cleaned_data["category"], title=form.cleaned_data["title"],
                    actor=request.user,
                )
            if refusal.error is None:
                messages.success(request, _t("已转为诉求 #%(id)s，按诉求流程办理。") % {"id": created.pk})
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _t("把走访问题转为诉求"),
            "opts": self.opts,
            "visit": visit,
            "problem": problem,
            "form": form,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/crm/visit/problem_to_request.html", context)


class EnterpriseVisitInline(admin.TabularInline):
    """The enterprise page's 走访记录: newest first, read here, recorded on the visit's own page."""

    model = Visit
    fields = ("visited_on", "visitor_names", "topics_short", "problems_summary")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    classes = ["zj-readonly"]
    verbose_name_plural = _("走访记录")

    def get_queryset(self, request):
        return (
            super().get_queryset(request)
            .prefetch_related("visitors")
            .annotate(
                problem_count=Count("problems", distinct=True),
                solved_count=Count(
                    "problems", filter=Q(problems__service_request__status__in=SOLVED_REQUEST_STATUSES), distinct=True
                ),
            )
            .order_by("-visited_on", "-id")
        )

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("走访人员"))
    def visitor_names(self, visit):
        return "、".join(str(user) for user in visit.visitors.all())

    @admin.display(description=_("走访内容"))
    def topics_short(self, visit):
        return visit.topics if len(visit.topics) <= 60 else visit.topics[:59] + "…"

    @admin.display(description=_("问题（已解决/反映）"))
    def problems_summary(self, visit):
        return f"{visit.solved_count}/{visit.problem_count}" if visit.problem_count else "—"


@admin.register(VisitProblem)
class VisitProblemAdmin(admin.ModelAdmin):
    """走访问题 across visits, with their state: written on the visit's page, read here."""

    list_display = ("problem", "enterprise", "visited_on", "state_display", "request_link")
    list_select_related = ("visit__enterprise", "service_request")
    search_fields = ("description", "visit__enterprise__name", "visit__enterprise__short_name")
    search_help_text = _("按问题描述或企业名称搜索。")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("问题描述"))
    def problem(self, problem):
        url = reverse("admin:crm_visit_change", args=[problem.visit_id])
        return format_html('<a href="{}">{}</a>', url, str(problem) or "—")

    @admin.display(description=_("企业"), ordering="visit__enterprise__name")
    def enterprise(self, problem):
        return problem.visit.enterprise

    @admin.display(description=_("走访日期"), ordering="visit__visited_on")
    def visited_on(self, problem):
        return problem.visit.visited_on

    @admin.display(description=_("状态"))
    def state_display(self, problem):
        return problem.get_state_display()

    @admin.display(description=_("对应诉求"))
    def request_link(self, problem):
        if not problem.service_request_id:
            return "—"
        url = reverse("admin:crm_servicerequest_change", args=[problem.service_request_id])
        return format_html('<a href="{}">#{} {}</a>', url, problem.service_request_id, problem.service_request.get_status_display())
