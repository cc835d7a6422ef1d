from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crm.validators import LONG_TEXT_MAX_LENGTH, LONG_TEXT_VALIDATORS


class RequestCallBack(models.Model):
    """回访: the service desk calls the enterprise back after a request was resolved or closed and records how it was
    received (满意 / 基本满意 / 不满意) with a comment. 不满意 reopens the request (``request_record_callback``).

    A record of the desk's own: enterprises never see call-backs (nor liaisons of departments); managers read them in
    the service report, by department and by officer.
    """

    class Result(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    request = models.ForeignKey(
        "crm.ServiceRequest", verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="callbacks"
    )
    result = models.CharField(_("回访结果"), max_length=20, choices=Result.choices)
    comment = models.TextField(
        _("回访意见"), blank=True, max_length=LONG_TEXT_MAX_LENGTH, validators=LONG_TEXT_VALIDATORS,
        help_text=_("企业的原话或回访人的记录；不满意时请写明原因。仅园区工作人员可见。"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("回访人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("回访时间"))

    class Meta:
        verbose_name = _("回访记录")
        verbose_name_plural = _("回访记录")
        ordering = ["request", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=["satisfied", "basic", "unsatisfied"]), name="crm_requestcallback_result_known"
            ),
        ]
        indexes = [models.Index(fields=["request", "recorded_at"], name="crm_callback_request_idx")]

    def __str__(self):
        return f"{self.get_result_display()} · {self.recorded_at:%Y-%m-%d}"
