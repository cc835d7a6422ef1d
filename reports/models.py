"""Summary tables of the pipeline page: what the page reads instead of the raw rows, kept current row by row.

``ProjectFact`` is one row per project with everything a pipeline figure groups or filters by (the columns of
the project, when it entered the pipeline, which pipeline stages it ever reached);
``StageStay`` is one row per stage history row with how long the
project stayed (the ``LEAD()`` over the history, done once at write time instead of on every view).
``SummaryState`` says when they were last rebuilt or refreshed; without its row the page reads the raw rows.

They are written only by ``reports.summaries`` (``refresh_project`` from the services that change their
inputs, ``rebuild`` from the nightly task and ``manage.py rebuild_summaries``), never edited by hand.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectFact(models.Model):
    """项目汇总: one project's pipeline figures in one narrow row (``reports.summaries`` writes it)."""

    # ``id`` is the project's id: the raw selector's helpers (``Count("id")``, ``pk__in``, ``project__in=….values("pk")``)
    # then read a queryset of facts exactly as one of projects.
    id = models.BigIntegerField(primary_key=True)
    project = models.OneToOneField("crm.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+")
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("拟落地园区"), on_delete=models.DO_NOTHING, null=True, related_name="+",
        db_constraint=False,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("负责人"), on_delete=models.DO_NOTHING, related_name="+",
        db_constraint=False,
    )
    industry_chain = models.CharField(_("产业链"), max_length=50, blank=True)
    source_channel = models.CharField(_("来源渠道"), max_length=50, blank=True)
    # 属地 is read through the enterprise (a join, for one breakdown): an enterprise's edit then needs no refresh.
    enterprise = models.ForeignKey(
        "crm.Enterprise", verbose_name=_("投资企业"), on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    stage = models.CharField(_("阶段"), max_length=20)
    total_investment = models.DecimalField(_("总投资（万元）"), max_digits=14, decimal_places=2, default=0)
    entered_at = models.DateTimeField(_("入库时间"), null=True, help_text=_("第一条阶段记录（线索登记）的时间。"))
    reached_lead = models.BooleanField(default=False)
    reached_contacted = models.BooleanField(default=False)
    reached_negotiating = models.BooleanField(default=False)
    reached_signed = models.BooleanField(default=False)
    reached_registered = models.BooleanField(default=False)
    reached_construction = models.BooleanField(default=False)
    reached_production = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("项目汇总")
        verbose_name_plural = _("项目汇总")
        indexes = [
            # The page filtered by park / chain / owner, and by entry date (统计区间).
            models.Index(fields=["park", "stage"], name="reports_fact_park_stage"),
            models.Index(fields=["owner", "stage"], name="reports_fact_owner_stage"),
            models.Index(fields=["industry_chain", "stage"], name="reports_fact_chain_stage"),
            models.Index(fields=["entered_at"], name="reports_fact_entered"),
        ]

    def __str__(self):
        return f"{self.project_id} {self.stage}"


class StageStay(models.Model):
    """阶段停留: one stage history row and how long the project stayed there (None while it still is)."""

    project = models.ForeignKey("crm.Project", verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+")
    change_id = models.BigIntegerField(_("阶段记录"), unique=True)
    stage = models.CharField(_("阶段"), max_length=20)
    entered_at = models.DateTimeField(_("进入时间"))
    seconds = models.FloatField(_("停留秒数"), null=True)
    # The project's filter columns, copied so a filtered page reads this table alone.
    park_id = models.BigIntegerField(null=True)
    owner_id = models.BigIntegerField(null=True)
    industry_chain = models.CharField(max_length=50, blank=True)
    project_entered_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("阶段停留")
        verbose_name_plural = _("阶段停留")
        indexes = [
            # 本年落地 / 本年签约: the stays that began in a year, by stage.
            models.Index(fields=["stage", "entered_at"], name="reports_stay_stage_entered"),
        ]

    def __str__(self):
        return f"{self.project_id} {self.stage} {self.entered_at:%Y-%m-%d}"


class SummaryState(models.Model):
    """汇总数据状态: one row, written by every rebuild and refresh; its absence means "not built yet"."""

    rebuilt_at = models.DateTimeField(_("最近全量重建"))
    refreshed_at = models.DateTimeField(_("最近更新"))
    # Raised by every write of the summary rows, in the same transaction: a figure computed from the summaries
    # alone may be cached under it (reports.selectors.pipeline_summary) and is never served after a change.
    version = models.PositiveBigIntegerField(_("版本"), default=0)

    class Meta:
        verbose_name = _("汇总数据状态")
        verbose_name_plural = _("汇总数据状态")

    def __str__(self):
        return f"{self.refreshed_at:%Y-%m-%d %H:%M}"


class ReportVersion(models.Model):
    """报表数据版本: a number raised by every write to one page's inputs, in the writing transaction.

    The service page (``name`` "service") caches the figures that do not depend on the clock under it
    (``reports.selectors.service``); the services of crm.service_requests raise it through
    ``crm.service_requests.figures_version``. ``token`` is drawn when the row is created, so a database
    restored or rebuilt from nothing, whose versions start again, never reads another database's cached figures.
    """

    name = models.CharField(_("名称"), max_length=40, unique=True)
    version = models.PositiveBigIntegerField(_("版本"), default=0)
    token = models.UUIDField(_("标识"), default=uuid.uuid4)

    class Meta:
        verbose_name = _("报表数据版本")
        verbose_name_plural = _("报表数据版本")

    def __str__(self):
        return f"{self.name} {self.version}"
