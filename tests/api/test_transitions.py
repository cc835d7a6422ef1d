"""Every status × action over POST /api/v1/service-requests/{id}/transition/: 200 when legal, 409 when not, 403 by role."""

import pytest

from crm.models import RequestStatus
from tests.api.support import api_client
from tests.factories import service_request
from tests.support import request_states as oracle

pytestmark = pytest.mark.django_db
S = RequestStatus

@pytest.fixture
def cast(alice, zhou):
    return {"alice": alice, "zhou": zhou}


def _request_in(cast, sunshine, work_permit, status):
    request = service_request(enterprise=sunshine, submitted_by=cast["alice"], category=work_permit)
    return oracle.bring_to(request, status, officer=cast["zhou"], enterprise=cast["alice"])


def url(request):
    return f"/api/v1/service-requests/{request.pk}/transition/"


@pytest.mark.parametrize("status", oracle.STATUSES)
@pytest.mark.parametrize("action", oracle.ACTIONS)
def test_every_action_in_every_status_over_the_api(cast, sunshine, work_permit, status, action):
    request = _request_in(cast, sunshine, work_permit, status)
    actor = cast["zhou"] if oracle.actor_for(action) == oracle.DESK else cast["alice"]
    before = request.transitions.count()

    response = api_client(actor).post(url(request), {"action": action, "note": "原因"}, format="json")

    request.refresh_from_db()
    if (status, action) in oracle.LEGAL:
        assert response.status_code == 200, response.content
        assert response.json()["status"] == oracle.LEGAL[(status, action)]
        assert request.status == oracle.LEGAL[(status, action)]
        assert request.transitions.count() == before + 1
        last = request.transitions.order_by("-id").first()
        assert (last.action, last.from_status, last.to_status, last.actor, last.note) == (
            action, status, request.status, actor, "原因",
        )
    else:
        assert response.status_code == 409
        assert response.json() == {
            "detail": f"诉求当前状态为“{oracle.STATUS_LABELS[status]}”，不能“{oracle.ACTION_LABELS[action]}”。"
        }
        assert request.status == status
        assert request.transitions.count() == before


@pytest.mark.parametrize(
    ("who", "action"),
    [
        ("alice", "accept"), ("alice", "resolve"), ("alice", "reject"),
        ("zhou", "withdraw"),
        ("boss", "accept"), ("boss", "withdraw"),
    ],
)
def test_an_action_the_role_may_not_take_is_403_and_changes_nothing(request, alice_request, who, action):
    user = request.getfixturevalue(who)
    before = alice_request.transitions.count()

    response = api_client(user).post(url(alice_request), {"action": action, "note": "原因"}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": f"您没有权限执行“{oracle.ACTION_LABELS[action]}”。"}
    alice_request.refresh_from_db()
    assert (alice_request.status, alice_request.assignee, alice_request.transitions.count()) == (
        S.SUBMITTED, None, before,
    )


@pytest.mark.parametrize("action", ["accept", "reject"])
def test_an_investment_officer_may_not_even_read_the_request_it_would_move(qian, alice_request, action):
    response = api_client(qian).post(url(alice_request), {"action": action, "note": "原因"}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "您没有权限查看企业诉求。"}
    alice_request.refresh_from_db()
    assert (alice_request.status, alice_request.transitions.count()) == (S.SUBMITTED, 1)


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
