"""A small world of departments and routings for the admin and portal tests of issue 15 (desk, liaison, station head).

Two departments with a liaison each — ``liaison`` of the foreign-expert authority (人社外专处), ``liaison2`` of market
regulation (市场监管) — a desk officer, a station head, and three accepted requests: 西湖阳光's work permit routed to
人社外专处 (with a desk message shared with departments, the liaison's message, an internal note, an enterprise message,
and an approval step of 人社外专处), 科聪控制's registration routed to 市场监管, and one not routed at all.
"""

from dataclasses import dataclass

from crm.models import Department, Routing, ServiceRequest, ServiceRequestMessage, User
from crm.service_requests.approval_steps import approval_step_plan
from crm.service_requests.routing import routing_create, routing_message_post
from crm.service_requests.services import service_request_transition
from crm.service_requests.thread import message_post
from tests.factories import (
    DepartmentFactory,
    EnterpriseFactory,
    ServiceCategoryFactory,
    department_liaison,
    enterprise_user,
    service_officer,
    service_request,
    station_head,
)

PASSPORT = "E12345678"  # work_permit_details()'s: never on a liaison's page
INTERNAL_NOTE = "内部备注：企业负责人电话 13900001111"
SHARED = "驿站致承办单位：材料齐全，请加急审批。"
LIAISON_SAYS = "外专处：已收到，今晚审批。"
ENTERPRISE_SAYS = "企业：专家下周到杭。"


@dataclass
class World:
    zhou: User  # the desk (企业服务专员)
    head: User  # the station head (驿站站长)
    alice: User  # 西湖阳光's enterprise user
    liaison: User
    liaison2: User
    experts: Department
    market: Department
    planning: Department
    permit: ServiceRequest  # routed to experts
    registration: ServiceRequest  # routed to market
    unrouted: ServiceRequest
    permit_routing: Routing
    registration_routing: Routing


def accepted(request, officer):
    return service_request_transition(service_request=request, action="accept", actor=officer)


def build_world() -> World:
    zhou = service_officer(username="zhou", display_name="周敏")
    head = station_head(username="head", display_name="张站长")
    experts = DepartmentFactory(name="杭州市人社局（外国专家服务处）", short_name="人社外专处", sort_order=10)
    market = DepartmentFactory(name="杭州市西湖区市场监督管理局", short_name="市场监管", sort_order=20)
    planning = DepartmentFactory(name="杭州市规划和自然资源局西湖分局", short_name="规划资源分局", sort_order=30)
    liaison = department_liaison(experts, username="liaison", display_name="孙立群")
    liaison2 = department_liaison(market, username="liaison2", display_name="钱卫东")

    sunshine = EnterpriseFactory(name="西湖阳光（杭州）科技有限公司", short_name="西湖阳光")
    kecong = EnterpriseFactory(name="杭州科聪控制技术有限公司", short_name="科聪控制")
    alice = enterprise_user(sunshine, username="alice", display_name="王丽")
    bob = enterprise_user(kecong, username="bob", display_name="李博")
    permit_category = ServiceCategoryFactory()
    registration_category = ServiceCategoryFactory(
        code="business_registration", name="企业开办", sla_unit="working_days", sla_value=3, form=False
    )

    permit = accepted(service_request(enterprise=sunshine, submitted_by=alice, category=permit_category,
                                      title="外籍专家 John Smith 来华工作许可"), zhou)
    registration = accepted(service_request(enterprise=kecong, submitted_by=bob, category=registration_category,
                                            title="科聪控制分公司设立登记"), zhou)
    unrouted = accepted(service_request(enterprise=sunshine, submitted_by=alice, category=permit_category,
                                        title="未分办的工作许可"), zhou)

    permit_routing = routing_create(service_request=permit, department=experts, role=Routing.Role.LEAD,
                                    note="交办说明：请加急", actor=zhou)
    registration_routing = routing_create(service_request=registration, department=market, role=Routing.Role.LEAD,
                                          note="请办理设立登记", actor=zhou)
    message_post(service_request=permit, author=alice, body=ENTERPRISE_SAYS)
    message_post(service_request=permit, author=zhou, body=INTERNAL_NOTE, is_internal=True)
    message_post(service_request=permit, author=zhou, body=SHARED, shared_with_departments=True)
    routing_message_post(routing=permit_routing, body=LIAISON_SAYS, actor=liaison)
    approval_step_plan(service_request=permit, name="外专处审批", authority=experts.name, due_at=permit.due_at,
                       department=experts, actor=zhou)
    return World(
        zhou=zhou, head=head, alice=alice, liaison=liaison, liaison2=liaison2, experts=experts, market=market,
        planning=planning, permit=permit, registration=registration, unrouted=unrouted,
        permit_routing=permit_routing, registration_routing=registration_routing,
    )


def messages_of(request) -> list[str]:
    return list(ServiceRequestMessage.objects.filter(request=request).order_by("id").values_list("body", flat=True))
