"""Service requests: every legal and illegal transition, who may take it, and what it records."""

import datetime as dt

import pytest
from django.utils import timezone

from crm.errors import DomainError
from crm.models import Notification, RequestStatus, ServiceCategory, ServiceRequest
from crm.service_requests.services import (
    ACTIONS,
    service_request_assign,
    service_request_submit,
    service_request_transition,
    transition_label,
)
from tests.factories import (
    FINISHED_STATUSES,
    EnterpriseFactory,
    ServiceCategoryFactory,
    enterprise_user,
    manager,
    officer,
    service_officer,
)
from tests.support import request_states as oracle

pytestmark = pytest.mark.django_db
S = RequestStatus


@pytest.fixture
def world():
    enterprise = EnterpriseFactory(name="西湖阳光（杭州）科技有限公司")
    category = ServiceCategoryFactory(code="policy_redemption", name="政策兑现", sla_unit="working_days", sla_value=15)
    return {"enterprise": enterprise, "category": category, "e": enterprise_user(enterprise), "o": service_officer()}


def _request_in(world, status):
    request, _ = service_request_submit(
        enterprise=world["enterprise"], category=world["category"], title="申请研发补助兑现", submitted_by=world["e"]
    )
    return oracle.bring_to(request, status, officer=world["o"], enterprise=world["e"])


def test_the_services_know_the_statuses_and_actions_of_the_state_table():
    assert [(s.value, s.label) for s in S] == list(oracle.STATUS_LABELS.items())
    assert [(name, str(spec.label)) for name, spec in ACTIONS.items()] == list(oracle.ACTION_LABELS.items())


@pytest.mark.parametrize("status", oracle.STATUSES)
@pytest.mark.parametrize("action", oracle.ACTIONS)
def test_every_action_in_every_status(world, status, action):
    request = _request_in(world, status)
    actor = world["o"] if oracle.actor_for(action) == oracle.DESK else world["e"]
    before = request.transitions.count()
    if (status, action) in oracle.LEGAL:
        done = service_request_transition(service_request=request, action=action, actor=actor, note="原因")
        assert done.status == oracle.LEGAL[(status, action)]
        last = done.transitions.order_by("-id").first()
        assert (last.action, last.from_status, last.to_status, last.actor) == (action, status, done.status, actor)
    else:
        with pytest.raises(DomainError) as err:
            service_request_transition(service_request=request, action=action, actor=actor, note="原因")
        assert err.value.code == DomainError.ILLEGAL_TRANSITION
        request.refresh_from_db()
        assert request.status == status
        assert request.transitions.count() == before


def _first_status_allowing(action):
    return next(status for status in oracle.STATUSES if (status, action) in oracle.LEGAL)


SIDES = {oracle.DESK: "o", oracle.ENTERPRISE: "e"}


@pytest.mark.parametrize(
    ("action", "side"), [(a, side) for a in oracle.ACTIONS for side in SIDES if side in oracle.WHO[a]]
)
def test_each_side_the_table_names_may_take_the_action(world, action, side):
    status = _first_status_allowing(action)
    request = _request_in(world, status)

    done = service_request_transition(service_request=request, action=action, actor=world[SIDES[side]], note="原因")

    assert done.status == oracle.LEGAL[(status, action)]


@pytest.mark.parametrize(
    ("action", "side"), [(a, side) for a in oracle.ACTIONS for side in SIDES if side not in oracle.WHO[a]]
)
def test_a_role_may_not_take_the_other_sides_actions(world, action, side):
    status = _first_status_allowing(action)  # a status where the action itself is legal: only the role is wrong
    request = _request_in(world, status)
    before = request.transitions.count()
    with pytest.raises(DomainError) as err:
        service_request_transition(service_request=request, action=action, actor=world[SIDES[side]], note="原因")
    assert err.value.code == DomainError.FORBIDDEN
    request.refresh_from_db()
    assert (request.status, request.transitions.count()) == (status, before)


def test_managers_and_investment_officers_cannot_work_requests(world):
    request = _request_in(world, S.SUBMITTED)
    for actor in (manager(), officer()):
        with pytest.raises(DomainError) as err:
            service_request_transition(service_request=request, action="accept", actor=actor)
        assert err.value.code == DomainError.FORBIDDEN
    assert ServiceRequest.objects.get(pk=request.pk).status == S.SUBMITTED


def test_another_enterprise_cannot_withdraw(world):
    request = _request_in(world, S.SUBMITTED)
    stranger = enterprise_user(EnterpriseFactory())
    with pytest.raises(DomainError):
        service_request_transition(service_request=request, action="withdraw", actor=stranger)
    assert ServiceRequest.objects.get(pk=request.pk).status == S.SUBMITTED


def test_rejecting_needs_a_reason(world):
    request = _request_in(world, S.SUBMITTED)
    with pytest.raises(DomainError) as err:
        service_request_transition(service_request=request, action="reject", actor=world["o"], note="")
    assert err.value.field == "note"
    done = service_request_transition(service_request=request, action="reject", actor=world["o"], note="不属于本园区受理范围")
    assert done.rejection_reason == "不属于本园区受理范围"


def test_accepting_assigns_the_officer(world):
    request = service_request_transition(service_request=_request_in(world, S.SUBMITTED), action="accept", actor=world["o"])
    assert request.assignee == world["o"]


def test_unknown_action_is_a_field_error(world):
    with pytest.raises(DomainError) as err:
        service_request_transition(service_request=_request_in(world, S.SUBMITTED), action="escalate", actor=world["o"])
    assert err.value.field == "action"


def test_empty_title_is_refused_and_nothing_saved(world):
    with pytest.raises(DomainError) as err:
        service_request_submit(enterprise=world["enterprise"], category=world["category"], title="  ", submitted_by=world["e"])
    assert err.value.field == "title"
    assert ServiceRequest.objects.count() == 0


def test_an_enterprise_user_cannot_submit_for_another_enterprise(world):
    other = EnterpriseFactory()
    with pytest.raises(DomainError) as err:
        service_request_submit(enterprise=other, category=world["category"], title="代提交", submitted_by=world["e"])
    assert err.value.code == DomainError.FORBIDDEN
    assert ServiceRequest.objects.count() == 0


def test_a_disabled_category_takes_no_new_requests(world):
    ServiceCategory.objects.filter(pk=world["category"].pk).update(is_active=False)
    world["category"].refresh_from_db()
    with pytest.raises(DomainError):
        service_request_submit(enterprise=world["enterprise"], category=world["category"], title="x", submitted_by=world["e"])
    assert ServiceRequest.objects.count() == 0


# ---- 分派: assignment is recorded like every other change of a request -------------------------------


def test_assigning_records_who_gave_the_request_to_whom_and_when_and_keeps_its_status(world):
    request = _request_in(world, S.ACCEPTED)
    colleague = service_officer(display_name="吴强")
    at = timezone.now() + dt.timedelta(minutes=5)

    done = service_request_assign(service_request=request, assignee=colleague, actor=world["o"], at=at)

    done.refresh_from_db()
    assert (done.status, done.assignee) == (S.ACCEPTED, colleague)
    last = done.transitions.order_by("-id").first()
    assert (last.action, last.from_status, last.to_status, last.actor, last.note, last.created_at) == (
        "assign", S.ACCEPTED, S.ACCEPTED, world["o"], f"分派给 吴强（原经办人：{world['o']}）", at,
    )
    assert transition_label(last.action) == "分派"


def test_assigning_a_new_request_names_only_the_assignee(world):
    request = _request_in(world, S.SUBMITTED)

    service_request_assign(service_request=request, assignee=world["o"], actor=world["o"])

    assert list(request.transitions.values_list("action", "from_status", "to_status", "note")) == [
        ("submit", "", S.SUBMITTED, ""), ("assign", S.SUBMITTED, S.SUBMITTED, f"分派给 {world['o']}"),
    ]


@pytest.mark.parametrize("status", FINISHED_STATUSES)
def test_a_finished_request_cannot_be_assigned_and_nothing_changes(world, status):
    request = _request_in(world, status)
    before = (request.assignee_id, request.transitions.count(), request.history.count())

    with pytest.raises(DomainError) as err:
        service_request_assign(service_request=request, assignee=service_officer(), actor=world["o"])

    assert err.value.code == DomainError.ILLEGAL_TRANSITION
    assert err.value.message == f"诉求已结束（{S(status).label}），不能再分派。"
    request.refresh_from_db()
    assert (request.assignee_id, request.transitions.count(), request.history.count()) == before


def test_assigning_to_the_current_assignee_writes_nothing(world):
    request = _request_in(world, S.ACCEPTED)
    before = (request.transitions.count(), request.history.count())

    service_request_assign(service_request=request, assignee=world["o"], actor=world["o"])

    assert (request.transitions.count(), request.history.count()) == before


def test_an_assignment_is_not_announced_to_the_enterprise_as_a_status_change(world, django_capture_on_commit_callbacks):
    request = _request_in(world, S.ACCEPTED)
    before = Notification.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        service_request_assign(service_request=request, assignee=service_officer(), actor=world["o"])

    assert Notification.objects.count() == before


def test_only_a_service_officer_assigns_and_a_refusal_changes_nothing(world):
    request = _request_in(world, S.SUBMITTED)
    for actor in (manager(), officer(), world["e"]):
        with pytest.raises(DomainError) as err:
            service_request_assign(service_request=request, assignee=world["o"], actor=actor)
        assert err.value.code == DomainError.FORBIDDEN
    request.refresh_from_db()
    assert (request.assignee, request.transitions.count()) == (None, 1)
