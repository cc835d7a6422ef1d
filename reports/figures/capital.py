"""The capital page's drill-down figures: ``capital.count`` (the arrivals) and ``capital.amount`` (their 万元 summed),
read by the selector's own ``arrivals`` and narrowed by a figure's source, month, park or chain."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.drill import register
from reports.selectors.capital import arrivals, narrowed, period_of
from reports.selectors.common import ReportFilters


def capital_rows(filters: ReportFilters, params: dict) -> QuerySet:
    start, end = period_of(filters, timezone.localdate())
    return narrowed(arrivals(filters, start=start, end=end), params).select_related(
        "project", "project__enterprise"
    ).order_by("-arrived_on", "-pk")


COLUMNS = (
    (_("项目名称"), "project.name"),
    (_("投资方"), "project.enterprise.name"),
    (_("资金来源"), "source"),
    (_("到资日期"), "arrived_on"),
    (_("币种"), "currency"),
    (_("原币金额（元）"), "original"),
    (_("汇率中间价"), lambda arrival: f"{arrival.rate:f}".rstrip("0").rstrip(".")),  # 7.0709, not 7.07
    (_("折人民币（万元）"), "amount"),
    (_("凭证"), lambda arrival: arrival.get_evidence_kind_display() or str(_("未上传"))),
)

register("capital.count", title=_("到资笔数"), page="capital", columns=COLUMNS)(capital_rows)
register("capital.amount", title=_("实际到资金额"), page="capital", sum_field="amount", columns=COLUMNS)(capital_rows)
