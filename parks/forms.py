"""Forms of the parks admin: they collect input; the model's ``clean`` and the services decide what is legal."""

import json
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.utils.translation import gettext_lazy as _

from crm.admin.common import show_refusal
from crm.models import Project, Stage
from crm.models.lists import RETIRED_SUFFIX
from crm.validators import validate_long_text, validate_plausible_date

from .models import AMOUNT_RULES_WITH_BASIS, EligibilityCriterion, LandParcel, ParcelStatus, PolicyClause, PolicyGrant
from .services.grants import policy_grant_application_check
from .services.parcels import allowed_parcel_moves

Kind = EligibilityCriterion.Kind


def criterion_choice_groups() -> list:
    """The options of ``choice`` as labelled groups, one per kind that has options (the page's script
    shows only the group of the kind picked; the form checks the pick against the kind anyway)."""
    return [("", "——")] + [
        (str(Kind(kind).label), EligibilityCriterion.options_for(kind, active_only=True))
        for kind in EligibilityCriterion.CHOICE_KINDS
    ]


class EligibilityCriterionForm(forms.ModelForm):
    """申报条件 for people, not programmers: pick a kind, then the option, number or park it needs.

    ``choice`` is a select of industry chains, qualifications and stages (grouped by kind); the model's
    ``clean`` says in words what is missing or does not fit the kind. Fields the kind does not use are
    cleared rather than refused, so changing a row's kind never traps the user.
    """

    choice = forms.ChoiceField(label=_("选项"), required=False, choices=criterion_choice_groups)

    class Meta:
        model = EligibilityCriterion
        fields = ("kind", "choice", "number", "park")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups = {kind: str(Kind(kind).label) for kind in EligibilityCriterion.CHOICE_KINDS}
        self.fields["choice"].widget.attrs["data-groups"] = json.dumps(groups, ensure_ascii=False)
        # A criterion naming a retired chain or qualification kind keeps it, marked (new ones cannot pick it).
        kept, kind = self.instance.choice, self.instance.kind
        if kept and kind in EligibilityCriterion.CHOICE_KINDS:
            active = dict(EligibilityCriterion.options_for(kind, active_only=True))
            retired = dict(EligibilityCriterion.options_for(kind))
            if kept not in active and kept in retired:
                self.fields["choice"].choices = [
                    (group, [*options, (kept, f"{retired[kept]}{RETIRED_SUFFIX}")] if group == str(Kind(kind).label)
                     else options)
                    for group, options in criterion_choice_groups()
                ]

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind and kind not in EligibilityCriterion.NUMBER_KINDS:
            data["number"] = None
        if kind and kind not in EligibilityCriterion.CHOICE_KINDS:
            data["choice"] = ""
        if kind and kind != Kind.IN_PARK:
            data["park"] = None
        return data


class PolicyClauseForm(forms.ModelForm):
    """条款 with its amount rule (预计可享): parameters the chosen rule does not use are cleared rather than
    refused, so changing the rule never traps the user; the model's ``clean`` says what is missing."""

    class Meta:
        model = PolicyClause
        fields = (
            "policy", "number", "title", "text", "benefit_kind", "amount_cap", "formula",
            "amount_rule", "amount_basis", "amount_value", "valid_from", "valid_until",
        )

    def clean(self):
        data = super().clean()
        rule = data.get("amount_rule")
        if not rule:
            data["amount_basis"], data["amount_value"] = "", None
        elif rule not in AMOUNT_RULES_WITH_BASIS:
            data["amount_basis"] = ""
        return data


class ParcelMoveForm(forms.Form):
    """变更地块状态 on the parcel page: the select offers the moves the lifecycle allows now; reserving needs
    a project, transferring a project, a date and a price. The services decide; a stale page is refused there."""

    to = forms.ChoiceField(label=_("转为"), choices=ParcelStatus.choices)
    project = forms.ModelChoiceField(
        label=_("项目"), required=False, queryset=Project.objects.exclude(stage__in=[Stage.LOST, Stage.ON_HOLD]),
        help_text=_("预留或出让时必填。"),
    )
    transferred_on = forms.DateField(
        label=_("出让日期"), required=False, validators=[validate_plausible_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    price = forms.DecimalField(label=_("成交价（万元）"), required=False, max_digits=14, decimal_places=2, min_value=0)
    note = forms.CharField(
        label=_("说明"), required=False, max_length=500, validators=[validate_long_text],
        widget=forms.TextInput(attrs={"size": 30}),
    )

    def __init__(self, *args, parcel: LandParcel, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].widget.choices = [(s, ParcelStatus(s).label) for s in allowed_parcel_moves(parcel)]
        project = self.fields["project"]
        project.widget = AutocompleteSelect(LandParcel._meta.get_field("project"), admin.site)
        project.widget.choices = project.choices
        if parcel.project_id:
            self.fields["project"].initial = parcel.project_id

    def clean(self):
        data = super().clean()
        to = data.get("to")
        if to in (ParcelStatus.RESERVED, ParcelStatus.TRANSFERRED) and not data.get("project"):
            self.add_error("project", _("预留或出让时请选择项目。"))
        if to == ParcelStatus.TRANSFERRED:
            if not data.get("transferred_on"):
                self.add_error("transferred_on", _("请填写出让日期。"))
            if data.get("price") is None:
                self.add_error("price", _("请填写成交价。"))
        return data


class GrantDecisionForm(forms.Form):
    """审核与拨付 on the grant page: approve (amount ≤ the clause's cap), pay an instalment, or refuse with a reason."""

    APPROVE, DISBURSE, REJECT = "approve", "disburse", "reject"
    CONFIRM, DISMISS = "confirm", "dismiss"  # 免申即享
    ACTIONS = {
        PolicyGrant.Status.PROPOSED: [(CONFIRM, _("确认兑现")), (DISMISS, _("不予推送"))],
        PolicyGrant.Status.APPLIED: [(APPROVE, _("核准")), (REJECT, _("不予兑现"))],
        PolicyGrant.Status.APPROVED: [(DISBURSE, _("拨付"))],
        PolicyGrant.Status.DISBURSED: [(DISBURSE, _("继续拨付"))],
        PolicyGrant.Status.REJECTED: [],
        PolicyGrant.Status.DISMISSED: [],
    }

    action = forms.ChoiceField(label=_("操作"), choices=[
        (APPROVE, _("核准")), (DISBURSE, _("拨付")), (REJECT, _("不予兑现")), (CONFIRM, _("确认兑现")), (DISMISS, _("不予推送")),
    ])
    amount = forms.DecimalField(label=_("金额（万元）"), required=False, max_digits=14, decimal_places=2)
    on = forms.DateField(
        label=_("日期"), required=False, validators=[validate_plausible_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("意见"), required=False, max_length=2000, validators=[validate_long_text],
                           widget=forms.TextInput(attrs={"size": 30}),
                           help_text=_("不予兑现时必须填写原因。"))

    def __init__(self, *args, grant: PolicyGrant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].widget.choices = self.ACTIONS[grant.status]

    def clean(self):
        data = super().clean()
        if data.get("action") in (self.APPROVE, self.DISBURSE, self.CONFIRM):
            if data.get("amount") is None:
                self.add_error("amount", _("请填写金额。"))
            if data.get("on") is None:
                self.add_error("on", _("请填写日期。"))
        return data


class GrantInstalmentForm(forms.Form):
    """分期兑现 on the grant page: plan the instalments (one line per instalment: 年度 金额), pay one that the rule
    releases, or record a clawback recovered. The services decide what is legal."""

    PLAN, PAY, CLAWBACK = "plan", "pay", "clawback"

    action = forms.ChoiceField(label=_("操作"), choices=[(PLAN, _("分期")), (PAY, _("按期拨付")), (CLAWBACK, _("登记已追回"))])
    plan = forms.CharField(
        label=_("分期计划"), required=False, max_length=500, validators=[validate_long_text],
        widget=forms.Textarea(attrs={"rows": 3, "cols": 24, "placeholder": "2026 100\n2027 200"}),
        help_text=_("每行一期：承诺年度 与 金额（万元），如“2026 100”；合计须等于核准金额。"),
    )
    instalment = forms.TypedChoiceField(label=_("分期"), required=False, coerce=int, empty_value=None)
    on = forms.DateField(
        label=_("拨付日期"), required=False, validators=[validate_plausible_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, grant: PolicyGrant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instalment"].choices = [("", "——")] + [(i.pk, str(i)) for i in grant.instalments.all()]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == self.PLAN:
            data["plan_rows"] = self._plan_rows(data.get("plan") or "")
        elif action in (self.PAY, self.CLAWBACK) and data.get("instalment") is None:
            self.add_error("instalment", _("请选择一期。"))
        if action == self.PAY and data.get("on") is None:
            self.add_error("on", _("请填写日期。"))
        return data

    def _plan_rows(self, text: str) -> list:
        rows = []
        for line in text.replace("，", " ").replace(",", " ").replace("：", " ").replace(":", " ").splitlines():
            parts = line.split()
            if not parts:
                continue
            try:
                year, amount = int(parts[0]), Decimal(parts[1])
                if len(parts) != 2 or not amount.is_finite():
                    raise ValueError
            except (ValueError, IndexError, InvalidOperation):
                self.add_error("plan", _("无法识别“%(line)s”：每行填写 承诺年度 与 金额，如“2026 100”。") % {"line": line.strip()})
                return []
            rows.append((year, amount))
        if not rows:
            self.add_error("plan", _("请至少填写一期。"))
        return rows


class GrantRecordForm(forms.ModelForm):
    """登记兑现申请: the same checks as ``policy_grant_record``, shown next to the fields before anything is saved."""

    class Meta:
        model = PolicyGrant
        fields = ("clause", "enterprise", "project", "applied_amount", "applied_on")

    def clean(self):
        data = super().clean()
        if self.instance.pk or self.errors:
            return data
        with show_refusal(form=self):
            policy_grant_application_check(
                clause=data["clause"], enterprise=data["enterprise"], project=data.get("project"),
                applied_amount=data["applied_amount"], applied_on=data["applied_on"],
            )
        return data


class ApplicationDecisionForm(forms.Form):
    """审核 on an online application's page: confirm or send back a supplied fact (补充信息), then approve an amount
    (the grant, within the clause's cap) or refuse with the reason the enterprise reads."""

    APPROVE, REFUSE = "approve", "refuse"
    CONFIRM_FACT, REJECT_FACT = "confirm_fact", "reject_fact"
    CONFIRM_FIGURE, REJECT_FIGURE = "confirm_figure", "reject_figure"

    action = forms.ChoiceField(label=_("操作"), choices=[])
    amount = forms.DecimalField(label=_("核准金额（万元）"), required=False, max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("意见"), required=False, max_length=2000, validators=[validate_long_text],
                           widget=forms.TextInput(attrs={"size": 30}), help_text=_("未通过或退回补充信息时必须填写原因。"))

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for fact in application.supplied_facts.all():
            if fact.status == fact.Status.SUBMITTED:
                label = f"{fact.get_kind_display()} {fact.value}"
                choices.append((f"{self.CONFIRM_FACT}:{fact.pk}", _("确认补充信息：%(fact)s") % {"fact": label}))
                choices.append((f"{self.REJECT_FACT}:{fact.pk}", _("退回补充信息：%(fact)s") % {"fact": label}))
        figure = application.figure
        if figure is not None and figure.status == figure.Status.SUBMITTED:
            label = _("%(year)s 年度自报指标") % {"year": figure.year}
            choices.append((self.CONFIRM_FIGURE, _("确认%(figure)s") % {"figure": label}))
            choices.append((self.REJECT_FIGURE, _("退回%(figure)s") % {"figure": label}))
        if application.status in application.WAITING:
            choices += [(self.APPROVE, _("核准")), (self.REFUSE, _("不予核准"))]
        self.fields["action"].choices = choices

    def clean(self):
        data = super().clean()
        if data.get("action") == self.APPROVE and data.get("amount") is None:
            self.add_error("amount", _("请填写核准金额。"))
        return data
