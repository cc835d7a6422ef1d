"""The drill-down list behind a figure: ``/reports/rows/<key>/`` and its Excel export.

A report cell or card links here (``reports.drill.link``) with the page's filters and the figure's own
parameters as GET parameters. The filters are read back by the page's own form (so a drill-down list
and its page read a parameter alike), the figure's ``rows(filters, params)`` gives the queryset, and the
list shows its count — equal to the figure — and, for an amount, the sum of ``sum_field``.
"""

import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.admin import site as admin_site
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet, Sum
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from openpyxl import Workbook

from .access import manager_required
from .drill import FIGURES, DrillFigure, title_of
from .excel import XLSX, write_table
from .forms import ReportFilterForm, describe, has_nul_byte
from .selectors.common import money
from .tables import Column, Linked, Table, cell_text, unlinked
from .views import FORMS, REPORTS

PER_PAGE = 50
# The list's own GET parameter (which page of rows); never passed to a figure as a parameter.
PAGE_PARAM = "page"


@dataclass(frozen=True)
class RowColumn:
    """One column of a drill-down list: its header and how to read it from a row (an attribute path or a callable)."""

    header: object
    read: str | Callable

    def value(self, obj):
        if callable(self.read):
            return self.read(obj)
        value = obj
        for part in self.read.replace("__", ".").split("."):
            if value is None:
                return None
            display = getattr(value, f"get_{part}_display", None)
            value = display() if display is not None else getattr(value, part)
        return value


def admin_href(obj: Model) -> str:
    """The admin change page of a row, when its model is in the admin."""
    meta = obj._meta
    if meta.model not in admin_site._registry:
        return ""
    try:
        return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return ""


def _linked_to_admin(read):
    def cell(obj):
        value = RowColumn("", read).value(obj)
        href = admin_href(obj)
        return Linked(value, href) if href else value

    return cell


def _project_of(obj):
    return obj if obj._meta.model_name == "project" else getattr(obj, "project", None)


def _project_name(obj):
    project = _project_of(obj)
    if project is None:
        return str(obj)
    href = admin_href(project)
    return Linked(project.name, href) if href else project.name


# Sensible columns for the rows of each model, when a figure names none.
DEFAULT_COLUMNS = {
    "project": (
        (gettext_lazy("项目名称"), _linked_to_admin("name")),
        (gettext_lazy("阶段"), "stage"),
        (gettext_lazy("拟落地园区"), "park"),
        (gettext_lazy("负责人"), "owner"),
        (gettext_lazy("总投资（万元）"), "total_investment"),
    ),
    "projectstagechange": (
        (gettext_lazy("项目名称"), _project_name),
        (gettext_lazy("原阶段"), "from_stage"),
        (gettext_lazy("新阶段"), "to_stage"),
        (gettext_lazy("变更时间"), "changed_at"),
        (gettext_lazy("负责人"), "project.owner"),
    ),
    "capitalarrival": (
        (gettext_lazy("项目名称"), _project_name),
        (gettext_lazy("到资日期"), "arrived_on"),
        (gettext_lazy("到资金额（万元）"), "amount"),
        (gettext_lazy("说明"), "note"),
    ),
    "projectmilestone": (
        (gettext_lazy("项目名称"), _project_name),
        (gettext_lazy("节点"), "kind"),
        (gettext_lazy("计划日期"), "planned_on"),
        (gettext_lazy("实际日期"), "actual_on"),
    ),
}
# Related rows each model's default columns read, fetched with the list (no query per row).
DEFAULT_RELATED = {
    "project": ("park", "owner"),
    "projectstagechange": ("project__owner",),
    "capitalarrival": ("project",),
    "projectmilestone": ("project",),
}


def columns_of(figure: DrillFigure, queryset: QuerySet) -> list[RowColumn]:
    spec = figure.columns or DEFAULT_COLUMNS.get(queryset.model._meta.model_name) or (
        (queryset.model._meta.verbose_name, _linked_to_admin(str)),
    )
    return [RowColumn(header, read) for header, read in spec]


def _cell(value):
    """A row value as the list and the export carry it: numbers, dates, booleans and links as they are, the rest as text."""
    bare = unlinked(value)
    if bare is None or isinstance(bare, int | Decimal | str) or hasattr(bare, "isoformat"):
        return value
    return Linked(str(bare), value.href) if isinstance(value, Linked) else str(bare)


def _read(request, key: str):
    """The figure, its validated filters and its own parameters; an error response when the request is not valid."""
    if has_nul_byte(request.GET):
        return None, render(request, "reports/bad_request.html", status=400)
    figure = FIGURES.get(key)
    if figure is None:
        raise Http404(_("没有这个下钻指标。"))
    form_class = FORMS.get(figure.page, ReportFilterForm)
    form = form_class(request.GET, page=figure.page) if form_class is ReportFilterForm else form_class(request.GET)
    if not form.is_valid():
        return None, render(request, "reports/bad_request.html", status=400)
    params = {name: request.GET.get(name) for name in request.GET if name not in form.fields and name != PAGE_PARAM}
    filters = form.filters()
    try:
        queryset = figure.rows(filters, params)
    except ValueError:  # BadParameter, or a parameter the database cannot compare (a word for a number)
        return None, render(request, "reports/bad_request.html", status=400)
    model_name = queryset.model._meta.model_name
    if figure.columns == () and model_name in DEFAULT_RELATED:
        queryset = queryset.select_related(*DEFAULT_RELATED[model_name])
    if not queryset.ordered:
        queryset = queryset.order_by("-pk")
    return (figure, form, filters, params, queryset), None


def _summary(figure: DrillFigure, queryset: QuerySet) -> tuple[int, Decimal | None]:
    count = queryset.count()
    total = None
    if figure.sum_field:
        total = money(queryset.order_by().aggregate(total=Sum(figure.sum_field))["total"])
    return count, total


@require_safe
@manager_required
def drill_rows(request, key: str):
    read, error = _read(request, key)
    if error is not None:
        return error
    figure, form, filters, params, queryset = read
    count, total = _summary(figure, queryset)
    columns = columns_of(figure, queryset)
    paginator = Paginator(queryset, PER_PAGE)
    paginator.count = count  # counted once, above (Paginator.count is a cached property)
    page = paginator.get_page(request.GET.get(PAGE_PARAM))
    rows = [
        [(cell_text(v), isinstance(unlinked(v), int | Decimal) and not isinstance(unlinked(v), bool),
          v.href if isinstance(v, Linked) else "")
         for v in (_cell(c.value(obj)) for c in columns)]
        for obj in page.object_list
    ]
    kept = request.GET.copy()
    kept.pop(PAGE_PARAM, None)
    query = kept.urlencode()
    return render(request, "reports/rows.html", {
        "page": figure.page,
        "pages": [(k, reverse(f"reports:{k}"), name) for k, (_s, name, _l) in REPORTS.items()],
        "figure": figure,
        "title": title_of(figure, params),
        "filters_text": describe(filters),
        "params": params,
        "count": count,
        "total": total,
        "total_text": cell_text(total) if total is not None else "",
        "sum_header": _sum_header(figure, queryset),
        "columns": [str(c.header) for c in columns],
        "rows": rows,
        "page_obj": page,
        "query": query,
        "export_url": reverse("reports:rows-export", args=[key]) + (f"?{query}" if query else ""),
        "report_url": reverse(f"reports:{figure.page}") + (f"?{_page_query(request, form)}" if _page_query(request, form) else ""),
    })


def _page_query(request, form) -> str:
    kept = request.GET.copy()
    for name in list(kept):
        if name not in form.fields:
            del kept[name]
    return kept.urlencode()


def _sum_header(figure: DrillFigure, queryset: QuerySet) -> str:
    if not figure.sum_field:
        return ""
    name = figure.sum_field.split("__")[-1]
    try:
        model = queryset.model
        for part in figure.sum_field.split("__")[:-1]:
            model = model._meta.get_field(part).related_model
        return str(model._meta.get_field(name).verbose_name)
    except (FieldDoesNotExist, AttributeError):  # a header only; the sum itself is exact
        return name


@require_safe
@manager_required
def drill_export(request, key: str):
    """Every row of the list (not only the page shown) as one Excel sheet."""
    read, error = _read(request, key)
    if error is not None:
        return error
    figure, _form, filters, params, queryset = read
    columns = columns_of(figure, queryset)
    count, total = _summary(figure, queryset)
    note = _("共 %(count)s 条") % {"count": count}
    if total is not None:
        note += _("，%(header)s合计 %(total)s") % {"header": _sum_header(figure, queryset), "total": cell_text(total)}
    title = title_of(figure, params)
    table = Table(figure.key, title, [Column(str(c.header)) for c in columns], [])
    rows: Iterable[list] = ([_cell(c.value(obj)) for c in columns] for obj in queryset.iterator(chunk_size=2000))
    now = timezone.now()
    workbook = Workbook(write_only=True)
    write_table(workbook, table, page_title=_("下钻明细"), filters=filters, now=now, rows=rows, note=note, used=set())
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - FileResponse closes (and so deletes) it
    workbook.save(handle)
    handle.seek(0)
    filename = _("%(title)s明细-%(now)s.xlsx") % {"title": title, "now": f"{timezone.localtime(now):%Y%m%d-%H%M}"}
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)
