"""审批环节 through their services: planned, changed, completed and reopened by service officers only, never on a
finished request, each recorded in the request's history as a row that keeps its status."""

import datetime as dt

import pytest
from django.utils import timezone

from crm.errors import DomainError
from crm.models import ApprovalStep, Notification, RequestStatus, ServiceRequestTransition
from crm.service_requests.approval_steps import (
    approval_step_change,
    approval_step_complete,
    approval_step_plan,
    approval_step_reopen,
)
from crm.service_requests.services import transition_label
from tests.factories import FINISHED_STATUSES, request_moved_to

pytestmark = pytest.mark.django_db
S = RequestStatus
DUE = dt.datetime(2026, 11, 6, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def in_progress(alice_request, zhou):
    return request_moved_to(alice_request, "in_progress", officer=zhou)


def _state(request):
    """Everything a step write could touch: the steps as they are, the history rows, the request's status."""
    request.refresh_from_db()
    steps = list(ApprovalStep.objects.filter(request=request).values_list("sequence", "name", "authority", "due_at",
                                                                             "completed_at"))
    return steps, ServiceRequestTransition.objects.filter(request=request).count(), request.status


def _last_row(request):
    row = request.transitions.order_by("-id").first()
    return row.action, row.from_status, row.to_status, row.actor, row.note


def test_an_officer_plans_a_step_and_the_history_says_who_and_when(in_progress, zhou):
    at = timezone.now()

    step = approval_step_plan(
        service_request=in_progress, name=" 外专局审批 ", authority="省外国专家局", due_at=DUE, actor=zhou, at=at
    )

    assert (step.request, step.sequence, step.name, step.authority, step.due_at, step.completed_at) == (
        in_progress, 1, "外专局审批", "省外国专家局", DUE, None,
    )
    assert _last_row(in_progress) == (
        "step_plan", S.IN_PROGRESS, S.IN_PROGRESS, zhou, "安排审批环节“1. 外专局审批”（省外国专家局），应完成时间 2026-11-06 17:00",
    )
    assert in_progress.transitions.order_by("-id").first().created_at == at
    assert transition_label("step_plan") == "安排审批环节"


def test_a_step_without_a_sequence_comes_after_the_last_one(in_progress, zhou):
    approval_step_plan(service_request=in_progress, name="材料审核", due_at=DUE, actor=zhou, sequence=3)

    step = approval_step_plan(service_request=in_progress, name="发证", due_at=DUE, actor=zhou)

    assert step.sequence == 4


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "  ", "due_at": DUE}, "name", "请填写环节名称。"),
        ({"name": "外专局审批", "due_at": None}, "due_at", "请填写应完成时间。"),
        ({"name": "外专局审批", "due_at": DUE, "sequence": 0}, "sequence", "顺序应为正整数。"),
        ({"name": "外专局审批", "due_at": DUE, "sequence": 1}, "sequence", "第 1 步已存在。"),
        ({"name": "审" * 101, "due_at": DUE}, "name", "环节不能超过 100 字。"),
    ],
    ids=["no-name", "no-due-time", "sequence-zero", "sequence-taken", "name-too-long"],
)
def test_a_step_needs_a_name_a_due_time_and_a_free_sequence(in_progress, zhou, fields, field, message):
    approval_step_plan(service_request=in_progress, name="材料审核", due_at=DUE, actor=zhou)
    before = _state(in_progress)

    with pytest.raises(DomainError) as err:
        approval_step_plan(service_request=in_progress, actor=zhou, **fields)

    assert (err.value.code, err.value.field, err.value.message) == (DomainError.INVALID, field, message)
    assert _state(in_progress) == before


def test_completing_records_the_time_and_the_officer(in_progress, zhou):
    step = approval_step_plan(service_request=in_progress, name="外专局审批", due_at=DUE, actor=zhou)
    at = timezone.now()

    done = approval_step_complete(step=step, actor=zhou, at=at)

    assert done.completed_at == at
    assert ApprovalStep.objects.get(pk=step.pk).completed_at == at
    assert _last_row(in_progress) == ("step_complete", S.IN_PROGRESS, S.IN_PROGRESS, zhou, "完成审批环节“1. 外专局审批”")


def test_completing_a_completed_step_is_refused_and_nothing_changes(in_progress, zhou):
    step = approval_step_plan(service_request=in_progress, name="外专局审批", due_at=DUE, actor=zhou)
    approval_step_complete(step=step, actor=zhou, at=DUE - dt.timedelta(hours=2))
    before = _state(in_progress)

    with pytest.raises(DomainError) as err:
        approval_step_complete(step=step, actor=zhou)

    assert (err.value.code, err.value.message) == (
        DomainError.ILLEGAL_TRANSITION, "审批环节“1. 外专局审批”已于 2026-11-06 15:00 完成。",
    )
    assert _state(in_progress) == before


def test_reopening_clears_the_completion_and_is_recorded(in_progress, zhou):
    step = approval_step_plan(service_request=in_progress, name="外专局审批", due_at=DUE, actor=zhou)
    approval_step_complete(step=step, actor=zhou)

    reopened = approval_step_reopen(step=step, actor=zhou)

    assert reopened.completed_at is None
    assert ApprovalStep.objects.get(pk=step.pk).completed_at is None
    assert _last_row(in_progress) == ("step_reopen", S.IN_PROGRESS, S.IN_PROGRESS, zhou, "重新打开审批环节“1. 外专局审批”")


def test_reopening_an_open_step_is_refused_and_nothing_changes(in_progress, zhou):
    step = approval_step_plan(service_request=in_progress, name="外专局审批", due_at=DUE, actor=zhou)
    before = _state(in_progress)

    with pytest.raises(DomainError) as err:
        approval_step_reopen(step=step, actor=zhou)

    assert (err.value.code, err.value.message) == (DomainError.ILLEGAL_TRANSITION, "审批环节“1. 外专局审批”尚未完成，不能重新打开。")
    assert _state(in_progress) == before


def test_changing_an_open_step_records_what_changed(in_progress, zhou):
    step = approval_step_plan(service_request=in_progress, name="外专局审批", due_at=DUE, actor=zhou)

    changed = approval_step_change(step=step, actor=zhou, authority="杭州市科学技术局", due_at=DUE + dt.timedelta(days=2))

    assert (changed.name, changed.authority, changed.due_at) == ("外专局审批", "杭州市科学技术局", DUE + dt.timedelta(days=2))
    assert _last_row(in_progress) == (
        "step_change", S.IN_PROGRESS, S.IN_PROGRESS, zhou,
        "修改审批环节“1. 外专局审批”：审批部门 — → 杭州市科学技术局；应完成时间 2026-11-06 17:00 → 2026-11-08 17:00",
    )


def test_a_change_that_changes_nothing_writes_nothing(in_progress, zhou):
    step = approval_step_plan(service_request=in_progress, name="外专局审批", due_at=DUE, actor=zhou)
    before = _state(in_progress)

    approval_step_change(step=step, actor=zhou, name="外专局审批", due_at=DUE)

    assert _state(in_progress) == before


def test_a_completed_step_is_not_changed_until_it_is_reopened(in_progress, zhou):
    step = approval_step_plan(service_request=in_progress, name="外专局审批", due_at=DUE, actor=zhou)
    approval_step_complete(step=step, actor=zhou)
    before = _state(in_progress)

    with pytest.raises(DomainError) as err:
        approval_step_change(step=step, actor=zhou, name="外专局终审")

    assert (err.value.code, err.value.message) == (
        DomainError.ILLEGAL_TRANSITION, "审批环节“1. 外专局审批”已完成，不能修改；如需修改，请先重新打开。",
    )
    assert _state(in_progress) == before


def _writes(step, request):
    return {
        "plan": lambda actor: approval_step_plan(service_request=request, name="发证", due_at=DUE, actor=actor),
        "change": lambda actor: approval_step_change(step=step, actor=actor, name="外专局终审"),
        "complete": lambda actor: approval_step_complete(step=step, actor=actor),
        "reopen": lambda actor: approval_step_reopen(step=step, actor=actor),
    }


@pytest.mark.parametrize("write", ["plan", "change", "complete", "reopen"])
@pytest.mark.parametrize("who", ["alice", "boss", "qian"])
def test_only_service_officers_work_steps_and_a_refusal_changes_nothing(request, in_progress, zhou, who, write):
    step = approval_step_plan(service_request=in_progress, name="外专局审批", due_at=DUE, actor=zhou)
    if write == "reopen":
        approval_step_complete(step=step, actor=zhou)
    before = _state(in_progress)

    with pytest.raises(DomainError) as err:
        _writes(step, in_progress)[write](request.getfixturevalue(who))

    assert (err.value.code, err.value.message) == (DomainError.FORBIDDEN, "只有企业服务专员可以办理审批环节。")
    assert _state(in_progress) == before


@pytest.mark.parametrize("write", ["plan", "change", "complete", "reopen"])
def test_a_superuser_works_steps_as_an_officer_does(in_progress, zhou, root, write):
    step = approval_step_plan(service_request=in_progress, name="外专局审批", due_at=DUE, actor=zhou)
    if write == "reopen":
        approval_step_complete(step=step, actor=zhou)

    _writes(step, in_progress)[write](root)

    assert _last_row(in_progress)[:4] == (f"step_{write}", S.IN_PROGRESS, S.IN_PROGRESS, root)


@pytest.mark.parametrize("write", ["plan", "change", "complete", "reopen"])
@pytest.mark.parametrize("status", FINISHED_STATUSES)
def test_a_finished_request_takes_no_step_changes(alice_request, zhou, status, write):
    step = approval_step_plan(service_request=alice_request, name="外专局审批", due_at=DUE, actor=zhou)
    if write == "reopen":
        approval_step_complete(step=step, actor=zhou)
    finished = request_moved_to(alice_request, status, officer=zhou)
    before = _state(finished)

    with pytest.raises(DomainError) as err:
        _writes(step, finished)[write](zhou)

    assert (err.value.code, err.value.message) == (
        DomainError.ILLEGAL_TRANSITION, f"诉求已结束（{S(status).label}），不能再更改审批环节。",
    )
    assert _state(finished) == before


@pytest.mark.parametrize("write", ["plan", "change", "complete", "reopen"])
def test_a_resolved_request_takes_no_step_changes_until_it_is_reopened(alice_request, zhou, write):
    step = approval_step_plan(service_request=alice_request, name="发证", due_at=DUE, actor=zhou)
    if write == "reopen":
        approval_step_complete(step=step, actor=zhou)
    resolved = request_moved_to(alice_request, "resolved", officer=zhou)
    before = _state(resolved)

    with pytest.raises(DomainError) as err:
        _writes(step, resolved)[write](zhou)

    assert (err.value.code, err.value.message) == (
        DomainError.ILLEGAL_TRANSITION, "诉求已办结，不能再更改审批环节；如需继续办理，请先重新办理。",
    )
    assert _state(resolved) == before


def test_step_rows_are_named_in_the_history_and_tell_the_enterprise_nothing(
    in_progress, zhou, django_capture_on_commit_callbacks
):
    before = Notification.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        step = approval_step_plan(service_request=in_progress, name="外专局审批", due_at=DUE, actor=zhou)
        approval_step_change(step=step, actor=zhou, name="外专局终审")
        approval_step_complete(step=step, actor=zhou)
        approval_step_reopen(step=step, actor=zhou)

    assert [transition_label(action) for action in in_progress.transitions.values_list("action", flat=True)][-4:] == [
        "安排审批环节", "修改审批环节", "完成审批环节", "重新打开审批环节",
    ]
    assert Notification.objects.count() == before
