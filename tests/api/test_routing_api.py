"""承办单位与分办 over the API: departments, routings and their steps; two liaisons of two departments never see or
touch each other's work (404, nothing changed); the role table decides who routes, works and decides."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.models import Routing, RoutingEvent, RoutingExtension, ServiceRequest, ServiceRequestMessage
from crm.service_requests.routing import routing_create, routing_request_extension
from crm.service_requests.services import service_request_transition
from crm.service_requests.thread import message_post
from tests.api.support import api_client, results
from tests.factories import DepartmentFactory, service_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(alice_request, zhou):
    return service_request_transition(service_request=alice_request, action="accept", actor=zhou)


@pytest.fixture
def routed(accepted, waizhuan, zhou):
    """西湖阳光's work permit with 人社/外专 as the lead."""
    return routing_create(service_request=accepted, department=waizhuan, role="lead", note="请办理工作许可", actor=zhou)


@pytest.fixture
def other_routed(bob_request, shichang, zhou):
    """科聪控制's request with 市场监管 as the lead: liaison2's."""
    request = service_request_transition(service_request=bob_request, action="accept", actor=zhou)
    return routing_create(service_request=request, department=shichang, role="lead", note="请核查", actor=zhou)


def _snapshot():
    return (
        list(Routing.objects.order_by("pk").values_list("pk", "status", "due_at", "department_id")),
        RoutingEvent.objects.count(),
        list(RoutingExtension.objects.order_by("pk").values_list("pk", "status")),
        ServiceRequestMessage.objects.count(),
        list(ServiceRequest.objects.order_by("pk").values_list("pk", "due_at", "status")),
    )


# -- departments ---------------------------------------------------------------------------------------------------


def test_staff_list_the_active_departments_and_a_liaison_its_own(zhou, boss, liaison, waizhuan, shichang):
    DepartmentFactory(name="已撤销的单位", is_active=False)

    desk = results(api_client(zhou).get("/api/v1/departments/"))
    own = results(api_client(liaison).get("/api/v1/departments/"))

    assert sorted(d["name"] for d in desk) == sorted([waizhuan.name, shichang.name])
    assert set(desk[0]) == {"id", "name", "short_name", "kind"}
    assert [d["id"] for d in results(api_client(boss).get("/api/v1/departments/"))] == [d["id"] for d in desk]
    assert [d["id"] for d in own] == [waizhuan.pk]


def test_enterprise_users_and_investment_officers_do_not_read_departments(alice, qian, waizhuan):
    assert api_client(alice).get("/api/v1/departments/").status_code == 403
    assert api_client(qian).get("/api/v1/departments/").status_code == 403


# -- routing a request ---------------------------------------------------------------------------------------------


def test_the_desk_routes_a_request_to_a_lead_and_an_assisting_department_each_with_its_due_time(
    accepted, waizhuan, shichang, zhou
):
    client = api_client(zhou)
    url = f"/api/v1/service-requests/{accepted.pk}/routings/"

    lead = client.post(url, {"department": waizhuan.pk, "role": "lead", "note": "请办理"}, format="json")
    assist = client.post(url, {"department": shichang.pk, "role": "assist"}, format="json")
    listed = client.get(url)

    assert (lead.status_code, assist.status_code) == (201, 201), (lead.content, assist.content)
    body = lead.json()
    routed_at = dt.datetime.fromisoformat(body["routed_at"])
    assert dt.datetime.fromisoformat(body["due_at"]) - routed_at == dt.timedelta(hours=24)
    assert dt.datetime.fromisoformat(assist.json()["due_at"]) - dt.datetime.fromisoformat(
        assist.json()["routed_at"]) == dt.timedelta(hours=12)
    assert (body["department_name"], body["role"], body["status"]) == (waizhuan.name, "lead", "active")
    assert [e["kind"] for e in body["events"]] == ["routed"]
    assert [(r["department"], r["role"], r["status"]) for r in listed.json()] == [
        (waizhuan.pk, "lead", "active"), (shichang.pk, "assist", "active"),
    ]


def test_routing_a_request_not_yet_accepted_is_409_and_changes_nothing(alice_request, waizhuan, zhou):
    response = api_client(zhou).post(
        f"/api/v1/service-requests/{alice_request.pk}/routings/", {"department": waizhuan.pk, "role": "lead"},
        format="json",
    )

    assert response.status_code == 409
    assert "请先受理" in response.json()["detail"]
    assert not Routing.objects.exists()


def test_bad_routing_input_is_400_with_chinese_field_errors(accepted, zhou):
    client = api_client(zhou)
    url = f"/api/v1/service-requests/{accepted.pk}/routings/"

    unknown = client.post(url, {"department": 999999, "role": "lead"}, format="json")
    bad_role = client.post(url, {"department": DepartmentFactory().pk, "role": "boss"}, format="json")

    assert unknown.status_code == 400
    assert unknown.json() == {"department": ["没有 id 为 999999 的承办单位。"]}
    assert bad_role.status_code == 400
    assert list(bad_role.json()) == ["role"]
    assert not Routing.objects.exists()


def test_a_second_lead_is_409(routed, shichang, zhou):
    response = api_client(zhou).post(
        f"/api/v1/service-requests/{routed.service_request_id}/routings/", {"department": shichang.pk, "role": "lead"},
        format="json",
    )

    assert response.status_code == 409
    assert Routing.objects.count() == 1


def test_a_manager_cannot_route(accepted, waizhuan, boss):
    response = api_client(boss).post(
        f"/api/v1/service-requests/{accepted.pk}/routings/", {"department": waizhuan.pk, "role": "lead"}, format="json"
    )

    assert response.status_code == 403
    assert not Routing.objects.exists()


def test_a_liaison_routing_a_request_of_its_own_department_is_403(routed, shichang, liaison):
    response = api_client(liaison).post(
        f"/api/v1/service-requests/{routed.service_request_id}/routings/", {"department": shichang.pk, "role": "assist"},
        format="json",
    )

    assert response.status_code == 403
    assert response.json()["detail"] == "只有企业服务专员可以分办和转办诉求。"
    assert Routing.objects.count() == 1


# -- what a liaison reads ------------------------------------------------------------------------------------------


def test_a_liaison_lists_only_what_is_routed_to_its_department_with_the_reduced_fields(
    routed, other_routed, liaison, liaison2, bob_request
):
    mine = results(api_client(liaison).get("/api/v1/service-requests/"))
    theirs = results(api_client(liaison2).get("/api/v1/service-requests/"))

    assert [r["id"] for r in mine] == [routed.service_request_id]
    assert [r["id"] for r in theirs] == [bob_request.pk]
    assert set(mine[0]) == {
        "id", "enterprise", "enterprise_name", "category", "category_name", "title", "description", "details",
        "status", "status_display", "submitted_at", "assignee_name", "routings", "approval_steps",
    }
    assert [(r["department"], r["role"], r["status"]) for r in mine[0]["routings"]] == [(routed.department_id, "lead",
                                                                                        "active")]
    assert mine[0]["details"]["passport_number"].startswith("E1")
    assert "*" in mine[0]["details"]["passport_number"]  # masked: only the desk's assignee reads it in clear


def test_a_liaisons_request_page_has_no_history_attachments_or_internal_notes(routed, liaison, zhou):
    request = routed.service_request
    message_post(service_request=request, author=zhou, body="企业负责人脾气急", is_internal=True)
    message_post(service_request=request, author=zhou, body="请外专局核对护照", shared_with_departments=True)
    client = api_client(liaison)

    page = client.get(f"/api/v1/service-requests/{request.pk}/")
    messages = client.get(f"/api/v1/service-requests/{request.pk}/messages/")
    files = client.get(f"/api/v1/service-requests/{request.pk}/attachments/")

    assert page.status_code == 200
    assert not {"transitions", "attachments", "rejection_reason", "satisfaction"} & set(page.json())
    assert [m["body"] for m in results(messages)] == ["请外专局核对护照"]
    assert results(files) == []


def test_a_liaison_writes_to_the_desk_on_its_routing_and_the_enterprise_never_sees_it(routed, liaison, alice, zhou):
    response = api_client(liaison).post(f"/api/v1/routings/{routed.pk}/messages/", {"body": "材料已收到"}, format="json")

    assert response.status_code == 201, response.content
    assert response.json()["department"] == routed.department_id
    thread = f"/api/v1/service-requests/{routed.service_request_id}/messages/"
    assert [m["body"] for m in results(api_client(zhou).get(thread))] == ["材料已收到"]
    assert results(api_client(alice).get(thread)) == []


def test_the_desks_message_for_the_departments_is_not_the_enterprises(routed, zhou, alice, liaison):
    response = api_client(zhou).post(
        f"/api/v1/service-requests/{routed.service_request_id}/messages/",
        {"body": "请核对护照", "shared_with_departments": True}, format="json",
    )

    assert response.status_code == 201
    assert (response.json()["is_internal"], response.json()["shared_with_departments"]) == (True, True)
    thread = f"/api/v1/service-requests/{routed.service_request_id}/messages/"
    assert results(api_client(alice).get(thread)) == []
    assert [m["body"] for m in results(api_client(liaison).get(thread))] == ["请核对护照"]


def test_the_enterprise_reads_its_routings_timeline_without_notes_hand_backs_or_extension_requests(
    routed, shichang, liaison, alice, zhou
):
    routing_request_extension(routing=routed, due_at=routed.due_at + dt.timedelta(days=1), reason="内部理由",
                              actor=liaison)
    routing_create(service_request=routed.service_request, department=shichang, role="assist", note="内部说明",
                   actor=zhou)
    api_client(liaison2_of(shichang)).post(
        f"/api/v1/routings/{Routing.objects.get(department=shichang).pk}/hand-back/", {"reason": "不归我们"},
        format="json",
    )

    rows = api_client(alice).get(f"/api/v1/service-requests/{routed.service_request_id}/routings/").json()

    assert [(r["department"], r["status"]) for r in rows] == [(routed.department_id, "active")]
    assert rows[0]["note"] == "" and rows[0]["extensions"] == []
    assert [(e["kind"], e["note"]) for e in rows[0]["events"]] == [("routed", "")]


def liaison2_of(department):
    from tests.factories import department_liaison

    return department_liaison(department, username=f"liaison-of-{department.pk}")


# -- a liaison's steps -----------------------------------------------------------------------------------------------


def test_a_liaison_hands_back_with_a_reason_and_without_one_gets_a_chinese_field_error(routed, liaison):
    client = api_client(liaison)

    empty = client.post(f"/api/v1/routings/{routed.pk}/hand-back/", {}, format="json")
    done = client.post(f"/api/v1/routings/{routed.pk}/hand-back/", {"reason": "不属于本单位职责"}, format="json")
    again = client.post(f"/api/v1/routings/{routed.pk}/hand-back/", {"reason": "再退"}, format="json")

    assert (empty.status_code, empty.json()) == (400, {"reason": ["退回须填写理由。"]})
    assert done.status_code == 200
    assert done.json()["status"] == "handed_back"
    assert again.status_code == 404  # handed back: the request has left the department


def test_the_desk_transfers_a_routing_and_the_new_department_gets_it(routed, shichang, zhou, liaison, liaison2):
    response = api_client(zhou).post(
        f"/api/v1/routings/{routed.pk}/transfer/", {"department": shichang.pk, "note": "应由市场监管办理"}, format="json"
    )

    assert response.status_code == 201, response.content
    assert (response.json()["department"], response.json()["role"]) == (shichang.pk, "lead")
    assert [r["id"] for r in results(api_client(liaison2).get("/api/v1/service-requests/"))] == [
        routed.service_request_id]
    assert results(api_client(liaison).get("/api/v1/service-requests/")) == []


def test_a_transfer_to_the_same_department_is_400(routed, zhou):
    response = api_client(zhou).post(
        f"/api/v1/routings/{routed.pk}/transfer/", {"department": routed.department_id}, format="json"
    )

    assert (response.status_code, list(response.json())) == (400, ["department"])
    assert Routing.objects.count() == 1


def test_an_extension_asked_by_the_liaison_and_approved_by_the_station_head_moves_both_due_times(
    routed, liaison, chief, zhou
):
    request = routed.service_request
    wanted = (request.due_at + dt.timedelta(hours=24)).isoformat()

    asked = api_client(liaison).post(
        f"/api/v1/routings/{routed.pk}/extensions/", {"due_at": wanted, "reason": "外专局系统维护"}, format="json"
    )
    officer = api_client(zhou).post(
        f"/api/v1/routing-extensions/{asked.json()['id']}/decision/", {"approve": True}, format="json"
    )
    decided = api_client(chief).post(
        f"/api/v1/routing-extensions/{asked.json()['id']}/decision/", {"approve": True, "note": "同意"}, format="json"
    )
    twice = api_client(chief).post(
        f"/api/v1/routing-extensions/{asked.json()['id']}/decision/", {"approve": False}, format="json"
    )

    assert asked.status_code == 201, asked.content
    assert officer.status_code == 403
    assert decided.status_code == 200
    assert decided.json()["status"] == "approved"
    assert twice.status_code == 409
    routed.refresh_from_db()
    request.refresh_from_db()
    assert routed.due_at == request.due_at == dt.datetime.fromisoformat(wanted)


def test_an_extension_refused_keeps_the_due_times(routed, liaison, chief):
    due, request_due = routed.due_at, routed.service_request.due_at
    asked = api_client(liaison).post(
        f"/api/v1/routings/{routed.pk}/extensions/",
        {"due_at": (due + dt.timedelta(days=2)).isoformat(), "reason": "忙"}, format="json",
    )

    decided = api_client(chief).post(
        f"/api/v1/routing-extensions/{asked.json()['id']}/decision/", {"approve": False, "note": "请按时办结"},
        format="json",
    )

    assert decided.json()["status"] == "refused"
    routed.refresh_from_db()
    assert (routed.due_at, ServiceRequest.objects.get(pk=routed.service_request_id).due_at) == (due, request_due)


def test_an_extension_for_an_earlier_time_or_a_missing_decision_is_400(routed, liaison, chief):
    earlier = api_client(liaison).post(
        f"/api/v1/routings/{routed.pk}/extensions/",
        {"due_at": (routed.due_at - dt.timedelta(hours=1)).isoformat(), "reason": "忙"}, format="json",
    )
    extension = routing_request_extension(routing=routed, due_at=routed.due_at + dt.timedelta(days=1), reason="忙",
                                          actor=liaison)
    no_answer = api_client(chief).post(f"/api/v1/routing-extensions/{extension.pk}/decision/", {}, format="json")

    assert (earlier.status_code, list(earlier.json())) == (400, ["due_at"])
    assert "须晚于当前办理时限" in earlier.json()["due_at"][0]
    assert (no_answer.status_code, list(no_answer.json())) == (400, ["approve"])
    assert RoutingExtension.objects.get().status == "pending"


def test_a_liaison_completes_its_routing(routed, liaison):
    response = api_client(liaison).post(f"/api/v1/routings/{routed.pk}/complete/", {"note": "已发证"}, format="json")

    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    assert [e["kind"] for e in response.json()["events"]] == ["routed", "completed"]


# -- isolation between two liaisons of two departments, on every endpoint ------------------------------------------


def test_another_departments_liaison_gets_404_on_every_endpoint_and_nothing_changes(
    routed, liaison, liaison2, other_routed, chief
):
    request_id = routed.service_request_id
    extension = routing_request_extension(routing=routed, due_at=routed.due_at + dt.timedelta(days=1), reason="忙",
                                          actor=liaison)
    before = _snapshot()
    client = api_client(liaison2)

    answers = {
        "detail": client.get(f"/api/v1/service-requests/{request_id}/").status_code,
        "messages": client.get(f"/api/v1/service-requests/{request_id}/messages/").status_code,
        "attachments": client.get(f"/api/v1/service-requests/{request_id}/attachments/").status_code,
        "routings": client.get(f"/api/v1/service-requests/{request_id}/routings/").status_code,
        "hand-back": client.post(f"/api/v1/routings/{routed.pk}/hand-back/", {"reason": "x"}, format="json").status_code,
        "extensions": client.post(f"/api/v1/routings/{routed.pk}/extensions/",
                                  {"due_at": (routed.due_at + dt.timedelta(days=3)).isoformat(), "reason": "x"},
                                  format="json").status_code,
        "complete": client.post(f"/api/v1/routings/{routed.pk}/complete/", {}, format="json").status_code,
        "routing-messages": client.post(f"/api/v1/routings/{routed.pk}/messages/", {"body": "x"},
                                        format="json").status_code,
    }

    assert answers == dict.fromkeys(answers, 404)
    assert request_id not in [r["id"] for r in results(client.get("/api/v1/service-requests/"))]
    assert _snapshot() == before
    assert client.post(f"/api/v1/routing-extensions/{extension.pk}/decision/", {"approve": True},
                       format="json").status_code == 403  # not the station head's: refused before any lookup


def test_a_liaison_gets_403_on_the_desks_and_the_station_heads_work_whatever_the_id(routed, liaison, shichang):
    extension = routing_request_extension(routing=routed, due_at=routed.due_at + dt.timedelta(days=1), reason="忙",
                                          actor=liaison)
    before = _snapshot()
    client = api_client(liaison)

    answers = [
        client.post(f"/api/v1/routings/{routed.pk}/transfer/", {"department": shichang.pk}, format="json").status_code,
        client.post(f"/api/v1/routing-extensions/{extension.pk}/decision/", {"approve": True}, format="json").status_code,
        client.post(f"/api/v1/service-requests/{routed.service_request_id}/transition/", {"action": "resolve"},
                    format="json").status_code,
        client.post(f"/api/v1/service-requests/{routed.service_request_id}/messages/", {"body": "x"},
                    format="json").status_code,
    ]

    assert answers == [403] * 4
    assert _snapshot() == before


def test_an_enterprise_user_gets_404_for_another_enterprises_routings(routed, bob):
    assert api_client(bob).get(f"/api/v1/service-requests/{routed.service_request_id}/routings/").status_code == 404


# -- query counts --------------------------------------------------------------------------------------------------


def test_a_liaisons_request_list_costs_the_same_queries_for_one_or_ten_requests(work_permit, sunshine, alice,
                                                                                  waizhuan, liaison, zhou):
    def make():
        request = service_request(enterprise=sunshine, submitted_by=alice, category=work_permit)
        request = service_request_transition(service_request=request, action="accept", actor=zhou)
        routing_create(service_request=request, department=waizhuan, role="lead", actor=zhou)

    client = api_client(liaison)
    make()
    with CaptureQueriesContext(connection) as one:
        assert len(results(client.get("/api/v1/service-requests/"))) == 1
    for _ in range(9):
        make()
    with CaptureQueriesContext(connection) as ten:
        assert len(results(client.get("/api/v1/service-requests/"))) == 10

    # Token and user, the liaison's groups, count, page (with enterprise, category, assignee), its own routings,
    # its own steps: the same for 1 and 10 rows. Explain a change before updating the number.
    assert len(one) == len(ten)
    assert len(ten) <= 8, [q["sql"] for q in ten.captured_queries]


def test_a_requests_routings_cost_the_same_queries_for_one_or_three(accepted, zhou):
    client = api_client(zhou)
    url = f"/api/v1/service-requests/{accepted.pk}/routings/"
    routing_create(service_request=accepted, department=DepartmentFactory(), role="lead", actor=zhou)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(url).json()) == 1
    for _ in range(2):
        routing_create(service_request=accepted, department=DepartmentFactory(), role="assist", actor=zhou)
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(url).json()) == 3

    assert len(one) == len(three)


# -- a department's approval steps ---------------------------------------------------------------------------------


def test_a_liaison_completes_its_own_departments_step_and_not_another(routed, shichang, liaison, zhou):
    from crm.service_requests.approval_steps import approval_step_plan

    request = routed.service_request
    due = routed.due_at
    own = approval_step_plan(service_request=request, name="外专局审批", due_at=due, actor=zhou,
                             department=routed.department)
    desk_step = approval_step_plan(service_request=request, name="材料审核", due_at=due, actor=zhou)
    others = approval_step_plan(service_request=request, name="营业执照核查", due_at=due, actor=zhou, department=shichang)
    client = api_client(liaison)
    url = f"/api/v1/routings/{routed.pk}/approval-steps/{{}}/complete/"

    page = client.get(f"/api/v1/service-requests/{request.pk}/").json()
    done = client.post(url.format(own.pk), format="json")
    twice = client.post(url.format(own.pk), format="json")
    answers = [client.post(url.format(step.pk), format="json").status_code for step in (desk_step, others)]

    assert [s["name"] for s in page["approval_steps"]] == ["外专局审批"]
    assert done.status_code == 200
    assert done.json()["completed_at"] is not None
    assert twice.status_code == 409
    assert answers == [404, 404]
    desk_step.refresh_from_db()
    others.refresh_from_db()
    assert (desk_step.completed_at, others.completed_at) == (None, None)
    assert request.transitions.filter(action="step_complete", actor=liaison).count() == 1


def test_the_desk_plans_a_step_for_a_department(routed, zhou):
    response = api_client(zhou).post(
        f"/api/v1/service-requests/{routed.service_request_id}/approval-steps/",
        {"name": "外专局审批", "due_at": routed.due_at.isoformat(), "department": routed.department_id}, format="json",
    )

    assert response.status_code == 201, response.content
    assert response.json()["department"] == routed.department_id
