"""The cockpit (大屏): the pipeline and service figures on one dark screen for the committee's 1920×1080 display,
and the same URL stacked in one column on a leader's phone.

It computes nothing of its own: ``cockpit_figures`` runs the pages' selectors (``pipeline_page_report``,
``service_report``) under the pages' filter form and takes the cards and charts from the pages' own layouts
(``tables.pipeline_page`` / ``tables.service_page``), each card by its stable ``Kpi.key``, so every number on the big
screen is the number of the report page, with the same drill-down link, definition and 同比 (the selectors run a
second time a year earlier and ``tables.with_previous`` pairs the cards, as on the pages). Without a period in the
URL the screen opens on the pipeline page's own default period (``forms.default_period``: 本年, or the latest year
with data). ``?format=json`` answers the same figures for the page's own refresh (every 60 s; ``?refresh=N`` with
N ≥ 2 for tests); a session that has ended answers 401 in JSON instead of the login page, so the screen says so
rather than drawing a login form into its cards.
"""

import dataclasses
import datetime as dt

from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from reports.selectors.pipeline_summary import pipeline_page_report
from reports.selectors.service import service_report

from . import tables
from .access import can_view_report_pages, manager_required
from .forms import FILTER_FIELDS, ReportFilterForm, describe, has_nul_byte

REFRESH_SECONDS = 60
MIN_REFRESH_SECONDS = 2
MAX_REFRESH_SECONDS = 3600


def _kpi(page: tables.Page, key: str) -> tables.Kpi:
    """A card of a page's layout by its stable key (``Kpi.key``): the layout is the one place a card is made."""
    for kpi in page.kpis:
        if kpi.pair_key == key:
            return kpi
    raise LookupError(f"The report layout has no card {key!r}")


def _table(page: tables.Page, key: str) -> tables.Table:
    return next(table for table in page.tables if table.key == key)


def _card(key: str, group: str, kpi: tables.Kpi, **overrides) -> dict:
    card = {
        "key": key, "group": group, "label": str(kpi.label), "value": str(kpi.value), "unit": str(kpi.unit),
        "note": str(kpi.note), "level": kpi.level, "href": kpi.href, "help": str(kpi.help),
        "previous": str(kpi.previous),
    }
    return card | overrides


def _chart(group: str, table: tables.Table, chart: tables.Chart | None = None, title: str = "") -> dict:
    """A page table drawn on the big screen; ``chart`` redraws the same cells another way (fewer series)."""
    if chart is not None:
        table = dataclasses.replace(table, chart=chart)
    return {"id": f"cockpit-{table.key}", "group": group, **table.chart_data(), "title": title or str(table.title)}


def _signed(report: dict) -> tables.Kpi:
    """期内签约项目: the figure, link and 亿元 total of the pipeline page's 年度目标完成情况 rows (that table's rows have
    no keys, so the card reads the same selector figures with the same drill-down)."""
    this_year, filters = report["this_year"], report.get("filters")
    return tables.Kpi(
        _("期内签约项目"), tables.cell_text(this_year["signed_count"]), _("个"),
        href=tables.drill_href("pipeline.year_signed", filters),
        note=_("签约总投资 %(total)s 亿元") % {"total": tables.cell_text(tables.to_yi(this_year["signed_investment_total"]))},
        key="signed", help=tables.P("target_actual"),
    )


def _layouts(filters, now: dt.datetime) -> tuple[tables.Page, tables.Page]:
    """The pipeline and service pages' layouts for ``filters``, the signed card added to the pipeline's cards."""
    pipeline_data = pipeline_page_report(filters=filters, now=now)
    pipeline = tables.pipeline_page(pipeline_data)
    pipeline.kpis.append(_signed(pipeline_data))
    return pipeline, tables.service_page(service_report(filters=filters, now=now))


# The cockpit's cards: (the card's key on the screen and in the JSON, its section, the page card's ``Kpi.key``).
CARDS = (
    ("landed_key", "pipeline", "landed_key"),
    ("signed", "pipeline", "signed"),
    ("projects", "pipeline", "cohort_count"),
    ("investment", "pipeline", "cohort_investment"),
    ("arrival_rate", "pipeline", "arrival_rate"),
    ("start_rate", "pipeline", "start_rate"),
    ("requests", "service", "total"),
    ("on_time_rate", "service", "sla_compliance"),
    ("overdue", "service", "overdue"),
)


def cockpit_figures(filters, now: dt.datetime) -> dict:
    """The cockpit's cards and charts, read from the pipeline and service pages' selectors and layouts.

    The one place the cockpit reads the reports: pipeline 13 queries and service 9, and as many again for 同比 (the
    same filters a year earlier, ``views.report_page``'s rule: only for a period with dates, not 全部时间).
    """
    pipeline, service = _layouts(filters, now)
    if filters.start or filters.end:
        for page, earlier in zip((pipeline, service), _layouts(filters.year_earlier(), now), strict=True):
            tables.with_previous(page, earlier)
    pages = {"pipeline": pipeline, "service": service}

    colours = _table(service, "request_colours")
    green, yellow, red = colours.total[1:4]
    cards = [_card(key, group, _kpi(pages[group], page_key)) for key, group, page_key in CARDS]
    cards.append(_card("colours", "service", tables.Kpi(_("未办结三色预警"), "", _("件")), colours=[
        {"level": level, "label": label, "value": tables.cell_text(cell), "href": tables.cell_href(cell)}
        for level, label, cell in (("green", _("正常"), green), ("yellow", _("临期"), yellow), ("red", _("超时"), red))
    ]))
    charts = [
        _chart("pipeline", _table(pipeline, "funnel")),
        _chart("pipeline", _table(pipeline, "stages")),
        _chart("service", colours, title=_("未办结诉求三色预警（件）")),
        _chart("service", _table(service, "categories"), tables.Chart("hbar", [1]), _("诉求类别（件）")),
    ]
    return {"cards": cards, "charts": charts}


def _refresh_seconds(params) -> int:
    try:
        seconds = int(params.get("refresh", REFRESH_SECONDS))
    except ValueError:
        return REFRESH_SECONDS
    return max(MIN_REFRESH_SECONDS, min(MAX_REFRESH_SECONDS, seconds))


def _query_string(params) -> str:
    kept = params.copy()
    for key in list(kept):
        if key not in FILTER_FIELDS or not any(kept.getlist(key)):
            del kept[key]
    return kept.urlencode()


def _figures_or_errors(request):
    """(figures with their period and time, None) or (None, the form's errors in words)."""
    now = timezone.now()
    # The pipeline page's form: its default period (本年, or the latest year with data) is the screen's.
    form = ReportFilterForm(request.GET, page="pipeline", today=timezone.localdate(now))
    if not form.is_valid():
        return None, [str(error) for errors in form.errors.values() for error in errors]
    filters = form.filters()
    figures = cockpit_figures(filters, now)
    return figures | {
        "as_of": now.isoformat(),
        "updated_at": f"{timezone.localtime(now):%H:%M}",
        "period": describe(filters),
    }, None


def _json(request):
    """The figures for the screen's refresh; a session that ended is a 401 the page can tell from a network fault."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("登录已失效，请重新登录后再打开大屏。")}, status=401)
    if not can_view_report_pages(request.user):
        return JsonResponse({"error": _("无权访问数据报表。")}, status=403)
    figures, errors = _figures_or_errors(request)
    if errors:
        return JsonResponse({"error": "；".join(errors)}, status=400)
    return JsonResponse(figures, json_dumps_params={"ensure_ascii": False})


@manager_required
def _page(request):
    figures, errors = _figures_or_errors(request)
    query = _query_string(request.GET)
    context = {
        "figures": figures,
        "errors": errors,
        "refresh_seconds": _refresh_seconds(request.GET),
        "data_url": f"{reverse('reports:cockpit')}?{query + '&' if query else ''}format=json",
        # Back to the reports with the screen's own parameters: the pipeline page resolves them, and its default
        # period, as the screen did. The refresh keeps them bare too, so a screen left on over New Year moves on.
        "exit_url": f"{reverse('reports:index')}{'?' + query if query else ''}",
        "texts": {
            "updated": _("更新于 %(time)s"),
            "offline": _("连接中断，显示 %(time)s 的数据"),
            "expired": _("登录已失效，大屏已停止刷新。请刷新页面重新登录。"),
            "previous": _("上年同期"),
            "empty": _("暂无数据"),
        },
    }
    if figures:
        context["sections"] = [
            {
                "group": group,
                "title": title,
                "cards": [c for c in figures["cards"] if c["group"] == group],
                "charts": [c for c in figures["charts"] if c["group"] == group],
            }
            for group, title in (("pipeline", _("招商项目")), ("service", _("企业服务")))
        ]
    return render(request, "reports/cockpit.html", context, status=400 if errors else 200)


@require_safe
def cockpit(request):
    if has_nul_byte(request.GET):
        return render(request, "reports/bad_request.html", status=400)
    if request.GET.get("format") == "json":
        return _json(request)
    return _page(request)
