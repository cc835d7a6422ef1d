"""Serializers of the REST API: shapes in and out, no business rules.

Input serializers check types, lengths and that referenced rows exist (and are the user's to
reference); everything else — SLA, state machines, encryption, attachment content — happens in
the domain packages' services, whose ``DomainError`` the exception handler turns into 400/403/409.
"""

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.api.fields import ListCodeFieldsMixin
from crm.models import (
    ApprovalStep,
    CategoryField,
    Department,
    Enterprise,
    Event,
    FollowUp,
    Notification,
    Project,
    ProjectStageChange,
    RequestCallBack,
    Role,
    ServiceCategory,
    ServiceRequest,
    ServiceRequestAttachment,
    ServiceRequestMessage,
    ServiceRequestTransition,
    Stage,
    User,
)
from crm.pipeline.services import allowed_stages
from crm.service_requests import clock
from crm.service_requests.callbacks import MAX_COMMENT_LENGTH as CALLBACK_COMMENT_LENGTH
from crm.service_requests.details import details_for_display, details_form_class
from crm.service_requests.services import ACTIONS, allowed_actions, transition_label
from crm.service_requests.thread import MAX_MESSAGE_LENGTH
from crm.validators import LINE_VALIDATORS, validate_long_text, validate_plausible_date
from parks.models import Park

NOTE_MAX_LENGTH = 2000


def _user_name(user) -> str | None:
    return str(user) if user is not None else None


# ---------------------------------------------------------------------------------------------
# Service categories and requests (企业诉求)


class DetailFieldSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    type = serializers.ChoiceField(choices=CategoryField.Kind.choices, help_text=_("字段类型。"))
    required = serializers.BooleanField()
    help_text = serializers.CharField()
    options = serializers.ListField(child=serializers.CharField(), help_text=_("“选项”类型字段可选的值。"))


class ServiceCategorySerializer(serializers.ModelSerializer):
    sla_label = serializers.SerializerMethodField(help_text=_("办理时限，如“24 小时”或“5 个工作日”。"))
    detail_fields = serializers.SerializerMethodField(help_text=_("该类别专属信息（details）的字段。"))

    class Meta:
        model = ServiceCategory
        fields = ["code", "name", "description", "sla_unit", "sla_value", "sla_label", "pause_while_waiting_external",
                  "detail_fields"]

    def get_sla_label(self, obj) -> str:
        if obj.sla_unit == ServiceCategory.SlaUnit.CALENDAR_HOURS:
            return _("%(n)s 小时") % {"n": obj.sla_value}
        return _("%(n)s 个工作日") % {"n": obj.sla_value}

    @extend_schema_field(DetailFieldSerializer(many=True))
    def get_detail_fields(self, obj):
        """The fields of the category's current form (the view prefetches its versions, newest first)."""
        versions = list(obj.form_versions.all())
        if not versions:
            return []
        form_class = details_form_class(versions[0].fields)
        return [
            {"name": spec["key"], "label": spec["label"], "type": spec["kind"], "required": spec["required"],
             "help_text": str(form_class.base_fields[spec["key"]].help_text), "options": spec.get("options") or []}
            for spec in versions[0].fields
        ]


@extend_schema_field(OpenApiTypes.STR)
class DetailValueField(serializers.Field):
    """One value of a category's own fields, handed to its form as text (as a posted form would be)."""

    default_error_messages = {"invalid": _("应为文字、数字或日期，不能是列表或对象。")}

    def to_internal_value(self, data):
        if data is None:
            return ""
        if isinstance(data, bool | int | float | str):
            return str(data)
        self.fail("invalid")

    def to_representation(self, value):
        return value


class DetailsField(serializers.DictField):
    """The category fields as sent: a dict handed to the category's form (``crm.service_requests.details``).

    Its schema is read from the categories' forms when the schema is generated (``crm.api.schema``)."""


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by_name = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(help_text=_("下载地址（需登录，仅可见者可下载）。"))

    class Meta:
        model = ServiceRequestAttachment
        fields = ["id", "original_name", "content_type", "size", "uploaded_by", "uploaded_by_name", "created_at",
                  "download_url"]
        read_only_fields = fields

    def get_uploaded_by_name(self, obj) -> str:
        return str(obj.uploaded_by)

    def get_download_url(self, obj) -> str:
        url = reverse("api:attachment-download", kwargs={"pk": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("PDF、JPEG、PNG、DOCX 或 XLSX，不超过 10 MB（按内容识别）。"))


class ServiceRequestSerializer(serializers.ModelSerializer):
    """A request as a list row shows it; ``details`` masked for everyone but the assigned officer."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    details = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    assignee_name = serializers.SerializerMethodField()
    time_left_seconds = serializers.SerializerMethodField(
        help_text=_("距办理时限的秒数（超时为负；暂停计时期间按暂停时刻计；已结束的诉求为空）。")
    )
    is_overdue = serializers.SerializerMethodField(help_text=_("已超时：剩余时间为零或负。"))
    colour = serializers.SerializerMethodField(
        help_text=_("三色预警：green 正常，yellow 剩余不足办理时限的五分之一，red 已超时，none 已结束。")
    )

    class Meta:
        model = ServiceRequest
        fields = [
            "id", "enterprise", "enterprise_name", "category", "category_name", "title", "description", "details",
            "status", "status_display", "submitted_by", "submitted_at", "due_at", "time_left_seconds", "is_overdue",
            "colour", "paused_since", "assignee", "assignee_name", "resolved_at", "rejection_reason", "satisfaction",
            "satisfaction_comment", "created_at", "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(DetailsField)
    def get_details(self, obj):
        return details_for_display(service_request=obj, user=self.context["request"].user)

    def get_assignee_name(self, obj) -> str | None:
        return _user_name(obj.assignee)

    def _clock(self, obj) -> clock.Clock:
        # One moment for every row and field of a response, so its fields agree with each other.
        if not hasattr(self, "_now"):
            self._now = timezone.now()
        return clock.time_left(obj, now=self._now)

    def get_time_left_seconds(self, obj) -> int | None:
        return self._clock(obj).seconds

    def get_is_overdue(self, obj) -> bool:
        return self._clock(obj).is_overdue

    @extend_schema_field(serializers.ChoiceField(choices=[*clock.COLOURS, clock.NONE]))
    def get_colour(self, obj) -> str:
        return self._clock(obj).colour


class TransitionSerializer(serializers.ModelSerializer):
    """One row of a request's history: a status action, or a change that keeps the status (from == to), e.g. assign."""

    action_display = serializers.SerializerMethodField(help_text=_("操作名称，如“受理”“分派”。"))
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = ServiceRequestTransition
        fields = ["action", "action_display", "from_status", "to_status", "actor", "actor_name", "note", "created_at"]
        read_only_fields = fields

    def get_action_display(self, obj) -> str:
        return transition_label(obj.action)

    def get_actor_name(self, obj) -> str:
        return str(obj.actor)


class ApprovalStepSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApprovalStep
        fields = ["id", "sequence", "name", "authority", "department", "due_at", "completed_at"]
        read_only_fields = fields


class ApprovalStepPlanSerializer(serializers.Serializer):
    """安排审批环节: what a service officer gives for a new step; the service numbers it and checks the rest."""

    name = serializers.CharField(max_length=100, validators=LINE_VALIDATORS, help_text=_("环节名称，如“外专局审批”。"))
    authority = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", validators=LINE_VALIDATORS,
        help_text=_("审批部门，如“省外国专家局”。"),
    )
    due_at = serializers.DateTimeField(
        validators=[validate_plausible_date], help_text=_("应完成时间（带时区，如 2026-11-06T17:00:00+08:00）。")
    )
    sequence = serializers.IntegerField(
        min_value=1, max_value=32767, required=False, allow_null=True, default=None,
        help_text=_("顺序；省略则排在最后一步之后。"),
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True, default=None,
        help_text=_("由该承办单位办理的环节（可选）：其联络员可见并可完成。"),
        error_messages={"does_not_exist": _("没有 id 为 {pk_value} 的承办单位。"), "incorrect_type": _("承办单位 id 应为整数。")},
    )


class ServiceRequestDetailSerializer(ServiceRequestSerializer):
    """One request with what its page shows: the actions the user may take now, history, steps, attachments."""

    allowed_actions = serializers.SerializerMethodField(help_text=_("当前用户现在可执行的操作。"))
    transitions = TransitionSerializer(many=True, read_only=True)
    approval_steps = ApprovalStepSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta(ServiceRequestSerializer.Meta):
        fields = [*ServiceRequestSerializer.Meta.fields, "allowed_actions", "transitions", "approval_steps",
                  "attachments"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=list(ACTIONS))))
    def get_allowed_actions(self, obj):
        return allowed_actions(service_request=obj, user=self.context["request"].user)


class CodeRelatedField(serializers.SlugRelatedField):
    """A row named by its code; a NUL byte is refused here, as PostgreSQL would raise on it in the lookup."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class ServiceRequestCreateSerializer(serializers.Serializer):
    enterprise = serializers.PrimaryKeyRelatedField(
        queryset=Enterprise.objects.all(),
        required=False,
        help_text=_("提交诉求的企业；只属于一家企业的用户可省略。"),
    )
    category = CodeRelatedField(
        slug_field="code",
        queryset=ServiceCategory.objects.filter(is_active=True),
        help_text=_("服务类别代码，如 work_permit。"),
        error_messages={"does_not_exist": _("没有代码为“{value}”的服务类别。"), "invalid": _("服务类别代码无效。")},
    )
    title = serializers.CharField(max_length=200, validators=LINE_VALIDATORS)
    description = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default="", validators=[validate_long_text]
    )
    details = DetailsField(child=DetailValueField(), required=False, default=dict)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and not user.is_staff:
            # An enterprise user may name only its own enterprises; any other id is "does not exist".
            fields["enterprise"].queryset = user.enterprises.all() if user.is_authenticated else Enterprise.objects.none()
        return fields

    def validate(self, attrs):
        if attrs.get("enterprise") is None:
            user = self.context["request"].user
            own = [] if user.is_staff else list(user.enterprises.all()[:2])
            if len(own) != 1:
                raise serializers.ValidationError({"enterprise": [_("请指定提交诉求的企业。")]})
            attrs["enterprise"] = own[0]
        return attrs


class TransitionRequestSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=[(name, spec.label) for name, spec in ACTIONS.items()])
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="", validators=[validate_long_text]
    )


class AssignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True, is_staff=True))


class MessageSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = ServiceRequestMessage
        fields = ["id", "author", "author_name", "body", "is_internal", "shared_with_departments", "department",
                  "created_at"]
        read_only_fields = ["id", "author", "author_name", "department", "created_at"]
        extra_kwargs = {
            "body": {"max_length": MAX_MESSAGE_LENGTH}, "is_internal": {"default": False},
            "shared_with_departments": {
                "default": False, "help_text": _("发给分办到的承办单位（驿站填写；企业不可见，按内部留言保存）。"),
            },
        }

    def get_author_name(self, obj) -> str:
        return str(obj.author)


class CallBackSerializer(serializers.ModelSerializer):
    """回访: what the enterprise said when the desk called back; 不满意 reopens the request."""

    recorded_by_name = serializers.SerializerMethodField()
    result_label = serializers.CharField(source="get_result_display", read_only=True)

    class Meta:
        model = RequestCallBack
        fields = ["id", "result", "result_label", "comment", "recorded_by", "recorded_by_name", "recorded_at"]
        read_only_fields = ["id", "result_label", "recorded_by", "recorded_by_name", "recorded_at"]
        extra_kwargs = {
            "comment": {"max_length": CALLBACK_COMMENT_LENGTH, "default": "", "help_text": _("不满意时必填：企业不满意的原因。")},
            "result": {"help_text": _("satisfied 满意 / basic 基本满意 / unsatisfied 不满意（重新办理该诉求）。")},
        }

    def get_recorded_by_name(self, obj) -> str:
        return str(obj.recorded_by)


# ---------------------------------------------------------------------------------------------
# Notifications (提醒)


class NotificationSerializer(serializers.ModelSerializer):
    target_type = serializers.SerializerMethodField(help_text=_("相关对象的类型，如 crm.servicerequest。"))
    target_id = serializers.IntegerField(source="object_id", read_only=True, allow_null=True)
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "rule", "subject", "body", "channel", "status", "target_type", "target_id", "created_at",
                  "sent_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_target_type(self, obj) -> str | None:
        ct = obj.content_type
        return f"{ct.app_label}.{ct.model}" if ct is not None else None

    def get_is_read(self, obj) -> bool:
        return obj.read_at is not None


# ---------------------------------------------------------------------------------------------
# Enterprises (企业) and projects (招商项目), for staff


class EnterpriseSerializer(ListCodeFieldsMixin, serializers.ModelSerializer):
    # As pasted (spaces, dashes, lower case): ``enterprise_create`` compacts and checks it, as for the admin and the import.
    credit_code = serializers.CharField(
        required=False, allow_blank=True, max_length=40, validators=LINE_VALIDATORS,
        help_text=_("统一社会信用代码（18 位，含校验位）；可含空格、连字符或小写字母。")
    )

    class Meta:
        model = Enterprise
        fields = ["id", "name", "short_name", "credit_code", "status", "industry_chain", "chain_segment",
                  "registered_capital",
                  "jurisdiction", "park", "headcount", "rd_headcount", "founded_on", "address", "description",
                  "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"registered_capital": {"min_value": 0}}


class ProjectSerializer(ListCodeFieldsMixin, serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    park_name = serializers.SerializerMethodField()
    owner_name = serializers.SerializerMethodField()
    stage_display = serializers.CharField(source="get_stage_display", read_only=True)
    priority = serializers.SerializerMethodField(help_text=_("major 重大项目（≥10亿）、key 重点项目（≥1亿）或 normal。"))

    class Meta:
        model = Project
        fields = [
            "id", "name", "enterprise", "enterprise_name", "industry_chain", "chain_segment", "segment", "source_channel",
            "source_event", "park", "park_name", "total_investment", "fixed_asset_investment",
            "expected_annual_output", "expected_annual_tax", "land_need_m2", "land_use_need", "space_need_m2",
            "headcount_planned", "owner", "owner_name", "co_officers", "stage", "stage_display", "stage_changed_at",
            "lost_reason", "expected_signing_on", "next_step", "next_follow_up_on", "priority", "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_park_name(self, obj) -> str | None:
        return str(obj.park) if obj.park_id else None

    def get_owner_name(self, obj) -> str:
        return str(obj.owner)

    def get_priority(self, obj) -> str:
        return "major" if obj.is_major else "key" if obj.is_key else "normal"


class StageChangeSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = ProjectStageChange
        fields = ["from_stage", "to_stage", "actor", "actor_name", "note", "changed_at"]
        read_only_fields = fields

    def get_actor_name(self, obj) -> str:
        return str(obj.actor)


class ProjectDetailSerializer(ProjectSerializer):
    allowed_stages = serializers.SerializerMethodField(help_text=_("现在可以转到的阶段。"))
    stage_changes = StageChangeSerializer(many=True, read_only=True)

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "allowed_stages", "stage_changes"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Stage.choices)))
    def get_allowed_stages(self, obj):
        return [str(stage) for stage in allowed_stages(obj)]


class CollisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    stage = serializers.CharField()
    owner_name = serializers.CharField()


class CollisionQuerySerializer(serializers.Serializer):
    """撞单 check's question: a company by name, credit code or enterprise id — at least one of them."""

    name = serializers.CharField(
        required=False, allow_blank=True, max_length=200, validators=LINE_VALIDATORS,
        help_text=_("企业名称，地区、组织形式、分公司和标点不计。"),
    )
    credit_code = serializers.CharField(
        required=False, allow_blank=True, max_length=40, validators=LINE_VALIDATORS,
        help_text=_("统一社会信用代码，空格、横线和大小写不计。"),
    )
    enterprise = serializers.IntegerField(
        required=False, min_value=1, max_value=2**63 - 1, help_text=_("已登记企业的 ID：按其名称和信用代码比对。")
    )

    def validate_enterprise(self, value):
        enterprise = Enterprise.objects.filter(pk=value).first()
        if enterprise is None:
            raise serializers.ValidationError(_("企业不存在。"))
        return enterprise

    def validate(self, attrs):
        if not (attrs.get("name", "").strip() or attrs.get("credit_code", "").strip() or attrs.get("enterprise")):
            raise serializers.ValidationError(_("请提供企业名称（name）、统一社会信用代码（credit_code）或企业 ID（enterprise）之一。"))
        return attrs


class ProjectCollisionSerializer(serializers.Serializer):
    """One active project of another officer on the same company, and why it matched (an answer only)."""

    project = serializers.IntegerField(source="pk", read_only=True)
    project_name = serializers.CharField(source="name", read_only=True)
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    owner_name = serializers.CharField(source="owner", read_only=True)
    stage = serializers.ChoiceField(choices=Stage.choices, read_only=True)
    reason = serializers.CharField(
        source="collision_reason", read_only=True, help_text=_("为何判为同一企业，如“统一社会信用代码相同”。")
    )


class ProjectCreatedSerializer(ProjectDetailSerializer):
    collisions = serializers.SerializerMethodField(help_text=_("撞单提醒：其他专员跟进中的同一企业的项目。"))

    class Meta(ProjectDetailSerializer.Meta):
        fields = [*ProjectDetailSerializer.Meta.fields, "collisions"]
        read_only_fields = fields

    @extend_schema_field(CollisionSerializer(many=True))
    def get_collisions(self, obj):
        hits = self.context.get("collisions", [])
        return [{"id": p.pk, "name": p.name, "stage": p.stage, "owner_name": str(p.owner)} for p in hits]


def _investment_officers():
    return User.objects.filter(Q(is_superuser=True) | Q(groups__name=Role.INVESTMENT_OFFICER), is_active=True).distinct()


class ProjectCreateSerializer(ListCodeFieldsMixin, serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=_investment_officers(), required=False, help_text=_("负责人（招商专员），默认为当前用户。")
    )
    co_officers = serializers.PrimaryKeyRelatedField(queryset=_investment_officers(), many=True, required=False)
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    park = serializers.PrimaryKeyRelatedField(queryset=Park.objects.all(), required=False, allow_null=True)
    source_event = serializers.PrimaryKeyRelatedField(queryset=Event.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Project
        fields = [
            "name", "enterprise", "industry_chain", "chain_segment", "segment", "source_channel", "source_event", "park",
            "total_investment", "fixed_asset_investment", "expected_annual_output", "expected_annual_tax",
            "land_need_m2", "land_use_need", "space_need_m2", "headcount_planned", "owner", "co_officers",
            "expected_signing_on", "next_step", "next_follow_up_on",
        ]
        extra_kwargs = {
            "total_investment": {"min_value": 0},
            "fixed_asset_investment": {"min_value": 0},
            "expected_annual_output": {"min_value": 0},
            "expected_annual_tax": {"min_value": 0},
            "land_need_m2": {"min_value": 0},
            "space_need_m2": {"min_value": 0},
        }


class StageRequestSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="", validators=[validate_long_text]
    )


class FollowUpSerializer(serializers.ModelSerializer):
    officer_name = serializers.SerializerMethodField()
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    event = serializers.PrimaryKeyRelatedField(queryset=Event.objects.all(), required=False, allow_null=True)

    class Meta:
        model = FollowUp
        fields = ["id", "project", "kind", "kind_display", "occurred_on", "officer", "officer_name", "event", "note",
                  "next_step", "next_follow_up_on", "created_at"]
        read_only_fields = ["id", "project", "officer", "officer_name", "kind_display", "created_at"]
        extra_kwargs = {"note": {"max_length": 5000}}

    def get_officer_name(self, obj) -> str:
        return str(obj.officer)
