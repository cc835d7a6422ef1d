"""Every status × action over POST /api/v1/service-requests/{id}/transition/: 200 when legal, 409 when not, 403 by role."""

import pytest

from crm.models import RequestStatus
from crm.service_requests.services import ACTIONS, service_request_transition
from tests.api.support import api_client
from tests.factories import service_request

pytestmark = pytest.mark.django_db
S = RequestStatus

# How to bring a fresh request to each status, as (action, by) steps; "alice" is the enterprise, "zhou" the officer.
PATH = {
    S.SUBMITTED: [],
    S.ACCEPTED: [("accept", "zhou")],
    S.IN_PROGRESS: [("accept", "zhou"), ("start", "zhou")],
    S.WAITING_EXTERNAL: [("accept", "zhou"), ("start", "zhou"), ("wait_external", "zhou")],
    S.RESOLVED: [("accept", "zhou"), ("start", "zhou"), ("resolve", "zhou")],
    S.CLOSED: [("accept", "zhou"), ("resolve", "zhou"), ("close", "alice")],
    S.REJECTED: [("reject", "zhou")],
    S.WITHDRAWN: [("withdraw", "alice")],
}

LEGAL = {
    (S.SUBMITTED, "accept"): S.ACCEPTED,
    (S.SUBMITTED, "reject"): S.REJECTED,
    (S.SUBMITTED, "withdraw"): S.WITHDRAWN,
    (S.ACCEPTED, "start"): S.IN_PROGRESS,
    (S.ACCEPTED, "wait_external"): S.WAITING_EXTERNAL,
    (S.ACCEPTED, "resolve"): S.RESOLVED,
    (S.ACCEPTED, "reject"): S.REJECTED,
    (S.IN_PROGRESS, "wait_external"): S.WAITING_EXTERNAL,
    (S.IN_PROGRESS, "resolve"): S.RESOLVED,
    (S.WAITING_EXTERNAL, "start"): S.IN_PROGRESS,
    (S.WAITING_EXTERNAL, "resolve"): S.RESOLVED,
    (S.RESOLVED, "close"): S.CLOSED,
    (S.RESOLVED, "reopen"): S.IN_PROGRESS,
}

LABELS = {S.SUBMITTED: "已提交", S.ACCEPTED: "已受理", S.IN_PROGRESS: "办理中", S.WAITING_EXTERNAL: "待外部审批",
          S.RESOLVED: "已办结", S.CLOSED: "已关闭", S.REJECTED: "不予受理", S.WITHDRAWN: "已撤回"}


@pytest.fixture
def cast(alice, zhou):
    return {"alice": alice, "zhou": zhou}


def _request_in(cast, sunshine, work_permit, status):
    request = service_request(enterprise=sunshine, submitted_by=cast["alice"], category=work_permit)
    for action, who in PATH[status]:
        request = service_request_transition(request=request, action=action, actor=cast[who], note="说明")
    assert request.status == status
    return request


def url(request):
    return f"/api/v1/service-requests/{request.pk}/transition/"


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_action_in_every_status_over_the_api(cast, sunshine, work_permit, status, action):
    request = _request_in(cast, sunshine, work_permit, status)
    actor = cast["alice"] if action == "withdraw" else cast["zhou"]
    before = request.transitions.count()

    response = api_client(actor).post(url(request), {"action": action, "note": "原因"}, format="json")

    request.refresh_from_db()
    if (status, action) in LEGAL:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == LEGAL[(status, action)]
        assert request.status == LEGAL[(status, action)]
        assert request.transitions.count() == before + 1
        last = request.transitions.order_by("-id").first()
        assert (last.action, last.from_status, last.to_status, last.actor, last.note) == (
            action, status, request.status, actor, "原因",
        )
    else:
        assert response.status_code == 409
        assert response.json() == {"detail": f"诉求当前状态为“{LABELS[status]}”，不能“{ACTIONS[action].label}”。"}
        assert request.status == status
        assert request.transitions.count() == before


@pytest.mark.parametrize(
    ("who", "action"),
    [
        ("alice", "accept"), ("alice", "resolve"), ("alice", "reject"),
        ("zhou", "withdraw"),
        ("qian", "accept"), ("qian", "reject"),
        ("boss", "accept"), ("boss", "withdraw"),
    ],
)
def test_an_action_the_role_may_not_take_is_403_and_changes_nothing(request, alice_request, who, action):
    user = request.getfixturevalue(who)
    before = alice_request.transitions.count()

    response = api_client(user).post(url(alice_request), {"action": action, "note": "原因"}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": f"您没有权限执行“{ACTIONS[action].label}”。"}
    alice_request.refresh_from_db()
    assert (alice_request.status, alice_request.assignee, alice_request.transitions.count()) == (
        S.SUBMITTED, None, before,
    )


def test_enterprise_user_closes_and_reopens_its_resolved_request(cast, sunshine, work_permit):
    request = _request_in(cast, sunshine, work_permit, S.RESOLVED)
    client = api_client(cast["alice"])

    reopened = client.post(url(request), {"action": "reopen", "note": "证件信息有误"}, format="json")

    assert reopened.status_code == 200
    assert reopened.json()["status"] == S.IN_PROGRESS


def test_reject_without_a_reason_is_a_field_error(alice_request, zhou):
    response = api_client(zhou).post(url(alice_request), {"action": "reject", "note": "  "}, format="json")

    assert response.status_code == 400
    assert response.json() == {"note": ["“不予受理”必须填写原因。"]}
    alice_request.refresh_from_db()
    assert (alice_request.status, alice_request.transitions.count()) == (S.SUBMITTED, 1)


def test_unknown_action_is_a_field_error(alice_request, zhou):
    response = api_client(zhou).post(url(alice_request), {"action": "escalate"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"action": ["“escalate” 不是合法选项。"]}
    alice_request.refresh_from_db()
    assert alice_request.status == S.SUBMITTED


def test_accepting_assigns_the_officer_and_the_response_lists_the_next_actions(alice_request, zhou):
    response = api_client(zhou).post(url(alice_request), {"action": "accept"}, format="json")

    body = response.json()
    assert (body["status"], body["assignee"], body["assignee_name"]) == ("accepted", zhou.pk, "周敏")
    assert body["allowed_actions"] == ["start", "wait_external", "resolve", "reject"]
