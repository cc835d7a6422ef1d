"""Parks API views: thin — check the shape, call a parks service or selector, serialize the answer.

Roles: enterprise users read published policies and clauses, and their own enterprises' policy matches
and grants (another enterprise's is a 404); staff read everything; investment officers move parcels and
record landing commitments; service officers record and decide grants; managers read only.
``DomainError`` becomes 400/403/409 in ``crm.api.exceptions``.
"""

import django_filters
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import filters, generics, status
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from crm.api.base import ApiViewMixin
from crm.api.filters import ListCodeFilter
from crm.api.permissions import WorksRequests
from crm.api.views import CONFLICT, ERRORS
from crm.models import AnnualCommitment, Enterprise, Project, ProjectMilestone
from crm.models.figures import FIGURE_FIELDS
from crm.pipeline import commitments as commitment_services
from crm.pipeline.lights import project_commitments
from crm.roles import Area

from ..matching import ELIGIBLE, NOT_ELIGIBLE, UNKNOWN
from ..models import (
    LandParcel,
    LandUse,
    ParcelStatus,
    Park,
    Policy,
    PolicyApplication,
    PolicyClause,
    PolicyGrant,
    Space,
    SuppliedFact,
)
from ..selectors.parcels import parcel_candidates, parcel_list
from ..selectors.policies import (
    clause_list,
    enterprise_policy_matches,
    policy_application_list,
    policy_grant_list,
    policy_list,
    project_policy_matches,
)
from ..selectors.spaces import space_list
from ..services.applications import FactInput, FiguresInput, policy_application_appeal, policy_application_submit
from ..services.grants import policy_grant_approve, policy_grant_disburse, policy_grant_record, policy_grant_reject
from ..services.parcels import parcel_change_status, parcel_reserve, parcel_transfer
from . import serializers as s
from .permissions import IsStaff, RecordsGrants, WorksLand

# ---------------------------------------------------------------------------------------------------
# Parcels and spaces (staff)


class ParcelFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=ParcelStatus.choices, label=_("状态"))
    land_use = django_filters.ChoiceFilter(choices=LandUse.choices, label=_("用地性质"))
    park = django_filters.ModelChoiceFilter(queryset=Park.objects.all(), label=_("园区"))

    class Meta:
        model = LandParcel
        fields = ["status", "land_use", "park"]


@extend_schema(tags=["parcels"])
class ParcelListView(ApiViewMixin, generics.ListAPIView):
    """地块: the land the park can offer, with its status, project and outline (GeoJSON)."""

    work_area = Area.PARCELS
    model = LandParcel
    serializer_class = s.ParcelSerializer
    permission_classes = [IsAuthenticated, IsStaff]
    filter_backends = [*generics.ListAPIView.filter_backends, filters.SearchFilter]
    filterset_class = ParcelFilter
    search_fields = ["code", "name", "address"]

    def scoped_queryset(self):
        return parcel_list()


@extend_schema(tags=["parcels"])
class ParcelDetailView(ApiViewMixin, generics.RetrieveAPIView):
    work_area = Area.PARCELS
    model = LandParcel
    serializer_class = s.ParcelSerializer
    permission_classes = [IsAuthenticated, IsStaff]

    def scoped_queryset(self):
        return parcel_list()


class _ParcelActionView(ApiViewMixin, generics.GenericAPIView):
    work_area = Area.PARCELS
    model = LandParcel
    permission_classes = [IsAuthenticated, IsStaff, WorksLand]

    def scoped_queryset(self):
        return parcel_list()

    def respond(self, parcel):
        return Response(s.ParcelSerializer(parcel_list().get(pk=parcel.pk), context=self.get_serializer_context()).data)


@extend_schema(tags=["parcels"])
class ParcelStatusView(_ParcelActionView):
    """变更状态: 规划中 → 可供地 → 挂牌中, release a reservation, 在建, 已交付 … (not 预留/出让: see reserve/transfer).

    A move the lifecycle does not allow is a 409 and changes nothing; a transferred parcel never becomes available.
    """

    serializer_class = s.ParcelStatusSerializer

    @extend_schema(responses={200: s.ParcelSerializer, **ERRORS, **CONFLICT})
    def post(self, request, pk):
        parcel = self.get_object()
        v = self.validated()
        moved = parcel_change_status(parcel=parcel, to=v["status"], actor=request.user, note=v["note"])
        return self.respond(moved)


@extend_schema(tags=["parcels"])
class ParcelReserveView(_ParcelActionView):
    """预留: hold an available parcel for one project; if another project holds it, 409 naming that project."""

    serializer_class = s.ParcelReserveSerializer

    @extend_schema(responses={200: s.ParcelSerializer, **ERRORS, **CONFLICT})
    def post(self, request, pk):
        parcel = self.get_object()
        v = self.validated()
        moved = parcel_reserve(parcel=parcel, project=v["project"], actor=request.user, note=v["note"])
        return self.respond(moved)


@extend_schema(tags=["parcels"])
class ParcelTransferView(_ParcelActionView):
    """出让: a listed parcel goes to its project at a price not below the reserve price."""

    serializer_class = s.ParcelTransferSerializer

    @extend_schema(responses={200: s.ParcelSerializer, **ERRORS, **CONFLICT})
    def post(self, request, pk):
        parcel = self.get_object()
        v = self.validated()
        moved = parcel_transfer(
            parcel=parcel, project=v["project"], on=v["transferred_on"], price=v["price"], actor=request.user,
            note=v["note"],
        )
        return self.respond(moved)


@extend_schema(tags=["parcels"])
class ParcelCandidatesView(ApiViewMixin, generics.GenericAPIView):
    """候选地块 for a project's land need: area within ±30 %, the land use asked for; ranked, with the reason."""

    work_area = Area.PARCELS
    model = Project
    serializer_class = s.CandidateSerializer
    permission_classes = [IsAuthenticated, IsStaff]
    pagination_class = None

    @extend_schema(responses={200: s.CandidateSerializer(many=True), 404: ERRORS[404]})
    def get(self, request, pk):
        project = get_object_or_404(Project.objects.all(), pk=pk)
        candidates = parcel_candidates(project=project)
        return Response(self.get_serializer(candidates, many=True).data)


class SpaceFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Space.Status.choices, label=_("状态"))
    park = django_filters.ModelChoiceFilter(queryset=Park.objects.all(), label=_("园区"))

    class Meta:
        model = Space
        fields = ["status", "park", "kind"]


@extend_schema(tags=["spaces"])
class SpaceListView(ApiViewMixin, generics.ListAPIView):
    """载体空间: units, rent, occupant, rent-free months and the day rent starts."""

    work_area = Area.SPACES
    model = Space
    serializer_class = s.SpaceSerializer
    permission_classes = [IsAuthenticated, IsStaff]
    filterset_class = SpaceFilter

    def scoped_queryset(self):
        return space_list()


@extend_schema(tags=["spaces"])
class SpaceDetailView(ApiViewMixin, generics.RetrieveAPIView):
    work_area = Area.SPACES
    model = Space
    serializer_class = s.SpaceSerializer
    permission_classes = [IsAuthenticated, IsStaff]

    def scoped_queryset(self):
        return space_list()


# ---------------------------------------------------------------------------------------------------
# Policies, clauses, matches


@extend_schema(tags=["policies"])
class PolicyListView(ApiViewMixin, generics.ListAPIView):
    """政策: published policies for everyone; staff also see drafts."""

    work_area = Area.POLICIES
    model = Policy
    serializer_class = s.PolicySerializer

    def scoped_queryset(self):
        return policy_list(user=self.request.user)


@extend_schema(tags=["policies"])
class PolicyDetailView(ApiViewMixin, generics.RetrieveAPIView):
    """A policy with its clauses and their eligibility criteria."""

    work_area = Area.POLICIES
    model = Policy
    serializer_class = s.PolicyDetailSerializer

    def scoped_queryset(self):
        return policy_list(user=self.request.user).prefetch_related(
            Prefetch("clauses", queryset=clause_list(user=self.request.user))
        )


class ClauseFilter(django_filters.FilterSet):
    policy = django_filters.NumberFilter(field_name="policy_id", label=_("政策"), min_value=0, max_value=10**18)
    benefit_kind = ListCodeFilter(list_model="parks.BenefitKind", label=_("支持方式"))

    class Meta:
        model = PolicyClause
        fields = ["policy", "benefit_kind"]


@extend_schema(tags=["policies"])
class ClauseListView(ApiViewMixin, generics.ListAPIView):
    """条款 with their machine-readable eligibility criteria."""

    work_area = Area.POLICIES
    model = PolicyClause
    serializer_class = s.ClauseSerializer
    filterset_class = ClauseFilter

    def scoped_queryset(self):
        return clause_list(user=self.request.user)


@extend_schema(tags=["policies"])
class ClauseDetailView(ApiViewMixin, generics.RetrieveAPIView):
    work_area = Area.POLICIES
    model = PolicyClause
    serializer_class = s.ClauseSerializer

    def scoped_queryset(self):
        return clause_list(user=self.request.user)


def _matches_body(*, matches, enterprise_id: int, project_id: int | None) -> dict:
    return {
        "project": project_id,
        "enterprise": enterprise_id,
        "as_of": timezone.localdate(),
        "eligible": sum(1 for m in matches if m.verdict == ELIGIBLE),
        "unknown": sum(1 for m in matches if m.verdict == UNKNOWN),
        "not_eligible": sum(1 for m in matches if m.verdict == NOT_ELIGIBLE),
        "clauses": matches,
    }


@extend_schema(tags=["policies"])
class ProjectPolicyMatchesView(ApiViewMixin, generics.GenericAPIView):
    """可申请的政策 for a project (staff): every clause in force with its verdict and each criterion's reason,
    computed from the project's current record."""

    work_area = Area.PIPELINE
    model = Project
    serializer_class = s.PolicyMatchesSerializer
    permission_classes = [IsAuthenticated, IsStaff]

    @extend_schema(responses={200: s.PolicyMatchesSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def get(self, request, pk):
        project = get_object_or_404(Project.objects.all(), pk=pk)
        matches = project_policy_matches(project=project)
        return Response(self.get_serializer(
            _matches_body(matches=matches, enterprise_id=project.enterprise_id, project_id=project.pk)
        ).data)


@extend_schema(tags=["policies"])
class EnterprisePolicyMatchesView(ApiViewMixin, generics.GenericAPIView):
    """可申请的政策 for an enterprise: staff for any, an enterprise user for its own (another's is a 404)."""

    work_area = Area.POLICIES
    model = Enterprise
    serializer_class = s.PolicyMatchesSerializer

    @extend_schema(responses={200: s.PolicyMatchesSerializer, 404: ERRORS[404]})
    def get(self, request, pk):
        enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
        matches = enterprise_policy_matches(enterprise=enterprise)
        return Response(self.get_serializer(
            _matches_body(matches=matches, enterprise_id=enterprise.pk, project_id=None)
        ).data)


# ---------------------------------------------------------------------------------------------------
# Grants


def _visible_enterprises(request):
    if request is None:
        return Enterprise.objects.none()
    return Enterprise.objects.visible_to(request.user)


class GrantFilter(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=PolicyGrant.Status.choices, label=_("状态"))
    enterprise = django_filters.ModelChoiceFilter(queryset=_visible_enterprises, label=_("企业"))
    policy = django_filters.NumberFilter(field_name="clause__policy_id", label=_("政策"), min_value=0, max_value=10**18)

    class Meta:
        model = PolicyGrant
        fields = ["status", "enterprise", "policy"]


@extend_schema(tags=["grants"])
class GrantListCreateView(ApiViewMixin, generics.ListCreateAPIView):
    """政策兑现: staff see all, an enterprise user its own enterprises' only; service officers record applications."""

    work_area = Area.GRANTS
    model = PolicyGrant
    permission_classes = [IsAuthenticated, RecordsGrants]
    filterset_class = GrantFilter

    def scoped_queryset(self):
        return policy_grant_list(user=self.request.user)

    def get_serializer_class(self):
        return s.GrantCreateSerializer if self.request.method == "POST" else s.GrantSerializer

    @extend_schema(request=s.GrantCreateSerializer, responses={201: s.GrantSerializer, **ERRORS})
    def post(self, request, *args, **kwargs):
        v = self.validated()
        grant = policy_grant_record(
            clause=v["clause"], enterprise=v["enterprise"], project=v.get("project"),
            applied_amount=v["applied_amount"], applied_on=v["applied_on"], actor=request.user,
        )
        body = s.GrantSerializer(self.scoped_queryset().get(pk=grant.pk), context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(tags=["grants"])
class GrantDetailView(ApiViewMixin, generics.RetrieveAPIView):
    work_area = Area.GRANTS
    model = PolicyGrant
    serializer_class = s.GrantSerializer

    def scoped_queryset(self):
        return policy_grant_list(user=self.request.user)


class _GrantActionView(ApiViewMixin, generics.GenericAPIView):
    work_area = Area.GRANTS
    model = PolicyGrant
    permission_classes = [IsAuthenticated, IsStaff, RecordsGrants]

    def scoped_queryset(self):
        return policy_grant_list(user=self.request.user)

    def respond(self, grant):
        return Response(s.GrantSerializer(self.scoped_queryset().get(pk=grant.pk), context=self.get_serializer_context()).data)


@extend_schema(tags=["grants"])
class GrantApproveView(_GrantActionView):
    """核准: an amount above the clause's 最高金额 (or the amount applied for) is a 400 with the reason."""

    serializer_class = s.GrantApproveSerializer

    @extend_schema(responses={200: s.GrantSerializer, **ERRORS, **CONFLICT})
    def post(self, request, pk):
        grant = self.get_object()
        v = self.validated()
        return self.respond(
            policy_grant_approve(grant=grant, amount=v["amount"], on=v["approved_on"], actor=request.user, note=v["note"])
        )


@extend_schema(tags=["grants"])
class GrantDisburseView(_GrantActionView):
    """拨付: pay an instalment; the total paid never exceeds the approved amount."""

    serializer_class = s.GrantDisburseSerializer

    @extend_schema(responses={200: s.GrantSerializer, **ERRORS, **CONFLICT})
    def post(self, request, pk):
        grant = self.get_object()
        v = self.validated()
        return self.respond(policy_grant_disburse(grant=grant, amount=v["amount"], on=v["disbursed_on"], actor=request.user))


@extend_schema(tags=["grants"])
class GrantRejectView(_GrantActionView):
    """不予兑现, with the reason the enterprise will read."""

    serializer_class = s.GrantRejectSerializer

    @extend_schema(responses={200: s.GrantSerializer, **ERRORS, **CONFLICT})
    def post(self, request, pk):
        grant = self.get_object()
        v = self.validated()
        return self.respond(policy_grant_reject(grant=grant, reason=v["reason"], actor=request.user))


# ---------------------------------------------------------------------------------------------------
# Online applications (政策申报): enterprise users apply for their own enterprises; isolated like requests


@extend_schema(tags=["grants"])
class ApplicationListCreateView(ApiViewMixin, generics.ListCreateAPIView):
    """政策申报: an enterprise user lists and files its own enterprises' applications (another's enterprise: 404);
    staff list all. A refusal (window closed, not eligible, already applied, a document missing) is a 400/409
    naming the field (``clause``, ``applied_amount``, ``document:<n>``, ``fact:<kind>``)."""

    work_area = Area.GRANTS
    model = PolicyApplication
    permission_classes = [IsAuthenticated, WorksRequests]
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def scoped_queryset(self):
        return policy_application_list(user=self.request.user).prefetch_related("supplied_facts")

    def get_serializer_class(self):
        return s.ApplicationCreateSerializer if self.request.method == "POST" else s.ApplicationSerializer

    @extend_schema(request=s.ApplicationCreateSerializer, responses={201: s.ApplicationSerializer, **ERRORS, **CONFLICT})
    def post(self, request, *args, **kwargs):
        v = self.validated()
        enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=v["enterprise"])
        clause = get_object_or_404(clause_list(user=request.user), pk=v["clause"])
        files = request.FILES
        application = policy_application_submit(
            clause=clause, enterprise=enterprise, applied_amount=v["applied_amount"], actor=request.user,
            documents={name: files.get(f"document_{i}") for i, name in enumerate(clause.required_document_list())},
            facts=[FactInput(kind=kind, value=_int_or_none(request.data.get(f"fact_{kind}")),
                             evidence=files.get(f"fact_{kind}_evidence"))
                   for kind in SuppliedFact.Kind.values if f"fact_{kind}" in request.data],
            figures=FiguresInput(
                year=_int_or_none(request.data.get("figure_year")), evidence=files.get("figure_evidence"),
                values={name: request.data.get(f"figure_{name}") for name in FIGURE_FIELDS
                        if f"figure_{name}" in request.data},
            ) if "figure_year" in request.data else None,
        )
        body = s.ApplicationSerializer(self.scoped_queryset().get(pk=application.pk),
                                       context=self.get_serializer_context()).data
        return Response(body, status=status.HTTP_201_CREATED)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@extend_schema(tags=["grants"])
class ApplicationDetailView(ApiViewMixin, generics.RetrieveAPIView):
    work_area = Area.GRANTS
    model = PolicyApplication
    serializer_class = s.ApplicationSerializer

    def scoped_queryset(self):
        return policy_application_list(user=self.request.user).prefetch_related("supplied_facts")


@extend_schema(tags=["grants"])
class ApplicationAppealView(ApiViewMixin, generics.GenericAPIView):
    """异议: within the clause's ``appeal_days`` of the refusal, once; after the deadline a 409 with the reason."""

    work_area = Area.GRANTS
    model = PolicyApplication
    permission_classes = [IsAuthenticated, WorksRequests]
    serializer_class = s.ApplicationAppealSerializer

    def scoped_queryset(self):
        return policy_application_list(user=self.request.user).prefetch_related("supplied_facts")

    @extend_schema(responses={200: s.ApplicationSerializer, **ERRORS, **CONFLICT})
    def post(self, request, pk):
        application = self.get_object()
        v = self.validated()
        policy_application_appeal(application=application, reason=v["reason"], actor=request.user)
        return Response(s.ApplicationSerializer(self.scoped_queryset().get(pk=application.pk),
                                                context=self.get_serializer_context()).data)


# ---------------------------------------------------------------------------------------------------
# Landing commitments (staff; investment officers write)


class _ProjectCommitmentView(ApiViewMixin, generics.GenericAPIView):
    work_area = Area.PIPELINE
    model = Project
    permission_classes = [IsAuthenticated, IsStaff, WorksLand]

    def project(self) -> Project:
        return get_object_or_404(Project.objects.all(), pk=self.kwargs["pk"])


@extend_schema(tags=["commitments"])
class CommitmentsView(_ProjectCommitmentView):
    """落地承诺 at a glance: the four milestones in three colours, capital arrived against the committed
    investment, and each year's commitment with its review's shortfalls."""

    serializer_class = s.CommitmentsSerializer

    @extend_schema(responses={200: s.CommitmentsSerializer, 403: ERRORS[403], 404: ERRORS[404]})
    def get(self, request, pk):
        return _commitments_response(self.project())


def _commitments_response(project):
    """Every commitment view answers with the project's commitments at a glance, as GET gives them."""
    return Response(s.CommitmentsSerializer({"project": project.pk, **project_commitments(project=project)}).data)


@extend_schema(tags=["commitments"])
class MilestonePlanView(_ProjectCommitmentView):
    """Plan or re-plan a milestone (交地, 开工, 竣工, 达产) of a signed project; dates stay in that order."""

    serializer_class = s.MilestonePlanSerializer

    @extend_schema(responses={200: s.CommitmentsSerializer, **ERRORS, **CONFLICT})
    def post(self, request, pk):
        project = self.project()
        v = self.validated()
        commitment_services.milestone_plan(project=project, actor=request.user, **v)
        return _commitments_response(project)


@extend_schema(tags=["commitments"])
class MilestoneActualView(ApiViewMixin, generics.GenericAPIView):
    """Record the day a milestone was reached."""

    work_area = Area.PIPELINE
    model = ProjectMilestone
    serializer_class = s.MilestoneActualSerializer
    permission_classes = [IsAuthenticated, IsStaff, WorksLand]

    def scoped_queryset(self):
        return ProjectMilestone.objects.select_related("project")

    @extend_schema(responses={200: s.CommitmentsSerializer, **ERRORS, **CONFLICT})
    def post(self, request, pk):
        milestone = self.get_object()
        v = self.validated()
        commitment_services.milestone_record_actual(
            milestone=milestone, actual_on=v["actual_on"], actor=request.user
        )
        return _commitments_response(milestone.project)


@extend_schema(tags=["commitments"])
class CapitalArrivalView(_ProjectCommitmentView):
    """实际到资: record one arrival of capital (万元)."""

    serializer_class = s.CapitalArrivalSerializer

    @extend_schema(responses={201: s.CapitalArrivalSerializer, **ERRORS, **CONFLICT})
    def post(self, request, pk):
        project = self.project()
        v = self.validated()
        arrival = commitment_services.capital_arrival_record(project=project, actor=request.user, **v)
        return Response(self.get_serializer(arrival).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["commitments"])
class AnnualCommitmentSetView(_ProjectCommitmentView):
    """The figures committed for a year (亩均产值, 亩均税收, headcount); a reviewed year cannot change (409)."""

    serializer_class = s.AnnualCommitmentSetSerializer

    @extend_schema(responses={200: s.CommitmentsSerializer, **ERRORS, **CONFLICT})
    def post(self, request, pk):
        project = self.project()
        v = self.validated()
        commitment_services.annual_commitment_set(project=project, actor=request.user, **v)
        return _commitments_response(project)


@extend_schema(tags=["commitments"])
class AnnualReviewView(ApiViewMixin, generics.GenericAPIView):
    """年度考核: record a year's actuals; the answer lists every figure short of the commitment."""

    work_area = Area.PIPELINE
    model = AnnualCommitment
    serializer_class = s.AnnualReviewSerializer
    permission_classes = [IsAuthenticated, IsStaff, WorksLand]

    def scoped_queryset(self):
        return AnnualCommitment.objects.select_related("project")

    @extend_schema(responses={200: s.AnnualCommitmentSerializer, **ERRORS, **CONFLICT})
    def post(self, request, pk):
        commitment = self.get_object()
        v = self.validated()
        review = commitment_services.annual_commitment_review(commitment=commitment, actor=request.user,
                                                              **v)
        return Response(s.AnnualCommitmentSerializer({"commitment": review.commitment, "shortfalls": review.shortfalls}).data)
