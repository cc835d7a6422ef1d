"""The drill-down lists of the service page: each figure's rows, by the selector's own rules."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.models import (
    ApprovalStep,
    Department,
    RequestCallBack,
    RequestStatus,
    Routing,
    RoutingEvent,
    ServiceCategory,
    ServiceRequest,
    User,
)
from crm.service_requests import clock
from reports.drill import register
from reports.selectors import service as selector
from reports.selectors.common import ReportFilters
from reports.selectors.params import choice, label_of, name_of, optional_id, required_id, titled
from reports.tables import Linked


def _request_ref(request: ServiceRequest):
    return Linked(f"#{request.pk}", reverse("admin:crm_servicerequest_change", args=[request.pk]))


# The columns of a list of requests: what the admin's queue shows (no contact details, no description).
REQUEST_COLUMNS = (
    (gettext_lazy("编号"), _request_ref),
    (gettext_lazy("标题"), "title"),
    (gettext_lazy("类别"), "category.name"),
    (gettext_lazy("企业"), "enterprise"),
    (gettext_lazy("状态"), "status"),
    (gettext_lazy("办理时限"), "due_at"),
)
STEP_COLOURS = {
    "green": gettext_lazy("正常（绿）"), "yellow": gettext_lazy("临期（黄）"), "red": gettext_lazy("逾期（红）"),
    "done_on_time": gettext_lazy("按期完成"), "done_late": gettext_lazy("逾期完成"),
}
EVENT_LABELS = {
    "handed_back": gettext_lazy("退回"), "extensions_requested": gettext_lazy("延期申请"),
    "extensions_approved": gettext_lazy("延期批准"),
}
REQUEST_TITLES = {
    "total": gettext_lazy("企业诉求"),
    "open": gettext_lazy("未办结诉求"),
    "resolved": gettext_lazy("已办结诉求"),
    "on_time": gettext_lazy("按时办结诉求"),
    "rated": gettext_lazy("已评价诉求"),
    clock.GREEN: gettext_lazy("未办结诉求：正常（绿）"),
    clock.YELLOW: gettext_lazy("未办结诉求：临期（黄）"),
    clock.RED: gettext_lazy("未办结诉求：超时（红）"),
}


def _request_rows(name: str):
    """The requests counted in figure ``name`` (``selector.request_conditions``), of one category when ``category`` is given."""

    def rows(filters: ReportFilters, params: dict) -> QuerySet[ServiceRequest]:
        requests = selector._requests(filters).filter(selector.request_conditions(timezone.now())[name])
        category = optional_id(params, "category")
        if category is not None:
            requests = requests.filter(category_id=category)
        return requests.select_related("category", "enterprise").order_by("due_at", "id")

    return rows


for _name, _title in REQUEST_TITLES.items():
    register(f"service.{_name}", title=titled(_title, name_of("category", ServiceCategory)), page="service",
             columns=REQUEST_COLUMNS)(_request_rows(_name))


@register("service.status", title=titled(gettext_lazy("企业诉求"), label_of("status", RequestStatus),
                                         name_of("category", ServiceCategory)), page="service", columns=REQUEST_COLUMNS)
def status_rows(filters: ReportFilters, params: dict) -> QuerySet[ServiceRequest]:
    """The requests in status ``status`` (of one ``category`` when given)."""
    status = choice(params, "status", RequestStatus.values)
    return _request_rows(f"status_{status}")(filters, params)


@register("service.score", title=titled(gettext_lazy("已评价诉求"), lambda params: _("%(score)s 分") % {"score": params.get("score")}),
          page="service", columns=REQUEST_COLUMNS)
def score_rows(filters: ReportFilters, params: dict) -> QuerySet[ServiceRequest]:
    """The requests rated ``score`` (1–5)."""
    score = choice(params, "score", [str(n) for n in selector.SATISFACTION_SCORES])
    return _request_rows(f"score_{score}")(filters, params)


@register("service.approval_steps", title=titled(gettext_lazy("审批环节"), label_of("colour", STEP_COLOURS)), page="service", columns=(
    (gettext_lazy("诉求"), lambda step: _request_ref(step.request)),
    (gettext_lazy("诉求标题"), "request.title"),
    (gettext_lazy("环节"), "name"),
    (gettext_lazy("审批部门"), "authority"),
    (gettext_lazy("应完成时间"), "due_at"),
    (gettext_lazy("完成时间"), "completed_at"),
))
def approval_step_rows(filters: ReportFilters, params: dict) -> QuerySet[ApprovalStep]:
    """The approval steps of the page's requests in ``colour`` (green, yellow, red, done_on_time, done_late)."""
    conditions = selector.approval_step_conditions(timezone.now())
    colour = choice(params, "colour", conditions)
    return selector._approval_steps(selector._requests(filters)).filter(conditions[colour]).select_related("request").order_by("due_at", "id")


ROUTING_TITLES = {
    "routings": gettext_lazy("分办"),
    "lead": gettext_lazy("主办分办"),
    "assist": gettext_lazy("协办分办"),
    "completed": gettext_lazy("已办结分办"),
    "on_time": gettext_lazy("按时办结分办"),
    "late": gettext_lazy("逾期分办"),
    "transferred": gettext_lazy("转办的分办"),
}
ROUTING_COLUMNS = (
    (gettext_lazy("诉求"), lambda routing: _request_ref(routing.service_request)),
    (gettext_lazy("诉求标题"), "service_request.title"),
    (gettext_lazy("承办单位"), "department.name"),
    (gettext_lazy("承办方式"), "role"),
    (gettext_lazy("状态"), "status"),
    (gettext_lazy("交办时间"), "routed_at"),
    (gettext_lazy("办理时限"), "due_at"),
    (gettext_lazy("办结时间"), "completed_at"),
)


def _routing_rows(name: str):
    """The routings of one ``department`` counted in figure ``name`` (``selector.routing_conditions``)."""

    def rows(filters: ReportFilters, params: dict) -> QuerySet[Routing]:
        department = required_id(params, "department")
        return (
            selector._routings(selector._requests(filters))
            .filter(selector.routing_conditions(timezone.now())[name], department_id=department)
            .select_related("service_request", "department")
            .order_by("routed_at", "id")
        )

    return rows


for _name, _title in ROUTING_TITLES.items():
    register(f"service.routing_{_name}", title=titled(_title, name_of("department", Department)), page="service",
             columns=ROUTING_COLUMNS)(_routing_rows(_name))


@register("service.routing_events", title=titled(gettext_lazy("分办流转记录"), name_of("department", Department),
                                                  label_of("figure", EVENT_LABELS)), page="service", columns=(
    (gettext_lazy("诉求"), lambda event: _request_ref(event.routing.service_request)),
    (gettext_lazy("承办单位"), "routing.department.name"),
    (gettext_lazy("操作"), "kind"),
    (gettext_lazy("时间"), "created_at"),
))
def routing_event_rows(filters: ReportFilters, params: dict) -> QuerySet[RoutingEvent]:
    """The hand-backs or extension requests/approvals (``figure``) of one ``department``'s routings."""
    figure = choice(params, "figure", selector.ROUTING_EVENT_FIGURES)
    department = required_id(params, "department")
    return (
        selector._routing_events(selector._routings(selector._requests(filters)))
        .filter(kind=selector.ROUTING_EVENT_FIGURES[figure], routing__department_id=department)
        .select_related("routing__service_request", "routing__department")
        .order_by("created_at", "id")
    )


@register("service.callbacks", title=titled(gettext_lazy("回访记录"), label_of("result", RequestCallBack.Result),
                                            name_of("department", Department),
                                            name_of("officer", User, none_label=gettext_lazy("未分派"))),
          page="service", columns=(
    (gettext_lazy("诉求"), lambda callback: _request_ref(callback.request)),
    (gettext_lazy("诉求标题"), "request.title"),
    (gettext_lazy("企业"), "request.enterprise"),
    (gettext_lazy("经办人"), "request.assignee"),
    (gettext_lazy("回访结果"), "result"),
    (gettext_lazy("回访时间"), "recorded_at"),
))
def callback_rows(filters: ReportFilters, params: dict) -> QuerySet[RequestCallBack]:
    """The call-backs of the page's requests with ``result`` (all results without it), of the requests led by
    ``department`` or handled by ``officer`` (``none``: not assigned) when given."""
    callbacks = selector._callbacks(selector._requests(filters))
    if params.get("result"):
        callbacks = callbacks.filter(result=choice(params, "result", selector.CALLBACK_RESULTS))
    if params.get("department"):
        callbacks = selector._with_lead_department(callbacks).filter(_department=required_id(params, "department"))
    if params.get("officer") == "none":
        callbacks = callbacks.filter(request__assignee__isnull=True)
    elif params.get("officer"):
        callbacks = callbacks.filter(request__assignee_id=required_id(params, "officer"))
    return callbacks.select_related("request__enterprise", "request__assignee").order_by("recorded_at", "id")
