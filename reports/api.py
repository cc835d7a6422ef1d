"""The reports over the API: ``GET /api/v1/reports/{pipeline,service,land,policies,credit,capital}/``, read-only, for staff.

Each view validates its query parameters with the pages' own filter form and returns what the page's
selector computed, so the API and the pages always agree. Money is a string with two decimals in 万元
(exact to the yuan), areas in m², percentages and days as strings with two decimals; a figure whose
denominator is zero is ``null``. Managers (and superusers) read them, as on the pages (``Area.REPORTS`` of
``crm.roles.WHO_READS``); every other role gets 403.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.api.permissions import ReadsArea
from crm.models import CapitalSource, Milestone, RequestStatus, Stage, YearlyTarget
from crm.roles import Area
from parks.models import LandUse, ParcelStatus
from reports.selectors.capital import capital_report
from reports.selectors.credit import credit_report
from reports.selectors.land import land_report
from reports.selectors.pipeline_summary import pipeline_page_report
from reports.selectors.policy import policy_report
from reports.selectors.service import service_report

from .forms import ReportFilterForm, has_nul_byte


def Money(**kwargs):
    """A sum of money in 万元: a string with two decimals, exact to the yuan."""
    return serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=True, **kwargs)


def Number(**kwargs):
    """A percentage, a number of days or hours: a string with two decimals, null when undefined."""
    return serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=True, allow_null=True, **kwargs)


# -- the filters, as the answer echoes them ------------------------------------------------------------


class ReportFiltersSerializer(serializers.Serializer):
    period = serializers.CharField(allow_blank=True, help_text=_("统计区间：this_year、last_year、this_quarter、last_quarter、last_12_months、all 或 custom；start、end 为其解析后的日期。"))
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    park = serializers.IntegerField(allow_null=True, source="park.pk", default=None)
    chain = serializers.CharField(allow_blank=True)
    owner = serializers.IntegerField(allow_null=True, source="owner.pk", default=None)
    stage = serializers.CharField(allow_blank=True, help_text=_("招商项目报表的阶段筛选：空为全部在途（不含暂缓、终止），all 为全部，或一个阶段代码。"))


class YearEarlierMixin(serializers.Serializer):
    """同比: the same report for the same filters a year earlier (start and end minus one year); null for 全部时间."""

    previous = serializers.DictField(
        allow_null=True, read_only=True,
        help_text=_("上年同期：同一筛选条件、起止日期各提前一年的同一报表（结构与本报表相同，不含 previous）；全部时间时为 null。"),
    )


# -- pipeline ------------------------------------------------------------------------------------------


class ReportStageSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices, help_text=_("阶段代码，按招商流程顺序，暂缓、终止在后。"))
    label = serializers.CharField()
    in_total = serializers.BooleanField(help_text=_("该阶段的项目是否计入合计（按阶段筛选；默认暂缓、终止不计入）。"))
    count = serializers.IntegerField(help_text=_("当前处于该阶段的项目数。"))
    investment_total = Money(help_text=_("这些项目的总投资（万元）。"))
    key_count = serializers.IntegerField(help_text=_("其中总投资 ≥ 1 亿元的重点项目数。"))
    key_investment_total = Money()
    major_count = serializers.IntegerField(help_text=_("其中总投资 ≥ 10 亿元的重大项目数。"))
    major_investment_total = Money()


class ReportCountMoneySerializer(serializers.Serializer):
    count = serializers.IntegerField()
    investment_total = Money()


class ReportThresholdSerializer(ReportCountMoneySerializer):
    threshold = Money(help_text=_("门槛（万元）。"))


class ReportFunnelSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    label = serializers.CharField()
    reached = serializers.IntegerField(help_text=_("曾进入该阶段的项目数（按阶段变更记录）。"))
    conversion_from_previous = Number(help_text=_("较上一阶段的转化率（%）。"))
    conversion_from_lead = Number(help_text=_("较线索阶段的转化率（%）。"))


class ReportConversionSerializer(serializers.Serializer):
    from_stage = serializers.ChoiceField(choices=Stage.choices)
    to_stage = serializers.ChoiceField(choices=Stage.choices)
    from_count = serializers.IntegerField()
    to_count = serializers.IntegerField()
    rate = Number(help_text=_("to_count / from_count（%）。"))


class ReportDurationSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    label = serializers.CharField()
    stays = serializers.IntegerField(help_text=_("已结束的停留次数。"))
    average_days = Number()
    median_days = Number()


class ReportBreakdownItemSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("分组代码或编号；空表示未填写。"))
    label = serializers.CharField()
    count = serializers.IntegerField()
    investment_total = Money()
    landed_count = serializers.IntegerField()


class ReportBreakdownsSerializer(serializers.Serializer):
    industry_chain = ReportBreakdownItemSerializer(many=True)
    source_channel = ReportBreakdownItemSerializer(many=True)
    owner = ReportBreakdownItemSerializer(many=True)
    park = ReportBreakdownItemSerializer(many=True)
    jurisdiction = ReportBreakdownItemSerializer(many=True)


class ReportThisYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    landed_count = serializers.IntegerField(help_text=_("年内转入注册落地的项目数（不限规模）。"))
    landed_investment_total = Money()
    landed_key_count = serializers.IntegerField(help_text=_("其中总投资 ≥ 1 亿元的项目数。"))
    landed_key_investment_total = Money()
    landed_key_target = Number(help_text=_("年度目标（个），未设定为 null。"))
    landed_key_completion = Number()
    signed_count = serializers.IntegerField()
    signed_investment_total = Money()
    signed_investment_target = Number(help_text=_("年度目标（万元），未设定为 null。"))
    signed_investment_completion = Number()


class ReportCapitalSerializer(serializers.Serializer):
    committed_count = serializers.IntegerField()
    committed_total = Money(help_text=_("签约及以后阶段项目的总投资（万元）。"))
    arrived_total = Money(help_text=_("这些项目的实际到资（万元）。"))
    arrival_rate = Number()
    year = serializers.IntegerField()
    arrived_in_year = Money()


class ReportRatesSerializer(serializers.Serializer):
    landed_count = serializers.IntegerField()
    started_count = serializers.IntegerField()
    producing_count = serializers.IntegerField()
    construction_start_rate = Number()
    production_rate = Number()


class ReportColoursSerializer(serializers.Serializer):
    green = serializers.IntegerField()
    yellow = serializers.IntegerField()
    red = serializers.IntegerField()
    done_on_time = serializers.IntegerField()
    done_late = serializers.IntegerField()


class ReportMilestoneColoursSerializer(ReportColoursSerializer):
    kind = serializers.ChoiceField(choices=Milestone.choices)
    label = serializers.CharField()


class ReportMilestonesSerializer(serializers.Serializer):
    items = ReportMilestoneColoursSerializer(many=True)
    totals = ReportColoursSerializer()


class PipelineReportSerializer(YearEarlierMixin):
    filters = ReportFiltersSerializer()
    as_of = serializers.DateTimeField()
    year = serializers.IntegerField()
    stages = ReportStageSerializer(many=True)
    totals = ReportCountMoneySerializer()
    key_projects = ReportThresholdSerializer()
    major_projects = ReportThresholdSerializer()
    funnel = ReportFunnelSerializer(many=True)
    conversions = ReportConversionSerializer(many=True)
    durations = ReportDurationSerializer(many=True)
    breakdowns = ReportBreakdownsSerializer()
    this_year = ReportThisYearSerializer()
    capital = ReportCapitalSerializer()
    rates = ReportRatesSerializer()
    milestones = ReportMilestonesSerializer()


# -- service -------------------------------------------------------------------------------------------


class ReportStatusCountsSerializer(serializers.Serializer):
    submitted = serializers.IntegerField()
    accepted = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    waiting_external = serializers.IntegerField()
    resolved = serializers.IntegerField()
    closed = serializers.IntegerField()
    rejected = serializers.IntegerField()
    withdrawn = serializers.IntegerField()


class ReportServiceFiguresSerializer(serializers.Serializer):
    open = serializers.IntegerField()
    resolved = serializers.IntegerField()
    on_time = serializers.IntegerField(help_text=_("在办理时限内办结的诉求数。"))
    sla_compliance = Number(help_text=_("on_time / resolved（%）。"))
    median_handling_hours = Number()
    average_handling_hours = Number()
    rated = serializers.IntegerField()
    satisfaction_average = Number()
    green = serializers.IntegerField()
    yellow = serializers.IntegerField()
    red = serializers.IntegerField()


class ReportCategorySerializer(ReportServiceFiguresSerializer):
    category = serializers.CharField()
    label = serializers.CharField()
    total = serializers.IntegerField()
    statuses = ReportStatusCountsSerializer()
    scores = serializers.SerializerMethodField()

    def get_scores(self, obj) -> dict[str, int]:
        return {str(score): n for score, n in obj["scores"].items()}


class ReportServiceTotalsSerializer(ReportServiceFiguresSerializer):
    total = serializers.IntegerField()
    overdue = serializers.IntegerField(help_text=_("超期未办结的诉求数。"))


class ReportStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=RequestStatus.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()


class ReportScoreSerializer(serializers.Serializer):
    score = serializers.IntegerField()
    count = serializers.IntegerField()


class ReportOverdueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    enterprise = serializers.CharField()
    category = serializers.CharField()
    status = serializers.ChoiceField(choices=RequestStatus.choices)
    status_label = serializers.CharField()
    assignee = serializers.CharField(allow_blank=True)
    submitted_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    overdue_hours = Number()


class ReportDepartmentSerializer(serializers.Serializer):
    department = serializers.IntegerField(help_text=_("承办单位 id。"))
    label = serializers.CharField()
    routings = serializers.IntegerField(help_text=_("分办数（主办与协办），无论结果如何。"))
    lead = serializers.IntegerField()
    assist = serializers.IntegerField()
    active = serializers.IntegerField()
    completed = serializers.IntegerField()
    on_time = serializers.IntegerField(help_text=_("在办理时限（批准延期后为延期后的时限）内办结的分办数。"))
    late = serializers.IntegerField(help_text=_("超过时限才办结的，加上仍在办理且已超时的分办数。"))
    overdue = serializers.IntegerField(help_text=_("仍在办理且已超时的分办数。"))
    on_time_rate = Number(help_text=_("on_time /（on_time + late）（%）。"))
    median_hours = Number(help_text=_("已办结分办从交办到办结的小时数中位数。"))
    extensions_requested = serializers.IntegerField()
    extensions_approved = serializers.IntegerField()
    handed_back = serializers.IntegerField()
    transferred = serializers.IntegerField()


class ReportCallBackSatisfactionSerializer(serializers.Serializer):
    key = serializers.IntegerField(allow_null=True, help_text=_("承办单位 id 或经办人 id；未分派为 null。"))
    label = serializers.CharField()
    callbacks = serializers.IntegerField()
    satisfied = serializers.IntegerField()
    basic = serializers.IntegerField()
    unsatisfied = serializers.IntegerField()
    satisfied_rate = Number(help_text=_("（满意 + 基本满意）/ 回访次数（%）。"))


class ServiceReportSerializer(YearEarlierMixin):
    filters = ReportFiltersSerializer()
    as_of = serializers.DateTimeField()
    categories = ReportCategorySerializer(many=True)
    statuses = ReportStatusSerializer(many=True)
    totals = ReportServiceTotalsSerializer()
    satisfaction = ReportScoreSerializer(many=True)
    approval_steps = ReportColoursSerializer()
    overdue = ReportOverdueSerializer(many=True, help_text=_("超期最久的至多 100 件；总数见 totals.overdue。"))
    departments = ReportDepartmentSerializer(many=True, help_text=_("按承办单位：分办、按时率、办理时长中位数、延期、退回。"))
    department_satisfaction = ReportCallBackSatisfactionSerializer(many=True, help_text=_("回访满意度，按诉求的主办单位。"))
    officer_satisfaction = ReportCallBackSatisfactionSerializer(many=True, help_text=_("回访满意度，按诉求的经办人。"))


# -- land ----------------------------------------------------------------------------------------------


class ReportInventoryCellSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ParcelStatus.choices)
    status_label = serializers.CharField()
    land_use = serializers.ChoiceField(choices=LandUse.choices)
    land_use_label = serializers.CharField()
    count = serializers.IntegerField()
    area_m2 = Money()


class ReportParcelsByStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ParcelStatus.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()
    area_m2 = Money()


class ReportParcelsByUseSerializer(serializers.Serializer):
    land_use = serializers.ChoiceField(choices=LandUse.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()
    area_m2 = Money()


class ReportCountAreaSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    area_m2 = Money()


class ReportTransferredSerializer(ReportCountAreaSerializer):
    start = serializers.DateField()
    end = serializers.DateField()
    items = ReportParcelsByUseSerializer(many=True)


class ReportOccupancyFiguresSerializer(serializers.Serializer):
    units = serializers.IntegerField()
    occupied_units = serializers.IntegerField()
    area_m2 = Money()
    occupied_area_m2 = Money()
    reserved_area_m2 = Money()
    vacant_area_m2 = Money()
    occupancy_rate = Number(help_text=_("已入驻面积 / 总面积（%）。"))


class ReportParkOccupancySerializer(ReportOccupancyFiguresSerializer):
    park_id = serializers.IntegerField()
    park = serializers.CharField()


class ReportOccupancySerializer(ReportOccupancyFiguresSerializer):
    items = ReportParkOccupancySerializer(many=True)


class LandReportSerializer(YearEarlierMixin):
    filters = ReportFiltersSerializer()
    as_of = serializers.DateTimeField()
    inventory = ReportInventoryCellSerializer(many=True)
    by_status = ReportParcelsByStatusSerializer(many=True)
    by_land_use = ReportParcelsByUseSerializer(many=True)
    parcel_totals = ReportCountAreaSerializer()
    transferred = ReportTransferredSerializer()
    occupancy = ReportOccupancySerializer()


# -- policies ------------------------------------------------------------------------------------------


class ReportGrantFiguresSerializer(serializers.Serializer):
    grants = serializers.IntegerField(help_text=_("申请笔数。"))
    applied_total = Money()
    approved_count = serializers.IntegerField()
    approved_total = Money()
    disbursed_count = serializers.IntegerField()
    disbursed_total = Money()
    disbursement_rate = Number(help_text=_("拨付金额 / 核准金额（%）。"))
    proposed_count = serializers.IntegerField(help_text=_("免申即享待确认笔数（不计入申请）。"))
    proposed_total = Money()
    dismissed_count = serializers.IntegerField(help_text=_("免申即享不予推送笔数。"))
    held_total = Money(help_text=_("分期兑现中暂缓拨付的金额（当前）。"))
    released_total = Money(help_text=_("分期兑现中可拨付的金额（当前）。"))
    clawback_total = Money(help_text=_("承诺最终未兑现时应追回的金额（当前）。"))


class ReportPolicyTotalsSerializer(ReportGrantFiguresSerializer):
    policy_id = serializers.IntegerField()
    policy = serializers.CharField()
    clauses = serializers.IntegerField()


class ReportClauseTotalsSerializer(ReportGrantFiguresSerializer):
    policy_id = serializers.IntegerField()
    policy = serializers.CharField()
    clause_id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()


class PolicyReportSerializer(YearEarlierMixin):
    filters = ReportFiltersSerializer()
    as_of = serializers.DateTimeField()
    policies = ReportPolicyTotalsSerializer(many=True)
    clauses = ReportClauseTotalsSerializer(many=True)
    totals = ReportGrantFiguresSerializer()


# -- 业绩考核 ------------------------------------------------------------------------------------------


class ReportCreditFiguresSerializer(serializers.Serializer):
    projects = serializers.IntegerField(help_text=_("归属项目中不处于终止、暂缓阶段的项目数。"))
    signed_count = serializers.IntegerField(help_text=_("统计区间内签约的归属项目数（共享项目全数计入）。"))
    signed_credited = Number(help_text=_("折算签约项目数：Σ 分成比例 / 100。"))
    signed_investment = Money(help_text=_("这些签约项目的总投资（万元，全额）。"))
    signed_investment_credited = Money(help_text=_("折算签约额：Σ 总投资 × 分成比例（万元）。"))
    landed_key_count = serializers.IntegerField(help_text=_("统计区间内落地（注册落地）且总投资 ≥ 1 亿元的归属项目数。"))
    landed_key_credited = Number()
    starts_count = serializers.IntegerField(help_text=_("统计区间内转入开工阶段的归属项目数。"))
    starts_credited = Number()
    arrived = Money(help_text=_("归属项目在统计区间内的实际到资（万元，全额）。"))
    arrived_credited = Money(help_text=_("折算到资：Σ 到资金额 × 分成比例（万元）。"))


class ReportCreditHolderSerializer(ReportCreditFiguresSerializer):
    key = serializers.CharField(help_text=_("人员的用户编号，或单位名称。"))
    label = serializers.CharField()


class ReportAssessmentSerializer(serializers.Serializer):
    holder_kind = serializers.ChoiceField(choices=YearlyTarget.Holder.choices)
    holder_kind_label = serializers.CharField()
    holder_key = serializers.CharField(allow_blank=True, help_text=_("园区或人员的编号、单位名称；全区为空。"))
    holder_label = serializers.CharField()
    metric = serializers.ChoiceField(choices=YearlyTarget.Metric.choices)
    metric_label = serializers.CharField()
    target = Number(help_text=_("年度目标（项目数按个，金额按万元）。"))
    actual = Number(help_text=_("归属项目的全年实际（全额）。"))
    credited_actual = Number(help_text=_("考核实际：人员、单位按分成比例折算；全区、园区同 actual。"))
    completion = Number(help_text=_("credited_actual / target（%）。"))
    level = serializers.CharField(allow_blank=True, help_text=_("green ≥ 100%，yellow ≥ 60%，red 其余。"))


class CreditReportSerializer(YearEarlierMixin):
    filters = ReportFiltersSerializer()
    as_of = serializers.DateTimeField()
    year = serializers.IntegerField(help_text=_("考核年度：统计区间截止日所在年度。"))
    officers = ReportCreditHolderSerializer(many=True)
    officer_totals = ReportCreditFiguresSerializer(help_text=_("按项目去重的合计；折算值为各行之和。"))
    units = ReportCreditHolderSerializer(many=True)
    unit_totals = ReportCreditFiguresSerializer()
    assessment = ReportAssessmentSerializer(many=True)


# -- views ---------------------------------------------------------------------------------------------

FILTER_PARAMETERS = [
    OpenApiParameter("period", OpenApiTypes.STR, enum=["this_year", "last_year", "this_quarter", "last_quarter",
                                                       "last_12_months", "all", "custom"],
                     description=_("统计区间预设；custom 按 start、end。均未给出时为页面的默认区间（本年，本年无数据时为有数据的最近一年）。")),
    OpenApiParameter("start", OpenApiTypes.DATE, description=_("统计区间起始日期（含），YYYY-MM-DD。")),
    OpenApiParameter("end", OpenApiTypes.DATE, description=_("统计区间截止日期（含），YYYY-MM-DD。")),
    OpenApiParameter("park", OpenApiTypes.INT, description=_("园区编号。")),
    OpenApiParameter("chain", OpenApiTypes.STR, description=_("产业链代码（见后台“产业链”清单）。")),
    OpenApiParameter("owner", OpenApiTypes.INT, description=_("负责人（用户编号）；企业服务报表中为经办人。")),
    OpenApiParameter("stage", OpenApiTypes.STR, description=_("仅招商项目报表：阶段代码，或 all（含暂缓、终止）；默认为全部在途。")),
]
ERRORS = {
    400: OpenApiResponse(description=_("筛选参数有误：按参数给出错误。")),
    403: OpenApiResponse(description=_("仅限领导查看数据报表。")),
}


class ReportView(APIView):
    """One report: validate the filters as the page does, call the page's selector, serialize the answer."""

    permission_classes = [ReadsArea]
    work_area = Area.REPORTS
    selector = None
    serializer_class = None
    page = ""

    def get(self, request):
        if has_nul_byte(request.query_params):
            raise ValidationError({"query": [_("参数中不能包含空字符（NUL）。")]})
        form = ReportFilterForm(request.query_params, page=self.page)
        if not form.is_valid():
            raise ValidationError({field: list(errors) for field, errors in form.errors.items()})
        filters = form.filters()
        now = timezone.now()
        data = self.serializer_class({"filters": filters, **self.selector(filters=filters, now=now)}).data
        data["previous"] = None
        if filters.start or filters.end:
            earlier = filters.year_earlier()
            data["previous"] = self.serializer_class({"filters": earlier, **self.selector(filters=earlier, now=now)}).data
            del data["previous"]["previous"]
        return Response(data)


def _report_schema(summary: str, serializer):
    return extend_schema(
        tags=["reports"], summary=summary, parameters=FILTER_PARAMETERS, responses={200: serializer, **ERRORS}
    )


@_report_schema(_("招商项目报表：阶段漏斗、转化、停留天数、分布、年度目标、到资、开工投产、三色预警"), PipelineReportSerializer)
class PipelineReportView(ReportView):
    page = "pipeline"
    selector = staticmethod(pipeline_page_report)
    serializer_class = PipelineReportSerializer


@_report_schema(_("企业服务报表：类别与状态、按时办结率、办理时长中位数、超期清单、满意度、三色预警、承办单位与回访满意度"), ServiceReportSerializer)
class ServiceReportView(ReportView):
    page = "service"
    selector = staticmethod(service_report)
    serializer_class = ServiceReportSerializer


@_report_schema(_("土地与空间报表：地块库存、区间内出让、载体入驻率"), LandReportSerializer)
class LandReportView(ReportView):
    page = "land"
    selector = staticmethod(land_report)
    serializer_class = LandReportSerializer


@_report_schema(_("政策兑现报表：按政策和条款的申请、核准、拨付金额"), PolicyReportSerializer)
class PolicyReportView(ReportView):
    page = "policies"
    selector = staticmethod(policy_report)
    serializer_class = PolicyReportSerializer


@_report_schema(_("业绩考核报表：按人员、按单位的业绩排名（共享业绩合计不重复计算）与年度考核（目标、实际、完成率）"),
                CreditReportSerializer)
class CreditReportView(ReportView):
    page = "credit"
    selector = staticmethod(credit_report)
    serializer_class = CreditReportSerializer


# -- capital (实际到资) ----------------------------------------------------------------------------------


class ReportCapitalSourceSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=CapitalSource.choices,
                                     help_text=_("资金来源：in_province 内资（省内）、out_of_province 省外资金、foreign 外资。"))
    label = serializers.CharField()
    count = serializers.IntegerField(help_text=_("到资笔数。"))
    amount = Money(help_text=_("折人民币金额（万元），按到资当日汇率中间价折算。"))
    share = Number(help_text=_("占实际到资合计的比例（%）。"))


class ReportCapitalMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text=_("月份，YYYY-MM。"))
    count = serializers.IntegerField()
    amount = Money()
    by_source = serializers.DictField(child=Money(), help_text=_("各资金来源的金额（万元）。"))


class ReportCapitalParkSerializer(serializers.Serializer):
    park_id = serializers.IntegerField(allow_null=True)
    park = serializers.CharField()
    count = serializers.IntegerField()
    amount = Money()


class ReportCapitalChainSerializer(serializers.Serializer):
    chain = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    amount = Money()


class ReportCapitalTotalsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    amount = Money()


class CapitalReportSerializer(YearEarlierMixin):
    filters = ReportFiltersSerializer()
    as_of = serializers.DateTimeField()
    start = serializers.DateField(help_text=_("统计区间起始日（全部时间为 2000 年 1 月 1 日）。"))
    end = serializers.DateField(help_text=_("统计区间截止日（全部时间为本年 12 月 31 日）。"))
    totals = ReportCapitalTotalsSerializer()
    by_source = ReportCapitalSourceSerializer(many=True)
    by_month = ReportCapitalMonthSerializer(many=True)
    by_park = ReportCapitalParkSerializer(many=True)
    by_chain = ReportCapitalChainSerializer(many=True)


@_report_schema(_("实际到资报表：按资金来源（内资、省外、外资）、月份、园区、产业链，及上年同期"), CapitalReportSerializer)
class CapitalReportView(ReportView):
    page = "capital"
    selector = staticmethod(capital_report)
    serializer_class = CapitalReportSerializer
