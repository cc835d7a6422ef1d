from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """提醒: one reminder or escalation sent to one person through one channel.

    ``key`` names what it is about (object, rule, threshold); with recipient and channel it is
    unique, so a sweep that runs twice never sends the same reminder twice.
    """

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("站内")
        EMAIL = "email", _("邮件")
        WEBHOOK = "webhook", _("群机器人")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")
        PARKED = "parked", _("已搁置")

    key = models.CharField(_("去重键"), max_length=200, help_text=_("对象:规则:阈值，如 request:42:sla:80。"))
    rule = models.CharField(_("规则"), max_length=50)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
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
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("提醒")
        verbose_name_plural = _("提醒")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["key", "recipient", "channel"], name="crm_notification_unique_key"),
        ]
        indexes = [
            # The delivery sweep: notifications not yet sent.
            models.Index(fields=["created_at"], condition=Q(status="pending"), name="crm_notification_pending_idx"),
            # The unread badge: a user's unread in-app notifications.
            models.Index(
                fields=["recipient", "created_at"],
                condition=Q(read_at__isnull=True, channel="in_app"),
                name="crm_notification_unread_idx",
            ),
        ]

    def __str__(self):
        return self.subject
