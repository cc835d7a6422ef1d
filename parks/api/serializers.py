"""Serializers of the parks API: shapes in and out; the services decide what is legal."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crm.api.fields import ListCodeFieldsMixin
from crm.models import CapitalSource, Currency, Enterprise, EvidenceKind, Milestone, Project
from crm.validators import LINE_VALIDATORS, validate_long_text, validate_plausible_date

from ..matching import OUTCOME_LABELS, VERDICT_LABELS
from ..models import (
    EligibilityCriterion,
    LandParcel,
    ParcelStatus,
    Policy,
    PolicyApplication,
    PolicyClause,
    PolicyGrant,
    Space,
    SuppliedFact,
)
from ..services.parcels import allowed_parcel_moves

NOTE_MAX_LENGTH = 500


def _amount(**kwargs):
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def _per_mu(**kwargs):
    """亩均 figures (万元/亩): 12 digits, as their columns (AnnualCommitment)."""
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


# ---------------------------------------------------------------------------------------------------
# Parcels and spaces


class ParcelSerializer(serializers.ModelSerializer):
    park_name = serializers.CharField(source="park.__str__", read_only=True)
    project_name = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    land_use_display = serializers.CharField(source="get_land_use_display", read_only=True)
    allowed_moves = serializers.SerializerMethodField(help_text=_("现在可以转为的状态。"))

    class Meta:
        model = LandParcel
        fields = [
            "id", "code", "name", "park", "park_name", "land_use", "land_use_display", "area_m2", "far_min", "far_max",
            "reserve_price", "status", "status_display", "allowed_moves", "project", "project_name", "transferred_on",
            "transfer_price", "address", "outline",
        ]
        read_only_fields = fields

    def get_project_name(self, obj) -> str | None:
        return obj.project.name if obj.project_id else None

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ParcelStatus.choices)))
    def get_allowed_moves(self, obj):
        return [str(s) for s in allowed_parcel_moves(obj)]


class ParcelStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ParcelStatus.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH, validators=[validate_long_text]
    )


class ParcelReserveSerializer(serializers.Serializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH, validators=[validate_long_text]
    )


class ParcelTransferSerializer(serializers.Serializer):
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())
    transferred_on = serializers.DateField(validators=[validate_plausible_date])
    price = _amount(min_value=0, help_text=_("成交价（万元），不低于起始价。"))
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH, validators=[validate_long_text]
    )


class CandidateSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    parcel = ParcelSerializer()
    reason = serializers.CharField(help_text=_("排名理由。"))


class SpaceSerializer(serializers.ModelSerializer):
    park_name = serializers.CharField(source="park.__str__", read_only=True)
    occupant_name = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    rent_free_ends_on = serializers.DateField(read_only=True, allow_null=True, help_text=_("免租期满日（当日起计租）。"))

    class Meta:
        model = Space
        fields = [
            "id", "park", "park_name", "building", "unit", "kind", "area_m2", "rent_per_m2_day", "status",
            "status_display", "occupant", "occupant_name", "lease_start", "lease_end", "rent_free_months",
            "rent_free_ends_on",
        ]
        read_only_fields = fields

    def get_occupant_name(self, obj) -> str | None:
        return obj.occupant.name if obj.occupant_id else None


# ---------------------------------------------------------------------------------------------------
# Policies, clauses and matches


class CriterionSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    requirement = serializers.CharField(source="requirement_label", read_only=True, help_text=_("条件要求的文字表述。"))

    class Meta:
        model = EligibilityCriterion
        fields = ["id", "kind", "kind_display", "number", "choice", "park", "requirement"]
        read_only_fields = fields


class ClauseSerializer(ListCodeFieldsMixin, serializers.ModelSerializer):
    policy_name = serializers.CharField(source="policy.__str__", read_only=True)
    benefit_kind_display = serializers.CharField(source="get_benefit_kind_display", read_only=True)
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = PolicyClause
        fields = [
            "id", "policy", "policy_name", "number", "title", "text", "benefit_kind", "benefit_kind_display",
            "amount_cap", "formula", "amount_rule", "amount_basis", "amount_value", "valid_from", "valid_until", "criteria",
        ]
        read_only_fields = fields


class PolicySerializer(serializers.ModelSerializer):
    class Meta:
        model = Policy
        fields = ["id", "name", "short_name", "issuer", "issued_on", "valid_from", "valid_until", "park", "is_published",
                  "summary"]
        read_only_fields = fields


class PolicyDetailSerializer(PolicySerializer):
    clauses = ClauseSerializer(many=True, read_only=True)

    class Meta(PolicySerializer.Meta):
        fields = [*PolicySerializer.Meta.fields, "clauses"]
        read_only_fields = fields


class CriterionResultSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(source="criterion_id")
    kind = serializers.ChoiceField(choices=EligibilityCriterion.Kind.choices)
    kind_display = serializers.CharField(source="kind_label")
    requirement = serializers.CharField()
    outcome = serializers.ChoiceField(choices=list(OUTCOME_LABELS.items()), help_text=_("met 符合 / failed 不符合 / unknown 待确认"))
    outcome_display = serializers.CharField(source="outcome_label")
    reason = serializers.CharField(help_text=_("比对的数字与理由，如“固定资产投资 8,000 万元 < 要求 10,000 万元”。"))


class EstimateSerializer(serializers.Serializer):
    amount = _amount(read_only=True, allow_null=True, help_text=_("预计可享金额（万元），已按最高金额封顶；无法估算时为 null。"))
    reason = serializers.CharField(read_only=True, help_text=_("算法与数字，如“2025 年研发投入 800 万元 × 20% = 160 万元”，或缺少的数据。"))
    label = serializers.CharField(read_only=True, help_text=_("如“预计可享 160 万元”。"))


class ClauseMatchSerializer(serializers.Serializer):
    clause = serializers.IntegerField(source="clause.pk")
    policy = serializers.IntegerField(source="clause.policy_id")
    policy_name = serializers.CharField(source="clause.policy.__str__")
    number = serializers.IntegerField(source="clause.number")
    title = serializers.CharField(source="clause.title")
    benefit_kind = serializers.CharField(source="clause.benefit_kind", help_text=_("支持方式代码（见后台“支持方式”清单）。"))
    amount_cap = _amount(source="clause.amount_cap", allow_null=True)
    formula = serializers.CharField(source="clause.formula")
    verdict = serializers.ChoiceField(
        choices=list(VERDICT_LABELS.items()), help_text=_("eligible 符合 / unknown 信息不全 / not_eligible 不符合")
    )
    verdict_display = serializers.CharField(source="verdict_label")
    criteria = CriterionResultSerializer(many=True)
    estimate = EstimateSerializer(
        read_only=True, allow_null=True,
        help_text=_("预计可享：按条款的金额算法估算（万元）；条款未设算法时为 null。不符合条件或缺少数据时 amount 为 null，reason 说明原因。"),
    )


class PolicyMatchesSerializer(serializers.Serializer):
    """The answer of …/policy-matches/: every clause in force, eligible first."""

    project = serializers.IntegerField(allow_null=True)
    enterprise = serializers.IntegerField()
    as_of = serializers.DateField()
    eligible = serializers.IntegerField()
    unknown = serializers.IntegerField()
    not_eligible = serializers.IntegerField()
    clauses = ClauseMatchSerializer(many=True)


# ---------------------------------------------------------------------------------------------------
# Grants


class GrantSerializer(serializers.ModelSerializer):
    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    policy = serializers.IntegerField(source="clause.policy_id", read_only=True)
    policy_name = serializers.CharField(source="clause.policy.__str__", read_only=True)
    clause_title = serializers.CharField(source="clause.title", read_only=True)
    amount_cap = _amount(source="clause.amount_cap", read_only=True, allow_null=True)
    project_name = serializers.SerializerMethodField()
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = PolicyGrant
        fields = [
            "id", "clause", "clause_title", "policy", "policy_name", "amount_cap", "enterprise", "enterprise_name",
            "project", "project_name", "status", "status_display", "applied_amount", "applied_on", "approved_amount",
            "approved_on", "disbursed_amount", "disbursed_on", "decision_note", "created_at", "updated_at",
        ]
        read_only_fields = fields

    def get_project_name(self, obj) -> str | None:
        return obj.project.name if obj.project_id else None


class GrantCreateSerializer(serializers.Serializer):
    clause = serializers.PrimaryKeyRelatedField(queryset=PolicyClause.objects.select_related("policy"))
    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.all())
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all(), required=False, allow_null=True)
    applied_amount = _amount(help_text=_("申请金额（万元）。"))
    applied_on = serializers.DateField(validators=[validate_plausible_date])


class GrantApproveSerializer(serializers.Serializer):
    amount = _amount(help_text=_("核准金额（万元），不超过条款最高金额和申请金额。"))
    approved_on = serializers.DateField(validators=[validate_plausible_date])
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=2000, validators=[validate_long_text]
    )


class GrantDisburseSerializer(serializers.Serializer):
    amount = _amount(help_text=_("本次拨付金额（万元）；累计不超过核准金额。"))
    disbursed_on = serializers.DateField(validators=[validate_plausible_date])


class GrantRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, validators=[validate_long_text])


class SuppliedFactSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = SuppliedFact
        fields = ["id", "kind", "kind_display", "value", "evidence", "status", "status_display", "note"]
        read_only_fields = fields


class ApplicationSerializer(serializers.ModelSerializer):
    """政策申报: the application, its request (thread and SLA under /requests/<id>/), its grant once approved."""

    enterprise_name = serializers.CharField(source="enterprise.name", read_only=True)
    policy = serializers.IntegerField(source="clause.policy_id", read_only=True)
    clause_title = serializers.CharField(source="clause.title", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    request_status = serializers.CharField(source="service_request.status", read_only=True)
    approved_amount = _amount(source="grant.approved_amount", read_only=True, allow_null=True, default=None)
    appeal_deadline = serializers.DateField(read_only=True, allow_null=True)
    supplied_facts = SuppliedFactSerializer(many=True, read_only=True)

    class Meta:
        model = PolicyApplication
        fields = [
            "id", "clause", "clause_title", "policy", "enterprise", "enterprise_name", "service_request",
            "request_status", "status", "status_display", "applied_amount", "documents", "supplied_facts",
            "submitted_at", "figure", "grant", "approved_amount", "decided_at", "refusal_reason", "appeal_deadline",
            "appealed_at", "appeal_reason", "appeal_outcome",
        ]
        read_only_fields = fields


class ApplicationCreateSerializer(serializers.Serializer):
    """In multipart form data: the required documents as files ``document_0``, ``document_1`` … (in the clause's
    order of ``required_documents``), a missing fact as ``fact_<kind>`` with its file ``fact_<kind>_evidence``, missing
    yearly figures as ``figure_year``, ``figure_<field>`` (e.g. ``figure_revenue``) and the file ``figure_evidence``."""

    clause = serializers.IntegerField(min_value=1, max_value=10**18)
    enterprise = serializers.IntegerField(min_value=1, max_value=10**18)
    applied_amount = _amount(help_text=_("申请金额（万元），不超过条款最高金额。"))


class ApplicationAppealSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, validators=[validate_long_text])


# ---------------------------------------------------------------------------------------------------
# Landing commitments


class LightSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["green", "yellow", "red", "none"], help_text=_("三色预警；none 为未计划。"))
    label = serializers.CharField()


class MilestoneStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    kind = serializers.ChoiceField(choices=Milestone.choices)
    label = serializers.CharField()
    planned_on = serializers.DateField(allow_null=True)
    actual_on = serializers.DateField(allow_null=True)
    light = LightSerializer()


class CapitalSerializer(serializers.Serializer):
    committed = _amount(help_text=_("承诺总投资（万元）。"))
    arrived = _amount(help_text=_("实际到资（万元）。"))
    share = serializers.CharField(allow_null=True)
    text = serializers.CharField()


class AnnualCommitmentSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="commitment.pk")
    year = serializers.IntegerField(source="commitment.year")
    output_per_mu = _amount(source="commitment.output_per_mu")
    tax_per_mu = _amount(source="commitment.tax_per_mu")
    headcount = serializers.IntegerField(source="commitment.headcount")
    actual_output_per_mu = _amount(source="commitment.actual_output_per_mu", allow_null=True)
    actual_tax_per_mu = _amount(source="commitment.actual_tax_per_mu", allow_null=True)
    actual_headcount = serializers.IntegerField(source="commitment.actual_headcount", allow_null=True)
    reviewed_on = serializers.DateField(source="commitment.reviewed_on", allow_null=True)
    shortfalls = serializers.SerializerMethodField(help_text=_("考核未达承诺的指标。"))

    def get_shortfalls(self, obj) -> list[str]:
        return [s.text for s in obj["shortfalls"]]


class CommitmentsSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    signed = serializers.BooleanField(help_text=_("签约后才登记落地承诺。"))
    milestones = MilestoneStatusSerializer(many=True)
    capital = CapitalSerializer()
    annual = AnnualCommitmentSerializer(many=True)


class MilestonePlanSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Milestone.choices)
    planned_on = serializers.DateField(validators=[validate_plausible_date])


class MilestoneActualSerializer(serializers.Serializer):
    actual_on = serializers.DateField(validators=[validate_plausible_date])


class CapitalArrivalSerializer(serializers.Serializer):
    """One arrival: ``original_amount`` in 元 of ``currency`` (converted at the 中间价 of the day, or the latest
    earlier day; 400 when staff have entered none), or — 人民币 only — ``amount`` in 万元. The evidence file
    (银行进账单 / 验资报告) is sent as multipart with its ``evidence_kind``; it is downloaded by staff at ``evidence_url``."""

    id = serializers.IntegerField(read_only=True)
    arrived_on = serializers.DateField(validators=[validate_plausible_date])
    source = serializers.ChoiceField(choices=CapitalSource.choices, default=CapitalSource.IN_PROVINCE,
                                     help_text=_("资金来源：in_province 内资（省内）、out_of_province 省外资金、foreign 外资。"))
    currency = serializers.ChoiceField(choices=Currency.choices, default=Currency.CNY, help_text=_("币种。"))
    original_amount = serializers.DecimalField(
        max_digits=18, decimal_places=2, required=False, allow_null=True, default=None,
        help_text=_("原币金额（元），即银行进账单上的金额。"),
    )
    amount = _amount(required=False, allow_null=True, default=None,
                     help_text=_("到资金额（万元）：人民币到资可只填此项；外币到资由原币金额按当日汇率折算。"))
    rate = serializers.DecimalField(max_digits=12, decimal_places=6, read_only=True,
                                    help_text=_("折算所用的汇率中间价（元/单位外币），人民币为 1。"))
    evidence_kind = serializers.ChoiceField(choices=EvidenceKind.choices, required=False, allow_blank=True, default="")
    evidence = serializers.FileField(write_only=True, required=False, allow_null=True, default=None,
                                     help_text=_("到资凭证：PDF、JPEG、PNG、DOCX 或 XLSX，不超过 10 MB。"))
    evidence_url = serializers.SerializerMethodField()
    note = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200, validators=LINE_VALIDATORS
    )

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_evidence_url(self, arrival):
        return reverse("capital-evidence", args=[arrival.pk]) if arrival.evidence else None


class AnnualCommitmentSetSerializer(serializers.Serializer):
    """The shape only: the range of each figure is ``annual_commitment_check``'s, in the words the admin shows."""

    year = serializers.IntegerField(help_text=_("年度（2000–2100）。"))
    output_per_mu = _per_mu(help_text=_("承诺亩均产值（万元/亩），不为负数。"))
    tax_per_mu = _per_mu(help_text=_("承诺亩均税收（万元/亩），不为负数。"))
    headcount = serializers.IntegerField(help_text=_("承诺用工人数，0 至 10,000,000。"))


class AnnualReviewSerializer(serializers.Serializer):
    """The shape only: the range of each actual is ``annual_review_check``'s, in the words the admin shows."""

    actual_output_per_mu = _per_mu(help_text=_("实际亩均产值（万元/亩），不为负数。"))
    actual_tax_per_mu = _per_mu(help_text=_("实际亩均税收（万元/亩），不为负数。"))
    actual_headcount = serializers.IntegerField(help_text=_("实际用工人数，0 至 10,000,000。"))
    reviewed_on = serializers.DateField(
        validators=[validate_plausible_date], help_text=_("考核日期，不晚于今天，不早于该年度开始。")
    )

