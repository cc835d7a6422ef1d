"""Reminders: what was sent (a read-only log), the rules with their editable thresholds, and group-chat robots.

Thresholds and recipients are edited here and apply from the next sweep: the rule form shows only the
thresholds the rule uses, and robots get a "send a test message" action. Parked or failed notifications
are put back in the queue with the "retry" action of the notification list.
"""

from urllib.parse import urlsplit

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from crm.models import Notification, NotificationWebhook, ReminderRule
from crm.notifications.delivery import webhook_send_test
from crm.notifications.outbox import notifications_retry

from .common import ReadOnlyAdminMixin
from .exports import ListExportMixin, NotificationExportResource


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, ListExportMixin, admin.ModelAdmin):
    """提醒: what the reminder sweep sent; a log, written only by the notification services."""

    resource_classes = [NotificationExportResource]
    export_file_stem = ("提醒发送记录", "notifications")

    list_display = ("subject", "addressee", "rule", "channel", "status", "attempts", "created_at", "sent_at", "read_at")
    list_select_related = ("recipient", "webhook")
    list_filter = ("status", "channel", "rule")
    search_fields = ("subject", "key", "recipient__username", "recipient__display_name", "webhook__name")
    date_hierarchy = "created_at"
    actions = ["retry"]

    @admin.display(description=_("接收方"))
    def addressee(self, obj):
        return obj.addressee or "—"

    @admin.action(description=_("重新发送所选的已搁置/失败提醒"), permissions=["view"])
    def retry(self, request, queryset):
        count = notifications_retry(notifications=queryset)
        self.message_user(request, _("已重新排队 %(n)s 条提醒。") % {"n": count}, messages.SUCCESS)


# The thresholds each rule uses — the ones its model requires; the form shows only these.
THRESHOLD_FIELDS = ReminderRule.REQUIRED


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    """提醒规则: one row per rule, created by the migration; an admin edits thresholds and recipients."""

    list_display = ("name", "enabled", "thresholds", "recipients", "send_email", "send_webhook", "last_swept_at")
    list_editable = ("enabled",)
    list_filter = ("enabled",)
    filter_horizontal = ("recipient_groups",)
    readonly_fields = ("name", "last_swept_at")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("recipient_groups")

    def get_fieldsets(self, request, obj=None):
        thresholds = THRESHOLD_FIELDS.get(obj.code, ()) if obj else ()
        fieldsets = [(None, {"fields": ("name", "enabled")})]
        if thresholds:
            fieldsets.append((_("阈值"), {"fields": thresholds}))
        fieldsets += [
            (_("接收人与渠道"), {"fields": ("notify_responsible", "recipient_groups", "send_email", "send_webhook")}),
            (_("运行情况"), {"fields": ("last_swept_at",)}),
        ]
        return fieldsets

    def has_add_permission(self, request):
        return False  # the set of rules is fixed by the code that evaluates them

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("规则"), ordering="id")
    def name(self, obj):
        return obj.get_code_display()

    @admin.display(description=_("阈值"))
    def thresholds(self, obj):
        parts = []
        for field in THRESHOLD_FIELDS.get(obj.code, ()):
            value = getattr(obj, field)
            if field == "weekday" and value:
                value = obj.get_weekday_display()
            parts.append(f"{ReminderRule._meta.get_field(field).verbose_name}：{value if value not in (None, '') else '—'}")
        return "；".join(parts) or "—"

    @admin.display(description=_("接收人"))
    def recipients(self, obj):
        names = [g.name for g in obj.recipient_groups.all()]
        if obj.notify_responsible:
            names.insert(0, str(_("经办人/负责人")))
        return "、".join(names) or "—"


@admin.register(NotificationWebhook)
class NotificationWebhookAdmin(admin.ModelAdmin):
    """群机器人: where group-chat reminders go. The URL holds the robot's secret key, so lists show only its host."""

    list_display = ("name", "kind", "host", "is_active", "category_names", "group_names")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    filter_horizontal = ("categories", "groups")
    actions = ["send_test_message"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("categories", "groups")

    @admin.display(description=_("地址"))
    def host(self, obj):
        return urlsplit(obj.url).netloc

    @admin.display(description=_("服务类别"))
    def category_names(self, obj):
        return "、".join(c.name for c in obj.categories.all()) or "—"

    @admin.display(description=_("角色组"))
    def group_names(self, obj):
        return "、".join(g.name for g in obj.groups.all()) or "—"

    @admin.action(description=_("发送测试消息"))
    def send_test_message(self, request, queryset):
        for hook in queryset:
            error = webhook_send_test(webhook=hook)
            if error:
                self.message_user(request, _("%(hook)s：发送失败，%(error)s") % {"hook": hook, "error": error}, messages.ERROR)
            else:
                self.message_user(request, _("%(hook)s：测试消息已发送。") % {"hook": hook}, messages.SUCCESS)
