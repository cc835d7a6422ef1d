from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.validators import LINE_VALIDATORS


def parse_percents(value: str) -> list[int]:
    """``"50,80"`` → ``[50, 80]``; raises ``ValueError`` unless each is a whole number from 1 to 99."""
    percents = sorted({int(part) for part in value.replace("，", ",").split(",") if part.strip()})
    if any(not 1 <= p <= 99 for p in percents):
        raise ValueError(value)
    return percents


class ReminderRule(models.Model):
    """提醒规则: one kind of reminder or escalation, with the thresholds and recipients the admin may edit.

    The set of rules is fixed (one row per ``Code``, created by migrations ``crm.0004`` and ``crm.0006``); the reminder
    sweep (``crm.notifications.sweep.reminders_sweep``) reads them on every run, so an edit applies
    from the next sweep on. What each threshold means for each rule is in ``docs/reminders.md``.
    """

    class Code(models.TextChoices):
        REQUEST_UNASSIGNED = "request_unassigned", _("诉求提交后无人受理")
        REQUEST_SLA = "request_sla", _("诉求办理时限已过半/将到期")
        REQUEST_DUE = "request_due", _("诉求到期")
        REQUEST_OVERDUE = "request_overdue", _("诉求超期督办")
        REQUEST_OVERDUE_LEADERSHIP = "request_overdue_leadership", _("诉求超期报领导")
        APPROVAL_DUE_SOON = "approval_due_soon", _("审批环节即将到期")
        APPROVAL_OVERDUE = "approval_overdue", _("审批环节超期")
        PROJECT_STALE = "project_stale", _("项目久未跟进")
        PROJECT_FOLLOW_UP_DUE = "project_follow_up_due", _("项目到了下次跟进日期")
        PIPELINE_DIGEST = "pipeline_digest", _("每周项目进展摘要")
        REQUEST_SUBMITTED = "request_submitted", _("新诉求提交（即时）")
        MESSAGE_POSTED = "message_posted", _("新留言（即时）")
        STATUS_CHANGED = "status_changed", _("诉求状态变更（即时）")
        PROJECT_CHANGED = "project_changed", _("项目被他人变更（即时）")
        SPACE_RENT_FREE_ENDING = "space_rent_free_ending", _("载体免租期即将届满")
        MILESTONE_DUE_SOON = "milestone_due_soon", _("落地节点即将到期")
        MILESTONE_MISSED = "milestone_missed", _("落地节点逾期")
        POLICY_ELIGIBLE = "policy_eligible", _("新的可申请政策（每日）")
        ROUTING_DUE_SOON = "routing_due_soon", _("承办单位办理时限将到期")
        ROUTING_OVERDUE = "routing_overdue", _("承办单位办理超期")
        ROUTING_EXTENSION_REQUESTED = "routing_extension_requested", _("承办单位申请延期（即时）")
        ENTERPRISE_NOT_VISITED = "enterprise_not_visited", _("在园企业久未走访")
        POLICY_WINDOW_CLOSING = "policy_window_closing", _("政策网上申报即将截止")
        POLICY_APPLICATION_WAITING = "policy_application_waiting", _("政策申报待审核")
        GRANT_CONFIRMED = "grant_confirmed", _("免申即享兑现已确认（即时）")
        INSTALMENT_CHANGED = "instalment_changed", _("分期兑现暂缓、可拨付或应追回")

    class Weekday(models.IntegerChoices):
        MONDAY = 1, _("周一")
        TUESDAY = 2, _("周二")
        WEDNESDAY = 3, _("周三")
        THURSDAY = 4, _("周四")
        FRIDAY = 5, _("周五")
        SATURDAY = 6, _("周六")
        SUNDAY = 7, _("周日")

    code = models.CharField(_("规则"), max_length=40, choices=Code.choices, unique=True, editable=False)
    enabled = models.BooleanField(_("启用"), default=True)
    hours = models.PositiveIntegerField(
        _("小时"),
        null=True,
        blank=True,
        help_text=_(
            "无人受理：提交后几小时；到期：到期前几小时提醒（0 = 到期时）；超期督办：超过时限几小时后；"
            "报领导：超期督办后再过几小时；审批环节即将到期：到期前几小时。"
        ),
    )
    percents = models.CharField(
        _("时限进度（%）"),
        max_length=50,
        blank=True,
        help_text=_("办理时限已用去的百分比，逗号分隔，如 50,80。工作日时限按工作日计。"),
    )
    days = models.PositiveIntegerField(
        _("天数"),
        null=True,
        blank=True,
        help_text=_(
            "项目久未跟进：一般项目几天未跟进；免租期届满：届满前几天提醒；落地节点即将到期：计划日期前几天提醒；"
            "在园企业久未走访：一般企业几天未走访。"
        ),
    )
    key_project_days = models.PositiveIntegerField(
        _("重点项目天数"),
        null=True,
        blank=True,
        help_text=_("项目久未跟进：重点项目（总投资≥1亿元）几天未跟进；在园企业久未走访：重点企业几天未走访。"),
    )
    weekday = models.PositiveSmallIntegerField(_("星期"), choices=Weekday.choices, null=True, blank=True)
    send_at = models.TimeField(_("发送时间"), null=True, blank=True, help_text=_("每周摘要、每日政策匹配：北京时间。"))
    notify_responsible = models.BooleanField(
        _("通知经办人/负责人"),
        default=True,
        help_text=_(
            "诉求和审批环节通知经办人，项目通知负责人，状态变更和回复通知提交诉求的企业用户，"
            "免租期届满和新的可申请政策通知企业用户。"
        ),
    )
    recipient_groups = models.ManyToManyField(
        "auth.Group",
        verbose_name=_("同时通知的角色组"),
        blank=True,
        related_name="+",
        help_text=_("组内所有在职用户都会收到，如 service_officer（服务台）、service_manager（服务站负责人）、manager（领导）。"),
    )
    send_email = models.BooleanField(_("发邮件"), default=True, help_text=_("站内提醒总会生成；接收人没有邮箱时不发邮件。"))
    send_webhook = models.BooleanField(_("推送群机器人"), default=True, help_text=_("推送到匹配的企业微信/钉钉群机器人。"))
    last_swept_at = models.DateTimeField(
        _("上次检查时间"), null=True, blank=True, editable=False, help_text=_("下次扫描只看这之后越过阈值的对象。")
    )

    class Meta:
        verbose_name = _("提醒规则")
        verbose_name_plural = _("提醒规则")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__isnull=True) | Q(weekday__gte=1, weekday__lte=7), name="crm_reminderrule_weekday_range"
            ),
        ]

    def __str__(self):
        return self.get_code_display()

    # What each rule needs filled in; ``clean`` enforces it so the sweep never meets a half-set rule.
    REQUIRED = {
        Code.REQUEST_UNASSIGNED: ("hours",),
        Code.REQUEST_SLA: ("percents",),
        Code.REQUEST_DUE: ("hours",),
        Code.REQUEST_OVERDUE: ("hours",),
        Code.REQUEST_OVERDUE_LEADERSHIP: ("hours",),
        Code.APPROVAL_DUE_SOON: ("hours",),
        Code.PROJECT_STALE: ("days", "key_project_days"),
        Code.PIPELINE_DIGEST: ("weekday", "send_at"),
        Code.SPACE_RENT_FREE_ENDING: ("days",),
        Code.MILESTONE_DUE_SOON: ("days",),
        Code.POLICY_ELIGIBLE: ("send_at",),
        Code.ENTERPRISE_NOT_VISITED: ("days", "key_project_days"),
    }

    def clean(self):
        errors = {}
        for name in self.REQUIRED.get(self.code, ()):
            if getattr(self, name) in (None, ""):
                errors[name] = _("此规则必须填写。")
        if self.percents:
            try:
                parse_percents(self.percents)
            except ValueError:
                errors["percents"] = _("请填写 1 到 99 之间的整数，用逗号分隔，如 50,80。")
        if self.code == self.Code.PROJECT_STALE and not errors and self.key_project_days > self.days:
            errors["key_project_days"] = _("重点项目的天数不应多于一般项目。")
        if errors:
            raise ValidationError(errors)

    @property
    def percent_list(self) -> list[int]:
        try:
            return parse_percents(self.percents)
        except ValueError:
            return []


class NotificationWebhook(models.Model):
    """群机器人: a 企业微信 or 钉钉 group-chat robot that receives the reminders of some categories or teams.

    A reminder goes to a robot when the request it is about has one of its categories, or when the
    rule's recipient groups include one of its groups (e.g. the 服务台 chat gets "unassigned" reminders).
    Only staff reminders are posted; nothing addressed to an enterprise goes to a group chat.
    """

    class Kind(models.TextChoices):
        WECOM = "wecom", _("企业微信")
        DINGTALK = "dingtalk", _("钉钉")

    name = models.CharField(_("名称"), max_length=100, help_text=_("如“企业服务驿站工作群”。"), validators=LINE_VALIDATORS)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.WECOM)
    url = models.URLField(
        _("Webhook 地址"),
        max_length=500,
        help_text=_("机器人的完整地址，含 key 或 access_token，如 https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    categories = models.ManyToManyField(
        "crm.ServiceCategory", verbose_name=_("服务类别"), blank=True, related_name="webhooks",
        help_text=_("这些类别的诉求提醒推送到本群。"),
    )
    groups = models.ManyToManyField(
        "auth.Group", verbose_name=_("角色组"), blank=True, related_name="+",
        help_text=_("发给这些角色组的提醒推送到本群，如 service_officer（服务台群）。"),
    )

    class Meta:
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"
