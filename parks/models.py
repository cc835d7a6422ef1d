"""Supply side of the park: platforms, land parcels, rentable spaces and incentive policies."""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm.models import ListCodeField, ListEntry, TimeStampedModel
from crm.text import number
from crm.validators import LINE_VALIDATORS, LONG_TEXT_MAX_LENGTH, LONG_TEXT_VALIDATORS, validate_plausible_date

from .validators import validate_polygon


class Park(TimeStampedModel):
    """园区/平台: the science city itself or one of its sub-parks, incubators and transformation bases."""

    class Kind(models.TextChoices):
        SCIENCE_CITY = "science_city", _("科技城")
        INDUSTRIAL_PARK = "industrial_park", _("产业园")
        PILOT_ZONE = "pilot_zone", _("先导区")
        INCUBATOR = "incubator", _("孵化器")
        TRANSFORMATION_BASE = "transformation_base", _("成果转化基地")
        SERVICE_COMPLEX = "service_complex", _("服务综合体")

    name = models.CharField(_("名称"), max_length=100, unique=True, validators=LINE_VALIDATORS)
    short_name = models.CharField(_("简称"), max_length=50, blank=True, validators=LINE_VALIDATORS)
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级园区"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    planned_area_km2 = models.DecimalField(_("规划面积（km²）"), max_digits=8, decimal_places=2, null=True, blank=True)
    target_built_area_m2 = models.DecimalField(
        _("目标建筑面积（m²）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    target_enterprises = models.PositiveIntegerField(_("目标入驻企业数"), null=True, blank=True)
    established_on = models.DateField(_("设立日期"), null=True, blank=True, validators=[validate_plausible_date])
    description = models.TextField(
        _("简介"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS
    )

    class Meta:
        verbose_name = _("园区")
        verbose_name_plural = _("园区")
        ordering = ["name"]

    def __str__(self):
        return self.short_name or self.name


class LandUse(models.TextChoices):
    INDUSTRIAL_M1 = "M1", _("工业用地 M1")
    INDUSTRIAL_M0 = "M0", _("新型产业用地 M0")
    COMMERCIAL = "B", _("商业用地")
    RESIDENTIAL = "R", _("住宅用地")
    COMMERCIAL_RESIDENTIAL = "BR", _("商住用地")
    RESEARCH = "RD", _("科研用地")


class ParcelStatus(models.TextChoices):
    PLANNED = "planned", _("规划中")
    AVAILABLE = "available", _("可供地")
    RESERVED = "reserved", _("已预留")
    LISTED = "listed", _("挂牌中")
    TRANSFERRED = "transferred", _("已出让")
    UNDER_CONSTRUCTION = "under_construction", _("在建")
    DELIVERED = "delivered", _("已交付")


# Statuses in which the parcel has gone to a project; the project is then required.
PARCEL_COMMITTED_STATUSES = [ParcelStatus.TRANSFERRED, ParcelStatus.UNDER_CONSTRUCTION, ParcelStatus.DELIVERED]
# Statuses in which the parcel is still on offer (a project may be offered it).
PARCEL_FREE_STATUSES = [ParcelStatus.AVAILABLE, ParcelStatus.LISTED]


class LandParcel(TimeStampedModel):
    """地块: a parcel of land the park can offer.

    Its status, project and transfer date change only through the parcel services
    (``parks.services.parcel_change_status``, ``parcel_reserve``, ``parcel_transfer``), which lock the row:
    two officers reserving the same parcel for different projects at once — one wins, the other is told
    whose it is. A parcel goes to at most one project (the foreign key), and the constraints below keep a
    transferred parcel from ever looking free again.
    """

    code = models.CharField(_("地块编号"), max_length=50, unique=True, validators=LINE_VALIDATORS)
    name = models.CharField(_("地块名称"), max_length=100, blank=True, validators=LINE_VALIDATORS)
    park = models.ForeignKey(Park, verbose_name=_("园区"), on_delete=models.PROTECT, related_name="parcels")
    land_use = models.CharField(_("用地性质"), max_length=5, choices=LandUse.choices)
    area_m2 = models.DecimalField(_("面积（m²）"), max_digits=12, decimal_places=2)
    far_min = models.DecimalField(_("容积率下限"), max_digits=4, decimal_places=2, null=True, blank=True)
    far_max = models.DecimalField(_("容积率上限"), max_digits=4, decimal_places=2, null=True, blank=True)
    reserve_price = models.DecimalField(_("起始价（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("状态"), max_length=30, choices=ParcelStatus.choices, default=ParcelStatus.PLANNED, editable=False)
    project = models.ForeignKey(
        "crm.Project",
        verbose_name=_("落地项目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parcels",
        editable=False,
        help_text=_("一宗地块至多出让给一个项目。"),
    )
    transferred_on = models.DateField(
        _("出让日期"), null=True, blank=True, editable=False, validators=[validate_plausible_date]
    )
    transfer_price = models.DecimalField(_("成交价（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    address = models.CharField(_("位置"), max_length=200, blank=True, validators=LINE_VALIDATORS)
    outline = models.JSONField(
        _("地块轮廓（GeoJSON）"),
        null=True,
        blank=True,
        validators=[validate_polygon],
        help_text=_('GeoJSON Polygon 几何，坐标为 [经度, 纬度]，如 {"type": "Polygon", "coordinates": [[[120.07, 30.29], …]]}。'),
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "outline"])

    class Meta:
        verbose_name = _("地块")
        verbose_name_plural = _("地块")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(area_m2__gt=0), name="parks_landparcel_area_positive"),
            models.CheckConstraint(
                condition=(Q(reserve_price__isnull=True) | Q(reserve_price__gte=0))
                & (Q(transfer_price__isnull=True) | Q(transfer_price__gte=0)),
                name="parks_landparcel_prices_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(far_min__isnull=True) | Q(far_max__isnull=True) | Q(far_min__lte=models.F("far_max")),
                name="parks_landparcel_far_bounds",
            ),
            # Once transferred, a parcel belongs to exactly one project and has a transfer date.
            models.CheckConstraint(
                condition=~Q(status__in=PARCEL_COMMITTED_STATUSES) | Q(project__isnull=False, transferred_on__isnull=False),
                name="parks_landparcel_transferred_has_project",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=[ParcelStatus.PLANNED, ParcelStatus.AVAILABLE]) | Q(project__isnull=True),
                name="parks_landparcel_free_has_no_project",
            ),
            # 预留: reserved for one named project.
            models.CheckConstraint(
                condition=~Q(status=ParcelStatus.RESERVED) | Q(project__isnull=False),
                name="parks_landparcel_reserved_has_project",
            ),
            # A transfer date only on a transferred parcel: with the constraint above, a parcel that was
            # transferred cannot be made free again without erasing its transfer (which no service does).
            models.CheckConstraint(
                condition=Q(transferred_on__isnull=True) | Q(status__in=PARCEL_COMMITTED_STATUSES),
                name="parks_landparcel_transfer_date_only_when_transferred",
            ),
        ]
        indexes = [models.Index(fields=["status", "land_use"], name="parks_parcel_status_use_idx")]

    def __str__(self):
        return self.code


class Space(TimeStampedModel):
    """载体空间: a rentable unit in a building or workshop, e.g. a 1,300 m² smart-manufacturing centre with 3 years rent-free."""

    class Kind(models.TextChoices):
        OFFICE = "office", _("办公")
        WORKSHOP = "workshop", _("厂房")
        LAB = "lab", _("实验室")
        INCUBATOR = "incubator", _("孵化空间")

    class Status(models.TextChoices):
        VACANT = "vacant", _("空置")
        RESERVED = "reserved", _("已预定")
        OCCUPIED = "occupied", _("已入驻")

    park = models.ForeignKey(Park, verbose_name=_("园区"), on_delete=models.PROTECT, related_name="spaces")
    building = models.CharField(_("楼宇"), max_length=100, validators=LINE_VALIDATORS)
    unit = models.CharField(_("单元"), max_length=50, validators=LINE_VALIDATORS)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.OFFICE)
    area_m2 = models.DecimalField(_("面积（m²）"), max_digits=10, decimal_places=2)
    rent_per_m2_day = models.DecimalField(_("租金（元/m²·天）"), max_digits=8, decimal_places=2, default=0)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.VACANT)
    occupant = models.ForeignKey(
        "crm.Enterprise", verbose_name=_("入驻企业"), on_delete=models.PROTECT, null=True, blank=True, related_name="spaces"
    )
    lease_start = models.DateField(_("起租日期"), null=True, blank=True, validators=[validate_plausible_date])
    lease_end = models.DateField(_("租期截止"), null=True, blank=True, validators=[validate_plausible_date])
    rent_free_months = models.PositiveSmallIntegerField(
        _("免租期（月）"), default=0, help_text=_("自起租日起免收租金的月数，如 3 年免租填 36。")
    )

    class Meta:
        verbose_name = _("载体空间")
        verbose_name_plural = _("载体空间")
        ordering = ["park", "building", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["park", "building", "unit"], name="parks_space_unique_unit"),
            models.CheckConstraint(condition=Q(area_m2__gt=0) & Q(rent_per_m2_day__gte=0), name="parks_space_amounts_valid"),
            models.CheckConstraint(
                condition=~Q(status="occupied") | Q(occupant__isnull=False), name="parks_space_occupied_has_occupant"
            ),
            models.CheckConstraint(
                condition=~Q(status="vacant") | Q(occupant__isnull=True), name="parks_space_vacant_has_no_occupant"
            ),
            models.CheckConstraint(
                condition=Q(lease_start__isnull=True) | Q(lease_end__isnull=True) | Q(lease_end__gte=models.F("lease_start")),
                name="parks_space_lease_window",
            ),
        ]
        indexes = [
            # The rent-free reminder (parks.reminders): occupied units by lease start, shifted by their free months.
            models.Index(fields=["lease_start"], condition=Q(status="occupied", rent_free_months__gt=0),
                         name="parks_space_rent_free_idx"),
        ]

    def __str__(self):
        return f"{self.building} {self.unit}"

    @property
    def rent_free_ends_on(self) -> dt.date | None:
        """免租期满日: the lease start plus the rent-free months — the first day rent is due."""
        return rent_free_end(self.lease_start, self.rent_free_months)

    def clean(self):
        errors = {}
        if self.status == self.Status.OCCUPIED and self.occupant_id is None:
            errors["occupant"] = _("已入驻的空间必须填写入驻企业。")
        if self.status == self.Status.VACANT and self.occupant_id is not None:
            errors["occupant"] = _("空置的空间不能有入驻企业；请先把状态改为“已入驻”或“已预定”。")
        if self.lease_start and self.lease_end and self.lease_end < self.lease_start:
            errors["lease_end"] = _("租期截止不能早于起租日期。")
        if self.rent_free_months and self.lease_start is None:
            errors["lease_start"] = _("有免租期时必须填写起租日期，才能算出免租期满日。")
        if errors:
            raise ValidationError(errors)


def rent_free_end(lease_start: dt.date | None, months: int) -> dt.date | None:
    """The day rent starts after ``months`` rent-free months from ``lease_start`` (e.g. 2024-03-01 + 36 → 2027-03-01);
    a month-end start stays at the month end (2024-01-31 + 1 → 2024-02-29). None without a lease start or free months."""
    if lease_start is None or not months:
        return None
    return lease_start + relativedelta(months=months)


class Policy(TimeStampedModel):
    """政策: an incentive package such as 信创“紫金十条”, made of clauses."""

    name = models.CharField(_("政策名称"), max_length=200, unique=True, validators=LINE_VALIDATORS)
    short_name = models.CharField(_("简称"), max_length=50, blank=True, validators=LINE_VALIDATORS)
    issuer = models.CharField(_("发布单位"), max_length=100, blank=True, validators=LINE_VALIDATORS)
    issued_on = models.DateField(_("发布日期"), null=True, blank=True, validators=[validate_plausible_date])
    valid_from = models.DateField(_("生效日期"), null=True, blank=True, validators=[validate_plausible_date])
    valid_until = models.DateField(_("失效日期"), null=True, blank=True, validators=[validate_plausible_date])
    park = models.ForeignKey(Park, verbose_name=_("适用园区"), on_delete=models.PROTECT, null=True, blank=True)
    is_published = models.BooleanField(_("已发布"), default=True, help_text=_("发布后企业用户可见。"))
    summary = models.TextField(_("摘要"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS)

    class Meta:
        verbose_name = _("政策")
        verbose_name_plural = _("政策")
        ordering = ["-issued_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="parks_policy_valid_window",
            ),
        ]

    def __str__(self):
        return self.short_name or self.name


class BenefitKind(ListEntry):
    """支持方式: how a policy clause supports an enterprise, e.g. 房租补贴 (a list edited in the admin)."""

    # The codes of the seeded rows (parks.0006), named for the demo and the tests; the rows are the truth.
    RENT_FREE = "rent_free"
    RENT_SUBSIDY = "rent_subsidy"
    FUND_EQUITY = "fund_equity"
    TALENT_SUBSIDY = "talent_subsidy"
    RD_SUBSIDY = "rd_subsidy"
    FIRST_OF_KIND = "first_of_kind"
    INVESTMENT_AWARD = "investment_award"
    OTHER = "other"

    class Meta(ListEntry.Meta):
        verbose_name = _("支持方式")
        verbose_name_plural = _("支持方式")


# 预计可享: what an amount rule may be computed on (codes of parks.matching's year figures and staff counts).
AMOUNT_FIGURES = {
    "revenue": _("营业收入"), "tax": _("税收"), "rd_expense": _("研发投入"),
    "industrial_output": _("工业产值"), "value_added": _("工业增加值"), "financing": _("融资额"),
    # Not a yearly figure: the project's (or, for an enterprise, its largest project's) planned investment.
    "fixed_asset_investment": _("固定资产投资（项目）"),
}
AMOUNT_PEOPLE = {"headcount": _("从业人员（每人）"), "rd_headcount": _("研发人员（每人）")}
AMOUNT_RULES_WITH_BASIS = ("share_of_figure", "per_person")


class PolicyClause(TimeStampedModel):
    """条款: one clause of a policy, with its benefit, cap, eligibility criteria and amount rule (预计可享).

    The amount rule estimates what an eligible enterprise may receive (``parks.estimates``): 定额 a fixed
    sum; 按指标比例 a rate of one confirmed yearly figure; 按人 an amount per employee or R&D staff; 按面积
    an amount per m² of the space it rents in the park; 按月租金 months of its monthly rent — each capped
    at 最高金额 when one is set.
    """

    class AmountRule(models.TextChoices):
        FIXED = "fixed", _("定额")
        SHARE_OF_FIGURE = "share_of_figure", _("按指标比例")
        PER_PERSON = "per_person", _("按人")
        PER_SQM = "per_sqm", _("按面积")
        PER_MONTH_RENT = "per_month_rent", _("按月租金")

    policy = models.ForeignKey(Policy, verbose_name=_("政策"), on_delete=models.CASCADE, related_name="clauses")
    number = models.PositiveSmallIntegerField(_("条款序号"))
    title = models.CharField(_("标题"), max_length=200, validators=LINE_VALIDATORS)
    text = models.TextField(_("条款内容"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS)
    benefit_kind = ListCodeField(_("支持方式"), list_model="parks.BenefitKind")
    amount_cap = models.DecimalField(
        _("最高金额（万元）"), max_digits=14, decimal_places=2, null=True, blank=True, help_text=_("留空表示不设上限。")
    )
    formula = models.CharField(
        _("计算方式"), max_length=200, blank=True, help_text=_("如“按实际研发投入的 20% 补助”。"), validators=LINE_VALIDATORS
    )
    amount_rule = models.CharField(
        _("预计金额算法"), max_length=20, choices=AmountRule.choices, blank=True, default="", db_default="",
        help_text=_("用于给符合条件的企业估算“预计可享”金额；留空表示不估算。"),
    )
    amount_basis = models.CharField(
        _("计算依据"), max_length=30, blank=True, default="", db_default="", choices=[*AMOUNT_FIGURES.items(), *AMOUNT_PEOPLE.items()],
        help_text=_("“按指标比例”选一项年度指标，“按人”选从业人员或研发人员；其他算法不填。"),
    )
    amount_value = models.DecimalField(
        _("计算参数"), max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("定额：金额（万元）；按指标比例：比例（%）；按人：每人金额（万元）；按面积：每平方米金额（元）；"
                    "按月租金：月数。封顶金额即“最高金额”。"),
    )
    valid_from = models.DateField(_("生效日期"), null=True, blank=True, validators=[validate_plausible_date])
    valid_until = models.DateField(_("失效日期"), null=True, blank=True, validators=[validate_plausible_date])
    application_opens_on = models.DateField(
        _("网上申报开始日期"), null=True, blank=True, validators=[validate_plausible_date],
        help_text=_("与截止日期都填写后，符合条件的企业可在门户在线申报。"),
    )
    application_closes_on = models.DateField(
        _("网上申报截止日期"), null=True, blank=True, validators=[validate_plausible_date],
        help_text=_("当天仍可申报。"),
    )
    required_documents = models.TextField(
        _("申报材料"), blank=True, default="", db_default="", max_length=2000, validators=LONG_TEXT_VALIDATORS,
        help_text=_("在线申报须上传的材料，每行一项，如“研发费用专项审计报告”。"),
    )
    appeal_days = models.PositiveSmallIntegerField(
        _("异议期（天）"), default=15, db_default=15, help_text=_("申报未通过后，企业可在这么多天内提出异议、申请复核。"),
    )
    no_application = models.BooleanField(
        _("免申即享"), default=False, db_default=False,
        help_text=_("勾选后，每日匹配出的符合条件企业自动生成“待确认”的兑现记录，经办人确认后即核准，企业无需申请。"),
    )

    class Meta:
        verbose_name = _("政策条款")
        verbose_name_plural = _("政策条款")
        ordering = ["policy", "number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="parks_clause_unique_number"),
            models.CheckConstraint(condition=Q(amount_cap__isnull=True) | Q(amount_cap__gte=0), name="parks_clause_cap_non_negative"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="parks_clause_valid_window",
                violation_error_message=_("失效日期不能早于生效日期。"),
            ),
            models.CheckConstraint(
                condition=(Q(amount_rule="") & Q(amount_basis="") & Q(amount_value__isnull=True))
                | (~Q(amount_rule="") & Q(amount_value__isnull=False, amount_value__gte=0)
                   & ((Q(amount_rule__in=AMOUNT_RULES_WITH_BASIS) & ~Q(amount_basis=""))
                      | (~Q(amount_rule__in=AMOUNT_RULES_WITH_BASIS) & Q(amount_basis="")))),
                name="parks_clause_amount_rule_parameters",
                violation_error_message=_("预计金额算法须填写不小于 0 的计算参数，按指标比例和按人还须选择计算依据；不估算时都不填。"),
            ),
            models.CheckConstraint(
                condition=Q(application_opens_on__isnull=True, application_closes_on__isnull=True)
                | Q(application_opens_on__isnull=False, application_closes_on__isnull=False,
                    application_closes_on__gte=models.F("application_opens_on")),
                name="parks_clause_application_window",
                violation_error_message=_("网上申报的开始和截止日期须同时填写，截止日期不能早于开始日期。"),
            ),
        ]

    def __str__(self):
        return _("%(policy)s 第%(number)s条 %(title)s") % {"policy": self.policy, "number": self.number, "title": self.title}

    def clean(self):
        """The constraints above, as field errors a person can act on."""
        errors = {}
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("失效日期不能早于生效日期。")
        opens, closes = self.application_opens_on, self.application_closes_on
        if (opens is None) != (closes is None):
            field = "application_closes_on" if closes is None else "application_opens_on"
            errors[field] = _("网上申报的开始和截止日期须同时填写。")
        elif opens and closes and closes < opens:
            errors["application_closes_on"] = _("网上申报截止日期不能早于开始日期。")
        errors.update(self._amount_rule_errors())
        if errors:
            raise ValidationError(errors)

    def required_document_list(self) -> list[str]:
        """申报材料: the documents an online application must upload, one per line of ``required_documents``."""
        return [line.strip() for line in self.required_documents.splitlines() if line.strip()]

    def application_window_open(self, today: dt.date) -> bool:
        """网上申报期内: both dates set and ``today`` between them (both days included) — the one reading of the window."""
        opens, closes = self.application_opens_on, self.application_closes_on
        return opens is not None and closes is not None and opens <= today <= closes

    def _amount_rule_errors(self) -> dict:
        rule, basis, value = self.amount_rule, self.amount_basis, self.amount_value
        if not rule:
            errors = {}
            if basis:
                errors["amount_basis"] = _("未选择预计金额算法时不填计算依据。")
            if value is not None:
                errors["amount_value"] = _("未选择预计金额算法时不填计算参数。")
            return errors
        label = self.AmountRule(rule).label
        errors = {}
        if value is None:
            errors["amount_value"] = _("“%(rule)s”必须填写计算参数：%(what)s。") % {"rule": label, "what": AMOUNT_VALUE_MEANING[rule]}
        elif value < 0:
            errors["amount_value"] = _("计算参数不能为负数。")
        elif rule == self.AmountRule.SHARE_OF_FIGURE and value > 100:
            errors["amount_value"] = _("比例以百分数填写，不能超过 100。")
        elif rule == self.AmountRule.PER_MONTH_RENT and value != value.to_integral_value():
            errors["amount_value"] = _("月数须为整数。")
        wanted = AMOUNT_FIGURES if rule == self.AmountRule.SHARE_OF_FIGURE else AMOUNT_PEOPLE if rule == self.AmountRule.PER_PERSON else {}
        if wanted and basis not in wanted:
            errors["amount_basis"] = _("“%(rule)s”必须选择计算依据，可选：%(options)s。") % {
                "rule": label, "options": "、".join(str(v) for v in wanted.values()),
            }
        elif not wanted and basis:
            errors["amount_basis"] = _("“%(rule)s”不需要选择计算依据。") % {"rule": label}
        return errors


AMOUNT_VALUE_MEANING = {
    "fixed": _("金额（万元）"), "share_of_figure": _("比例（%）"), "per_person": _("每人金额（万元）"),
    "per_sqm": _("每平方米金额（元）"), "per_month_rent": _("月数"),
}


# The criterion kinds that compare a number, and those that pick an option (codes of EligibilityCriterion.Kind).
CRITERION_NUMBER_KINDS = (
    "min_investment", "min_fixed_asset", "min_headcount", "min_rd_headcount",
    "min_revenue", "min_tax", "min_rd_ratio", "min_tax_per_mu",
)
CRITERION_CHOICE_KINDS = ("industry_chain", "qualification", "min_stage", "mu_class_in")
# The kinds read from the enterprise's confirmed yearly figures (企业年度指标) and its 亩均 evaluation.
CRITERION_FIGURE_KINDS = ("min_revenue", "min_tax", "min_rd_ratio", "mu_class_in", "min_tax_per_mu")
MU_CLASSES = ("A", "B", "C", "D")


class EligibilityCriterion(models.Model):
    """申报条件: one machine-readable condition of a clause, e.g. “固定资产投资 ≥ 10,000 万元”.

    What each kind needs: the 最低… and “≥” kinds a number (万元, people, % or 万元/亩); 产业链, 企业资质,
    项目阶段 and 亩均评价类别 a code in ``choice`` (one 亩均 class per row: several rows are alternatives);
    注册在指定园区 a park (a sub-park counts as inside its parent). 营业收入, 税收, 研发经费占比, 亩均类别
    and 亩均税收 are read from the enterprise's latest confirmed yearly figures (企业年度指标) and its 亩均
    evaluation (亩均论英雄).
    Conditions of the same kind are alternatives (“信创 or 人工智能”); conditions of different kinds must
    all hold. Matching is in ``parks.matching``.
    """

    class Kind(models.TextChoices):
        INDUSTRY_CHAIN = "industry_chain", _("产业链")
        QUALIFICATION = "qualification", _("企业资质")
        MIN_INVESTMENT = "min_investment", _("最低总投资（万元）")
        MIN_FIXED_ASSET = "min_fixed_asset", _("最低固定资产投资（万元）")
        MIN_HEADCOUNT = "min_headcount", _("最低员工人数")
        MIN_RD_HEADCOUNT = "min_rd_headcount", _("最低研发人员数")
        IN_PARK = "in_park", _("注册在指定园区")
        MIN_STAGE = "min_stage", _("项目至少达到阶段")
        MIN_REVENUE = "min_revenue", _("营业收入 ≥（万元）")
        MIN_TAX = "min_tax", _("税收 ≥（万元）")
        MIN_RD_RATIO = "min_rd_ratio", _("研发经费占比 ≥（%）")
        MU_CLASS_IN = "mu_class_in", _("亩均评价类别属于")
        MIN_TAX_PER_MU = "min_tax_per_mu", _("亩均税收 ≥（万元/亩）")

    NUMBER_KINDS = CRITERION_NUMBER_KINDS
    CHOICE_KINDS = CRITERION_CHOICE_KINDS
    FIGURE_KINDS = CRITERION_FIGURE_KINDS

    clause = models.ForeignKey(PolicyClause, verbose_name=_("条款"), on_delete=models.CASCADE, related_name="criteria")
    kind = models.CharField(_("条件类型"), max_length=30, choices=Kind.choices)
    number = models.DecimalField(
        _("数值"), max_digits=14, decimal_places=2, null=True, blank=True,
        help_text=_("“最低…”与“≥”类条件填写：金额以万元计，人数以人计，占比以 % 计，亩均税收以万元/亩计。"),
    )
    choice = models.CharField(
        _("选项"), max_length=30, blank=True, help_text=_("产业链、企业资质、项目阶段或亩均评价类别，视条件类型而定。"),
        validators=LINE_VALIDATORS,
    )
    park = models.ForeignKey(
        Park, verbose_name=_("园区"), on_delete=models.CASCADE, null=True, blank=True,
        help_text=_("“注册在指定园区”时选择；下级园区视为在其上级园区内。"),
    )

    class Meta:
        verbose_name = _("申报条件")
        verbose_name_plural = _("申报条件")
        ordering = ["clause", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind__in=CRITERION_NUMBER_KINDS) & Q(number__isnull=False, number__gte=0))
                | (~Q(kind__in=CRITERION_NUMBER_KINDS) & Q(number__isnull=True)),
                name="parks_criterion_number_for_minimums",
                violation_error_message=_("“最低…”与“≥”类条件必须填写不小于 0 的数值，其他条件不填数值。"),
            ),
            models.CheckConstraint(
                condition=(Q(kind="in_park") & Q(park__isnull=False)) | (~Q(kind="in_park") & Q(park__isnull=True)),
                name="parks_criterion_park_for_in_park",
                violation_error_message=_("“注册在指定园区”必须选择园区，其他条件不选园区。"),
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=CRITERION_CHOICE_KINDS) & ~Q(choice=""))
                | (~Q(kind__in=CRITERION_CHOICE_KINDS) & Q(choice="")),
                name="parks_criterion_choice_for_options",
                violation_error_message=_("产业链、企业资质、项目阶段、亩均评价类别条件必须选择选项，其他条件不填选项。"),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.requirement_label()}"

    @classmethod
    def options_for(cls, kind: str, *, active_only: bool = False) -> list[tuple[str, str]]:
        """The codes ``choice`` may hold for ``kind`` (empty for kinds without options); chains and qualification
        kinds are the editable lists' entries, retired ones included unless ``active_only`` (a new criterion's)."""
        from crm.models import PIPELINE, IndustryChain, Stage, list_entries

        if kind == cls.Kind.INDUSTRY_CHAIN:
            return [(e.code, e.name) for e in list_entries("crm.IndustryChain")
                    if e.code != IndustryChain.OTHER and (e.is_active or not active_only)]
        if kind == cls.Kind.QUALIFICATION:
            return [(e.code, e.name) for e in list_entries("crm.QualificationKind") if e.is_active or not active_only]
        if kind == cls.Kind.MIN_STAGE:
            return [(s, str(Stage(s).label)) for s in PIPELINE]
        if kind == cls.Kind.MU_CLASS_IN:
            return [(c, _("%(klass)s 类") % {"klass": c}) for c in MU_CLASSES]
        return []

    def requirement_label(self) -> str:
        """What the condition asks, in words: “信创与商用密码”, “≥ 10,000”, “信创园”."""
        if self.kind in self.CHOICE_KINDS:
            return dict(self.options_for(self.kind)).get(self.choice, self.choice)
        if self.kind == self.Kind.IN_PARK:
            return str(self.park) if self.park_id else ""
        if self.number is None:
            return ""
        unit = {self.Kind.MIN_RD_RATIO: "%", self.Kind.MIN_TAX_PER_MU: " " + str(_("万元/亩"))}.get(self.kind, "")
        return f"≥ {number(self.number)}{unit}"

    def clean(self):
        """The constraints above, as field errors a person can act on."""
        errors = {}
        kind = self.kind
        if kind in self.NUMBER_KINDS:
            if self.number is None:
                errors["number"] = _("“%(kind)s”必须填写数值。") % {"kind": self.get_kind_display()}
            elif self.number < 0:
                errors["number"] = _("数值不能为负数。")
            elif kind == self.Kind.MIN_RD_RATIO and self.number > 100:
                errors["number"] = _("研发经费占比以百分数填写，不能超过 100。")
        elif self.number is not None:
            errors["number"] = _("“%(kind)s”不需要填写数值。") % {"kind": self.get_kind_display()}
        if kind in self.CHOICE_KINDS:
            options = dict(self.options_for(kind))
            if not self.choice:
                errors["choice"] = _("“%(kind)s”必须选择一个选项。") % {"kind": self.get_kind_display()}
            elif self.choice not in options:
                errors["choice"] = _("“%(value)s”不是“%(kind)s”的有效选项，可选：%(options)s。") % {
                    "value": self.choice, "kind": self.get_kind_display(), "options": "、".join(options.values()),
                }
        elif self.choice:
            errors["choice"] = _("“%(kind)s”不需要选择选项。") % {"kind": self.get_kind_display()}
        if kind == self.Kind.IN_PARK and self.park_id is None:
            errors["park"] = _("“注册在指定园区”必须选择园区。")
        elif kind != self.Kind.IN_PARK and self.park_id is not None:
            errors["park"] = _("只有“注册在指定园区”需要选择园区。")
        if errors:
            raise ValidationError(errors)


class PolicyGrant(TimeStampedModel):
    """政策兑现: a clause applied to an enterprise (and maybe one of its projects), with the money applied, approved and paid.

    Written only by ``parks.services.grants``: an approval above the clause's 最高金额 is refused, money paid
    (possibly in instalments) never exceeds money approved.
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待确认")
        APPLIED = "applied", _("已申请")
        APPROVED = "approved", _("已核准")
        DISBURSED = "disbursed", _("已拨付")
        REJECTED = "rejected", _("未通过")
        DISMISSED = "dismissed", _("不予推送")

    clause = models.ForeignKey(PolicyClause, verbose_name=_("条款"), on_delete=models.PROTECT, related_name="grants")
    enterprise = models.ForeignKey("crm.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="grants")
    project = models.ForeignKey(
        "crm.Project", verbose_name=_("项目"), on_delete=models.PROTECT, null=True, blank=True, related_name="grants"
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.APPLIED)
    applied_amount = models.DecimalField(_("申请金额（万元）"), max_digits=14, decimal_places=2, default=0)
    approved_amount = models.DecimalField(_("核准金额（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    disbursed_amount = models.DecimalField(_("拨付金额（万元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    applied_on = models.DateField(_("申请日期"), validators=[validate_plausible_date])
    approved_on = models.DateField(_("核准日期"), null=True, blank=True, validators=[validate_plausible_date])
    disbursed_on = models.DateField(
        _("拨付日期"), null=True, blank=True, help_text=_("分期拨付时为最近一次拨付的日期。"), validators=[validate_plausible_date]
    )
    decision_note = models.TextField(
        _("审核意见"), blank=True, help_text=_("不予兑现时必须填写原因。"),
        max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS,
    )
    proposal_reasons = models.JSONField(
        _("免申即享匹配依据"), null=True, blank=True, editable=False,
        help_text=_("系统推送时的匹配结论与各项条件的比对结果，作为免申即享的审计依据。"),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("政策兑现")
        verbose_name_plural = _("政策兑现")
        ordering = ["-applied_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(applied_amount__gte=0)
                & (Q(approved_amount__isnull=True) | Q(approved_amount__gte=0))
                & (Q(disbursed_amount__isnull=True) | Q(disbursed_amount__gte=0)),
                name="parks_grant_amounts_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(disbursed_amount__isnull=True) | Q(disbursed_amount__lte=models.F("approved_amount")),
                name="parks_grant_disbursed_within_approved",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "disbursed"]) | Q(approved_amount__isnull=False, approved_on__isnull=False),
                name="parks_grant_approved_has_amount",
            ),
            models.CheckConstraint(
                condition=~Q(status="disbursed") | Q(disbursed_amount__isnull=False, disbursed_on__isnull=False),
                name="parks_grant_disbursed_has_amount",
            ),
            # 免申即享: at most one proposal waiting per enterprise and clause (two daily runs racing write one).
            models.UniqueConstraint(
                fields=["clause", "enterprise"], condition=Q(status="proposed"), name="parks_grant_one_proposal",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.clause}"


class PolicyApplication(TimeStampedModel):
    """政策申报 (网上申报): an enterprise applying online for a clause, within the clause's application window.

    The application *is* a service request (企业诉求) of the policy category (``policy_redemption``): it has the
    request's SLA clock, thread, reminders and place in the service desk's queue. Its approval creates the
    ``PolicyGrant`` (政策兑现) through ``parks.services.grants``; a refusal may be appealed (异议) within the
    clause's ``appeal_days``. Written only by ``parks.services.applications``.

        已提交 submitted → 已核准 approved (the grant)
        已提交 submitted → 未通过 refused (reason) → 异议复核中 appealed → 已核准 approved | 未通过 refused
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        APPROVED = "approved", _("已核准")
        REFUSED = "refused", _("未通过")
        APPEALED = "appealed", _("异议复核中")

    class AppealOutcome(models.TextChoices):
        NONE = "", _("—")
        APPROVED = "approved", _("异议成立，予以核准")
        UPHELD = "upheld", _("维持不予核准")

    # Waiting for the officer's decision (the review reminder's queue).
    WAITING = (Status.SUBMITTED, Status.APPEALED)

    clause = models.ForeignKey(PolicyClause, verbose_name=_("条款"), on_delete=models.PROTECT, related_name="applications")
    enterprise = models.ForeignKey(
        "crm.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="policy_applications"
    )
    service_request = models.OneToOneField(
        "crm.ServiceRequest", verbose_name=_("企业诉求"), on_delete=models.PROTECT, related_name="policy_application",
        help_text=_("申报即一条“政策兑现”类诉求：办理时限、留言和提醒与其他诉求相同。"),
    )
    grant = models.OneToOneField(
        PolicyGrant, verbose_name=_("政策兑现"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="application", help_text=_("核准后生成。"),
    )
    figure = models.ForeignKey(
        "crm.EnterpriseFigure", verbose_name=_("自报年度指标"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text=_("申报时补充的年度指标（企业自报，待工作人员确认）。"),
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    applied_amount = models.DecimalField(_("申请金额（万元）"), max_digits=14, decimal_places=2)
    documents = models.JSONField(
        _("申报材料"), default=list, blank=True,
        help_text=_("每项材料及其附件：[{\"name\": 材料名称, \"attachment\": 附件编号}]。"),
    )
    submitted_by = models.ForeignKey(
        "crm.User", verbose_name=_("申报人"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("申报时间"))
    decided_by = models.ForeignKey(
        "crm.User", verbose_name=_("审核人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    refusal_reason = models.TextField(
        _("未通过原因"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS
    )
    appealed_at = models.DateTimeField(_("提出异议时间"), null=True, blank=True)
    appeal_reason = models.TextField(
        _("异议理由"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS
    )
    appeal_outcome = models.CharField(
        _("异议结果"), max_length=20, choices=AppealOutcome.choices, blank=True, default=AppealOutcome.NONE
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "documents"])

    class Meta:
        verbose_name = _("政策申报")
        verbose_name_plural = _("政策申报")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # One live application per clause and enterprise: a refused one may be followed by a new one.
            models.UniqueConstraint(
                fields=["clause", "enterprise"], condition=Q(status__in=["submitted", "approved", "appealed"]),
                name="parks_policyapplication_one_live",
                violation_error_message=_("该企业已有此条款的申报，不能重复申报。"),
            ),
            models.CheckConstraint(condition=Q(applied_amount__gt=0), name="parks_policyapplication_amount_positive"),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(grant__isnull=False), name="parks_policyapplication_approved_has_grant"
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""), name="parks_policyapplication_refused_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(status="appealed") | Q(appealed_at__isnull=False),
                name="parks_policyapplication_appealed_has_time",
            ),
        ]
        indexes = [
            # The review reminder (parks.reminders.policy_application_waiting): applications waiting for a decision.
            models.Index(fields=["submitted_at"], condition=Q(status__in=["submitted", "appealed"]),
                         name="parks_application_waiting_idx"),
        ]

    def __str__(self):
        return _("%(enterprise)s 申报 %(clause)s") % {"enterprise": self.enterprise, "clause": self.clause}

    def appeal_deadline(self) -> dt.date | None:
        """异议截止日: the refusal day plus the clause's ``appeal_days`` (that day included); None unless refused."""
        if self.status != self.Status.REFUSED or self.decided_at is None:
            return None
        return timezone.localdate(self.decided_at) + dt.timedelta(days=self.clause.appeal_days)

    def may_appeal(self, today: dt.date) -> bool:
        """A refusal not yet appealed, within the deadline, whose request is still 已办结 (not closed nor withdrawn)
        — the one reading of “the appeal button shows”; ``policy_application_appeal`` refuses the rest."""
        deadline = self.appeal_deadline()
        return (deadline is not None and self.appealed_at is None and today <= deadline
                and self.service_request.status == "resolved")


class SuppliedFact(TimeStampedModel):
    """企业补充信息: a fact of its own an enterprise supplies with evidence (e.g. 员工人数 120, with the social-insurance
    list), because a criterion was *unknown* (待确认). It counts for matching only once staff confirm it: the
    confirmation writes it on the enterprise record, which is all the matcher reads (the one reading).
    Written only by ``parks.services.applications`` (``supplied_fact_confirm`` / ``supplied_fact_reject``)."""

    class Kind(models.TextChoices):
        HEADCOUNT = "headcount", _("员工人数")
        RD_HEADCOUNT = "rd_headcount", _("研发人员数")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("已退回")

    # The criterion kind each fact answers (EligibilityCriterion.Kind).
    CRITERION_KINDS = {"min_headcount": Kind.HEADCOUNT, "min_rd_headcount": Kind.RD_HEADCOUNT}

    enterprise = models.ForeignKey(
        "crm.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="supplied_facts"
    )
    application = models.ForeignKey(
        PolicyApplication, verbose_name=_("政策申报"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="supplied_facts",
    )
    kind = models.CharField(_("信息项"), max_length=30, choices=Kind.choices)
    value = models.PositiveIntegerField(_("数值"))
    evidence = models.ForeignKey(
        "crm.ServiceRequestAttachment", verbose_name=_("证明材料"), on_delete=models.PROTECT, related_name="+",
        help_text=_("随申报上传，存于申报诉求的附件中。"),
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey("crm.User", verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        "crm.User", verbose_name=_("确认人"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True, validators=LINE_VALIDATORS)

    class Meta:
        verbose_name = _("企业补充信息")
        verbose_name_plural = _("企业补充信息")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="submitted") | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="parks_suppliedfact_decided_has_who",
            ),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_kind_display()} {self.value}"


class MuMethod(TimeStampedModel):
    """亩均论英雄评价办法: how the park scores its enterprises' 亩均效益 each year and sorts them into A/B/C/D.

    After Zhejiang's 工业企业亩均效益综合评价 (docs/mu-average.md): four indicators — 亩均税收, 亩均增加值, 单位能耗
    增加值, 研发经费占营业收入比重 — each scored as the enterprise's value over its benchmark times the indicator's
    weight, capped at ``cap_ratio`` times the weight; the sum is the score, and the thresholds give the class
    (A 优先发展 / B 鼓励提升 / C 整治提升 / D 倒逼转型). A blank benchmark is the park's average that year (total over
    total across the evaluated enterprises). Enterprises using less land than ``min_land_mu`` are listed apart.
    One row is active; ``parks.mu.mu_evaluate`` reads it. Superusers edit it in the admin.
    """

    class ClassBy(models.TextChoices):
        SCORE = "score", _("按得分分数线")
        SHARE = "share", _("按得分排名比例")

    name = models.CharField(_("名称"), max_length=100, validators=LINE_VALIDATORS, help_text=_("如“2024 年度亩均效益评价办法”。"))
    is_active = models.BooleanField(_("启用"), default=True, help_text=_("同一时间只有一个办法启用；评价和报表按启用的办法计算。"))
    weight_tax_per_mu = models.DecimalField(_("亩均税收权重"), max_digits=5, decimal_places=2, default=50, validators=[MinValueValidator(0)])
    weight_value_added_per_mu = models.DecimalField(
        _("亩均增加值权重"), max_digits=5, decimal_places=2, default=20, validators=[MinValueValidator(0)]
    )
    weight_value_added_per_energy = models.DecimalField(
        _("单位能耗增加值权重"), max_digits=5, decimal_places=2, default=15, validators=[MinValueValidator(0)]
    )
    weight_rd_ratio = models.DecimalField(
        _("研发经费占比权重"), max_digits=5, decimal_places=2, default=15, validators=[MinValueValidator(0)]
    )
    benchmark_tax_per_mu = models.DecimalField(
        _("亩均税收基准（万元/亩）"), max_digits=12, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(0)], help_text=_("留空则取当年参评企业的平均值（税收合计 ÷ 用地合计）。"),
    )
    benchmark_value_added_per_mu = models.DecimalField(
        _("亩均增加值基准（万元/亩）"), max_digits=12, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(0)], help_text=_("留空则取当年参评企业的平均值。"),
    )
    benchmark_value_added_per_energy = models.DecimalField(
        _("单位能耗增加值基准（万元/吨标煤）"), max_digits=12, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(0)], help_text=_("留空则取当年参评企业的平均值。"),
    )
    benchmark_rd_ratio = models.DecimalField(
        _("研发经费占比基准（%）"), max_digits=12, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(0)], help_text=_("留空则取当年参评企业的平均值。"),
    )
    cap_ratio = models.DecimalField(
        _("单项得分上限（权重的倍数）"), max_digits=5, decimal_places=2, default=2, validators=[MinValueValidator(1)],
        help_text=_("单项得分最高为权重乘以此倍数，避免一项指标畸高决定等级。"),
    )
    threshold_a = models.DecimalField(
        _("A 类最低得分"), max_digits=7, decimal_places=2, default=120, help_text=_("得分不低于此值为 A 类（优先发展类）。")
    )
    threshold_b = models.DecimalField(
        _("B 类最低得分"), max_digits=7, decimal_places=2, default=80, help_text=_("得分不低于此值为 B 类（鼓励提升类）。")
    )
    threshold_c = models.DecimalField(
        _("C 类最低得分"), max_digits=7, decimal_places=2, default=50,
        help_text=_("得分不低于此值为 C 类（整治提升类），低于此值为 D 类（倒逼转型类）。"),
    )
    class_by = models.CharField(
        _("分类方式"), max_length=10, choices=ClassBy.choices, default=ClassBy.SCORE,
        help_text=_("按得分分数线，或按参评企业得分排名的累计比例（如前 25% 为 A 类）。"),
    )
    share_a = models.DecimalField(
        _("A 类累计比例（%）"), max_digits=5, decimal_places=2, default=25,
        help_text=_("按排名比例分类时：排名位于前此比例（含）的企业为 A 类。"),
    )
    share_b = models.DecimalField(
        _("B 类累计比例（%）"), max_digits=5, decimal_places=2, default=70,
        help_text=_("按排名比例分类时：排名位于 A 类之后、前此比例（含）以内的为 B 类。"),
    )
    share_c = models.DecimalField(
        _("C 类累计比例（%）"), max_digits=5, decimal_places=2, default=95,
        help_text=_("按排名比例分类时：排名位于 B 类之后、前此比例（含）以内的为 C 类，其余为 D 类。"),
    )
    min_land_mu = models.DecimalField(
        _("参评最小用地（亩）"), max_digits=8, decimal_places=2, default=5, validators=[MinValueValidator(0)],
        help_text=_("用地面积小于此值的企业不参与综合评价，单独列出。"),
    )
    source_note = models.CharField(
        _("依据"), max_length=300, blank=True, validators=LINE_VALIDATORS,
        help_text=_("如“浙江省工业企业亩均效益综合评价”及本区实施细则的文号。"),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("亩均评价办法")
        verbose_name_plural = _("亩均评价办法")
        ordering = ["-is_active", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="parks_mumethod_one_active"
            ),
            models.CheckConstraint(
                condition=Q(threshold_a__gte=models.F("threshold_b")) & Q(threshold_b__gte=models.F("threshold_c")),
                name="parks_mumethod_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(share_a__gte=0) & Q(share_b__gte=models.F("share_a")) & Q(share_c__gte=models.F("share_b"))
                & Q(share_c__lte=100),
                name="parks_mumethod_shares_ordered",
            ),
            models.CheckConstraint(
                condition=Q(weight_tax_per_mu__gte=0) & Q(weight_value_added_per_mu__gte=0)
                & Q(weight_value_added_per_energy__gte=0) & Q(weight_rd_ratio__gte=0) & Q(cap_ratio__gte=1)
                & Q(min_land_mu__gte=0),
                name="parks_mumethod_weights_non_negative",
            ),
        ]

    def clean(self):
        errors = {}
        if None not in (self.threshold_a, self.threshold_b, self.threshold_c) and not (
            self.threshold_a >= self.threshold_b >= self.threshold_c
        ):
            errors["threshold_b"] = _("等级分数线应满足 A ≥ B ≥ C。")
        if None not in (self.share_a, self.share_b, self.share_c) and not (
            0 <= self.share_a <= self.share_b <= self.share_c <= 100
        ):
            errors["share_b"] = _("累计比例应满足 0 ≤ A ≤ B ≤ C ≤ 100。")
        weights = (self.weight_tax_per_mu, self.weight_value_added_per_mu, self.weight_value_added_per_energy, self.weight_rd_ratio)
        if None not in weights and sum(weights) <= 0:
            errors["weight_tax_per_mu"] = _("四项指标的权重不能都为 0。")
        if errors:
            raise ValidationError(errors)

    def __str__(self):
        return self.name


class GrantInstalment(TimeStampedModel):
    """分期兑现（双兑现）: one instalment of an approved grant, tied to a year of the project's landing commitment.

    Its standing is read by one rule, ``parks.instalments`` (held while that year's 年度考核 shows a shortfall,
    released when met, clawed back when finally missed); the stored ``status`` is refreshed by
    ``parks.services.instalments`` (the reminder sweep and every payment), never edited by hand.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("待兑现")
        HELD = "held", _("暂缓拨付")
        RELEASED = "released", _("可拨付")
        PAID = "paid", _("已拨付")
        CLAWED_BACK = "clawed_back", _("已追回")

    grant = models.ForeignKey(PolicyGrant, verbose_name=_("政策兑现"), on_delete=models.CASCADE, related_name="instalments")
    sequence = models.PositiveSmallIntegerField(_("期次"))
    amount = models.DecimalField(_("本期金额（万元）"), max_digits=14, decimal_places=2)
    commitment_year = models.PositiveSmallIntegerField(
        _("对应承诺年度"), help_text=_("本期拨付所依据的项目落地承诺年度：该年度考核达标后方可拨付。")
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SCHEDULED, editable=False)
    released_on = models.DateField(
        _("可拨付日期"), null=True, blank=True, editable=False, validators=[validate_plausible_date]
    )
    paid_on = models.DateField(_("拨付日期"), null=True, blank=True, editable=False, validators=[validate_plausible_date])
    clawback_amount = models.DecimalField(
        _("应追回金额（万元）"), max_digits=14, decimal_places=2, null=True, blank=True, editable=False,
        help_text=_("承诺最终未兑现时按差额比例计算：本期已拨付金额 × 最大差额比例。"),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("分期兑现")
        verbose_name_plural = _("分期兑现")
        ordering = ["grant", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "sequence"], name="parks_instalment_unique_sequence"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="parks_instalment_amount_positive"),
            models.CheckConstraint(
                condition=Q(clawback_amount__isnull=True)
                | (Q(clawback_amount__gte=0) & Q(clawback_amount__lte=models.F("amount"))),
                name="parks_instalment_clawback_within_amount",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["paid", "clawed_back"]) | Q(paid_on__isnull=False),
                name="parks_instalment_paid_has_date",
            ),
        ]

    def __str__(self):
        return _("第 %(sequence)s 期（%(year)s 年度）") % {"sequence": self.sequence, "year": self.commitment_year}
