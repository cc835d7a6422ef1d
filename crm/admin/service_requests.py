"""The service station's queue: enterprise requests on their SLA clocks, and what they are made of.

Status changes only through ``service_request_transition``, assignment through ``service_request_assign``,
messages through ``message_post``, approval steps through ``crm.service_requests.approval_steps``. The request itself is the enterprise's submission and is read-only here.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.forms.models import BaseInlineFormSet
from django.template.defaultfilters import filesizeformat
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from crm.models import (
    OPEN_REQUEST_STATUSES,
    ApprovalStep,
    ApprovalStepTemplate,
    CalendarDay,
    CategoryField,
    CategoryFormVersion,
    Department,
    RequestCallBack,
    ServiceCategory,
    ServiceRequest,
    ServiceRequestAttachment,
    ServiceRequestMessage,
    ServiceRequestTransition,
)
from crm.service_requests import clock
from crm.service_requests.approval_steps import (
    approval_step_change,
    approval_step_complete,
    approval_step_plan,
    approval_step_reopen,
    approval_steps_refused,
)
from crm.service_requests.callbacks import callback_refused, request_record_callback
from crm.service_requests.category_forms import category_form_current, category_form_publish
from crm.service_requests.details import PHONE_KEYS, details_for_display, details_labels
from crm.service_requests.selectors import department_scoped
from crm.service_requests.services import (
    ACTIONS,
    allowed_actions,
    service_request_assign,
    service_request_transition,
    transition_label,
)
from crm.service_requests.thread import message_post, message_refused

from .common import (
    NoRevertHistoryAdmin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    ServiceFormViewMixin,
    run_each,
    show_refusal,
)
from .exports import ListExportMixin, ServiceRequestExportResource
from .forms import RequestAssignForm, RequestCallBackForm, RequestReplyForm, RequestTransitionForm
from .routing import RoutingAdminMixin

# The queue's colour for each reading of the SLA clock (crm.service_requests.clock); green is quiet.
CLOCK_CLASSES = {clock.RED: "zj-late", clock.YELLOW: "zj-at-risk", clock.GREEN: "zj-on-time"}


def _short_time(value):
    """“03-01 14:30” this year, “2024-03-01” before, in Asia/Shanghai: the queue's columns must fit one line."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return local.strftime("%m-%d %H:%M") if local.year == timezone.localdate().year else local.strftime("%Y-%m-%d")


def attachment_link(attachment):
    """The file's name as a link to the access-checked download (``crm.views.attachment_download``), and its size."""
    return format_html(
        '<a class="zj-attachment" href="{}">{}</a> <span class="zj-muted">{}</span>',
        reverse("attachment-download", args=[attachment.pk]), attachment.original_name, filesizeformat(attachment.size),
    )


class DepartmentScopedMixin:
    """A department liaison reads here only what docs/departments.md lets it (``department_scoped``, the API's reading)."""

    department_scope = "request"

    def get_queryset(self, request):
        return department_scoped(super().get_queryset(request), user=request.user, kind=self.department_scope)


class MessageThreadInline(DepartmentScopedMixin, ReadOnlyInline):
    """The thread so far, each message with the files posted with it; messages are never edited after they are sent.
    New messages are posted from the 回复 form above the page (``ServiceRequestAdmin.reply_view``)."""
    department_scope = "messages"

    model = ServiceRequestMessage
    fields = ("created_at", "author", "audience", "body", "files")
    verbose_name_plural = _("留言记录")

    @admin.display(description=_("可见范围"))
    def audience(self, obj):
        """Who reads the message: the enterprise, the desk only (内部备注), or the desk and departments (承办单位)."""
        if obj.department_id:
            return _t("承办单位：%(department)s") % {"department": obj.department}
        if obj.shared_with_departments:
            return _t("发给承办单位")
        return _t("内部备注") if obj.is_internal else _t("企业可见")

    @admin.display(description=_("附件"))
    def files(self, obj):
        attachments = obj.attachments.all()  # prefetched by get_queryset
        if not attachments:
            return "—"
        return format_html_join(mark_safe("<br>"), "{}", ((attachment_link(a),) for a in attachments))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "department").prefetch_related("attachments")


class AttachmentInline(DepartmentScopedMixin, ReadOnlyInline):
    """Every file of the request — with its submission, added later, or posted with a message — to download."""
    department_scope = "none"

    model = ServiceRequestAttachment
    fields = ("download", "content_type", "uploaded_by", "created_at")

    @admin.display(description=_("文件（点击下载）"))
    def download(self, obj):
        return attachment_link(obj)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")


class ApprovalStepForm(forms.ModelForm):
    """One step of the inline: its fields, and 已完成 as a tick that ``save_formset`` turns into a complete or a
    reopen. A completed step's fields are shown but not taken (the service changes open steps only)."""

    completed = forms.BooleanField(label=_("已完成"), required=False)

    class Meta:
        model = ApprovalStep
        fields = ("sequence", "name", "authority", "department", "due_at")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sequence"].required = False
        self.fields["sequence"].help_text = _("留空则排在最后。")
        self.fields["department"].queryset = Department.objects.filter(is_active=True)
        self.fields["department"].help_text = _("由承办单位办理的环节：其联络员可见并可完成。")
        completed = self.instance.pk is not None and self.instance.completed_at is not None
        self.initial["completed"] = completed
        if completed:
            for name in ("sequence", "name", "authority", "department", "due_at"):
                self.fields[name].disabled = True
        elif self.instance.pk is not None:
            self.fields["sequence"].disabled = True  # no service renumbers a step
            self.fields["department"].disabled = True  # set when planned (approval_step_plan); no service moves it


class ApprovalStepFormSet(BaseInlineFormSet):
    """Refuses, as a form error, what every approval-step service would refuse here (``approval_steps_refused``)."""

    actor = None  # set per request by ``ApprovalStepInline.get_formset``

    def clean(self):
        super().clean()
        if any(form.has_changed() for form in self.forms):
            refusal = approval_steps_refused(service_request=self.instance, actor=self.actor)
            if refusal is not None:
                raise ValidationError(refusal.message)


class ApprovalStepInline(DepartmentScopedMixin, admin.TabularInline):
    """审批环节: planned, changed, completed (tick 已完成) and reopened (untick) through the approval-step services
    (see ``ServiceRequestAdmin.save_formset``); read-only — no add, no change, no delete — once the services would
    refuse (``approval_steps_refused``: a resolved or finished request). Steps are never deleted."""
    department_scope = "steps"

    model = ApprovalStep
    form = ApprovalStepForm
    formset = ApprovalStepFormSet
    fields = ("sequence", "name", "authority", "department", "due_at", "completed", "completed_at")
    readonly_fields = ("completed_at",)
    extra = 0
    can_delete = False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.actor = request.user  # a class made for this request by inlineformset_factory
        return formset

    def _steps_refused(self, request, obj) -> bool:
        # The services' own reading: a request no longer open (办结, 关闭, 撤回, 不予受理), or who may not work steps.
        return obj is not None and approval_steps_refused(service_request=obj, actor=request.user) is not None

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._steps_refused(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._steps_refused(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # steps are never deleted: completed, reopened or changed, each recorded


def action_label(name: str) -> str:
    """“受理” rather than “accept”, “分派” for an assignment: the one naming of history rows (``transition_label``)."""
    return transition_label(name)


class TransitionInline(DepartmentScopedMixin, ReadOnlyInline):
    department_scope = "none"
    model = ServiceRequestTransition
    fields = ("created_at", "action_display", "from_status", "to_status", "actor", "note")

    @admin.display(description=_("操作"))
    def action_display(self, obj):
        return action_label(obj.action)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class CallBackInline(ReadOnlyInline):
    """回访记录: past call-backs, read-only (recorded from the 回访 panel above the page through
    ``request_record_callback``); shown to those who read call-backs (``Area.CALLBACKS``), never to a liaison."""

    model = RequestCallBack
    fields = ("recorded_at", "result", "comment", "recorded_by")
    verbose_name_plural = _("回访记录")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by")


def _transition_action(name):
    spec = ACTIONS[name]

    def action(modeladmin, request, queryset):
        run_each(
            request,
            queryset,
            lambda obj: service_request_transition(service_request=obj, action=name, actor=request.user),
            done_message=_t("已对 %%(n)s 条诉求执行“%(label)s”。") % {"label": spec.label},
        )

    action.__name__ = f"transition_{name}"
    return admin.action(description=spec.label, permissions=["change"])(action)


@admin.register(ServiceRequest)
class ServiceRequestAdmin(RoutingAdminMixin, DepartmentScopedMixin, ServiceFormViewMixin, ListExportMixin, NoRevertHistoryAdmin):
    department_scope = "request"
    resource_classes = [ServiceRequestExportResource]
    export_file_stem = ("企业诉求", "service_requests")
    list_display = ("title", "status", "time_left", "due", "category", "enterprise", "assignee", "submitted")
    list_select_related = ("enterprise", "category", "assignee")
    list_filter = (
        "status",
        "category",
        ("assignee", admin.RelatedOnlyFieldListFilter),
        # 提交时间 as a filter (今天 / 过去7天 / 本月 / 今年): no query. The date hierarchy it replaces read every
        # request's submission month on each view (a DISTINCT over the whole table; on SQLite a Python call per row:
        # a third of the queue's time at 5,000 requests, profiled by make bench-admin).
        ("submitted_at", admin.DateFieldListFilter),
    )
    search_fields = (
        "title", "enterprise__name", "enterprise__short_name",
        "submitted_by__username", "submitted_by__display_name",
    )
    search_help_text = _("按编号（如 #12）、标题、企业名称、提交人（姓名或用户名）或电话（提交人手机号、诉求中的联系电话）搜索。")
    readonly_fields = (
        "enterprise", "category", "title", "description", "details_display", "status", "assignee", "submitted_by",
        "submitted_at", "due_at", "time_left", "resolved_at", "rejection_reason", "satisfaction", "satisfaction_comment",
    )
    fieldsets = (
        (None, {"fields": ("title", "enterprise", "category", "description", "details_display")}),
        (_("办理"), {"fields": ("status", "assignee", "submitted_by", "submitted_at", "due_at", "time_left", "resolved_at",
                               "rejection_reason")}),
        (_("评价"), {"fields": ("satisfaction", "satisfaction_comment")}),
    )
    inlines = [MessageThreadInline, AttachmentInline, ApprovalStepInline, CallBackInline, TransitionInline]
    actions = [
        "assign_to_me",
        *(_transition_action(name) for name in ("accept", "start", "wait_external", "resolve", "close", "reopen")),
    ]

    # The queue: open requests first, then by time left.
    ordering = (
        Case(When(status__in=OPEN_REQUEST_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()).asc(),
        "due_at",
        "id",
    )

    def get_search_results(self, request, queryset, search_term):
        """The fields above, and also: the request's number (“12” or “#12”), and a phone number (four digits or more,
        so that a request number does not match every phone holding it) — the submitter's or one in the details
        (``PHONE_KEYS``); both within the list's filters, which ``queryset`` already carries."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        number = term.removeprefix("#")
        also = Q()
        if number.isdigit() and len(number) <= 9:  # a request number, not a phone number
            also |= Q(pk=int(number))
        if len(term) >= 4 and term.replace("-", "").replace(" ", "").lstrip("+").isdigit():
            also |= Q(submitted_by__phone__icontains=term)
            for key in PHONE_KEYS:
                also |= Q(**{f"details__{key}__icontains": term})
        if also:
            found = found | queryset.filter(also)
        return found, may_have_duplicates

    def has_add_permission(self, request):
        # Requests are submitted by enterprises (portal, API) through ``service_request_submit``.
        return False

    @admin.display(description=_("提交时间"), ordering="submitted_at")
    def submitted(self, obj):
        return _short_time(obj.submitted_at)

    @admin.display(description=_("办理时限"), ordering="due_at")
    def due(self, obj):
        return _short_time(obj.due_at)

    @admin.display(description=_("剩余时间"), ordering="due_at")
    def time_left(self, obj):
        reading = clock.time_left(obj, now=timezone.now())
        if reading.colour == clock.NONE:
            return "—"
        paused = format_html('<span class="zj-muted">{}</span>', _t("（暂停计时）")) if reading.paused else ""
        return format_html('<span class="{}">{}</span>{}', CLOCK_CLASSES[reading.colour], reading.label, paused)

    @admin.display(description=_("类别专属信息"))
    def details_display(self, obj):
        """Category fields with labels; a passport number in clear only for the assigned officer, else masked."""
        shown = details_for_display(service_request=obj, user=getattr(obj, "details_viewer", AnonymousUser()))
        labels = details_labels(obj)
        if not shown:
            return "—"
        return format_html_join(
            "", "<div><strong>{}</strong>{}{}</div>", ((labels.get(k, k), _t("："), v) for k, v in shown.items())
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            # ``details_display`` must know who is looking, and read-only displays get only the object;
            # the viewer rides on this request's own instance (never on the shared ModelAdmin).
            obj.details_viewer = request.user
        return obj

    def save_model(self, request, obj, form, change):
        # Every field of the request is read-only here: saving it would only add an empty history row.
        if form.has_changed():
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is ApprovalStep:
            self._save_approval_steps(request, form.instance, formset)
            return
        super().save_formset(request, form, formset, change)

    def _save_approval_steps(self, request, service_request, formset):
        """Each changed row through its service: a new row is planned, a tick completes, an untick reopens, and
        edits of an open step are changed. A refusal (a concurrent change) is shown and the other rows go on."""
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        actor = request.user
        for step_form in formset.forms:
            if not step_form.has_changed():
                continue
            data = step_form.cleaned_data
            with show_refusal(request, about=step_form.instance):
                if step_form.instance.pk is None:
                    step = approval_step_plan(
                        service_request=service_request, name=data["name"], authority=data["authority"],
                        due_at=data["due_at"], sequence=data.get("sequence"), department=data.get("department"),
                        actor=actor,
                    )
                    if data["completed"]:
                        step = approval_step_complete(step=step, actor=actor)
                    formset.new_objects.append(step)
                    continue
                step = ApprovalStep.objects.get(pk=step_form.instance.pk)  # the form's instance holds the edits
                was_completed = bool(step_form.initial.get("completed"))
                if was_completed and not data["completed"]:
                    step = approval_step_reopen(step=step, actor=actor)
                edits = {name: data[name] for name in ("name", "authority", "due_at") if name in step_form.changed_data}
                if edits:
                    step = approval_step_change(step=step, actor=actor, **edits)
                if data["completed"] and not was_completed:
                    step = approval_step_complete(step=step, actor=actor)
                formset.changed_objects.append((step, step_form.changed_data))

    # ---- change page: transitions and assignment ----

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and self.has_change_permission(request, obj):
            context["request_actions"] = [(name, ACTIONS[name]) for name in allowed_actions(service_request=obj, user=request.user)]
            context["transition_url"] = reverse("admin:crm_servicerequest_transition", args=[obj.pk])
            context["reply_form"] = RequestReplyForm(initial={
                # on a finished request only an internal note is taken (``message_refused``)
                "is_internal": message_refused(service_request=obj, author=request.user) is not None,
            })
            context["reply_url"] = reverse("admin:crm_servicerequest_reply", args=[obj.pk])
            if callback_refused(service_request=obj, actor=request.user) is None:
                context["callback_form"] = RequestCallBackForm()
                context["callback_url"] = reverse("admin:crm_servicerequest_callback", args=[obj.pk])
            if not obj.is_finished:  # service_request_assign refuses a finished request
                context["assign_form"] = RequestAssignForm(initial={"assignee": obj.assignee_id})
                context["assign_url"] = reverse("admin:crm_servicerequest_assign", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        own = [
            path("<path:object_id>/transition/", self.admin_site.admin_view(self.transition_view),
                 name="crm_servicerequest_transition"),
            path("<path:object_id>/assign/", self.admin_site.admin_view(self.assign_view), name="crm_servicerequest_assign"),
            path("<path:object_id>/reply/", self.admin_site.admin_view(self.reply_view), name="crm_servicerequest_reply"),
            path("<path:object_id>/callback/", self.admin_site.admin_view(self.callback_view),
                 name="crm_servicerequest_callback"),
        ]
        return own + super().get_urls()

    def transition_view(self, request, object_id):
        def transition(obj, data):
            obj = service_request_transition(service_request=obj, action=data["action"], actor=request.user, note=data["note"])
            return _t("诉求状态已变为“%(status)s”。") % {"status": obj.get_status_display()}

        return self.service_form_view(request, object_id, RequestTransitionForm, transition, invalid_messages=lambda form: [])

    def assign_view(self, request, object_id):
        def assign(obj, data):
            service_request_assign(service_request=obj, assignee=data["assignee"], actor=request.user)
            return _t("已分派给 %(name)s。") % {"name": data["assignee"]}

        return self.service_form_view(request, object_id, RequestAssignForm, assign,
                                      invalid_messages=lambda form: [_t("请选择经办人。")])

    def callback_view(self, request, object_id):
        """记录回访: through ``request_record_callback``; a refusal (wrong status, 不满意 without a reason) is shown as a
        message and nothing is stored."""

        def record(obj, data):
            callback = request_record_callback(
                service_request=obj, result=data["result"], comment=data["comment"], actor=request.user
            )
            if callback.result == RequestCallBack.Result.UNSATISFIED:
                return _t("已记录回访（不满意），诉求已重新办理。")
            return _t("已记录回访（%(result)s）。") % {"result": callback.get_result_display()}

        return self.service_form_view(request, object_id, RequestCallBackForm, record)

    def reply_view(self, request, object_id):
        """回复: posted on its own, so the rest of the page (the approval steps) is neither saved nor lost with it."""

        def reply(obj, data):
            message = message_post(
                service_request=obj, author=request.user, body=data["body"], is_internal=data["is_internal"],
                uploads=data["attachments"], shared_with_departments=data["shared_with_departments"],
            )
            if message.shared_with_departments:
                done = _t("留言已发给承办单位（企业不可见）。")
            else:
                done = _t("内部备注已保存。") if message.is_internal else _t("回复已发送给企业。")
            if data["attachments"]:
                done += _t("（附件 %(n)s 个）") % {"n": len(data["attachments"])}
            return done

        return self.service_form_view(request, object_id, RequestReplyForm, reply)

    @admin.action(description=_("分派给我"), permissions=["change"])
    def assign_to_me(self, request, queryset):
        run_each(
            request,
            queryset,
            lambda obj: service_request_assign(service_request=obj, assignee=request.user, actor=request.user),
            done_message=_t("已将 %(n)s 条诉求分派给您。"),
        )


class CategoryFieldInline(admin.TabularInline):
    """表单字段: the category's own form, designed here; saving the category publishes it as a new version."""

    model = CategoryField
    extra = 0
    fields = ("order", "key", "label", "kind", "required", "help_text", "options", "max_length", "min_value",
              "max_value", "not_before_today")
    ordering = ("order", "id")
    # Eleven columns: narrow inputs keep the table within the page.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 14})},
        models.CharField: {"widget": forms.TextInput(attrs={"size": 14})},
        models.PositiveSmallIntegerField: {"widget": forms.NumberInput(attrs={"class": "vIntegerField"})},
        models.IntegerField: {"widget": forms.NumberInput(attrs={"class": "vIntegerField"})},
    }


class ApprovalStepTemplateInline(admin.TabularInline):
    """审批环节模板: the steps a request of this category gets when it is accepted, due counted from acceptance."""

    model = ApprovalStepTemplate
    extra = 0
    fields = ("sequence", "name", "authority", "offset_value", "offset_unit")
    ordering = ("sequence",)


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    """服务类别 and its SLA; a changed SLA applies to requests submitted afterwards. Its own form's fields and its
    approval-step templates are edited inline; a changed form is published as a new version on save, and requests
    already submitted keep theirs."""

    list_display = ("name", "code", "sla_value", "sla_unit", "pause_while_waiting_external", "is_active", "sort_order")
    list_editable = ("sla_value", "sla_unit", "pause_while_waiting_external", "is_active", "sort_order")
    list_filter = ("sla_unit", "is_active")
    search_fields = ("name", "code")
    readonly_fields = ("form_version_display",)
    inlines = [CategoryFieldInline, ApprovalStepTemplateInline]

    @admin.display(description=_("当前表单版本"))
    def form_version_display(self, obj):
        version = category_form_current(obj) if obj.pk else None
        if version is None:
            return _t("尚无表单")
        return _t("第 %(n)s 版（%(at)s 发布）") % {"n": version.number, "at": _short_time(version.created_at)}

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        before = category_form_current(form.instance)
        after = category_form_publish(category=form.instance, actor=request.user)
        if after is not None and after != before:
            self.message_user(
                request, _t("“%(category)s”的表单已发布为第 %(n)s 版；此前提交的诉求仍按原版本显示。")
                % {"category": form.instance, "n": after.number},
            )


@admin.register(CategoryFormVersion)
class CategoryFormVersionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """表单版本: each published form of a category, frozen; requests submitted with it are shown with its labels."""

    list_display = ("category", "number", "created_at", "created_by")
    list_select_related = ("category", "created_by")
    list_filter = ("category",)
    fields = ("category", "number", "created_at", "created_by", "fields_display")
    readonly_fields = fields

    @admin.display(description=_("字段"))
    def fields_display(self, obj):
        kinds = dict(CategoryField.Kind.choices)
        return format_html_join(
            "", "<div><strong>{}</strong>（{}）：{}{}</div>",
            ((f["label"], f["key"], kinds.get(f["kind"], f["kind"]), "" if f["required"] else _t("，选填"))
             for f in obj.fields),
        ) or "—"


@admin.register(CategoryField, ApprovalStepTemplate)
class CategoryDesignAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """A category's form fields and step templates, listed across categories: they are edited on the category's own
    page, where a changed form is published as a new version."""

    list_filter = ("category",)
    list_select_related = ("category",)

    def get_list_display(self, request):
        if self.model is CategoryField:
            return ("category", "order", "key", "label", "kind", "required")
        return ("category", "sequence", "name", "authority", "offset_value", "offset_unit")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """节假日调整: overrides of the chinesecalendar package (a later year's holidays, a local 调休)."""

    list_display = ("date", "is_working_day", "name")
    list_filter = ("is_working_day",)
    search_fields = ("name",)
    date_hierarchy = "date"


@admin.register(ServiceRequestTransition)
class ServiceRequestTransitionAdmin(DepartmentScopedMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    department_scope = "none"
    list_display = ("request", "action_display", "from_status", "to_status", "actor", "created_at")
    list_select_related = ("request", "actor")
    list_filter = ("to_status", "action")
    search_fields = ("request__title", "note")
    date_hierarchy = "created_at"

    @admin.display(description=_("操作"), ordering="action")
    def action_display(self, obj):
        return action_label(obj.action)


@admin.register(RequestCallBack)
class RequestCallBackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """回访记录 across requests, to look them up (results by officer and date); each is recorded from its request's page
    (记录回访, through ``request_record_callback``)."""

    list_display = ("request", "result", "recorded_by", "recorded_at", "excerpt")
    list_select_related = ("request", "recorded_by")
    list_filter = ("result", ("recorded_by", admin.RelatedOnlyFieldListFilter))
    search_fields = ("request__title", "comment")
    date_hierarchy = "recorded_at"

    @admin.display(description=_("回访意见"))
    def excerpt(self, obj):
        return obj.comment[:60]


@admin.register(ServiceRequestMessage)
class ServiceRequestMessageAdmin(DepartmentScopedMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Messages are written from the request page (through ``message_post``); this list is for looking them up."""
    department_scope = "messages"

    list_display = ("request", "author", "is_internal", "created_at", "excerpt")
    list_select_related = ("request", "author")
    list_filter = ("is_internal",)
    search_fields = ("request__title", "body")
    date_hierarchy = "created_at"

    @admin.display(description=_("内容"))
    def excerpt(self, obj):
        return obj.body[:60]


@admin.register(ServiceRequestAttachment)
class ServiceRequestAttachmentAdmin(DepartmentScopedMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Attachments are uploaded through ``attachment_add`` (content-checked); here they are only listed."""
    department_scope = "none"

    list_display = ("original_name", "download", "request", "content_type", "uploaded_by", "created_at")
    list_select_related = ("request", "uploaded_by")

    @admin.display(description=_("下载"))
    def download(self, obj):
        return attachment_link(obj)
    search_fields = ("original_name", "request__title")
    exclude = ("file",)


@admin.register(ApprovalStep)
class ApprovalStepAdmin(DepartmentScopedMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """For looking steps up across requests. They are worked on the request's own page (its 审批环节 inline),
    through the approval-step services, so that every change is checked and recorded in the request's history."""
    department_scope = "steps"

    list_display = ("request", "sequence", "name", "authority", "due_at", "completed_at")
    list_select_related = ("request",)
    list_filter = ("authority",)
    search_fields = ("request__title", "name", "authority")
    search_help_text = _(
        "审批环节在诉求页面上安排、修改、完成或重新打开（记入诉求的状态流转）；此处仅供查询。按诉求标题、环节或审批部门搜索。"
    )
