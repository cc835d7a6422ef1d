from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.validators import LINE_VALIDATORS


class Role:
    """Names of the role groups created by migration ``crm.0002_role_groups``."""

    INVESTMENT_OFFICER = "investment_officer"
    INVESTMENT_LEAD = "investment_lead"  # 招商负责人: changes any project's stage, reassigns owners (crm.0010)
    SERVICE_OFFICER = "service_officer"
    MANAGER = "manager"
    ENTERPRISE = "enterprise"
    # 承办单位联络员: a department's liaison — reads and works only the requests routed to its departments (crm.0017)
    DEPARTMENT_LIAISON = "department_liaison"
    # 驿站站长: the station head — a service officer who also decides the departments' extension requests (crm.0017)
    SERVICE_LEAD = "service_lead"

    STAFF_ROLES = (INVESTMENT_OFFICER, INVESTMENT_LEAD, SERVICE_OFFICER, MANAGER)


class User(AbstractUser):
    """Anyone who logs in: committee staff (招商专员, 招商负责人, 企业服务专员, 领导) or an enterprise's people (企业用户).

    An enterprise user belongs to one or more enterprises and sees only their data.
    """

    display_name = models.CharField(
        _("姓名"), max_length=50, blank=True, help_text=_("显示在列表和消息中的中文姓名。"), validators=LINE_VALIDATORS
    )
    phone = models.CharField(_("手机号"), max_length=20, blank=True, validators=LINE_VALIDATORS)
    enterprises = models.ManyToManyField(
        "crm.Enterprise",
        verbose_name=_("所属企业"),
        related_name="members",
        blank=True,
        help_text=_("企业用户只能看到这些企业的数据。"),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    def has_role(self, role: str) -> bool:
        # Cached per instance: role checks run several times per request.
        if not hasattr(self, "_role_names"):
            self._role_names = set(self.groups.values_list("name", flat=True))
        return role in self._role_names

    @property
    def is_enterprise_user(self) -> bool:
        return not self.is_staff and self.has_role(Role.ENTERPRISE)

    @property
    def reads_routed_requests_only(self) -> bool:
        """承办单位联络员: reads only the requests routed to its departments, reduced (``ServiceRequest.objects.visible_to``,
        docs/departments.md) — unless it also holds a role that reads every request (desk, station head, manager)."""
        if self.is_superuser or not self.has_role(Role.DEPARTMENT_LIAISON):
            return False
        return not any(self.has_role(role) for role in (Role.SERVICE_OFFICER, Role.SERVICE_LEAD, Role.MANAGER))


class CalendarFeed(models.Model):
    """日历订阅: a user's personal iCal feed, reached without login at ``/calendar/<token>.ics``.

    The token is the secret (43 random URL-safe characters, ``secrets.token_urlsafe(32)``): whoever holds the URL
    reads that user's calendar, so 重新生成链接 (``crm.pipeline.calendar.calendar_feed_renew``) replaces it and the old
    URL answers 404. It is stored as it is because its owner sees the URL again on the calendar page.
    """

    user = models.OneToOneField(
        "crm.User", verbose_name=_("用户"), on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(
        _("订阅令牌"), max_length=64, unique=True, help_text=_("订阅链接中的随机密钥。"), validators=LINE_VALIDATORS
    )
    created_at = models.DateTimeField(_("生成时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("日历订阅")
        verbose_name_plural = _("日历订阅")

    def __str__(self):
        return str(self.user)
