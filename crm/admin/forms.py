"""Small forms of the staff admin: they collect input; the services decide what is legal."""

import copy

from django import forms
from django.db.models import Q
from django.forms.models import construct_instance
from django.utils.translation import gettext_lazy as _

from crm.enterprises import enterprise_check
from crm.models import Enterprise, FollowUp, RequestCallBack, Role, Stage, User
from crm.pipeline.services import allowed_stages
from crm.portal.forms import AttachmentsField
from crm.service_requests.callbacks import MAX_COMMENT_LENGTH as CALLBACK_COMMENT_LENGTH
from crm.service_requests.thread import MAX_MESSAGE_LENGTH
from crm.validators import LINE_VALIDATORS, validate_long_text

from .common import show_refusal


def officers(role: str):
    """Active staff of a role (and superusers, whom the services accept too), for owner/assignee pickers."""
    return (
        User.objects.filter(Q(groups__name=role) | Q(is_superuser=True), is_active=True)
        .distinct()
        .order_by("display_name", "username")
    )


class EnterpriseForm(forms.ModelForm):
    """企业: the fields are checked by ``enterprise_check`` (the rules of ``enterprise_create``), beside the fields.

    The credit code's field takes a code as pasted (spaces, dashes, lower case); the check compacts it.
    """

    credit_code = forms.CharField(
        label=Enterprise._meta.get_field("credit_code").verbose_name,
        help_text=Enterprise._meta.get_field("credit_code").help_text,
        required=False,
        max_length=40,
        validators=LINE_VALIDATORS,
    )

    class Meta:
        model = Enterprise
        fields = (
            "name", "short_name", "credit_code", "status", "industry_chain", "chain_segment", "park", "jurisdiction",
            "registered_capital", "headcount", "rd_headcount", "founded_on", "address", "description",
            "responsible_officer", "responsible_leader", "is_key",
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        candidate = construct_instance(self, copy.copy(self.instance))
        with show_refusal(form=self) as refusal:
            enterprise_check(enterprise=candidate)
        if refusal.error is None:
            data["credit_code"] = candidate.credit_code
            self.instance.name_key = candidate.name_key  # not a form field: the edited name's 撞单 key
        return data


class ProjectChangeStageForm(forms.Form):
    """变更阶段: the select offers only the moves ``allowed_stages`` permits now.

    The field accepts any known stage so that a stale page (the project moved meanwhile) reaches
    ``project_change_stage``, which refuses it with its own message — one place decides legality.
    """

    to = forms.ChoiceField(label=_("转到阶段"), choices=Stage.choices)
    note = forms.CharField(
        label=_("说明"), required=False, max_length=2000, validators=[validate_long_text],
        widget=forms.TextInput(attrs={"size": 40}),
        help_text=_("转为“终止”时必须填写原因。"),
    )

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].widget.choices = [(s, Stage(s).label) for s in allowed_stages(project)]


class AssignOwnerForm(forms.Form):
    """分配负责人: the intermediate page of the bulk action."""

    owner = forms.ModelChoiceField(label=_("负责人"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = officers(Role.INVESTMENT_OFFICER)


class RequestTransitionForm(forms.Form):
    """办理: one transition of a service request, with an optional note (required to reject)."""

    action = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("说明"), required=False, max_length=2000, validators=[validate_long_text])


class RequestReplyForm(forms.Form):
    """回复: a message (or an internal note) with its files, posted on its own through ``message_post``."""

    body = forms.CharField(
        label=_("回复内容"), max_length=MAX_MESSAGE_LENGTH, validators=[validate_long_text],
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )
    is_internal = forms.BooleanField(label=_("内部备注（企业不可见）"), required=False)
    shared_with_departments = forms.BooleanField(
        label=_("发给承办单位（承办单位联络员可见，企业不可见）"), required=False,
    )
    attachments = AttachmentsField(label=_("附件（企业可见）"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].error_messages["required"] = _("请填写回复内容。")


class RequestCallBackForm(forms.Form):
    """记录回访: the enterprise's answer and the desk's comment, recorded by ``request_record_callback``
    (不满意 reopens the request; the page asks before)."""

    result = forms.ChoiceField(label=_("回访结果"), choices=RequestCallBack.Result.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("回访意见"), required=False, max_length=CALLBACK_COMMENT_LENGTH, validators=[validate_long_text],
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}), help_text=_("不满意时必填；仅园区工作人员可见。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].error_messages["required"] = _("请选择回访结果。")


class RequestAssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("经办人"), queryset=User.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officers(Role.SERVICE_OFFICER)



class FollowUpQuickForm(forms.ModelForm):
    """记录跟进 at the top of the project page and on each workbench row: the officer at the keyboard logs it through
    ``follow_up_create`` (the fields' rules are the model's)."""

    class Meta:
        model = FollowUp
        fields = ("kind", "occurred_on", "note", "next_step", "next_follow_up_on")
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "next_follow_up_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 2, "cols": 60}),
            "next_step": forms.TextInput(attrs={"size": 30}),
        }
