"""The report pages at /reports/ and their Excel export: thin views over ``reports.selectors``.

Filters travel as GET parameters (``?start=2024-01-01&end=2024-12-31&park=3``), so a filtered view is
a link to share. A parameter that does not validate is shown as a form error next to its field and
no figures are computed; a NUL byte in any parameter is a 400.
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from reports.selectors.capital import capital_report
from reports.selectors.credit import credit_report
from reports.selectors.land import land_report
from reports.selectors.mu import mu_report
from reports.selectors.pipeline_summary import pipeline_page_report
from reports.selectors.policy import policy_report
from reports.selectors.service import service_report
from reports.selectors.visits import visit_report

from . import tables
from .access import manager_required
from .capital import capital_page, page_links
from .credit_page import credit_page
from .excel import workbook_response
from .forms import FILTER_FIELDS, PERIOD_PAGES, MuFilterForm, ReportFilterForm, describe, has_nul_byte
from .summaries import freshness_text
from .visits import visits_page

REPORTS = {
    # page: (selector, title, layout)
    "pipeline": (pipeline_page_report, gettext_lazy("招商项目"), tables.pipeline_page),
    "service": (service_report, gettext_lazy("企业服务"), tables.service_page),
    "land": (land_report, gettext_lazy("土地与空间"), tables.land_page),
    "policies": (policy_report, gettext_lazy("政策兑现"), tables.policy_page),
    "visits": (visit_report, gettext_lazy("走访覆盖"), visits_page),
    "mu": (mu_report, gettext_lazy("亩均论英雄"), tables.mu_page),
    "credit": (credit_report, gettext_lazy("业绩考核"), credit_page),
    "capital": (capital_report, gettext_lazy("实际到资"), capital_page),
}
PAGE_LINKS = {"capital": page_links}
# A page whose filters are not the common ones (date range, park, chain, owner).
FORMS = {"mu": MuFilterForm}

# What the filters mean on each page (the selector's docstring says the same at length).
PAGE_NOTES = {
    "pipeline": gettext_lazy("统计区间按项目入库（线索登记）日期筛选项目；年度指标按统计区间截止日所在年度（未选时为今年）。"
                             "暂缓、终止的项目不计入合计，除非在“阶段”中选择它们。"),
    "service": gettext_lazy("统计区间按诉求提交时间筛选；园区、产业链为提出诉求的企业所属；负责人为诉求经办人。"),
    "land": gettext_lazy("统计区间为出让日期区间（未选时为本年度）；产业链、负责人筛选不适用于土地与空间。"),
    "policies": gettext_lazy("园区、产业链为申请企业所属；负责人为所涉项目的负责人。申请、核准、拨付分别按各自日期计入统计区间。"),
    "visits": gettext_lazy("统计区间按月计（未选时为最近 6 个月，最多 24 个月）；园区、产业链为企业所属；负责人为包联干部。包联企业按当前的包联安排计。"),
    "credit": gettext_lazy("业绩排名按统计区间（选“全部时间”时不限日期）；年度考核按统计区间截止日所在年度（全部时间时为今年）。园区、产业链筛选项目；负责人筛选不适用（业绩按分成记录归属）。"),
    "capital": gettext_lazy("统计区间按到资日期筛选（全部时间为 2000 年起至本年末）；园区、产业链、负责人为到资项目所属；金额按到资当日汇率中间价折人民币万元。"),
    "mu": gettext_lazy("在园企业按当年已确认的年度指标和启用的亩均评价办法计算（年度未选时为上一年度）；等级筛选只作用于企业列表，用地不足和未评价的企业始终单独列出。"),
}


def _query_string(request, fields=FILTER_FIELDS) -> str:
    """The filter parameters of this request, to carry over to the other pages and the export link."""
    kept = request.GET.copy()
    for key in list(kept):
        if key not in fields or not any(kept.getlist(key)):
            del kept[key]
    return kept.urlencode()


def _bad_request(request):
    return render(request, "reports/bad_request.html", status=400)


@require_safe
@manager_required
def report_page(request, page: str = "pipeline"):
    if has_nul_byte(request.GET):
        return _bad_request(request)
    selector, title, layout = REPORTS[page]
    form_class = FORMS.get(page, ReportFilterForm)
    form = form_class(request.GET, page=page) if form_class is ReportFilterForm else form_class(request.GET)
    context = {
        "page": page,
        "title": title,
        "form": form,
        "pages": [(key, reverse(f"reports:{key}"), name) for key, (_s, name, _l) in REPORTS.items()],
        "query": _query_string(request, FILTER_FIELDS if form_class is ReportFilterForm else tuple(form.fields)),
        "page_note": PAGE_NOTES[page],
    }
    if form.is_valid():
        filters = form.filters()
        now = timezone.now()
        report = selector(filters=filters, now=now)
        laid_out = layout(report)
        if page in PERIOD_PAGES and (filters.start or filters.end):
            # 同比: the same selector on the same filters a year earlier; the cards are paired by key.
            tables.with_previous(laid_out, layout(selector(filters=filters.year_earlier(), now=now)))
        context |= {
            "period_note": getattr(form, "period_note", ""),
            "filters": filters,
            "filters_text": describe(filters),
            "report": report,
            "freshness": freshness_text(report.get("summaries"), now),
            "kpis": laid_out.kpis,
            "tables": laid_out.tables,
            "charts": [{"id": f"chart-{t.key}", **t.chart_data()} for t in laid_out.tables if t.chart],
            "export_url": reverse(f"reports:{page}-export"),
            # A page's further downloads (the capital page's provincial monthly return).
            "page_links": PAGE_LINKS[page](filters, timezone.localdate()) if page in PAGE_LINKS else [],
        }
    return render(request, "reports/report.html", context)


@require_safe
@manager_required
def report_export(request, page: str):
    """The page's tables as one Excel workbook, one sheet per table (the overdue list in full)."""
    if has_nul_byte(request.GET):
        return _bad_request(request)
    form_class = FORMS.get(page, ReportFilterForm)
    form = form_class(request.GET, page=page) if form_class is ReportFilterForm else form_class(request.GET)
    if not form.is_valid():
        return _bad_request(request)
    selector, title, layout = REPORTS[page]
    filters = form.filters()
    now = timezone.now()
    laid_out = layout(selector(filters=filters, now=now))
    return workbook_response(page=page, title=title, tables=laid_out.tables, filters=filters, now=now)
