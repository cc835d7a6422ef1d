"""The department liaison's admin (承办单位联络员): only what is routed to its department, reduced, and its own work.

Isolation like between enterprises: on every admin page a liaison can reach, ``liaison2`` (市场监管) gets 404 (or 403
for a list it may not read at all) for what is routed to ``liaison``'s department (人社外专处), and nothing changes.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.models import (
    ApprovalStep,
    Routing,
    RoutingEvent,
    RoutingExtension,
    ServiceRequest,
    ServiceRequestMessage,
    ServiceRequestTransition,
)
from crm.service_requests.routing import routing_create
from crm.service_requests.services import service_request_transition
from tests.crm.routing_world import (
    ENTERPRISE_SAYS,
    INTERNAL_NOTE,
    LIAISON_SAYS,
    PASSPORT,
    SHARED,
    build_world,
)
from tests.factories import EnterpriseFactory, enterprise_user, service_request

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


def state(world) -> dict:
    """What a refused post must leave alone: every routing, event, extension, message, step, transition, request."""
    return {
        "routings": list(Routing.objects.order_by("id").values()),
        "events": RoutingEvent.objects.count(),
        "extensions": list(RoutingExtension.objects.order_by("id").values()),
        "messages": list(ServiceRequestMessage.objects.order_by("id").values_list("id", "body")),
        "steps": list(ApprovalStep.objects.order_by("id").values()),
        "transitions": ServiceRequestTransition.objects.count(),
        "requests": list(ServiceRequest.objects.order_by("id").values("id", "status", "due_at", "assignee")),
    }


# --- what a liaison sees ----------------------------------------------------------------------------------------------


def test_the_liaison_lists_only_the_requests_routed_to_its_department_with_its_due_time_and_colour(world):
    page = client_of(world.liaison).get(reverse("admin:crm_servicerequest_changelist"))

    assert page.status_code == 200
    rows = page.context["cl"].result_list
    assert [r.title for r in rows] == [world.permit.title]
    html = page.content.decode()
    assert world.registration.title not in html and world.unrouted.title not in html
    assert timezone.localtime(world.permit_routing.due_at).strftime("%Y-%m-%d %H:%M") in html
    assert 'class="zj-on-time">剩余 23 小时' in html  # 24 hours for the lead, just routed: green
    # No bulk actions, no export, no assignee column.
    assert "action-select" not in html and "export" not in html.lower().split("<body")[1].split("result_list")[0]
    assert "经办人" not in html

    other = client_of(world.liaison2).get(reverse("admin:crm_servicerequest_changelist"))
    assert [r.title for r in other.context["cl"].result_list] == [world.registration.title]


def test_the_liaisons_list_filters_by_status_and_by_its_routings_status(world):
    client = client_of(world.liaison)
    url = reverse("admin:crm_servicerequest_changelist")

    assert [r.pk for r in client.get(url, {"routing_status": "active"}).context["cl"].result_list] == [world.permit.pk]
    assert list(client.get(url, {"routing_status": "completed"}).context["cl"].result_list) == []
    assert [r.pk for r in client.get(url, {"status__exact": "accepted"}).context["cl"].result_list] == [world.permit.pk]


def test_the_liaisons_request_page_shows_title_category_enterprise_shared_and_own_messages_only(world):
    page = client_of(world.liaison).get(change_url(world.permit))

    assert page.status_code == 200
    html = page.content.decode()
    for shown in (world.permit.title, "外国人来华工作许可", "西湖阳光（杭州）科技有限公司", SHARED, LIAISON_SAYS,
                  "外专处审批", "交办说明：请加急", "人社外专处"):
        assert shown in html, shown
    for hidden in (PASSPORT, INTERNAL_NOTE, ENTERPRISE_SAYS, "回复企业", "办理（当前状态", "经办人",
                   reverse("admin:crm_servicerequest_transition", args=[world.permit.pk]),
                   reverse("admin:crm_servicerequest_assign", args=[world.permit.pk])):
        assert hidden not in html, hidden
    # Its own work: hand back, ask an extension, complete, complete its step, write to the desk.
    for url in ("hand_back", "extension", "complete", "step_complete", "department_message"):
        assert action_url(url, world.permit) in html
    # Not the desk's: route, transfer, decide.
    for url in ("route", "transfer", "decide"):
        assert action_url(url, world.permit) not in html


def test_a_liaison_reads_nothing_of_the_admin_beyond_its_requests_and_the_departments(world):
    client = client_of(world.liaison)

    for name in ("project", "enterprise", "user", "notification", "landparcel"):
        app = "parks" if name == "landparcel" else "crm"
        assert client.get(reverse(f"admin:{app}_{name}_changelist")).status_code == 403, name
    assert client.get(reverse("admin:crm_department_changelist")).status_code == 200
    assert client.get(reverse("admin:crm_servicerequest_history", args=[world.permit.pk])).status_code == 403
    # The lists across requests (the role table's area) hold only its own: its department's steps and messages,
    # no file and no history row of anybody's.
    lists = {name: client.get(reverse(f"admin:crm_{name}_changelist")).context["cl"].result_list for name in (
        "servicerequestmessage", "servicerequestattachment", "servicerequesttransition", "approvalstep")}
    assert sorted(m.body for m in lists["servicerequestmessage"]) == sorted([SHARED, LIAISON_SAYS])
    assert [s.name for s in lists["approvalstep"]] == ["外专处审批"]
    assert list(lists["servicerequestattachment"]) == [] and list(lists["servicerequesttransition"]) == []
    other = client_of(world.liaison2)
    assert list(other.get(reverse("admin:crm_approvalstep_changelist")).context["cl"].result_list) == []
    assert [m.body for m in other.get(reverse("admin:crm_servicerequestmessage_changelist")).context["cl"]
            .result_list] == []
    apps = client.get(reverse("workbench:apps"))
    listed = {model["name"] for app in apps.context["app_list"] for model in app["models"]}
    assert {"企业诉求", "承办单位"} <= listed and not listed & {"企业", "招商项目", "地块", "用户"}
    assert "数据导入" not in apps.content.decode()


# --- what a liaison does ----------------------------------------------------------------------------------------------


def test_the_liaison_asks_for_an_extension_which_waits_for_the_station_head(world):
    due = timezone.localtime(world.permit_routing.due_at + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client_of(world.liaison).post(
        action_url("extension", world.permit),
        {"routing": world.permit_routing.pk, "due_at": due, "reason": "需核实学历认证"}, follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == ["延期申请已提交，等待驿站站长审批。"]
    extension = RoutingExtension.objects.get(routing=world.permit_routing)
    assert (extension.status, extension.requested_by, extension.reason) == ("pending", world.liaison, "需核实学历认证")
    assert timezone.localtime(extension.requested_due_at).strftime("%Y-%m-%dT%H:%M") == due
    world.permit_routing.refresh_from_db()
    assert world.permit_routing.due_at < extension.requested_due_at  # unchanged until approved
    page = response.content.decode()
    assert "延期申请（待审批）" in page
    assert 'class="zj-routing-extension"' not in page  # one pending request at a time


def test_the_liaison_hands_back_with_a_reason_and_then_no_longer_sees_the_request(world):
    client = client_of(world.liaison)

    refused = client.post(action_url("hand_back", world.permit), {"routing": world.permit_routing.pk, "reason": ""},
                          follow=True)
    assert [str(m) for m in refused.context["messages"]] == ["请填写退回理由。"]
    assert Routing.objects.get(pk=world.permit_routing.pk).status == "active"

    client.post(action_url("hand_back", world.permit), {"routing": world.permit_routing.pk, "reason": "非本单位职能"})

    world.permit_routing.refresh_from_db()
    assert world.permit_routing.status == "handed_back"
    event = world.permit_routing.events.get(kind="handed_back")
    assert (event.actor, event.note) == (world.liaison, "非本单位职能")
    assert client.get(change_url(world.permit)).status_code == 404  # the request has left the department


def test_the_liaison_completes_its_step_and_its_routing_and_writes_to_the_desk(world):
    client = client_of(world.liaison)
    step = world.permit.approval_steps.get()

    client.post(action_url("step_complete", world.permit), {"step": step.pk})
    client.post(action_url("department_message", world.permit), {"body": "许可已批准，明早发证。"})
    response = client.post(action_url("complete", world.permit),
                           {"routing": world.permit_routing.pk, "note": "已发证"}, follow=True)

    step.refresh_from_db()
    assert step.completed_at is not None
    message = ServiceRequestMessage.objects.get(body="许可已批准，明早发证。")
    assert (message.author, message.department, message.is_internal) == (world.liaison, world.experts, True)
    world.permit_routing.refresh_from_db()
    assert (world.permit_routing.status, world.permit_routing.completed_at is not None) == ("completed", True)
    assert [str(m) for m in response.context["messages"]] == [
        "审批环节“外专处审批”已完成。", "留言已发送给驿站。", "本单位承办事项已办结。"
    ]
    # Completed: still its record to read, with nothing left to do.
    page = response.content.decode()
    assert world.permit.title in page and action_url("hand_back", world.permit) not in page


# --- isolation: liaison2 (市场监管) on liaison's (人社外专处) request -----------------------------------------------------


def test_the_other_departments_liaison_gets_404_on_the_request_page_and_every_form_and_nothing_changes(world):
    client = client_of(world.liaison2)
    before = state(world)
    step = world.permit.approval_steps.get()
    posts = {
        "hand_back": {"routing": world.permit_routing.pk, "reason": "越权退回"},
        "extension": {"routing": world.permit_routing.pk, "due_at": "2030-01-01T10:00", "reason": "越权"},
        "complete": {"routing": world.permit_routing.pk, "note": "越权"},
        "step_complete": {"step": step.pk},
        "department_message": {"body": "越权留言"},
        "route": {"department": world.market.pk, "role": "assist", "note": "越权"},
        "transfer": {"routing": world.permit_routing.pk, "to_department": world.market.pk},
        "decide": {"extension": 1, "approve": "1"},
    }

    assert client.get(change_url(world.permit)).status_code == 404
    assert client.get(change_url(world.unrouted)).status_code == 404
    assert client.get(reverse("admin:crm_servicerequest_history", args=[world.permit.pk])).status_code in (403, 404)
    for name, data in posts.items():
        assert client.post(action_url(name, world.permit), data).status_code == 404, name
    attachment_or_none = world.permit.attachments.first()
    if attachment_or_none is not None:
        assert client.get(reverse("attachment-download", args=[attachment_or_none.pk])).status_code == 404
    assert state(world) == before


def test_a_liaison_cannot_work_another_departments_routing_through_its_own_request(world):
    # Both departments on one request: liaison2 acts on 人社外专处's routing through the request it may see.
    routing_create(service_request=world.permit, department=world.market, role=Routing.Role.ASSIST, note="",
                   actor=world.zhou)
    client = client_of(world.liaison2)
    before = state(world)

    for name, data in {
        "hand_back": {"routing": world.permit_routing.pk, "reason": "越权退回"},
        "extension": {"routing": world.permit_routing.pk, "due_at": "2030-01-01T10:00", "reason": "越权"},
        "complete": {"routing": world.permit_routing.pk},
        "step_complete": {"step": world.permit.approval_steps.get().pk},
    }.items():
        assert client.post(action_url(name, world.permit), data).status_code == 404, name

    assert state(world) == before
    page = client.get(change_url(world.permit)).content.decode()
    assert "杭州市西湖区市场监督管理局" in page and "交办说明：请加急" not in page and LIAISON_SAYS not in page and SHARED in page


def test_a_liaison_is_refused_the_desks_and_the_station_heads_forms_on_its_own_request(world):
    client = client_of(world.liaison)
    due = timezone.localtime(world.permit_routing.due_at + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    client.post(action_url("extension", world.permit), {"routing": world.permit_routing.pk, "due_at": due, "reason": "r"},
                follow=True)  # its message shown
    extension = RoutingExtension.objects.get()
    before = state(world)

    route = client.post(action_url("route", world.permit), {"department": world.planning.pk, "role": "assist"},
                        follow=True)
    transfer = client.post(action_url("transfer", world.permit),
                           {"routing": world.permit_routing.pk, "to_department": world.planning.pk}, follow=True)
    decide = client.post(action_url("decide", world.permit), {"extension": extension.pk, "approve": "1"}, follow=True)

    assert [str(m) for m in route.context["messages"]] == ["只有企业服务专员可以分办和转办诉求。"]
    assert [str(m) for m in transfer.context["messages"]] == ["只有企业服务专员可以分办和转办诉求。"]
    assert decide.status_code == 404 or [str(m) for m in decide.context["messages"]] == ["只有驿站站长可以审批延期申请。"]
    assert state(world) == before


# --- query counts -----------------------------------------------------------------------------------------------------


def _more_routed_requests(world, n):
    enterprise = EnterpriseFactory()
    user = enterprise_user(enterprise)
    for i in range(n):
        request = service_request(enterprise=enterprise, submitted_by=user, title=f"工作许可{i}")
        request = service_request_transition(service_request=request, action="accept", actor=world.zhou)
        routing_create(service_request=request, department=world.experts, role="lead", note="", actor=world.zhou)


def test_the_liaisons_list_takes_the_same_queries_for_1_or_8_routed_requests(world):
    client = client_of(world.liaison)
    url = reverse("admin:crm_servicerequest_changelist")
    client.get(url)  # warm the lists' caches

    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _more_routed_requests(world, 7)
    with CaptureQueriesContext(connection) as eight:
        page = client.get(url)
    assert len(page.context["cl"].result_list) == 8
    # Session, user, groups, count (filtered and total), the page's requests with enterprise and category, their
    # own routings (one prefetch), the status filter's lookups… — the same whatever the number of rows: if this
    # changes, say why in the commit.
    assert len(eight) == len(one), [q["sql"] for q in eight.captured_queries]
