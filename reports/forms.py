"""The report filters: date range, park, chain, owner — GET parameters, so a filtered view can be shared as a link.

The same form validates the pages, the Excel export and the API, so all three read a parameter alike.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.models import User, list_labels
from parks.models import Park
from parks.mu import CLASSES as MU_CLASSES
from reports.selectors.common import ReportFilters
from reports.selectors.mu import MuFilters

# Dates outside these years are refused: no report spans them, and the day after 9999-12-31 does not exist.
FIRST_YEAR, LAST_YEAR = 2000, 2100
FILTER_FIELDS = ("start", "end", "park", "chain", "owner")


def has_nul_byte(params) -> bool:
    """True when a parameter name or value holds a NUL byte: PostgreSQL refuses it in any text, so it is a 400."""
    return any("\x00" in key or any("\x00" in value for value in params.getlist(key)) for key in params)


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


DATE_ERRORS = {"invalid": _("请输入有效的日期，如 2024-12-31。")}


class ReportFilterForm(forms.Form):
    start = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}), error_messages=DATE_ERRORS
    )
    end = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}), error_messages=DATE_ERRORS
    )
    park = forms.ModelChoiceField(
        label=_("园区"),
        queryset=Park.objects.order_by("name"),
        required=False,
        empty_label=_("全部园区"),
        error_messages={"invalid_choice": _("没有这个园区。")},
    )
    chain = forms.ChoiceField(
        label=_("产业链"),
        choices=lambda: [("", _("全部产业链")), *list_labels("crm.IndustryChain").items()],
        required=False,
        error_messages={"invalid_choice": _("没有这个产业链。")},
    )
    owner = OwnerChoiceField(
        label=_("负责人"),
        queryset=User.objects.filter(is_staff=True, is_active=True).order_by("display_name", "username"),
        required=False,
        empty_label=_("全部人员"),
        error_messages={"invalid_choice": _("没有这个人员。")},
    )

    def clean(self):
        data = super().clean()
        for name in ("start", "end"):
            day = data.get(name)
            if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add_error(name, _("日期须在 %(first)s 年至 %(last)s 年之间。") % {"first": FIRST_YEAR, "last": LAST_YEAR})
                data.pop(name, None)
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return data

    def filters(self) -> ReportFilters:
        """The validated filters; call only when the form is valid."""
        data = self.cleaned_data
        return ReportFilters(
            start=data.get("start"),
            end=data.get("end"),
            park=data.get("park"),
            chain=data.get("chain") or "",
            owner=data.get("owner"),
        )


def describe(filters) -> str:
    """The filters in words, for a page's subtitle and an Excel sheet's title row."""
    if hasattr(filters, "describe"):  # a page with filters of its own (亩均: ``MuFilters``)
        return filters.describe()
    if filters.start and filters.end:
        period = gettext("%(start)s 至 %(end)s") % {"start": f"{filters.start:%Y-%m-%d}", "end": f"{filters.end:%Y-%m-%d}"}
    elif filters.start:
        period = gettext("%(start)s 起") % {"start": f"{filters.start:%Y-%m-%d}"}
    elif filters.end:
        period = gettext("截至 %(end)s") % {"end": f"{filters.end:%Y-%m-%d}"}
    else:
        period = gettext("全部")
    chain = list_labels("crm.IndustryChain").get(filters.chain, filters.chain) if filters.chain else gettext("全部")
    return gettext("；").join([
        gettext("统计区间：%(period)s") % {"period": period},
        gettext("园区：%(park)s") % {"park": filters.park or gettext('全部')},
        gettext("产业链：%(chain)s") % {"chain": chain},
        gettext("负责人：%(owner)s") % {"owner": filters.owner or gettext('全部')},
    ])



class MuFilterForm(forms.Form):
    """The 亩均论英雄 page's filters: the year (last year by default), one class, one park."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False,
                                  error_messages={"invalid_choice": _("请选择 2000 年至今年之间的年度。")})
    klass = forms.ChoiceField(
        label=_("等级"),
        required=False,
        choices=lambda: [("", _("全部等级")), *((k, str(v)) for k, v in MU_CLASSES.items())],
        error_messages={"invalid_choice": _("没有这个等级。")},
    )
    park = forms.ModelChoiceField(
        label=_("园区"),
        queryset=Park.objects.order_by("name"),
        required=False,
        empty_label=_("全部园区"),
        error_messages={"invalid_choice": _("没有这个园区。")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        self.fields["year"].choices = [(y, str(y)) for y in range(this_year, FIRST_YEAR - 1, -1)]
        self.default_year = this_year - 1

    def filters(self) -> MuFilters:
        data = self.cleaned_data
        return MuFilters(year=data.get("year") or self.default_year, klass=data.get("klass") or "",
                         park=data.get("park"))
