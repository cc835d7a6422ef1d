"""The desk's routing in the admin (分办、转办), the station head's extension decisions (延期审批) and the departments'
list (承办单位): each form on the request page goes through its service and shows what it did or why it was refused."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.models import Department, Routing, RoutingEvent, RoutingExtension, ServiceRequestMessage
from crm.service_requests.routing import routing_request_extension
from tests.crm.routing_world import SHARED, build_world
from tests.factories import DepartmentFactory, department_liaison, officer, service_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def change_url(request):
    return reverse("admin:crm_servicerequest_change", args=[request.pk])


def action_url(name, request):
    return reverse(f"admin:crm_servicerequest_{name}", args=[request.pk])


def shown(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def routings(request) -> list[tuple]:
    return list(request.routings.order_by("id").values_list("department__short_name", "role", "status"))


def extension_of(world, *, days=2) -> RoutingExtension:
    return routing_request_extension(
        routing=world.permit_routing, due_at=world.permit_routing.due_at + dt.timedelta(days=days),
        reason="需核实学历认证", actor=world.liaison,
    )


# --- the desk ---------------------------------------------------------------------------------------------------------


def test_the_desk_routes_a_request_to_a_lead_and_an_assisting_department_each_with_its_due_time(world):
    client = client_of(world.zhou)
    request = world.unrouted

    lead = client.post(action_url("route", request), {"department": world.experts.pk, "role": "lead", "note": "请加急"},
                       follow=True)
    assist = client.post(action_url("route", request), {"department": world.market.pk, "role": "assist"}, follow=True)

    assert routings(request) == [("人社外专处", "lead", "active"), ("市场监管", "assist", "active")]
    lead_routing, assist_routing = request.routings.order_by("id")
    # The work permit's limits: 24 calendar hours for the lead, 12 for an assisting department.
    assert lead_routing.due_at - lead_routing.routed_at == dt.timedelta(hours=24)
    assert assist_routing.due_at - assist_routing.routed_at == dt.timedelta(hours=12)
    assert (lead_routing.routed_by, lead_routing.note) == (world.zhou, "请加急")
    due = timezone.localtime(lead_routing.due_at).strftime("%Y-%m-%d %H:%M")
    assert shown(lead) == [f"已分办给 杭州市人社局（外国专家服务处）（主办），办理时限 {due}。"]
    assert shown(assist)[0].startswith("已分办给 杭州市西湖区市场监督管理局（协办）")
    page = assist.content.decode()
    assert page.count('class="zj-routing-row') == 2 and "zj-on-time" in page


def test_a_second_lead_is_refused_with_the_services_message_and_nothing_is_stored(world):
    before = routings(world.permit)

    response = client_of(world.zhou).post(action_url("route", world.permit),
                                          {"department": world.market.pk, "role": "lead"}, follow=True)

    assert len(shown(response)) == 1 and "主办" in shown(response)[0]
    assert routings(world.permit) == before


def test_the_desk_transfers_a_routing_to_another_department_asked_first(world):
    client = client_of(world.zhou)
    page = client.get(change_url(world.permit)).content.decode()
    assert "确定将 杭州市人社局（外国专家服务处） 的承办事项转办吗？转办后原单位不再办理。" in page  # the confirmation

    response = client.post(action_url("transfer", world.permit), {
        "routing": world.permit_routing.pk, "to_department": world.planning.pk, "note": "属规划事项"}, follow=True)

    assert shown(response) == ["已由 杭州市人社局（外国专家服务处） 转办至 杭州市规划和自然资源局西湖分局。"]
    assert routings(world.permit) == [("人社外专处", "lead", "transferred"), ("规划资源分局", "lead", "active")]
    assert RoutingEvent.objects.get(kind="transferred").actor == world.zhou


def test_the_desk_shares_a_message_with_the_departments_which_the_enterprise_never_reads(world):
    client_of(world.zhou).post(action_url("reply", world.permit),
                               {"body": "请各承办单位注意：专家周一到杭。", "shared_with_departments": "on"})

    message = ServiceRequestMessage.objects.get(body="请各承办单位注意：专家周一到杭。")
    assert (message.shared_with_departments, message.is_internal) == (True, True)
    assert "请各承办单位注意" in client_of(world.liaison).get(change_url(world.permit)).content.decode()
    portal = client_of(world.alice).get(reverse("portal:request-detail", args=[world.permit.pk])).content.decode()
    assert "请各承办单位注意" not in portal and SHARED not in portal


# --- the station head -------------------------------------------------------------------------------------------------


def test_the_station_head_approves_an_extension_asked_first_and_the_due_times_move(world):
    extension = extension_of(world, days=2)
    client = client_of(world.head)
    page = client.get(change_url(world.permit)).content.decode()
    assert "延期申请（待审批）" in page and "需核实学历认证" in page
    assert "批准后办理时限随即变更，不能撤销。" in page  # the confirmation before an irreversible step

    response = client.post(action_url("decide", world.permit),
                           {"extension": extension.pk, "approve": "1", "note": "同意"}, follow=True)

    extension.refresh_from_db()
    world.permit_routing.refresh_from_db()
    world.permit.refresh_from_db()
    assert (extension.status, extension.decided_by, extension.decision_note) == ("approved", world.head, "同意")
    assert world.permit_routing.due_at == extension.requested_due_at
    assert world.permit.due_at == extension.requested_due_at  # the lead's extension moves the request's due time
    due = timezone.localtime(extension.requested_due_at).strftime("%Y-%m-%d %H:%M")
    assert shown(response) == [f"已批准 杭州市人社局（外国专家服务处） 延期至 {due}。"]


def test_the_station_head_refuses_an_extension_and_no_due_time_moves(world):
    extension = extension_of(world)
    routing_due, request_due = world.permit_routing.due_at, world.permit.due_at

    response = client_of(world.head).post(action_url("decide", world.permit),
                                          {"extension": extension.pk, "approve": "0", "note": "请按时办结"}, follow=True)

    extension.refresh_from_db()
    world.permit_routing.refresh_from_db()
    world.permit.refresh_from_db()
    assert extension.status == "refused"
    assert (world.permit_routing.due_at, world.permit.due_at) == (routing_due, request_due)
    assert shown(response) == ["已不批准 杭州市人社局（外国专家服务处） 的延期申请。"]


def test_a_service_officer_who_is_not_the_station_head_may_not_decide(world):
    extension = extension_of(world)
    client = client_of(world.zhou)
    page = client.get(change_url(world.permit)).content.decode()
    assert "延期申请（待审批）" in page and "批准延期" not in page

    response = client.post(action_url("decide", world.permit), {"extension": extension.pk, "approve": "1"}, follow=True)

    assert shown(response) == ["只有驿站站长可以审批延期申请。"]
    extension.refresh_from_db()
    assert extension.status == "pending"


# --- departments (承办单位) ------------------------------------------------------------------------------------------------


def test_a_service_officer_adds_a_department_with_a_liaison_and_only_liaisons_are_offered(world):
    client = client_of(world.zhou)
    form = client.get(reverse("admin:crm_department_add"))
    offered = {user.username for user in form.context["adminform"].form.fields["liaisons"].queryset}
    assert offered == {"liaison", "liaison2"}

    client.post(reverse("admin:crm_department_add"), {
        "name": "国家税务总局杭州市西湖区税务局", "short_name": "西湖区税务局", "kind": "external", "is_active": "on",
        "sort_order": 40, "liaisons": [world.liaison2.pk],
    })

    tax = Department.objects.get(short_name="西湖区税务局")
    assert list(tax.liaisons.all()) == [world.liaison2]
    assert client.get(reverse("admin:crm_department_delete", args=[tax.pk])).status_code == 403


def test_an_investment_officer_may_not_read_departments_and_a_liaison_may_not_edit_them(world):
    assert client_of(officer()).get(reverse("admin:crm_department_changelist")).status_code == 403
    liaison_client = client_of(world.liaison)
    before = list(Department.objects.values())
    response = liaison_client.post(reverse("admin:crm_department_change", args=[world.experts.pk]),
                                   {"name": "改名", "kind": "internal", "sort_order": 1})
    assert response.status_code == 403
    assert liaison_client.get(reverse("admin:crm_department_add")).status_code == 403
    assert list(Department.objects.values()) == before


def test_the_department_list_takes_the_same_queries_for_3_or_10_departments(world):
    client = client_of(service_officer())
    url = reverse("admin:crm_department_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(7):
        department_liaison(DepartmentFactory(name=f"街道办事处{i}"), username=f"street{i}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(page.context["cl"].result_list) == 10
    # Session, user, groups, counts, the page's departments with their active routings counted, their liaisons (one
    # prefetch), the filters: the same for any number of rows.
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]


def test_the_desks_queue_is_not_changed_for_the_desk(world):
    page = client_of(world.zhou).get(reverse("admin:crm_servicerequest_changelist"))

    titles = {r.title for r in page.context["cl"].result_list}
    assert titles == {world.permit.title, world.registration.title, world.unrouted.title}
    assert "action-select" in page.content.decode()  # the desk's bulk actions stay


def test_a_routing_clock_turns_yellow_then_red_like_the_requests(world):
    from crm.service_requests import clock

    routing = Routing.objects.get(pk=world.permit_routing.pk)
    at = routing.routed_at
    assert clock.routing_time_left(routing, now=at + dt.timedelta(hours=19)).colour == clock.GREEN
    assert clock.routing_time_left(routing, now=at + dt.timedelta(hours=20)).colour == clock.YELLOW
    assert clock.routing_time_left(routing, now=at + dt.timedelta(hours=24)).colour == clock.RED
    assert clock.routing_time_left(routing, now=at + dt.timedelta(hours=25)).label == "已超时 1 小时"
    routing.status = Routing.Status.COMPLETED
    assert clock.routing_time_left(routing, now=at).colour == clock.NONE


def test_the_desk_plans_a_step_for_a_department_whose_liaison_then_sees_it(world):
    request = world.registration  # no steps yet; routed to 市场监管
    due = timezone.localtime(request.due_at)
    client_of(world.zhou).post(change_url(request), {
        "messages-TOTAL_FORMS": "0", "messages-INITIAL_FORMS": "0",
        "attachments-TOTAL_FORMS": "0", "attachments-INITIAL_FORMS": "0",
        "transitions-TOTAL_FORMS": "0", "transitions-INITIAL_FORMS": "0",
        "callbacks-TOTAL_FORMS": "0", "callbacks-INITIAL_FORMS": "0",
        "approval_steps-TOTAL_FORMS": "1", "approval_steps-INITIAL_FORMS": "0",
        "approval_steps-0-request": request.pk, "approval_steps-0-name": "核发营业执照",
        "approval_steps-0-authority": "西湖区市场监管局", "approval_steps-0-department": world.market.pk,
        "approval_steps-0-due_at_0": due.strftime("%Y-%m-%d"), "approval_steps-0-due_at_1": "17:00:00",
        "_continue": "1",
    })

    step = request.approval_steps.get()
    assert (step.name, step.department) == ("核发营业执照", world.market)
    assert "核发营业执照" in client_of(world.liaison2).get(change_url(request)).content.decode()
