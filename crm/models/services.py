from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm.validators import (
    LINE_VALIDATORS,
    LONG_TEXT_MAX_LENGTH,
    LONG_TEXT_VALIDATORS,
    validate_long_text,
    validate_plausible_date,
)

from .base import TimeStampedModel


class ServiceCategory(TimeStampedModel):
    """服务类别: a kind of enterprise request and its SLA, e.g. 外国人来华工作许可 within 24 calendar hours."""

    class SlaUnit(models.TextChoices):
        CALENDAR_HOURS = "calendar_hours", _("自然小时")
        WORKING_DAYS = "working_days", _("工作日")

    code = models.SlugField(_("代码"), max_length=40, unique=True, help_text=_("API 中使用的代码，如 work_permit。"))
    name = models.CharField(_("名称"), max_length=100, validators=LINE_VALIDATORS)
    description = models.TextField(
        _("说明"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS
    )
    sla_unit = models.CharField(_("时限单位"), max_length=20, choices=SlaUnit.choices, default=SlaUnit.WORKING_DAYS)
    sla_value = models.PositiveIntegerField(_("办理时限"), help_text=_("按时限单位计，如 24（小时）或 5（工作日）。"))
    pause_while_waiting_external = models.BooleanField(
        _("待外部审批时暂停计时"), default=False, help_text=_("勾选后，请求处于“待外部审批”期间不计入办理时限。")
    )
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    routing_limit_unit = models.CharField(
        _("承办时限单位"), max_length=20, choices=SlaUnit.choices, default=SlaUnit.WORKING_DAYS,
        db_default=SlaUnit.WORKING_DAYS, help_text=_("分办给承办单位后的办理时限单位。"),
    )
    lead_limit = models.PositiveIntegerField(
        _("主办时限"), default=7, db_default=7, help_text=_("主办单位自交办起的办理时限，按承办时限单位计。")
    )
    assist_limit = models.PositiveIntegerField(
        _("协办时限"), default=3, db_default=3, help_text=_("协办单位自交办起的办理时限，按承办时限单位计。")
    )

    class Meta:
        verbose_name = _("服务类别")
        verbose_name_plural = _("服务类别")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(sla_value__gt=0), name="crm_servicecategory_sla_positive"),
            models.CheckConstraint(
                condition=Q(lead_limit__gt=0, assist_limit__gt=0), name="crm_servicecategory_routing_limits_positive"
            ),
        ]

    def __str__(self):
        return self.name


class CategoryField(models.Model):
    """表单字段: one field of a service category's own form (类别专属信息), as the administrator designs it.

    These rows are the form being edited; what the portal, the API and the schema use is the category's latest
    published ``CategoryFormVersion`` (``crm.service_requests.category_forms.category_form_publish``).
    """

    class Kind(models.TextChoices):
        TEXT = "text", _("单行文字")
        LONG_TEXT = "long_text", _("多行文字")
        NUMBER = "number", _("整数")
        DATE = "date", _("日期")
        CHOICE = "choice", _("选项")
        PASSPORT = "passport", _("护照号码")

    category = models.ForeignKey(
        ServiceCategory, verbose_name=_("服务类别"), on_delete=models.CASCADE, related_name="form_fields"
    )
    key = models.CharField(
        _("字段代码"), max_length=40,
        validators=[
            *LINE_VALIDATORS,
            RegexValidator(r"^[a-z][a-z0-9_]*$", _("字段代码只能包含小写字母、数字和下划线，并以字母开头。")),
        ],
        help_text=_("API 与存储中使用的代码，如 passport_number；已提交的诉求按它保存取值。"),
    )
    label = models.CharField(_("名称"), max_length=100, validators=LINE_VALIDATORS, help_text=_("门户表单上显示的中文名称。"))
    kind = models.CharField(
        _("类型"), max_length=20, choices=Kind.choices, default=Kind.TEXT,
        help_text=_("护照号码：6–12 位大写字母或数字，加密保存，仅经办人看到完整值。"),
    )
    required = models.BooleanField(_("必填"), default=True)
    help_text = models.CharField(_("填写说明"), max_length=200, blank=True, validators=LINE_VALIDATORS)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    options = models.TextField(
        _("选项"), blank=True, max_length=2000, validators=LONG_TEXT_VALIDATORS, help_text=_("类型为“选项”时填写，每行一个。")
    )
    max_length = models.PositiveSmallIntegerField(
        _("最多字数"), null=True, blank=True, help_text=_("文字类字段；不填时单行 200 字、多行 2000 字。")
    )
    min_value = models.IntegerField(_("最小值"), null=True, blank=True, help_text=_("整数字段。"))
    max_value = models.IntegerField(_("最大值"), null=True, blank=True, help_text=_("整数字段。"))
    not_before_today = models.BooleanField(_("不得早于今天"), default=False, help_text=_("日期字段：不接受今天以前的日期。"))

    class Meta:
        verbose_name = _("表单字段")
        verbose_name_plural = _("表单字段")
        ordering = ["category", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["category", "key"], name="crm_categoryfield_unique_key")]

    def __str__(self):
        return f"{self.label}（{self.key}）"

    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]

    def clean(self):
        errors = {}
        if self.kind == self.Kind.CHOICE and not self.option_list():
            errors["options"] = _("“选项”类型的字段须至少填写一个选项。")
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            errors["max_value"] = _("最大值不能小于最小值。")
        if self.key and self.kind:
            # The schema describes a key once for every category: the same key means the same type everywhere.
            other = (
                CategoryField.objects.filter(key=self.key).exclude(kind=self.kind).exclude(category_id=self.category_id)
                .select_related("category").first()
            )
            if other is not None:
                errors["kind"] = _("字段代码 %(key)s 在类别“%(category)s”中的类型为“%(kind)s”，同一代码的类型须一致。") % {
                    "key": self.key, "category": other.category, "kind": other.get_kind_display(),
                }
        if errors:
            raise ValidationError(errors)


class CategoryFormVersion(models.Model):
    """表单版本: a category's form as it was published, frozen; a request keeps the version it was submitted with
    and is shown with that version's labels, whatever the form becomes later."""

    category = models.ForeignKey(
        ServiceCategory, verbose_name=_("服务类别"), on_delete=models.CASCADE, related_name="form_versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    fields = models.JSONField(_("字段定义"), default=list)
    created_at = models.DateTimeField(_("发布时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("表单版本")
        verbose_name_plural = _("表单版本")
        ordering = ["category", "-number"]
        constraints = [models.UniqueConstraint(fields=["category", "number"], name="crm_categoryformversion_unique_number")]

    def __str__(self):
        return _("%(category)s 第 %(n)s 版") % {"category": self.category, "n": self.number}

    def labels(self) -> dict:
        return {field["key"]: field["label"] for field in self.fields}


class ApprovalStepTemplate(models.Model):
    """审批环节模板: a step every request of the category gets when it is accepted (受理), with its due time
    counted from the acceptance, e.g. the work permit's 材料审核 → 网上申报 → 外专局审批 → 发证."""

    class OffsetUnit(models.TextChoices):
        HOURS = "hours", _("小时")
        WORKING_DAYS = "working_days", _("工作日")

    category = models.ForeignKey(
        ServiceCategory, verbose_name=_("服务类别"), on_delete=models.CASCADE, related_name="step_templates"
    )
    sequence = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("环节"), max_length=100, validators=LINE_VALIDATORS)
    authority = models.CharField(_("审批部门"), max_length=100, blank=True, validators=LINE_VALIDATORS)
    offset_value = models.PositiveIntegerField(
        _("受理后时限"), help_text=_("从受理起算：小时数，或第几个工作日结束（按工作日历，节假日不计）。")
    )
    offset_unit = models.CharField(_("时限单位"), max_length=20, choices=OffsetUnit.choices, default=OffsetUnit.HOURS)

    class Meta:
        verbose_name = _("审批环节模板")
        verbose_name_plural = _("审批环节模板")
        ordering = ["category", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["category", "sequence"], name="crm_approvalsteptemplate_unique_sequence"),
            models.CheckConstraint(condition=Q(offset_value__gt=0), name="crm_approvalsteptemplate_offset_positive"),
        ]

    def __str__(self):
        return f"{self.sequence}. {self.name}"


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已受理")
    IN_PROGRESS = "in_progress", _("办理中")
    WAITING_EXTERNAL = "waiting_external", _("待外部审批")
    RESOLVED = "resolved", _("已办结")
    CLOSED = "closed", _("已关闭")
    REJECTED = "rejected", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_REQUEST_STATUSES = [
    RequestStatus.SUBMITTED,
    RequestStatus.ACCEPTED,
    RequestStatus.IN_PROGRESS,
    RequestStatus.WAITING_EXTERNAL,
]
# 已结束: nothing more happens on these — no messages to the enterprise, no files, no approval-step changes.
# A resolved request (已办结) is not among them: the enterprise may still confirm it or ask to reopen it.
FINISHED_REQUEST_STATUSES = [RequestStatus.CLOSED, RequestStatus.WITHDRAWN, RequestStatus.REJECTED]


class ServiceRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_REQUEST_STATUSES)

    def visible_to(self, user):
        """The one scope of requests for every interface (API, admin, portal, downloads, exports).

        A department liaison (承办单位联络员) sees only the requests one of its departments is working on or completed
        (``ROUTING_STATUSES_VISIBLE_TO_DEPARTMENT``); other staff see every request; an enterprise user only those of
        its own enterprises.
        """
        if getattr(user, "reads_routed_requests_only", False):
            from .departments import ROUTING_STATUSES_VISIBLE_TO_DEPARTMENT, Routing

            routed = Routing.objects.filter(
                department__liaisons=user, status__in=ROUTING_STATUSES_VISIBLE_TO_DEPARTMENT
            ).values("service_request_id")
            return self.filter(pk__in=routed)
        if user.is_staff:
            return self
        return self.filter(enterprise__in=user.enterprises.all())


class ServiceRequest(TimeStampedModel):
    """企业诉求: something an enterprise asks the service station (企业服务驿站) to get done, on an SLA clock.

    Its status changes only through ``crm.service_requests.services.service_request_transition``.
    """

    enterprise = models.ForeignKey(
        "crm.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="service_requests"
    )
    category = models.ForeignKey(ServiceCategory, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="requests")
    title = models.CharField(_("标题"), max_length=200, validators=LINE_VALIDATORS)
    description = models.TextField(
        _("描述"), max_length=5000, blank=True, validators=[validate_long_text, MaxLengthValidator(5000)]
    )
    details = models.JSONField(_("类别专属信息"), default=dict, blank=True)
    form_version = models.ForeignKey(
        CategoryFormVersion, verbose_name=_("表单版本"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", editable=False, help_text=_("提交时所用的类别表单版本：按它的字段名称显示类别专属信息。"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.SUBMITTED, editable=False
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="submitted_requests"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_requests",
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    due_at = models.DateTimeField(_("办理时限"))
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)
    paused_seconds = models.PositiveIntegerField(_("暂停计时（秒）"), default=0, editable=False)
    paused_since = models.DateTimeField(_("暂停开始"), null=True, blank=True, editable=False)
    rejection_reason = models.TextField(
        _("不予受理原因"), blank=True, editable=False, max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS
    )
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True, help_text=_("1 到 5 分。"))
    satisfaction_comment = models.TextField(
        _("评价"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS
    )

    history = HistoricalRecords(excluded_fields=["details", "form_version", "updated_at"])
    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业诉求")
        verbose_name_plural = _("企业诉求")
        ordering = ["due_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""), name="crm_servicerequest_rejected_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="crm_servicerequest_satisfaction_range",
            ),
            models.CheckConstraint(condition=Q(due_at__gte=models.F("submitted_at")), name="crm_servicerequest_due_after_submit"),
        ]
        indexes = [
            # The officer's queue and the SLA reminder sweep: open requests by time left.
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=["submitted", "accepted", "in_progress", "waiting_external"]),
                name="crm_request_open_due_idx",
            ),
            # The "unassigned after 1 hour" reminder: new requests nobody has taken.
            models.Index(
                fields=["submitted_at"],
                condition=Q(assignee__isnull=True, status="submitted"),
                name="crm_request_unassigned_idx",
            ),
            models.Index(fields=["enterprise", "status"], name="crm_request_enterprise_idx"),
            models.Index(fields=["category", "status"], name="crm_request_category_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_REQUEST_STATUSES


class ServiceRequestTransition(models.Model):
    """状态流转记录: one status change of a request, with who made it and why."""

    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField(_("操作"), max_length=20)
    from_status = models.CharField(_("原状态"), max_length=20, choices=RequestStatus.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=RequestStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("说明"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS)
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("状态流转")
        verbose_name_plural = _("状态流转")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "created_at"], name="crm_transition_request_idx")]

    def __str__(self):
        return f"{self.get_from_status_display() or '—'} → {self.get_to_status_display()}"


class ServiceRequestMessage(TimeStampedModel):
    """留言: one message in the thread between the enterprise and the officer. Internal notes stay with staff.

    Two kinds stay between the desk and the departments (承办单位), never shown to the enterprise: a desk message
    ``shared_with_departments`` (every routed department's liaisons read it) and a message a liaison writes
    (``department`` set: its own department and the desk read it).
    """

    request = models.ForeignKey(ServiceRequest, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("作者"), on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("内容"), max_length=5000, validators=[validate_long_text, MaxLengthValidator(5000)])
    is_internal = models.BooleanField(_("内部备注"), default=False, help_text=_("内部备注企业不可见。"))
    shared_with_departments = models.BooleanField(
        _("承办单位可见"), default=False, db_default=False, help_text=_("驿站发给承办单位的留言：分办到的承办单位联络员可见，企业不可见。")
    )
    department = models.ForeignKey(
        "crm.Department", verbose_name=_("承办单位"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="messages", help_text=_("承办单位联络员所写的留言：本单位和驿站可见，企业不可见。"),
    )

    class Meta:
        verbose_name = _("留言")
        verbose_name_plural = _("留言")
        ordering = ["created_at", "id"]
        constraints = [
            # Messages between the desk and the departments are never the enterprise's to read.
            models.CheckConstraint(
                condition=Q(is_internal=True) | Q(shared_with_departments=False, department__isnull=True),
                name="crm_servicerequestmessage_department_internal",
            ),
        ]
        indexes = [models.Index(fields=["request", "created_at"], name="crm_message_request_idx")]


def attachment_upload_to(instance, filename):
    # Stored under MEDIA_ROOT (outside the web root) with a random name; the original name is kept in the row.
    import uuid

    return f"attachments/{instance.request_id}/{uuid.uuid4().hex}"


class ServiceRequestAttachment(TimeStampedModel):
    """附件: a document attached to a request, served only through a view that checks access."""

    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to=attachment_upload_to)
    original_name = models.CharField(_("文件名"), max_length=200, validators=LINE_VALIDATORS)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+")
    message = models.ForeignKey(
        ServiceRequestMessage,
        verbose_name=_("所属留言"),
        on_delete=models.SET_NULL,
        related_name="attachments",
        null=True,
        blank=True,
        help_text=_("随这条留言一起上传的附件；随诉求提交或单独补充的附件不属于任何留言。"),
    )

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.original_name


class ApprovalStepQuerySet(models.QuerySet):
    def open(self):
        """Steps still to be done on requests being handled: not completed, on an open request (the reminders' reading)."""
        return self.filter(completed_at__isnull=True, request__status__in=OPEN_REQUEST_STATUSES)


class ApprovalStep(TimeStampedModel):
    """审批环节: an external step a request waits on (e.g. 材料审核 → 网上申报 → 外专局审批 → 发证), with its own due time.

    Planned, changed, completed and reopened only through ``crm.service_requests.approval_steps``.
    """

    request = models.ForeignKey(
        ServiceRequest, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="approval_steps"
    )
    sequence = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("环节"), max_length=100, validators=LINE_VALIDATORS)
    authority = models.CharField(_("审批部门"), max_length=100, blank=True, validators=LINE_VALIDATORS)
    due_at = models.DateTimeField(_("应完成时间"), validators=[validate_plausible_date])
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True, validators=[validate_plausible_date])
    department = models.ForeignKey(
        "crm.Department", verbose_name=_("承办单位"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="approval_steps", help_text=_("由该承办单位办理的环节：其联络员可见并可完成。"),
    )

    objects = ApprovalStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("审批环节")
        verbose_name_plural = _("审批环节")
        ordering = ["request", "sequence"]
        constraints = [models.UniqueConstraint(fields=["request", "sequence"], name="crm_approvalstep_unique_sequence")]
        indexes = [
            # Approval-step reminders: steps not yet completed, by due time.
            models.Index(fields=["due_at"], condition=Q(completed_at__isnull=True), name="crm_approvalstep_open_idx"),
        ]

    def __str__(self):
        return f"{self.sequence}. {self.name}"


class CalendarDay(models.Model):
    """节假日调整: a day whose working status overrides the chinesecalendar library (a holiday or a 调休 make-up day)."""

    date = models.DateField(_("日期"), unique=True, validators=[validate_plausible_date])
    is_working_day = models.BooleanField(_("是否工作日"), help_text=_("勾选表示上班（调休补班），不勾选表示放假。"))
    name = models.CharField(
        _("说明"), max_length=50, blank=True, help_text=_("如“国庆节”或“国庆调休补班”。"), validators=LINE_VALIDATORS
    )

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"
