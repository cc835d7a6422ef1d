"""The service page with its clock-free figures from the cache says exactly what a computation from the raw rows
says, after every kind of change, and its colours follow the clock.

The world is the service world of conftest.py (eight requests, two categories, approval steps) with the departments'
world of test_service_departments.py (routings, extensions, hand-backs, call-backs). The page is viewed first, so
its figures are in the cache; then one change is made the way a user makes it (a service), and for several filters
the page's whole figure dict — read again with the cache on — must equal the one computed with the cache off,
and differ from what it said before the change.
"""

import datetime as dt

import pytest
from django.test import override_settings

from crm.errors import DomainError
from crm.models import ApprovalStep
from crm.service_requests.approval_steps import approval_step_complete
from crm.service_requests.callbacks import request_record_callback
from crm.service_requests.routing import routing_complete, routing_create
from crm.service_requests.satisfaction import service_request_rate
from crm.service_requests.services import service_request_assign, service_request_transition
from reports.selectors.common import ReportFilters
from reports.selectors.service import service_report
from reports.summaries import service_version
from tests.factories import DepartmentFactory, department_liaison, enterprise_user, service_request
from tests.reports.test_service_departments import build_department_world

from .conftest import NOW, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(service_world, settings):
    settings.REPORTS_SUMMARY_CACHE_SECONDS = 600
    build_department_world(zhou=service_world["zhou"], wu=service_world["wu"])
    return service_world


def _filter_sets(world) -> list[ReportFilters]:
    return [
        ReportFilters(),
        ReportFilters(owner=world["zhou"]),
        ReportFilters(start=dt.date(2024, 12, 1), end=dt.date(2024, 12, 31)),
        ReportFilters(start=dt.date(2024, 12, 1), end=dt.date(2024, 12, 31)).year_earlier(),  # the 同比 run
        ReportFilters(park=world["xike"]),  # not cached (the enterprise's park): still the same figures
    ]


def _raw(filters, now):
    with override_settings(REPORTS_SUMMARY_CACHE_SECONDS=0):
        return service_report(filters=filters, now=now)


def _views(world, now=NOW) -> list[dict]:
    """Every filter set's page as a manager sees it: from the cache when it is there (and filled when not)."""
    return [service_report(filters=filters, now=now) for filters in _filter_sets(world)]


def _assert_cached_equals_raw(world, now=NOW) -> list[dict]:
    views = []
    for filters in _filter_sets(world):
        cached = service_report(filters=filters, now=now)
        assert service_report(filters=filters, now=now) == cached  # the second view: from the cache
        assert cached == _raw(filters, now), filters
        views.append(cached)
    return views


def _changed(world, change) -> None:
    before = _assert_cached_equals_raw(world)  # viewed: in the cache
    change()
    after = _assert_cached_equals_raw(world)
    assert after[0] != before[0]  # the unfiltered page shows the change


def test_a_submitted_request_shows_at_once(world):
    alice = enterprise_user(world["sunshine"], username="alice2")
    _changed(world, lambda: service_request(
        enterprise=world["sunshine"], submitted_by=alice, category=world["permit"], title="新诉求", at=at("2024-12-20", 9)
    ))


def test_a_transition_shows_at_once(world):
    r4 = world["requests"][4]
    _changed(world, lambda: service_request_transition(
        service_request=r4, action="resolve", actor=world["zhou"], at=at("2024-12-20", 9)
    ))


def test_an_assignment_shows_at_once(world):
    r4 = world["requests"][4]  # zhou's: now wu's, in the owner filter and by officer
    _changed(world, lambda: service_request_assign(service_request=r4, assignee=world["wu"], actor=world["zhou"]))


def test_a_routing_created_and_completed_shows_at_once(world):
    r4 = world["requests"][4]
    department = DepartmentFactory(name="区商务局")
    routing = {}

    def create():
        routing["r"] = routing_create(service_request=r4, department=department, role="lead", actor=world["zhou"],
                                      at=at("2024-12-19", 11))

    _changed(world, create)
    _changed(world, lambda: routing_complete(routing=routing["r"], actor=department_liaison(department),
                                             at=at("2024-12-19", 20)))


def test_a_call_back_shows_at_once(world):
    r8 = world["requests"][8]
    _changed(world, lambda: request_record_callback(service_request=r8, result="satisfied", actor=world["wu"],
                                                    at=at("2024-12-19")))


def test_a_rating_shows_at_once(world):
    r8 = world["requests"][8]
    _changed(world, lambda: service_request_rate(service_request=r8, user=r8.submitted_by, rating=2))


def test_an_approval_step_completed_shows_at_once(world):
    step = ApprovalStep.objects.get(request=world["requests"][3], sequence=1)
    _changed(world, lambda: approval_step_complete(step=step, actor=world["zhou"], at=at("2024-12-20", 9)))


def test_a_refused_change_leaves_the_version_as_it_was(world):
    before = service_version()
    with pytest.raises(DomainError):  # R7 is rejected: it cannot be resolved; nothing is stored
        service_request_transition(service_request=world["requests"][7], action="resolve", actor=world["wu"])
    assert service_version() == before


def test_the_colours_follow_the_clock_while_the_counts_come_from_the_cache(world):
    at_ten = _assert_cached_equals_raw(world, now=NOW)
    three_hours_later = NOW + dt.timedelta(hours=3)
    later = _assert_cached_equals_raw(world, now=three_hours_later)
    # R3 (submitted yesterday 12:00, due today 12:00) was yellow at 10:00 and is overdue at 13:00.
    assert later[0]["totals"]["red"] == at_ten[0]["totals"]["red"] + 1
    assert later[0]["totals"]["yellow"] == at_ten[0]["totals"]["yellow"] - 1
    assert "R3" in [item["title"] for item in later[0]["overdue"]]
    # … while the clock-free figures, read from the cache, are the same.
    assert later[0]["statuses"] == at_ten[0]["statuses"]
    assert later[0]["officer_satisfaction"] == at_ten[0]["officer_satisfaction"]


def test_the_departments_overdue_routings_follow_the_clock_while_their_counts_come_from_the_cache(world):
    at_ten = _assert_cached_equals_raw(world, now=NOW)
    month_later = _assert_cached_equals_raw(world, now=NOW + dt.timedelta(days=30))
    # Every routing still active is past its due time a month later: 超期未办结 and 逾期 grow, 按时办结 does not.
    def overdue(view):
        return sum(d["overdue"] for d in view[0]["departments"])

    assert overdue(month_later) > overdue(at_ten)
    assert [d["on_time"] for d in month_later[0]["departments"]] == [d["on_time"] for d in at_ten[0]["departments"]]
