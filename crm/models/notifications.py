from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """提醒: one reminder or escalation sent to one person (or one group-chat robot) through one channel.

    ``key`` names what it is about (object, rule, threshold); with recipient and channel it is
    unique, so a sweep that runs twice never sends the same reminder twice. Rows are written by
    ``crm.notifications`` only: an in-app row is delivered by existing; an e-mail or webhook
    row goes pending → sending → sent, or failed (retried with back-off) → parked after the last attempt.
    """

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("站内")
        EMAIL = "email", _("邮件")
        WEBHOOK = "webhook", _("群机器人")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        PARKED = "parked", _("已搁置")

    key = models.CharField(_("去重键"), max_length=200, help_text=_("对象:规则:阈值，如 request:42:sla:80。"))
    rule = models.CharField(_("规则"), max_length=50)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        help_text=_("群机器人消息没有个人接收人。"),
    )
    webhook = models.ForeignKey(
        "crm.NotificationWebhook",
        verbose_name=_("群机器人"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    channel = models.CharField(_("渠道"), max_length=20, choices=Channel.choices, default=Channel.IN_APP)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        _("下次尝试时间"), null=True, blank=True, help_text=_("未发出的提醒到此时间仍未发出时，由下一次扫描重新发送。")
    )
    batch = models.CharField(_("生成批次"), max_length=32, blank=True, editable=False)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient", "channel"], name="crm_notification_unique_key"),
            # A robot gets each reminder once, whoever the people it was also sent to.
            models.UniqueConstraint(
                fields=["key", "webhook"], condition=Q(webhook__isnull=False), name="crm_notification_unique_webhook_key"
            ),
            models.CheckConstraint(
                condition=(Q(recipient__isnull=False, webhook__isnull=True) & ~Q(channel="webhook"))
                | Q(recipient__isnull=True, webhook__isnull=False, channel="webhook"),
                name="crm_notification_one_addressee",
            ),
        ]
        indexes = [
            # The reminder sweep's retry pass: notifications not yet sent whose next attempt is due.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending", "failed"]),
                name="crm_notification_unsent_idx",
            ),
            # The unread badge: a user's unread in-app notifications.
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(read_at__isnull=True, channel="in_app"),
                name="crm_notification_unread_idx",
            ),
        ]

    def __str__(self):
        return self.subject

    @property
    def addressee(self):
        return self.recipient if self.recipient_id else self.webhook
