"""The park's identity as data: who this installation serves (站点信息)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.validators import LINE_VALIDATORS, LONG_TEXT_VALIDATORS

from .base import TimeStampedModel

SITE_PROFILE_ID = 1


class SiteProfile(TimeStampedModel):
    """站点信息: the park this installation serves — its name in the portal, the reports, the admin, e-mails, robot
    messages and the calendar feed; its logo; the signature under its e-mails and robot messages.

    One row (id 1), created by the migration with 紫金港科技城 and edited in the admin by an administrator; read
    through ``crm.notifications.site.site_profile`` (once per request at most). The logo is stored in the row and served by
    ``crm.views.site_logo`` (a PNG or JPEG checked at upload, never SVG), so it needs no media server.
    """

    name = models.CharField(_("园区名称"), max_length=100, validators=LINE_VALIDATORS, help_text=_("如“紫金港科技城”。"))
    short_name = models.CharField(
        _("简称"), max_length=20, validators=LINE_VALIDATORS, help_text=_("如“紫金港”：日历名称和门户标志中使用。")
    )
    organization = models.CharField(
        _("管理机构"), max_length=100, blank=True, validators=LINE_VALIDATORS,
        help_text=_("页脚中显示，如“杭州紫金港科技城管委会”。"),
    )
    signature = models.TextField(
        _("邮件与群消息签名"), max_length=500, blank=True, validators=LONG_TEXT_VALIDATORS,
        help_text=_("附在每封提醒邮件和每条群机器人消息的末尾；留空则不附签名。"),
    )
    site_url = models.URLField(
        _("网站地址"), blank=True,
        help_text=_("提醒中的链接以此开头，如 https://crm.example.cn 。留空时取环境变量 DJANGO_SITE_URL，"
                    "未设置时取首次登录后台时浏览器访问的地址。"),
    )
    logo = models.BinaryField(_("标志"), blank=True, default=b"", editable=False)
    logo_type = models.CharField(_("标志格式"), max_length=20, blank=True, editable=False)

    class Meta:
        verbose_name = _("站点信息")
        verbose_name_plural = _("站点信息")
        constraints = [
            models.CheckConstraint(condition=Q(id=SITE_PROFILE_ID), name="crm_siteprofile_singleton"),
        ]

    def __str__(self):
        return self.name

    @property
    def has_logo(self) -> bool:
        return bool(self.logo_type)
