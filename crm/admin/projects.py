"""The 招商 pipeline in the admin: projects, their follow-ups, stage history and landing records, and events.

Writes go through ``crm.pipeline.services``: a project is created by ``project_create``, its stage
moves only by ``project_change_stage``, owners change by ``projects_assign_owner``. Who may change a given project
is ``crm.pipeline.ownership``: anyone else who reads it gets the page read-only. Landing commitments —
their own pages and the inlines of the project page — go through ``crm.pipeline.commitments`` (the forms
and formsets of ``.commitments``).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.forms import BaseInlineFormSet, Textarea
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import XLSX
from import_export.results import RowResult

from crm.models import (
    ACTIVE_STAGES,
    KEY_PROJECT_THRESHOLD,
    AnnualCommitment,
    CapitalArrival,
    Event,
    ExchangeRate,
    FollowUp,
    Project,
    ProjectCredit,
    ProjectMilestone,
    ProjectStageChange,
    Role,
)
from crm.pipeline.collisions import project_collisions
from crm.pipeline.credit import credit_split_check
from crm.pipeline.lights import attach_milestone_dates, milestone_labels
from crm.pipeline.notify import notify_project_edited
from crm.pipeline.ownership import may_assign_owners, require_project_change
from crm.pipeline.services import (
    allowed_stages,
    follow_up_apply_next_step,
    follow_up_create,
    project_change_stage,
    project_create,
    projects_assign_owner,
)
from crm.pipeline.summaries import projects_changed
from crm.roles import Work, may

from . import kanban
from .collisions import collisions_json
from .commitments import (
    COMMITTED_FIELDS,
    REVIEW_FIELDS,
    AnnualCommitmentAdminForm,
    AnnualCommitmentForm,
    AnnualCommitmentFormSet,
    CapitalArrivalAdminForm,
    CapitalArrivalForm,
    CapitalArrivalFormSet,
    MilestoneAdminForm,
    MilestoneAlertFilter,
    MilestoneColourInline,
    MilestoneLightColumnMixin,
    MilestoneLightFilter,
    ThroughServicesFormSet,
)
from .common import (
    NoRevertHistoryAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    ServiceFormViewMixin,
    ServiceRefusalsAsMessagesMixin,
    collision_texts,
    money_wan,
    priority_badge,
    show_refusal,
    take_identity,
    warn_collisions,
)
from .excel import ExcelFileNameMixin, LeadsTemplateMixin
from .exports import FollowUpExportResource, ListExportMixin
from .forms import AssignOwnerForm, FollowUpQuickForm, ProjectChangeStageForm, officers
from .ownership import ChangedWithItsProjectAdmin, ChangedWithProjectInline, may_change
from .parks_panels import PROJECT_PARKS_FIELDSETS, ProjectParksPanelsMixin
from .resources import ProjectExportResource, ProjectImportResource

# Days without a follow-up after which an active project is shown in red (the reminder rule: 7 for key projects).
STALE_DAYS = 14
STALE_DAYS_KEY = 7


class PriorityFilter(admin.SimpleListFilter):
    """项目等级 by total investment: key ≥ 1 亿, major ≥ 10 亿."""

    title = _("项目等级")
    parameter_name = "priority"

    def lookups(self, request, model_admin):
        return (
            ("major", _("重大项目（≥10亿）")),
            ("key", _("重点项目（≥1亿）")),
            ("normal", _("一般项目（<1亿）")),
        )

    def queryset(self, request, queryset):
        if self.value() == "major":
            return queryset.major()
        if self.value() == "key":
            return queryset.key()
        if self.value() == "normal":
            return queryset.filter(total_investment__lt=KEY_PROJECT_THRESHOLD)
        return queryset


class ScopeFilter(admin.SimpleListFilter):
    """负责范围: my active projects, all of mine, everyone's active ones, or all — explicit values, so that “全部项目”
    is a choice of its own (``?scope=all``) and the bare list can open on the officer's remembered scope."""

    title = _("负责范围")
    parameter_name = "scope"
    MINE_ACTIVE, MINE, ACTIVE, ALL = "mine_active", "mine", "active", "all"

    def lookups(self, request, model_admin):
        return (
            (self.MINE_ACTIVE, _("我的在办项目")),
            (self.MINE, _("我的全部项目")),
            (self.ACTIVE, _("全部在办项目")),
            (self.ALL, _("全部项目")),
        )

    def choices(self, changelist):
        # No Django “全部” entry (the bare URL is the remembered scope): “全部项目” is ``?scope=all``.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup or (self.value() is None and lookup == self.ALL),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        mine = Q(owner=request.user) | Q(co_officers=request.user)
        active = Q(stage__in=ACTIVE_STAGES)
        conditions = {self.MINE_ACTIVE: mine & active, self.MINE: mine, self.ACTIVE: active}
        if self.value() in (self.MINE_ACTIVE, self.MINE):
            # Co-officers join a many-to-many table: filter by id so that a row is listed once, without DISTINCT.
            return queryset.filter(pk__in=Project.objects.filter(conditions[self.value()]).values("pk"))
        if self.value() == self.ACTIVE:
            return queryset.filter(active)
        return queryset


# The session key of an officer's last project-list query string (filters, search, order), reopened by the bare URL.
LIST_CHOICE_SESSION_KEY = "crm_project_list_query"


class OfficerFieldsMixin:
    """Officer pickers list investment officers only, and default to the officer at the keyboard."""

    officer_fields = ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.officer_fields:
            kwargs["queryset"] = officers(Role.INVESTMENT_OFFICER)
            kwargs.setdefault("initial", request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.officer_fields:
            kwargs["queryset"] = officers(Role.INVESTMENT_OFFICER)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class FollowUpInline(ChangedWithProjectInline, OfficerFieldsMixin, admin.TabularInline):
    """Quick logging on the project page; the event a follow-up came from is set on the follow-up's own page."""

    model = FollowUp
    fields = ("occurred_on", "kind", "officer", "note", "next_step", "next_follow_up_on")
    autocomplete_fields = ("officer",)
    officer_fields = ("officer",)
    extra = 1
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 30})}}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("officer")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "occurred_on":
            kwargs["initial"] = timezone.localdate()
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class FollowUpLogInline(ReadOnlyInline):
    """跟进记录 on the change page, newest first: a record of what happened, read here (a row's own page corrects it);
    a new follow-up is logged with the 记录跟进 form at the top of the page (``follow_up_create``)."""

    model = FollowUp
    fields = ("occurred_on", "kind", "officer", "note", "next_step", "next_follow_up_on")
    ordering = ("-occurred_on", "-id")
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("officer")


class MilestoneInline(ChangedWithProjectInline, MilestoneColourInline):
    """落地节点 on the project page, editable by whoever may change the project."""


class StageChangeInline(ReadOnlyInline):
    """阶段变更记录: written only by ``project_change_stage``; shown, never edited."""

    model = ProjectStageChange
    fields = ("changed_at", "from_stage", "to_stage", "actor", "note")
    ordering = ("-changed_at", "-id")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class CapitalArrivalInline(ChangedWithProjectInline, admin.TabularInline):
    """实际到资, a ledger: new arrivals go through ``capital_arrival_record``; a recorded one is not edited (a wrong
    one is deleted and recorded again), so every amount on the books passed the service's checks."""

    model = CapitalArrival
    form = CapitalArrivalForm
    formset = CapitalArrivalFormSet
    fields = ("arrived_on", "source", "currency", "original_amount", "amount", "evidence_kind", "evidence_upload",
              "evidence_link", "note")
    readonly_fields = ("evidence_link",)
    extra = 0
    classes = ["collapse"]
    verbose_name_plural = _("到资记录（登记后不可修改；登记有误请删除后重新登记）")

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("凭证"))
    def evidence_link(self, obj):
        return capital_evidence_link(obj)


def capital_evidence_link(arrival) -> str:
    """The arrival's evidence as a link to its download (staff only: ``crm.views.capital_evidence_download``)."""
    if arrival is None or arrival.pk is None or not arrival.evidence:
        return "—"
    return format_html('<a href="{}">{}：{}</a>', reverse("capital-evidence", args=[arrival.pk]),
                       arrival.get_evidence_kind_display(), arrival.evidence_name or _("下载"))


class CreditFormSet(BaseInlineFormSet):
    """业绩分成 on the project page: the rows kept (not deleted) must pass ``credit_split_check`` together."""

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        kept = [f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        try:
            credit_split_check(
                (data["officer"].pk if data.get("officer") else None, data.get("unit", ""), data.get("share_percent"))
                for data in kept
            )
        except ValidationError as error:
            raise ValidationError(error.messages) from error


class ProjectCreditForm(forms.ModelForm):
    """One 业绩分成 row on its own page: checked with the project's other rows (``credit_split_check``)."""

    class Meta:
        model = ProjectCredit
        fields = ("project", "officer", "unit", "share_percent")

    def clean(self):
        data = super().clean()
        project = data.get("project")
        if project is not None and not self.errors:
            others = ProjectCredit.objects.filter(project=project).exclude(pk=self.instance.pk)
            rows = [(o, u, s) for o, u, s in others.values_list("officer_id", "unit", "share_percent")]
            officer = data.get("officer")
            rows.append((officer.pk if officer else None, data.get("unit", ""), data.get("share_percent")))
            try:
                credit_split_check(rows)
            except ValidationError as error:
                raise ValidationError(error.messages) from error
        return data


class CreditInline(ChangedWithProjectInline, OfficerFieldsMixin, admin.TabularInline):
    model = ProjectCredit
    formset = CreditFormSet
    fields = ("officer", "unit", "share_percent")
    autocomplete_fields = ("officer",)
    officer_fields = ("officer",)
    extra = 0
    classes = ["collapse"]


class CommitmentInline(ChangedWithProjectInline, admin.TabularInline):
    """年度承诺 with their review: set by ``annual_commitment_set`` (a reviewed year is final) and reviewed by
    ``annual_commitment_review``; a saved row keeps its year."""

    model = AnnualCommitment
    form = AnnualCommitmentForm
    formset = AnnualCommitmentFormSet
    fields = (
        "year", "output_per_mu", "tax_per_mu", "headcount", "actual_output_per_mu", "actual_tax_per_mu",
        "actual_headcount", "reviewed_on",
    )
    extra = 0
    classes = ["collapse"]


class ProjectChangeList(ChangeList):
    """The project list: the four milestone lights of the rows shown, read once the page is cut (one query); the
    rows' links and today's date computed once for the page, not once a row."""

    def __init__(self, request, *args, **kwargs):
        self.row_url = None
        super().__init__(request, *args, **kwargs)
        # Each row links to its project's page carrying the list's filters, as in Django — but appended here, once
        # for the page: given ``preserved_filters``, Django's ``add_preserved_filters`` resolves every row's URL
        # again to learn it is not the list's own (a sixth of the list's time, profiled, on every filtered view).
        self.row_url_filters, self.preserved_filters = self.preserved_filters, ""

    def get_results(self, request):
        super().get_results(request)
        attach_milestone_dates(self.result_list)
        today, labels = timezone.localdate(), milestone_labels()
        for project in self.result_list:
            project.list_today = today  # the 下次跟进 / 距上次跟进 colours and the lights, of one day for the page
            project.list_labels = labels  # the lights' names, translated once for the page

    def url_for_result(self, result):
        """The change page's URL: reversed once for the page with a marker in place of the id, which each row fills
        (Django reverses it for each row); the list's filters appended (see ``__init__``)."""
        if self.row_url is None:
            marker = "0zjpk0"
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=(marker,),
                current_app=self.model_admin.admin_site.name,
            )
            query = f"?{self.row_url_filters}" if self.row_url_filters else ""
            self.row_url = (*url.rsplit(marker, 1), query)
        head, tail, query = self.row_url
        return f"{head}{quote(getattr(result, self.pk_attname))}{tail}{query}"

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        # “清除所有筛选” shows all projects (``?scope=all``): the bare URL would reopen the officer's remembered choice.
        self.clear_all_filters_qs = self.get_query_string(
            {ScopeFilter.parameter_name: ScopeFilter.ALL}, remove=self.get_filters_params()
        )
        return queryset


@admin.register(Project)
class ProjectAdmin(
    ServiceRefusalsAsMessagesMixin, ServiceFormViewMixin, ProjectParksPanelsMixin, OfficerFieldsMixin,
    LeadsTemplateMixin, ExcelFileNameMixin, ImportExportMixin, NoRevertHistoryAdmin
):
    list_display = (
        "name", "enterprise", "stage", "investment", "priority", "owner", "next_follow_up", "days_since_follow_up",
        "commitments",
    )
    list_select_related = ("enterprise", "owner")  # the park is not a column: no join, no 100 parks built
    list_filter = (
        ScopeFilter,
        "stage",
        "industry_chain",
        "source_channel",
        PriorityFilter,
        ("owner", admin.RelatedOnlyFieldListFilter),
        ("park", admin.RelatedOnlyFieldListFilter),
        MilestoneAlertFilter,
        # 创建时间 as a filter (今天 / 过去7天 / 本月 / 今年): no query. The date hierarchy it replaces read every
        # project's creation date on each view (a DISTINCT over the whole table; on SQLite a Python call per row).
        ("created_at", admin.DateFieldListFilter),
    )
    # Contacts are many per enterprise: Django filters such a search through EXISTS (no duplicate rows, no DISTINCT).
    search_fields = (
        "name", "enterprise__name", "enterprise__short_name", "enterprise__credit_code", "enterprise__contacts__name",
        "enterprise__contacts__phone",
    )
    search_help_text = _("按项目名称、企业名称、统一社会信用代码、联系人姓名或电话搜索。")
    autocomplete_fields = ("enterprise", "owner", "co_officers", "park", "source_event")
    officer_fields = ("owner", "co_officers")
    readonly_fields = (
        "stage", "stage_changed_at", "lost_reason", "created_at", "updated_at", *ProjectParksPanelsMixin.parks_readonly_fields,
    )
    actions = ["assign_owner"]
    export_formats = [XLSX]
    import_formats = [XLSX]
    skip_export_form = True  # one format, one resource: “导出” downloads the filtered list at once
    export_file_stem = ("招商项目", "projects")
    base_fieldsets = (
        (None, {"fields": ("name", "enterprise", "industry_chain", "chain_segment", "segment", "source_channel",
                           "source_event", "park")}),
        (_("投资（万元）"), {"fields": (
            "total_investment", "fixed_asset_investment", "expected_annual_output", "expected_annual_tax",
        )}),
        (_("负责与跟进"), {"fields": ("owner", "co_officers", "expected_signing_on", "next_step", "next_follow_up_on")}),
        (_("用地与空间需求"), {"classes": ["collapse"], "fields": (
            "land_need_m2", "land_use_need", "space_need_m2", "headcount_planned",
        )}),
    )
    stage_fieldset = (_("阶段"), {"fields": ("stage", "stage_changed_at", "lost_reason", "created_at", "updated_at")})

    def get_fieldsets(self, request, obj=None):
        # A new project always starts as 线索: the stage block appears once there is a stage history.
        return self.base_fieldsets if obj is None else (*self.base_fieldsets, self.stage_fieldset, *PROJECT_PARKS_FIELDSETS)

    def get_inlines(self, request, obj):
        if obj is None:
            return [FollowUpInline]
        return [FollowUpLogInline, StageChangeInline, MilestoneInline, CapitalArrivalInline, CreditInline, CommitmentInline]

    # ---- who may change this project (crm.pipeline.ownership) ----

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and may_change(request, obj)

    def has_assign_owner_permission(self, request):
        return may_assign_owners(request.user)

    def get_readonly_fields(self, request, obj=None):
        # The owner changes hands through ``projects_assign_owner``: the head of investment promotion's only.
        fields = super().get_readonly_fields(request, obj)
        return fields if obj is None or may_assign_owners(request.user) else (*fields, "owner")

    def get_queryset(self, request):
        # “Days since last follow-up” reads ``Project.followed_up_on`` (kept by the follow-up services), not a
        # GROUP BY over the follow-ups; the milestone lights are read for the page's rows only (ProjectChangeList).
        return super().get_queryset(request).annotate(last_follow_up_on=F("followed_up_on"))

    def get_changelist(self, request, **kwargs):
        return ProjectChangeList

    def changelist_view(self, request, extra_context=None):
        """Investment officers land on “我的在办项目”, then on their last choice (kept in the session): the bare list
        URL redirects there; any other query string is taken as it is and remembered. “全部项目” shows everyone's."""
        if request.method == "GET" and request.user.has_role(Role.INVESTMENT_OFFICER):
            popup = admin.options.IS_POPUP_VAR in request.GET or admin.options.TO_FIELD_VAR in request.GET
            if not request.GET:
                remembered = request.session.get(LIST_CHOICE_SESSION_KEY) or f"{ScopeFilter.parameter_name}={ScopeFilter.MINE_ACTIVE}"
                return HttpResponseRedirect(f"{request.path}?{remembered}")
            choice = request.GET.urlencode()
            # ``?e=1`` is Django's “bad filter” answer, not a choice to keep; an unchanged choice is not written again.
            if not popup and "e" not in request.GET and request.session.get(LIST_CHOICE_SESSION_KEY) != choice:
                request.session[LIST_CHOICE_SESSION_KEY] = choice
        return super().changelist_view(request, extra_context)

    # ---- list columns ----

    @admin.display(description=_("总投资"), ordering="total_investment")
    def investment(self, obj):
        return money_wan(obj.total_investment)

    @admin.display(description=_("等级"), ordering="total_investment")
    def priority(self, obj):
        return priority_badge(obj.total_investment)

    @admin.display(description=_("下次跟进"), ordering="next_follow_up_on")
    def next_follow_up(self, obj):
        """The planned date, red once it has passed on an active project (the reminder rule fires then)."""
        if obj.next_follow_up_on is None:
            return "—"
        today = getattr(obj, "list_today", None) or timezone.localdate()
        day = obj.next_follow_up_on
        text = day.strftime("%m-%d") if day.year == today.year else day.isoformat()
        if obj.stage in ACTIVE_STAGES and day < today:
            return format_html('<span class="zj-late">{}</span>', text)
        return text

    @admin.display(description=_("距上次跟进"), ordering="last_follow_up_on")
    def days_since_follow_up(self, obj):
        if obj.last_follow_up_on is None:
            return format_html('<span class="zj-muted">{}</span>', _t("未跟进"))
        days = ((getattr(obj, "list_today", None) or timezone.localdate()) - obj.last_follow_up_on).days
        limit = STALE_DAYS_KEY if obj.is_key else STALE_DAYS
        text = _t("%(days)s 天") % {"days": days}
        if obj.stage in ACTIVE_STAGES and days > limit:
            return format_html('<span class="zj-late">{}</span>', text)
        return text

    # ---- writes through the services ----

    def save_model(self, request, obj, form, change):
        if change:
            new_owner = obj.owner if "owner" in form.changed_data else None
            if new_owner is not None:  # the head of investment promotion reassigns: through the service, notified
                obj.owner_id = form.initial["owner"]
            super().save_model(request, obj, form, change)
            edited = [str(form.fields[name].label) for name in form.changed_data if name != "owner"]
            if edited:  # the owner is told when a co-officer or the head of investment promotion edits their project
                notify_project_edited(project=obj, actor=request.user, fields=edited, at=timezone.now())
            if new_owner is not None:
                projects_assign_owner(projects=Project.objects.filter(pk=obj.pk), owner=new_owner, actor=request.user)
                obj.owner = new_owner
            projects_changed([obj.pk])  # park, chain, channel, investment, enterprise: copied into the summaries
            if "enterprise" in form.changed_data:
                warn_collisions(request, enterprise=obj.enterprise, owner=obj.owner, exclude_project=obj)
            return
        fields = dict(form.cleaned_data)
        owner = fields.pop("owner")
        created = project_create(actor=request.user, owner=owner, **fields)
        # The admin goes on with ``obj`` (inlines, log entry): give it the identity of the created row.
        obj.pk = created.pk
        obj._state.adding = False
        obj._state.db = created._state.db
        for name in ("stage", "stage_changed_at", "created_at", "updated_at"):
            setattr(obj, name, getattr(created, name))
        warn_collisions(request, enterprise=obj.enterprise, owner=obj.owner, exclude_project=obj)

    def save_formset(self, request, form, formset, change):
        if isinstance(formset, ThroughServicesFormSet):
            formset.save_through_services(actor=request.user)
            return
        super().save_formset(request, form, formset, change)
        if formset.model is FollowUp and (formset.new_objects or formset.changed_objects or formset.deleted_objects):
            newest = form.instance.follow_ups.order_by("-occurred_on", "-id").first()
            if newest is not None:
                follow_up_apply_next_step(follow_up=newest)

    # ---- change page: 撞单 box and the stage-change form ----

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["collisions"] = collision_texts(
                project_collisions(enterprise=obj.enterprise, exclude_owner=obj.owner, exclude_project=obj)
            )
            if not may_change(request, obj) and may(request.user, Work.PROJECTS):
                context["ownership_note"] = _t(
                    "此项目由 %(owner)s 负责：只有项目负责人、协同专员或招商负责人可以修改，您可以查看。"
                ) % {"owner": obj.owner}
            if self.has_change_permission(request, obj):
                context["follow_up_form"] = FollowUpQuickForm(initial={"occurred_on": timezone.localdate()})
                context["follow_up_form_url"] = reverse("admin:crm_project_follow_up", args=[obj.pk])
            if self.has_change_permission(request, obj) and allowed_stages(obj):
                context["stage_form"] = ProjectChangeStageForm(project=obj)
                context["stage_form_url"] = reverse("admin:crm_project_change_stage", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        own = [
            *kanban.urls(self),  # 看板 (crm/admin/kanban.py)
            path(
                "<path:object_id>/change-stage/",
                self.admin_site.admin_view(self.change_stage_view),
                name="crm_project_change_stage",
            ),
            path(
                "<path:object_id>/follow-up/",
                self.admin_site.admin_view(self.follow_up_view),
                name="crm_project_follow_up",
            ),
            path("collisions/", self.admin_site.admin_view(collisions_json), name="crm_project_collisions"),
        ]
        return own + super().get_urls()

    def follow_up_view(self, request, object_id):
        """POST from the 记录跟进 form at the top of the change page: ``follow_up_create`` by the officer at the keyboard
        (its next step and date become the project's); refusals come back as messages."""
        def log(project, data):
            follow_up_create(project=project, officer=request.user, **data)
            return _t("已记录跟进。")

        def named(form):  # “跟进内容：该字段是必填项。” — the form is above the page, its errors say which field
            return [f"{form.fields[name].label if name in form.fields else ''}：{error}".lstrip("：")
                    for name, errors in form.errors.items() for error in errors]

        return self.service_form_view(request, object_id, FollowUpQuickForm, log, invalid_messages=named)

    def change_stage_view(self, request, object_id):
        """POST from the change page: move the project through ``project_change_stage``; refusals come back as messages."""
        def change(project, data):
            moved = project_change_stage(project=project, to=data["to"], actor=request.user, note=data["note"])
            return _t("项目已转到“%(stage)s”。") % {"stage": moved.get_stage_display()}

        return self.service_form_view(request, object_id, ProjectChangeStageForm, change, object_kwarg="project")

    # ---- bulk action ----

    @admin.action(description=_("分配负责人"), permissions=["assign_owner"])
    def assign_owner(self, request, queryset):
        """Intermediate page: pick an investment officer, then ``projects_assign_owner`` hands the selection over.

        Offered to the head of investment promotion (and superusers) only; the service refuses anyone else."""
        form = AssignOwnerForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            owner = form.cleaned_data["owner"]
            # A plain queryset of the selection: the services lock rows (SELECT … FOR UPDATE), which an
            # aggregated (GROUP BY) list queryset cannot do.
            selection = Project.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)))
            with show_refusal(request):
                count = projects_assign_owner(projects=selection, owner=owner, actor=request.user)
                messages.success(request, _t("已将 %(n)s 个项目分配给 %(owner)s。") % {"n": count, "owner": owner})
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _t("分配负责人"),
            "opts": self.opts,
            "form": form,
            "projects": queryset.select_related("enterprise", "owner"),
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "select_across": request.POST.get("select_across", "0"),
            "action_index": request.POST.get("index", "0"),
        }
        return TemplateResponse(request, "admin/crm/project/assign_owner.html", context)

    # ---- import / export ----

    def get_export_resource_classes(self, request):
        return [ProjectExportResource]

    def get_import_resource_classes(self, request):
        return [ProjectImportResource]

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def has_import_permission(self, request):
        return self.has_add_permission(request)

    def process_result(self, result, request):
        """After an import, the same 撞单 check as for a project added by hand."""
        response = super().process_result(result, request)
        new_ids = [row.object_id for row in result.rows if row.import_type == RowResult.IMPORT_TYPE_NEW]
        for project in Project.objects.filter(pk__in=new_ids).select_related("enterprise", "owner"):
            warn_collisions(request, enterprise=project.enterprise, owner=project.owner, exclude_project=project)
        return response


@admin.register(ProjectStageChange)
class ProjectStageChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("project", "from_stage", "to_stage", "actor", "changed_at", "note")
    list_select_related = ("project", "actor")
    list_filter = ("to_stage", "from_stage")
    search_fields = ("project__name", "note")
    date_hierarchy = "changed_at"


@admin.register(FollowUp)
class FollowUpAdmin(
    ChangedWithItsProjectAdmin, ServiceRefusalsAsMessagesMixin, OfficerFieldsMixin, ListExportMixin, admin.ModelAdmin
):
    resource_classes = [FollowUpExportResource]
    export_file_stem = ("跟进记录", "follow_ups")
    list_display = ("occurred_on", "project", "kind", "officer", "next_step", "next_follow_up_on")
    list_select_related = ("project", "officer")
    list_filter = ("kind", ("officer", admin.RelatedOnlyFieldListFilter))
    search_fields = ("project__name", "project__enterprise__name", "note")
    date_hierarchy = "occurred_on"
    autocomplete_fields = ("project", "officer", "event")
    officer_fields = ("officer",)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "occurred_on":
            kwargs["initial"] = timezone.localdate()
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        require_project_change(request.user, obj.project)  # a follow-up on someone else's project: refused
        super().save_model(request, obj, form, change)
        # The newest follow-up's next step and date become the project's, as ``follow_up_create`` does.
        follow_up_apply_next_step(follow_up=obj)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "held_on", "location", "organizer", "park")
    list_select_related = ("park",)
    list_filter = ("kind", ("park", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "organizer", "location")
    date_hierarchy = "held_on"
    autocomplete_fields = ("park",)


@admin.register(ProjectMilestone)
class ProjectMilestoneAdmin(
    ChangedWithItsProjectAdmin, ServiceRefusalsAsMessagesMixin, MilestoneLightColumnMixin, admin.ModelAdmin
):
    """落地节点: planned through ``milestone_plan`` and reached through ``milestone_record_actual``, with the API's
    rules and words. A planned milestone keeps its project and kind: re-plan its date, or delete it."""

    list_display = ("project", "kind", "planned_on", "actual_on", "light")
    list_select_related = ("project",)
    list_filter = (MilestoneLightFilter, "kind")
    search_fields = ("project__name",)
    autocomplete_fields = ("project",)
    form = MilestoneAdminForm
    fields = ("project", "kind", "planned_on", "actual_on")

    def get_readonly_fields(self, request, obj=None):
        return ("project", "kind") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        take_identity(obj, form.save_through_services(actor=request.user))


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    """汇率中间价: the 中国人民银行 人民币汇率中间价 of a day, entered by staff; an arrival in a foreign currency is
    converted at its day's rate (or the latest earlier one) and refused when there is none. A rate already used by
    an arrival stays on that arrival as recorded; correcting a rate here does not change past arrivals."""

    list_display = ("day", "currency", "rate")
    list_filter = ("currency",)
    date_hierarchy = "day"
    fields = ("day", "currency", "rate")


@admin.register(CapitalArrival)
class CapitalArrivalAdmin(ChangedWithItsProjectAdmin, ServiceRefusalsAsMessagesMixin, admin.ModelAdmin):
    """实际到资, a ledger: an arrival is recorded through ``capital_arrival_record`` (the API's rules and words)
    and then only read — a wrong one is deleted and recorded again, so every amount passed the service's checks."""

    list_display = ("project", "arrived_on", "source", "currency", "original_amount", "rate", "amount_display",
                    "evidence_kind", "note")
    list_filter = ("source", "currency", "evidence_kind")
    list_select_related = ("project",)
    search_fields = ("project__name", "project__enterprise__name")
    date_hierarchy = "arrived_on"
    autocomplete_fields = ("project",)
    form = CapitalArrivalAdminForm
    fields = ("project", "arrived_on", "source", "currency", "original_amount", "amount", "evidence_kind",
              "evidence_upload", "note")
    # A recorded arrival is shown, not edited: its rate and evidence as stored.
    recorded_fields = ("project", "arrived_on", "source", "currency", "original_amount", "rate", "amount",
                       "evidence_kind", "evidence_link", "note")
    readonly_fields = ("evidence_link",)

    def has_change_permission(self, request, obj=None):
        return False

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": self.fields})]
        return [(None, {"fields": self.recorded_fields,
                        "description": _("到资记录登记后不可修改；登记有误请删除后重新登记。")})]

    @admin.display(description=_("凭证"))
    def evidence_link(self, obj):
        return capital_evidence_link(obj)

    def save_model(self, request, obj, form, change):
        take_identity(obj, form.save_through_services(actor=request.user))

    @admin.display(description=_("到资金额"), ordering="amount")
    def amount_display(self, obj):
        return money_wan(obj.amount)


@admin.register(ProjectCredit)
class ProjectCreditAdmin(ChangedWithItsProjectAdmin, ServiceRefusalsAsMessagesMixin, OfficerFieldsMixin, admin.ModelAdmin):
    form = ProjectCreditForm
    list_display = ("project", "officer", "unit", "share_percent")
    list_select_related = ("project", "officer")
    search_fields = ("project__name", "unit")
    autocomplete_fields = ("project", "officer")
    officer_fields = ("officer",)

    def save_model(self, request, obj, form, change):
        require_project_change(request.user, obj.project)  # a credit on someone else's project: refused
        super().save_model(request, obj, form, change)


@admin.register(AnnualCommitment)
class AnnualCommitmentAdmin(ChangedWithItsProjectAdmin, ServiceRefusalsAsMessagesMixin, admin.ModelAdmin):
    """年度承诺: the figures through ``annual_commitment_set`` (a reviewed year is final), the review through
    ``annual_commitment_review``, with the API's rules and words. A saved commitment keeps its project and year."""

    list_display = ("project", "year", "output_per_mu", "tax_per_mu", "headcount", "reviewed_on")
    list_select_related = ("project",)
    list_filter = ("year",)
    search_fields = ("project__name",)
    autocomplete_fields = ("project",)
    form = AnnualCommitmentAdminForm
    fields = ("project", *COMMITTED_FIELDS, *REVIEW_FIELDS)

    def get_readonly_fields(self, request, obj=None):
        return ("project", "year") if obj is not None else ()

    def save_model(self, request, obj, form, change):
        take_identity(obj, form.save_through_services(actor=request.user))
