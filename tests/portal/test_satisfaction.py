"""service_request_rate: the enterprise confirms a resolved request and rates it, atomically."""

import pytest

from crm.errors import DomainError
from crm.models import RequestStatus
from crm.service_requests.satisfaction import service_request_rate
from crm.service_requests.services import service_request_transition
from tests.factories import service_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(db):
    return service_officer()


@pytest.fixture
def resolved(alice_request, officer):
    for action in ("accept", "resolve"):
        alice_request = service_request_transition(service_request=alice_request, action=action, actor=officer)
    return alice_request


def _snapshot(request):
    request.refresh_from_db()
    return request.status, request.satisfaction, request.satisfaction_comment, request.transitions.count()


def test_rating_closes_the_request_and_stores_the_rating(resolved, alice):
    request = service_request_rate(service_request=resolved, user=alice, rating=4, comment="  很及时  ")

    assert _snapshot(request) == (RequestStatus.CLOSED, 4, "很及时", 4)
    last = request.transitions.last()
    assert (last.action, last.actor, last.note) == ("close", alice, "满意度 4 分")


@pytest.mark.parametrize("rating", [0, 6, -1, None, "x", 4.5, True, "五"])
def test_rating_outside_one_to_five_is_refused_and_nothing_changes(resolved, alice, rating):
    before = _snapshot(resolved)

    with pytest.raises(DomainError) as error:
        service_request_rate(service_request=resolved, user=alice, rating=rating)

    assert (error.value.field, error.value.message) == ("rating", "满意度请选择 1 到 5 分。")
    assert _snapshot(resolved) == before


def test_over_long_comment_is_refused_and_nothing_changes(resolved, alice):
    before = _snapshot(resolved)

    with pytest.raises(DomainError) as error:
        service_request_rate(service_request=resolved, user=alice, rating=5, comment="好" * 1001)

    assert error.value.field == "comment"
    assert _snapshot(resolved) == before


def test_officer_cannot_rate_in_the_enterprises_name(resolved, officer):
    before = _snapshot(resolved)

    with pytest.raises(DomainError) as error:
        service_request_rate(service_request=resolved, user=officer, rating=5)

    assert error.value.code == DomainError.FORBIDDEN
    assert _snapshot(resolved) == before


def test_member_of_another_enterprise_cannot_rate(resolved, bob):
    before = _snapshot(resolved)

    with pytest.raises(DomainError) as error:
        service_request_rate(service_request=resolved, user=bob, rating=1)

    assert error.value.code == DomainError.FORBIDDEN
    assert _snapshot(resolved) == before


def test_a_request_not_yet_resolved_cannot_be_rated(alice_request, alice):
    before = _snapshot(alice_request)

    with pytest.raises(DomainError) as error:
        service_request_rate(service_request=alice_request, user=alice, rating=5)

    assert error.value.code == DomainError.ILLEGAL_TRANSITION
    assert _snapshot(alice_request) == before
