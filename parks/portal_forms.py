"""The online application's form in the portal (网上申报): the amount, one upload per required document, each
missing fact with its evidence, and the confirmation — built for the clause and the enterprise's match."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.models import EnterpriseFigure
from crm.validators import validate_long_text

from .models import SuppliedFact


class ApplicationForm(forms.Form):
    applied_amount = forms.DecimalField(
        label=_("申请金额（万元）"), max_digits=14, decimal_places=2, min_value=0,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    confirm = forms.BooleanField(
        label=_("本企业承诺所填信息和上传材料真实有效，提交后不能修改。"), required=True,
        error_messages={"required": _("请勾选承诺后再提交。")},
    )

    def __init__(self, *args, clause, fact_kinds, figure_fields=(), **kwargs):
        super().__init__(*args, **kwargs)
        cap = clause.amount_cap
        if cap is not None:
            self.fields["applied_amount"].help_text = _("本条款最高 %(cap)s 万元。") % {"cap": f"{cap:,.2f}".rstrip("0").rstrip(".")}
        self.documents = []
        for index, name in enumerate(clause.required_document_list()):
            key = f"doc_{index}"
            self.fields[key] = forms.FileField(label=name, help_text=_("PDF、JPEG、PNG、DOCX 或 XLSX，不超过 10 MB。"))
            self.documents.append((name, key))
        self.facts = []
        for kind in fact_kinds:
            label = SuppliedFact.Kind(kind).label
            self.fields[f"fact_{kind}"] = forms.IntegerField(label=label, min_value=0, help_text=_("园区尚未登记，请填写。"))
            self.fields[f"fact_{kind}_evidence"] = forms.FileField(
                label=_("%(label)s证明材料") % {"label": label}, help_text=_("如社保缴纳名单、年报；经工作人员确认后生效。"),
            )
            self.facts.append(kind)
        self.figures = list(figure_fields)
        figure_keys = []
        if self.figures:
            last_year = timezone.localdate().year - 1
            self.fields["figure_year"] = forms.IntegerField(label=_("指标年度"), initial=last_year, min_value=2000,
                                                            max_value=last_year + 1)
            figure_keys.append("figure_year")
            for name in self.figures:
                field = EnterpriseFigure._meta.get_field(name)
                self.fields[f"figure_{name}"] = forms.DecimalField(label=field.verbose_name, max_digits=field.max_digits,
                                                                  decimal_places=field.decimal_places)
                figure_keys.append(f"figure_{name}")
            self.fields["figure_evidence"] = forms.FileField(
                label=_("年度指标佐证材料"), help_text=_("如财务报表、完税证明；经工作人员确认后生效。"))
            figure_keys.append("figure_evidence")
        self.order_fields(["applied_amount", *[k for _n, k in self.documents],
                           *[f for kind in self.facts for f in (f"fact_{kind}", f"fact_{kind}_evidence")],
                           *figure_keys, "confirm"])

    def service_names(self) -> dict:
        """The service's field names (``document:0``, ``fact:headcount``) → this form's."""
        names = {f"document:{i}": key for i, (_n, key) in enumerate(self.documents)}
        names |= {f"fact:{kind}": f"fact_{kind}" for kind in self.facts}
        if self.figures:  # figure_submit's own field names
            names |= {"year": "figure_year", "evidence": "figure_evidence"}
            names |= {name: f"figure_{name}" for name in self.figures}
        return names

    def figure_values(self) -> dict:
        return {name: self.cleaned_data.get(f"figure_{name}") for name in self.figures}


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("异议理由"), max_length=2000, validators=[validate_long_text],
        widget=forms.Textarea(attrs={"rows": 4}), help_text=_("说明不同意的理由；补充材料可在申报诉求中上传。"),
    )
