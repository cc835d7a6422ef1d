"""走访 over the API: ``GET /api/v1/visits/`` (staff; ``?enterprise=`` to narrow) and ``POST`` to record one with its
problems (``crm.visits.services.visit_record``). Who was met is masked in the list, as in the admin's list.
Enterprises never reach it (``Area.VISITS`` is staff only)."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from crm.models import Enterprise, Project, User, Visit, VisitProblem
from crm.roles import Area
from crm.validators import LINE_VALIDATORS
from crm.visits.selectors import masked_met_with
from crm.visits.services import visit_record

from .base import ApiViewMixin
from .permissions import IsStaff, WorksVisits


class VisitProblemSerializer(serializers.ModelSerializer):
    state = serializers.CharField(read_only=True, help_text=_("new 待转诉求、open 办理中、solved 已解决、dropped 未解决。"))

    class Meta:
        model = VisitProblem
        fields = ["id", "description", "state", "service_request"]


class VisitSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    visitor_names = serializers.SerializerMethodField()
    met_with = serializers.SerializerMethodField(help_text=_("接待人员（姓名已遮盖）。"))
    problems = VisitProblemSerializer(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = ["id", "enterprise", "enterprise_name", "project", "visited_on", "visitors", "visitor_names",
                  "met_with", "topics", "recorded_by", "problems", "created_at"]
        read_only_fields = fields

    def get_visitor_names(self, obj) -> list[str]:
        return [str(user) for user in obj.visitors.all()]

    def get_met_with(self, obj) -> str:
        return masked_met_with(obj.met_with)


class VisitCreateSerializer(serializers.Serializer):
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), required=False, allow_null=True)
    visited_on = serializers.DateField()
    visitors = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_staff=True, is_active=True), many=True, required=False,
        help_text=_("参加走访的园区工作人员；不填时为记录人。"),
    )
    met_with = serializers.CharField(max_length=200, required=False, allow_blank=True, validators=LINE_VALIDATORS)
    topics = serializers.CharField(max_length=5000)
    problems = serializers.ListField(
        child=serializers.CharField(max_length=5000), required=False, max_length=50,
        help_text=_("企业反映的问题，每条一段描述。"),
    )


@extend_schema(tags=["visits"])
class VisitListCreateView(ApiViewMixin, generics.ListCreateAPIView):
    """走访记录, newest first; officers record new ones with the problems raised."""

    work_area = Area.VISITS
    model = Visit
    permission_classes = [IsAuthenticated, IsStaff, WorksVisits]

    def get_serializer_class(self):
        return VisitCreateSerializer if self.request.method == "POST" else VisitSerializer

    def scoped_queryset(self):
        visits = (
            Visit.objects.select_related("enterprise")
            .prefetch_related("visitors", Prefetch("problems", VisitProblem.objects.select_related("service_request")))
            .order_by("-visited_on", "-id")
        )
        enterprise = self.request.query_params.get("enterprise", "")
        if enterprise.isdigit() and len(enterprise) <= 18:
            visits = visits.filter(enterprise_id=int(enterprise))
        return visits

    @extend_schema(parameters=[OpenApiParameter("enterprise", int, description=str(_("只看这家企业的走访。")))])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=VisitCreateSerializer, responses={201: VisitSerializer})
    def post(self, request, *args, **kwargs):
        data = dict(self.validated())
        visit = visit_record(recorded_by=request.user, **data)
        instance = self.scoped_queryset().get(pk=visit.pk)
        return Response(VisitSerializer(instance, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)
