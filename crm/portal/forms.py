"""Portal forms. They check what a form can check; the services stay the judge of every rule."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.errors import DomainError
from crm.figures.services import attachment_validate_as_evidence
from crm.models import FIGURE_FIELDS, EnterpriseFigure, ServiceCategory, ServiceRequest
from crm.service_requests.attachments import attachment_validate
from crm.service_requests.satisfaction import MAX_COMMENT_LENGTH
from crm.service_requests.thread import MAX_MESSAGE_LENGTH
from crm.validators import LINE_VALIDATORS, validate_long_text

MAX_FILES = 10


class PortalAuthenticationForm(AuthenticationForm):
    """The portal is for enterprise users: staff are sent to the admin, other accounts are refused."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "staff": _("工作人员请从管理后台 /admin/ 登录。"),
        "not_enterprise": _("该账号没有企业门户权限，请联系园区企业服务驿站。"),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.is_staff:
            raise forms.ValidationError(self.error_messages["staff"], code="staff")
        if not user.is_enterprise_user:
            raise forms.ValidationError(self.error_messages["not_enterprise"], code="not_enterprise")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Zero or more uploads, each checked by the attachment service's rule (size, type by content)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        uploads = [d for d in (data if isinstance(data, list | tuple) else [data]) if d]
        if len(uploads) > MAX_FILES:
            raise forms.ValidationError(_("一次最多上传 %(n)s 个附件。") % {"n": MAX_FILES})
        errors = []
        for upload in uploads:
            super().clean(upload, initial)
            try:
                attachment_validate(upload)
            except DomainError as error:
                errors.append(_("%(name)s：%(error)s") % {"name": upload.name, "error": error.message})
        if errors:
            raise forms.ValidationError(errors)
        return uploads


class ServiceRequestForm(forms.Form):
    """A new request: which enterprise (only if the user has several), category, title, description, files.

    The category's own fields are a separate form (``crm.service_requests.details``), one per category.
    """

    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=None, empty_label=None)
    category = forms.ModelChoiceField(
        label=_("服务类别"),
        queryset=ServiceCategory.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=_("请选择服务类别"),
    )
    title = forms.CharField(
        label=_("标题"), max_length=ServiceRequest._meta.get_field("title").max_length, validators=LINE_VALIDATORS
    )
    description = forms.CharField(
        label=_("描述"),
        required=False,
        max_length=ServiceRequest._meta.get_field("description").max_length,
        validators=[validate_long_text],
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("请说明需要办理的事项、时间要求和联系人。"),
    )
    attachments = AttachmentsField(
        label=_("附件"),
        help_text=_("可多选。PDF、JPEG、PNG、DOCX 或 XLSX，每个不超过 10 MB。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        mine = list(user.enterprises.order_by("name"))
        self.enterprises = mine
        if len(mine) == 1:
            del self.fields["enterprise"]
        else:
            self.fields["enterprise"].queryset = user.enterprises.order_by("name")

    def chosen_enterprise(self):
        if "enterprise" in self.fields:
            return self.cleaned_data["enterprise"]
        return self.enterprises[0]


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("留言"),
        max_length=MAX_MESSAGE_LENGTH,
        validators=[validate_long_text],
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("给经办人留言……")}),
    )
    # Files sent with the message: shown beside it in the thread (the portal's and the service desk's).
    attachments = AttachmentsField(label=_("随留言发送附件"))


class AttachmentAddForm(forms.Form):
    attachments = AttachmentsField(label=_("补充附件"), required=True)


class TransitionForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, max_length=1000, validators=[validate_long_text])


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[
            (5, _("5 分 非常满意")),
            (4, _("4 分 满意")),
            (3, _("3 分 一般")),
            (2, _("2 分 不满意")),
            (1, _("1 分 很不满意")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("评价"),
        required=False,
        max_length=MAX_COMMENT_LENGTH,
        validators=[validate_long_text],
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("可选：说说办理过程中的感受或建议")}),
    )


class FigureSubmitForm(forms.Form):
    """企业自报年度指标: one year's figures of one of the user's enterprises, with an evidence file.

    The form checks what a form can (numbers, the file's type by content); ``figure_submit`` judges the rest."""

    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=None, empty_label=None)
    year = forms.TypedChoiceField(label=_("年度"), coerce=int)
    evidence = forms.FileField(
        label=_("佐证材料"),
        help_text=_("如年度财务报表、完税证明、统计年报。PDF、JPEG、PNG、DOCX 或 XLSX，不超过 10 MB。"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        mine = list(user.enterprises.order_by("name"))
        self.enterprises = mine
        if len(mine) == 1:
            del self.fields["enterprise"]
        else:
            self.fields["enterprise"].queryset = user.enterprises.order_by("name")
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, _("%(year)s 年度") % {"year": y}) for y in range(this_year, this_year - 6, -1)]
        self.fields["year"].initial = this_year - 1
        self.figure_names = list(FIGURE_FIELDS)
        for name in FIGURE_FIELDS:
            model_field = EnterpriseFigure._meta.get_field(name)
            if name == "employees":
                field = forms.IntegerField(min_value=0, max_value=10_000_000)
            else:
                field = forms.DecimalField(max_digits=14, decimal_places=2, min_value=None if name == "value_added" else 0)
            field.label, field.required = model_field.verbose_name, False
            field.help_text = model_field.help_text
            field.widget.attrs["inputmode"] = "decimal"
            self.fields[name] = field
        self.order_fields(["enterprise", "year", *FIGURE_FIELDS, "evidence"])

    def clean_evidence(self):
        upload = self.cleaned_data.get("evidence")
        if upload:
            try:
                attachment_validate_as_evidence(upload)
            except DomainError as error:
                raise forms.ValidationError(error.message) from None
        return upload

    def chosen_enterprise(self):
        if "enterprise" in self.fields:
            return self.cleaned_data["enterprise"]
        return self.enterprises[0]

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.figure_names}
