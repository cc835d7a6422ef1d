"""审批环节 over the API: service officers plan, complete and reopen the external steps of a request; everyone else
gets a 403, a request nobody may see a 404, a finished request a 409 — and a refusal changes nothing."""

import datetime as dt

import pytest

from crm.models import ApprovalStep, ServiceRequestTransition
from crm.service_requests.approval_steps import approval_step_complete, approval_step_plan
from tests.api.support import api_client
from tests.factories import FINISHED_STATUSES, request_moved_to

pytestmark = pytest.mark.django_db
DUE = "2026-11-06T17:00:00+08:00"
DUE_AT = dt.datetime.fromisoformat(DUE)


def steps_url(request):
    return f"/api/v1/service-requests/{request.pk}/approval-steps/"


def step_url(step, action):
    return f"/api/v1/service-requests/{step.request_id}/approval-steps/{step.pk}/{action}/"


@pytest.fixture
def in_progress(alice_request, zhou):
    return request_moved_to(alice_request, "in_progress", officer=zhou)


@pytest.fixture
def step(in_progress, zhou):
    return approval_step_plan(service_request=in_progress, name="外专局审批", authority="省外国专家局", due_at=DUE_AT, actor=zhou)


def _state():
    return (
        list(ApprovalStep.objects.order_by("id").values_list("request", "sequence", "name", "due_at", "completed_at")),
        ServiceRequestTransition.objects.count(),
    )


def test_a_service_officer_plans_a_step(zhou, in_progress):
    response = api_client(zhou).post(
        steps_url(in_progress), {"name": "材料审核", "authority": "企业服务驿站", "due_at": DUE}, format="json"
    )

    assert response.status_code == 201, response.content
    stored = ApprovalStep.objects.get()
    assert response.json() == {
        "id": stored.pk, "sequence": 1, "name": "材料审核", "authority": "企业服务驿站", "department": None, "due_at": DUE,
        "completed_at": None,
    }
    row = in_progress.transitions.order_by("-id").first()
    assert (row.action, row.actor, row.from_status, row.to_status) == ("step_plan", zhou, "in_progress", "in_progress")
    detail = api_client(zhou).get(f"/api/v1/service-requests/{in_progress.pk}/").json()
    assert detail["transitions"][-1]["action_display"] == "安排审批环节"
    assert [s["id"] for s in detail["approval_steps"]] == [stored.pk]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"due_at": DUE}, {"name": ["该字段是必填项。"]}),
        ({"name": "   ", "due_at": DUE}, {"name": ["该字段不能为空。"]}),
        ({"name": "材料审核"}, {"due_at": ["该字段是必填项。"]}),
        ({"name": "材料审核", "due_at": "下周五"}, {"due_at": ["日期时间格式错误。请从这些格式中选择：YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]。"]}),
        ({"name": "材料审核", "due_at": DUE, "sequence": 0}, {"sequence": ["请确保该值大于或者等于 1。"]}),
    ],
    ids=["no-name", "blank-name", "no-due-time", "bad-due-time", "sequence-zero"],
)
def test_bad_input_is_a_field_error_and_nothing_is_stored(zhou, in_progress, body, errors):
    before = _state()

    response = api_client(zhou).post(steps_url(in_progress), body, format="json")

    assert response.status_code == 400
    assert response.json() == errors
    assert _state() == before


def test_a_taken_sequence_is_a_field_error(zhou, step):
    before = _state()

    response = api_client(zhou).post(
        steps_url(step.request), {"name": "发证", "due_at": DUE, "sequence": step.sequence}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"sequence": ["第 1 步已存在。"]}
    assert _state() == before


def test_a_service_officer_completes_and_reopens_a_step(zhou, step):
    client = api_client(zhou)

    completed = client.post(step_url(step, "complete"))
    reopened = client.post(step_url(step, "reopen"))

    assert completed.status_code == 200
    assert completed.json()["id"] == step.pk
    assert completed.json()["completed_at"] is not None
    assert reopened.status_code == 200
    assert reopened.json()["completed_at"] is None
    assert list(step.request.transitions.values_list("action", "actor")[3:]) == [
        ("step_plan", zhou.pk), ("step_complete", zhou.pk), ("step_reopen", zhou.pk),
    ]


def test_completing_a_completed_step_is_409_and_changes_nothing(zhou, step):
    approval_step_complete(step=step, actor=zhou)
    before = _state()

    response = api_client(zhou).post(step_url(step, "complete"))

    assert response.status_code == 409
    assert response.json()["detail"].startswith("审批环节“1. 外专局审批”已于 ")
    assert _state() == before


def test_reopening_an_open_step_is_409_and_changes_nothing(zhou, step):
    before = _state()

    response = api_client(zhou).post(step_url(step, "reopen"))

    assert response.status_code == 409
    assert response.json() == {"detail": "审批环节“1. 外专局审批”尚未完成，不能重新打开。"}
    assert _state() == before


@pytest.mark.parametrize("status", FINISHED_STATUSES)
@pytest.mark.parametrize("write", ["plan", "complete", "reopen"])
def test_a_finished_request_takes_no_step_changes_409(zhou, alice_request, status, write):
    step = approval_step_plan(service_request=alice_request, name="外专局审批", due_at=DUE_AT, actor=zhou)
    if write == "reopen":
        approval_step_complete(step=step, actor=zhou)
    finished = request_moved_to(alice_request, status, officer=zhou)
    before = _state()
    client = api_client(zhou)

    if write == "plan":
        response = client.post(steps_url(finished), {"name": "发证", "due_at": DUE}, format="json")
    else:
        response = client.post(step_url(step, write))

    label = {"closed": "已关闭", "withdrawn": "已撤回", "rejected": "不予受理"}[status]
    assert response.status_code == 409
    assert response.json() == {"detail": f"诉求已结束（{label}），不能再更改审批环节。"}
    assert _state() == before


@pytest.mark.parametrize("write", ["plan", "complete", "reopen"])
@pytest.mark.parametrize("who", ["alice", "bob", "boss", "qian"])
def test_enterprise_users_managers_and_investment_officers_get_403_and_nothing_changes(request, step, who, write):
    before = _state()
    client = api_client(request.getfixturevalue(who))

    if write == "plan":
        response = client.post(steps_url(step.request), {"name": "发证", "due_at": DUE}, format="json")
    else:
        response = client.post(step_url(step, write))

    assert response.status_code == 403
    assert _state() == before


def test_a_missing_request_or_a_step_of_another_request_is_404(zhou, step, bob_request):
    client = api_client(zhou)
    before = _state()

    responses = [
        client.post("/api/v1/service-requests/999999/approval-steps/", {"name": "发证", "due_at": DUE}, format="json"),
        client.post(f"/api/v1/service-requests/999999/approval-steps/{step.pk}/complete/"),
        client.post(f"/api/v1/service-requests/{bob_request.pk}/approval-steps/{step.pk}/complete/"),
        client.post(f"/api/v1/service-requests/{step.request_id}/approval-steps/999999/reopen/"),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert _state() == before
