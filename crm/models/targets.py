from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.validators import LINE_VALIDATORS

from .base import TimeStampedModel

FIRST_YEAR = 2000
LAST_YEAR = 2100


class YearlyTarget(TimeStampedModel):
    """年度目标: a figure the committee's leaders set for one year, shown against the actual in the reports.

    E.g. 2024: 32 projects of ≥ 1 亿 landed (注册落地). Managers edit these in the admin; the pipeline
    report (``reports.selectors.pipeline.pipeline_report``) reads the targets of the year it reports on.
    """

    class Metric(models.TextChoices):
        LANDED_KEY_PROJECTS = "landed_key_projects", _("落地亿元以上项目数（个）")
        SIGNED_INVESTMENT = "signed_investment", _("签约项目总投资（万元）")

    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    metric = models.CharField(_("指标"), max_length=40, choices=Metric.choices)
    target = models.DecimalField(
        _("目标值"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("项目数按个计；投资额按万元计（1 亿元 = 10,000 万元）。"),
    )
    note = models.CharField(
        _("说明"), max_length=200, blank=True, help_text=_("如目标的出处：“2024 年工作要点”。"), validators=LINE_VALIDATORS
    )

    class Meta:
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        ordering = ["-year", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["year", "metric"], name="crm_yearlytarget_unique_metric"),
            models.CheckConstraint(condition=Q(target__gte=0), name="crm_yearlytarget_target_non_negative"),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR), name="crm_yearlytarget_year_range"
            ),
        ]

    def clean(self):
        # A count of projects is a whole number; the database keeps it in the same column as 万元.
        if self.metric == self.Metric.LANDED_KEY_PROJECTS and self.target is not None and self.target % 1:
            raise ValidationError({"target": _("项目数目标必须是整数。")})

    def __str__(self):
        return f"{self.year} {self.get_metric_display()}"
