"""The report filters: date range, park, chain, owner — GET parameters, so a filtered view can be shared as a link.

The same form validates the pages, the Excel export and the API, so all three read a parameter alike.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.models import Role, User, list_labels
from parks.models import Park
from parks.mu import CLASSES as MU_CLASSES
from reports.selectors.common import ALL_STAGES, ReportFilters
from reports.selectors.mu import MuFilters
from reports.selectors.pipeline import REPORT_STAGES

# Dates outside these years are refused: no report spans them, and the day after 9999-12-31 does not exist.
FIRST_YEAR, LAST_YEAR = 2000, 2100
FILTER_FIELDS = ("start", "end", "park", "chain", "owner", "stage")
# Who the owner filter lists on each page: the officers who can be the page's 负责人 (the role groups of
# crm.roles' table) — 招商专员 and 招商负责人 own projects, 企业服务专员 handle requests. Not every staff user.
INVESTMENT_OFFICERS = (Role.INVESTMENT_OFFICER, Role.INVESTMENT_LEAD)
OWNER_ROLES = {
    "pipeline": INVESTMENT_OFFICERS,
    "policies": INVESTMENT_OFFICERS,  # the 负责人 of the project a grant concerns
    "service": (Role.SERVICE_OFFICER,),
}
ALL_OFFICERS = (*INVESTMENT_OFFICERS, Role.SERVICE_OFFICER)
# The pages that filter by stage (only the pipeline's figures are about projects' stages).
STAGE_PAGES = ("pipeline",)


def has_nul_byte(params) -> bool:
    """True when a parameter name or value holds a NUL byte: PostgreSQL refuses it in any text, so it is a 400."""
    return any("\x00" in key or any("\x00" in value for value in params.getlist(key)) for key in params)


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


def officers(roles=ALL_OFFICERS):
    """Active users holding one of the officer role groups ``roles``, by name."""
    return (
        User.objects.filter(is_active=True, groups__name__in=roles).distinct().order_by("display_name", "username")
    )


def stage_choices():
    return [
        ("", _("全部在途（不含暂缓、终止）")),
        *((stage.value, stage.label) for stage in REPORT_STAGES),
        (ALL_STAGES, _("全部（含暂缓、终止）")),
    ]


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
        queryset=officers(),
        required=False,
        empty_label=_("全部人员"),
        error_messages={"invalid_choice": _("没有这个人员。")},
    )
    stage = forms.ChoiceField(
        label=_("阶段"),
        choices=stage_choices,
        required=False,
        error_messages={"invalid_choice": _("没有这个阶段。")},
    )

    def __init__(self, *args, page: str = "pipeline", **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.fields["owner"].queryset = officers(OWNER_ROLES.get(page, ALL_OFFICERS))
        if page not in STAGE_PAGES:
            del self.fields["stage"]

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
            stage=data.get("stage") or "",
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
        *([gettext("阶段：%(stage)s") % {"stage": dict(stage_choices())[filters.stage]}] if filters.stage else []),
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
