"""One written definition per number of the report pages: the one source of the text shown on hover and of docs/reports.md.

Each figure (a card or a column header) has a ``Definition``: the figure's name, one sentence saying what is
counted, which date or stage decides the period and what is left out (shown on hover: ``Kpi.help``,
``Column.help``), and the two short columns of the document's table (period by, excluded).
``tests/reports/test_definitions.py`` checks that every definition here is in docs/reports.md, every row of the
document's 招商项目 and 企业服务 sections is one of these, and every card and column of those two pages has one.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Definition:
    figure: str | Promise  # the figure's name in the document (the card's label or the column's header)
    text: str | Promise  # one sentence: what is counted, which date or stage decides the period, what is excluded
    period_by: str | Promise
    excluded: str | Promise


NONE = _("—")
ENTERED = _("入库（线索登记）日期")
SIDE = _("暂缓、终止的项目（“阶段”筛选可计入）")
SUBMITTED = _("诉求提交时间")

PIPELINE = {
    # -- cards --
    "cohort_count": Definition(
        _("期内入库项目"),
        _("统计区间内登记为线索（入库）的项目个数，按入库日期计入区间，不含暂缓、终止的项目。"), ENTERED, SIDE),
    "cohort_investment": Definition(
        _("期内入库项目总投资"),
        _("期内入库项目的总投资之和，按入库日期计入区间，不含暂缓、终止的项目。"), ENTERED, SIDE),
    "landed_key": Definition(
        _("期内落地亿元以上项目"),
        _("统计区间内转入“注册落地”阶段、总投资不低于 1 亿元的项目个数，按阶段变更记录计，不论何时入库、现处何阶段，与区间截止日所在年度的目标相比。"),
        _("转入注册落地的日期"), _("总投资低于 1 亿元的项目")),
    "arrival_rate": Definition(
        _("到资率"),
        _("期内入库、现处签约及以后阶段的项目的累计实际到资除以其总投资（承诺投资），不含暂缓、终止的项目。"), ENTERED,
        _("签约前的项目；暂缓、终止的项目")),
    "start_rate": Definition(
        _("开工率"),
        _("期内入库且已落地（注册落地、开工、投产）的项目中已开工（处于开工、投产阶段，或落地节点记有实际开工日期）的比例，不含暂缓、终止的项目。"),
        ENTERED, SIDE),
    "production_rate": Definition(
        _("投产率"),
        _("期内入库且已落地的项目中处于投产阶段的比例，不含暂缓、终止的项目。"), ENTERED, SIDE),
    # -- columns --
    "stage": Definition(
        _("阶段"), _("项目当前所处的阶段；暂缓、终止的行照常列出，默认标注“不计入合计”。"), NONE, NONE),
    "stage_count": Definition(
        _("项目数（按阶段）"), _("期内入库、当前处于该阶段的项目个数，按入库日期计入区间。"), ENTERED,
        _("标注“不计入合计”的阶段不计入合计行")),
    "stage_investment": Definition(
        _("总投资（按阶段）"), _("期内入库、当前处于该阶段的项目总投资之和，按入库日期计入区间。"), ENTERED,
        _("标注“不计入合计”的阶段不计入合计行")),
    "funnel_reached": Definition(
        _("曾到达项目数"),
        _("期内入库的项目中曾进入该阶段的项目个数，按阶段变更记录每个项目计一次，含其后暂缓、终止的项目。"), ENTERED, NONE),
    "funnel_from_previous": Definition(
        _("较上一阶段转化率"), _("曾到达该阶段的项目数除以曾到达上一阶段的项目数，项目范围同曾到达项目数。"), ENTERED, NONE),
    "funnel_from_lead": Definition(
        _("较线索转化率"), _("曾到达该阶段的项目数除以期内入库的项目数，项目范围同曾到达项目数。"), ENTERED, NONE),
    "stays": Definition(
        _("已结束的停留"), _("期内入库的项目进入该阶段后又离开的次数，尚未离开的当前停留不计。"), ENTERED,
        _("尚未结束的停留")),
    "average_stay": Definition(
        _("平均停留"), _("已结束的停留从进入该阶段到下一次阶段变更的自然天数的平均值。"), ENTERED, _("尚未结束的停留")),
    "median_stay": Definition(
        _("中位停留"), _("已结束的停留自然天数的中位数。"), ENTERED, _("尚未结束的停留")),
    "target_metric": Definition(
        _("指标（年度目标）"), _("与年度目标对照的指标：落地、签约的项目个数和总投资。"), NONE, NONE),
    "target_actual": Definition(
        _("实际"),
        _("统计区间内转入注册落地或签约阶段的项目，按阶段变更记录计，不论何时入库、现处何阶段。"),
        _("转入注册落地、签约的日期"), NONE),
    "target": Definition(
        _("年度目标"), _("管理人员在后台“年度目标”中为统计区间截止日所在年度设定的目标，未设定时为空。"),
        _("区间截止日所在年度"), NONE),
    "target_completion": Definition(
        _("完成率"), _("实际除以年度目标；区间不满一年时为年度目标的进度。"), _("区间截止日所在年度"), NONE),
    "key_count": Definition(
        _("重点项目"), _("期内入库、当前处于该阶段、总投资不低于 1 亿元的项目个数。"), ENTERED, SIDE),
    "key_investment": Definition(
        _("重点项目总投资"), _("上述重点项目的总投资之和。"), ENTERED, SIDE),
    "major_count": Definition(
        _("重大项目"), _("期内入库、当前处于该阶段、总投资不低于 10 亿元的项目个数（同时计入重点项目）。"), ENTERED, SIDE),
    "major_investment": Definition(
        _("重大项目总投资"), _("上述重大项目的总投资之和。"), ENTERED, SIDE),
    "capital_metric": Definition(
        _("指标（到资）"), _("承诺投资、累计到资和期内到资三项。"), NONE, NONE),
    "capital_amount": Definition(
        _("金额（到资）"),
        _("承诺投资为期内入库、现处签约及以后阶段的项目的总投资，累计到资和期内到资为这些项目的实际到资记录（期内到资按到资日期）。"),
        _("入库日期；期内到资另按到资日期"), _("签约前的项目；暂缓、终止的项目")),
    "capital_share": Definition(
        _("占承诺投资"), _("金额除以承诺投资。"), ENTERED, SIDE),
    "rates_metric": Definition(
        _("指标（开工投产）"), _("已落地、已开工、已投产三项。"), NONE, NONE),
    "rates_count": Definition(
        _("项目数（开工投产）"),
        _("期内入库、已落地（注册落地、开工、投产阶段）的项目个数，及其中已开工、已投产的项目个数。"), ENTERED, SIDE),
    "rates_share": Definition(
        _("占已落地项目"), _("项目数除以已落地项目数，即开工率、投产率。"), ENTERED, SIDE),
    "breakdown": Definition(
        _("分组"), _("项目的产业链、来源渠道、负责人、拟落地园区或属地镇街，未填写的单列一行。"), NONE, NONE),
    "breakdown_count": Definition(
        _("项目数（分布）"), _("期内入库、属于该分组的项目个数，按入库日期计入区间。"), ENTERED, SIDE),
    "breakdown_investment": Definition(
        _("总投资（分布）"), _("期内入库、属于该分组的项目总投资之和。"), ENTERED, SIDE),
    "breakdown_landed": Definition(
        _("已落地项目"), _("其中当前处于注册落地、开工、投产阶段的项目个数。"), ENTERED, SIDE),
    "milestone": Definition(
        _("节点"), _("落地承诺的节点：交地、开工、竣工、达产。"), NONE, NONE),
    "milestone_green": Definition(
        _("正常（绿）"), _("期内入库项目的该节点未到临期且未逾期，或已按期完成，按今天的日期判断。"), ENTERED,
        _("已终止项目的节点；暂缓项目（“阶段”筛选可计入）")),
    "milestone_yellow": Definition(
        _("临期（黄）"), _("期内入库项目的该节点尚未完成、30 天内到期。"), ENTERED,
        _("已终止项目的节点；暂缓项目（“阶段”筛选可计入）")),
    "milestone_red": Definition(
        _("逾期（红）"), _("期内入库项目的该节点计划日期已过仍未完成，或逾期完成。"), ENTERED,
        _("已终止项目的节点；暂缓项目（“阶段”筛选可计入）")),
    "milestone_on_time": Definition(
        _("按期完成"), _("绿色节点中已在计划日期前完成的。"), ENTERED, _("已终止项目的节点")),
    "milestone_late": Definition(
        _("逾期完成"), _("红色节点中在计划日期之后才完成的。"), ENTERED, _("已终止项目的节点")),
}

OPEN = _("期内提交的已办结、已关闭、不予受理、已撤回的诉求")
SERVICE = {
    # -- cards --
    "total": Definition(
        _("期内提交诉求"), _("统计区间内提交的企业诉求件数，按提交时间计入区间，无论现在的状态。"), SUBMITTED, NONE),
    "sla_compliance": Definition(
        _("按时办结率"), _("期内提交且已办结的诉求中，在办理时限内办结的比例。"), SUBMITTED, _("未办结的诉求")),
    "median_hours": Definition(
        _("办理时长中位数"), _("期内提交且已办结的诉求从提交到办结的自然小时数（含待外部审批）的中位数。"), SUBMITTED,
        _("未办结的诉求")),
    "overdue": Definition(
        _("超期未办结"), _("期内提交、现在仍未办结且已超过办理时限的诉求件数，按现在的时间判断。"), SUBMITTED,
        _("已办结、已关闭、不予受理、已撤回的诉求")),
    "satisfaction": Definition(
        _("满意度"), _("期内提交且企业已评价的诉求的评分平均值（满分 5 分）。"), SUBMITTED, _("未评价的诉求")),
    # -- columns --
    "category": Definition(_("类别"), _("诉求的类别；合计行为全部类别。"), NONE, NONE),
    "category_total": Definition(
        _("合计（诉求）"), _("期内提交、属于该类别的诉求件数。"), SUBMITTED, NONE),
    "status_count": Definition(
        _("各状态件数"), _("期内提交、当前处于该状态的诉求件数。"), SUBMITTED, NONE),
    "status": Definition(_("状态"), _("诉求当前的办理状态。"), NONE, NONE),
    "resolved": Definition(
        _("已办结"), _("期内提交、已办结（含其后关闭）的诉求件数；重新打开的不算已办结。"), SUBMITTED, _("重新打开的诉求")),
    "on_time": Definition(
        _("按时办结"), _("已办结的诉求中在办理时限内办结的件数。"), SUBMITTED, _("未办结的诉求")),
    "category_sla": Definition(
        _("按时办结率（按类别）"), _("按时办结除以已办结。"), SUBMITTED, _("未办结的诉求")),
    "category_median": Definition(
        _("办理时长中位数（按类别）"), _("已办结诉求从提交到办结的自然小时数的中位数。"), SUBMITTED, _("未办结的诉求")),
    "average_hours": Definition(
        _("平均办理时长"), _("已办结诉求从提交到办结的自然小时数的平均值。"), SUBMITTED, _("未办结的诉求")),
    "rated": Definition(_("已评价"), _("期内提交且企业已评分的诉求件数。"), SUBMITTED, _("未评价的诉求")),
    "rating_average": Definition(
        _("满意度均分"), _("已评价诉求评分的平均值（满分 5 分）。"), SUBMITTED, _("未评价的诉求")),
    "request_green": Definition(
        _("正常（绿，诉求）"), _("期内提交的未办结诉求中剩余时间不少于办理时限 20% 的件数，按现在判断。"), SUBMITTED, OPEN),
    "request_yellow": Definition(
        _("临期（黄，诉求）"), _("期内提交的未办结诉求中剩余时间不足办理时限 20% 的件数。"), SUBMITTED, OPEN),
    "request_red": Definition(
        _("超时（红，诉求）"), _("期内提交的未办结诉求中已超过办理时限的件数。"), SUBMITTED, OPEN),
    "step_status": Definition(_("状态（审批环节）"), _("审批环节的三色状态与完成情况。"), NONE, NONE),
    "step_count": Definition(
        _("环节数"), _("期内提交的诉求的审批环节个数，按环节的应完成时间和完成时间分色。"), SUBMITTED, NONE),
    "score": Definition(_("评分"), _("企业对诉求的评分，1 至 5 分。"), NONE, NONE),
    "score_count": Definition(_("件数（评分）"), _("期内提交、得到该评分的诉求件数。"), SUBMITTED, _("未评价的诉求")),
    "department": Definition(_("承办单位"), _("接受分办的承办单位。"), NONE, NONE),
    "routings": Definition(
        _("分办"), _("期内提交的诉求交办给该单位的分办（主办与协办）个数，无论结果如何。"), SUBMITTED, NONE),
    "lead": Definition(_("主办"), _("其中作为主办单位的分办个数。"), SUBMITTED, NONE),
    "assist": Definition(_("协办"), _("其中作为协办单位的分办个数。"), SUBMITTED, NONE),
    "completed": Definition(_("已办结（分办）"), _("承办单位已办结的分办个数。"), SUBMITTED, _("退回、转办的分办")),
    "routing_on_time": Definition(
        _("按时办结（分办）"), _("在办理时限内办结的分办个数，批准延期后按延期后的时限。"), SUBMITTED, NONE),
    "late": Definition(
        _("逾期（分办）"), _("超过办理时限才办结的分办，加上仍在办理且已超过时限的分办个数。"), SUBMITTED, NONE),
    "on_time_rate": Definition(
        _("按时率"), _("按时办结除以按时办结与逾期之和。"), SUBMITTED, _("未到期的在办分办、退回和转办")),
    "routing_median": Definition(
        _("办理时长中位数（分办）"), _("已办结分办从交办到办结的自然小时数的中位数。"), SUBMITTED, _("未办结的分办")),
    "extensions_requested": Definition(_("延期申请"), _("承办单位提出延期申请的次数。"), SUBMITTED, NONE),
    "extensions_approved": Definition(_("延期批准"), _("驿站站长批准延期的次数。"), SUBMITTED, NONE),
    "handed_back": Definition(_("退回"), _("承办单位退回驿站的分办个数。"), SUBMITTED, NONE),
    "transferred": Definition(_("转办"), _("驿站转给其他单位的分办个数。"), SUBMITTED, NONE),
    "lead_department": Definition(
        _("主办单位"), _("诉求的主办单位，即最近一次未退回、未转办的主办分办的单位。"), NONE, NONE),
    "assignee": Definition(_("经办人"), _("诉求的经办人（企业服务专员）。"), NONE, NONE),
    "callbacks": Definition(_("回访"), _("期内提交的诉求的回访次数，每次回访都计入。"), SUBMITTED, NONE),
    "satisfied": Definition(_("满意"), _("回访结果为满意的次数。"), SUBMITTED, NONE),
    "basic": Definition(_("基本满意"), _("回访结果为基本满意的次数。"), SUBMITTED, NONE),
    "unsatisfied": Definition(_("不满意"), _("回访结果为不满意的次数。"), SUBMITTED, NONE),
    "satisfied_rate": Definition(
        _("满意率"), _("满意与基本满意的回访次数之和除以回访次数，每次回访都计入。"), SUBMITTED, NONE),
    "number": Definition(_("编号"), _("诉求的编号。"), NONE, NONE),
    "title": Definition(_("标题"), _("企业填写的诉求标题。"), NONE, NONE),
    "enterprise": Definition(_("企业"), _("提出诉求的企业。"), NONE, NONE),
    "overdue_category": Definition(_("类别（超期）"), _("诉求的类别。"), NONE, NONE),
    "overdue_status": Definition(_("状态（超期）"), _("诉求当前的办理状态。"), NONE, NONE),
    "overdue_assignee": Definition(_("经办人（超期）"), _("诉求的经办人，未分派时注明。"), NONE, NONE),
    "submitted_at": Definition(_("提交时间"), _("企业提交诉求的时间，决定诉求计入哪个统计区间。"), SUBMITTED, NONE),
    "due_at": Definition(_("办理时限"), _("诉求应办结的时间，暂停计时（待外部审批）顺延。"), NONE, NONE),
    "overdue_hours": Definition(
        _("已超时"), _("现在距办理时限已过去的小时数。"), SUBMITTED, _("已办结、已关闭、不予受理、已撤回的诉求")),
}

DEFINITIONS = {"pipeline": PIPELINE, "service": SERVICE}
# The document's section heading of each page.
SECTIONS = {"pipeline": _("招商项目"), "service": _("企业服务")}


def define(page: str, key: str) -> str:
    """The hover text of figure ``key`` of ``page``."""
    return str(DEFINITIONS[page][key].text)
