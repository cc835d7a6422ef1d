import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm.validators import LINE_VALIDATORS, LONG_TEXT_MAX_LENGTH, LONG_TEXT_VALIDATORS, validate_plausible_date

from .base import TimeStampedModel
from .lists import IndustryChain, ListCodeField, SourceChannel, list_check_segment

KEY_PROJECT_THRESHOLD = Decimal("10000")  # 万元 = 1 亿: 亿元以上项目
MAJOR_PROJECT_THRESHOLD = Decimal("100000")  # 万元 = 10 亿: 十亿元以上重大项目


class Stage(models.TextChoices):
    """A project's stage in the 招商 pipeline, in pipeline order, then the two side states."""

    LEAD = "lead", _("线索")
    CONTACTED = "contacted", _("初步接洽")
    NEGOTIATING = "negotiating", _("深度洽谈")
    SIGNED = "signed", _("签约")
    REGISTERED = "registered", _("注册落地")
    CONSTRUCTION = "construction", _("开工")
    PRODUCTION = "production", _("投产")
    ON_HOLD = "on_hold", _("暂缓")
    LOST = "lost", _("终止")


PIPELINE = [Stage.LEAD, Stage.CONTACTED, Stage.NEGOTIATING, Stage.SIGNED, Stage.REGISTERED, Stage.CONSTRUCTION, Stage.PRODUCTION]
ACTIVE_STAGES = [Stage.LEAD, Stage.CONTACTED, Stage.NEGOTIATING, Stage.SIGNED, Stage.REGISTERED, Stage.CONSTRUCTION]
LANDED_STAGES = [Stage.REGISTERED, Stage.CONSTRUCTION, Stage.PRODUCTION]
# 签约 and beyond: the projects whose investment is committed (承诺投资) and whose landing commitments are kept.
SIGNED_OR_LATER = [Stage.SIGNED, *LANDED_STAGES]


class ProjectQuerySet(models.QuerySet):
    def active(self):
        """Still being worked: not yet producing, not on hold, not lost."""
        return self.filter(stage__in=ACTIVE_STAGES)

    def owned_by(self, user):
        return self.filter(Q(owner=user) | Q(co_officers=user)).distinct()

    def key(self):
        return self.filter(total_investment__gte=KEY_PROJECT_THRESHOLD)

    def major(self):
        return self.filter(total_investment__gte=MAJOR_PROJECT_THRESHOLD)

    def with_last_follow_up(self):
        return self.annotate(last_follow_up_on=models.Max("follow_ups__occurred_on"))


class Project(TimeStampedModel):
    """招商项目: an investment lead driven from first contact (线索) to a producing project (投产).

    Its stage changes only through ``crm.pipeline.services.project_change_stage``, which writes a
    ``ProjectStageChange``; the funnel, conversion and velocity reports are computed from those rows.
    """

    name = models.CharField(_("项目名称"), max_length=200, validators=LINE_VALIDATORS)
    enterprise = models.ForeignKey(
        "crm.Enterprise", verbose_name=_("投资企业"), on_delete=models.PROTECT, related_name="projects"
    )
    industry_chain = ListCodeField(_("产业链"), list_model="crm.IndustryChain", default=IndustryChain.OTHER)
    # db_default: the previous release's code, which does not know the column, still inserts rows (docs/upgrades.md).
    chain_segment = ListCodeField(
        _("产业链环节"), list_model="crm.ChainSegment", blank=True, default="", db_default="",
        help_text=_("如机器人“大脑”或“小脑”；可不填。"),
    )
    segment = models.CharField(
        _("细分赛道"), max_length=50, blank=True, help_text=_("如机器人“大脑”（大模型）或“小脑”（运动控制）。"),
        validators=LINE_VALIDATORS,
    )
    source_channel = ListCodeField(_("来源渠道"), list_model="crm.SourceChannel", default=SourceChannel.WALK_IN)
    source_event = models.ForeignKey(
        "crm.Event", verbose_name=_("来源活动"), on_delete=models.SET_NULL, null=True, blank=True, related_name="projects"
    )
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("拟落地园区"), on_delete=models.PROTECT, null=True, blank=True, related_name="projects"
    )
    total_investment = models.DecimalField(_("总投资（万元）"), max_digits=14, decimal_places=2, default=0)
    fixed_asset_investment = models.DecimalField(_("固定资产投资（万元）"), max_digits=14, decimal_places=2, default=0)
    expected_annual_output = models.DecimalField(_("预计年产值（万元）"), max_digits=14, decimal_places=2, default=0)
    expected_annual_tax = models.DecimalField(_("预计年税收（万元）"), max_digits=14, decimal_places=2, default=0)
    land_need_m2 = models.DecimalField(_("用地需求（m²）"), max_digits=12, decimal_places=2, null=True, blank=True)
    land_use_need = models.CharField(_("用地性质需求"), max_length=10, blank=True, choices=[
        ("M1", _("工业用地 M1")), ("M0", _("新型产业用地 M0")), ("B", _("商业用地")), ("RD", _("科研用地")),
    ])
    space_need_m2 = models.DecimalField(_("空间需求（m²）"), max_digits=12, decimal_places=2, null=True, blank=True)
    headcount_planned = models.PositiveIntegerField(_("计划用工人数"), null=True, blank=True)

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("负责人"), on_delete=models.PROTECT, related_name="owned_projects"
    )
    co_officers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("协办人"), related_name="co_projects", blank=True
    )
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices, default=Stage.LEAD, editable=False)
    stage_changed_at = models.DateTimeField(_("进入当前阶段时间"), null=True, blank=True, editable=False)
    lost_reason = models.TextField(
        _("终止原因"), blank=True, editable=False, max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS
    )
    expected_signing_on = models.DateField(_("预计签约日期"), null=True, blank=True, validators=[validate_plausible_date])
    next_step = models.CharField(_("下一步"), max_length=200, blank=True, validators=LINE_VALIDATORS)
    next_follow_up_on = models.DateField(_("下次跟进日期"), null=True, blank=True, validators=[validate_plausible_date])
    followed_up_on = models.DateField(
        _("最近跟进日期"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("最近一次跟进记录的日期，由跟进服务维护，供“久未跟进”提醒使用。"),
        validators=[validate_plausible_date],
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("招商项目")
        verbose_name_plural = _("招商项目")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total_investment__gte=0)
                & Q(fixed_asset_investment__gte=0)
                & Q(expected_annual_output__gte=0)
                & Q(expected_annual_tax__gte=0),
                name="crm_project_amounts_non_negative",
            ),
            models.CheckConstraint(
                condition=~Q(stage="lost") | ~Q(lost_reason=""), name="crm_project_lost_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(fixed_asset_investment__lte=models.F("total_investment")) | Q(total_investment=0),
                name="crm_project_fixed_asset_within_total",
            ),
        ]
        indexes = [
            # The officer's pipeline list: my projects by stage.
            models.Index(fields=["owner", "stage"], name="crm_project_owner_stage_idx"),
            models.Index(fields=["stage", "total_investment"], name="crm_project_stage_amount_idx"),
            # The follow-up reminder sweep: active projects whose next follow-up date has come.
            models.Index(fields=["next_follow_up_on"], name="crm_project_next_follow_idx"),
            # The "no follow-up for 14 days" reminder: active projects by the date of their last follow-up ...
            models.Index(
                fields=["followed_up_on"], condition=Q(stage__in=ACTIVE_STAGES), name="crm_project_followed_up_idx"
            ),
            # ... and, for those never followed up, by creation time.
            models.Index(
                fields=["created_at"],
                condition=Q(stage__in=ACTIVE_STAGES, followed_up_on__isnull=True),
                name="crm_project_never_followed_idx",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        list_check_segment(self.industry_chain, self.chain_segment)

    @property
    def is_key(self) -> bool:
        return self.total_investment >= KEY_PROJECT_THRESHOLD

    @property
    def is_major(self) -> bool:
        return self.total_investment >= MAJOR_PROJECT_THRESHOLD

    @property
    def priority_label(self) -> str:
        if self.is_major:
            return _("重大项目（≥10亿）")
        if self.is_key:
            return _("重点项目（≥1亿）")
        return _("一般项目")


class ProjectStageChange(models.Model):
    """阶段变更记录: who moved a project, when, from which stage to which, and why."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("原阶段"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("新阶段"), max_length=20, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("说明"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS)
    changed_at = models.DateTimeField(_("变更时间"), db_index=True)

    class Meta:
        verbose_name = _("阶段变更")
        verbose_name_plural = _("阶段变更")
        ordering = ["changed_at", "id"]
        indexes = [
            models.Index(fields=["project", "changed_at"], name="crm_stagechange_project_idx"),
            # Funnel and "landed this year" reports: who entered a stage within a date range.
            models.Index(fields=["to_stage", "changed_at"], name="crm_stagechange_to_stage_idx"),
        ]

    def __str__(self):
        return f"{self.get_from_stage_display() or '—'} → {self.get_to_stage_display()}"


class ProjectCredit(models.Model):
    """业绩分成: how the credit for one signed project is split between officers, units and events.

    The project is still counted once in every report; this only records the split.
    """

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="credits")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("人员"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.CharField(_("单位"), max_length=100, blank=True, help_text=_("如镇街或部门名称。"), validators=LINE_VALIDATORS)
    share_percent = models.DecimalField(_("分成比例（%）"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("业绩分成")
        verbose_name_plural = _("业绩分成")
        constraints = [
            models.CheckConstraint(
                condition=Q(share_percent__gt=0) & Q(share_percent__lte=100), name="crm_credit_share_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.officer or self.unit} {self.share_percent}%"


class FollowUp(TimeStampedModel):
    """跟进记录: a visit, call, meeting or event encounter with a project's investor."""

    class Kind(models.TextChoices):
        VISIT = "visit", _("走访")
        CALL = "call", _("电话")
        MEETING = "meeting", _("会谈")
        EVENT = "event", _("活动对接")
        OTHER = "other", _("其他")

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("方式"), max_length=20, choices=Kind.choices, default=Kind.VISIT)
    occurred_on = models.DateField(_("跟进日期"), validators=[validate_plausible_date])
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("跟进人"), on_delete=models.PROTECT, related_name="follow_ups"
    )
    event = models.ForeignKey(
        "crm.Event", verbose_name=_("活动"), on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups"
    )
    note = models.TextField(_("跟进内容"), max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS)
    next_step = models.CharField(_("下一步"), max_length=200, blank=True, validators=LINE_VALIDATORS)
    next_follow_up_on = models.DateField(_("下次跟进日期"), null=True, blank=True, validators=[validate_plausible_date])

    class Meta:
        verbose_name = _("跟进记录")
        verbose_name_plural = _("跟进记录")
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["project", "occurred_on"], name="crm_followup_project_date_idx")]

    def __str__(self):
        return f"{self.occurred_on} {self.get_kind_display()}"


class Event(TimeStampedModel):
    """活动: an alliance forum or matchmaking session (e.g. 基因组学论坛, “西湖链链看”) that produces projects."""

    class Kind(models.TextChoices):
        FORUM = "forum", _("论坛")
        MATCHMAKING = "matchmaking", _("对接会")
        ROADSHOW = "roadshow", _("路演")
        ALLIANCE = "alliance", _("联盟活动")

    name = models.CharField(_("活动名称"), max_length=200, validators=LINE_VALIDATORS)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.FORUM)
    held_on = models.DateField(_("举办日期"), validators=[validate_plausible_date])
    location = models.CharField(_("地点"), max_length=200, blank=True, validators=LINE_VALIDATORS)
    organizer = models.CharField(_("主办方"), max_length=200, blank=True, validators=LINE_VALIDATORS)
    park = models.ForeignKey("parks.Park", verbose_name=_("园区"), on_delete=models.SET_NULL, null=True, blank=True)
    description = models.TextField(
        _("说明"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS
    )

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-held_on"]
        constraints = [models.UniqueConstraint(fields=["name", "held_on"], name="crm_event_unique_name_date")]

    def __str__(self):
        return f"{self.name}（{self.held_on:%Y-%m-%d}）"


class Milestone(models.TextChoices):
    LAND_DELIVERY = "land_delivery", _("交地")
    CONSTRUCTION_START = "construction_start", _("开工")
    COMPLETION = "completion", _("竣工")
    FULL_PRODUCTION = "full_production", _("达产")


class ProjectMilestone(TimeStampedModel):
    """落地节点: a signed project's planned and actual date of 交地, 开工, 竣工 or 达产."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("节点"), max_length=30, choices=Milestone.choices)
    planned_on = models.DateField(_("计划日期"), validators=[validate_plausible_date])
    actual_on = models.DateField(_("实际日期"), null=True, blank=True, validators=[validate_plausible_date])

    class Meta:
        verbose_name = _("落地节点")
        verbose_name_plural = _("落地节点")
        ordering = ["planned_on"]
        constraints = [models.UniqueConstraint(fields=["project", "kind"], name="crm_milestone_unique_kind")]
        indexes = [
            # Milestone reminders: planned dates still without an actual date.
            models.Index(fields=["planned_on"], condition=Q(actual_on__isnull=True), name="crm_milestone_open_idx"),
        ]


class CapitalSource(models.TextChoices):
    """资金来源, as the Zhejiang 招商引资 statistics split 实际到位资金 (docs/reports.md, “实际到资”)."""

    IN_PROVINCE = "in_province", _("内资（省内）")
    OUT_OF_PROVINCE = "out_of_province", _("省外资金")
    FOREIGN = "foreign", _("外资")


class Currency(models.TextChoices):
    """到资币种: 人民币 and the currencies of the 中国人民银行 人民币汇率中间价 the park meets most."""

    CNY = "CNY", _("人民币")
    USD = "USD", _("美元")
    EUR = "EUR", _("欧元")
    HKD = "HKD", _("港元")
    JPY = "JPY", _("日元")
    GBP = "GBP", _("英镑")


class EvidenceKind(models.TextChoices):
    """到资凭证: what proves the money arrived."""

    BANK_SLIP = "bank_slip", _("银行进账单")
    CAPITAL_VERIFICATION = "capital_verification", _("验资报告")


def capital_evidence_upload_to(instance, filename):
    # Under MEDIA_ROOT (outside the web root) with a random name; served only by crm.views.capital_evidence_download.
    return f"capital/{instance.project_id}/{uuid.uuid4().hex}"


class ExchangeRate(TimeStampedModel):
    """人民币汇率中间价: how many 元 one unit of a currency was worth on a day, as the 中国人民银行 published it
    (staff enter it; JPY is published per 100 and is entered here per 1). An arrival in that currency is converted
    at the rate of its day, or of the latest earlier day that has one."""

    day = models.DateField(_("日期"), validators=[validate_plausible_date])
    currency = models.CharField(_("币种"), max_length=3, choices=[c for c in Currency.choices if c[0] != "CNY"])
    rate = models.DecimalField(
        _("中间价（元/单位外币）"), max_digits=12, decimal_places=6,
        help_text=_("1 单位外币折合人民币元数，如 1 美元 = 7.1000 元；日元按 1 日元填写（中间价公布的是 100 日元）。"),
    )

    class Meta:
        verbose_name = _("汇率中间价")
        verbose_name_plural = _("汇率中间价")
        ordering = ["-day", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "day"], name="crm_exchangerate_unique_day"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="crm_exchangerate_rate_positive"),
            models.CheckConstraint(condition=~Q(currency="CNY"), name="crm_exchangerate_not_cny"),
        ]

    def __str__(self):
        return f"{self.currency} {self.day:%Y-%m-%d} {self.rate}"


class CapitalArrival(TimeStampedModel):
    """实际到资: one arrival of committed capital. ``original_amount`` is what the bank slip says, in 元 of its
    currency; ``amount`` is that in 万元 at the day's rate (original × rate / 10,000, to the fen), the figure every
    report sums. ``original_amount`` is empty only on a row an older release wrote (then it is CNY, amount × 10,000)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="capital_arrivals")
    arrived_on = models.DateField(_("到资日期"), validators=[validate_plausible_date])
    amount = models.DecimalField(_("到资金额（万元）"), max_digits=14, decimal_places=2)
    # db_default: the previous release's code, which does not know these columns, still inserts rows (docs/upgrades.md).
    source = models.CharField(
        _("资金来源"), max_length=20, choices=CapitalSource.choices,
        default=CapitalSource.IN_PROVINCE, db_default=CapitalSource.IN_PROVINCE,
        help_text=_("内资（省内）：省内企业或个人的资金；省外资金：浙江省外境内的资金；外资：境外投资者的资金（实际使用外资）。"),
    )
    currency = models.CharField(_("币种"), max_length=3, choices=Currency.choices, default=Currency.CNY,
                                db_default=Currency.CNY)
    original_amount = models.DecimalField(
        _("原币金额（元）"), max_digits=18, decimal_places=2, null=True, blank=True,
        help_text=_("银行进账单上的金额，以原币种的元计（如 1,000,000.00 美元）。"),
    )
    rate = models.DecimalField(
        _("折算汇率（元/单位外币）"), max_digits=12, decimal_places=6, default=Decimal("1"), db_default=Decimal("1"),
        help_text=_("到资当日（或之前最近一日）的人民币汇率中间价；人民币为 1。"),
    )
    evidence_kind = models.CharField(_("凭证类型"), max_length=30, choices=EvidenceKind.choices, blank=True,
                                     default="", db_default="")
    evidence = models.FileField(
        _("到资凭证"), upload_to=capital_evidence_upload_to, blank=True, default="", db_default="",
        help_text=_("银行进账单或验资报告：PDF、JPEG、PNG、DOCX 或 XLSX，不超过 10 MB。"),
    )
    evidence_name = models.CharField(_("凭证文件名"), max_length=200, blank=True, default="", db_default="",
                                     validators=LINE_VALIDATORS)
    note = models.CharField(_("说明"), max_length=200, blank=True, validators=LINE_VALIDATORS)

    class Meta:
        verbose_name = _("到资记录")
        verbose_name_plural = _("到资记录")
        ordering = ["arrived_on"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="crm_capital_amount_positive"),
            models.CheckConstraint(condition=Q(original_amount__isnull=True) | Q(original_amount__gt=0),
                                   name="crm_capital_original_positive"),
            models.CheckConstraint(condition=Q(rate__gt=0), name="crm_capital_rate_positive"),
            models.CheckConstraint(condition=~Q(currency="CNY") | Q(rate=1), name="crm_capital_cny_rate_one"),
        ]
        indexes = [
            # The capital report and the monthly return: arrivals of a period, split by source.
            models.Index(fields=["arrived_on", "source"], name="crm_capital_day_source_idx"),
        ]

    @property
    def original(self) -> Decimal:
        """原币金额 in 元, also for a row an older release wrote (CNY, 万元 × 10,000)."""
        return self.original_amount if self.original_amount is not None else self.amount * 10_000


class AnnualCommitment(TimeStampedModel):
    """年度承诺与考核: the yearly figures a landed project committed to, and the actuals of its review."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="commitments")
    year = models.PositiveSmallIntegerField(_("年度"))
    output_per_mu = models.DecimalField(_("承诺亩均产值（万元/亩）"), max_digits=12, decimal_places=2, default=0)
    tax_per_mu = models.DecimalField(_("承诺亩均税收（万元/亩）"), max_digits=12, decimal_places=2, default=0)
    headcount = models.PositiveIntegerField(_("承诺用工人数"), default=0)
    actual_output_per_mu = models.DecimalField(_("实际亩均产值"), max_digits=12, decimal_places=2, null=True, blank=True)
    actual_tax_per_mu = models.DecimalField(_("实际亩均税收"), max_digits=12, decimal_places=2, null=True, blank=True)
    actual_headcount = models.PositiveIntegerField(_("实际用工人数"), null=True, blank=True)
    reviewed_on = models.DateField(_("考核日期"), null=True, blank=True, validators=[validate_plausible_date])

    class Meta:
        verbose_name = _("年度承诺")
        verbose_name_plural = _("年度承诺")
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="crm_commitment_unique_year"),
            models.CheckConstraint(condition=Q(output_per_mu__gte=0) & Q(tax_per_mu__gte=0), name="crm_commitment_non_negative"),
        ]
