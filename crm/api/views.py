"""REST API v1 views: thin — check the shape, call a service or a selector, serialize the answer.

Scoping: every request-related read goes through ``service_request_list(user=...)`` (or a selector
built on it), so another enterprise's request, message, attachment or notification is a 404.
Writes are decided by the role permissions in ``crm.api.permissions`` and by the services.
"""

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import filters, generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from crm import enterprises
from crm.enterprises import enterprise_create
from crm.models import (
    ApprovalStep,
    CategoryFormVersion,
    Enterprise,
    FollowUp,
    Notification,
    Project,
    RequestCallBack,
    ServiceCategory,
    ServiceRequest,
    ServiceRequestAttachment,
    ServiceRequestMessage,
    list_entries,
)
from crm.notifications import inbox
from crm.notifications.inbox import notifications_mark_read
from crm.pipeline import selectors as pipeline_selectors
from crm.pipeline.collisions import project_collisions
from crm.pipeline.services import follow_up_create, project_change_stage, project_create
from crm.roles import Area
from crm.service_requests import selectors as request_selectors
from crm.service_requests.approval_steps import approval_step_complete, approval_step_plan, approval_step_reopen
from crm.service_requests.attachments import attachment_add
from crm.service_requests.callbacks import callback_list, request_record_callback
from crm.service_requests.selectors import message_list, service_request_detail_queryset, service_request_list
from crm.service_requests.services import service_request_assign, service_request_submit, service_request_transition
from crm.service_requests.thread import message_post

from . import serializers as s
from .base import ApiViewMixin
from .fields import API_LISTS, ListsSerializer
from .filters import EnterpriseFilter, NotificationFilter, ProjectFilter, ServiceRequestFilter
from .permissions import IsStaff, WorksApprovalSteps, WorksEnterprises, WorksProjects, WorksRequests, WorksServiceDesk
from .routing import DepartmentServiceRequestSerializer

ERRORS = {
    400: OpenApiResponse(description=_("输入有误：按字段给出错误。")),
    403: OpenApiResponse(description=_("当前角色无权执行此操作。")),
    404: OpenApiResponse(description=_("不存在，或不属于当前用户可见的范围。")),
}
ERRORS_NO_404 = {code: ERRORS[code] for code in (400, 403)}
CONFLICT = {409: OpenApiResponse(description=_("当前状态不允许此操作（非法流转）。"))}


def _reads_as_department(view) -> bool:
    """A department liaison (承办单位联络员) gets the reduced shape of a request; the schema shows the desk's."""
    user = getattr(view.request, "user", None)
    return bool(user is not None and getattr(user, "reads_routed_requests_only", False))


def _visible_request(view, pk):
    """The service request ``pk`` if the user may see it, else 404 (never a 403 that confirms it exists)."""
    return get_object_or_404(service_request_list(user=view.request.user), pk=pk)


# ---------------------------------------------------------------------------------------------
# Service categories and requests


@extend_schema(tags=["lists"], responses=ListsSerializer)
class ListsView(ApiViewMixin, generics.GenericAPIView):
    """可配置清单: the park's lists (产业链、环节、属地镇街、资质类别、来源渠道、支持方式) with their codes and names.

    Fields such as ``industry_chain`` take these codes; a retired entry (``is_active`` false) is refused on a new
    record and kept on old ones.
    """

    work_area = Area.LISTS
    serializer_class = ListsSerializer

    def get(self, request):
        lists = {key: [vars(entry) for entry in list_entries(label)] for key, label in API_LISTS.items()}
        return Response(ListsSerializer(lists).data)


@extend_schema(tags=["service-requests"])
class ServiceCategoryListView(ApiViewMixin, generics.ListAPIView):
    """服务类别: the kinds of request an enterprise can submit, with their SLA and their own fields."""

    work_area = Area.REQUESTS
    serializer_class = s.ServiceCategorySerializer
    queryset = (
        ServiceCategory.objects.filter(is_active=True)
        .prefetch_related(Prefetch("form_versions", queryset=CategoryFormVersion.objects.order_by("-number")))
        .order_by("sort_order", "code")
    )


@extend_schema(tags=["service-requests"])
class ServiceRequestListCreateView(ApiViewMixin, generics.ListCreateAPIView):
    """企业诉求: list what the user may see (open ones by time left), or submit a new request."""

    work_area = Area.REQUESTS
    model = ServiceRequest
    permission_classes = [IsAuthenticated, WorksRequests]
    filter_backends = [*generics.ListCreateAPIView.filter_backends, filters.SearchFilter]
    filterset_class = ServiceRequestFilter
    search_fields = ["title", "enterprise__name"]

    def scoped_queryset(self):
        if _reads_as_department(self):
            return request_selectors.department_request_list(user=self.request.user)
        return service_request_list(user=self.request.user)

    def get_serializer_class(self):
        if self.request.method == "POST":
            return s.ServiceRequestCreateSerializer
        if _reads_as_department(self):
            return DepartmentServiceRequestSerializer  # the reduced fields (docs/departments.md)
        return s.ServiceRequestSerializer

    @extend_schema(request=s.ServiceRequestCreateSerializer, responses={201: s.ServiceRequestDetailSerializer, **ERRORS})
    def post(self, request, *args, **kwargs):
        data = self.validated()
        created, warnings = service_request_submit(
            enterprise=data["enterprise"],
            category=data["category"],
            title=data["title"],
            description=data["description"],
            details=data["details"],
            submitted_by=request.user,
        )
        instance = service_request_detail_queryset(user=request.user).get(pk=created.pk)
        body = s.ServiceRequestDetailSerializer(instance, context=self.get_serializer_context()).data
        if warnings and request.user.is_staff:
            # Calendar warnings are for staff (a year whose holidays are not entered yet), never the enterprise.
            body["warnings"] = warnings
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(tags=["service-requests"])
class ServiceRequestDetailView(ApiViewMixin, generics.RetrieveAPIView):
    work_area = Area.REQUESTS
    model = ServiceRequest
    serializer_class = s.ServiceRequestDetailSerializer

    def scoped_queryset(self):
        if _reads_as_department(self):
            return request_selectors.department_request_list(user=self.request.user)
        return service_request_detail_queryset(user=self.request.user)

    def get_serializer_class(self):
        return DepartmentServiceRequestSerializer if _reads_as_department(self) else s.ServiceRequestDetailSerializer


class _RequestActionView(ApiViewMixin, generics.GenericAPIView):
    """POST on one visible request, answered with the request as it now is."""

    work_area = Area.REQUESTS
    def respond(self, request_obj):
        instance = service_request_detail_queryset(user=self.request.user).get(pk=request_obj.pk)
        return Response(s.ServiceRequestDetailSerializer(instance, context=self.get_serializer_context()).data)


@extend_schema(tags=["service-requests"])
class ServiceRequestTransitionView(_RequestActionView):
    """流转: accept, start, wait_external, resolve, close, reject, withdraw or reopen.

    An action the status does not allow is a 409 and changes nothing; one the user's role may not take is a 403.
    """

    serializer_class = s.TransitionRequestSerializer

    @extend_schema(responses={200: s.ServiceRequestDetailSerializer, **ERRORS, **CONFLICT})
    def post(self, request, pk):
        target = _visible_request(self, pk)
        v = self.validated()
        done = service_request_transition(
            service_request=target, action=v["action"], actor=request.user, note=v["note"]
        )
        return self.respond(done)


@extend_schema(tags=["service-requests"])
class ServiceRequestAssignView(_RequestActionView):
    """分派: give the request to a service officer (service officers only), recorded in its history as ``assign``.

    A finished request (closed, withdrawn, rejected) is not assigned any more: 409, nothing changes.
    """

    serializer_class = s.AssignSerializer

    @extend_schema(responses={200: s.ServiceRequestDetailSerializer, **ERRORS, **CONFLICT})
    def post(self, request, pk):
        target = _visible_request(self, pk)
        v = self.validated()
        done = service_request_assign(service_request=target, assignee=v["assignee"], actor=request.user)
        return self.respond(done)


@extend_schema(tags=["service-requests"])
class ApprovalStepPlanView(ApiViewMixin, generics.GenericAPIView):
    """安排审批环节: add an external step to a request (service officers only), recorded in its history.

    A finished request (closed, withdrawn, rejected) takes no step changes: 409, nothing changes.
    """

    work_area = Area.REQUESTS
    model = ApprovalStep
    serializer_class = s.ApprovalStepPlanSerializer
    permission_classes = [IsAuthenticated, WorksApprovalSteps]

    @extend_schema(responses={201: s.ApprovalStepSerializer, **ERRORS, **CONFLICT})
    def post(self, request, pk):
        target = _visible_request(self, pk)
        step = approval_step_plan(service_request=target, actor=request.user, **self.validated())
        return Response(s.ApprovalStepSerializer(step).data, status=status.HTTP_201_CREATED)


class _ApprovalStepActionView(ApiViewMixin, generics.GenericAPIView):
    """POST on one step of one visible request (service officers only), answered with the step as it now is."""

    work_area = Area.REQUESTS
    model = ApprovalStep
    serializer_class = s.ApprovalStepSerializer
    permission_classes = [IsAuthenticated, WorksApprovalSteps]
    service = None

    def post(self, request, pk, step_id):
        target = _visible_request(self, pk)
        step = get_object_or_404(target.approval_steps.all(), pk=step_id)
        done = self.service(step=step, actor=request.user)
        return Response(self.get_serializer(done).data)


STEP_ACTION_SCHEMA = extend_schema(
    tags=["service-requests"],
    request=None,
    parameters=[OpenApiParameter("step_id", OpenApiTypes.INT, OpenApiParameter.PATH, description=_("审批环节 id。"))],
    responses={200: s.ApprovalStepSerializer, **ERRORS, **CONFLICT},
)


@extend_schema_view(post=STEP_ACTION_SCHEMA)
class ApprovalStepCompleteView(_ApprovalStepActionView):
    """完成审批环节: an already completed step is a 409 and changes nothing."""

    service = staticmethod(approval_step_complete)


@extend_schema_view(post=STEP_ACTION_SCHEMA)
class ApprovalStepReopenView(_ApprovalStepActionView):
    """重新打开审批环节 (the authority sent it back): a step not completed is a 409 and changes nothing."""

    service = staticmethod(approval_step_reopen)


@extend_schema(tags=["service-requests"])
class MessageListCreateView(ApiViewMixin, generics.ListCreateAPIView):
    """留言: the thread of one request; internal notes (is_internal) only for staff. The desk's messages to the routed
    departments (``shared_with_departments``) are internal; a department liaison reads those and its own
    departments' messages only."""

    work_area = Area.REQUESTS
    model = ServiceRequestMessage
    serializer_class = s.MessageSerializer
    permission_classes = [IsAuthenticated, WorksRequests]

    def scoped_queryset(self):
        return message_list(service_request=_visible_request(self, self.kwargs["pk"]), user=self.request.user)

    @extend_schema(responses={201: s.MessageSerializer, **ERRORS})
    def post(self, request, pk):
        target = _visible_request(self, pk)
        v = self.validated()
        message = message_post(
            service_request=target, author=request.user, body=v["body"], is_internal=v["is_internal"],
            shared_with_departments=v["shared_with_departments"],
        )
        return Response(self.get_serializer(message).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["service-requests"])
class CallBackListCreateView(ApiViewMixin, generics.ListCreateAPIView):
    """回访: the call-backs of one request (staff who read call-backs: the service desk and managers), or record one
    (the service desk) on a resolved or closed request; ``unsatisfied`` (不满意) reopens the request.

    Another status is a 409 and stores nothing. Enterprise users never read call-backs (403); they see their request
    reopened in its status and history.
    """

    work_area = Area.CALLBACKS
    model = RequestCallBack
    serializer_class = s.CallBackSerializer
    permission_classes = [IsAuthenticated, WorksServiceDesk]

    def scoped_queryset(self):
        return callback_list(service_request=_visible_request(self, self.kwargs["pk"]))

    @extend_schema(responses={201: s.CallBackSerializer, **ERRORS, **CONFLICT})
    def post(self, request, pk):
        target = _visible_request(self, pk)
        v = self.validated()
        callback = request_record_callback(
            service_request=target, result=v["result"], comment=v["comment"], actor=request.user
        )
        return Response(self.get_serializer(callback).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["service-requests"])
class AttachmentListCreateView(ApiViewMixin, generics.ListCreateAPIView):
    """附件: list a request's files, or upload one (multipart, field ``file``)."""

    work_area = Area.REQUESTS
    model = ServiceRequestAttachment
    serializer_class = s.AttachmentSerializer
    permission_classes = [IsAuthenticated, WorksRequests]
    parser_classes = [MultiPartParser, FormParser]

    def scoped_queryset(self):
        return request_selectors.attachment_list(service_request=_visible_request(self, self.kwargs["pk"]))

    @extend_schema(request=s.AttachmentUploadSerializer, responses={201: s.AttachmentSerializer, **ERRORS})
    def post(self, request, pk):
        target = _visible_request(self, pk)
        upload = s.AttachmentUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        attachment = attachment_add(service_request=target, uploaded=upload.validated_data["file"], user=request.user)
        return Response(self.get_serializer(attachment).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["service-requests"])
class AttachmentDownloadView(ApiViewMixin, generics.GenericAPIView):
    """附件下载 over the API (token or session): the file as a download, for those who may see its request."""

    work_area = Area.REQUESTS
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: ERRORS[404]})
    def get(self, request, pk):
        attachment = request_selectors.attachment_get(user=request.user, pk=pk)
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


# ---------------------------------------------------------------------------------------------
# Notifications


@extend_schema(tags=["notifications"])
class NotificationListView(ApiViewMixin, generics.ListAPIView):
    """提醒: the user's own reminders and escalations, newest first."""

    work_area = Area.NOTIFICATIONS
    model = Notification
    serializer_class = s.NotificationSerializer
    filterset_class = NotificationFilter

    def scoped_queryset(self):
        return inbox.notification_list(user=self.request.user)


@extend_schema(tags=["notifications"])
class NotificationReadView(ApiViewMixin, generics.GenericAPIView):
    """Mark one of the user's own notifications read (a personal flag, so any role may)."""

    work_area = Area.NOTIFICATIONS
    model = Notification
    serializer_class = s.NotificationSerializer

    def scoped_queryset(self):
        return inbox.notification_list(user=self.request.user)

    @extend_schema(request=None, responses={200: s.NotificationSerializer, 404: ERRORS[404]})
    def post(self, request, pk):
        notification = self.get_object()
        notifications_mark_read(user=request.user, notification=notification)
        return Response(self.get_serializer(notification).data)


# ---------------------------------------------------------------------------------------------
# Enterprises and projects (staff)


@extend_schema(tags=["enterprises"])
class EnterpriseListCreateView(ApiViewMixin, generics.ListCreateAPIView):
    """企业: search by name or 统一社会信用代码; officers register new ones."""

    work_area = Area.ENTERPRISES
    model = Enterprise
    serializer_class = s.EnterpriseSerializer
    permission_classes = [IsAuthenticated, IsStaff, WorksEnterprises]
    filter_backends = [*generics.ListCreateAPIView.filter_backends, filters.SearchFilter]
    filterset_class = EnterpriseFilter
    search_fields = ["name", "short_name", "credit_code"]

    def scoped_queryset(self):
        return enterprises.enterprise_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = enterprise_create(actor=self.request.user, **serializer.validated_data)


@extend_schema(tags=["enterprises"])
class EnterpriseDetailView(ApiViewMixin, generics.RetrieveAPIView):
    work_area = Area.ENTERPRISES
    model = Enterprise
    serializer_class = s.EnterpriseSerializer
    permission_classes = [IsAuthenticated, IsStaff]

    def scoped_queryset(self):
        return enterprises.enterprise_list(user=self.request.user)


@extend_schema(tags=["projects"])
class ProjectListCreateView(ApiViewMixin, generics.ListCreateAPIView):
    """招商项目: the pipeline, filtered and searched; investment officers log new leads (stage 线索)."""

    work_area = Area.PIPELINE
    model = Project
    permission_classes = [IsAuthenticated, IsStaff, WorksProjects]
    filter_backends = [*generics.ListCreateAPIView.filter_backends, filters.SearchFilter, filters.OrderingFilter]
    filterset_class = ProjectFilter
    search_fields = ["name", "enterprise__name", "enterprise__short_name", "enterprise__credit_code"]
    ordering_fields = ["created_at", "total_investment", "expected_signing_on", "stage_changed_at", "name"]

    def scoped_queryset(self):
        return pipeline_selectors.project_list()

    def get_serializer_class(self):
        return s.ProjectCreateSerializer if self.request.method == "POST" else s.ProjectSerializer

    @extend_schema(request=s.ProjectCreateSerializer, responses={201: s.ProjectCreatedSerializer, **ERRORS})
    def post(self, request, *args, **kwargs):
        fields = dict(self.validated())
        owner = fields.pop("owner", None) or request.user
        project = project_create(actor=request.user, owner=owner, **fields)
        instance = pipeline_selectors.project_detail_queryset().get(pk=project.pk)
        context = {
            **self.get_serializer_context(),
            "collisions": project_collisions(enterprise=instance.enterprise, exclude_owner=owner, exclude_project=instance),
        }
        return Response(s.ProjectCreatedSerializer(instance, context=context).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["projects"])
class ProjectCollisionView(ApiViewMixin, generics.GenericAPIView):
    """撞单: the active projects of other officers on the same company as a name, a credit code or an enterprise.

    The rule is ``crm.pipeline.collisions`` (docs/collisions.md); the caller's own projects are not reported.
    """

    work_area = Area.PIPELINE
    model = Project
    serializer_class = s.ProjectCollisionSerializer
    permission_classes = [IsAuthenticated, IsStaff]
    pagination_class = None

    @extend_schema(parameters=[s.CollisionQuerySerializer], responses={200: s.ProjectCollisionSerializer(many=True), **ERRORS_NO_404})
    def get(self, request):
        query = s.CollisionQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        v = query.validated_data
        hits = project_collisions(
            enterprise=v.get("enterprise"), name=v.get("name", ""), credit_code=v.get("credit_code", ""),
            exclude_owner=request.user,
        )
        return Response(self.get_serializer(hits, many=True).data)


@extend_schema(tags=["projects"])
class ProjectDetailView(ApiViewMixin, generics.RetrieveAPIView):
    work_area = Area.PIPELINE
    model = Project
    serializer_class = s.ProjectDetailSerializer
    permission_classes = [IsAuthenticated, IsStaff]

    def scoped_queryset(self):
        return pipeline_selectors.project_detail_queryset()


@extend_schema(tags=["projects"])
class ProjectStageView(ApiViewMixin, generics.GenericAPIView):
    """阶段变更: move the project along the pipeline, or to 暂缓 / 终止 (with a reason)."""

    work_area = Area.PIPELINE
    model = Project
    serializer_class = s.StageRequestSerializer
    permission_classes = [IsAuthenticated, IsStaff, WorksProjects]

    def scoped_queryset(self):
        return pipeline_selectors.project_detail_queryset()

    @extend_schema(responses={200: s.ProjectDetailSerializer, **ERRORS, **CONFLICT})
    def post(self, request, pk):
        project = self.get_object()
        v = self.validated()
        project_change_stage(project=project, to=v["stage"], actor=request.user, note=v["note"])
        instance = self.scoped_queryset().get(pk=project.pk)
        return Response(s.ProjectDetailSerializer(instance, context=self.get_serializer_context()).data)


@extend_schema(tags=["projects"])
class FollowUpListCreateView(ApiViewMixin, generics.ListCreateAPIView):
    """跟进记录 of one project; logging one carries its next step and date onto the project."""

    work_area = Area.PIPELINE
    model = FollowUp
    serializer_class = s.FollowUpSerializer
    permission_classes = [IsAuthenticated, IsStaff, WorksProjects]

    def _project(self):
        return get_object_or_404(Project.objects.all(), pk=self.kwargs["pk"])

    def scoped_queryset(self):
        return pipeline_selectors.follow_up_list(project=self._project())

    @extend_schema(responses={201: s.FollowUpSerializer, **ERRORS})
    def post(self, request, pk):
        project = self._project()
        follow_up = follow_up_create(project=project, officer=request.user, **self.validated())
        return Response(self.get_serializer(follow_up).data, status=status.HTTP_201_CREATED)
