"""The drill-down lists of the pipeline page (招商项目): each figure's rows, by the selector's own rules.

Every function here filters with what ``reports.selectors.pipeline`` aggregates (``report_projects``, ``KEY``,
``COMMITTED``, ``started_q``, ``stage_changes``, ``finished_stays`` …), so a list counts what its figure says.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.models import Milestone, Stage, User, list_labels
from crm.pipeline import lights
from parks.models import Park
from reports.drill import BadParameter, register
from reports.selectors import pipeline as selector

STAGES = {stage.value: stage for stage in selector.REPORT_STAGES}
COLOURS = {
    lights.GREEN: gettext_lazy("正常（绿）"), lights.YELLOW: gettext_lazy("临期（黄）"), lights.RED: gettext_lazy("逾期（红）"),
    "done_on_time": gettext_lazy("按期完成"), "done_late": gettext_lazy("逾期完成"),
}


def _stage(params, *, required=False) -> Stage | None:
    """The figure's own stage (``in_stage``: a row of the stage, funnel or stays table; ``stage`` is the page's filter)."""
    value = params.get("in_stage")
    if not value:
        if required:
            raise BadParameter("stage")
        return None
    if value not in STAGES:
        raise BadParameter("stage")
    return STAGES[value]


def _stage_title(text, whole=None):
    """A title naming the figure's stage; ``whole`` when it has none (the page's total: the stages it counts)."""

    def title(params):
        stage = STAGES.get(params.get("in_stage") or "")
        if stage:
            return text % {"stage": stage.label}
        return str(whole) if whole is not None else text % {"stage": _("全部阶段")}

    return title


def _year(filters) -> int:
    return filters.report_year(timezone.localdate())


def _period(filters):
    """The days of 期内落地, 期内签约 and 期内到资: the period's, or the report year's without one (as the selector)."""
    return selector.event_period(filters, _year(filters))


@register("pipeline.projects", page="pipeline", sum_field="total_investment",
          title=_stage_title(gettext_lazy("项目（当前阶段：%(stage)s）"), gettext_lazy("计入合计的项目")))
def projects(filters, params):
    """The page's projects (``report_projects``: the totals), or the period's projects now at one stage (a row of
    the stage table, listed whether or not the stage filter counts it in the totals)."""
    stage = _stage(params)
    return selector._projects(filters).filter(stage=stage) if stage else selector.report_projects(filters)


def _sized(size_q, filters, params):
    return projects(filters, params).filter(size_q)


@register("pipeline.key", page="pipeline", sum_field="total_investment",
          title=_stage_title(gettext_lazy("重点项目（≥1亿元，当前阶段：%(stage)s）"), gettext_lazy("计入合计的重点项目（≥1亿元）")))
def key_projects(filters, params):
    return _sized(selector.KEY, filters, params)


@register("pipeline.major", page="pipeline", sum_field="total_investment",
          title=_stage_title(gettext_lazy("重大项目（≥10亿元，当前阶段：%(stage)s）"), gettext_lazy("计入合计的重大项目（≥10亿元）")))
def major_projects(filters, params):
    return _sized(selector.MAJOR, filters, params)


@register("pipeline.reached", page="pipeline", title=_stage_title(gettext_lazy("曾到达“%(stage)s”阶段的项目")))
def reached(filters, params):
    return selector.reached(selector.stage_changes(filters), _stage(params, required=True))


@register("pipeline.stays", page="pipeline", title=_stage_title(gettext_lazy("在“%(stage)s”阶段已结束的停留")))
def stays(filters, params):
    return selector.finished_stays(selector.stage_changes(filters), _stage(params, required=True))


def _group_label(by: str, value: str | None) -> str:
    """The name of one breakdown row, as the page shows it."""
    if not value:
        return _("未定园区") if by == "park" and value is None else _("未填写")
    if by == "owner":
        return str(User.objects.filter(pk=value).first() or value)
    if by == "park":
        park = Park.objects.filter(pk=value).first()
        return (park.short_name or park.name) if park else value
    return list_labels(selector.BREAKDOWNS[by][2]).get(value, value)


def _group_title(params):
    by = params.get("by") or ""
    if by not in selector.BREAKDOWNS:
        return _("项目分布")
    text = _("已落地项目：%(label)s") if params.get("landed") else _("项目：%(label)s")
    try:
        return text % {"label": _group_label(by, params.get("value"))}
    except ValueError:
        return _("项目分布")


@register("pipeline.group", page="pipeline", sum_field="total_investment", title=_group_title)
def group(filters, params):
    """One row of a breakdown (``by`` the dimension, ``value`` its code; no ``value``: not filled in)."""
    if params.get("by") not in selector.BREAKDOWNS:
        raise BadParameter("by")
    rows = selector.report_projects(filters).filter(selector.group_q(params["by"], params.get("value")))
    return rows.filter(selector.LANDED) if params.get("landed") else rows


@register("pipeline.year_landed", page="pipeline", sum_field="total_investment",
          title=lambda params: (_("期内落地的亿元以上项目") if params.get("size") == "key" else _("期内落地的项目")))
def year_landed(filters, params):
    rows = selector._projects(filters, cohort=False).filter(selector.moved_in_period_q(Stage.REGISTERED, _period(filters)))
    return rows.filter(selector.KEY) if params.get("size") == "key" else rows


@register("pipeline.year_signed", page="pipeline", sum_field="total_investment", title=gettext_lazy("期内签约的项目"))
def year_signed(filters, params):
    return selector._projects(filters, cohort=False).filter(selector.moved_in_period_q(Stage.SIGNED, _period(filters)))


@register("pipeline.committed", page="pipeline", sum_field="total_investment",
          title=gettext_lazy("承诺投资的项目（签约及以后阶段）"))
def committed(filters, params):
    return selector.report_projects(filters).filter(selector.COMMITTED)


@register("pipeline.arrivals", page="pipeline", sum_field="amount",
          title=lambda params: _("期内到资记录") if params.get("year") else _("累计到资记录"))
def arrivals(filters, params):
    rows = selector.committed_arrivals(selector.report_projects(filters))
    return rows.filter(selector.arrivals_in_period_q(_period(filters))) if params.get("year") else rows


@register("pipeline.landed", page="pipeline", sum_field="total_investment", title=gettext_lazy("已落地项目"))
def landed(filters, params):
    return selector.report_projects(filters).filter(selector.LANDED)


@register("pipeline.started", page="pipeline", sum_field="total_investment", title=gettext_lazy("已开工项目"))
def started(filters, params):
    return selector.report_projects(filters).filter(selector.started_q())


@register("pipeline.producing", page="pipeline", sum_field="total_investment", title=gettext_lazy("已投产项目"))
def producing(filters, params):
    return selector.report_projects(filters).filter(selector.PRODUCING)


def _milestone_title(params):
    kinds = dict(Milestone.choices)
    kind = kinds.get(params.get("kind") or "", _("全部节点"))
    return _("落地节点：%(kind)s · %(colour)s") % {"kind": kind, "colour": COLOURS.get(params.get("colour") or "", "")}


@register("pipeline.milestones", page="pipeline", title=_milestone_title)
def milestones(filters, params):
    """The landing milestones of one colour (and one kind), coloured by crm.pipeline.lights as the page counts them."""
    colour, kind = params.get("colour"), params.get("kind")
    conditions = {**lights.milestone_colour_conditions(timezone.localdate()),
                  "done_on_time": lights.DONE_ON_TIME, "done_late": lights.DONE_LATE}
    if colour not in conditions or (kind and kind not in Milestone.values):
        raise BadParameter("colour")
    rows = selector.milestones_of(selector.report_projects(filters)).filter(conditions[colour])
    return rows.filter(kind=kind) if kind else rows


