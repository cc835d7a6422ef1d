"""走访 (安商): the visits officers pay to the enterprises in their charge (包联), and the problems they hear.

A visit is recorded against an enterprise, with or without an investment project (``FollowUp`` needs one).
A problem raised during a visit becomes a service request in one step (``crm.visits.services
.visit_problem_to_request``); from then on its state is read from its request.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.validators import LINE_VALIDATORS, LONG_TEXT_MAX_LENGTH, LONG_TEXT_VALIDATORS, validate_plausible_date

from .base import TimeStampedModel
from .services import RequestStatus

# A problem is solved (已解决) when its request was resolved (已办结) or closed after that (已关闭).
SOLVED_REQUEST_STATUSES = [RequestStatus.RESOLVED, RequestStatus.CLOSED]
# ... and it ends unsolved when the request was refused (不予受理) or withdrawn (已撤回).
DROPPED_REQUEST_STATUSES = [RequestStatus.REJECTED, RequestStatus.WITHDRAWN]


class Visit(TimeStampedModel):
    """走访: an officer's (or several officers') visit to an enterprise: when, who went, who was met, what was said."""

    enterprise = models.ForeignKey(
        "crm.Enterprise", verbose_name=_("企业"), on_delete=models.CASCADE, related_name="visits"
    )
    project = models.ForeignKey(
        "crm.Project",
        verbose_name=_("项目"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        help_text=_("可不填：走访在园企业不必有招商项目。"),
    )
    visited_on = models.DateField(_("走访日期"), validators=[validate_plausible_date])
    visitors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("走访人员"),
        related_name="visits",
        blank=True,
        limit_choices_to={"is_staff": True, "is_active": True},
        help_text=_("参加走访的园区工作人员；不填时为记录人。"),
    )
    met_with = models.CharField(
        _("接待人员"),
        max_length=200,
        blank=True,
        validators=LINE_VALIDATORS,
        help_text=_("企业方接待人员的姓名和职务，如“王总（总经理）”。列表和导出中会遮盖姓名。"),
    )
    topics = models.TextField(
        _("走访内容"), max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS, help_text=_("交流的主要内容。")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.PROTECT, related_name="visits_recorded"
    )

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]
        indexes = [
            # The report (coverage per month) and an enterprise's page: its visits by date.
            models.Index(fields=["enterprise", "visited_on"], name="crm_visit_enterprise_date_idx"),
            models.Index(fields=["visited_on"], name="crm_visit_date_idx"),
        ]

    def __str__(self):
        return _("%(date)s 走访%(enterprise)s") % {"date": self.visited_on, "enterprise": self.enterprise}


class VisitProblemQuerySet(models.QuerySet):
    def solved(self):
        return self.filter(service_request__status__in=SOLVED_REQUEST_STATUSES)

    def open(self):
        """Not solved yet: not turned into a request, or its request still being handled."""
        return self.filter(
            Q(service_request__isnull=True)
            | ~Q(service_request__status__in=[*SOLVED_REQUEST_STATUSES, *DROPPED_REQUEST_STATUSES])
        )


class VisitProblem(TimeStampedModel):
    """走访问题: a difficulty an enterprise raised during a visit (用工、审批、融资 ...), followed as a service request."""

    class State(models.TextChoices):
        NEW = "new", _("待转诉求")
        OPEN = "open", _("办理中")
        SOLVED = "solved", _("已解决")
        DROPPED = "dropped", _("未解决（不予受理或已撤回）")

    visit = models.ForeignKey(Visit, verbose_name=_("走访记录"), on_delete=models.CASCADE, related_name="problems")
    description = models.TextField(
        _("问题描述"), max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS
    )
    service_request = models.OneToOneField(
        "crm.ServiceRequest",
        verbose_name=_("对应诉求"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="visit_problem",
        help_text=_("“转为诉求”后由系统填写；问题的办理状态即该诉求的状态。"),
    )

    objects = VisitProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访问题")
        verbose_name_plural = _("走访问题")
        ordering = ["visit", "id"]

    def __str__(self):
        text = self.description.strip().splitlines()[0] if self.description.strip() else ""
        return text[:40]

    @property
    def state(self) -> str:
        """The problem's state, read from its request (the one reading: ``VisitProblemQuerySet`` filters the same)."""
        request = self.service_request
        if request is None:
            return self.State.NEW
        if request.status in SOLVED_REQUEST_STATUSES:
            return self.State.SOLVED
        if request.status in DROPPED_REQUEST_STATUSES:
            return self.State.DROPPED
        return self.State.OPEN

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)
