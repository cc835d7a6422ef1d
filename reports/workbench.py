"""The leader's figures on the admin's workbench (领导工作台): a few headline numbers of the report pages, each
linking to its page. Registered with ``crm.workbench`` at start-up (``reports.apps``): crm never imports reports.

Four queries, whatever the data: this year's landed and signed figures (``_year_figures``: two), the active
pipeline (one), the overdue requests by the SLA clock's ORM twin (one).
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.models import Project, ServiceRequest
from crm.service_requests import clock
from crm.text import number, wan
from crm.workbench import Headline
from reports.selectors.common import ReportFilters
from reports.selectors.pipeline import _year_figures

YI = Decimal("10000")  # 1 亿元 = 10,000 万元


def _money(amount) -> str:
    """Leaders think in 亿元: 107,000 万元 → “10.70 亿元”; below 1 亿, in 万元."""
    amount = Decimal(amount or 0)
    return _("%(n)s 亿元") % {"n": f"{amount / YI:,.2f}"} if amount >= YI else wan(amount)


def _against(target, unit: str) -> str:
    return _("目标 %(n)s %(unit)s") % {"n": number(target), "unit": unit} if target else _("未设年度目标")


def leader_headlines(*, now: dt.datetime) -> list[Headline]:
    year = timezone.localdate(now).year
    figures = _year_figures(ReportFilters(), year)
    active = Project.objects.active().order_by().aggregate(n=Count("id"), amount=Sum("total_investment"))
    overdue = ServiceRequest.objects.filter(clock.colour_conditions(now)[clock.RED]).count()
    pipeline, service = reverse("reports:index"), reverse("reports:service")
    return [
        Headline(
            _("%(year)s 年落地亿元以上项目") % {"year": year},
            _("%(n)s 个") % {"n": figures["landed_key_count"]},
            _against(figures["landed_key_target"], _("个")),
            pipeline,
        ),
        Headline(
            _("%(year)s 年签约投资") % {"year": year},
            _money(figures["signed_investment_total"]),
            _against(figures["signed_investment_target"], _("万元")),
            pipeline,
        ),
        Headline(_("在谈项目"), _("%(n)s 个") % {"n": active["n"]},
                 _("总投资 %(amount)s") % {"amount": _money(active["amount"])}, pipeline),
        Headline(_("超期未办结的企业诉求"), _("%(n)s 件") % {"n": overdue}, _("按办理时限计"), service),
    ]
