from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Abstract base: when a row was created and last changed."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class IndustryChain(models.TextChoices):
    """The park's leading industry chains (产业链)."""

    AI = "ai", _("人工智能")
    ROBOTICS = "robotics", _("智能机器人")
    XINCHUANG = "xinchuang", _("信创与商用密码")
    CLOUD = "cloud", _("云计算与智算")
    LIFE_HEALTH = "life_health", _("生命健康")
    SMART_MANUFACTURING = "smart_manufacturing", _("智能制造")
    NEW_MATERIALS = "new_materials", _("新材料")
    DIGITAL_ECONOMY = "digital_economy", _("数字经济")
    OTHER = "other", _("其他")


class Jurisdiction(models.TextChoices):
    """属地镇街: the township or street office an enterprise is registered under."""

    SANDUN = "sandun", _("三墩镇")
    JIANGCUN = "jiangcun", _("蒋村街道")
    OTHER = "other", _("其他")
