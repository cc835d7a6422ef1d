from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from crm.validators import (
    LINE_VALIDATORS,
    LONG_TEXT_MAX_LENGTH,
    LONG_TEXT_VALIDATORS,
    validate_credit_code,
    validate_plausible_date,
)

from .base import TimeStampedModel
from .lists import IndustryChain, ListCodeField, QualificationKind, list_check_segment


class EnterpriseQuerySet(models.QuerySet):
    def in_park(self):
        return self.filter(status=Enterprise.Status.IN_PARK)

    def in_charge_of(self, user):
        """包联: the enterprises ``user`` is the responsible officer (包联干部) or leader (包联领导) of."""
        return self.filter(Q(responsible_officer=user) | Q(responsible_leader=user))

    def visible_to(self, user):
        """Staff see every enterprise; an enterprise user only those it belongs to."""
        if user.is_staff:
            return self
        return self.filter(members=user)


class Enterprise(TimeStampedModel):
    """企业: a company in the park or one the park is courting (a prospect, 意向企业)."""

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("意向企业")
        IN_PARK = "in_park", _("在园企业")
        LEFT = "left", _("已迁出")

    name = models.CharField(_("企业名称"), max_length=200, help_text=_("营业执照上的全称。"), validators=LINE_VALIDATORS)
    short_name = models.CharField(
        _("简称"), max_length=50, blank=True, help_text=_("如“科聪控制”。"), validators=LINE_VALIDATORS
    )
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18 位，含校验位（GB 32100-2015）。意向企业尚未注册时可留空。"),
    )
    name_key = models.CharField(
        _("名称比对键"),
        max_length=200,
        blank=True,
        editable=False,
        db_index=True,
        help_text=_("撞单比对用：去掉地区、组织形式、分公司和标点后的企业名称，由系统按企业名称维护。"),
    )
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PROSPECT)
    industry_chain = ListCodeField(_("产业链"), list_model="crm.IndustryChain", default=IndustryChain.OTHER)
    # db_default: the previous release's code, which does not know the column, still inserts rows (docs/upgrades.md).
    chain_segment = ListCodeField(
        _("产业链环节"), list_model="crm.ChainSegment", blank=True, default="", db_default="",
        help_text=_("如机器人“大脑”或“小脑”；可不填。"),
    )
    registered_capital = models.DecimalField(
        _("注册资本（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    jurisdiction = ListCodeField(_("属地"), list_model="crm.Jurisdiction", max_length=20, blank=True)
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("所在园区"), on_delete=models.PROTECT, null=True, blank=True, related_name="enterprises"
    )
    headcount = models.PositiveIntegerField(_("员工人数"), null=True, blank=True)
    rd_headcount = models.PositiveIntegerField(_("研发人员数"), null=True, blank=True)
    founded_on = models.DateField(_("成立日期"), null=True, blank=True, validators=[validate_plausible_date])
    address = models.CharField(_("地址"), max_length=200, blank=True, validators=LINE_VALIDATORS)
    description = models.TextField(
        _("简介"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS
    )
    # 包联 (安商): who in the committee answers for this enterprise and visits it on a schedule (crm.visits).
    responsible_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("包联干部"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enterprises_in_charge",
        limit_choices_to={"is_staff": True, "is_active": True},
        help_text=_("负责定期走访这家企业、收集并跟进其问题的园区工作人员；“久未走访”提醒发给他。"),
    )
    responsible_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("包联领导"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enterprises_led",
        limit_choices_to={"is_staff": True, "is_active": True},
        help_text=_("分管这家企业的园区领导。"),
    )
    is_key = models.BooleanField(
        _("重点企业"), default=False, db_default=False, help_text=_("重点企业的走访周期更短（天数见“在园企业久未走访”提醒规则）。")
    )
    last_visited_on = models.DateField(
        _("最近走访日期"),
        null=True,
        blank=True,
        editable=False,
        validators=[validate_plausible_date],
        help_text=_("最近一次走访的日期，由系统按走访记录维护。"),
    )

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="crm_enterprise_unique_credit_code"
            ),
            models.UniqueConstraint(fields=["name"], name="crm_enterprise_unique_name"),
            models.CheckConstraint(
                condition=Q(registered_capital__isnull=True) | Q(registered_capital__gte=0),
                name="crm_enterprise_capital_non_negative",
            ),
        ]
        indexes = [
            # 撞单 (crm.pipeline.collisions): a credit code compared whatever its case. The trigram index on
            # ``name_key`` exists on PostgreSQL only (migration crm.0012_collision_name_key).
            models.Index(Upper("credit_code"), name="crm_enterprise_code_upper"),
            # 待走访 (the workbench) and the "not visited" reminder: in-park enterprises by their officer.
            models.Index(
                fields=["responsible_officer", "last_visited_on"],
                condition=Q(status="in_park"),
                name="crm_enterprise_visit_due_idx",
            ),
        ]

    def __str__(self):
        return self.short_name or self.name

    def clean(self):
        list_check_segment(self.industry_chain, self.chain_segment)


class EnterpriseQualification(TimeStampedModel):
    """资质: a qualification an enterprise holds, e.g. 国家级专精特新“小巨人”; policies are matched against these."""

    Kind = QualificationKind  # the codes of the seeded kinds (EnterpriseQualification.Kind.LITTLE_GIANT)

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = ListCodeField(_("资质"), list_model="crm.QualificationKind")
    awarded_on = models.DateField(_("认定日期"), null=True, blank=True, validators=[validate_plausible_date])
    expires_on = models.DateField(_("有效期至"), null=True, blank=True, validators=[validate_plausible_date])

    class Meta:
        verbose_name = _("企业资质")
        verbose_name_plural = _("企业资质")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "kind"], name="crm_qualification_unique_kind"),
        ]

    def __str__(self):
        return self.get_kind_display()


class Contact(TimeStampedModel):
    """联系人: a person at an enterprise whom officers call and visit."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("姓名"), max_length=50, validators=LINE_VALIDATORS)
    title = models.CharField(_("职务"), max_length=50, blank=True, validators=LINE_VALIDATORS)
    phone = models.CharField(_("电话"), max_length=30, blank=True, validators=LINE_VALIDATORS)
    email = models.EmailField(_("邮箱"), blank=True)
    is_primary = models.BooleanField(_("主要联系人"), default=False)
    notes = models.TextField(_("备注"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS)

    class Meta:
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")
        ordering = ["-is_primary", "name"]
        indexes = [models.Index(fields=["name"], name="crm_contact_name_idx")]

    def __str__(self):
        return f"{self.name}（{self.enterprise}）"
