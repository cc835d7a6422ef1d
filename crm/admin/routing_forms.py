"""The small forms of routing (分办/转办) on a request's admin page: the desk's, the liaison's, the station head's.

Each is posted to its own URL and handed to one service of ``crm.service_requests.routing``; the services decide who
may do what (the role table, the liaison's own departments) and refuse with a Chinese message.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from crm.models import Department, Routing
from crm.service_requests.thread import MAX_MESSAGE_LENGTH
from crm.validators import validate_long_text

NOTE = {"max_length": 2000, "validators": [validate_long_text]}


def _departments():
    return Department.objects.filter(is_active=True).order_by("sort_order", "name")


class DueAtInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class RouteForm(forms.Form):
    """分办: the desk gives the request to a department as the lead (主办) or assisting (协办)."""

    department = forms.ModelChoiceField(label=_("承办单位"), queryset=Department.objects.none(),
                                        error_messages={"required": _("请选择承办单位。")})
    role = forms.ChoiceField(label=_("承办方式"), choices=Routing.Role.choices, initial=Routing.Role.LEAD)
    note = forms.CharField(label=_("交办说明"), required=False, widget=forms.TextInput(attrs={"size": 40}), **NOTE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments()


class TransferForm(forms.Form):
    """转办: the desk moves an active routing to another department."""

    routing = forms.IntegerField(widget=forms.HiddenInput)
    to_department = forms.ModelChoiceField(label=_("转办至"), queryset=Department.objects.none(),
                                           error_messages={"required": _("请选择转办的承办单位。")})
    note = forms.CharField(label=_("转办说明"), required=False, widget=forms.TextInput(attrs={"size": 30}), **NOTE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_department"].queryset = _departments()


class HandBackForm(forms.Form):
    """退回: the department gives its routing back to the desk, with a reason."""

    routing = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("退回理由"), widget=forms.TextInput(attrs={"size": 40}),
                             error_messages={"required": _("请填写退回理由。")}, **NOTE)


class ExtensionRequestForm(forms.Form):
    """延期申请: the department asks for a later due time, with a reason; the station head decides."""

    routing = forms.IntegerField(widget=forms.HiddenInput)
    due_at = forms.DateTimeField(label=_("申请延至"), widget=DueAtInput(),
                                 error_messages={"required": _("请填写申请延至的时间。"),
                                                 "invalid": _("请填写有效的日期和时间。")})
    reason = forms.CharField(label=_("延期理由"), widget=forms.TextInput(attrs={"size": 40}),
                             error_messages={"required": _("请填写延期理由。")}, **NOTE)


class RoutingCompleteForm(forms.Form):
    """办结: the department reports its part done."""

    routing = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("办结说明"), required=False, widget=forms.TextInput(attrs={"size": 40}), **NOTE)


class ExtensionDecisionForm(forms.Form):
    """延期审批: the station head approves or refuses a pending extension request (irreversible: asked first)."""

    extension = forms.IntegerField(widget=forms.HiddenInput)
    approve = forms.TypedChoiceField(choices=(("1", _("批准")), ("0", _("不批准"))), coerce=lambda v: v == "1",
                                     widget=forms.HiddenInput)
    note = forms.CharField(label=_("审批意见"), required=False, widget=forms.TextInput(attrs={"size": 30}), **NOTE)


class StepCompleteForm(forms.Form):
    """A department's own approval step, completed by its liaison."""

    step = forms.IntegerField(widget=forms.HiddenInput)


class DepartmentMessageForm(forms.Form):
    """A liaison's message: read by its own department and the desk, never by the enterprise."""

    body = forms.CharField(
        label=_("留言内容"), max_length=MAX_MESSAGE_LENGTH, validators=[validate_long_text],
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), error_messages={"required": _("请填写留言内容。")},
    )
