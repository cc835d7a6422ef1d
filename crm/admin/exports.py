"""Excel exports of the service desk's and the pipeline's other lists: 企业诉求, 跟进记录, 提醒 (issue 14, item 3).

Each export is the admin list as the user sees it (its filters, its search, the rows ``get_queryset`` lets this user
read; ``has_export_permission`` is the list's view right, so ``WHO_READS`` decides who exports) written through
``SpreadsheetResource``: Chinese headers, choice labels rather than codes, every text cell by the formula rule
(``crm.text.spreadsheet_value``). Personal data leaves masked whoever exports: a passport number as ``E1*****78``
(``crm.crypto.mask``), a phone number as ``138****5678`` (``crm.crypto.mask_phone``), as the lists show them.
"""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets
from import_export.admin import ExportMixin
from import_export.formats.base_formats import XLSX

from crm import crypto
from crm.models import FollowUp, Notification, ReminderRule, ServiceRequest
from crm.service_requests.details import PHONE_KEYS, details_for_display, details_labels

from .excel import ExcelFileNameMixin
from .resources import SpreadsheetResource


class ListExportMixin(ExcelFileNameMixin, ExportMixin):
    """“导出” on an admin list: the filtered list at once as “<export_file_stem>_<local date>.xlsx”, for whoever may
    read the list (its view right: ``WHO_READS`` through ``crm.permission_backend``), its rows ``get_queryset``'s."""

    export_formats = [XLSX]
    skip_export_form = True  # one format, one resource

    def has_export_permission(self, request):
        return self.has_view_permission(request)


class LocalDateTimeWidget(widgets.DateTimeWidget):
    """A moment as the park's clock reads it (Asia/Shanghai), written as an Excel date-time."""

    def __init__(self):
        super().__init__(format="%Y-%m-%d %H:%M", coerce_to_string=False)

    def render(self, value, obj=None, **kwargs):
        if not value:
            return None
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)


def _user(user) -> str:
    return str(user) if user is not None else ""


def masked_details(service_request) -> str:
    """“外籍人才姓名：Anna；护照号码：E1*****78；联系电话：138****5678”: the category's fields by their labels,
    a passport number masked by the one reading of the details (``details_for_display`` for nobody in particular,
    so for everyone alike) and a phone number masked as lists mask it (an export leaves the system)."""
    labels = details_labels(service_request)
    shown = []
    for key, value in details_for_display(service_request=service_request, user=AnonymousUser()).items():
        if value in (None, ""):
            continue
        value = str(value)
        if key in PHONE_KEYS:
            value = crypto.mask_phone(value)
        shown.append(f"{labels.get(key, key)}：{value}")
    return "；".join(shown)


class ServiceRequestExportResource(SpreadsheetResource):
    number = fields.Field(attribute="pk", column_name=_("编号"), widget=widgets.IntegerWidget())
    title = fields.Field(attribute="title", column_name=_("标题"))
    enterprise = fields.Field(attribute="enterprise__name", column_name=_("企业"))
    category = fields.Field(attribute="category__name", column_name=_("类别"))
    status = fields.Field(attribute="get_status_display", column_name=_("状态"))
    assignee = fields.Field(column_name=_("经办人"))
    submitted_by = fields.Field(column_name=_("提交人"))
    submitter_phone = fields.Field(column_name=_("提交人手机号"))
    submitted_at = fields.Field(attribute="submitted_at", column_name=_("提交时间"), widget=LocalDateTimeWidget())
    due_at = fields.Field(attribute="due_at", column_name=_("办理时限"), widget=LocalDateTimeWidget())
    resolved_at = fields.Field(attribute="resolved_at", column_name=_("办结时间"), widget=LocalDateTimeWidget())
    details = fields.Field(column_name=_("类别专属信息"))
    satisfaction = fields.Field(attribute="satisfaction", column_name=_("满意度"), widget=widgets.IntegerWidget())

    class Meta:
        model = ServiceRequest
        fields = (
            "number", "title", "enterprise", "category", "status", "assignee", "submitted_by", "submitter_phone",
            "submitted_at", "due_at", "resolved_at", "details", "satisfaction",
        )
        export_order = fields

    @classmethod
    def get_display_name(cls):
        return _("企业诉求")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("enterprise", "category", "assignee", "submitted_by")

    def dehydrate_assignee(self, obj):
        return _user(obj.assignee)

    def dehydrate_submitted_by(self, obj):
        return _user(obj.submitted_by)

    def dehydrate_submitter_phone(self, obj):
        return crypto.mask_phone(obj.submitted_by.phone) if obj.submitted_by.phone else ""

    def dehydrate_details(self, obj):
        return masked_details(obj)


class FollowUpExportResource(SpreadsheetResource):
    occurred_on = fields.Field(attribute="occurred_on", column_name=_("跟进日期"), widget=widgets.DateWidget())
    project = fields.Field(attribute="project__name", column_name=_("项目"))
    enterprise = fields.Field(attribute="project__enterprise__name", column_name=_("企业"))
    kind = fields.Field(attribute="get_kind_display", column_name=_("方式"))
    officer = fields.Field(column_name=_("跟进人"))
    note = fields.Field(attribute="note", column_name=_("跟进内容"))
    next_step = fields.Field(attribute="next_step", column_name=_("下一步"))
    next_follow_up_on = fields.Field(
        attribute="next_follow_up_on", column_name=_("下次跟进日期"), widget=widgets.DateWidget()
    )

    class Meta:
        model = FollowUp
        fields = ("occurred_on", "project", "enterprise", "kind", "officer", "note", "next_step", "next_follow_up_on")
        export_order = fields

    @classmethod
    def get_display_name(cls):
        return _("跟进记录")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("project__enterprise", "officer")

    def dehydrate_officer(self, obj):
        return _user(obj.officer)


class NotificationExportResource(SpreadsheetResource):
    subject = fields.Field(attribute="subject", column_name=_("标题"))
    addressee = fields.Field(column_name=_("接收方"))
    rule = fields.Field(column_name=_("规则"))
    channel = fields.Field(attribute="get_channel_display", column_name=_("渠道"))
    status = fields.Field(attribute="get_status_display", column_name=_("状态"))
    attempts = fields.Field(attribute="attempts", column_name=_("尝试次数"), widget=widgets.IntegerWidget())
    created_at = fields.Field(attribute="created_at", column_name=_("生成时间"), widget=LocalDateTimeWidget())
    sent_at = fields.Field(attribute="sent_at", column_name=_("发送时间"), widget=LocalDateTimeWidget())
    read_at = fields.Field(attribute="read_at", column_name=_("已读时间"), widget=LocalDateTimeWidget())

    class Meta:
        model = Notification
        fields = ("subject", "addressee", "rule", "channel", "status", "attempts", "created_at", "sent_at", "read_at")
        export_order = fields

    @classmethod
    def get_display_name(cls):
        return _("提醒")

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("recipient", "webhook")

    def dehydrate_addressee(self, obj):
        return str(obj.addressee or "")

    def dehydrate_rule(self, obj):
        return str(dict(ReminderRule.Code.choices).get(obj.rule, obj.rule))
