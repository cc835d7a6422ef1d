"""The departments' reminders: a routing due soon and overdue goes to the department's liaisons and the desk's
assignee, an extension request to the station heads — each once."""

import datetime as dt

import pytest

from crm.models import ReminderRule
from crm.service_requests.routing import (
    routing_complete,
    routing_create,
    routing_decide_extension,
    routing_request_extension,
)
from tests.factories import DepartmentFactory, department_liaison, station_head

from .helpers import at, rows

pytestmark = pytest.mark.django_db
Code = ReminderRule.Code
T = at(2026, 11, 3, 9, 0)  # a Tuesday morning
SECOND = dt.timedelta(seconds=1)


@pytest.fixture
def department(db):
    return DepartmentFactory(name="区人力社保局（外国专家服务）", short_name="人社/外专")


@pytest.fixture
def liaison(department):
    return department_liaison(department, username="liaison", display_name="外专联络员", email="liaison@rs.example.cn")


@pytest.fixture
def routed(people, submit, department, liaison):
    """The work permit accepted by wang at T + 1 min, routed at T + 2 min to 人社/外专 as the lead (24 hours)."""
    ReminderRule.objects.exclude(code__startswith="routing_").update(enabled=False)  # only the departments' here
    request = submit(T, by=people["wang"])
    return routing_create(service_request=request, department=department, role="lead", actor=people["wang"],
                          at=T + dt.timedelta(minutes=2))


def _both(key, *users):
    return {(key, user, channel) for user in users for channel in ("in_app", "email")}


def test_a_routing_due_within_8_hours_goes_to_the_departments_liaisons_and_the_assignee_once(routed, sweep):
    due = routed.due_at
    key = f"routing:{routed.pk}:due_soon:{int(due.timestamp())}"

    assert due == T + dt.timedelta(hours=24, minutes=2)
    assert sweep(due - dt.timedelta(hours=8) - SECOND).created == []
    assert rows(sweep(due - dt.timedelta(hours=8)).created) == _both(key, "liaison", "wang")
    assert sweep(due - dt.timedelta(hours=7)).created == []


def test_an_overdue_routing_goes_to_the_liaisons_and_the_assignee_once(routed, sweep):
    due = routed.due_at
    sweep(due - dt.timedelta(hours=8))
    key = f"routing:{routed.pk}:overdue:{int(due.timestamp())}"

    assert sweep(due - SECOND).created == []
    created = sweep(due).created
    assert rows(created) == _both(key, "liaison", "wang")
    assert {n.subject for n in created} == {f"区人力社保局（外国专家服务）承办的诉求 #{routed.service_request_id} 已超期"}
    assert sweep(due + dt.timedelta(hours=1)).created == []
    assert sweep(due).created == []  # a sweep run twice writes nothing twice


def test_an_approved_extension_is_reminded_again_by_its_new_due_time(routed, liaison, sweep):
    chief = station_head(username="chief")
    new_due = routed.due_at + dt.timedelta(days=2)
    extension = routing_request_extension(routing=routed, due_at=new_due, reason="外专局系统维护", actor=liaison,
                                          at=T + dt.timedelta(hours=3))
    routing_decide_extension(extension=extension, approve=True, actor=chief, at=T + dt.timedelta(hours=4))

    assert sweep(routed.due_at + dt.timedelta(hours=1)).created == []  # the old due time has passed quietly
    key = f"routing:{routed.pk}:overdue:{int(new_due.timestamp())}"
    assert rows(sweep(new_due).created) == _both(key, "liaison", "wang")


def test_a_completed_routing_is_not_reminded(routed, liaison, sweep):
    routing_complete(routing=routed, actor=liaison, at=T + dt.timedelta(hours=3))

    assert sweep(routed.due_at + dt.timedelta(hours=1)).created == []


def test_an_extension_request_goes_to_the_station_heads_at_once_and_once(routed, liaison, people,
                                                                          django_capture_on_commit_callbacks):
    chief = station_head(username="chief", email="chief@zjg.example.cn")
    station_head(username="chief2")  # a second station head, without e-mail: in-app only

    with django_capture_on_commit_callbacks(execute=True):
        extension = routing_request_extension(routing=routed, due_at=routed.due_at + dt.timedelta(days=1),
                                              reason="外专局系统维护", actor=liaison)

    from crm.models import Notification

    key = f"routingextension:{extension.pk}:requested"
    assert rows(Notification.objects.filter(rule=Code.ROUTING_EXTENSION_REQUESTED)) == {
        (key, "chief", "in_app"), (key, "chief", "email"), (key, "chief2", "in_app"),
    }
    from crm.service_requests.notify import notify_extension_requested

    assert notify_extension_requested(extension) == []  # its key: never twice
    assert chief.pk != people["wang"].pk
