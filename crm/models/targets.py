from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.validators import LINE_VALIDATORS

from .base import TimeStampedModel

FIRST_YEAR = 2000
LAST_YEAR = 2100


class YearlyTargetQuerySet(models.QuerySet):
    def for_pipeline(self, park=None):
        """The targets the pipeline page reads: the park-wide ones (全区), or the park's own when it is filtered to one."""
        if park is None:
            return self.filter(holder_kind=YearlyTarget.Holder.PARK_WIDE)
        return self.filter(holder_kind=YearlyTarget.Holder.PARK, park=park)


class YearlyTarget(TimeStampedModel):
    """年度目标: a figure the committee's leaders set for one year and one holder, shown against the actual in the reports.

    E.g. 2024: 32 projects of ≥ 1 亿 landed (注册落地) park-wide (全区). A target is held by the whole park area
    (全区, the default), one park (园区), one unit (单位: a town or department, as named on the projects' credit
    split, 业绩分成) or one officer (人员). Managers edit these in the admin; the pipeline report reads the park-wide
    targets (or the park's, filtered to a park), the 业绩考核 page (``reports.selectors.credit``) every holder's.
    """

    class Metric(models.TextChoices):
        LANDED_KEY_PROJECTS = "landed_key_projects", _("落地亿元以上项目数（个）")
        SIGNED_INVESTMENT = "signed_investment", _("签约项目总投资（万元）")
        SIGNED_PROJECTS = "signed_projects", _("签约项目数（个）")
        CAPITAL_ARRIVED = "capital_arrived", _("实际到资（万元）")
        CONSTRUCTION_STARTS = "construction_starts", _("开工项目数（个）")

    class Holder(models.TextChoices):
        PARK_WIDE = "park_wide", _("全区")
        PARK = "park", _("园区")
        UNIT = "unit", _("单位")
        OFFICER = "officer", _("人员")

    # The metrics counted in projects (whole numbers); the others are 万元.
    COUNT_METRICS = frozenset({Metric.LANDED_KEY_PROJECTS, Metric.SIGNED_PROJECTS, Metric.CONSTRUCTION_STARTS})

    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    metric = models.CharField(_("指标"), max_length=40, choices=Metric.choices)
    holder_kind = models.CharField(
        _("考核对象"), max_length=20, choices=Holder.choices, default=Holder.PARK_WIDE, db_default=Holder.PARK_WIDE,
        help_text=_("全区，或一个园区、单位、人员；选园区、单位、人员时填写下面对应的一项。"),
    )
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit = models.CharField(
        _("单位"), max_length=100, blank=True, default="", db_default="", validators=LINE_VALIDATORS,
        help_text=_("与项目“业绩分成”中填写的单位名称一致，如“三墩镇”。"),
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("人员"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
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

    objects = YearlyTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("年度目标")
        verbose_name_plural = _("年度目标")
        ordering = ["-year", "metric", "holder_kind", "id"]
        constraints = [
            # One target per (year, metric, holder): a partial unique constraint per kind of holder.
            models.UniqueConstraint(
                fields=["year", "metric"], condition=Q(holder_kind="park_wide"), name="crm_yearlytarget_unique_metric"
            ),
            models.UniqueConstraint(
                fields=["year", "metric", "park"], condition=Q(holder_kind="park"), name="crm_yearlytarget_unique_park"
            ),
            models.UniqueConstraint(
                fields=["year", "metric", "unit"], condition=Q(holder_kind="unit"), name="crm_yearlytarget_unique_unit"
            ),
            models.UniqueConstraint(
                fields=["year", "metric", "officer"], condition=Q(holder_kind="officer"),
                name="crm_yearlytarget_unique_officer",
            ),
            models.CheckConstraint(
                condition=(
                    Q(holder_kind="park_wide", park__isnull=True, unit="", officer__isnull=True)
                    | Q(holder_kind="park", park__isnull=False, unit="", officer__isnull=True)
                    | (Q(holder_kind="unit", park__isnull=True, officer__isnull=True) & ~Q(unit=""))
                    | Q(holder_kind="officer", park__isnull=True, unit="", officer__isnull=False)
                ),
                name="crm_yearlytarget_holder_named_once",
            ),
            models.CheckConstraint(condition=Q(target__gte=0), name="crm_yearlytarget_target_non_negative"),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR) & Q(year__lte=LAST_YEAR), name="crm_yearlytarget_year_range"
            ),
        ]

    def clean(self):
        errors = {}
        # A count of projects is a whole number; the database keeps it in the same column as 万元.
        if self.metric in self.COUNT_METRICS and self.target is not None and self.target % 1:
            errors["target"] = _("项目数目标必须是整数。")
        self.unit = (self.unit or "").strip()
        needs = {self.Holder.PARK: "park", self.Holder.UNIT: "unit", self.Holder.OFFICER: "officer"}.get(self.holder_kind)
        given = {"park": self.park_id is not None, "unit": bool(self.unit), "officer": self.officer_id is not None}
        if needs and not given[needs]:
            errors[needs] = _("考核对象为“%(holder)s”时须填写此项。") % {"holder": self.get_holder_kind_display()}
        for name, present in given.items():
            if present and name != needs:
                errors[name] = _("考核对象为“%(holder)s”时不填此项。") % {"holder": self.get_holder_kind_display()}
        if errors:
            raise ValidationError(errors)

    @property
    def holder_label(self) -> str:
        """The holder as the reports name it: 全区, the park's short name, the unit, the officer."""
        if self.holder_kind == self.Holder.PARK:
            return str(self.park)
        if self.holder_kind == self.Holder.UNIT:
            return self.unit
        if self.holder_kind == self.Holder.OFFICER:
            return str(self.officer)
        return str(self.Holder.PARK_WIDE.label)

    def __str__(self):
        return f"{self.year} {self.holder_label} {self.get_metric_display()}"
