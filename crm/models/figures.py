"""企业年度指标: an enterprise's yearly figures (营业收入, 税收, 工业增加值, 综合能耗, 用地面积 ...), by source."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm.validators import LINE_VALIDATORS

from .base import TimeStampedModel
from .targets import FIRST_YEAR, LAST_YEAR

# The figures a row holds, in the order forms, the import template and the admin show them. 工业增加值 alone may be
# negative (a loss-making year); the others are amounts or quantities that cannot be.
FIGURE_FIELDS = (
    "revenue",
    "tax",
    "industrial_output",
    "value_added",
    "rd_expense",
    "energy_tce",
    "land_mu",
    "employees",
    "financing",
)
NON_NEGATIVE_FIGURES = tuple(name for name in FIGURE_FIELDS if name != "value_added")


def figure_evidence_upload_to(instance, filename):
    # Stored under MEDIA_ROOT (outside the web root) with a random name, like the requests' attachments.
    return f"figures/{instance.enterprise_id}/{uuid.uuid4().hex}"


def _amount(label, help_text=None, *, signed=False):
    return models.DecimalField(
        label,
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[] if signed else [MinValueValidator(0)],
        help_text=help_text,
    )


class EnterpriseFigureQuerySet(models.QuerySet):
    def confirmed(self):
        """Only confirmed rows are facts: the matcher, 亩均论英雄 and the reports read these alone."""
        return self.filter(status=EnterpriseFigure.Status.CONFIRMED)

    def waiting(self):
        return self.filter(status=EnterpriseFigure.Status.SUBMITTED)

    def visible_to(self, user):
        """Staff see every enterprise's figures; an enterprise user only its own enterprises'."""
        if user.is_staff:
            return self
        return self.filter(enterprise__members=user)


class EnterpriseFigure(TimeStampedModel):
    """企业年度指标: one enterprise's figures for one year from one source (统计 / 税务 / 企业自报).

    Staff record rows from the statistics bureau or the tax office (stored confirmed) or import them in bulk; an
    enterprise submits its own in the portal with an evidence file (企业自报, 待确认) and staff confirm or return it.
    Only confirmed rows are facts; ``crm.figures.selectors.confirmed_figures`` is the one reading of them (per field,
    税务 before 统计 before 企业自报). Changed only through ``crm.figures.services``.
    """

    class Source(models.TextChoices):
        STATISTICS = "statistics", _("统计")
        TAX = "tax", _("税务")
        SELF_REPORTED = "self_reported", _("企业自报")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("已退回")

    enterprise = models.ForeignKey(
        "crm.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="figures"
    )
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)

    revenue = _amount(_("营业收入（万元）"))
    tax = _amount(_("税收（万元）"), _("实缴税收合计（不含减免退税）。"))
    industrial_output = _amount(_("工业产值（万元）"))
    value_added = _amount(_("工业增加值（万元）"), signed=True)
    rd_expense = _amount(_("研发投入（万元）"), _("研发经费支出，亩均评价中与营业收入相比。"))
    energy_tce = _amount(_("综合能耗（吨标煤）"))
    land_mu = _amount(_("用地面积（亩）"), _("企业实际使用的土地面积；租用厂房的按分摊面积。"))
    employees = models.PositiveIntegerField(_("从业人员（人）"), null=True, blank=True)
    financing = _amount(_("融资额（万元）"))

    evidence = models.FileField(
        _("佐证材料"),
        upload_to=figure_evidence_upload_to,
        blank=True,
        help_text=_("PDF、JPEG、PNG、DOCX 或 XLSX，不超过 10 MB，如财务报表、完税证明。"),
    )
    evidence_name = models.CharField(_("材料文件名"), max_length=200, blank=True, validators=LINE_VALIDATORS)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("确认或退回这条指标的工作人员。"),
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    note = models.CharField(
        _("说明"), max_length=500, blank=True, validators=LINE_VALIDATORS, help_text=_("数据口径，或退回的原因。")
    )

    # The audit trail: who recorded, submitted, confirmed or returned which figures (``_history_user`` set by the services).
    history = HistoricalRecords(excluded_fields=["updated_at", "evidence"])

    objects = EnterpriseFigureQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业年度指标")
        verbose_name_plural = _("企业年度指标")
        ordering = ["-year", "enterprise_id", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "source"], name="crm_enterprisefigure_unique_source_year"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR), name="crm_enterprisefigure_year_range"
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(confirmed_at__isnull=False),
                name="crm_enterprisefigure_confirmed_has_time",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0}),
                    name=f"crm_enterprisefigure_{name}_non_negative",
                )
                for name in NON_NEGATIVE_FIGURES
                if name != "employees"
            ),
        ]
        indexes = [
            # The staff's queue of self-reported rows waiting for confirmation (admin filter, workbench count).
            models.Index(fields=["created_at"], condition=Q(status="submitted"), name="crm_figure_waiting_idx"),
        ]

    def __str__(self):
        return f"{self.enterprise} {self.year} {self.get_source_display()}"

    def values(self) -> dict:
        """The figures of this row by field name (None where not given)."""
        return {name: getattr(self, name) for name in FIGURE_FIELDS}
