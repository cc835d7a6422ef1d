"""Departments (承办单位) and the routing of a request to them (分办/转办), with its record and extension requests.

Rows change only through ``crm.service_requests.routing`` (one service per step); docs/departments.md tells the story.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from crm.validators import LINE_VALIDATORS, LONG_TEXT_MAX_LENGTH, LONG_TEXT_VALIDATORS

from .base import TimeStampedModel


class Department(TimeStampedModel):
    """承办单位: a park office or an outside authority (人社/外专, 市场监管, 规划资源, 税务 …) a request is routed to.

    Its liaisons (承办单位联络员, role group ``department_liaison``) see and work only what is routed to it.
    A department is retired (``is_active`` off), never deleted once routed to.
    """

    class Kind(models.TextChoices):
        INTERNAL = "internal", _("园区内设机构")
        EXTERNAL = "external", _("上级及外部单位")

    name = models.CharField(_("名称"), max_length=100, unique=True, validators=LINE_VALIDATORS)
    short_name = models.CharField(
        _("简称"), max_length=30, blank=True, validators=LINE_VALIDATORS, help_text=_("列表和提醒中使用，如“外专”。")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.INTERNAL)
    is_active = models.BooleanField(_("启用"), default=True, help_text=_("停用后不能再分办或转办给该单位。"))
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    liaisons = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联络员"),
        related_name="liaison_departments",
        blank=True,
        help_text=_("承办单位联络员：只能看到并办理分办给本单位的诉求。"),
    )

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class RoutingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=Routing.Status.ACTIVE)


class Routing(models.Model):
    """分办/转办: a request given to one department, as the lead (主办) or assisting (协办), with its own due time.

    The due time is the routing time plus the category's limit for the role (``ServiceCategory.lead_limit`` /
    ``assist_limit`` in ``routing_limit_unit``), on the SLA's calendar. At most one active lead per request.
    """

    class Role(models.TextChoices):
        LEAD = "lead", _("主办")
        ASSIST = "assist", _("协办")

    class Status(models.TextChoices):
        ACTIVE = "active", _("办理中")
        HANDED_BACK = "handed_back", _("已退回")
        TRANSFERRED = "transferred", _("已转办")
        COMPLETED = "completed", _("已办结")

    service_request = models.ForeignKey(
        "crm.ServiceRequest", verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="routings"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="routings"
    )
    role = models.CharField(_("承办方式"), max_length=10, choices=Role.choices)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    due_at = models.DateTimeField(_("办理时限"))
    note = models.TextField(
        _("交办说明"),
        blank=True,
        max_length=LONG_TEXT_MAX_LENGTH,
        validators=LONG_TEXT_VALIDATORS,
        help_text=_("驿站给承办单位的说明，承办单位联络员可见，企业不可见。"),
    )
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("交办人"), on_delete=models.PROTECT, related_name="+"
    )
    routed_at = models.DateTimeField(_("交办时间"))
    completed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    transferred_to = models.ForeignKey(
        "self",
        verbose_name=_("转办至"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transferred_from",
    )

    objects = RoutingQuerySet.as_manager()

    class Meta:
        verbose_name = _("分办")
        verbose_name_plural = _("分办")
        ordering = ["routed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_request"],
                condition=Q(role="lead", status="active"),
                name="crm_routing_one_active_lead",
            ),
            models.UniqueConstraint(
                fields=["service_request", "department"],
                condition=Q(status="active"),
                name="crm_routing_one_active_per_department",
            ),
            models.CheckConstraint(condition=Q(due_at__gt=F("routed_at")), name="crm_routing_due_after_routed"),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_at__isnull=False), name="crm_routing_completed_has_time"
            ),
        ]
        indexes = [
            # The routing reminders: active routings by due time.
            models.Index(fields=["due_at"], condition=Q(status="active"), name="crm_routing_active_due_idx"),
        ]

    def __str__(self):
        return f"{self.department}（{self.get_role_display()}）"


# The routings that let a department's liaisons read their request: one it is working on, or one it completed (its
# record). A routing handed back or transferred away no longer does: the request has left the department.
ROUTING_STATUSES_VISIBLE_TO_DEPARTMENT = (Routing.Status.ACTIVE, Routing.Status.COMPLETED)


class RoutingEvent(models.Model):
    """流转记录: one step of a routing — routed, handed back, transferred, an extension asked/approved/refused,
    completed — with who and when. ``visible_to_enterprise``: the steps the enterprise's timeline shows."""

    class Kind(models.TextChoices):
        ROUTED = "routed", _("交办")
        HANDED_BACK = "handed_back", _("退回")
        TRANSFERRED = "transferred", _("转办")
        EXTENSION_REQUESTED = "extension_requested", _("申请延期")
        EXTENSION_APPROVED = "extension_approved", _("批准延期")
        EXTENSION_REFUSED = "extension_refused", _("不批准延期")
        COMPLETED = "completed", _("办结")

    # The steps the enterprise sees on its timeline; hand-backs, extension requests and refusals stay internal.
    VISIBLE_TO_ENTERPRISE = frozenset({Kind.ROUTED, Kind.TRANSFERRED, Kind.EXTENSION_APPROVED, Kind.COMPLETED})

    routing = models.ForeignKey(Routing, verbose_name=_("分办"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("操作"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS)
    due_before = models.DateTimeField(_("原办理时限"), null=True, blank=True)
    due_after = models.DateTimeField(_("新办理时限"), null=True, blank=True)
    visible_to_enterprise = models.BooleanField(_("企业可见"), default=False)

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["routing", "created_at"], name="crm_routingevent_routing_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class RoutingExtension(models.Model):
    """延期申请: a department asks for a later due time, with a reason; the station head (驿站站长) approves or refuses.

    An approval moves the routing's due time, and the request's when the routing is the lead. At most one pending
    request per routing.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("不批准")

    routing = models.ForeignKey(Routing, verbose_name=_("分办"), on_delete=models.CASCADE, related_name="extensions")
    requested_due_at = models.DateTimeField(_("申请延至"))
    reason = models.TextField(_("延期理由"), max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(
        _("审批意见"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS
    )

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["routing"], condition=Q(status="pending"), name="crm_routingextension_one_pending"
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_at__isnull=False, decided_by__isnull=False)),
                name="crm_routingextension_decided_has_time",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="crm_routingextension_has_reason"),
        ]

    def __str__(self):
        return f"{self.routing} → {self.requested_due_at:%Y-%m-%d %H:%M}"
