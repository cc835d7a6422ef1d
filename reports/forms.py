"""The report filters: date range, park, chain, owner — GET parameters, so a filtered view can be shared as a link.

The same form validates the pages, the Excel export and the API, so all three read a parameter alike.
"""

import datetime as dt

from django import forms
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.models import Role, User, list_labels
from parks.models import Park
from parks.mu import CLASSES as MU_CLASSES
from reports.selectors.common import ALL_STAGES, ReportFilters, shift_years
from reports.selectors.mu import MuFilters
from reports.selectors.pipeline import REPORT_STAGES

# Dates outside these years are refused: no report spans them, and the day after 9999-12-31 does not exist.
FIRST_YEAR, LAST_YEAR = 2000, 2100
FILTER_FIELDS = ("period", "start", "end", "park", "chain", "owner", "stage")
# Who the owner filter lists on each page: the officers who can be the page's 负责人 (the role groups of
# crm.roles' table) — 招商专员 and 招商负责人 own projects, 企业服务专员 handle requests. Not every staff user.
INVESTMENT_OFFICERS = (Role.INVESTMENT_OFFICER, Role.INVESTMENT_LEAD)
OWNER_ROLES = {
    "pipeline": INVESTMENT_OFFICERS,
    "policies": INVESTMENT_OFFICERS,  # the 负责人 of the project a grant concerns
    "service": (Role.SERVICE_OFFICER,),
}
ALL_OFFICERS = (*INVESTMENT_OFFICERS, Role.SERVICE_OFFICER)
# The period presets (GET ``period``), resolved to concrete dates by ``period_dates`` on the park's "today".
PERIODS = {
    "this_year": _("本年"),
    "last_year": _("上年"),
    "this_quarter": _("本季度"),
    "last_quarter": _("上季度"),
    "last_12_months": _("近 12 个月"),
    "all": _("全部时间"),
    "custom": _("自定义"),
}
# Whole calendar years before 上年 offered by name (2024 年 …), so a past year is one choice away, not typed dates.
EARLIER_YEARS = 5


def period_choices(today: dt.date) -> list[tuple[str, str]]:
    years = [(str(y), gettext("%(year)s 年") % {"year": y})
             for y in range(today.year - 2, max(FIRST_YEAR, today.year - 1 - EARLIER_YEARS), -1)]
    presets = list(PERIODS.items())
    return [*presets[:5], *years, *presets[5:]]


def period_label(period: str) -> str:
    """A preset's name (本年, 2024 年 …); "" for 全部时间 and 自定义, whose dates say it all."""
    if period.isdigit():
        return gettext("%(year)s 年") % {"year": period}
    return "" if period in ("all", "custom") else str(PERIODS.get(period, ""))


# The pages whose filters carry a period (走访覆盖 counts months of its own; 亩均 has its year).
PERIOD_PAGES = ("pipeline", "service", "policies", "land", "credit", "capital")


def period_dates(period: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of a preset period as of ``today``; 本年 and 本季度 run to today (so 同比 compares like
    with like), 上年 and 上季度 are whole, 近 12 个月 ends today; 全部时间 has no bounds."""
    quarter_start = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    if period == "this_year":
        return dt.date(today.year, 1, 1), today
    if period == "last_year":
        return dt.date(today.year - 1, 1, 1), dt.date(today.year - 1, 12, 31)
    if period == "this_quarter":
        return quarter_start, today
    if period == "last_quarter":
        end = quarter_start - dt.timedelta(days=1)
        return dt.date(end.year, (end.month - 1) // 3 * 3 + 1, 1), end
    if period == "last_12_months":
        return shift_years(today, -1) + dt.timedelta(days=1), today
    if period.isdigit():  # one whole calendar year
        return dt.date(int(period), 1, 1), dt.date(int(period), 12, 31)
    return None, None


def _latest_stage_change():
    from crm.models import ProjectStageChange

    latest = ProjectStageChange.objects.aggregate(latest=Max("changed_at"))["latest"]
    return timezone.localdate(latest) if latest else None


def _latest_request():
    from crm.models import ServiceRequest

    latest = ServiceRequest.objects.aggregate(latest=Max("submitted_at"))["latest"]
    return timezone.localdate(latest) if latest else None


def _latest_grant():
    from parks.models import PolicyGrant

    return PolicyGrant.objects.aggregate(latest=Max("applied_on"))["latest"]


def _latest_transfer():
    from parks.models import LandParcel

    return LandParcel.objects.aggregate(latest=Max("transferred_on"))["latest"]


def _latest_arrival():
    from crm.models import CapitalArrival

    return CapitalArrival.objects.aggregate(latest=Max("arrived_on"))["latest"]


# The latest day a page has something to show (one query): a stage change, a request, a grant application, a transfer,
# an arrival of capital. The 业绩考核 page's rankings count stage changes (签约, 落地, 开工), so it reads theirs.
LATEST_ACTIVITY = {
    "pipeline": _latest_stage_change,
    "service": _latest_request,
    "policies": _latest_grant,
    "land": _latest_transfer,
    "credit": _latest_stage_change,
    "capital": _latest_arrival,
}


def default_period(page: str, today: dt.date) -> tuple[str, dt.date | None, dt.date | None, str]:
    """The period a page opens on: 本年, unless the page has nothing this year; then the latest year with data.

    Returns (period, start, end, note); the note says why the page is not on 本年.
    """
    latest = LATEST_ACTIVITY[page]()
    if latest is None or latest.year >= today.year:
        return ("this_year", *period_dates("this_year", today), "")
    note = gettext("本年（%(this)s 年）尚无数据，默认显示有数据的最近一年：%(year)s 年。") % {
        "this": today.year, "year": latest.year,
    }
    if latest.year == today.year - 1:
        return ("last_year", *period_dates("last_year", today), note)
    named = str(latest.year) in dict(period_choices(today))
    return ("custom" if not named else str(latest.year), dt.date(latest.year, 1, 1), dt.date(latest.year, 12, 31), note)


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
        ("", _("全部在途")),
        *((stage.value, stage.label) for stage in REPORT_STAGES),
        (ALL_STAGES, _("含暂缓、终止")),
    ]


DATE_ERRORS = {"invalid": _("请输入有效的日期，如 2024-12-31。")}


class ReportFilterForm(forms.Form):
    period = forms.ChoiceField(
        label=_("统计区间"),
        choices=lambda: period_choices(timezone.localdate()),
        required=False,
        help_text=_("选择“自定义”时按起止日期统计。"),
        error_messages={"invalid_choice": _("没有这个统计区间。")},
    )
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

    def __init__(self, *args, page: str = "pipeline", today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.page = page
        self.today = today or timezone.localdate()
        self.period_note = ""  # why the page opened on another period than 本年, when it did
        if page not in PERIOD_PAGES:
            del self.fields["period"]
        else:
            self.fields["period"].choices = period_choices(self.today)
        self.fields["owner"].queryset = officers(OWNER_ROLES.get(page, ALL_OFFICERS))
        if page not in STAGE_PAGES:
            del self.fields["stage"]

    def clean(self):
        data = super().clean()
        if "period" in self.fields and "period" not in self.errors:
            self._resolve_period(data)
        for name in ("start", "end"):
            day = data.get(name)
            if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
                self.add_error(name, _("日期须在 %(first)s 年至 %(last)s 年之间。") % {"first": FIRST_YEAR, "last": LAST_YEAR})
                data.pop(name, None)
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return data

    def _resolve_period(self, data):
        """Turn the period into start and end; without period, start nor end, the page's default period.

        The resolved choice and dates are written back into the form's data, so the page shows them in the fields.
        """
        period = data.get("period") or ""
        if not period:
            if self.data.get("start") or self.data.get("end"):
                period = "custom"  # a bare start/end (an older link) is a custom range
            else:
                period, data["start"], data["end"], self.period_note = default_period(self.page, self.today)
        elif period != "custom":
            data["start"], data["end"] = period_dates(period, self.today)
        data["period"] = period
        shown = self.data.copy()
        shown["period"] = period
        for name in ("start", "end"):
            if name not in self.errors:
                shown[name] = data[name].isoformat() if data.get(name) else ""
        self.data = shown

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
            period=data.get("period") or "",
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
    if period_label(filters.period):
        period = gettext("%(name)s（%(dates)s）") % {"name": period_label(filters.period), "dates": period}
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
