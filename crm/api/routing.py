"""承办单位与分办 over the API: departments, a request's routings, and the steps on a routing — thin views over
``crm.service_requests.routing`` (the services) and ``crm.service_requests.selectors`` (the scopes).

Who may call what is the role table (``crm.roles``): reads by area, writes by kind of work (``WorksRouting`` for the
desk, ``WorksForDepartment`` for a department's liaison, ``DecidesExtensions`` for the station head). A routing or an
extension outside what the user may see — another department's, for a liaison — is a 404 (``routings_of``,
``extensions_of``); a step the routing's status does not allow is a 409; bad input a 400 naming the field.
"""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from crm.models import (
    ApprovalStep,
    Department,
    Routing,
    RoutingEvent,
    RoutingExtension,
    ServiceRequest,
    ServiceRequestMessage,
)
from crm.roles import Area
from crm.service_requests import routing as services
from crm.service_requests.approval_steps import approval_step_complete
from crm.service_requests.details import details_for_display
from crm.service_requests.selectors import (
    department_list,
    extensions_of,
    routing_list,
    routings_of,
    service_request_list,
)
from crm.service_requests.thread import MAX_MESSAGE_LENGTH
from crm.validators import validate_long_text, validate_plausible_date

from .base import ApiViewMixin
from .permissions import DecidesExtensions, WorksForDepartment, WorksRouting
from .serializers import ApprovalStepSerializer

NOTE_MAX_LENGTH = 2000
ERRORS = {
    400: OpenApiResponse(description=_("输入有误：按字段给出错误。")),
    403: OpenApiResponse(description=_("当前角色无权执行此操作。")),
    404: OpenApiResponse(description=_("不存在，或不属于当前用户可见的范围。")),
    409: OpenApiResponse(description=_("当前状态不允许此操作（非法流转）。")),
}


def _name(user) -> str | None:
    return str(user) if user is not None else None


# -- serializers ---------------------------------------------------------------------------------------------------


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "short_name", "kind"]
        read_only_fields = fields


class RoutingEventSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = RoutingEvent
        fields = ["kind", "kind_display", "actor_name", "created_at", "note", "due_before", "due_after",
                  "visible_to_enterprise"]
        read_only_fields = fields

    def get_actor_name(self, obj) -> str:
        return str(obj.actor)


class RoutingExtensionSerializer(serializers.ModelSerializer):
    routing = serializers.PrimaryKeyRelatedField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    requested_by_name = serializers.SerializerMethodField()
    decided_by_name = serializers.SerializerMethodField()

    class Meta:
        model = RoutingExtension
        fields = ["id", "routing", "requested_due_at", "reason", "requested_by_name", "requested_at", "status",
                  "status_display", "decided_by_name", "decided_at", "decision_note"]
        read_only_fields = fields

    def get_requested_by_name(self, obj) -> str:
        return str(obj.requested_by)

    def get_decided_by_name(self, obj) -> str | None:
        return _name(obj.decided_by)


class RoutingSerializer(serializers.ModelSerializer):
    """A routing with its record. For an enterprise user only what its timeline shows: no desk note, only the steps
    visible to it (routed, transferred, extension approved, completed) without their notes, no extension requests."""

    department_name = serializers.CharField(source="department.name", read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    routed_by_name = serializers.SerializerMethodField()
    events = RoutingEventSerializer(many=True, read_only=True)
    extensions = RoutingExtensionSerializer(many=True, read_only=True)

    class Meta:
        model = Routing
        fields = ["id", "service_request", "department", "department_name", "role", "role_display", "status",
                  "status_display", "due_at", "note", "routed_by_name", "routed_at", "completed_at", "transferred_to",
                  "events", "extensions"]
        read_only_fields = fields

    def get_routed_by_name(self, obj) -> str:
        return str(obj.routed_by)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and request.user.is_enterprise_user:
            data["note"] = ""
            data["extensions"] = []
            data["events"] = [{**event, "note": ""} for event in data["events"] if event["visible_to_enterprise"]]
        return data


class RoutingCreateSerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), help_text=_("承办单位 id（GET /api/v1/departments/）。"),
        error_messages={"does_not_exist": _("没有 id 为 {pk_value} 的承办单位。"), "incorrect_type": _("承办单位 id 应为整数。")},
    )
    role = serializers.ChoiceField(choices=Routing.Role.choices, help_text=_("lead 主办，assist 协办。"))
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="", validators=[validate_long_text],
        help_text=_("给承办单位的交办说明（企业不可见）。"),
    )


class RoutingTransferSerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), help_text=_("转办至的承办单位 id。"),
        error_messages={"does_not_exist": _("没有 id 为 {pk_value} 的承办单位。"), "incorrect_type": _("承办单位 id 应为整数。")},
    )
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="", validators=[validate_long_text]
    )


class RoutingReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="", validators=[validate_long_text],
        help_text=_("退回理由（必填，企业不可见）。"),
    )


class RoutingNoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="", validators=[validate_long_text]
    )


class RoutingExtensionRequestSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField(
        validators=[validate_plausible_date], help_text=_("申请延至（带时区，如 2026-12-10T17:00:00+08:00），须晚于当前办理时限。")
    )
    reason = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="", validators=[validate_long_text],
        help_text=_("延期理由（必填）。"),
    )


class RoutingExtensionDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text=_("true 批准，false 不批准。"))
    note = serializers.CharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="", validators=[validate_long_text]
    )


class DepartmentMessageSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = ServiceRequestMessage
        fields = ["id", "author_name", "department", "department_name", "body", "created_at"]
        read_only_fields = ["id", "author_name", "department", "department_name", "created_at"]
        extra_kwargs = {"body": {"max_length": MAX_MESSAGE_LENGTH}}

    def get_author_name(self, obj) -> str:
        return str(obj.author)


class OwnRoutingSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = Routing
        fields = ["id", "department", "department_name", "role", "status", "due_at", "note", "routed_at"]
        read_only_fields = fields


class OwnStepSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    sequence = serializers.IntegerField()
    name = serializers.CharField()
    due_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)


class DepartmentServiceRequestSerializer(serializers.ModelSerializer):
    """A request as a department liaison sees it (docs/departments.md): what it is and whose, its status, and the
    liaison's own departments' routings and approval steps — never the history, attachments, internal notes or
    sensitive details in clear (a passport number is masked). The rows come from ``department_request_list``."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    details = serializers.SerializerMethodField()
    assignee_name = serializers.SerializerMethodField(help_text=_("驿站经办人。"))
    routings = OwnRoutingSerializer(source="own_routings", many=True, read_only=True)
    approval_steps = OwnStepSerializer(source="own_steps", many=True, read_only=True)

    class Meta:
        model = ServiceRequest
        fields = ["id", "enterprise", "enterprise_name", "category", "category_name", "title", "description",
                  "details", "status", "status_display", "submitted_at", "assignee_name", "routings", "approval_steps"]
        read_only_fields = fields

    def get_details(self, obj) -> dict:
        return details_for_display(service_request=obj, user=self.context["request"].user)

    def get_assignee_name(self, obj) -> str | None:
        return _name(obj.assignee)


# -- views ---------------------------------------------------------------------------------------------------------


@extend_schema(tags=["departments"])
class DepartmentListView(ApiViewMixin, generics.ListAPIView):
    """承办单位: the active departments a request may be routed to (a liaison: its own)."""

    work_area = Area.DEPARTMENTS
    model = Department
    serializer_class = DepartmentSerializer

    def scoped_queryset(self):
        return department_list(user=self.request.user)


def _visible_request(view, pk):
    return get_object_or_404(service_request_list(user=view.request.user), pk=pk)


@extend_schema(tags=["departments"])
class RoutingListCreateView(ApiViewMixin, generics.ListCreateAPIView):
    """分办: the routings of one request, each with its status, due time and record (a liaison: its own
    departments'), or route it (the desk) to a department as lead (主办) or assisting (协办)."""

    work_area = Area.REQUESTS
    model = Routing
    permission_classes = [IsAuthenticated, WorksRouting]
    pagination_class = None

    def get_serializer_class(self):
        return RoutingCreateSerializer if self.request.method == "POST" else RoutingSerializer

    def scoped_queryset(self):
        routings = routing_list(service_request=_visible_request(self, self.kwargs["pk"]), user=self.request.user)
        if self.request.user.is_enterprise_user:
            routings = routings.exclude(status=Routing.Status.HANDED_BACK)
        return routings

    @extend_schema(responses={201: RoutingSerializer, **ERRORS})
    def post(self, request, pk):
        target = _visible_request(self, pk)
        v = self.validated()
        routing = services.routing_create(
            service_request=target, department=v["department"], role=v["role"], note=v["note"], actor=request.user
        )
        return _routing_response(self, routing, status.HTTP_201_CREATED)


def _routing_response(view, routing, code=status.HTTP_200_OK):
    instance = routing_list(service_request=routing.service_request, user=view.request.user).get(pk=routing.pk)
    return Response(RoutingSerializer(instance, context=view.get_serializer_context()).data, status=code)


class _RoutingActionView(ApiViewMixin, generics.GenericAPIView):
    """POST on one routing the user may see (``routings_of``: a liaison its own departments'), else 404."""

    work_area = Area.REQUESTS
    model = Routing

    def scoped_queryset(self):
        return routings_of(user=self.request.user)


@extend_schema(tags=["departments"], responses={200: RoutingSerializer, **ERRORS})
class RoutingHandBackView(_RoutingActionView):
    """退回: the department gives the request back to the desk, with a reason (required; not the enterprise's)."""

    serializer_class = RoutingReasonSerializer
    permission_classes = [IsAuthenticated, WorksForDepartment]

    def post(self, request, pk):
        routing = self.get_object()
        v = self.validated()
        return _routing_response(self, services.routing_hand_back(routing=routing, reason=v["reason"], actor=request.user))


@extend_schema(tags=["departments"], responses={201: RoutingSerializer, **ERRORS})
class RoutingTransferView(_RoutingActionView):
    """转办: the desk gives the routing (being worked on, or handed back) to another active department; answered
    with the new routing, due its full limit from now."""

    serializer_class = RoutingTransferSerializer
    permission_classes = [IsAuthenticated, WorksRouting]

    def post(self, request, pk):
        routing = self.get_object()
        v = self.validated()
        new = services.routing_transfer(routing=routing, to_department=v["department"], note=v["note"], actor=request.user)
        return _routing_response(self, new, status.HTTP_201_CREATED)


@extend_schema(tags=["departments"], responses={200: RoutingSerializer, **ERRORS})
class RoutingCompleteView(_RoutingActionView):
    """办结: the department has done its part (the enterprise sees it on its timeline)."""

    serializer_class = RoutingNoteSerializer
    permission_classes = [IsAuthenticated, WorksForDepartment]

    def post(self, request, pk):
        routing = self.get_object()
        v = self.validated()
        return _routing_response(self, services.routing_complete(routing=routing, note=v["note"], actor=request.user))


@extend_schema(tags=["departments"], responses={201: RoutingExtensionSerializer, **ERRORS})
class RoutingExtensionRequestView(_RoutingActionView):
    """延期申请: the department asks the station head for a later due time, with a reason; one pending at a time."""

    serializer_class = RoutingExtensionRequestSerializer
    permission_classes = [IsAuthenticated, WorksForDepartment]

    def post(self, request, pk):
        routing = self.get_object()
        v = self.validated()
        extension = services.routing_request_extension(
            routing=routing, due_at=v["due_at"], reason=v["reason"], actor=request.user
        )
        return Response(RoutingExtensionSerializer(extension).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["departments"], responses={201: DepartmentMessageSerializer, **ERRORS})
class RoutingMessageView(_RoutingActionView):
    """承办单位留言: the department writes to the desk on the request's thread (its own department and the desk read
    it; never the enterprise or another department)."""

    serializer_class = DepartmentMessageSerializer
    permission_classes = [IsAuthenticated, WorksForDepartment]

    def post(self, request, pk):
        routing = self.get_object()
        v = self.validated()
        message = services.routing_message_post(routing=routing, body=v["body"], actor=request.user)
        return Response(DepartmentMessageSerializer(message).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["departments"], responses={200: RoutingExtensionSerializer, **ERRORS})
class RoutingExtensionDecisionView(ApiViewMixin, generics.GenericAPIView):
    """延期审批: the station head approves (the routing's due time moves, and the request's when it is the lead) or
    refuses a pending extension request; a decided one is a 409."""

    work_area = Area.REQUESTS
    model = RoutingExtension
    serializer_class = RoutingExtensionDecisionSerializer
    permission_classes = [IsAuthenticated, DecidesExtensions]

    def scoped_queryset(self):
        return extensions_of(user=self.request.user)

    def post(self, request, pk):
        extension = self.get_object()
        v = self.validated()
        decided = services.routing_decide_extension(
            extension=extension, approve=v["approve"], note=v["note"], actor=request.user
        )
        return Response(RoutingExtensionSerializer(decided).data)


@extend_schema(
    tags=["departments"], request=None,
    parameters=[OpenApiParameter("step_id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("审批环节 id。"))],
    responses={200: ApprovalStepSerializer, **ERRORS},
)
class RoutingStepCompleteView(_RoutingActionView):
    """完成本单位的审批环节: a step of the routing's request that the routing's department handles (another step is a
    404); recorded in the request's history like the desk's. A completed step is a 409."""

    serializer_class = ApprovalStepSerializer
    permission_classes = [IsAuthenticated, WorksForDepartment]

    def post(self, request, pk, step_id):
        routing = self.get_object()
        steps = ApprovalStep.objects.filter(request_id=routing.service_request_id, department_id=routing.department_id)
        step = get_object_or_404(steps, pk=step_id)
        return Response(ApprovalStepSerializer(approval_step_complete(step=step, actor=request.user)).data)
